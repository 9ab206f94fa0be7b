"""Zakim's speaker queue: command forms through the router, the pure queue functions under
random operation sequences, and a replay of a real meeting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bot.plugins import load_plugins
from bot.plugins.queue import Entry, Queue, QueuePlugin, add, describe, remove, resolve, take
from hypothesis import given
from hypothesis import strategies as st

from bot.core.effects import Reply
from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT, ZAKIM, fold
from bot.core.plugin import Settings
from bot.core.router import Router
from tests.support.seed import SEED, SEED_CHANNEL, seed_events

CHANNEL = "#wg"
WHEN = datetime(2024, 3, 7, 15, 0, tzinfo=UTC)


def make_router() -> Router:
    settings = Settings(nicks={ZAKIM: "Zakim", RRSAGENT: "RRSAgent"})
    return Router(settings, load_plugins(settings))


def ev(text: str, nick: str = "alice", *, kind: Kind = Kind.MESSAGE, channel: str = CHANNEL):
    return Event(WHEN, "net", channel, kind, nick, text)


def queue_of(router: Router, channel: str = CHANNEL) -> Queue:
    plugin = next(p for p in router.plugins if isinstance(p, QueuePlugin))
    return plugin.state(channel)


def said(effects: list) -> list[str]:
    return [e.text for e in effects if isinstance(e, Reply)]


# ---- command forms --------------------------------------------------------------------------
#
# Each case: lines said before (nick, text), the command and who says it, then the queue
# afterwards as (name, note) pairs and the texts Zakim replies with (in order).

QUEUE_CASES = [
    # adding
    pytest.param([], "alice", "q+", [("alice", None)], [], id="q+"),
    pytest.param([], "alice", "queue+", [("alice", None)], [], id="queue+"),
    pytest.param([], "alice", "Q+", [("alice", None)], [], id="Q+-uppercase"),
    pytest.param([], "alice", "q +", [("alice", None)], [], id="q-space-plus"),
    pytest.param([], "chair", "q+ alice", [("alice", None)], [], id="q+-name"),
    pytest.param(
        [], "chair", "q+ alice, bob", [("alice", None), ("bob", None)], [], id="q+-two-names"
    ),
    pytest.param(
        [], "chair", "q+ alice,bob", [("alice", None), ("bob", None)], [], id="q+-names-no-space"
    ),
    pytest.param([], "alice", "q+ me", [("alice", None)], [], id="q+-me"),
    pytest.param(
        [], "alice", "q+ to ask about X", [("alice", "ask about X")], [], id="q+-to-note"
    ),
    pytest.param(
        [], "chair", "q+ alice to say Y", [("alice", "say Y")], [], id="q+-name-to-note"
    ),
    pytest.param(
        [], "alice", "queue+ to ask about X", [("alice", "ask about X")], [], id="queue+-to"
    ),
    pytest.param(
        [], "alice", "q+ me to ask X", [("alice", "ask X")], [], id="q+-me-to-note"
    ),
    pytest.param([], "alice", "q+ : note", [("alice", "note")], [], id="q+-colon-note"),
    pytest.param([], "alice", "q+: note", [("alice", "note")], [], id="q+colon-note"),
    pytest.param(
        [], "alice", "q+ also to add Z", [("alice", "add Z")], [], id="q+-also-to"
    ),
    pytest.param(
        [], "chair", "q+ alice also to add Z", [("alice", "add Z")], [], id="q+-name-also-to"
    ),
    pytest.param(
        [("alice", "q+")], "alice", "q+", [("alice", None)], [], id="q+-twice-keeps-one-place"
    ),
    pytest.param(
        [("alice", "q+")], "chair", "q+ ALICE", [("alice", None)], [], id="q+-case-insensitive"
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")],
        "carol",
        "q+",
        [("alice", None), ("bob", None), ("carol", None)],
        [],
        id="q+-appends-at-end",
    ),
    pytest.param([], "alice", "Zakim, q+", [("alice", None)], [], id="q+-addressed"),
    pytest.param([], "alice", "Zakim, please q+", [("alice", None)], [], id="q+-addressed-please"),
    # removing
    pytest.param([("alice", "q+"), ("bob", "q+")], "alice", "q-", [("bob", None)], [], id="q-"),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "alice", "queue-", [("bob", None)], [], id="queue-"
    ),
    pytest.param([("alice", "q+"), ("bob", "q+")], "alice", "q- me", [("bob", None)], [],
                 id="q--me"),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "q- alice", [("bob", None)], [], id="q--name"
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "q- ALICE", [("bob", None)], [],
        id="q--name-case-insensitive",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+"), ("carol", "q+")],
        "chair",
        "q- alice, carol",
        [("bob", None)],
        [],
        id="q--two-names",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "q- ali", [("bob", None)], [],
        id="q--unambiguous-prefix",
    ),
    pytest.param(
        [("alice", "q+"), ("alicia", "q+")],
        "chair",
        "q- ali",
        [("alice", None), ("alicia", None)],
        [],
        id="q--ambiguous-prefix-does-nothing",
    ),
    pytest.param(
        [("chair", "q+ alice")], "ali", "q-", [("alice", None)], [],
        id="q--own-nick-is-never-abbreviated",
    ),
    pytest.param(
        [("alice", "q+")], "chair", "q- dave", [("alice", None)], [], id="q--unknown-name"
    ),
    pytest.param(
        [("alice", "q+ to ask X"), ("alice", "q+ to ask Y"), ("bob", "q+")],
        "alice",
        "q-",
        [("bob", None)],
        [],
        id="q--removes-every-entry",
    ),
    # showing
    pytest.param([], "chair", "Zakim, q?", [], ["I see no one on the speaker queue"],
                 id="q?-empty"),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")],
        "chair",
        "Zakim, q?",
        [("alice", None), ("bob", None)],
        ["I see alice, bob on the speaker queue"],
        id="q?",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")],
        "chair",
        "Zakim, queue?",
        [("alice", None), ("bob", None)],
        ["I see alice, bob on the speaker queue"],
        id="queue?",
    ),
    pytest.param(
        [("alice", "q+")],
        "chair",
        "Zakim, who is on the queue?",
        [("alice", None)],
        ["I see alice on the speaker queue"],
        id="who-is-on-the-queue?",
    ),
    pytest.param(
        [("alice", "q+")],
        "chair",
        "Zakim, who's on the queue?",
        [("alice", None)],
        ["I see alice on the speaker queue"],
        id="who's-on-the-queue?",
    ),
    pytest.param(
        [("alice", "q+")],
        "chair",
        "Zakim, who is on q?",
        [("alice", None)],
        ["I see alice on the speaker queue"],
        id="who-is-on-q?",
    ),
    pytest.param(
        [("alice", "q+ to ask X"), ("bob", "q+"), ("alice", "q+ to ask Y")],
        "chair",
        "Zakim, q?",
        [("alice", "ask X"), ("bob", None), ("alice", "ask Y")],
        ["I see alice, bob on the speaker queue"],
        id="q?-shows-each-name-once",
    ),
    pytest.param(
        [("alice", "q+")], "chair", "q?", [("alice", None)], ["sees alice on the speaker queue"],
        id="q?-unaddressed",
    ),
    # recognising
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "ack alice", [("bob", None)], [], id="ack"
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "ack ali", [("bob", None)], [],
        id="ack-prefix",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "ack BOB", [("alice", None)], [],
        id="ack-case-insensitive",
    ),
    pytest.param(
        [("alice", "q+"), ("alicia", "q+")],
        "chair",
        "ack ali",
        [("alice", None), ("alicia", None)],
        [],
        id="ack-ambiguous-prefix-takes-nobody",
    ),
    pytest.param(
        [("alice", "q+")], "chair", "ack dave", [("alice", None)], [], id="ack-not-queued"
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "acks alice", [("bob", None)], [], id="acks"
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "recognize alice", [("bob", None)], [],
        id="recognize",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "recognizes alice", [("bob", None)], [],
        id="recognizes",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "chair ack alice", [("bob", None)], [],
        id="chair-ack",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")], "chair", "Zakim, ack alice", [("bob", None)], [],
        id="ack-addressed",
    ),
    pytest.param(
        [("alice", "q+ to ask about X"), ("bob", "q+")],
        "chair",
        "ack alice",
        [("bob", None)],
        ["alice, you wanted to ask about X"],
        id="ack-passes-on-the-note",
    ),
    pytest.param(
        [("chair", "q+ alice to say Y"), ("bob", "q+")],
        "chair",
        "ack ali",
        [("bob", None)],
        ["alice, you wanted to say Y"],
        id="ack-prefix-passes-on-the-note",
    ),
    pytest.param(
        [("alice", "q+ to ask about X"), ("alice", "q+ to ask about Y")],
        "chair",
        "ack alice",
        [],
        ["alice, you wanted to ask about X and to ask about Y"],
        id="ack-passes-on-every-note",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+"), ("carol", "q+")],
        "chair",
        "Zakim, ack next",
        [("bob", None), ("carol", None)],
        ["ack alice", "I see bob, carol on the speaker queue"],
        id="ack-next",
    ),
    pytest.param(
        [("alice", "q+")],
        "chair",
        "Zakim, ack next",
        [],
        ["ack alice", "I see no one on the speaker queue"],
        id="ack-next-last",
    ),
    pytest.param(
        [("alice", "q+ to ask about X"), ("bob", "q+")],
        "chair",
        "Zakim, ack next",
        [("bob", None)],
        ["ack alice", "alice, you wanted to ask about X", "I see bob on the speaker queue"],
        id="ack-next-with-note",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")],
        "chair",
        "Zakim, recognize next speaker",
        [("bob", None)],
        ["ack alice", "I see bob on the speaker queue"],
        id="recognize-next-speaker",
    ),
    pytest.param(
        [("alice", "q+"), ("bob", "q+")],
        "chair",
        "ack next",
        [("bob", None)],
        ["ack alice", "sees bob on the speaker queue"],
        id="ack-next-unaddressed",
    ),
    pytest.param(
        [], "chair", "Zakim, ack next", [], ["I see no one on the speaker queue"],
        id="ack-next-empty",
    ),
]


@pytest.mark.parametrize(("before", "nick", "command", "after", "replies"), QUEUE_CASES)
def test_queue_command(
    before: list[tuple[str, str]],
    nick: str,
    command: str,
    after: list[tuple[str, str | None]],
    replies: list[str],
) -> None:
    router = make_router()
    for who, text in before:
        assert said(router.dispatch(ev(text, who))) == [], f"setup line {text!r} answered"
    effects = router.dispatch(ev(command, nick))
    assert [(e.name, e.note) for e in queue_of(router).entries] == after
    assert said(effects) == replies


@pytest.mark.parametrize("text", ["q+", "q+ to ask about X", "q- alice", "ack alice", "q?"])
def test_queue_commands_work_in_me_form(text: str) -> None:
    via_me, plain = make_router(), make_router()
    for router, kind in ((via_me, Kind.ACTION), (plain, Kind.MESSAGE)):
        router.dispatch(ev("q+ alice, bob", "chair"))
        router.dispatch(ev(text, kind=kind))
    assert queue_of(via_me) == queue_of(plain)


def test_unaddressed_queue_display_is_a_me_action_and_addressed_is_not() -> None:
    router = make_router()
    router.dispatch(ev("q+", "alice"))
    assert router.dispatch(ev("q?")) == [
        Reply(ZAKIM, CHANNEL, "sees alice on the speaker queue", action=True)
    ]
    assert router.dispatch(ev("q?", kind=Kind.ACTION)) == [
        Reply(ZAKIM, CHANNEL, "sees alice on the speaker queue", action=True)
    ]
    assert router.dispatch(ev("Zakim, q?")) == [
        Reply(ZAKIM, CHANNEL, "I see alice on the speaker queue", action=False)
    ]


def test_each_channel_has_its_own_queue_and_channel_names_are_case_insensitive() -> None:
    router = make_router()
    router.dispatch(ev("q+", "alice", channel="#wg"))
    router.dispatch(ev("q+", "bob", channel="#other"))
    assert said(router.dispatch(ev("Zakim, q?", channel="#WG"))) == [
        "I see alice on the speaker queue"
    ]
    assert said(router.dispatch(ev("Zakim, q?", channel="#Other"))) == [
        "I see bob on the speaker queue"
    ]
    assert said(router.dispatch(ev("Zakim, q?", channel="#third"))) == [
        "I see no one on the speaker queue"
    ]


def test_queue_commands_addressed_to_rrsagent_leave_the_queue_alone() -> None:
    router = make_router()
    router.dispatch(ev("RRSAgent, q+"))
    assert queue_of(router) == Queue()


# ---- the pure queue functions ---------------------------------------------------------------

NAMES = ["alice", "Alice", "ALICE", "bob", "Bob", "carol", "al", "x[y]", "X{Y}"]
names = st.sampled_from(NAMES)
notes = st.one_of(st.none(), st.sampled_from(["ask X", "say Y", "note"]))
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), names, notes),
        st.tuples(st.just("remove"), names, st.none()),
        st.tuples(st.just("take"), names, st.none()),
    ),
    max_size=40,
)


def same(a: str, b: str) -> bool:
    return fold(a) == fold(b)


def is_subsequence(short: tuple[Entry, ...], long: tuple[Entry, ...]) -> bool:
    it = iter(long)
    return all(any(x is y for y in it) for x in short)


@given(operations)
def test_queue_operations_keep_their_promises(ops: list[tuple[str, str, str | None]]) -> None:
    queue = Queue()
    added: set[str] = set()
    for op, name, note in ops:
        before = queue
        if op == "add":
            queue = add(queue, name, note)
            added.add(name)
            was_waiting = any(same(e.name, name) for e in before.entries)
            if note is None and was_waiting:
                assert queue == before, "a waiting name keeps its one place"
            else:
                assert queue.entries == (*before.entries, Entry(name, note)), "appended at end"
        elif op == "remove":
            queue = remove(queue, name)
            assert not any(same(e.name, name) for e in queue.entries)
            assert queue.entries == tuple(e for e in before.entries if not same(e.name, name))
        else:
            queue, taken = take(queue, name)
            assert not any(same(e.name, name) for e in queue.entries), "take removes all"
            assert taken == [e for e in before.entries if same(e.name, name)]
            assert len(queue.entries) + len(taken) == len(before.entries)
        if op != "add":
            assert is_subsequence(queue.entries, before.entries), "order preserved"
        assert {e.name for e in queue.entries} <= added, "no name appears without being added"


@given(st.lists(names, max_size=20))
def test_adding_without_notes_never_queues_a_name_twice(to_add: list[str]) -> None:
    queue = Queue()
    for name in to_add:
        queue = add(queue, name)
    folded = [fold(n) for n in queue.names]
    assert len(folded) == len(set(folded))
    first_spellings = list({fold(n): n for n in reversed(to_add)}.values())[::-1]
    assert sorted(queue.names) == sorted(first_spellings)


@given(st.lists(names, max_size=10), st.text(min_size=1, max_size=6))
def test_resolve_returns_a_queued_name_it_refers_to(queued: list[str], given_name: str) -> None:
    queue = Queue(tuple(Entry(n) for n in queued))
    found = resolve(queue, given_name)
    exact = [n for n in queue.names if same(n, given_name)]
    prefixed = {n for n in queue.names if fold(n).startswith(fold(given_name))}
    if exact:
        assert found == exact[0]
    elif len(prefixed) == 1:
        assert found == next(iter(prefixed))
    else:
        assert found is None


def test_describe_lists_names_in_order_without_repeats() -> None:
    queue = Queue((Entry("alice", "x"), Entry("bob"), Entry("alice", "y")))
    assert describe(queue).text == "I see alice, bob on the speaker queue"
    assert describe(queue).me == "sees alice, bob on the speaker queue"
    assert describe(Queue()).text == "I see no one on the speaker queue"
    assert describe(Queue()).me == "sees no one on the speaker queue"


# ---- replaying the seed meeting -------------------------------------------------------------



def replay_seed() -> list[tuple[Event, list[str], list]]:
    """Each seed event with the queue names after it and the effects it produced."""
    router = make_router()
    out = []
    for event in seed_events():
        effects = router.dispatch(event)
        out.append((event, queue_of(router, SEED_CHANNEL).names, effects))
    return out


def queue_after(replayed: list, hhmmss: str, nick: str, text: str) -> list[str]:
    hits = [
        names_after
        for event, names_after, _ in replayed
        if event.time.strftime("%H:%M:%S") == hhmmss and event.nick == nick and event.text == text
    ]
    assert len(hits) == 1, f"seed line {hhmmss} <{nick}> {text} not found once"
    return hits[0]


@pytest.mark.parametrize(
    ("hhmmss", "nick", "text", "expected"),
    [
        ("15:25:06", "RafaelCintron", "q+", ["RafaelCintron"]),
        ("15:25:26", "anssik", "ack RafaelCintron", []),
        ("15:27:33", "Joshua_Lochner", "q+", ["Joshua_Lochner"]),
        ("15:27:37", "anssik", "ack Joshua_Lochner", []),
        ("15:37:16", "Joshua_Lochner", "q+", ["Joshua_Lochner"]),
        ("15:37:19", "anssik", "q?", ["Joshua_Lochner"]),
        ("15:37:22", "anssik", "ack Joshua_Lochner", []),
        ("15:50:36", "RafaelCintron", "q+", ["RafaelCintron"]),
        ("15:51:14", "anssik", "ack RafaelCintron", []),
        ("15:54:31", "zkis", "q+", ["zkis"]),
        ("15:54:34", "anssik", "ack zkis", []),
    ],
)
def test_seed_meeting_queue_at_key_points(
    hhmmss: str, nick: str, text: str, expected: list[str]
) -> None:
    assert queue_after(replay_seed(), hhmmss, nick, text) == expected


def test_seed_meeting_ends_with_an_empty_queue() -> None:
    replayed = replay_seed()
    assert len(replayed) == len(SEED.read_text(encoding="utf-8").splitlines())
    assert replayed[-1][1] == []


def test_seed_meeting_q_query_lines_answer_with_the_queue_of_that_moment() -> None:
    replayed = replay_seed()
    checked = 0
    previous: list[str] = []
    for event, names_after, effects in replayed:
        if event.text == "q?":
            expected = ", ".join(previous) if previous else "no one"
            assert effects == [
                Reply(ZAKIM, SEED_CHANNEL, f"sees {expected} on the speaker queue", action=True)
            ], f"at {event.time:%H:%M:%S}"
            assert names_after == previous, "q? does not change the queue"
            checked += 1
        previous = names_after
    assert checked == 13  # the seed has 13 "q?" lines


def test_seed_meeting_q_at_1537_shows_joshua() -> None:
    replayed = replay_seed()
    [effects] = [
        fx for event, _, fx in replayed
        if event.time.strftime("%H:%M:%S") == "15:37:19" and event.text == "q?"
    ]
    assert said(effects) == ["sees Joshua_Lochner on the speaker queue"]
