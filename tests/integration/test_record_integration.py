"""RRSAgent through a real IRC server, with agendum as a real process: where it logs, what
never reaches the published record, action items, searching the log, the new log at
midnight UTC (and the meeting that spans it), leaving when idle, and coming back with
``Zakim, start meeting``."""

from __future__ import annotations

import contextlib
import json
import queue
import re
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.daemon import AgendumProcess
from tests.support.ircclient import IrcTestClient, ParsedLine
from tests.support.ircd import IrcServer
from tests.support.live import (
    BOT_JOIN,
    CHANNEL,
    BotFactory,
    ClientFactory,
    events_in_db,
    joined,
    wait_bots,
    zakim_says,
)

pytestmark = pytest.mark.integration

SUFFIXES = ("irc.txt", "irc.html", "minutes.html", "minutes.md", "minutes.json")
STAMP = r"\d\d:\d\d:\d\d"


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def slash(day: str) -> str:
    """``2024-03-07`` -> ``2024/03/07`` as in the published URLs and paths."""
    return day.replace("-", "/")


def log_url(bot: AgendumProcess, day: str, channel: str = CHANNEL) -> str:
    return f"{bot.base_url}/{slash(day)}-{channel.lstrip('#')}-irc"


def files_of(bot: AgendumProcess, day: str, channel: str = CHANNEL) -> dict[str, str]:
    """The five published files of ``channel``'s log of ``day``, by suffix."""
    stem = bot.publish_dir / f"{slash(day)}-{channel.lstrip('#')}"
    return {s: Path(f"{stem}-{s}").read_text(encoding="utf-8") for s in SUFFIXES}


def rrs(client: IrcTestClient, text: str | None = None, channel: str = CHANNEL,
        timeout: float = 5.0) -> ParsedLine:
    return client.wait_for(nick="RRSAgent", command="PRIVMSG", target=channel, text=text,
                           timeout=timeout)


def rrs_lines(client: IrcTestClient, count: int, channel: str = CHANNEL,
              timeout: float = 5.0) -> list[str]:
    """RRSAgent's next ``count`` lines in ``channel`` (/me lines marked ``* ``)."""
    out = []
    for _ in range(count):
        line = rrs(client, channel=channel, timeout=timeout)
        out.append(f"* {line.action_text}" if line.is_action else line.text)
    return out


def present(irc_client_factory: ClientFactory, nick: str) -> IrcTestClient:
    """A client in CHANNEL with both personas, RRSAgent's ``logging to`` line consumed.

    The client joins while the bot is still starting, so it hears that line."""
    client = joined(irc_client_factory, nick)
    rrs(client, "^logging to ")
    return client


def draft(client: IrcTestClient, channel: str = CHANNEL, nick: str = "alice") -> str:
    """Ask for minutes; the day (YYYY-MM-DD) the reply's URL names."""
    client.say(channel, "RRSAgent, draft minutes")
    reply = rrs(client, "request to generate", channel, timeout=10).text
    slug = channel.lstrip("#")
    m = re.fullmatch(rf"I have made the request to generate https://example\.test/pub/"
                     rf"(\d{{4}})/(\d\d)/(\d\d)-{slug}-minutes\.html {nick}", reply)
    assert m, reply
    return f"{m[1]}-{m[2]}-{m[3]}"


# ---- where it logs ----------------------------------------------------------------------


def test_rrsagent_says_where_it_logs_when_it_joins(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    before = today()
    bot = agendum_factory(channels=[CHANNEL, "#Other-WG"])
    alice = irc_client_factory("alice")
    alice.join(CHANNEL)
    alice.join("#other-wg")
    wait_bots(alice)
    url = rrs(alice, "^logging to ").text
    other = rrs(alice, "^logging to ", "#other-wg").text
    days = {before, today()}  # the test may run across midnight UTC
    assert url in {f"logging to {log_url(bot, d)}" for d in days}, url
    # the channel's name is folded to lower case in the URL, as in the file name
    assert other in {f"logging to {log_url(bot, d, '#other-wg')}" for d in days}, other


# ---- off the record ---------------------------------------------------------------------


def test_off_record_lines_are_stored_but_never_published(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    alice = present(irc_client_factory, "alice")
    bob = irc_client_factory("bob")
    bob.join(CHANNEL)
    alice.say(CHANNEL, "Meeting: Record keeping")
    alice.say(CHANNEL, "scribe: alice")
    alice.say(CHANNEL, "Topic: pubtopicalpha")
    alice.say(CHANNEL, "bob: pubalpha one")
    bob.action(CHANNEL, "offmeone waves")  # /me: never published
    alice.say(CHANNEL, "[off] offbracketone between us")
    alice.say(CHANNEL, "  [OFF] offbrackettwo also between us")
    alice.say(CHANNEL, "RRSAgent, off")
    assert rrs(alice).text == "I'm not logging now, alice; say 'RRSAgent, on' to resume"
    alice.say(CHANNEL, "offdarkone one")
    bob.say(CHANNEL, "offdarktwo in the dark")
    bob.action(CHANNEL, "offdarkme nods")
    alice.wait_for(nick="bob", text="offdarkme", timeout=5)  # bob's lines came before "on"
    alice.say(CHANNEL, "RRSAgent, on")
    assert rrs(alice).text == "I'm logging, alice"
    bob.say(CHANNEL, "pubbravo back on the record")
    alice.say(CHANNEL, "bob: pubcharlie after it")
    alice.say(CHANNEL, "<script>alert('pubscriptmark')</script>")
    day = draft(alice)

    offs = ["offmeone", "offbracketone", "offbrackettwo", "offdarkone",
            "offdarktwo", "offdarkme"]
    pubs = ["pubtopicalpha", "pubalpha", "pubbravo", "pubcharlie", "pubscriptmark"]
    files = files_of(bot, day)
    for suffix, content in files.items():
        for word in offs:
            assert word not in content, (suffix, word)
        for word in pubs:
            assert word in content, (suffix, word)
    json.loads(files["minutes.json"])

    log = files["irc.txt"]
    # the commands themselves are on the record; what RRSAgent said while off is not
    assert re.search(rf"^{STAMP} <alice> RRSAgent, off$", log, re.M)
    assert re.search(rf"^{STAMP} <alice> RRSAgent, on$", log, re.M)
    assert "I'm not logging now" not in log
    assert re.search(rf"^{STAMP} <RRSAgent> I'm logging, alice$", log, re.M)
    assert re.search(rf"^{STAMP} <bob> pubbravo back on the record$", log, re.M)
    assert "<alice> <script>alert('pubscriptmark')</script>" in log

    # the HTML log: one anchored line per text line, and user text escaped
    html = files["irc.html"]
    ids = re.findall(r'id="(T[^"]*)"', html)
    assert len(ids) == len(log.splitlines()) > 10
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"T\d\d-\d\d-\d\d(?:-\d+)?", i) for i in ids), ids
    assert [i[:9] for i in ids] == ["T" + ln[:8].replace(":", "-") for ln in log.splitlines()]
    assert "&lt;script&gt;alert(" in html
    for content in (html, files["minutes.html"]):
        assert "<script>alert" not in content

    # ... and yet every line is in the database
    stored = events_in_db(bot.db_url)
    for event in [("action", "bob", "offmeone waves"),
                  ("message", "alice", "[off] offbracketone between us"),
                  ("message", "alice", "  [OFF] offbrackettwo also between us"),
                  ("message", "alice", "offdarkone one"),
                  ("message", "bob", "offdarktwo in the dark"),
                  ("action", "bob", "offdarkme nods"),
                  ("message", "alice", "RRSAgent, off"),
                  ("message", "RRSAgent",
                   "I'm not logging now, alice; say 'RRSAgent, on' to resume")]:
        assert event in stored, event


# ---- action items -----------------------------------------------------------------------


def test_action_items_are_recorded_listed_replaced_and_dropped(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    alice = present(irc_client_factory, "alice")
    alice.say(CHANNEL, "RRSAgent, actions?")
    assert rrs_lines(alice, 1) == ["I see no action items"]

    alice.say(CHANNEL, "ACTION: alice to write tests")
    assert rrs(alice).text == "ACTION: alice to write tests [1]"
    recorded = rrs(alice).text
    m = re.fullmatch(r"recorded in (https://example\.test/pub/(\d{4})/(\d\d)/(\d\d)-meeting-irc)"
                     r"#(T\d\d-\d\d-\d\d)", recorded)
    assert m, recorded
    first_anchor = m[5]
    alice.say(CHANNEL, "action: bob to review them")
    assert rrs_lines(alice, 2)[0] == "ACTION: bob to review them [2]"

    alice.say(CHANNEL, "RRSAgent, show actions")
    assert rrs_lines(alice, 3) == ["I see 2 open action items:",
                                   "ACTION: alice to write tests [1]",
                                   "ACTION: bob to review them [2]"]

    alice.say(CHANNEL, "ACTION 1 = alice to write integration tests")
    assert rrs_lines(alice, 1) == ["* notes action 1 replaced"]  # unaddressed: /me form
    alice.say(CHANNEL, "ACTION- 2")
    assert rrs_lines(alice, 1) == ["* notes action 2 dropped"]
    alice.say(CHANNEL, "ACTION- 2")
    assert rrs_lines(alice, 1) == ["I don't see action 2, alice"]
    alice.say(CHANNEL, "RRSAgent, drop action 9")
    assert rrs_lines(alice, 1) == ["I don't see action 9, alice"]

    alice.say(CHANNEL, "actions?")  # unaddressed: /me form
    assert rrs_lines(alice, 2) == ["* sees 1 open action item:",
                                   "* ACTION: alice to write integration tests [1]"]
    alice.action(CHANNEL, "ACTION: nobody to see this")  # not in /me lines
    alice.say(CHANNEL, "RRSAgent, list action items")
    assert rrs_lines(alice, 2) == ["I see 1 open action item:",
                                   "ACTION: alice to write integration tests [1]"]
    alice.say(CHANNEL, "RRSAgent, drop action 1")
    assert rrs_lines(alice, 1) == ["action 1 dropped, alice"]
    alice.say(CHANNEL, "RRSAgent, actions?")
    assert rrs_lines(alice, 1) == ["I see no action items"]

    # the "recorded in" link points into the published HTML log, at the ACTION line's second
    day = draft(alice)
    assert m[1] == log_url(bot, day)
    files = files_of(bot, day)
    assert f'id="{first_anchor}"' in files["irc.html"]
    line = re.search(rf'<p class=line id="{first_anchor}(?:-\d+)?">.*ACTION: alice to write '
                     rf"tests</p>", files["irc.html"])
    assert line, files["irc.html"]
    assert re.search(rf"^{first_anchor[1:].replace('-', ':')} <alice> ACTION: alice to write "
                     rf"tests$", files["irc.txt"], re.M)


# ---- searching the log ------------------------------------------------------------------


def test_grep_search_and_question_list_matching_lines(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    alice = present(irc_client_factory, "alice")
    bob = irc_client_factory("bob")
    bob.join(CHANNEL)
    for line in ("the foo widget", "Another FOO thing", "bar 1", "bar 2", "bar 3"):
        alice.say(CHANNEL, line)
    bob.say(CHANNEL, "baz is here")
    alice.action(CHANNEL, "hums baz quietly")  # /me lines are not in the log

    def answer(count: int) -> list[str]:
        return rrs_lines(alice, count)

    alice.say(CHANNEL, "RRSAgent, grep -i foo")
    got = answer(2)
    # the searches themselves and RRSAgent's answers are not searched: only the meeting
    for shown, expected in zip(got, ["<alice> the foo widget", "<alice> Another FOO thing"],
                               strict=True):
        assert re.fullmatch(rf"{STAMP} {re.escape(expected)}", shown), got

    # case-sensitive, a regex; RRSAgent's earlier answer holds the line too, but is not searched
    alice.say(CHANNEL, "RRSAgent, grep F[O]O")
    got = answer(1)
    assert re.fullmatch(rf"{STAMP} <alice> Another FOO thing", got[0]), got
    alice.assert_no(nick="RRSAgent", command="PRIVMSG", within=0.3)

    alice.say(CHANNEL, "RRSAgent, search for max 2 bar")
    got = answer(3)
    assert re.fullmatch(rf"{STAMP} <alice> bar 1", got[0]), got
    assert re.fullmatch(rf"{STAMP} <alice> bar 2", got[1]), got
    assert got[2] == "... 3 lines match in all; 'max N' shows up to 20"

    alice.say(CHANNEL, "RRSAgent, find first ba[r] \\d")  # bar 1-3: the first only
    got = answer(1)
    assert re.fullmatch(rf"{STAMP} <alice> bar 1", got[0]), got
    alice.say(CHANNEL, "RRSAgent, find last ba[r] [3]")
    got = answer(1)
    assert re.fullmatch(rf"{STAMP} <alice> bar 3", got[0]), got

    bob.say(CHANNEL, "RRSAgent, baz?")
    got = answer(1)
    assert re.fullmatch(rf"{STAMP} <bob> baz is here", got[0]), got

    alice.say(CHANNEL, "RRSAgent, grep zz[z]")
    assert answer(1) == ["I see no match for 'zz[z]' in this log, alice"]
    alice.say(CHANNEL, "RRSAgent, grep (unclosed")
    assert answer(1) == ["I cannot read '(unclosed' as a pattern, alice"]

    alice.say(CHANNEL, "RRSAgent, bookmark")
    bookmark = rrs(alice).text
    m = re.fullmatch(r"See (\S+)#T(\d\d)-(\d\d)-(\d\d)", bookmark)
    assert m, bookmark
    assert m[1] in {log_url(bot, d) for d in (today(), (datetime.now(UTC) - timedelta(
        minutes=1)).strftime("%Y-%m-%d"))}
    alice.say(CHANNEL, "RRSAgent, where am I?")
    assert re.fullmatch(rf"See {re.escape(m[1])}#T\d\d-\d\d-\d\d", rrs(alice).text)
    # the bookmark's second is the second of a line of the published log
    day = draft(alice)
    log = files_of(bot, day)["irc.txt"]
    assert re.search(rf"^{m[2]}:{m[3]}:{m[4]} <alice> RRSAgent, bookmark$", log, re.M)


# ---- midnight UTC -----------------------------------------------------------------------


def test_midnight_starts_a_new_log_only_when_asked_near_midnight(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    # The bot's clock runs ahead so that it is 20 s before its next midnight UTC.
    lead = 20.0
    now = time.time()
    midnight = (now // 86400 + 1) * 86400  # the next real midnight UTC, as epoch seconds
    if midnight - now < 60:
        midnight += 86400
    offset = midnight - lead - now
    bot_midnight = now + lead  # when (real time) the bot's clock strikes midnight
    day_d = datetime.fromtimestamp(midnight - 1, UTC).strftime("%Y-%m-%d")
    day_e = datetime.fromtimestamp(midnight, UTC).strftime("%Y-%m-%d")

    new, span, told = "#mid-new", "#mid-span", "#mid-told"
    bot = agendum_factory(channels=[new, span, told],
                          env={"AGENDUM_CLOCK_OFFSET": repr(offset)})
    alice = irc_client_factory("alice")
    for channel in (new, span, told):
        alice.join(channel)
    for channel in (new, span, told):
        wait_bots(alice, channel)
        assert rrs(alice, "^logging to ", channel).text == (
            f"logging to {log_url(bot, day_d, channel)}")

    # Joined within 75 minutes of midnight: one log goes on past it, unless told otherwise.
    alice.say(new, "RRSAgent, start a new log at midnight")
    assert rrs(alice, None, new).text == "ok, alice; a new log will start at midnight UTC"
    alice.say(told, "RRSAgent, start a new log")
    assert rrs(alice, None, told).text == "ok, alice; a new log will start at midnight UTC"
    alice.say(told, "RRSAgent, this meeting spans midnight")
    assert rrs(alice, None, told).text == "ok, alice; this log will go on past midnight UTC"
    for channel in (new, span, told):
        alice.say(channel, f"premark before midnight in {channel}")
    assert draft(alice, new) == day_d  # the minutes so far, of the day-D log
    left = bot_midnight - time.time()
    assert left > 1.0, f"too slow: only {left:.1f} s left before the bot's midnight"

    time.sleep(left + 1.0)
    for channel in (new, span, told):
        alice.say(channel, f"postmark after midnight in {channel}")
        alice.say(channel, "RRSAgent, grep pre[m]ark")
    # the new log has no line of yesterday's; the others go on
    assert rrs(alice, None, new).text == "I see no match for 'pre[m]ark' in this log, alice"
    for channel in (span, told):
        assert re.fullmatch(rf"23:59:\d\d <alice> premark before midnight in {channel}",
                            rrs(alice, None, channel).text)

    assert draft(alice, new) == day_e
    before, after = files_of(bot, day_d, new), files_of(bot, day_e, new)
    for suffix in SUFFIXES:
        assert "premark" in before[suffix] and "postmark" not in before[suffix], suffix
        assert "postmark" in after[suffix] and "premark" not in after[suffix], suffix
    assert re.search(rf"^23:59:\d\d <alice> premark before midnight in {new}$",
                     before["irc.txt"], re.M)
    assert re.search(rf"^00:00:\d\d <alice> postmark after midnight in {new}$",
                     after["irc.txt"], re.M)
    assert all(line.startswith("00:") for line in after["irc.txt"].splitlines())

    for channel in (span, told):
        assert draft(alice, channel) == day_d
        files = files_of(bot, day_d, channel)
        for suffix in SUFFIXES:
            assert "premark" in files[suffix] and "postmark" in files[suffix], (channel, suffix)
        assert re.search(rf"^00:00:\d\d <alice> postmark after midnight in {channel}$",
                         files["irc.txt"], re.M)
        assert not (bot.publish_dir / f"{slash(day_e)}-{channel.lstrip('#')}-irc.txt").exists()

    alice.say(span, "RRSAgent, bookmark")
    assert rrs(alice, "^See ", span).text.startswith(f"See {log_url(bot, day_d, span)}#T00-00-")
    alice.say(new, "RRSAgent, bookmark")
    assert rrs(alice, "^See ", new).text.startswith(f"See {log_url(bot, day_e, new)}#T00-00-")


# ---- leaving when idle ------------------------------------------------------------------


def test_leaves_an_idle_channel_unless_told_to_stay(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    idle, stay = "#idle", "#stay"
    agendum_factory(channels=[idle, stay], bot_extra="idle_leave_minutes = 0.05")  # 3 s
    alice = irc_client_factory("alice")
    alice.join(idle)
    alice.join(stay)
    for channel in (idle, stay):
        wait_bots(alice, channel)
        rrs(alice, "^logging to ", channel)
    alice.say(stay, "RRSAgent, stay")
    assert rrs(alice, None, stay).text == "ok, alice; I will stay until I am dismissed"
    alice.say(idle, "the last words for a while")
    quiet_from = time.monotonic()

    leaving = rrs(alice, "leaving", idle, timeout=10).text
    assert re.fullmatch(r"I see no activity here for \d+ seconds; leaving\. /invite me back "
                        r"to log again", leaving), leaving
    alice.wait_for(command="PART", nick="RRSAgent", target=idle, timeout=5)
    quiet = time.monotonic() - quiet_from
    assert 2.5 <= quiet <= 7.0, quiet
    assert "Zakim" in alice.names(idle) and "RRSAgent" not in alice.names(idle)

    alice.assert_no(command="PART", nick="RRSAgent", target=stay,
                    within=max(0.5, quiet_from + 6.0 - time.monotonic()))
    alice.assert_no(command="PART", nick="Zakim", within=0.1)
    assert {"Zakim", "RRSAgent"} <= alice.names(stay)
    alice.say(stay, "Zakim, q?")
    zakim_says(alice, "speaker queue")


# ---- start meeting brings it back -------------------------------------------------------


def test_start_meeting_brings_rrsagent_back_logging(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    chair = present(irc_client_factory, "chair")
    chair.say(CHANNEL, "RRSAgent, bye")
    chair.wait_for(command="PART", nick="RRSAgent", target=CHANNEL, timeout=5)
    before = today()
    chair.say(CHANNEL, "Zakim, start meeting")
    chair.wait_for(command="JOIN", nick="RRSAgent", target=CHANNEL, timeout=BOT_JOIN)
    assert zakim_says(chair, "RRSAgent") == "RRSAgent, make logs public"
    url = rrs(chair, "^logging to ").text
    assert url in {f"logging to {log_url(bot, d)}" for d in {before, today()}}
    assert rrs(chair, "request").text == "I have made the request, Zakim"
    chair.say(CHANNEL, "ACTION: chair to check the record")
    assert rrs(chair, "^ACTION").text == "ACTION: chair to check the record [1]"


class LaggyProxy:
    """A TCP relay to the IRC server that holds back what the server sends for ``delay``
    seconds, as a distant server would; what the bot sends goes through at once."""

    def __init__(self, upstream: int, delay: float) -> None:
        self.upstream, self.delay = upstream, delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                down, _ = self.listener.accept()
                up = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                return
            self.sockets += [down, up]
            for src, dst, delay in ((down, up, 0.0), (up, down, self.delay)):
                threading.Thread(target=self._pipe, args=(src, dst, delay), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket, delay: float) -> None:
        pending: queue.Queue[tuple[float, bytes]] = queue.Queue()

        def deliver() -> None:
            while True:
                due, data = pending.get()
                time.sleep(max(0.0, due - time.monotonic()))
                try:
                    if not data:
                        dst.shutdown(socket.SHUT_WR)
                        return
                    dst.sendall(data)
                except OSError:
                    return

        threading.Thread(target=deliver, daemon=True).start()
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            pending.put((time.monotonic() + delay, data))
            if not data:
                return

    def close(self) -> None:
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def test_rrsagent_answers_zakim_when_the_server_is_slow_to_confirm_its_join(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, ircd: IrcServer,
) -> None:
    proxy = LaggyProxy(ircd.port, delay=0.3)  # a server 300 ms away
    try:
        agendum_factory(port=proxy.port)
        chair = present(irc_client_factory, "chair")
        chair.say(CHANNEL, "RRSAgent, bye")
        chair.wait_for(command="PART", nick="RRSAgent", target=CHANNEL, timeout=5)
        chair.say(CHANNEL, "Zakim, start meeting")
        chair.wait_for(command="JOIN", nick="RRSAgent", target=CHANNEL, timeout=BOT_JOIN)
        assert zakim_says(chair, "RRSAgent") == "RRSAgent, make logs public"
        rrs(chair, "^logging to ")  # RRSAgent is there and talking...
        assert rrs(chair, "request", timeout=3).text == "I have made the request, Zakim"
    finally:
        proxy.close()


def test_idle_leaving_line_tells_a_true_idle_time(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    agendum_factory(bot_extra="idle_leave_minutes = 0.05")  # 3 s
    alice = present(irc_client_factory, "alice")
    leaving = rrs(alice, "leaving", timeout=10).text
    assert "for 0 minutes" not in leaving, leaving
