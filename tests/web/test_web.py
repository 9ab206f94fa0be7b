"""``agendum serve`` over real HTTP: visibility, search, odd URLs and headers.

Each test writes a config in tmp_path, migrates a real database (SQLite, and PostgreSQL where
the ``db_url`` fixture asks for it), stores events and visibility rows the way the bot does,
publishes minutes files where ``publish_roots`` puts them, and runs ``bot.web.server.serve`` in a
thread with its own event loop. Requests go over a real socket (``http.client``, or a raw
socket for requests ``http.client`` refuses to send). The pages live under a path prefix
(``publish.base_url`` = ``http://127.0.0.1:PORT/minutes``), so the prefix is exercised too.

The helpers here (``running_site``, ``Site``, ``get``) are shared with test_web_browser.py.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http.client
import json
import logging
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from sqlalchemy import event

from bot.config import Config, load_config, publish_roots, settings_for
from bot.core.events import Event, Kind
from bot.core.paths import channel_slug, relative_name, url_for
from bot.publish.files import write_file
from bot.publish.log import log_lines
from bot.publish.minutes import Look, render_all
from bot.storage.store import Store, upgrade
from bot.web.server import serve
from tests.support.ircd import free_port

NETWORK = "local"  # the config's irc.network (its default)
MEMBER_PW = "member-pw-Ω"
TEAM_PW = "team-pw-7"
PREFIX = "/minutes"  # the path of publish.base_url
D1, D2 = "2026-01-10", "2026-01-11"
SECRET = "TOP-SECRET-FILE-CONTENT"


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def at(day: str, hour: int = 15, minute: int = 0, second: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, second=second,
                                               tzinfo=UTC)


# -- the running site -------------------------------------------------------------------------


def write_config(tmp_path: Path, url: str, port: int, **bot: Any) -> Path:
    """A config for ``agendum serve`` with both passwords and the publish dirs in tmp_path."""
    bot_lines = "".join(f"{key} = {json.dumps(value)}\n" for key, value in bot.items())
    path = tmp_path / "agendum.toml"
    path.write_text(
        f"[bot]\n{bot_lines}\n"
        f"[storage]\nurl = {json.dumps(url)}\n\n"
        "[publish]\ndir = \"site/public\"\nrestricted_dir = \"site/restricted\"\n"
        f"base_url = \"http://127.0.0.1:{port}{PREFIX}/\"\n\n"
        f"[web]\nhost = \"127.0.0.1\"\nport = {port}\n"
        f"member_password = {json.dumps(MEMBER_PW)}\nteam_password = {json.dumps(TEAM_PW)}\n",
        encoding="utf-8")
    return path


@dataclass
class Site:
    """A migrated database, its publish folders and ``serve`` running in a thread."""

    cfg: Config
    store: Store
    thread: threading.Thread | None = None
    loop: asyncio.AbstractEventLoop | None = None
    stop_event: asyncio.Event | None = None
    errors: list[BaseException] = field(default_factory=list)
    live: set[str] = field(default_factory=set)  # channels with lines today

    @property
    def port(self) -> int:
        return self.cfg.web.port

    def url(self, path: str) -> str:
        """The full URL of ``path`` (from the server's root, so with the prefix)."""
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> Site:
        ready = threading.Event()

        async def main() -> None:
            self.loop, self.stop_event = asyncio.get_running_loop(), asyncio.Event()
            ready.set()
            await serve(self.cfg, self.store, self.stop_event)

        def run() -> None:
            try:
                asyncio.run(main())
            except BaseException as e:  # shown by stop()
                self.errors.append(e)
                ready.set()

        self.thread = threading.Thread(target=run, name="agendum-web", daemon=True)
        self.thread.start()
        ready.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.errors:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.5):
                return self
            time.sleep(0.02)
        raise RuntimeError(f"the web server did not start: {self.errors}")

    def stop(self, timeout: float = 10.0) -> float:
        """Stop ``serve`` as ``agendum serve`` does on SIGTERM; the seconds it took."""
        started = time.monotonic()
        if self.loop is not None and self.stop_event is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.stop_event.set)
        if self.thread is not None:
            self.thread.join(timeout)
        return time.monotonic() - started

    # -- data, as the bot stores and publishes it

    def insert(self, events: list[Event]) -> None:
        self.live |= {e.channel for e in events if e.day == today()}
        self.store.insert_events(events)

    def say(self, channel: str, when: datetime, nick: str, text: str,
            kind: Kind = Kind.MESSAGE) -> None:
        self.insert([Event(when, NETWORK, channel, kind, nick, text)])

    def end_live_streams(self) -> None:
        """A line in every channel that has a live view, so that streams whose reader has
        gone end (see test_serve_stops_promptly_with_live_views)."""
        now = datetime.now(UTC)
        self.insert([Event(now, NETWORK, c, Kind.NOTICE, "teardown", "bye") for c in self.live])

    def conversation(self, channel: str, day: str, lines: list[tuple[str, str]],
                     start: datetime | None = None, kind: Kind = Kind.MESSAGE) -> None:
        """``lines`` of (nick, text), one second apart from ``start`` (15:00 that day)."""
        first = start or at(day)
        self.insert([
            Event(first + timedelta(seconds=i), NETWORK, channel, kind, nick, text)
            for i, (nick, text) in enumerate(lines)])

    def set_visibility(self, channel: str, day: str, visibility: str) -> None:
        """What ``RRSAgent, make logs member`` leaves in channel_values."""
        self.store.remember_value(NETWORK, channel, f"record.visibility.{day}", visibility)

    def publish_minutes(self, channel: str, day: str, visibility: str = "public",
                        look: Look | None = None) -> None:
        """What ``bot.publish.draft.publish_day`` does: the day's public log through
        ``render_all``, its HTML, Markdown and JSON written where that visibility's go."""
        start = datetime.fromisoformat(day).replace(tzinfo=UTC)
        events = self.store.events_for("local", channel, start - timedelta(days=1),
                                       start + timedelta(days=2))
        lines = log_lines(events, settings_for(self.cfg), day)
        minutes = render_all(lines, day=date.fromisoformat(day), channel=channel, look=look,
                             log_url=url_for(self.cfg.publish.base_url, channel, day, "irc.txt"))
        self.publish(channel, day, visibility, {f"minutes.{kind}": minutes[kind]
                                                for kind in ("html", "md", "json")})

    def publish(self, channel: str, day: str, visibility: str, files: dict[str, str]) -> None:
        """Minutes files (suffix -> content) where the publisher writes that visibility's."""
        root = publish_roots(self.cfg)[visibility]
        for suffix, content in files.items():
            write_file(root, relative_name(channel, day, suffix), content)

    def href(self, channel: str, day: str, suffix: str) -> str:
        """The path of a page as the index links it (the slug's ``%`` encoded once more)."""
        return f"{PREFIX}/{quote(relative_name(channel, day, suffix), safe='/')}"


@contextlib.contextmanager
def running_site(tmp_path: Path, url: str, **bot: Any) -> Iterator[Site]:
    """Config in ``tmp_path`` (``bot`` = extra [bot] keys), migrated ``url``, server running."""
    cfg = load_config(write_config(tmp_path, url, free_port(), **bot))
    upgrade(url)
    store = Store.open(url)
    site = Site(cfg, store)
    try:
        yield site.start()
    finally:
        site.end_live_streams()
        took = site.stop()
        store.close()
        assert not site.errors, site.errors
        assert took < 10, f"the server took {took:.1f}s to stop"


# -- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def auth(password: str | None, user: str = "reader") -> dict[str, str]:
    if password is None:
        return {}
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def get(site: Site, path: str, password: str | None = None, user: str = "reader",
        headers: dict[str, str] | None = None) -> Reply:
    """GET ``path`` (already percent-encoded, from the server's root) over a real socket."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        conn.request("GET", path, headers={**auth(password, user), **(headers or {})})
        resp = conn.getresponse()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def raw_get(site: Site, target: bytes, extra: bytes = b"") -> Reply:
    """Send a request line byte for byte (NUL, backslashes, raw UTF-8...) and read the reply."""
    with socket.create_connection(("127.0.0.1", site.port), timeout=10) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra
                  + b"Connection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(status_line.split()[1]), headers, body)


class EventStream:
    """A server-sent event stream, read over a real socket until closed."""

    def __init__(self, site: Site, path: str, password: str | None = None,
                 timeout: float = 10.0) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=timeout)
        self.conn.request("GET", path, headers=auth(password))
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}

    def next(self, wanted: str | None = "minutes") -> tuple[str | None, Any]:
        """The next event named ``wanted`` (any with None): its name and its data (decoded
        from JSON). The stream also sends ``room`` events (the meeting room's state)."""
        while (found := self._one())[0] != wanted and wanted is not None:
            pass
        return found

    def _one(self) -> tuple[str | None, Any]:
        name, data = None, None
        while True:
            line = self.resp.readline().decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                name = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                data = json.loads(line.partition(":")[2].strip())
            elif not line and data is not None:
                return name, data

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def first_event(site: Site, path: str, password: str | None = None
                ) -> tuple[Reply, str | None, Any]:
    """Open a live stream: the reply, and (when it is 200) its first event's name and data."""
    with EventStream(site, path, password) as stream:
        if stream.status != 200:
            return Reply(stream.status, stream.headers, stream.resp.read()), None, None
        name, data = stream.next()
        return Reply(200, stream.headers, b""), name, data


def hits(reply: Reply) -> list[str]:
    """The lines a search results page shows, as text: "day time channel <nick> line"."""
    def text(html: str) -> str:
        return unescape(re.sub(r"<[^>]+>", "", html))

    found = []
    for m in re.findall(r"<li class=hit>(.*?)</li>", reply.text, re.S):
        when = re.search(r"class=when[^>]*>(.*?)</a>", m, re.S)
        channel = re.search(r"<span class=channel>(.*?)</span>", m, re.S)
        line = re.search(r"<div class=line-text>(.*?)</div>", m, re.S)
        assert when and channel and line, m
        found.append(f"{text(when[1])} {text(channel[1])} {text(line[1])}")
    return found


def index_links(reply: Reply) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"#][^"]*)"', reply.text)]


def index_channels(reply: Reply) -> list[str]:
    return [unescape(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", reply.text, re.S)]


# -- the visibility table -----------------------------------------------------------------------

READERS = {  # reader -> (user, password): any user name goes
    "anonymous": None,
    "wrong password": ("alice", "not-the-password"),
    "member password": ("", MEMBER_PW),
    "team password": ("bob", TEAM_PW),
}
OPENS = {
    "public": {"anonymous", "wrong password", "member password", "team password"},
    "member": {"member password", "team password"},
    "team": {"team password"},
}
BOT_CONFIG = {"member_channels": ["#Mem"], "team_channels": ["#team"]}


@dataclass(frozen=True)
class Case:
    """One channel-day, its visibility and where that visibility comes from."""

    channel: str
    day: str  # "today" is resolved when the site is made
    visibility: str
    row: bool  # set by a channel_values row (else the config's default for the channel)
    word: str  # said only in this channel-day

    @property
    def when(self) -> str:
        return today() if self.day == "today" else self.day


CASES = [
    Case("#pub", D1, "public", row=False, word="kumquat01"),
    Case("#mem", D1, "member", row=False, word="kumquat02"),  # member_channels (any case)
    Case("#team", D1, "team", row=False, word="kumquat03"),
    Case("#pub", D2, "member", row=True, word="kumquat04"),
    Case("#mem", D2, "team", row=True, word="kumquat05"),
    Case("#team", D2, "public", row=True, word="kumquat06"),  # a row opens a team channel
    Case("#pub", "today", "public", row=False, word="kumquat07"),
    Case("#mem", "today", "member", row=False, word="kumquat08"),
    Case("#team", "today", "team", row=False, word="kumquat09"),
    Case("#wg", "today", "member", row=True, word="kumquat10"),
]
LOG_KINDS = ("irc", "irc.txt", "irc.html")
MINUTES_KINDS = ("minutes", "minutes.html", "minutes.md", "minutes.json")
TYPES = {"irc": "text/html", "irc.txt": "text/plain", "irc.html": "text/html",
         "minutes": "text/html", "minutes.html": "text/html", "minutes.md": "text/markdown",
         "minutes.json": "application/json"}


def minutes_files(case: Case) -> dict[str, str]:
    return {"minutes.html": f"<!DOCTYPE html><title>m</title><p>minutes {case.word}</p>\n",
            "minutes.md": f"# Minutes\n\n{case.word}\n",
            "minutes.json": json.dumps({"minutes": case.word})}


def fill(site: Site) -> None:
    """Every case's lines, visibility row and minutes (none yet for today's)."""
    for case in CASES:
        site.conversation(case.channel, case.when, [
            ("alice", f"Topic: about {case.word}"),
            ("bob", f"I said {case.word} in {case.channel}"),
        ])
        if case.row:
            site.set_visibility(case.channel, case.when, case.visibility)
        if case.day != "today":
            site.publish(case.channel, case.when, case.visibility, minutes_files(case))
    # a row for another day or another network changes nothing here
    site.store.remember_value("othernet", "#pub", f"record.visibility.{D1}", "team")
    site.set_visibility("#pub", "2020-01-01", "team")


@pytest.fixture
def site(tmp_path: Path, db_url: str) -> Iterator[Site]:
    with running_site(tmp_path, db_url, **BOT_CONFIG) as s:
        fill(s)
        yield s


@pytest.fixture
def sqlite_site(tmp_path: Path, sqlite_url: str) -> Iterator[Site]:
    with running_site(tmp_path, sqlite_url, **BOT_CONFIG) as s:
        fill(s)
        yield s


def check(reply: Reply, case: Case, reader: str, where: str, kind: str) -> list[str]:
    """What is wrong with ``reply`` to ``reader`` for ``case``'s page (nothing: [])."""
    problems = []
    csp = reply.headers.get("content-security-policy", "")
    if "script-src 'self'" not in csp:
        problems.append(f"{where}: no CSP script-src 'self' ({csp!r})")
    if reader in OPENS[case.visibility]:
        if reply.status != 200:
            problems.append(f"{where}: {reply.status}, wanted 200")
        elif case.word not in reply.text:
            problems.append(f"{where}: 200 without the day's text")
        elif not reply.headers.get("content-type", "").startswith(TYPES[kind]):
            problems.append(f"{where}: content type {reply.headers.get('content-type')}")
    else:
        if reply.status != 401:
            problems.append(f"{where}: {reply.status}, wanted 401")
        if not reply.headers.get("www-authenticate", "").startswith("Basic "):
            problems.append(f"{where}: no WWW-Authenticate: Basic")
        if case.word in reply.text:
            problems.append(f"{where}: the refusal shows the day's text")
    return problems


def read(site: Site, path: str, reader: str) -> Reply:
    who = READERS[reader]
    return get(site, path) if who is None else get(site, path, who[1], user=who[0])


# -- visibility ---------------------------------------------------------------------------------


def test_every_page_kind_follows_the_days_visibility(site: Site) -> None:
    problems = []
    for case in CASES:
        for kind in (*LOG_KINDS, *([] if case.day == "today" else MINUTES_KINDS)):
            path = site.href(case.channel, case.when, kind)
            for reader in READERS:
                where = f"{case.channel} {case.day} {kind} as {reader}"
                problems += check(read(site, path, reader), case, reader, where, kind)
    assert problems == []


def test_minutes_not_yet_drafted_are_404_to_those_who_may_read_them(site: Site) -> None:
    for case in CASES:
        if case.day != "today":
            continue
        for reader in READERS:
            reply = read(site, site.href(case.channel, case.when, "minutes.html"), reader)
            assert reply.status == (404 if reader in OPENS[case.visibility] else 401), (
                case, reader)


def test_live_page_and_stream_follow_the_days_visibility(site: Site) -> None:
    problems = []
    for case in CASES:
        if case.day != "today":
            continue
        page = f"{PREFIX}/live/{quote(channel_slug(case.channel))}"
        for reader in READERS:
            who = READERS[reader]
            password = None if who is None else who[1]
            reply = get(site, page, password)
            if reader in OPENS[case.visibility]:
                if reply.status != 200 or f"{page}/stream" not in reply.text:
                    problems.append(f"live {case.channel} as {reader}: {reply.status}")
            elif reply.status != 401 or "basic" not in reply.headers.get(
                    "www-authenticate", "").lower():
                problems.append(f"live {case.channel} as {reader}: {reply.status}, wanted 401")
            stream, name, data = first_event(site, f"{page}/stream", password)
            if reader in OPENS[case.visibility]:
                if stream.status != 200 or name != "minutes" or case.word not in data:
                    problems.append(f"stream {case.channel} as {reader}: {stream.status} {name}")
                elif stream.headers.get("content-type") != "text/event-stream":
                    problems.append(f"stream {case.channel}: {stream.headers}")
            elif stream.status != 401 or case.word in stream.text:
                problems.append(f"stream {case.channel} as {reader}: {stream.status}, wanted 401")
    assert problems == []


def test_the_live_stream_sends_the_minutes_again_when_a_line_is_logged(site: Site) -> None:
    with EventStream(site, f"{PREFIX}/live/wg/stream", MEMBER_PW) as stream:
        assert stream.status == 200
        assert stream.headers["cache-control"] == "no-store"
        name, first = stream.next()
        assert name == "minutes" and "kumquat10" in first and "Live topic 123" not in first
        started = time.monotonic()
        site.conversation("#wg", today(), [("carol", "Topic: Live topic 123"),
                                           ("carol", "dave: it works live")],
                          start=datetime.now(UTC) - timedelta(seconds=1))
        name, second = stream.next()
        assert time.monotonic() - started < 2
        assert name == "minutes" and "Live topic 123" in second and "it works live" in second


def test_there_is_no_live_view_of_a_past_day_or_an_unknown_channel(site: Site) -> None:
    site.conversation("#old", D1, [("alice", "long ago")])
    for slug in ("old", "nosuch", "%25zx", "%2e%2e", "pub%2F..%2F..", "PUB%00"):
        reply = get(site, f"{PREFIX}/live/{slug}", TEAM_PW)
        assert reply.status == 404, (slug, reply.status)
        stream, _, _ = first_event(site, f"{PREFIX}/live/{slug}/stream", TEAM_PW)
        assert stream.status == 404, (slug, stream.status)


def test_the_index_lists_only_the_days_a_reader_may_read(site: Site) -> None:
    for reader in READERS:
        reply = read(site, f"{PREFIX}/", reader)
        assert reply.status == 200
        shown = set()
        for link in index_links(reply):
            if m := re.fullmatch(rf"{PREFIX}/(\d{{4}})/(\d\d)/(\d\d)-(.+)-irc\.html", link):
                shown.add((unquote(m[4]), f"{m[1]}-{m[2]}-{m[3]}"))
        readable = [c for c in CASES if reader in OPENS[c.visibility]]
        assert shown == {(channel_slug(c.channel), c.when) for c in readable}, reader
        assert set(index_channels(reply)) == {c.channel for c in readable}, reader
        for link in index_links(reply):  # every page the index links opens for this reader
            if link != f"{PREFIX}/":
                assert read(site, link, reader).status == 200, (reader, link)
        minutes = {link for link in index_links(reply) if link.endswith("-minutes.html")}
        assert minutes == {site.href(c.channel, c.when, "minutes.html") for c in readable
                           if c.day != "today"}, reader
        live = {link for link in index_links(reply) if "/live/" in link}
        assert live == {f"{PREFIX}/live/{channel_slug(c.channel)}" for c in readable
                        if c.day == "today"}, reader
    anonymous = get(site, f"{PREFIX}/").text
    assert "#wg" not in anonymous and "#mem" not in anonymous and "kumquat" not in anonymous
    assert get(site, PREFIX).text == anonymous  # the index is also at the prefix itself


# -- search -------------------------------------------------------------------------------------


def search(site: Site, query: str, password: str | None = None) -> list[str]:
    reply = get(site, f"{PREFIX}/search?q={quote(query)}", password)
    assert reply.status == 200, (query, reply.status)
    assert "script-src 'self'" in reply.headers["content-security-policy"]
    return hits(reply)


def test_search_finds_a_word_only_for_readers_of_its_day(site: Site) -> None:
    problems = []
    for case in CASES:
        for reader, who in READERS.items():
            found = search(site, case.word.upper(), None if who is None else who[1])
            want = 2 if reader in OPENS[case.visibility] else 0
            if len(found) != want or not all(case.word in f for f in found):
                problems.append(f"{case.word} ({case.visibility}) as {reader}: {found}")
    assert problems == []
    everything = search(site, "kumquat", TEAM_PW)
    assert len(everything) == 2 * len(CASES)
    assert {h.split()[2] for h in search(site, "kumquat")} == {"#pub", "#team"}


def test_search_never_shows_off_the_record_lines(site: Site) -> None:
    site.conversation("#rec", D1, [
        ("alice", "before the break: guava on the record"),
        ("alice", "[off] guava said off the record"),
        ("alice", "   [OFF] guava also off the record"),
        ("carol", "RRSAgent, off"),
        ("alice", "guava while the bot was not listening"),
        ("dave", "Topic: guava topic while off"),
        ("carol", "RRSAgent, on"),
        ("alice", "guava after the bot listens again"),
        ("carol", "rrsagent: stop"),
        ("alice", "guava during the second pause"),
        ("carol", "RRSAgent: listen"),
        ("alice", "guava at the end"),
    ])
    site.conversation("#rec", D1, [("erin", "waves a guava around")], kind=Kind.ACTION,
                      start=at(D1, 16))
    site.conversation("#rec", D1, [("erin", "guava in a notice, logged")], kind=Kind.NOTICE,
                      start=at(D1, 16, 1))
    site.conversation("#quiet", D2, [("erin", "only a guava /me here")], kind=Kind.ACTION)
    on_record = ["before the break: guava on the record", "guava after the bot listens again",
                 "guava at the end", "guava in a notice, logged"]
    for password in (None, MEMBER_PW, TEAM_PW):
        found = search(site, "guava", password)
        assert sorted(f.split("> ", 1)[1] for f in found) == sorted(on_record), password
    # the published log agrees
    log = get(site, site.href("#rec", D1, "irc.txt")).text
    assert [ln.split("> ", 1)[1] for ln in log.splitlines() if "guava" in ln] == on_record


def test_search_results_link_to_their_line_in_the_log(site: Site) -> None:
    reply = get(site, f"{PREFIX}/search?q=kumquat01")
    links = [link for link in index_links(reply) if "#T" in link]
    log = site.href("#pub", D1, "irc.html")
    assert links == [f"{log}#T15-00-01", f"{log}#T15-00-00"]  # newest first
    page = get(site, log)
    assert page.status == 200 and 'id="T15-00-01"' in page.text


ODD_QUERIES = ["%", "_", "\\", "'", "' OR 1=1 --", "\x00", "a\x00b", "\ud800", "\u200b",
               "é" * 500, "*", "[a-z]", ".*", '"', '"kumquat', "kumquat OR x", "NEAR(kumquat)",
               "kumquat*", "-kumquat", "^kumquat", "kumquat:*", "kumquat & !x", "<->", "a:b",
               "kumquat | kumquat02", "kumquat02 OR kumquat", "kumquat0*", "ku*", "(kumquat)",
               "kumquat02) OR (kumquat", "{kumquat}", "kumquat NOT x", "text:kumquat"]


def test_odd_search_queries_are_answered_and_never_leak(site: Site) -> None:
    public = {c.word for c in CASES if c.visibility == "public"}
    problems = []
    for query in ODD_QUERIES:
        encoded = quote(query.encode("utf-8", "surrogatepass"))
        for password in (None, MEMBER_PW):
            reply = get(site, f"{PREFIX}/search?q={encoded}", password)
            if reply.status != 200:
                problems.append(f"{query[:20]!r}: {reply.status}")
            words = {w for h in hits(reply) for w in re.findall(r"kumquat\d\d", h)}
            if password is None and not words <= public:
                problems.append(f"{query[:20]!r} shows {words - public} anonymously")
    assert problems == []


@pytest.mark.parametrize(("nick", "command"), [("RRSAgent", "  RRSAgent, off"),
                                                ("RRS[bot]", "RRS[bot], off")],
                         ids=["leading-spaces", "brackets"])
def test_search_skips_lines_said_while_off_however_rrsagent_was_addressed(
        tmp_path: Path, db_url: str, nick: str, command: str) -> None:
    with running_site(tmp_path, db_url, rrsagent_nick=nick) as site:
        site.conversation("#wg", D1, [("alice", "papaya before"), ("carol", command),
                                      ("alice", "papaya said while off")])
        log = get(site, site.href("#wg", D1, "irc.txt")).text
        assert "papaya before" in log and "papaya said while off" not in log  # the log is right
        assert [h.split("> ", 1)[1] for h in search(site, "papaya")] == ["papaya before"]


@pytest.mark.parametrize("case", ["off-past-midnight", "member-log-spanning-midnight"])
def test_search_judges_lines_after_midnight_by_their_log(site: Site, case: str) -> None:
    if case == "off-past-midnight":
        site.conversation("#late", D1, [("carol", "RRSAgent, off")], start=at(D1, 23, 59))
    else:
        site.conversation("#late", D1, [("carol", "RRSAgent, this meeting spans midnight"),
                                        ("alice", "before midnight")], start=at(D1, 23, 50))
        site.set_visibility("#late", D1, "member")
    site.conversation("#late", D2, [("alice", "mango after midnight")], start=at(D2, 0, 10))
    assert "mango" not in get(site, site.href("#late", D2, "irc.txt")).text  # right here
    assert search(site, "mango") == []


def test_search_finds_public_lines_behind_many_restricted_ones(sqlite_site: Site) -> None:
    sqlite_site.conversation("#pub", D1, [("alice", "a public cherry")], start=at(D1, 9))
    sqlite_site.conversation("#mem", D1, [("bob", f"member cherry {i}") for i in range(1000)],
                             start=at(D1, 10))
    assert len(search(sqlite_site, "cherry", MEMBER_PW)) == 50
    assert search(sqlite_site, "cherry") == ["2026-01-10 09:00:00 #pub <alice> a public cherry"]


def fts_matches(site: Site, word: str) -> int:
    """Events SQLite's full-text index finds ``word`` in (what is indexed so far)."""
    with site.store.engine.connect() as conn:
        return int(conn.exec_driver_sql(
            "SELECT count(*) FROM events_fts WHERE events_fts MATCH ?", (word,)).scalar())


def test_search_finds_lines_the_bot_has_not_indexed_yet(sqlite_site: Site) -> None:
    sqlite_site.conversation("#pub", D1, [("alice", "a quince")], start=at(D1, 9))
    assert fts_matches(sqlite_site, "quince") == 0  # stored as the bot does: not indexed
    assert search(sqlite_site, "quince") == ["2026-01-10 09:00:00 #pub <alice> a quince"]
    sqlite_site.conversation("#pub", D1, [("bob", "another quince")], start=at(D1, 10))
    assert search(sqlite_site, "QUINCE") == ["2026-01-10 10:00:00 #pub <bob> another quince",
                                             "2026-01-10 09:00:00 #pub <alice> a quince"]


def test_search_while_the_database_is_locked_shows_what_is_indexed(
    sqlite_site: Site, sqlite_url: str, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = sqlite_site.store.engine

    @event.listens_for(engine, "connect")
    def _short_wait(dbapi_conn: Any, _record: Any) -> None:  # after the store's 5 s
        dbapi_conn.execute("PRAGMA busy_timeout=200")

    engine.dispose()  # connections from now on wait 200 ms for a lock
    sqlite_site.conversation("#pub", D1, [("alice", "an old quince")], start=at(D1, 9))
    assert len(search(sqlite_site, "quince")) == 1  # indexed now
    sqlite_site.conversation("#pub", D1, [("bob", "a new quince")], start=at(D1, 10))
    index_pending = sqlite_site.store.index_pending

    def index_while_another_writes(limit: int | None = None) -> int:
        # Only around the indexing: this store's reads take the write lock too (BEGIN
        # IMMEDIATE on every transaction), so a lock held longer would fail them as well.
        other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            return index_pending(limit)
        finally:
            other.close()

    monkeypatch.setattr(sqlite_site.store, "index_pending", index_while_another_writes)
    with caplog.at_level(logging.WARNING, logger="bot.web.data"):
        assert search(sqlite_site, "quince") == ["2026-01-10 09:00:00 #pub <alice> an old quince"]
    assert any("database is locked" in r.getMessage() for r in caplog.records)
    monkeypatch.undo()
    assert len(search(sqlite_site, "quince")) == 2


# -- odd input ----------------------------------------------------------------------------------

_P = PREFIX.encode()
ODD_TARGETS: list[bytes] = [
    _P + b"/2026/01/10-pub-irc.txt/..",
    _P + b"/2026/01/../../../secret.txt",
    _P + b"/2026/01/../../site/secret.txt",
    _P + b"/2026/01/10-..-irc.txt",
    _P + b"/2026/01/10-%2e%2e-irc.txt",
    _P + b"/2026/01/10-%2E%2E%2F%2E%2E%2Fsecret-irc.txt",
    _P + b"/2026/01/%2e%2e%2f%2e%2e%2f..%2fsecret.txt",
    _P + b"/2026/01/secret.txt",
    _P + b"/2026/secret.txt",
    _P + b"/%2e%2e/%2e%2e/secret.txt",
    _P + b"/2026/01/10-pub%2F..%2F..-minutes.html",
    _P + b"/2026/01/10-pub%2f..%2f..%2fsecret-minutes.html",
    _P + b"/2026/01/10-pub%5C..%5Csecret-irc.txt",
    _P + b"/2026/01/10-pub\\..\\..\\secret-irc.txt",
    _P + b"\\..\\secret.txt",
    _P + b"/2026/01/10-pub%00-irc.txt",
    _P + b"/2026/01/10-pub-irc.txt%00",
    _P + b"/2026/01/10-pub-irc.txt%00.html",
    _P + b"/2026/01/10-pub-irc.html\x00",
    _P + b"/2026/01/10-" + b"a" * 5000 + b"-irc.txt",
    _P + b"/2026/01/10-" + b"%2e" * 2000 + b"-irc.txt",
    _P + b"/2026/01/10-" + b"a" * 20000 + b"-irc.txt",
    _P + b"/" + b"x/" * 2000,
    _P + b"/2026/13/40-pub-irc.txt",
    _P + b"/2026/02/30-pub-irc.txt",
    _P + b"/2026/00/10-pub-irc.txt",
    _P + b"/2026/01/00-pub-irc.txt",
    _P + b"/0000/01/10-pub-irc.txt",
    _P + b"/9999/99/99-pub-irc.txt",
    _P + b"/2026/01/1-pub-irc.txt",
    _P + b"/2026/1/10-pub-irc.txt",
    _P + b"/%32%30%32%36/01/10-pub-irc.txt%3F",
    _P + b"/\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa6/01/10-pub-irc.txt",  # Arabic-Indic digits
    _P + b"/2026/01/10-pub-irc.exe",
    _P + b"/2026/01/10-pub-minutes.html.bak",
    _P + b"/2026/01/10-pub-",
    _P + b"/2026/01/10--irc.txt",
    _P + b"/2026/01/10-nosuchchannel-irc.txt",
    _P + b"/2026/01/09-pub-irc.txt",
    _P + b"/2026/01/10-PUB-irc.txt",
    _P + b"/2026/01/10-pub-minutes.md/x",
    _P + b"/2026/01/10-%E4-irc.txt",
    _P + b"/2026/01/10-\xc3\xa4-irc.txt",
    _P + b"/2026/01/10-\xff\xfe-irc.txt",
    _P + b"/2026/01/10-%ff%fe-irc.txt",
    _P + b"/2026/01/10-%-irc.txt",
    _P + b"/2026/01/10-%zz-irc.txt",
    _P + b"/live/" + b"a" * 5000,
    _P + b"/live/%2e%2e%2f%2e%2e%2fsecret.txt",
    _P + b"/live/..%5C..%5Csecret.txt/stream",
    _P + b"/live/pub%00/stream",
    _P + b"/live/",
    _P + b"/static/../secret.txt",
    _P + b"/static/%2e%2e/%2e%2e/secret.txt",
    _P + b"/static/live.js/../../secret.txt",
    _P + b"/static/live.js%00.txt",
    _P + b"/static/",
    _P + b"/static/%2e%2e%2fweb.py",
    _P + b"/secret.txt",
    _P + b"/public/secret.txt",
    _P + b"/restricted/member/2026/01/10-mem-minutes.html",
    _P + b"/site/secret.txt",
    b"/site/secret.txt",
    b"/secret.txt",
    b"/",
    b"/../../../../etc/passwd",
    b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"//etc/passwd",
    _P + b"//etc/passwd",
    b"http://127.0.0.1/etc/passwd",
    b"*",
    b"minutes/",
]


def plant_secrets(site: Site) -> None:
    """Files a web server must never hand out: beside, above and inside the publish roots."""
    public = Path(site.cfg.publish.dir)
    restricted = Path(site.cfg.publish.restricted_dir)
    for spot in (public.parent / "secret.txt", public / "secret.txt", restricted / "secret.txt",
                 public.parent.parent / "secret.txt", public / "2026" / "secret.txt",
                 public / "2026" / "01" / "secret.txt"):
        spot.parent.mkdir(parents=True, exist_ok=True)
        spot.write_text(SECRET, encoding="utf-8")


def test_odd_urls_are_not_found_and_never_reach_a_file(sqlite_site: Site) -> None:
    plant_secrets(sqlite_site)
    problems = []
    for target in ODD_TARGETS:
        for password in (None, TEAM_PW):
            extra = b"".join(f"{k}: {v}\r\n".encode() for k, v in auth(password).items())
            reply = raw_get(sqlite_site, target, extra)
            where = f"{target[:60]!r} {'with' if password else 'without'} password"
            if reply.status not in (400, 404, 414, 431):
                problems.append(f"{where}: {reply.status}")
            if any(leak in reply.body for leak in (SECRET.encode(), b"kumquat", b"root:")):
                problems.append(f"{where}: {reply.body[:80]!r}")
    assert problems == []


ODD_CHANNELS = ["#a/b", "#ä", "&x", "#..", "#.", "#%2e%2e", "#a\\b", "#", "#" + "é" * 40,
                "#-irc", "#x-minutes", "#a%2Fb", "#%00"]


def test_odd_channels_are_reachable_only_through_their_slug(
        tmp_path: Path, sqlite_url: str) -> None:
    with running_site(tmp_path, sqlite_url) as site:
        plant_secrets(site)
        for i, channel in enumerate(ODD_CHANNELS):
            site.conversation(channel, D1, [("alice", f"plum{i:02d} said here")])
            site.publish(channel, D1, "public", {"minutes.html": f"<p>plum{i:02d}</p>"})
        index = get(site, f"{PREFIX}/")
        assert sorted(index_channels(index)) == sorted(ODD_CHANNELS)
        problems = []
        slugs = {channel_slug(c) for c in ODD_CHANNELS}
        for i, channel in enumerate(ODD_CHANNELS):
            slug = channel_slug(channel)
            base = f"{PREFIX}/2026/01/10-{quote(slug)}"
            assert f"{base}-irc.html" in index_links(index), channel
            assert f"{base}-minutes.html" in index_links(index), channel
            for suffix in (*LOG_KINDS, "minutes.html"):
                reply = get(site, f"{base}-{suffix}")
                if reply.status != 200 or f"plum{i:02d}" not in reply.text:
                    problems.append(f"{channel} {suffix}: {reply.status}")
            # any other spelling of the channel names no page
            name = channel.encode()
            spellings = {name, name[1:], quote(name).encode(), quote(name[1:]).encode(),
                         quote(name, safe="").encode(), quote(name[1:], safe="").encode(),
                         quote(quote(name, safe="")).encode(), slug.upper().encode(),
                         quote(slug).upper().encode(), slug.encode()}
            for spelling in spellings:
                if unquote(spelling.decode("latin-1")) in slugs:
                    continue  # a slug as the index links it (maybe another channel's)
                reply = raw_get(site, _P + b"/2026/01/10-" + spelling + b"-irc.txt")
                if reply.status not in (400, 404) or b"plum" in reply.body:
                    problems.append(f"{channel} as {spelling!r}: {reply.status}")
        assert problems == []


def test_a_non_ascii_authorization_header_is_no_server_error(sqlite_site: Site) -> None:
    reply = raw_get(sqlite_site, _P + b"/", b"Authorization: Basic \xc3\xa9\r\n")
    assert reply.status == 200


def test_odd_credentials_open_nothing(sqlite_site: Site) -> None:
    page = sqlite_site.href("#mem", D1, "irc.txt")
    for header in (b"Basic", b"Basic ", b"Basic ###", b"Basic " + base64.b64encode(b"x:\xff"),
                   b"Basic " + base64.b64encode(MEMBER_PW.encode()),  # no colon: no password
                   b"Basic " + base64.b64encode(f"{MEMBER_PW}:".encode()),
                   b"Basic " + base64.b64encode(f"x:{MEMBER_PW} ".encode()),
                   b"Basic " + base64.b64encode(f"x:{MEMBER_PW.upper()}".encode()),
                   b"Bearer " + MEMBER_PW.encode("utf-8"), b"Digest username=x"):
        reply = raw_get(sqlite_site, page.encode(), b"Authorization: " + header + b"\r\n")
        assert reply.status == 401, header
    good = b"Basic " + base64.b64encode(f"a:b:{MEMBER_PW}".encode())  # user "a", pw "b:..."
    assert raw_get(sqlite_site, page.encode(), b"Authorization: " + good + b"\r\n").status == 401
    lower = b"basic " + base64.b64encode(f"x:{MEMBER_PW}".encode())
    assert raw_get(sqlite_site, page.encode(), b"Authorization: " + lower + b"\r\n").status == 200


# -- headers ------------------------------------------------------------------------------------


def test_every_page_has_the_content_security_policy_and_its_content_type(
        sqlite_site: Site) -> None:
    page = sqlite_site.href("#pub", D1, "")
    pages = {
        f"{PREFIX}/": (200, "text/html"),
        PREFIX: (200, "text/html"),
        f"{PREFIX}/search?q=kumquat": (200, "text/html"),
        f"{PREFIX}/search": (200, "text/html"),
        f"{PREFIX}/static/live.js": (200, "text/javascript"),
        f"{PREFIX}/live/pub": (200, "text/html"),
        f"{PREFIX}/live/mem": (401, None),
        f"{page}irc": (200, "text/html"),
        f"{page}irc.html": (200, "text/html"),
        f"{page}irc.txt": (200, "text/plain"),
        f"{page}minutes": (200, "text/html"),
        f"{page}minutes.html": (200, "text/html"),
        f"{page}minutes.md": (200, "text/markdown"),
        f"{page}minutes.json": (200, "application/json"),
        sqlite_site.href("#mem", D1, "minutes.md"): (401, None),
        sqlite_site.href("#team", D1, "irc.txt"): (401, None),
    }
    for path, (status, kind) in pages.items():
        reply = get(sqlite_site, path)
        assert reply.status == status, path
        csp = reply.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split(
            "script-src")[1].split(";")[0], (path, csp)
        assert reply.headers.get("x-content-type-options") == "nosniff", path
        if kind:
            assert reply.headers["content-type"] == f"{kind}; charset=utf-8", path
    assert json.loads(get(sqlite_site, f"{page}minutes.json").body) == {"minutes": "kumquat01"}
    assert get(sqlite_site, f"{page}minutes.md").text == "# Minutes\n\nkumquat01\n"
    assert get(sqlite_site, f"{page}irc.txt").text == (
        "15:00:00 <alice> Topic: about kumquat01\n15:00:01 <bob> I said kumquat01 in #pub\n")


@pytest.mark.parametrize("path", [f"{PREFIX}/nosuch", f"{PREFIX}/2026/01/10-nosuch-irc.html",
                                  f"{PREFIX}/2026/13/40-pub-irc.html", f"{PREFIX}/live/nosuch",
                                  f"{PREFIX}/live/pub/stream"])
def test_every_answer_has_the_content_security_policy(sqlite_site: Site, path: str) -> None:
    if path.endswith("/stream"):
        reply, name, _ = first_event(sqlite_site, path)
        assert name == "minutes"
    else:
        reply = get(sqlite_site, path)
        assert reply.status == 404
    assert "script-src 'self'" in reply.headers.get("content-security-policy", "")


# -- stopping -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["left", "still-reading"])
def test_serve_stops_promptly_with_live_views(tmp_path: Path, sqlite_url: str,
                                              reader: str) -> None:
    with running_site(tmp_path, sqlite_url) as site:
        site.conversation("#pub", today(), [("alice", "hi")],
                          start=datetime.now(UTC) - timedelta(seconds=5))
        stream = EventStream(site, f"{PREFIX}/live/pub/stream")
        try:
            assert stream.next()[0] == "minutes"
            if reader == "left":
                stream.close()
                time.sleep(1)
            took = site.stop(timeout=3)
        finally:
            stream.close()  # running_site then ends the stream, so the server does stop
        assert took < 3, f"serve() still running {took:.1f}s after stop was set"
