"""Alembic environment: runs on the connection agendum hands it (``config.attributes``),
or on ``sqlalchemy.url`` when a developer runs ``alembic`` by hand."""

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from bot.storage.schema import is_declared, metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=lambda name, type_, parent: is_declared(name),
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "set sqlalchemy.url in alembic.ini"
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        _run(conn)
