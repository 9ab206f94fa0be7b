"""Shared fixtures: real IRC servers and clients, SQLite and PostgreSQL databases.

IRC
  ircd                  a fresh IrcServer (ngIRCd, else miniircd) per test, started
  ircd_factory(**kw)    more servers, e.g. ircd_factory(tls=True); stopped at teardown
  irc_client_factory(nick=None, *, server=None, connect=True, **kw)
                        IrcTestClient connected (001) to ``server`` (default: the
                        ``ircd`` fixture); all are QUIT at teardown
PostgreSQL / SQLite
  pg_url                SQLAlchemy URL of a fresh empty PostgreSQL database
                        (dropped afterwards); FAILS if the server is unreachable
  sqlite_url            SQLAlchemy URL of a SQLite file in tmp_path
  db_url                parametrized: "sqlite" and "postgresql"

Tests that use pg_url (directly or via db_url[postgresql]) get the ``postgres``
marker, tests that use ircd/irc_client_factory the ``integration`` marker, so
`pytest -m "not postgres"` deselects (never skips) them.  On failure the IRC
server's log tail is printed in the teardown section.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# CI explores the same examples every run (a red build must be reproducible); developers'
# runs explore new ones each time, which is how new edge cases are found.
settings.register_profile("ci", derandomize=True, max_examples=300, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # make `tests.support` importable (tests/ has no __init__)
    sys.path.insert(0, str(ROOT))

from tests.support import pg  # noqa: E402
from tests.support.daemon import AgendumProcess  # noqa: E402
from tests.support.ircclient import IrcTestClient  # noqa: E402
from tests.support.ircd import IrcServer  # noqa: E402

_PG_FIXTURES = {"pg_url", "pg_server"}
_IRC_FIXTURES = {"ircd", "ircd_factory", "irc_client_factory"}


# The tests listed in this file still find a divergence from scribe.perl (a fuzz case found but
# not fixed yet). They run as strict xfails: reported as "xfailed", never as passed, and a
# listed test that starts passing fails the run until its line is deleted.
_KNOWN_DIVERGENCES = ROOT / "tests" / "scribe_known_divergences.txt"


def _known_divergences() -> set[str]:
    if not _KNOWN_DIVERGENCES.is_file():
        return set()
    lines = _KNOWN_DIVERGENCES.read_text(encoding="utf-8").splitlines()
    return {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    known = _known_divergences()
    for item in items:
        if item.nodeid in known:
            item.add_marker(pytest.mark.xfail(
                strict=True, reason="known divergence from scribe.perl, issue 13 (see "
                "tests/scribe_known_divergences.txt)"))
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        uses_pg = bool(names & _PG_FIXTURES) or (
            "db_url" in names and callspec is not None
            and callspec.params.get("db_url") == "postgresql"
        )
        if uses_pg:
            item.add_marker(pytest.mark.postgres)
        if names & _IRC_FIXTURES:
            item.add_marker(pytest.mark.integration)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    rep = yield
    setattr(item, f"_rep_{rep.when}", rep)
    return rep


def _failed(request: pytest.FixtureRequest) -> bool:
    rep = getattr(request.node, "_rep_call", None)
    return rep is None or rep.failed


# -- IRC ----------------------------------------------------------------------


def _stop_server(srv: IrcServer, request: pytest.FixtureRequest) -> None:
    if _failed(request):
        print(f"\n--- {srv!r} log (tail) ---\n{srv.log_text(tail=60)}")
    srv.stop()


@pytest.fixture
def ircd(request: pytest.FixtureRequest) -> Iterator[IrcServer]:
    """A fresh, started IRC server on 127.0.0.1 (attributes host, port, kind, pid)."""
    srv = IrcServer()
    srv.start()
    try:
        yield srv
    finally:
        _stop_server(srv, request)


@pytest.fixture
def ircd_factory(request: pytest.FixtureRequest) -> Iterator[Callable[..., IrcServer]]:
    """``ircd_factory(kind=None, tls=False, ...)`` -> started IrcServer."""
    servers: list[IrcServer] = []

    def make(*args: Any, **kwargs: Any) -> IrcServer:
        srv = IrcServer(*args, **kwargs)
        servers.append(srv)
        return srv.start()

    yield make
    for srv in servers:
        _stop_server(srv, request)


@pytest.fixture
def irc_client_factory(request: pytest.FixtureRequest) -> Iterator[Callable[..., IrcTestClient]]:
    """``irc_client_factory(nick=None, *, server=None, connect=True, **kw)`` -> client.

    ``server`` defaults to the ``ircd`` fixture; with ``server.tls`` and ``tls=True``
    the TLS port and CA file are used.  Nicks default to tester1, tester2, ...
    """
    clients: list[IrcTestClient] = []
    counter = itertools.count(1)

    def make(nick: str | None = None, *, server: IrcServer | None = None,
             connect: bool = True, **kwargs: Any) -> IrcTestClient:
        srv = server if server is not None else request.getfixturevalue("ircd")
        port = srv.port
        if kwargs.get("tls"):
            if not srv.tls or srv.tls_port is None:
                raise ValueError(f"{srv!r} has no TLS listener")
            port = srv.tls_port
            kwargs.setdefault("ca_file", srv.ca_file)
        client = IrcTestClient(srv.host, port, nick or f"tester{next(counter)}", **kwargs)
        clients.append(client)
        return client.connect() if connect else client

    yield make
    for c in clients:
        with contextlib.suppress(Exception):
            c.quit(timeout=1.0)


# -- databases ----------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> str:
    """Checks once that the test PostgreSQL server is usable; its version."""
    try:
        return pg.check_server()
    except pg.PgUnavailable as e:
        pytest.fail(f"PostgreSQL needed but unusable: {e}", pytrace=False)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """SQLAlchemy URL (postgresql+psycopg) of a fresh, empty, uniquely named database."""
    url = pg.create_database()
    try:
        yield url
    finally:
        pg.drop_database(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """SQLAlchemy URL of a (not yet existing) SQLite file in tmp_path."""
    return f"sqlite:///{tmp_path / 'agendum.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def agendum_factory(
    ircd: IrcServer, tmp_path: Path, sqlite_url: str
) -> Iterator[Callable[..., AgendumProcess]]:
    started: list[AgendumProcess] = []

    def make(*, db_url: str | None = None, channels: list[str] | None = None,
             server: IrcServer | None = None, **kw: object) -> AgendumProcess:
        srv = server or ircd
        proc = AgendumProcess(
            tmp_path / f"bot{len(started)}",
            irc_port=kw.pop("port", srv.port),  # type: ignore[arg-type]
            db_url=db_url or sqlite_url,
            channels=channels if channels is not None else ["#meeting"],
            **kw,  # type: ignore[arg-type]
        )
        started.append(proc.start())
        return proc

    yield make
    for proc in started:
        proc.stop()
        if proc.proc is not None and proc.proc.returncode not in (0, None, -9):
            print(proc.log_text()[-4000:])
