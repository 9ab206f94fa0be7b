"""Every page type ``agendum serve`` has, in real Chromium: it loads nothing from another host,
it wears agendum's style sheet (checked through computed styles), axe-core finds no WCAG
A/AA violation, it can be used from the keyboard, and it is photographed at phone and desktop
widths (into the test's tmp_path). Also the index's meeting table, a channel's pages and the
search filters, over HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from test_web import D1, D2, PREFIX, Site, get, hits, running_site, today

from bot.publish.files import write_assets
from bot.publish.minutes import Look
from bot.web.server import CHANNELS_PER_PAGE, DAYS_PER_PAGE, RECENT, csp
from tests.support import a11y
from tests.support import browser as support
from tests.support.browser import Browser

chromium = support.chromium
browser = support.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Read off the page: which style sheet won, and whether agendum's custom properties are there.
STYLE = """() => {
    const root = getComputedStyle(document.documentElement);
    const body = getComputedStyle(document.body);
    return {accent: root.getPropertyValue('--accent').trim(), font: body.fontFamily,
            maxWidth: body.maxWidth, lang: document.documentElement.lang,
            sheets: [...document.styleSheets].map(s => s.href)};
}"""
MEETING = [
    ("anssik", "Meeting: WebML WG Teleconference"),
    ("anssik", "Chair: Anssi"),
    ("anssik", "present+ Anssi, Rafael"),
    ("anssik", "scribe: anssik"),
    ("anssik", "Topic: Call for Consensus"),
    ("anssik", "Anssi: we issued a unicorn CfC"),
    ("anssik", "RESOLUTION: publish the snapshot"),
    ("anssik", "ACTION: Rafael to review the unicorn tests"),
    ("anssik", "Topic: Open issues"),
    ("anssik", "Rafael: nothing more on unicorns"),
]


def publish(site: Site, channel: str, day: str, look: Look | None = None) -> None:
    """The day's minutes as the bot publishes them, with agendum's style sheet beside them."""
    site.publish_minutes(channel, day, look=look)
    write_assets(Path(site.cfg.publish.dir))


@pytest.fixture
def pages_site(tmp_path: Path, sqlite_url: str) -> Iterator[Site]:
    with running_site(tmp_path, sqlite_url) as site:
        site.conversation("#webml", D1, MEETING)
        publish(site, "#webml", D1)
        site.conversation("#webml", today(), MEETING[:6],
                          start=datetime.now(UTC) - timedelta(minutes=5))
        yield site


def page_types() -> dict[str, str]:
    base = f"{PREFIX}/{D1[:4]}/{D1[5:7]}/{D1[8:]}-webml"
    return {"index": f"{PREFIX}/", "channel": f"{PREFIX}/channel/webml",
            "minutes": f"{base}-minutes.html", "log": f"{base}-irc.html",
            "search": f"{PREFIX}/search?q=unicorn", "live": f"{PREFIX}/live/webml",
            "projector": f"{PREFIX}/live/webml?view=projector"}


@pytest.mark.browser
def test_every_page_type_is_styled_local_and_accessible(
        pages_site: Site, browser: Browser, tmp_path: Path) -> None:
    problems = []
    for kind, path in page_types().items():
        visit = browser.open(pages_site.url(path))
        page = visit.page
        if kind in ("live", "projector"):
            page.wait_for_function(
                "() => document.getElementById('live-status').dataset.room", timeout=15_000)
        style = page.evaluate(STYLE)
        if not style["accent"] or "system-ui" not in style["font"]:
            problems.append(f"{kind}: not agendum's style sheet: {style}")
        if style["lang"] != "en":
            problems.append(f"{kind}: lang is {style['lang']!r}")
        if [s for s in style["sheets"] if s and "/static/agendum.css" not in s]:
            problems.append(f"{kind}: other style sheets: {style['sheets']}")
        if found := a11y.violations(page):
            problems.append(f"{kind}: axe: {found}")
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            shot = tmp_path / f"{kind}-{name}.png"
            page.screenshot(path=str(shot), full_page=kind != "projector")
            if shot.stat().st_size < 5_000:
                problems.append(f"{kind} at {name} width: a blank screenshot?")
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            if name == "phone" and wide > size["width"] + 1:
                problems.append(f"{kind}: {wide}px wide on a {size['width']}px phone")
        if visit.page_errors or visit.own_console_errors():
            problems.append(f"{kind}: {visit.page_errors} {visit.own_console_errors()}")
    assert browser.blocked == [], f"requests left 127.0.0.1: {browser.blocked}"
    assert problems == []


@pytest.mark.browser
def test_the_pages_can_be_used_from_the_keyboard(pages_site: Site, browser: Browser) -> None:
    page = browser.open(pages_site.url(f"{PREFIX}/")).page
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.tagName")
    assert focused == "A", f"after the skip link, focus went to {focused}"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focused link shows no outline"
    # the search form, from the keyboard alone
    page.goto(pages_site.url(f"{PREFIX}/search"))
    page.focus("input[name=q]")
    page.keyboard.type("unicorn")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=unicorn*")
    assert page.locator(".hit mark").count() >= 2


def test_minutes_in_the_w3c_style_load_w3c_sheets_and_nothing_else_changes(
        pages_site: Site) -> None:
    publish(pages_site, "#webml", D1, Look("w3c"))
    html = get(pages_site, f"{PREFIX}/2026/01/10-webml-minutes.html").text
    assert "https://www.w3.org/StyleSheets/scribe2/public.css" in html
    assert "agendum.css" not in html and "w3c-white.svg" in html
    publish(pages_site, "#webml", D1, Look("bundled", "https://example.org/logo.png"))
    html = get(pages_site, f"{PREFIX}/2026/01/10-webml-minutes.html").text
    assert 'href="../../static/agendum.css"' in html and "www.w3.org" not in html.split(
        "<address>")[0].replace("https://www.w3.org/TR", "")
    assert '<img src="https://example.org/logo.png" alt="Logo" height=60>' in html


def test_the_index_shows_title_chair_lines_and_minutes(pages_site: Site) -> None:
    index = get(pages_site, f"{PREFIX}/").text
    rows = re.findall(r"<tr><td class=date>(\d{4}-\d\d-\d\d)</td>(.*?)</tr>", index, re.S)
    assert [day for day, _ in rows] == [today(), D1]
    for _, row in rows:
        assert "WebML WG Teleconference" in row and "<td data-label=Chair>Anssi</td>" in row, row
    assert "-minutes.html" in rows[1][1] and "-minutes.html" not in rows[0][1]
    assert f"{PREFIX}/live/webml" in rows[0][1] and "/live/" not in rows[1][1]
    assert f"<td class=num data-label=Lines>{len(MEETING)}</td>" in rows[1][1]


def test_off_the_record_titles_never_reach_the_index(tmp_path: Path, sqlite_url: str) -> None:
    with running_site(tmp_path, sqlite_url) as site:
        site.conversation("#c", D1, [("a", "RRSAgent, stop"), ("a", "Meeting: secret plans"),
                                     ("a", "Chair: Mallory"), ("a", "RRSAgent, start"),
                                     ("a", "Meeting: Open plans")])
        index = get(site, f"{PREFIX}/").text
        assert "Open plans" in index
        assert "secret plans" not in index and "Mallory" not in index


def test_a_channels_meetings_come_a_page_at_a_time(tmp_path: Path, sqlite_url: str) -> None:
    with running_site(tmp_path, sqlite_url) as site:
        first = date(2024, 1, 1)
        days = [(first + timedelta(days=i)).isoformat() for i in range(DAYS_PER_PAGE + 3)]
        for i, day in enumerate(days):
            site.conversation("#alot", day, [("a", f"Meeting: Session {i}")])
        for i in range(CHANNELS_PER_PAGE):
            site.conversation(f"#c{i:02d}", D2, [("a", "hello")])
        index = get(site, f"{PREFIX}/").text
        assert index.count("Session ") == RECENT
        assert f"All {len(days)} meeting days of #alot" in index
        assert "Page 1 of 2" in index and f'href="{PREFIX}/?page=2"' in index
        assert "#c24" not in index and "#c24" in get(site, f"{PREFIX}/?page=2").text
        one = get(site, f"{PREFIX}/channel/alot").text
        assert one.count("Session ") == DAYS_PER_PAGE and f"Session {len(days) - 1}<" in one
        two = get(site, f"{PREFIX}/channel/alot?page=2").text
        assert two.count("Session ") == 3 and "Session 0<" in two and "rel=prev" in two
        far = get(site, f"{PREFIX}/channel/alot?page=999").text
        assert "Page 2 of 2" in far and "?page=1\" rel=prev" in far and "rel=next" not in far
        assert get(site, f"{PREFIX}/channel/nosuch").status == 404
        assert get(site, f"{PREFIX}/channel/alot?page=x").status == 200


def test_search_filters_by_channel_and_days(tmp_path: Path, sqlite_url: str) -> None:
    with running_site(tmp_path, sqlite_url) as site:
        site.conversation("#a", D1, [("x", "the durian plan")])
        site.conversation("#b", D1, [("y", "another durian plan")])
        site.conversation("#a", D2, [("x", "a durian again")])

        def found(query: str) -> list[str]:
            return hits(get(site, f"{PREFIX}/search?q=durian{query}"))

        assert len(found("")) == 3
        assert [h.split()[2] for h in found("&channel=a")] == ["#a", "#a"]
        assert found(f"&from={D2}") == [f"{D2} 15:00:00 #a <x> a durian again"]
        assert len(found(f"&to={D1}")) == 2
        assert found(f"&channel=b&from={D2}") == []
        assert len(found("&from=garbage")) == 3  # not a day: no filter
        page = get(site, f"{PREFIX}/search?q={quote('durian pl')}").text
        assert "<mark>durian</mark> <mark>plan</mark>" in page


def test_a_long_line_is_cut_around_its_match(tmp_path: Path, sqlite_url: str) -> None:
    with running_site(tmp_path, sqlite_url) as site:
        site.conversation("#a", D1, [("x", "filler " * 100 + "rambutan here" + " tail" * 100)])
        page = get(site, f"{PREFIX}/search?q=rambutan").text
        shown = re.search(r"<div class=line-text>(.*?)</div>", page, re.S)
        assert shown and "<mark>rambutan</mark>" in shown[1]
        assert shown[1].count("filler") < 40 and "…" in shown[1]


@pytest.mark.browser
def test_dark_mode_and_print_follow_the_reader(pages_site: Site, browser: Browser,
                                               tmp_path: Path) -> None:
    """prefers-color-scheme: dark gives dark pages that still pass axe's contrast checks;
    printing drops the site's bar and the header's icons."""
    problems = []
    for kind in ("index", "minutes", "live", "search"):
        visit = browser.open(pages_site.url(page_types()[kind]))
        page = visit.page
        page.emulate_media(color_scheme="dark")
        if kind == "live":
            page.wait_for_function(
                "() => document.getElementById('live-status').dataset.room", timeout=15_000)
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        if background != "rgb(21, 24, 28)":
            problems.append(f"{kind}: dark mode background is {background}")
        if found := a11y.violations(page):
            problems.append(f"{kind} (dark): axe: {found}")
        page.screenshot(path=str(tmp_path / f"{kind}-dark.png"), full_page=True)
        page.emulate_media(media="print", color_scheme="light")
        hidden = page.evaluate("""() => [...document.querySelectorAll('.site-bar, nav#links')]
            .map(e => getComputedStyle(e).display)""")
        if any(d != "none" for d in hidden):
            problems.append(f"{kind}: printed with the site's bar or icons: {hidden}")
        if kind == "minutes":
            page.pdf(path=str(tmp_path / "minutes.pdf"))
    assert problems == []


@pytest.mark.parametrize(("look", "styles"), [
    (Look("bundled"), "style-src 'self';"),
    (Look("w3c"), "style-src 'self' https://www.w3.org;"),
    (Look("https://css.example:8443/a/m.css"), "style-src 'self' https://css.example:8443;"),
    (Look("/css/m.css"), "style-src 'self';"),
])
def test_the_content_security_policy_allows_only_the_configured_sheets(
        look: Look, styles: str) -> None:
    policy = csp(look)
    assert styles in policy and "unsafe-inline" not in policy
    assert "script-src 'self';" in policy and "base-uri 'none'" in policy


def test_pages_are_sent_with_the_strict_policy(pages_site: Site) -> None:
    for kind, path in page_types().items():
        policy = get(pages_site, path).headers["content-security-policy"]
        assert policy == csp(Look()), kind
