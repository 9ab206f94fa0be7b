"""Headless Chromium for tests, driven by Playwright, and a local web server for the pages.

Fixtures (import them into the test module: ``chromium = browser.chromium``)
  chromium   module-scoped ``Browser``: one Chromium (Debian's ``/usr/bin/chromium``, or
             ``$AGENDUM_CHROMIUM``) with a fresh profile. ``open(url)`` returns a ``Visit``
             (page, console messages, page errors, dialogs); pages are closed by the fixture.
  web_root   module-scoped ``StaticServer``: a temporary directory served over HTTP on
             127.0.0.1; ``url(relative)`` is where a file under ``root`` is served.

The page never reaches the network: a route handler aborts every request that is not for
127.0.0.1/localhost (the minutes link W3C's stylesheets and logo) and records it in
``Browser.blocked``; console messages about those loads can be told apart with
``Visit.own_console_errors()``. Playwright's own browser downloads are never used: Chromium
comes from the system package (``apt-get install chromium``). A missing Chromium or Playwright
FAILS the tests, it never skips them.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, Route

CHROMIUM = os.environ.get("AGENDUM_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_SCHEMES = frozenset({"about", "data", "blob", "file"})


# What hostile text could have turned into, looked for in the page itself (a Content-Security-
# Policy alone would stop a script from running; these find a hole in the escaping even so).
XSS_AUDIT = """() => ({
    xss: typeof window.__xss,
    scripts: [...document.scripts].map(s => s.getAttribute('src')),
    handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
        .filter(a => a.name.toLowerCase().startsWith('on')).map(a => el.tagName + ' ' + a.name)),
    svg: document.querySelectorAll('svg, iframe, object, embed').length,
    badImages: [...document.images].filter(i => i.getAttribute('src') === 'x').length,
    jsLinks: [...document.querySelectorAll('a[href]')].filter(a => a.protocol === 'javascript:')
        .map(a => a.getAttribute('href')),
    text: (document.body || document.documentElement).innerText,
})"""


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


# -- a web server for generated files ---------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class StaticServer:
    """``http.server`` on 127.0.0.1 (free port) serving ``root``, in a daemon thread."""

    def __init__(self, root: Path) -> None:
        self.root = root
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="web_root",
                                       daemon=True)

    def start(self) -> StaticServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def url(self, relative: str) -> str:
        """URL of ``root / relative`` (path segments percent-encoded)."""
        return f"{self.base_url}/{quote(relative, safe='/')}"


# -- the browser --------------------------------------------------------------------------------


@dataclass
class Visit:
    """One page and what happened on it since it was opened."""

    page: Page
    blocked: list[str]
    console: list[ConsoleMessage] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def own_console_errors(self) -> list[str]:
        """Console errors/warnings, without the failed loads of blocked (external) URLs."""
        out = []
        for msg in self.console:
            if msg.type not in ("error", "warning"):
                continue
            where = msg.location.get("url", "") if msg.location else ""
            if msg.text.startswith("Failed to load resource") and (
                where in self.blocked or not is_local(where)
            ):
                continue
            out.append(f"{msg.type}: {msg.text} ({where})")
        return out


class Browser:
    """A Chromium profile whose requests never leave 127.0.0.1."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.blocked: list[str] = []  # every non-local URL a page tried to load
        self.visits: list[Visit] = []
        context.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def open(
        self, url: str, *,
        wait_until: Literal["commit", "domcontentloaded", "load", "networkidle"] = "load",
    ) -> Visit:
        """A new page at ``url``; dialogs are recorded and dismissed."""
        page = self.context.new_page()
        visit = Visit(page, self.blocked)
        self.visits.append(visit)
        page.on("console", lambda msg: visit.console.append(msg))
        page.on("pageerror", lambda exc: visit.page_errors.append(str(exc)))

        def on_dialog(dialog: Dialog) -> None:
            visit.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url, wait_until=wait_until)
        return visit

    def close_pages(self) -> None:
        for visit in self.visits:
            with contextlib.suppress(Exception):
                visit.page.close()
        self.visits.clear()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Headless Chromium with a fresh profile, launched once per test module."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium "
                    "(or set AGENDUM_CHROMIUM)", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        pytest.fail(f"Playwright missing ({e}): pip install -e '.[dev]'", pytrace=False)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS,
            viewport={"width": 1024, "height": 768}, locale="en-US", timezone_id="UTC",
        )
        context.set_default_timeout(15_000)
        browser = Browser(context)
        try:
            yield browser
        finally:
            browser.close_pages()
            context.close()


@pytest.fixture
def browser(chromium: Browser) -> Iterator[Browser]:
    """The module's Chromium; the pages a test opened are closed after it."""
    yield chromium
    chromium.close_pages()


@pytest.fixture(scope="module")
def web_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    """A temporary directory served on http://127.0.0.1:<port>/."""
    server = StaticServer(tmp_path_factory.mktemp("web_root")).start()
    try:
        yield server
    finally:
        server.stop()
