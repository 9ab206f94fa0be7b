"""Throw-away PostgreSQL databases for storage tests (needs SQLAlchemy + psycopg).

The server is named by ``AGENDUM_TEST_PG_URL`` (a SQLAlchemy URL; default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``).  Each test gets its own
database ``agendum_test_<random>``, created through the ``postgres`` maintenance
database on that server and dropped ``WITH (FORCE)`` afterwards.

No pytest import here; the fixtures live in ``tests/conftest.py``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

__all__ = [
    "DEFAULT_PG_URL",
    "PG_URL_ENV",
    "PgUnavailable",
    "base_url",
    "check_server",
    "create_database",
    "drop_database",
    "temp_database",
]

PG_URL_ENV = "AGENDUM_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DB_PREFIX = "agendum_test_"


class PgUnavailable(RuntimeError):
    """The test PostgreSQL server cannot be used."""


def base_url() -> URL:
    """The configured server URL, with the psycopg (v3) driver."""
    url = make_url(os.environ.get(PG_URL_ENV) or DEFAULT_PG_URL)
    if url.get_backend_name() != "postgresql":
        raise PgUnavailable(f"{PG_URL_ENV}={url!r} is not a postgresql URL")
    return url.set(drivername="postgresql+psycopg")


def _connect_kwargs(url: URL, dbname: str) -> dict[str, Any]:
    kw: dict[str, Any] = {"dbname": dbname, "autocommit": True, "connect_timeout": 5}
    if url.host:
        kw["host"] = url.host
    if url.port:
        kw["port"] = url.port
    if url.username:
        kw["user"] = url.username
    if url.password:
        kw["password"] = url.password
    for k, v in url.query.items():  # e.g. ?sslmode=disable
        kw[k] = v if isinstance(v, str) else v[-1]
    return kw


def _admin_connect(url: URL) -> psycopg.Connection[Any]:
    """Autocommit connection to the maintenance DB (``postgres``, else the URL's DB)."""
    errors = []
    for dbname in dict.fromkeys(["postgres", url.database or "postgres"]):
        try:
            return psycopg.connect(**_connect_kwargs(url, dbname))
        except psycopg.Error as e:
            errors.append(f"{dbname}: {e}".strip())
    where = url.render_as_string(hide_password=True)
    raise PgUnavailable(
        f"cannot connect to the test PostgreSQL server {where} "
        f"(set {PG_URL_ENV}; .ci/run installs and starts one): " + " | ".join(errors)
    )


def check_server() -> str:
    """Raise PgUnavailable unless the server can be used; returns its version."""
    url = base_url()
    with _admin_connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        can = conn.execute(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    if not can or not can[0]:
        raise PgUnavailable(f"the role of {url.render_as_string()} may not CREATE DATABASE")
    return str(row[0]) if row else "?"


def create_database(prefix: str = DB_PREFIX) -> str:
    """Create a fresh uniquely named database; returns its SQLAlchemy URL (as str)."""
    url = base_url()
    name = f"{prefix}{secrets.token_hex(6)}"
    with _admin_connect(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(db_url: str) -> None:
    """Drop the database named in ``db_url``, disconnecting its sessions (PG >= 13)."""
    url = make_url(db_url)
    name = url.database
    if not name:
        raise ValueError(f"no database in {db_url!r}")
    with _admin_connect(base_url()) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def temp_database(prefix: str = DB_PREFIX) -> Iterator[str]:
    """``with temp_database() as url:`` - a fresh database, dropped afterwards."""
    db_url = create_database(prefix)
    try:
        yield db_url
    finally:
        drop_database(db_url)
