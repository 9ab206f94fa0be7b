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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.config import Config, publish_roots, settings_for
from bot.core.paths import relative_name, url_for
from bot.publish.log import irc_log_page
from bot.publish.minutes import format_irc_log, render_all
from bot.storage.store import Store
from bot.web.data import Day, WebData, readable

log = logging.getLogger(__name__)

_ENV = Environment(loader=PackageLoader("bot", "templates"), undefined=StrictUndefined,
                   autoescape=select_autoescape(["html", "j2"], default=True))
_PAGE = re.compile(r"(?P<dd>\d\d)-(?P<slug>[A-Za-z0-9_.%-]+?)-"
                   r"(?P<suffix>irc|irc\.txt|irc\.html|minutes|minutes\.html|minutes\.md"
                   r"|minutes\.json)")
_TYPES = {"html": "text/html", "txt": "text/plain", "md": "text/markdown",
          "json": "application/json"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline' "
       "https://www.w3.org; img-src * data:; connect-src 'self'; frame-ancestors 'none'")
LIVE_POLL = 0.5  # seconds between looks for new lines in the live view


@dataclass(frozen=True)
class Site:
    cfg: Config
    data: WebData
    root: str  # the path prefix of publish.base_url ("" or "/minutes")

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


def _render(template: str, **values: Any) -> web.Response:
    body = _ENV.get_template(template).render(**values)
    return web.Response(text=body, content_type="text/html", charset="utf-8")


SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "same-origin"}


@web.middleware
async def _headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every answer carries the security headers, errors included."""
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        raise
    if not response.prepared:  # a stream sets its own before it starts
        response.headers.update(SECURITY_HEADERS)
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
    return _render("web_index.html.j2", root=site.root, query=None,
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
    return _render("web_search.html.j2", root=site.root, query=query, hits=hits, limit=limit)


async def live(request: web.Request) -> web.Response:
    site: Site = request.app[SITE]
    day = await _today(site, request)
    if not readable(await asyncio.to_thread(site.data.visibility, day), site.level(request)):
        return _denied()
    stream = f"{site.root}/live/{quote(day.slug)}/stream"
    return _render("web_live.html.j2", root=site.root, channel=day.channel, stream=stream)


async def _today(site: Site, request: web.Request) -> Day:
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    return await _day_for(site, request, request.match_info["slug"], today)


@functools.lru_cache(maxsize=32)
def _minutes_html(site: Site, day: Day) -> str:
    """Today's minutes as of ``day.last_id``: rendered once, however many are watching."""
    lines = site.data.log(day)
    log_url = url_for(site.cfg.publish.base_url, day.channel, day.day, "irc.txt")
    return render_all(lines, day=date.fromisoformat(day.day), channel=day.channel,
                      log_url=log_url)["html"]


async def live_stream(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the minutes again whenever the channel has a new line."""
    site: Site = request.app[SITE]
    day = await _today(site, request)
    if not readable(await asyncio.to_thread(site.data.visibility, day), site.level(request)):
        return _denied()
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store", **SECURITY_HEADERS})
    await response.prepare(request)
    closing: asyncio.Event = request.app[CLOSING]
    sent = -1
    # Until the reader goes away or the server stops: look for new lines, send the minutes.
    while not closing.is_set() and request.transport is not None \
            and not request.transport.is_closing():
        current = await asyncio.to_thread(site.data.find, day.slug, day.day)
        if current is not None and current.last_id != sent:
            sent = current.last_id
            html = await asyncio.to_thread(_minutes_html, site, current)
            await response.write(f"event: minutes\ndata: {json.dumps(html)}\n\n".encode())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closing.wait(), LIVE_POLL)
    return response


async def live_script(request: web.Request) -> web.Response:
    script = files("bot").joinpath("static/live.js").read_text(encoding="utf-8")
    return web.Response(text=script, content_type="text/javascript", charset="utf-8")


def make_app(cfg: Config, store: Store) -> web.Application:
    """The web application over ``store``; its URLs live under publish.base_url's path."""
    root = _root(cfg.publish.base_url)
    site = Site(cfg, WebData(store, cfg.irc.network, settings_for(cfg)), root)
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
    app.router.add_get(f"{root}/static/live.js", live_script)
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
