"""``RRSAgent, draft minutes`` through the drafting child process (``bot.publish.draft``),
with agendum as a real process on a real ngIRCd: the files are the ones the daemon drew in
its own process before, no child is left behind, and a child that dies is said in the
channel and logged once, while the daemon carries on."""

from __future__ import annotations

import os
import re
import signal
import time
from datetime import date
from pathlib import Path

import pytest

from bot.config import load_config, publish_roots, settings_for
from bot.core.paths import relative_name, url_for
from bot.publish.log import irc_log_page, read_log
from bot.publish.minutes import format_irc_log, render_all
from bot.storage.store import Store
from tests.support.daemon import AgendumProcess
from tests.support.ircclient import IrcTestClient
from tests.support.live import CHANNEL, BotFactory, ClientFactory, joined

pytestmark = pytest.mark.integration

SUFFIXES = ("irc.txt", "irc.html", "minutes.html", "minutes.md", "minutes.json")
WORKER = b"bot.publish.draft"  # the drafting child's command line


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # it ended meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def workers(bot: AgendumProcess) -> list[int]:
    assert bot.proc is not None
    out = []
    for child in children(bot.proc.pid):
        try:
            if WORKER in Path(f"/proc/{child}/cmdline").read_bytes():
                out.append(child)
        except OSError:
            continue
    return out


def the_old_way(bot: AgendumProcess, day: str, count: int) -> dict[str, str]:
    """The five files as the daemon drew them in its own process before the worker, of the
    log's first ``count`` lines (RRSAgent's answer came after)."""
    cfg = load_config(bot.config_path)
    settings = settings_for(cfg)
    store = Store.open(cfg.storage.url)
    try:
        lines = read_log(store, cfg.irc.network, CHANNEL, day, settings)
    finally:
        store.close()
    lines = lines[:count]
    minutes = render_all(lines, day=date.fromisoformat(day), channel=CHANNEL,
                         log_url=url_for(cfg.publish.base_url, CHANNEL, day, "irc.txt"))
    return {"irc.txt": format_irc_log(lines), "irc.html": irc_log_page(lines, CHANNEL, day),
            "minutes.html": minutes["html"], "minutes.md": minutes["md"],
            "minutes.json": minutes["json"]}


def draft(alice: IrcTestClient) -> str:
    alice.say(CHANNEL, "RRSAgent, draft minutes")
    return alice.wait_for(nick="RRSAgent", command="PRIVMSG", text="generate", timeout=30).text


def test_drafted_minutes_are_the_files_the_daemon_drew_itself_before(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    alice = joined(irc_client_factory, "alice")
    bob = irc_client_factory("bob")
    bob.join(CHANNEL)
    for who, text in [(alice, "Meeting: Budget review"), (alice, "scribe+ bob"),
                      (alice, "Topic: the budget <b>for 2025</b>"), (bob, "alice: costs rose"),
                      (bob, "... by a tenth, café"), (alice, "[off] not for the record"),
                      (bob, "RESOLUTION: adopt the budget"),
                      (bob, "ACTION: alice to send the figures")]:
        who.say(CHANNEL, text)
    bob.action(CHANNEL, "waves")
    alice.wait_for(nick="RRSAgent", text="recorded in", timeout=10)

    said = draft(alice)
    m = re.fullmatch(r"I have made the request to generate https://example\.test/pub/"
                     r"(\d{4})/(\d\d)/(\d\d)-meeting-minutes\.html alice", said)
    assert m, said
    day = f"{m[1]}-{m[2]}-{m[3]}"
    root = publish_roots(load_config(bot.config_path))["public"]
    published = {s: (root / relative_name(CHANNEL, day, s)).read_text(encoding="utf-8")
                 for s in SUFFIXES}
    assert published["irc.txt"].endswith("<alice> RRSAgent, draft minutes\n")
    assert published == the_old_way(bot, day, published["irc.txt"].count("\n"))
    assert "adopt the budget" in published["minutes.html"]
    assert "not for the record" not in published["irc.txt"]
    assert workers(bot) == [], "the drafting child is still there after the reply"
    assert bot.alive()
    assert "Traceback" not in bot.log_text()


def test_a_drafting_child_that_is_killed_is_said_in_the_channel_and_logged_once(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "Topic: budget")
    alice.say(CHANNEL, "RRSAgent, draft minutes")
    deadline = time.monotonic() + 20
    killed = None
    while killed is None and time.monotonic() < deadline:  # it lives for its imports at least
        for pid in workers(bot):
            os.kill(pid, signal.SIGKILL)
            killed = pid
        time.sleep(0.002)
    assert killed is not None, "no drafting child seen within 20 s"

    said = alice.wait_for(nick="RRSAgent", command="PRIVMSG", text="generate", timeout=30).text
    assert re.fullmatch(r"I could not generate https://example\.test/pub/\d{4}/\d\d/\d\d-"
                        r"meeting-minutes\.html, alice: the process drawing them was killed "
                        r"\(SIGKILL\)", said), said
    errors = [ln for ln in bot.log_text().splitlines() if "could not publish" in ln]
    assert len(errors) == 1 and " ERROR " in errors[0], errors
    assert errors[0].endswith("the minutes worker was killed by SIGKILL (out of memory?)"), \
        errors[0]
    assert "Traceback" not in bot.log_text()
    assert not list(bot.publish_dir.glob("*/*/*-meeting-minutes.html"))

    said = draft(alice)  # the daemon carries on: the next request works
    assert said.startswith("I have made the request to generate"), said
    (minutes,) = bot.publish_dir.glob("*/*/*-meeting-minutes.html")
    assert "budget" in minutes.read_text(encoding="utf-8")
