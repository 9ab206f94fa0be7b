"""agendum as a real process, against a real IRC server, driven by real IRC clients."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import time
from collections.abc import Callable

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


def test_joins_answers_queue_and_records_everything(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory
) -> None:
    bot = agendum_factory()
    alice = joined(irc_client_factory, "alice")
    bob = irc_client_factory("bob")
    bob.join(CHANNEL)

    bob.say(CHANNEL, "q+ to ask about <script>")
    alice.say(CHANNEL, "q+")
    alice.say(CHANNEL, "Zakim, q?")
    assert zakim_says(alice, "speaker queue") == "I see bob, alice on the speaker queue"
    alice.action(CHANNEL, "q?")
    reply = alice.wait_for(nick="Zakim", command="PRIVMSG", timeout=5)
    assert reply.action_text == "sees bob, alice on the speaker queue"
    alice.say(CHANNEL, "ack bob")
    assert zakim_says(alice, "wanted") == "bob, you wanted to ask about <script>"
    alice.say(CHANNEL, "ack next")
    assert zakim_says(alice, "^ack") == "ack alice"
    left = alice.wait_for(nick="Zakim", command="PRIVMSG", timeout=5)
    assert left.action_text == "sees no one on the speaker queue"  # unaddressed: /me form
    alice.say(CHANNEL, "zakim, frobnicate the widget")
    assert zakim_says(alice, "understand") == (
        "I don't understand 'frobnicate the widget', alice. Try /msg Zakim help"
    )
    alice.say(CHANNEL, "RRSAgent, please make coffee")
    assert alice.wait_for(nick="RRSAgent", text="understand", timeout=5).text == (
        "I'm logging. I don't understand 'make coffee', alice. Try /msg RRSAgent help"
    )
    bob.raw(b"PRIVMSG #meeting :caf\xe9 is latin-1 \xff\xfe and then valid \xc3\xa9")
    bob.say(CHANNEL, "after the odd bytes")
    alice.wait_for(nick="bob", text="after the odd bytes", timeout=5)
    alice.say(CHANNEL, "q?")
    alice.wait_for(nick="Zakim", text="no one", timeout=5)  # still alive and answering
    bob.part(CHANNEL, "bye all")

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        stored = events_in_db(bot.db_url)
        if ("part", "bob", "bye all") in stored:
            break
        time.sleep(0.1)
    kinds = {(k, n) for k, n, _ in stored}
    assert ("join", "bob") in kinds and ("part", "bob") in kinds
    assert ("message", "bob", "q+ to ask about <script>") in stored
    assert ("action", "alice", "q?") in stored
    assert ("message", "Zakim", "I see bob, alice on the speaker queue") in stored
    assert ("action", "Zakim", "sees bob, alice on the speaker queue") in stored
    odd = [t for k, n, t in stored if n == "bob" and t.startswith("caf")]
    assert odd and "latin-1" in odd[0] and "valid" in odd[0]
    # every line appears once, though both personas saw it
    assert sum(1 for e in stored if e == ("message", "alice", "Zakim, q?")) == 1


def test_draft_minutes_publishes_files_at_dated_url(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory
) -> None:
    bot = agendum_factory()
    chair = joined(irc_client_factory, "anssik")
    for line in [
        "Meeting: WebML WG <Teleconference>",
        "Chair: Anssi",
        "Agenda: https://example.org/agenda.md",
        "present+ Anssi, Rafael",
        "scribe: anssik",
        "Topic: Call for <Consensus>",
        "Rafael: I support this <b>now</b>",
        "... and more to say",
        "RESOLUTION: publish the CR snapshot",
    ]:
        chair.say(CHANNEL, line)
    chair.say(CHANNEL, "RRSAgent, draft minutes")
    reply = chair.wait_for(nick="RRSAgent", text="request to generate", timeout=10).text
    m = re.fullmatch(
        r"I have made the request to generate (https://example\.test/pub/(\d{4})/(\d\d)/(\d\d)"
        r"-meeting-minutes\.html) anssik",
        reply,
    )
    assert m, reply
    year, month, day = m.group(2), m.group(3), m.group(4)
    html_path = bot.publish_dir / year / month / f"{day}-meeting-minutes.html"
    txt_path = bot.publish_dir / year / month / f"{day}-meeting-irc.txt"
    html = html_path.read_text(encoding="utf-8")
    assert "WebML WG &lt;Teleconference&gt;</h1>" in html
    assert "Call for &lt;Consensus&gt;" in html
    assert "<cite>Rafael:</cite> I support this &lt;b&gt;now&lt;/b&gt;" in html
    assert "and more to say" in html
    assert "publish the CR snapshot" in html
    assert "Anssi" in html and "<b>now" not in html
    log_text = txt_path.read_text(encoding="utf-8")
    assert re.search(r"^\d\d:\d\d:\d\d <anssik> Topic: Call for <Consensus>$", log_text, re.M)
    assert "RRSAgent, draft minutes" in log_text


def test_reconnects_after_server_restart_and_keeps_queue(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
    ircd: IrcServer,
) -> None:
    agendum_factory()
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "q+ to remember me")
    alice.say(CHANNEL, "Zakim, q?")
    zakim_says(alice, "I see alice")

    ircd.restart()
    alice2 = irc_client_factory("alice2")
    alice2.join(CHANNEL)
    wait_bots(alice2)  # both personas came back and rejoined
    alice2.say(CHANNEL, "Zakim, q?")
    assert zakim_says(alice2, "speaker queue") == "I see alice on the speaker queue"


def test_restart_of_agendum_keeps_queue_and_channels(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory(channels=[CHANNEL])
    alice = joined(irc_client_factory, "alice")
    alice.join("#invited")
    alice.invite("Zakim", "#invited")
    wait_bots(alice, "#invited", ("Zakim",))
    alice.say(CHANNEL, "q+ alice, bob to object")
    alice.say(CHANNEL, "q?")
    alice.wait_for(nick="Zakim", text="alice, bob", timeout=5)

    alice.drain()
    bot.restart()  # SIGKILL, then start again
    alice.wait_for(command="JOIN", nick="Zakim", target=CHANNEL, timeout=BOT_JOIN)
    alice.wait_for(command="JOIN", nick="Zakim", target="#invited", timeout=BOT_JOIN)
    alice.say(CHANNEL, "Zakim, q?")
    assert zakim_says(alice, "speaker queue") == "I see alice, bob on the speaker queue"
    alice.say(CHANNEL, "ack bob")
    assert zakim_says(alice, "wanted") == "bob, you wanted to object"

    alice.say("#invited", "Zakim, bye")
    alice.wait_for(command="PART", nick="Zakim", target="#invited", timeout=5)
    time.sleep(0.5)
    alice.drain()
    bot.restart()
    alice.wait_for(command="JOIN", nick="Zakim", target=CHANNEL, timeout=BOT_JOIN)
    alice.assert_no(command="JOIN", nick="Zakim", target="#invited", within=2.0)


def test_sigterm_quits_politely_and_exits_zero(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    alice = joined(irc_client_factory, "alice")
    assert bot.terminate() == 0
    alice.wait_for(command="QUIT", nick="Zakim", timeout=5)
    alice.wait_for(command="QUIT", nick="RRSAgent", timeout=5)


def test_nick_in_use_falls_back_then_regains(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    squatter = irc_client_factory("Zakim")
    squatter.join(CHANNEL)
    agendum_factory()
    squatter.wait_for(command="JOIN", nick="Zakim_", target=CHANNEL, timeout=BOT_JOIN)
    squatter.quit()
    watcher = irc_client_factory("watcher")
    watcher.join(CHANNEL)
    watcher.wait_names(CHANNEL, lambda names: "Zakim" in names, timeout=10)
    watcher.say(CHANNEL, "Zakim, q?")
    zakim_says(watcher, "no one")


def test_long_reply_is_split_on_utf8_boundaries(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    agendum_factory()
    alice = joined(irc_client_factory, "alice")
    names = [f"{'é€😀' * 5}{i}" for i in range(30)]
    for chunk in range(0, 30, 5):
        alice.say(CHANNEL, "q+ " + ", ".join(names[chunk:chunk + 5]))
    alice.say(CHANNEL, "Zakim, q?")
    first = alice.wait_for(nick="Zakim", text="^I see", timeout=5)
    pieces = [first]
    while not pieces[-1].text.endswith("on the speaker queue"):
        pieces.append(alice.wait_for(nick="Zakim", command="PRIVMSG", timeout=5))
    assert len(pieces) > 1
    for piece in pieces:
        assert len(piece.raw.encode("utf-8")) + 2 <= 512
        assert "\ufffd" not in piece.text
    reply = " ".join(p.text for p in pieces)
    for name in names:
        assert name in reply


def test_postgresql_storage_end_to_end(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
    pg_url: str,
) -> None:
    bot = agendum_factory(db_url=pg_url)
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "q+ to test postgres")
    alice.say(CHANNEL, "Topic: Stored in PostgreSQL")
    alice.say(CHANNEL, "RRSAgent, draft minutes")
    alice.wait_for(nick="RRSAgent", text="request to generate", timeout=10)
    stored = events_in_db(pg_url)
    assert ("message", "alice", "q+ to test postgres") in stored
    alice.drain()
    bot.restart()
    alice.wait_for(command="JOIN", nick="Zakim", target=CHANNEL, timeout=BOT_JOIN)
    alice.say(CHANNEL, "Zakim, q?")
    assert zakim_says(alice, "speaker queue") == "I see alice on the speaker queue"


def test_tls_connection(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
    ircd_factory: Callable[..., IrcServer],
) -> None:
    secure = ircd_factory(tls=True)
    agendum_factory(
        server=secure,
        port=secure.tls_port,
        extra=f'tls = true\nca_file = "{secure.ca_file}"\n',
    )
    alice = irc_client_factory("alice", server=secure)
    alice.join(CHANNEL)
    wait_bots(alice)
    alice.say(CHANNEL, "Zakim, q?")
    zakim_says(alice, "no one")


def test_burst_of_lines_is_logged_without_loss(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    senders = [irc_client_factory(f"blaster{i}") for i in range(3)]
    for s in senders:
        s.join(CHANNEL)
    wait_bots(senders[0])
    per_sender = 1000
    for i, s in enumerate(senders):
        s.raw("".join(f"PRIVMSG {CHANNEL} :line {i}-{n}\r\n" for n in range(per_sender)).encode())
    senders[0].say(CHANNEL, "done blasting")
    deadline = time.monotonic() + 30
    count = 0
    while time.monotonic() < deadline:
        if bot.db_url.startswith("sqlite"):
            path = bot.db_url.removeprefix("sqlite:///")
            with sqlite3.connect(path) as db:
                count = db.execute(
                    "SELECT count(*) FROM events WHERE text LIKE 'line %'"
                ).fetchone()[0]
        if count == 3 * per_sender:
            break
        time.sleep(0.2)
    assert count == 3 * per_sender
    assert bot.alive()


def test_every_kind_of_channel_event_is_stored(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    alice = joined(irc_client_factory, "alice")  # first in the channel: operator
    bob = irc_client_factory("bob")
    bob.join(CHANNEL)
    carol = irc_client_factory("carol")
    carol.join(CHANNEL)
    alice.say(CHANNEL, "a message")
    alice.action(CHANNEL, "waves")
    alice.notice(CHANNEL, "a notice")
    alice.raw(f"TOPIC {CHANNEL} :Agenda: https://example.org/agenda")
    alice.raw(f"MODE {CHANNEL} +v bob")
    alice.wait_for(command="MODE", nick="alice", timeout=5)  # before bob is renamed
    bob.change_nick("bobby")
    alice.wait_for(command="NICK", nick="bob", timeout=5)
    alice.raw(f"KICK {CHANNEL} bobby :off topic")
    carol.part(CHANNEL, "lunch")
    alice.say(CHANNEL, "last words")
    alice.raw("QUIT :gone home")

    expected = {
        ("message", "alice", "a message"),
        ("action", "alice", "waves"),
        ("notice", "alice", "a notice"),
        ("topic", "alice", "Agenda: https://example.org/agenda"),
        ("mode", "alice", "+v bob"),
        ("nick", "bob", "bobby"),
        ("kick", "alice", "bobby off topic"),
        ("part", "carol", "lunch"),
        ("join", "carol", ""),
        ("message", "alice", "last words"),
        ("quit", "alice", '"gone home"'),  # ngIRCd quotes the quit message itself
    }
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        stored = events_in_db(bot.db_url)
        if expected <= set(stored):
            break
        time.sleep(0.1)
    assert expected - set(stored) == set(), stored
    for event in expected:  # seen by both personas, stored once
        assert stored.count(event) == 1, event


def test_help_in_channel_and_by_private_message(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    agendum_factory()
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "Zakim, help")
    alice.wait_for(nick="Zakim", target=CHANNEL, text="understands", timeout=5)
    queue = alice.wait_for(nick="Zakim", target=CHANNEL, text="^queue: ", timeout=5).text
    assert "q+" in queue and "ack" in queue
    agenda = alice.wait_for(nick="Zakim", target=CHANNEL, text="^agenda: ", timeout=5).text
    assert "agenda+" in agenda and "next agendum" in agenda
    attendance = alice.wait_for(nick="Zakim", target=CHANNEL, text="^attendance: ", timeout=5)
    assert "present+" in attendance.text
    alice.say("RRSAgent", "help")
    alice.wait_for(nick="RRSAgent", command="NOTICE", text="understands", timeout=5)
    private = alice.wait_for(nick="RRSAgent", command="NOTICE", text="^record: ", timeout=5)
    assert "draft minutes" in private.text
    alice.say("Zakim", "q?")
    alice.wait_for(nick="Zakim", command="NOTICE", text="only take commands in a channel",
                   timeout=5)


def test_replies_are_paced_by_a_token_bucket(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory(send_rate=2.0, send_burst=3)
    alice = joined(irc_client_factory, "alice")
    time.sleep(2)  # let the bucket refill after the bots' joins
    alice.say(CHANNEL, "Zakim, q?")
    start = time.monotonic()
    alice.wait_for(nick="Zakim", text="speaker queue", timeout=5)
    quiet_reply = time.monotonic() - start
    time.sleep(2)
    start = time.monotonic()
    alice.raw("".join(f"PRIVMSG {CHANNEL} :Zakim, q?\r\n" for _ in range(7)).encode())
    arrivals = []
    for _ in range(7):
        alice.wait_for(nick="Zakim", text="speaker queue", timeout=10)
        arrivals.append(time.monotonic() - start)
    assert quiet_reply < 1.0  # a single reply after a quiet moment is not delayed
    assert arrivals[2] < 1.0  # the burst allowance goes out at once
    assert arrivals[-1] >= 1.5  # the other four are paced at 2 lines/s (about 2 s)
    asked = [e for e in events_in_db(bot.db_url) if e == ("message", "alice", "Zakim, q?")]
    assert len(asked) == 8  # identical lines are repeats, not copies: every one is kept


def test_one_nick_for_both_personas_uses_one_connection(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    agendum_factory(zakim="agendum", rrsagent="agendum")
    alice = irc_client_factory("alice")
    alice.join(CHANNEL)
    wait_bots(alice, nicks=("agendum",))
    assert not {"zakim", "rrsagent"} & {n.lower() for n in alice.names(CHANNEL)}
    alice.say(CHANNEL, "q+")
    alice.say(CHANNEL, "agendum, q?")
    assert alice.wait_for(nick="agendum", text="speaker queue", timeout=5).text == (
        "I see alice on the speaker queue"
    )
    alice.say(CHANNEL, "agendum, draft minutes")
    alice.wait_for(nick="agendum", text="request to generate", timeout=10)
    alice.assert_no(nick="agendum", text="understand", within=1.0)


def test_watchdog_drops_a_silent_server_and_reconnects(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, ircd: IrcServer,
) -> None:
    bot = agendum_factory(extra="idle_timeout = 2.0\n")
    alice = joined(irc_client_factory, "alice")
    assert ircd.pid is not None
    os.kill(ircd.pid, signal.SIGSTOP)  # the server hangs: no data, no FIN
    try:
        for nick in ("Zakim", "RRSAgent"):
            bot.wait_log(f"{nick}: connection to 127.0.0.1:{ircd.port} lost (the server was "
                         "silent for", timeout=10)
    finally:
        os.kill(ircd.pid, signal.SIGCONT)
    alice.drain()
    alice.wait_for(command="JOIN", nick="Zakim", target=CHANNEL, timeout=BOT_JOIN)
    alice.say(CHANNEL, "Zakim, q?")
    zakim_says(alice, "no one")
