"""The database: the event store and its schema (migrations/ holds the Alembic versions)."""
