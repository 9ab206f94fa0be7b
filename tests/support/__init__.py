"""Test infrastructure: real IRC servers (ircd), a test IRC client (ircclient), PostgreSQL (pg).

Everything here is standard library only, except ``pg`` which needs SQLAlchemy and psycopg.
"""
