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
from bot.web.data import Day, WebData, readable
from bot.web.room import Room

log = logging.getLogger(__name__)

_ENV = Environment(loader=PackageLoader("bot", "templates"), undefined=StrictUndefined,
                   autoescape=select_autoescape(["html", "j2"], default=True))
_PAGE = re.compile(r"(?P<dd>\d\d)-(?P<slug>[A-Za-z0-9_.%-]+?)-"
                   r"(?P<suffix>irc|irc\.txt|irc\.html|minutes|minutes\.html|minutes\.md"
                   r"|minutes\.json)")
_TYPES = {"html": "text/html", "txt": "text/plain", "md": "text/markdown",
          "json": "application/json"}
LIVE_POLL = 0.2  # seconds between looks for new events in the live view
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

    @property
    def sheet(self) -> str:
        return self.look.sheet(f"{self.root}/static/")

    def room(self, channel: str) -> Room:
        """The channel's live room (the caller catches it up, in a thread)."""
        key = fold(channel)
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


async def index(request: web.Request) -> web.Response:
    site: Site = request.app[SITE]
    level = site.level(request)
    days = await asyncio.to_thread(site.data.days)
    known = await asyncio.to_thread(site.data.visibilities)
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
             "minutes": minutes, "today": d.day == today, "visibility": visibility})
    return _render(site, "web_index.html.j2", query=None,
                   channels=sorted(channels.items(), key=lambda kv: kv[0].lower()))


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


async def search(request: web.Request) -> web.Response:
    site: Site = request.app[SITE]
    query = request.query.get("q", "").strip()[:200]
    hits: list[dict[str, Any]] = []
    limit = 50
    if query:
        found = await asyncio.to_thread(site.data.search, query, site.level(request), limit)
        hits = [{"day": d.day, "time": ln.time.strftime("%H:%M:%S"), "channel": d.channel,
                 "nick": ln.nick, "text": ln.text,
                 "href": f"{site.href(d)}-irc.html#{ln.time.strftime('T%H-%M-%S')}"}
                for d, ln in found]
    return _render(site, "web_search.html.j2", query=query, hits=hits, limit=limit)


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


def _room_view(site: Site, channel: str) -> str:
    """The room caught up with the store, as the JSON the page draws."""
    room = site.room(channel)
    room.catch_up()
    return json.dumps(room.view())


def _event(name: str, data: str) -> bytes:
    """One server-sent event; ``data`` is JSON, so it holds no newline."""
    return f"event: {name}\ndata: {data}\n\n".encode()


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
    closing: asyncio.Event = request.app[CLOSING]
    sent_log, sent_room = -1, ""
    # Until the reader goes away or the server stops: look for new events, send what changed.
    while not closing.is_set() and request.transport is not None \
            and not request.transport.is_closing():
        current = await asyncio.to_thread(site.data.find, day.slug, day.day)
        if current is not None and current.last_id != sent_log:
            sent_log = current.last_id
            html = await asyncio.to_thread(_minutes_html, site, current)
            await response.write(_event("minutes", json.dumps(html)))
        view = await asyncio.to_thread(_room_view, site, day.channel)
        if _without_clock(view) != sent_room:
            sent_room = _without_clock(view)
            await response.write(_event("room", view))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing.wait(), LIVE_POLL)
    return response


def _without_clock(view: str) -> str:
    """The view minus its "now": a room that did not change is not sent again."""
    return re.sub(r'"now": "[^"]*"', "", view, count=1)


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
                Look(cfg.publish.style, cfg.publish.logo), {})
    app = web.Application(middlewares=[_headers])
    app[SITE] = site
    app[CLOSING] = asyncio.Event()  # set at shutdown: live streams end at once

    async def closing(app: web.Application) -> None:
        app[CLOSING].set()

    app.on_shutdown.append(closing)
    app.router.add_get(f"{root}/", index)
    if root:
        app.router.add_get(root, index)
    app.router.add_get(f"{root}/search", search)
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
