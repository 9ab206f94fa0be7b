"""``agendum serve``: the web side. An index of channels and meeting days, each day's log
and minutes, search across all meetings, and a live view of a meeting's minutes.

Visibility is enforced on every page: public pages for anyone; member and team pages for
those with the configured password (HTTP Basic, any user name). A page the reader may not
see answers 401 (so a browser asks for the password); a page that does not exist, 404. URLs
are parsed by strict patterns and resolved against the days that exist, so no part of a URL
ever becomes a path. Every page is sent with a Content-Security-Policy allowing only our own
scripts, so even a page with a hole in its escaping could not run one.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import functools
import hmac
import json
import logging
import re
import threading
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.config import Config, publish_roots, settings_for
from bot.core.names import fold
from bot.core.paths import relative_name, url_for
from bot.publish.files import ASSETS, asset
from bot.publish.log import irc_log_page
from bot.publish.minutes import Look, format_irc_log, render_all
from bot.storage.store import Store
from bot.web.data import Day, SearchFilter, WebData, readable
from bot.web.room import Room

log = logging.getLogger(__name__)

_ENV = Environment(loader=PackageLoader("bot", "templates"), undefined=StrictUndefined,
                   autoescape=select_autoescape(["html", "j2"], default=True))
_PAGE = re.compile(r"(?P<dd>\d\d)-(?P<slug>[A-Za-z0-9_.%-]+?)-"
                   r"(?P<suffix>irc|irc\.txt|irc\.html|minutes|minutes\.html|minutes\.md"
                   r"|minutes\.json)")
_TYPES = {"html": "text/html", "txt": "text/plain", "md": "text/markdown",
          "json": "application/json"}
LIVE_POLL = 0.1  # seconds between looks for new events, one per watched channel-day
_STATIC = {"live.js": "text/javascript", **{name: "text/css" if name.endswith(".css")
                                            else "image/svg+xml" for name in ASSETS}}


def csp(look: Look) -> str:
    """Only our own scripts, ever; style sheets from here, or from where ``[publish] style``
    says (W3C's site for "w3c"). Images may come from anywhere: minutes show the images
    their scribes linked."""
    styles = "'self'"
    if look.style == "w3c":
        styles += " https://www.w3.org"
    elif look.style != "bundled" and not look.style.startswith("/"):
        parts = urlsplit(look.style)
        styles += f" {parts.scheme}://{parts.netloc}"
    return (f"default-src 'self'; script-src 'self'; style-src {styles}; img-src * data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


@dataclass(frozen=True, eq=False)
class Site:
    cfg: Config
    data: WebData
    root: str  # the path prefix of publish.base_url ("" or "/minutes")
    look: Look
    rooms: dict[str, Room]  # folded channel -> its live room, made when first watched
    rooms_lock: threading.Lock

    @property
    def sheet(self) -> str:
        return self.look.sheet(f"{self.root}/static/")

    def room(self, channel: str) -> Room:
        """The channel's live room, shared by its viewers (the caller catches it up, in a
        thread)."""
        key = fold(channel)
        with self.rooms_lock:
            if key not in self.rooms:
                self.rooms[key] = Room(self.data.store, self.data.network, self.data.settings,
                                       channel, timedelta(hours=self.cfg.bot.replay_hours))
            return self.rooms[key]

    def level(self, request: web.Request) -> str:
        """public, member or team: what the request's password opens."""
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return "public"
        try:
            _, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, ValueError):  # not base64, not ASCII, not UTF-8
            return "public"
        web_cfg = self.cfg.web
        for level, secret in (("team", web_cfg.team_password),
                              ("member", web_cfg.member_password)):
            if secret and hmac.compare_digest(password.encode(), secret.encode()):
                return level
        return "public"

    def href(self, day: Day) -> str:
        name = relative_name(day.channel, day.day, "x").removesuffix("-x")
        return f"{self.root}/{quote(name, safe='/')}"


SITE = web.AppKey("site", Site)
CLOSING = web.AppKey("closing", asyncio.Event)
FEEDS = web.AppKey("feeds", dict[tuple[str, str], "Feed"])


def _render(site: Site, template: str, **values: Any) -> web.Response:
    body = _ENV.get_template(template).render(root=site.root, sheet=site.sheet, **values)
    return web.Response(text=body, content_type="text/html", charset="utf-8")


def security_headers(site: Site) -> dict[str, str]:
    return {"Content-Security-Policy": csp(site.look), "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin"}


@web.middleware
async def _headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every answer carries the security headers, errors included."""
    headers = security_headers(request.app[SITE])
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as error:
        error.headers.update(headers)
        raise
    if not response.prepared:  # a stream sets its own before it starts
        response.headers.update(headers)
    return response


def _denied() -> web.Response:
    """401 asks for the password; with a wrong one it says so again."""
    return web.Response(status=401, text="This meeting's record is not public.\n",
                        headers={"WWW-Authenticate": 'Basic realm="agendum", charset="UTF-8"'})


async def _day_for(site: Site, request: web.Request, slug: str, day: str) -> Day:
    found = await asyncio.to_thread(site.data.find, slug, day)
    if found is None:
        raise web.HTTPNotFound(text="No such meeting.\n")
    return found


RECENT = 5  # days of each channel on the front page; the channel's page has them all
CHANNELS_PER_PAGE = 25
DAYS_PER_PAGE = 50


def _page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _pages(count: int, per_page: int, number: int) -> dict[str, int | None]:
    last = max(1, -(-count // per_page))
    number = min(number, last)
    return {"number": number, "last": last,
            "prev": number - 1 if number > 1 else None,
            "next": number + 1 if number < last else None}


def _meetings(site: Site, level: str) -> dict[str, list[dict[str, Any]]]:
    """The days this reader may read, by channel, newest first, with what the index shows."""
    days = site.data.days()
    known = site.data.visibilities()
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    roots = publish_roots(site.cfg)
    channels: dict[str, list[dict[str, Any]]] = {}
    for d in days:
        visibility = site.data.visibility(d, known)
        if not readable(visibility, level):
            continue
        minutes = (roots[visibility] / relative_name(d.channel, d.day, "minutes.html")).exists()
        channels.setdefault(d.channel, []).append(
            {"day": d.day, "slug": d.slug, "slug_href": quote(d.slug), "href": site.href(d),
             "of": d, "lines": d.lines, "channel": d.channel,
             "minutes": minutes, "today": d.day == today, "visibility": visibility})
    return channels


def _headed(site: Site, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows shown, with their title and chair (only these: a day that may have gone off
    the record is read to find them)."""
    for row in rows:
        row["title"], row["chair"] = site.data.heading(row["of"])
    return rows


async def index(request: web.Request) -> web.Response:
    """The channels (a page of them at a time), each with its latest meetings."""
    site: Site = request.app[SITE]
    channels = await asyncio.to_thread(_meetings, site, site.level(request))
    ordered = sorted(channels.items(), key=lambda kv: kv[0].lower())
    pages = _pages(len(ordered), CHANNELS_PER_PAGE, _page_number(request))
    first = (int(pages["number"] or 1) - 1) * CHANNELS_PER_PAGE
    shown = [(name, await asyncio.to_thread(_headed, site, days[:RECENT]), len(days),
              quote(days[0]["slug"])) for name, days in ordered[first:first + CHANNELS_PER_PAGE]]
    return _render(site, "web_index.html.j2", query=None, channels=shown, pages=pages,
                   here=f"{site.root}/")


async def channel_page(request: web.Request) -> web.Response:
    """Every meeting of one channel, a page at a time."""
    site: Site = request.app[SITE]
    slug = request.match_info["slug"]
    channels = await asyncio.to_thread(_meetings, site, site.level(request))
    found = next(((name, days) for name, days in channels.items() if days[0]["slug"] == slug),
                 None)
    if found is None:
        raise web.HTTPNotFound(text="No such channel.\n")
    name, days = found
    pages = _pages(len(days), DAYS_PER_PAGE, _page_number(request))
    first = (int(pages["number"] or 1) - 1) * DAYS_PER_PAGE
    shown = await asyncio.to_thread(_headed, site, days[first:first + DAYS_PER_PAGE])
    return _render(site, "web_channel.html.j2", query=None, channel=name, count=len(days),
                   days=shown, pages=pages,
                   here=f"{site.root}/channel/{quote(slug)}")


async def page(request: web.Request) -> web.Response:
    """``/YYYY/MM/DD-slug-suffix``: a log rendered from the store, or a published minutes file."""
    site: Site = request.app[SITE]
    m = _PAGE.fullmatch(request.match_info["name"])
    if m is None:
        raise web.HTTPNotFound(text="No such page.\n")
    try:
        when = date(int(request.match_info["year"]), int(request.match_info["month"]),
                    int(m["dd"])).isoformat()
    except ValueError:
        raise web.HTTPNotFound(text="No such day.\n") from None
    day = await _day_for(site, request, m["slug"], when)
    visibility = await asyncio.to_thread(site.data.visibility, day)
    if not readable(visibility, site.level(request)):
        return _denied()
    suffix = {"irc": "irc.html", "minutes": "minutes.html"}.get(m["suffix"], m["suffix"])
    if suffix.startswith("irc."):
        lines = await asyncio.to_thread(site.data.log, day)
        if suffix == "irc.txt":
            body = format_irc_log(lines)
        else:
            body = irc_log_page(lines, day.channel, day.day)
    else:
        path = publish_roots(site.cfg)[visibility] / relative_name(day.channel, day.day, suffix)
        try:
            body = await asyncio.to_thread(Path(path).read_text, encoding="utf-8")
        except FileNotFoundError:
            raise web.HTTPNotFound(text="No minutes have been drafted for this day yet.\n") \
                from None
    kind = _TYPES[suffix.rsplit(".", 1)[1]]
    return web.Response(text=body, content_type=kind, charset="utf-8")


_DAY = re.compile(r"\d{4}-\d\d-\d\d")
SNIPPET = 240  # characters of a long line shown around the first match


def snippet(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """The line (around its first match when long) in parts, each marked if it matches one of
    ``words`` (a word, or a word's start: the search takes the last one as a prefix)."""
    found = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.I)
    first = found.search(text)
    start = max(0, first.start() - SNIPPET // 3) if first and len(text) > SNIPPET else 0
    piece = text[start:start + SNIPPET]
    parts: list[tuple[str, bool]] = [("…", False)] if start else []
    at = 0
    for m in found.finditer(piece):
        parts += [(piece[at:m.start()], False), (m.group(), True)]
        at = m.end()
    parts.append((piece[at:], False))
    if start + SNIPPET < len(text):
        parts.append(("…", False))
    return [p for p in parts if p[0]]


def _hits(site: Site, query: str, level: str, limit: int,
          where: SearchFilter) -> list[dict[str, Any]]:
    words = re.findall(r"\w+", query.lower())
    return [{"day": d.day, "time": ln.time.strftime("%H:%M:%S"), "channel": d.channel,
             "nick": ln.nick, "parts": snippet(ln.text, words), "title": site.data.heading(d)[0],
             "href": f"{site.href(d)}-irc.html#{ln.time.strftime('T%H-%M-%S')}"}
            for d, ln in site.data.search(query, level, limit, where)]


async def search(request: web.Request) -> web.Response:
    """Full-text search, filtered by channel and a range of days; each hit a highlighted
    snippet linking to its line in the log."""
    site: Site = request.app[SITE]
    level = site.level(request)
    query = request.query.get("q", "").strip()[:200]
    slug = request.query.get("channel", "") or None
    start, end = (v if _DAY.fullmatch(v := request.query.get(k, "")) else None
                  for k in ("from", "to"))
    channels = await asyncio.to_thread(_meetings, site, level)
    options = sorted(((days[0]["slug"], name) for name, days in channels.items()),
                     key=lambda o: o[1].lower())
    hits: list[dict[str, Any]] = []
    limit = 50
    words = re.findall(r"\w+", query.lower())
    if words:
        hits = await asyncio.to_thread(_hits, site, query, level, limit,
                                       SearchFilter(slug, start, end))
    return _render(site, "web_search.html.j2", query=query, hits=hits, limit=limit,
                   options=options, channel=slug, start=start or "", end=end or "")


async def live(request: web.Request) -> web.Response:
    """The meeting room: agenda, floor, queue, attendance, questions and the minutes so far,
    kept current by ``live_stream``; ``?view=projector`` is the large-type layout."""
    site: Site = request.app[SITE]
    day = await _today(site, request)
    if not readable(await asyncio.to_thread(site.data.visibility, day), site.level(request)):
        return _denied()
    stream = f"{site.root}/live/{quote(day.slug)}/stream"
    projector = request.query.get("view") == "projector"
    here = f"{site.root}/live/{quote(day.slug)}"
    return _render(site, "web_live.html.j2", channel=day.channel, stream=stream,
                   projector=projector, here=here, query=None)


async def _today(site: Site, request: web.Request) -> Day:
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    return await _day_for(site, request, request.match_info["slug"], today)


@functools.lru_cache(maxsize=32)
def _minutes_html(site: Site, day: Day) -> str:
    """Today's minutes as of ``day.last_id``: rendered once, however many are watching."""
    lines = site.data.log(day)
    log_url = url_for(site.cfg.publish.base_url, day.channel, day.day, "irc.txt")
    look = replace(site.look, assets=f"{site.root}/static/")  # the live page is elsewhere
    return render_all(lines, day=date.fromisoformat(day.day), channel=day.channel,
                      log_url=log_url, look=look)["html"]


def _room_view(site: Site, channel: str, sent: int) -> tuple[int, str | None]:
    """The room caught up with the store: its version, and its view as JSON when the
    version is not ``sent``."""
    room = site.room(channel)
    room.catch_up()
    version = room.last_id
    return version, (json.dumps(room.view()) if version != sent else None)


def _event(name: str, data: str) -> bytes:
    """One server-sent event; ``data`` is JSON, so it holds no newline."""
    return f"event: {name}\ndata: {data}\n\n".encode()


class Feed:
    """One channel-day's live stream, shared by everyone watching it: one look at the store
    every ``LIVE_POLL`` seconds however many watch, and each change encoded once."""

    def __init__(self, site: Site, day: Day) -> None:
        self.site, self.day = site, day
        self.minutes: tuple[int, bytes] | None = None  # (the log's last event id, the event)
        self.room: tuple[int, bytes] | None = None  # (the room's version, the event)
        self.version = 0  # moves after every change, under ``changed``
        self.changed = asyncio.Condition()
        self.viewers = 0
        self.task: asyncio.Task[None] | None = None

    def running(self, closing: asyncio.Event) -> None:
        """Make sure the feed runs (each viewer asks every time it waits): it stops when
        nobody watches, and a failed look is logged and tried again."""
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run(closing))

    async def _run(self, closing: asyncio.Event) -> None:
        try:
            while self.viewers > 0 and not closing.is_set():
                try:
                    moved = await self._look()
                except Exception:
                    log.exception("live view of %s %s", self.day.channel, self.day.day)
                    moved = False
                if moved:
                    async with self.changed:
                        self.version += 1
                        self.changed.notify_all()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(closing.wait(), LIVE_POLL)
        finally:
            async with self.changed:  # the server stops: viewers stop waiting
                self.changed.notify_all()

    async def _look(self) -> bool:
        site, day, changed = self.site, self.day, False
        current = await asyncio.to_thread(site.data.find, day.slug, day.day)
        if current is not None and (self.minutes is None or self.minutes[0] != current.last_id):
            html = await asyncio.to_thread(_minutes_html, site, current)
            self.minutes, changed = (current.last_id, _event("minutes", json.dumps(html))), True
        version, view = await asyncio.to_thread(_room_view, site, day.channel,
                                                self.room[0] if self.room else -1)
        if view is not None:
            self.room, changed = (version, _event("room", view)), True
        return changed

    async def wait(self, seen: int, timeout: float) -> None:
        """Until the feed moves past version ``seen`` (or ``timeout`` seconds pass)."""
        async with self.changed:
            if self.version == seen:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.changed.wait(), timeout)


async def live_stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the minutes whenever the day's log has a new line, and the room
    (``room``: JSON of ``Room.view``) whenever any event of the channel is stored."""
    site: Site = request.app[SITE]
    day = await _today(site, request)
    if not readable(await asyncio.to_thread(site.data.visibility, day), site.level(request)):
        return _denied()
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store",
                                           **security_headers(site)})
    await response.prepare(request)
    await response.write(b"retry: 1000\n\n")  # after a restart, back within a second
    closing: asyncio.Event = request.app[CLOSING]
    feed = request.app[FEEDS].setdefault((day.slug, day.day), Feed(site, day))
    feed.viewers += 1
    sent: list[tuple[int, bytes] | None] = [None, None]
    try:
        # Until the reader goes away or the server stops: send what changed.
        while not closing.is_set() and request.transport is not None \
                and not request.transport.is_closing():
            seen = feed.version
            feed.running(closing)
            for i, part in enumerate((feed.minutes, feed.room)):
                if part is not None and part is not sent[i]:
                    sent[i] = part
                    await response.write(part[1])
            await feed.wait(seen, 1.0)  # at least once a second: is the reader still there?
    finally:
        feed.viewers -= 1
    return response


async def static(request: web.Request) -> web.Response:
    """agendum's script, style sheet and icons (and nothing else: a fixed list)."""
    name = request.match_info["name"]
    if name not in _STATIC:
        raise web.HTTPNotFound(text="No such file.\n")
    body = await asyncio.to_thread(asset, name)
    return web.Response(body=body, content_type=_STATIC[name],
                        charset="utf-8" if not name.endswith(".svg") else None,
                        headers={"Cache-Control": "max-age=300"})


def make_app(cfg: Config, store: Store) -> web.Application:
    """The web application over ``store``; its URLs live under publish.base_url's path."""
    root = _root(cfg.publish.base_url)
    site = Site(cfg, WebData(store, cfg.irc.network, settings_for(cfg)), root,
                Look(cfg.publish.style, cfg.publish.logo), {}, threading.Lock())
    app = web.Application(middlewares=[_headers])
    app[SITE] = site
    app[CLOSING] = asyncio.Event()  # set at shutdown: live streams end at once
    app[FEEDS] = {}  # (slug, day) -> the live feed its viewers share

    async def closing(app: web.Application) -> None:
        app[CLOSING].set()

    app.on_shutdown.append(closing)
    app.router.add_get(f"{root}/", index)
    if root:
        app.router.add_get(root, index)
    app.router.add_get(f"{root}/search", search)
    app.router.add_get(f"{root}/channel/{{slug}}", channel_page)
    app.router.add_get(f"{root}/static/{{name:[a-z0-9/_.-]+}}", static)
    app.router.add_get(f"{root}/live/{{slug}}", live)
    app.router.add_get(f"{root}/live/{{slug}}/stream", live_stream)
    app.router.add_get(f"{root}/{{year:\\d{{4}}}}/{{month:\\d{{2}}}}/{{name}}", page)
    return app


async def serve(cfg: Config, store: Store, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set (``agendum serve``, or inside ``agendum run``)."""
    runner = web.AppRunner(make_app(cfg, store), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, cfg.web.host, cfg.web.port).start()
    log.info("serving on http://%s:%d%s/", cfg.web.host, cfg.web.port,
             _root(cfg.publish.base_url))
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def _root(base_url: str) -> str:
    """The path publish.base_url puts the pages under ("" for a site of their own)."""
    return urlsplit(base_url).path.rstrip("/")
