"""The published minutes as a browser shows them: real headless Chromium, driven by Playwright.

Pages are served from a temporary directory on 127.0.0.1 and never reach the network (the
W3C stylesheets and logo they link are blocked), so they render unstyled. Chromium is Debian's
``chromium`` package (``scripts/test-services`` installs it); without it these tests fail.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT, ZAKIM
from bot.core.paths import relative_name, url_for
from bot.core.plugin import Settings
from bot.publish.files import write_assets, write_file
from bot.publish.log import log_lines
from bot.publish.minutes import LogLine, parse_log, render_minutes
from bot.scribe.pipeline import make_minutes
from tests.support import browser as support
from tests.support.browser import Browser, StaticServer
from tests.support.seed import REFERENCE
from tests.support.seed import SEED as SEED_PATH

pytestmark = pytest.mark.browser

# the fixtures live in tests/support/browser.py
chromium = support.chromium
browser = support.browser
web_root = support.web_root

SEED = SEED_PATH.name
DAY = date(2024, 3, 7)

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '"><img src=x onerror="window.__pwned=1">'
JS_URL = "javascript:window.__pwned=1"
SVG = "<svg onload=window.__pwned=1>"
ALERT = "<img src=x onerror=alert(document.domain)>"
PAYLOADS = (SCRIPT, IMG, JS_URL, SVG, ALERT)

# Everything the page must hold after the user text went through it: evaluated in the page.
DOM_AUDIT = """() => {
    const all = [...document.querySelectorAll('*')];
    return {
        pwned: typeof window.__pwned,
        scripts: document.querySelectorAll('script').length,
        onAttrs: all.flatMap(el => [...el.attributes].filter(a => /^on/i.test(a.name))
                                     .map(a => `${el.tagName}[${a.name}]`)),
        tags: [...new Set(all.map(el => el.tagName.toLowerCase()))].sort(),
        links: [...document.querySelectorAll('a')].map(a => ({
            raw: a.getAttribute('href'), protocol: a.protocol, hash: a.hash,
            target: a.getAttribute('href') && a.getAttribute('href').startsWith('#')
                ? !!document.getElementById(a.getAttribute('href').slice(1)) : null,
        })),
        images: [...document.images].map(i => i.getAttribute('src')),
        h1: document.querySelector('h1').innerText,
        text: document.body.innerText,
    };
}"""

# What a reader sees: headings, the Contents, the attendees and the speaker lines.
STRUCTURE = """() => ({
    h1: document.querySelector('h1').innerText,
    toc: [...document.querySelectorAll('#toc a')].map(a => {
        const target = document.getElementById(a.hash.slice(1));
        return {href: a.getAttribute('href'), text: a.innerText,
                targetTag: target ? target.tagName.toLowerCase() : null,
                targetText: target ? target.innerText : null};
    }),
    attendees: Object.fromEntries([...document.querySelectorAll('#attendees dt')]
        .map(dt => [dt.innerText, dt.nextElementSibling.innerText])),
    cites: [...document.querySelectorAll('main p.phone > cite:first-child')]
        .map(c => c.innerText),
    height: document.documentElement.scrollHeight,
})"""

IN_VIEW = """id => { const r = document.getElementById(id).getBoundingClientRect();
                     return r.top >= 0 && r.bottom <= window.innerHeight; }"""


def _at(minute: int, second: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, 15, 0, 0, tzinfo=UTC) + timedelta(
        minutes=minute, seconds=second
    )


def _hostile_lines(with_meeting: bool) -> list[LogLine]:
    said = [
        *([f"Meeting: WG {SCRIPT} {IMG} call"] if with_meeting else []),
        f"Chair: {SVG}",
        f"present+ Alice, {IMG}, {SVG}",
        f"regrets+ Dan, {ALERT}",
        "scribe: scribe",
        f"Agenda: {JS_URL}",
        f"Topic: Review of {SCRIPT}",
        f"Alice: see {JS_URL} and <a href=\"{JS_URL}\">this</a> and https://example.org/x\"y",
        f"... then {SVG} and {ALERT}",
        # a speaker name scribe.perl takes (no quote, no ">"), which must show as typed
        f"Bob&amp;<i: {IMG}",
        f"Subtopic: {SVG}",
        f"Carol: {SCRIPT}",
        f"RESOLUTION: accept {ALERT}",
        f"ACTION: Alice to remove {SCRIPT}",
        f"Topic: {JS_URL}",
        f"just a note: {IMG}",
    ]
    lines = [LogLine(_at(i), "scribe", text) for i, text in enumerate(said)]
    lines.append(LogLine(_at(30), 'eve"onclick="window.__pwned=1', f"{SCRIPT} {IMG}"))
    return lines


def _write(root: Path, name: str, html: str) -> str:
    """A page, with agendum's sheet and icons beside it."""
    write_assets(root)  # ../../static/ from the top is /static/
    (root / name).write_text(html, encoding="utf-8")
    return name


@pytest.mark.parametrize("with_meeting", [True, False], ids=["meeting-title", "channel-title"])
def test_hostile_text_is_shown_not_run(
    browser: Browser, web_root: StaticServer, with_meeting: bool
) -> None:
    channel = f"#x{SCRIPT}"  # without a Meeting: line the channel name is the title
    html = render_minutes(_hostile_lines(with_meeting), day=DAY, channel=channel,
                          log_url=JS_URL)
    visit = browser.open(web_root.url(_write(web_root.root, f"xss-{with_meeting}.html", html)))
    page = visit.page
    page.wait_for_timeout(200)  # give any injected handler (onerror/onload) a chance to run
    dom = page.evaluate(DOM_AUDIT)

    assert dom["pwned"] == "undefined"
    assert visit.dialogs == []
    assert visit.page_errors == []
    assert dom["scripts"] == 0
    assert dom["onAttrs"] == []
    assert not {"svg", "iframe", "object", "embed", "form", "base"} & set(dom["tags"])
    for link in dom["links"]:
        raw = link["raw"]
        assert raw, link
        if raw.startswith("#"):
            assert link["target"], f"in-page link to a missing id: {link}"
        else:
            assert re.match(r"https?://", raw) and link["protocol"] in ("http:", "https:"), link
    assert all(src and src.startswith("https://www.w3.org/") for src in dom["images"]), dom
    assert not any(JS_URL in (link["raw"] or "") for link in dom["links"])

    # the payloads are there, as text a reader can see
    assert SCRIPT in dom["h1"] if with_meeting else f"#x{SCRIPT} meeting" in dom["h1"]
    assert SCRIPT in page.title()
    for payload in PAYLOADS:
        assert payload in dom["text"], payload
    cites = page.eval_on_selector_all("main cite", "els => els.map(e => e.innerText)")
    assert "Bob&amp;<i:" in cites
    assert '<eve"onclick="window.__pwned=1>' in cites
    attendees = page.inner_text("#attendees")
    assert IMG in attendees and SVG in attendees and ALERT in attendees
    assert page.inner_text("#toc").count(SCRIPT) == 1
    assert f"Found 'Agenda:' not followed by a URL: '{JS_URL}'" in page.inner_text(".diagnostics")
    # the "https://example.org/x" link stops at the quote
    assert "https://example.org/x" in [link["raw"] for link in dom["links"]]


def _published_meeting(tmp_root: Path, base_url: str) -> tuple[str, str]:
    """A meeting as the bot stores it, published the way ``bot.publish.draft.publish_day`` does."""
    channel, day = "#webml", DAY.isoformat()
    said = [
        ("anssik", "Meeting: WebML WG Teleconference"),
        ("anssik", "Chair: Anssi"),
        ("anssik", "Agenda: https://example.org/agenda.md"),
        ("anssik", "present+ Anssi, Rafael, Zoltan"),
        ("anssik", "scribe: anssik"),
        ("anssik", "Topic: Call for Consensus"),
        ("anssik", "Anssi: we issued a CfC to publish a new Candidate Recommendation Snapshot"),
        ("anssik", "Rafael: I support this, the implementation experience is good"),
        ("anssik", "... and the tests at https://wpt.fyi/results/webnn pass"),
        ("anssik", "RESOLUTION: publish the CR snapshot"),
        ("zoltan", "I agree as well"),
        ("anssik", "Topic: Open issues"),
        ("anssik", "Subtopic: Rename inputSize"),
        ("anssik", "Zoltan: this is editorial, I will open a PR"),
        ("anssik", "ACTION: Zoltan to open a PR for the rename"),
        ("anssik", "Subtopic: Styling of argument definitions"),
        ("anssik", "Anssi: we will look at alternatives"),
        ("anssik", "Topic: Next meeting"),
        ("anssik", "Anssi: we meet again in two weeks, thanks everyone"),
        ("anssik", "RRSAgent, draft minutes"),
    ]
    events = [Event(_at(0), "net", channel, Kind.JOIN, "anssik")]
    events += [Event(_at(i, 5), "net", channel, Kind.MESSAGE, nick, text)
               for i, (nick, text) in enumerate(said, 1)]
    lines = log_lines(events, Settings(nicks={ZAKIM: "Zakim", RRSAGENT: "RRSAgent"}))
    log_url = url_for(base_url, channel, day, "irc.txt")
    html = render_minutes(lines, day=DAY, channel=channel, log_url=log_url)
    write_file(tmp_root, relative_name(channel, day, "minutes.html"), html)
    write_assets(tmp_root)
    return url_for(base_url, channel, day, "minutes.html"), log_url


def test_published_minutes_read_like_minutes(
    browser: Browser, web_root: StaticServer, tmp_path: Path
) -> None:
    url, log_url = _published_meeting(web_root.root / "pub", f"{web_root.base_url}/pub")
    assert url == f"{web_root.base_url}/pub/2024/03/07-webml-minutes.html"
    visit = browser.open(url)
    page = visit.page
    s = page.evaluate(STRUCTURE)

    assert s["h1"].splitlines()[-1] == "WebML WG Teleconference"
    assert page.title().startswith("WebML WG Teleconference")
    assert page.inner_text("header h2") == "07 March 2024"
    assert [t["text"] for t in s["toc"]] == [
        "Call for Consensus", "Open issues", "Rename inputSize",
        "Styling of argument definitions", "Next meeting",
        "Summary of action items", "Summary of resolutions",
    ]
    for t in s["toc"]:
        assert t["href"].startswith("#") and t["targetTag"], t
        if t["targetTag"] in ("h3", "h4"):
            assert t["targetText"] == t["text"], t
    assert s["attendees"]["Present"] == "Anssi, Rafael, Zoltan"
    assert s["attendees"]["Chair"] == "Anssi"
    assert s["attendees"]["Scribe"] == "anssik"
    assert s["attendees"]["Regrets"] == "-"
    assert s["cites"] == ["Anssi:", "Rafael:", "Zoltan:", "Anssi:", "Anssi:"]
    assert page.inner_text("p.phone.s02").startswith("Rafael: I support this")
    assert "<zoltan> I agree as well" in page.inner_text("main")
    assert "RRSAgent" not in page.inner_text("main")
    assert page.get_attribute("#links a:nth-child(2)", "href") == log_url

    # a reader clicks "Open issues" in the Contents
    link = page.get_by_role("link", name="Open issues", exact=True)
    target = link.get_attribute("href")
    assert target
    assert not page.evaluate(IN_VIEW, target[1:]), "the heading should start below the fold"
    link.click()
    page.wait_for_function("h => location.hash === h", arg=target)
    assert page.url.endswith(target)
    assert page.evaluate("() => document.querySelector(':target').innerText") == "Open issues"
    assert page.locator(target).is_visible()
    assert page.evaluate(IN_VIEW, target[1:]), "the heading is not scrolled into view"
    # the action summary links back to the paragraph
    page.get_by_role("link", name="Zoltan to open a PR for the rename").click()
    assert page.evaluate("() => document.querySelector(':target').innerText").startswith(
        "ACTION: Zoltan to open a PR")

    shot = tmp_path / "minutes.png"
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert s["height"] > 500
    assert visit.page_errors == [] and visit.dialogs == [] and visit.own_console_errors() == []


def test_seed_meeting_renders_cleanly(browser: Browser, web_root: StaticServer) -> None:
    path = REFERENCE / SEED
    if not path.is_file():
        pytest.fail(f"reference log missing: {path}", pytrace=False)
    text = path.read_text(encoding="utf-8")
    channel = "#webmachinelearning"
    html = render_minutes(parse_log(text, DAY), day=DAY, channel=channel)
    expected, _ = make_minutes(text)
    visit = browser.open(web_root.url(_write(web_root.root, "seed.html", html)))
    page = visit.page
    s = page.evaluate(STRUCTURE)

    assert visit.page_errors == []
    assert visit.own_console_errors() == []
    assert visit.dialogs == []
    assert s["h1"].splitlines()[-1] == "WebML WG Teleconference – 7 March 2024"
    topics = [t["text"] for t in s["toc"] if t["targetTag"] in ("h3", "h4")]
    assert topics == [
        "Call for Consensus: WebNN API CR Snapshot",
        "Hybrid AI exploration",
        "Open issues and PRs",
        "Rename inputSize variables as inputRank in algorithms",
        "Consider alternate styling/linking for method argument definitions",
    ]
    assert topics == [title for t in expected.topics
                      for title in (t.title, *(u.title for u in t.subsections))]
    for t in s["toc"]:
        assert t["targetTag"], f"Contents link to a missing id: {t}"
    assert "Anssi_Kostiainen" in s["attendees"]["Present"]
    assert len(s["cites"]) > 20
    # the seed meeting shows slides: i-slide's module is the page's one script
    assert page.evaluate("() => [...document.querySelectorAll('script')].map(s => s.src)") == [
        "https://w3c.github.io/i-slide/i-slide-2.js?selector=a.islide"]
    assert page.evaluate("() => document.querySelectorAll('[onload], [onerror]').length") == 0


def test_the_checks_see_what_they_look_for(browser: Browser, web_root: StaticServer) -> None:
    """A page that does run script: the same probes must notice, or the tests above prove
    nothing. External loads are blocked and their console noise is not the page's own."""
    page_html = (
        "<!DOCTYPE html><title>t</title>"
        '<link rel=stylesheet href="https://www.w3.org/StyleSheets/scribe2/public.css">'
        "<h1>x</h1><a href='javascript:void 0'>j</a>"
        "<script>window.__pwned = 1; console.error('boom'); alert('hi')</script>"
        "<img src=x onerror='window.__img = 1'>"
    )
    visit = browser.open(web_root.url(_write(web_root.root, "positive.html", page_html)))
    visit.page.wait_for_function("() => window.__img === 1")
    dom = visit.page.evaluate(DOM_AUDIT)
    assert dom["pwned"] == "number"
    assert dom["scripts"] == 1
    assert dom["onAttrs"] == ["IMG[onerror]"]
    assert [link["protocol"] for link in dom["links"]] == ["javascript:"]
    assert visit.dialogs == ["alert: hi"]
    assert "https://www.w3.org/StyleSheets/scribe2/public.css" in browser.blocked
    errors = visit.own_console_errors()
    assert any("boom" in e for e in errors), errors
    assert not any("w3.org" in e for e in errors), errors  # blocked loads are not counted
    assert any("404" in e and e.endswith("/x)") for e in errors), errors  # a local 404 is
