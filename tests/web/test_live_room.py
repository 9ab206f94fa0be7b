"""The live meeting room through the whole stack: a real ngIRCd, agendum as a process serving
its pages (``[web] in_run``), people typing in the channel, and viewers in real Chromium.

What the room shows comes from the same plugins that answer in IRC (the web side folds the
stored events through them); here we only type commands and watch the page change without a
reload. Timing targets are measured in bench/bench_live.py; the waits here are generous.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import a11y
from tests.support import browser as support
from tests.support.browser import XSS_AUDIT, Browser, Visit
from tests.support.ircclient import IrcTestClient
from tests.support.ircd import free_port
from tests.support.live import CHANNEL, BotFactory, ClientFactory, joined, wait_bots

pytestmark = [pytest.mark.integration, pytest.mark.browser]

chromium = support.chromium
browser = support.browser

WAIT = 20_000  # ms: a change must show by then (the bench measures the real latency)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def room_url(port: int, view: str = "") -> str:
    return f"http://127.0.0.1:{port}/pub/live/{CHANNEL.lstrip('#')}" + (
        f"?view={view}" if view else "")


def open_room(browser: Browser, port: int, view: str = "") -> Visit:
    """A viewer with the room drawn once, marked so that a reload would show."""
    visit = browser.open(room_url(port, view))
    visit.page.wait_for_function("() => document.getElementById('live-status').dataset.room",
                                 timeout=WAIT)
    visit.page.evaluate("() => { window.__sameDocument = true; }")
    return visit


def shows(visit: Visit, selector: str, text: str) -> None:
    """Wait until ``selector``'s text contains ``text``; say what it showed instead if not."""
    try:
        visit.page.wait_for_function(
            "([s, t]) => { const e = document.querySelector(s);"
            " return e !== null && e.innerText.includes(t); }", arg=[selector, text],
            timeout=WAIT)
    except Exception:
        seen = visit.page.evaluate(
            "s => (document.querySelector(s) || {innerText: '(missing)'}).innerText", selector)
        pytest.fail(f"{selector} never showed {text!r}; it shows {seen!r}", pytrace=False)


def not_reloaded(visit: Visit) -> None:
    assert visit.page.evaluate("() => window.__sameDocument") is True, "the page was reloaded"


def meeting_started(irc_client_factory: ClientFactory, agendum_factory: BotFactory,
                    port: int) -> IrcTestClient:
    agendum_factory(web=f"in_run = true\nport = {port}\n")
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "Meeting: Kiwi Working Group")
    alice.say(CHANNEL, "Zakim, q?")  # answered: the line is stored, so the day exists
    alice.wait_for(nick="Zakim", text="speaker queue", timeout=10)
    return alice


def test_the_room_follows_the_meeting_for_every_viewer(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, browser: Browser,
    tmp_path: Path,
) -> None:
    port = free_port()
    alice = meeting_started(irc_client_factory, agendum_factory, port)
    bob = joined(irc_client_factory, "bob")
    viewers = [open_room(browser, port), open_room(browser, port)]
    projector = open_room(browser, port, "projector")
    everyone = [*viewers, projector]
    for v in everyone:
        shows(v, "#room-title", "Kiwi Working Group")

    bob.say(CHANNEL, "q+ to ask about kiwi budgets")
    for v in everyone:
        shows(v, "#queue", "bob")
        shows(v, "#queue", "to ask about kiwi budgets")

    alice.say(CHANNEL, "time speakers at 2 minutes")
    alice.say(CHANNEL, "ack bob")
    for v in everyone:
        shows(v, "#floor", "bob")
        shows(v, "#floor .timer", "left")
        shows(v, "#queue-empty", "The queue is empty")
    assert viewers[0].page.locator("#queue li").count() == 0

    alice.say(CHANNEL, "agenda+ Kiwi budget")
    alice.say(CHANNEL, "agenda+ Papaya plans")
    alice.say(CHANNEL, "take up agendum 1")
    for v in everyone:
        shows(v, "#agenda", "Kiwi budget")
        shows(v, "#agenda", "Papaya plans")
        shows(v, "#open-item", "1. Kiwi budget")
    assert viewers[0].page.get_attribute("#agenda li[aria-current]", "value") == "1"

    alice.say(CHANNEL, "present+ Alice, Bob")
    alice.say(CHANNEL, "regrets+ Carol")
    alice.say(CHANNEL, "question+ Do we need more kiwis?")
    bob.say(CHANNEL, "question 1++")
    for v in everyone:
        shows(v, "#present", "Alice")
        shows(v, "#present", "Bob")
        shows(v, "#regrets", "Carol")
        shows(v, "#questions", "Do we need more kiwis?")
    alice.say(CHANNEL, "Topic: the kiwi budget")
    for v in viewers:
        shows(v, "#live-minutes", "the kiwi budget")

    for v in everyone:
        not_reloaded(v)
        assert v.page_errors == [] and v.own_console_errors() == []
    assert browser.blocked == [], f"requests left 127.0.0.1: {browser.blocked}"
    page = viewers[0].page
    assert a11y.violations(page) == []
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(tmp_path / f"live-{name}.png"), full_page=True)
        projector.page.set_viewport_size(size)
        projector.page.screenshot(path=str(tmp_path / f"live-projector-{name}.png"))
    assert a11y.violations(projector.page) == []
    assert (tmp_path / "live-phone.png").stat().st_size > 10_000


def test_hostile_text_in_the_room_stays_text(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, browser: Browser,
) -> None:
    port = free_port()
    alice = meeting_started(irc_client_factory, agendum_factory, port)
    mallory = irc_client_factory("m{a}l|lory", user="mallory")  # the oddest nick IRC allows
    mallory.join(CHANNEL)
    viewer = open_room(browser, port)
    texts = {
        "note": "<img src=x onerror=window.__xss=1>",
        "agenda": "<script>window.__xss=1</script>",
        "question": '"><svg onload=window.__xss=1>',
        "topic": "<iframe src=javascript:window.__xss=1>",
        "present": "<b/onmouseover=window.__xss=1>Eve</b>",  # names split at spaces
        "title": "</title><script>window.__xss=1</script>",
    }
    mallory.say(CHANNEL, f"q+ to {texts['note']}")
    alice.say(CHANNEL, f"agenda+ {texts['agenda']}")
    alice.say(CHANNEL, "take up agendum 1")
    mallory.say(CHANNEL, f"question+ {texts['question']}")
    alice.say(CHANNEL, f"Topic: {texts['topic']}")
    alice.say(CHANNEL, f"present+ {texts['present']}")
    alice.say(CHANNEL, f"Meeting: {texts['title']}")
    shows(viewer, "#queue", "m{a}l|lory")
    shows(viewer, "#queue", texts["note"])
    shows(viewer, "#agenda", texts["agenda"])
    shows(viewer, "#open-item", texts["agenda"])
    shows(viewer, "#questions", texts["question"])
    shows(viewer, "#present", texts["present"])
    shows(viewer, "#room-title", texts["title"])
    shows(viewer, "#live-minutes", texts["topic"])
    found = viewer.page.evaluate(XSS_AUDIT)
    assert found["xss"] == "undefined"
    assert found["handlers"] == [] and found["svg"] == 0 and found["badImages"] == 0
    assert found["jsLinks"] == []
    assert [s for s in found["scripts"] if s] == ["/pub/static/live.js"]
    assert viewer.page_errors == [] and viewer.dialogs == []


def test_a_viewer_gets_the_current_room_again_after_the_bot_restarts(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, browser: Browser,
) -> None:
    port = free_port()
    agendum = agendum_factory(web=f"in_run = true\nport = {port}\n")
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "Meeting: Restart test")
    alice.say(CHANNEL, "q+ to ask before the restart")
    alice.say(CHANNEL, "Zakim, q?")
    alice.wait_for(nick="Zakim", text="speaker queue", timeout=10)
    viewer = open_room(browser, port)
    shows(viewer, "#queue", "to ask before the restart")

    agendum.restart()
    wait_bots(alice)
    alice.say(CHANNEL, "agenda+ After the restart")
    shows(viewer, "#agenda", "After the restart")
    shows(viewer, "#queue", "to ask before the restart")  # the replayed state, not a blank
    not_reloaded(viewer)
    fresh = open_room(browser, port)
    shows(fresh, "#queue", "to ask before the restart")
    shows(fresh, "#agenda", "After the restart")
