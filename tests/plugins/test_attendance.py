"""Zakim's attendance list: present+/present-, who is here?, and the seed meeting's list."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bot.plugins import load_plugins
from bot.plugins.attendance import AttendancePlugin

from bot.core.effects import Reply
from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT, ZAKIM
from bot.core.plugin import Settings
from bot.core.router import Router
from tests.support.seed import SEED_CHANNEL, seed_events

CHANNEL = "#wg"
WHEN = datetime(2024, 3, 7, 15, 0, tzinfo=UTC)


def make_router() -> Router:
    settings = Settings(nicks={ZAKIM: "Zakim", RRSAGENT: "RRSAgent"})
    return Router(settings, load_plugins(settings))


def ev(text: str, nick: str = "alice", *, kind: Kind = Kind.MESSAGE, channel: str = CHANNEL,
       from_bot: bool = False) -> Event:
    return Event(WHEN, "net", channel, kind, nick, text, from_bot=from_bot)


def present(router: Router, channel: str = CHANNEL) -> list[str]:
    plugin = next(p for p in router.plugins if isinstance(p, AttendancePlugin))
    attendance = plugin.state(channel)
    return list(attendance.present) if attendance else []


def said(effects: list) -> list[str]:
    return [e.text for e in effects if isinstance(e, Reply)]


# Each case: lines said before (nick, text), the command and who says it, the list afterwards.
ATTENDANCE_CASES = [
    pytest.param([], "alice", "present+", ["alice"], id="present+"),
    pytest.param([], "alice", "Present+", ["alice"], id="Present+-capitalised"),
    pytest.param([], "alice", "present +", ["alice"], id="present-space-plus"),
    pytest.param([], "chair", "present+ alice", ["alice"], id="present+-name"),
    pytest.param([], "chair", "present+ alice, bob", ["alice", "bob"], id="present+-two-names"),
    pytest.param([], "chair", "present+ alice,bob", ["alice", "bob"], id="present+-no-space"),
    pytest.param([], "alice", "present+ me", ["alice"], id="present+-me"),
    pytest.param([], "chair", "present: alice", ["alice"], id="present-colon"),
    pytest.param([], "chair", "present: alice, bob", ["alice", "bob"], id="present-colon-two"),
    pytest.param([], "alice", "Zakim, present+", ["alice"], id="present+-addressed"),
    pytest.param(
        [("chair", "present+ alice, bob")], "carol", "present+", ["alice", "bob", "carol"],
        id="present+-keeps-arrival-order",
    ),
    pytest.param([("alice", "present+")], "alice", "present+", ["alice"], id="present+-twice"),
    pytest.param(
        [("chair", "present+ alice")], "chair", "present+ ALICE", ["alice"],
        id="present+-case-insensitive-keeps-first-spelling",
    ),
    pytest.param(
        [("chair", "present+ alice, bob")], "chair", "present+ Bob, carol",
        ["alice", "bob", "carol"], id="present+-mixed-new-and-known",
    ),
    pytest.param(
        [("chair", "present+ alice, bob")], "chair", "present- alice", ["bob"], id="present--name"
    ),
    pytest.param(
        [("chair", "present+ alice, bob")], "chair", "present- ALICE", ["bob"],
        id="present--case-insensitive",
    ),
    pytest.param(
        [("chair", "present+ alice, bob, carol")], "chair", "present- alice, carol", ["bob"],
        id="present--two-names",
    ),
    pytest.param(
        [("chair", "present+ alice, bob")], "alice", "present-", ["bob"], id="present--self"
    ),
    pytest.param(
        [("chair", "present+ alice, bob")], "alice", "present- me", ["bob"], id="present--me"
    ),
    pytest.param(
        [("chair", "present+ alice")], "chair", "present- dave", ["alice"],
        id="present--unknown-name",
    ),
    pytest.param(
        [("chair", "present+ alice"), ("chair", "present- alice")], "chair", "present+ alice",
        ["alice"], id="present+-again-after-leaving",
    ),
]


@pytest.mark.parametrize(("before", "nick", "command", "after"), ATTENDANCE_CASES)
def test_attendance_command(
    before: list[tuple[str, str]], nick: str, command: str, after: list[str]
) -> None:
    router = make_router()
    for who, text in before:
        router.dispatch(ev(text, who))
    effects = router.dispatch(ev(command, nick))
    assert present(router) == after
    assert effects == [], "Zakim stays silent on present+/present-"


@pytest.mark.parametrize("text", ["present+", "present+ bob", "present- alice"])
def test_attendance_commands_work_in_me_form(text: str) -> None:
    via_me, plain = make_router(), make_router()
    for router, kind in ((via_me, Kind.ACTION), (plain, Kind.MESSAGE)):
        router.dispatch(ev("present+ alice, carol", "chair"))
        router.dispatch(ev(text, kind=kind))
    assert present(via_me) == present(plain)


@pytest.mark.parametrize(
    "question",
    [
        "who is here?",
        "who's here?",
        "who is on the call?",
        "who's on the call?",
        "who is on the phone?",
        "who's on the phone?",
        "Who Is Here?",
        "please who is here?",
        "who is here? please",
    ],
)
def test_who_is_here_lists_everyone_present_in_order(question: str) -> None:
    router = make_router()
    router.dispatch(ev("present+", "alice"))
    router.dispatch(ev("present+ bob", "alice"))
    assert router.dispatch(ev(f"Zakim, {question}", "chair")) == [
        Reply(ZAKIM, CHANNEL, "Present: alice, bob")
    ]


def test_who_is_here_reflects_departures() -> None:
    router = make_router()
    router.dispatch(ev("present+ alice, bob, carol", "chair"))
    router.dispatch(ev("present-", "bob"))
    assert said(router.dispatch(ev("Zakim, who is here?"))) == ["Present: alice, carol"]


def test_who_is_here_after_everyone_left_answers_once_without_naming_anyone() -> None:
    router = make_router()
    router.dispatch(ev("present+"))
    router.dispatch(ev("present-"))
    replies = said(router.dispatch(ev("Zakim, who is here?")))
    assert len(replies) == 1
    assert "alice" not in replies[0]


def test_unaddressed_who_is_here_gets_no_reply() -> None:
    router = make_router()
    router.dispatch(ev("present+"))
    assert router.dispatch(ev("who is here?")) == []


def test_each_channel_has_its_own_attendance_and_names_are_case_insensitive() -> None:
    router = make_router()
    router.dispatch(ev("present+", "alice", channel="#wg"))
    router.dispatch(ev("present+", "bob", channel="#Other"))
    assert said(router.dispatch(ev("Zakim, who is here?", channel="#WG"))) == ["Present: alice"]
    assert said(router.dispatch(ev("Zakim, who is here?", channel="#other"))) == ["Present: bob"]


def test_present_lines_from_the_bot_are_ignored() -> None:
    router = make_router()
    router.dispatch(ev("present+ ghost", "Zakim", from_bot=True))
    assert present(router) == []


# ---- the seed meeting -----------------------------------------------------------------------

SEED_PRESENT = [
    "Anssi_Kostiainen",
    "Geoff_Gustafson",
    "Michael_McCool",
    "Etienne_Noel",
    "Joshua_Bell",
    "Rachel_Yager",
    "Joshua_Lochner",
    "Zoltan_Kis",
    "Sudeep_Divakaran",
    "Dwayne_Robinson",
    "Ilya_Rezvov",
    "Bryan_Bernhart",
    "Deepti_Gandluri",
    "Rafael_Cintron",
]




def test_seed_meeting_present_list_in_arrival_order() -> None:
    router = make_router()
    for event in seed_events():
        router.dispatch(event)
    assert present(router, SEED_CHANNEL) == SEED_PRESENT
    assert said(router.dispatch(ev("Zakim, who is here?", "anssik", channel=SEED_CHANNEL))) == [
        "Present: " + ", ".join(SEED_PRESENT)
    ]


def test_seed_meeting_regrets_are_not_counted_as_present() -> None:
    router = make_router()
    for event in seed_events():
        router.dispatch(event)
    assert "Ningxin_Hu" not in present(router, SEED_CHANNEL)


def test_seed_meeting_present_list_grows_line_by_line() -> None:
    router = make_router()
    sizes = []
    for event in seed_events():
        router.dispatch(event)
        if event.text.startswith("Present+"):
            sizes.append(len(present(router, SEED_CHANNEL)))
    assert sizes == list(range(1, len(SEED_PRESENT) + 1))
