"""``agendum serve`` in real headless Chromium: the index, minutes, search, the live view, and
hostile text that must stay text.

The site is the one of test_web.py (``running_site``: a real config, a migrated SQLite
database, ``bot.web.server.serve`` in a thread, pages under ``/minutes``); minutes are written the
bot's way (``render_all`` of the public log, ``write_file`` under ``publish_roots``). Chromium
and its fixtures come from tests/support/browser.py; the page never reaches the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from test_web import D1, MEMBER_PW, PREFIX, Site, auth, running_site, today

from bot.core.paths import channel_slug
from tests.support import browser as support
from tests.support.browser import XSS_AUDIT, Browser, Visit

pytestmark = pytest.mark.browser

chromium = support.chromium
browser = support.browser

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
JS_URL = "javascript:window.__xss=1"
SVG = '"><svg onload="window.__xss=1">'
ALERT = "<img src=x onerror=alert(1)>"
HOSTILE_CHANNEL = '#"><svg/onload=window.__xss=1>'



MEETING = [
    ("anssik", "Meeting: WebML WG Teleconference"),
    ("anssik", "Chair: Anssi"),
    ("anssik", "present+ Anssi, Rafael"),
    ("anssik", "scribe: anssik"),
    ("anssik", "Topic: Call for Consensus"),
    ("anssik", "Anssi: we issued a unicorn CfC"),
    ("anssik", "Rafael: I support the unicorn"),
    ("anssik", "RESOLUTION: publish the snapshot"),
    ("anssik", "Topic: Open issues"),
    ("anssik", "Rafael: nothing more"),
]
HOSTILE = [
    ("anssik", f"Meeting: {SCRIPT} xss meeting"),
    ("anssik", f"scribe: {IMG}"),
    ("anssik", f"Topic: {SCRIPT} xss topic"),
    # hostile nicks without the spaces and "<" no IRC server lets through (with those, no
    # scribe.perl log format reads the meeting, and its minutes are empty)
    ('x"onclick="window.__xss=1', f"xss {SVG} {ALERT}"),
    ("y'onmouseover='window.__xss=1", f"xss see {JS_URL} and <a href=\"{JS_URL}\">this</a>"),
    ("anssik", f"Alice: xss {IMG} {JS_URL}"),
    ("anssik", f"Rafael: {SVG} xss {ALERT}"),
    ("anssik", f"ACTION: remove {SCRIPT} xss"),
    ("anssik", f"Agenda: {JS_URL}"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("web")
    with running_site(tmp, f"sqlite:///{tmp / 'agendum.db'}", member_channels=["#mem"]) as s:
        now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        s.conversation("#webml", D1, MEETING)
        s.publish_minutes("#webml", D1)
        s.conversation("#webml", today(), MEETING[:5], start=now)
        s.conversation("#mem", D1, [("bob", "a member-only unicorn")])
        s.publish_minutes("#mem", D1, "member")
        for channel in ("#xss", HOSTILE_CHANNEL):
            s.conversation(channel, today(), HOSTILE, start=now)
            s.publish_minutes(channel, today())
        yield s


def audited(visit: Visit, *, scripts: list[str] | None = None) -> dict[str, Any]:
    """The page's audit, after giving any injected handler a moment to run."""
    visit.page.wait_for_timeout(150)
    found: dict[str, Any] = visit.page.evaluate(XSS_AUDIT)
    assert found["xss"] == "undefined", visit.page.url
    assert visit.dialogs == [], visit.page.url
    assert found["scripts"] == (scripts or []), visit.page.url
    assert found["handlers"] == [] and found["svg"] == 0 and found["badImages"] == 0, found
    assert found["jsLinks"] == [], visit.page.url
    return found


def test_the_index_lists_channels_and_days_and_its_links_work(
        site: Site, browser: Browser) -> None:
    visit = browser.open(site.url(f"{PREFIX}/"))
    page = visit.page
    channels = page.eval_on_selector_all("h2", "els => els.map(e => e.innerText)")
    assert {"#webml", "#xss", HOSTILE_CHANNEL} <= set(channels) and "#mem" not in channels
    assert channels == sorted(channels, key=str.lower)
    rows = page.locator("section:has(h2:text-is('#webml')) tbody tr")
    assert rows.count() == 2
    cells = rows.nth(0).locator("td").all_inner_texts()
    assert cells[0] == today() and "log" in cells[-1] and "live" in cells[-1], cells
    assert rows.nth(0).get_by_role("link", name="minutes").count() == 0
    cells = rows.nth(1).locator("td").all_inner_texts()
    assert cells[:3] == [D1, "WebML WG Teleconference", "Anssi"], cells
    assert "log · minutes" in cells[-1] and "live" not in cells[-1], cells

    rows.nth(1).get_by_role("link", name="minutes").click()
    page.wait_for_load_state()
    assert page.url == site.url(f"{PREFIX}/2026/01/10-webml-minutes.html")
    assert page.inner_text("h1").splitlines()[-1] == "WebML WG Teleconference"
    page.go_back()
    rows.nth(1).get_by_role("link", name="log").click()
    page.wait_for_load_state()
    assert page.url == site.url(f"{PREFIX}/2026/01/10-webml-irc.html")
    assert "Anssi: we issued a unicorn CfC" in page.inner_text("body")
    page.go_back()
    rows.nth(0).get_by_role("link", name="live").click()
    page.wait_for_function("() => document.getElementById('live-status').dataset.updated")
    assert page.url == site.url(f"{PREFIX}/live/webml")
    assert "Call for Consensus" in page.inner_text("#live-minutes")
    assert visit.page_errors == [] and visit.own_console_errors() == []


def test_a_member_sees_member_days_with_the_password(site: Site, browser: Browser) -> None:
    visit = browser.open("about:blank")
    page = visit.page
    page.set_extra_http_headers(auth(MEMBER_PW))
    page.goto(site.url(f"{PREFIX}/"))
    row = page.locator("section:has(h2:text-is('#mem')) tbody tr")
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == D1 and cells[1].endswith("member") and "minutes" in cells[-1], cells
    row.get_by_role("link", name="minutes").click()
    page.wait_for_load_state()
    assert "a member-only unicorn" in page.inner_text("main")
    assert visit.page_errors == []


def test_a_published_minutes_page_renders(site: Site, browser: Browser) -> None:
    visit = browser.open(site.url(f"{PREFIX}/2026/01/10-webml-minutes.html"))
    page = visit.page
    assert page.title().startswith("WebML WG Teleconference")
    assert page.inner_text("header h2") == "10 January 2026"
    toc = page.eval_on_selector_all("#toc a", "els => els.map(e => e.innerText)")
    assert toc[:2] == ["Call for Consensus", "Open issues"]
    page.get_by_role("link", name="Open issues", exact=True).click()
    assert page.evaluate("() => document.querySelector(':target').innerText") == "Open issues"
    assert page.eval_on_selector_all("#attendees dd", "els => els.map(e => e.innerText)")[
        :1] == ["Anssi, Rafael"]
    assert "RESOLUTION: publish the snapshot" in page.inner_text("main")
    audited(visit)
    assert visit.page_errors == [] and visit.own_console_errors() == []
    log = site.url(f"{PREFIX}/2026/01/10-webml-irc.txt")
    page.locator(f"#links a[href='{log}']").click()  # the log the minutes link, served too
    page.wait_for_url(log)
    assert "<anssik> Topic: Open issues" in page.inner_text("body")


def test_search_shows_results_that_lead_to_the_line(site: Site, browser: Browser) -> None:
    visit = browser.open(site.url(f"{PREFIX}/"))
    page = visit.page
    page.fill("input[name=q]", "unicorn")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=unicorn")
    found = page.eval_on_selector_all(".hit", "els => els.map(e => e.innerText)")
    assert found == [
        "2026-01-10 15:00:06 · #webml · WebML WG Teleconference\n"
        "<anssik> Rafael: I support the unicorn",
        "2026-01-10 15:00:05 · #webml · WebML WG Teleconference\n"
        "<anssik> Anssi: we issued a unicorn CfC"]
    assert page.eval_on_selector_all(".hit mark", "els => els.map(e => e.innerText)") == [
        "unicorn", "unicorn"]
    assert "2 lines found for “unicorn”" in page.inner_text("body")
    assert page.input_value("input[name=q]") == "unicorn"
    page.locator(".hit a").first.click()
    page.wait_for_url("**/2026/01/10-webml-irc.html#T15-00-06")
    assert "I support the unicorn" in page.evaluate(
        "() => document.querySelector(':target').innerText")
    assert visit.page_errors == [] and visit.own_console_errors() == []


def test_the_live_view_shows_new_lines_without_a_reload(site: Site, browser: Browser) -> None:
    visit = browser.open(site.url(f"{PREFIX}/live/webml"))
    page = visit.page
    page.wait_for_function("() => document.getElementById('live-status').dataset.updated")
    assert "Live topic 123" not in page.inner_text("#live-minutes")
    page.evaluate("() => { window.__samePage = 'yes'; }")
    site.conversation("#webml", today(), [("anssik", "Topic: Live topic 123"),
                                          ("anssik", "Rafael: spoken while you watch")],
                      start=datetime.now(UTC) - timedelta(seconds=1))
    page.wait_for_function(
        """() => { const m = document.getElementById('live-minutes').innerText;
                   return m.includes('Live topic 123')
                          && m.includes('spoken while you watch'); }""",
        timeout=2500)
    assert page.evaluate("() => window.__samePage") == "yes"  # no reload
    assert page.eval_on_selector_all("#live-minutes #toc a",
                                     "els => els.map(e => e.innerText)") == [
        "Call for Consensus", "Live topic 123"]
    audited(visit, scripts=[f"{PREFIX}/static/live.js"])
    assert visit.page_errors == [] and "error" not in page.evaluate(
        "() => JSON.stringify(document.getElementById('live-status').dataset)")


XSS_PAGES = ["irc.html", "irc", "irc.txt", "minutes.html", "minutes", "minutes.md",
             "minutes.json"]


@pytest.mark.parametrize("channel", ["#xss", HOSTILE_CHANNEL], ids=["texts", "channel-name"])
def test_hostile_text_is_shown_and_never_run(site: Site, browser: Browser, channel: str) -> None:
    day = today()
    slug = quote(channel_slug(channel))
    pages = [site.href(channel, day, kind) for kind in XSS_PAGES]
    pages += [f"{PREFIX}/", f"{PREFIX}/search?q=xss", f"{PREFIX}/search?q={quote(SCRIPT)}",
              f"{PREFIX}/search?q={quote(SVG)}"]
    for path in pages:
        visit = browser.open(site.url(path))
        found = audited(visit)
        if "search?q=xss" in path:
            shown = visit.page.eval_on_selector_all(".hit", "els => els.map(e => e.innerText)")
            assert any(SCRIPT in hit for hit in shown) and any(IMG in hit for hit in shown)
        if path.endswith(("irc.html", "irc", "irc.txt")):
            assert f"xss {SVG} {ALERT}" in found["text"] and IMG in found["text"]
        if path.endswith(("minutes.html", "minutes")):
            assert SCRIPT in visit.page.inner_text("h1")
        assert visit.page_errors == []
        visit.page.close()

    visit = browser.open(site.url(f"{PREFIX}/live/{slug}"))
    visit.page.wait_for_function(
        "() => document.getElementById('live-status').dataset.updated")
    found = audited(visit, scripts=[f"{PREFIX}/static/live.js"])
    assert SCRIPT in visit.page.inner_text("#live-minutes h1")
    assert SVG in found["text"] and ALERT in found["text"] and JS_URL in found["text"]
    if channel == HOSTILE_CHANNEL:
        assert visit.page.title() == f"Live: {channel}"
    site.say(channel, datetime.now(UTC), "mallory", f"late xss {SCRIPT} {IMG}")
    visit.page.wait_for_function(
        "() => document.getElementById('live-minutes').innerText.includes('late xss')",
        timeout=2500)
    audited(visit, scripts=[f"{PREFIX}/static/live.js"])


def test_the_checks_would_see_a_hole(site: Site, browser: Browser) -> None:
    """The audit is not blind: a page that does carry markup (here a published minutes file
    with it, which the server sends as it is) trips it, and the CSP keeps the script from
    running even then."""
    site.conversation("#probe", D1, [("alice", "hi")])
    site.publish("#probe", D1, "public", {"minutes.html": f"<p>{IMG}{SCRIPT}</p>"})
    visit = browser.open(site.url(site.href("#probe", D1, "minutes.html")))
    visit.page.wait_for_timeout(150)
    found = visit.page.evaluate(XSS_AUDIT)
    assert found["handlers"] == ["IMG onerror"] and found["scripts"] == [None]
    assert found["badImages"] == 1
    assert found["xss"] == "undefined"  # blocked by the Content-Security-Policy
    assert any("Content Security Policy" in m.text for m in visit.console)
