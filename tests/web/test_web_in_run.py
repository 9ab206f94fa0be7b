"""``[web] in_run = true``: ``agendum run`` serves the pages itself, current to the last line."""

from __future__ import annotations

import time
import urllib.request
from datetime import UTC, datetime

import pytest

from tests.support.ircd import free_port
from tests.support.live import CHANNEL, BotFactory, ClientFactory, joined

pytestmark = pytest.mark.integration


def fetch(url: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_run_serves_the_index_and_the_live_log_when_asked(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    port = free_port()
    agendum_factory(web=f"in_run = true\nport = {port}\n")
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "alice: the kiwi proposal stands")
    alice.action(CHANNEL, "whispers papaya")  # /me: never shown
    alice.say(CHANNEL, "Zakim, q?")
    alice.wait_for(nick="Zakim", text="speaker queue", timeout=5)
    day = datetime.now(UTC)
    index = fetch(f"http://127.0.0.1:{port}/pub/")
    assert "#meeting" in index and day.strftime("%Y-%m-%d") in index
    log = fetch(f"http://127.0.0.1:{port}/pub/{day:%Y/%m/%d}-meeting-irc.txt")
    assert "<alice> alice: the kiwi proposal stands" in log
    assert "papaya" not in log
    found = fetch(f"http://127.0.0.1:{port}/pub/search?q=kiwi")
    assert "the <mark>kiwi</mark> proposal stands" in found
