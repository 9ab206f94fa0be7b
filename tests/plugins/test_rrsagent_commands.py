"""RRSAgent's command grammar, form by form as in rrsagent-commands.md, through the router,
and the pure helpers the shell builds the published log from.

The command tables follow ``test_zakim_commands``: a short script of channel lines and the
replies expected to its last line (``"* text"`` for a /me reply). Lines are 90 seconds apart,
so the last line of an n-line script is said at 15:00 + n x 90 s (``T15-01-30`` for one line).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bot.plugins import record_keeper
from bot.plugins.record import RecordPlugin, describe_actions
from hypothesis import given
from hypothesis import strategies as st

from bot.core.effects import Effect, Leave, Publish, Remember, Reply, Schedule, Search
from bot.core.events import Event, Kind
from bot.core.gaps import gap_text
from bot.core.names import RRSAGENT
from bot.core.record import (
    Action,
    Record,
    anchor,
    anchors,
    is_off_record_line,
    joins_near_midnight,
    log_day,
    public_record,
)
from bot.core.router import Router
from bot.publish.log import log_lines, search_lines
from bot.publish.minutes import LogLine, format_irc_html, render_all
from tests.support.scripted import (
    CHANNEL,
    GAP,
    START,
    Line,
    make_router,
    play,
    replies,
    shown,
)
from tests.support.seed import seed_events

BASE = "http://localhost:8000/2024/03/07-wg"
LOG = f"{BASE}-irc"
MINUTES = f"{BASE}-minutes.html"
SETTINGS = make_router().settings
DAY1, DAY2, DAY3 = "2024-03-07", "2024-03-08", "2024-03-09"


def at(clock: str, day: str = DAY1) -> datetime:
    """``at("23:10")`` or ``at("00:10:05", DAY2)``: a UTC time."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)


def stamp(lines: int) -> str:
    """The anchor of the last line of a script of ``lines`` lines."""
    return anchor(START + timedelta(seconds=lines * GAP))


def event(when: datetime, nick: str, text: str = "", kind: Kind = Kind.MESSAGE, *,
          from_bot: bool = False) -> Event:
    return Event(when, "net", CHANNEL, kind, nick, text, from_bot=from_bot)


def timeline(lines: list[tuple[str, str]], start: datetime = START) -> list[Event]:
    """Channel lines a minute apart (``/me`` lines as actions), for ``public_record``."""
    return [event(start + timedelta(minutes=i), nick, text.removeprefix("/me "),
                  Kind.ACTION if text.startswith("/me ") else Kind.MESSAGE)
            for i, (nick, text) in enumerate(lines)]


def on_record(events: list[Event]) -> list[str]:
    return [e.text for _, e in public_record(events, SETTINGS, record_keeper(SETTINGS))]


def record_of(router: Router) -> Record:
    plugin = next(p for p in router.plugins if isinstance(p, RecordPlugin))
    return plugin.state(CHANNEL)


def others(effects: list[Effect]) -> list[Effect]:
    """The effects that are not lines said."""
    return [e for e in effects if not isinstance(e, Reply)]


OFF_WORDS = ("silence", "stop", "off", "nolisten")
ON_WORDS = ("on", "hello", "log", "listen", "record", "start", "begin")
ACTION1: list[Line] = [("ralph", "ACTION: alice to review the spec")]
ACTION2: list[Line] = [*ACTION1, ("ralph", "ACTION: bob to write tests")]
SEES1 = ["* sees 1 open action item:", "* ACTION: alice to review the spec [1]"]

Case = tuple[str, list[Line], list[str]]


def switch(kind: str, word: str, reply: str) -> Case:
    script: list[Line] = [("ann", f"RRSAgent, {word}")]
    return (f"{kind}-{word}", script, [reply])


SWITCH_CASES = [
    *[switch("off", w, "I'm not logging now, ann; say 'RRSAgent, on' to resume")
      for w in OFF_WORDS],
    *[switch("on", w, "I'm logging, ann") for w in ON_WORDS],
]

CASES: list[Case] = [
    # ---- pausing and resuming the log ------------------------------------------------------------
    *SWITCH_CASES,
    ("off-colon-lowercase", [("ann", "rrsagent: Stop")],
     ["I'm not logging now, ann; say 'RRSAgent, on' to resume"]),
    ("please-on", [("ann", "RRSAgent, off"), ("ann", "RRSAgent, please listen")],
     ["I'm logging, ann"]),
    ("off-unaddressed-is-talk", [("ann", "off")], []),
    # ---- action items ----------------------------------------------------------------------------
    ("ACTION:", ACTION1, ["ACTION: alice to review the spec [1]", f"recorded in {LOG}#{stamp(1)}"]),
    ("ACTION:-addressed", [("ralph", "RRSAgent, ACTION: alice to review the spec")],
     ["ACTION: alice to review the spec [1]", f"recorded in {LOG}#{stamp(1)}"]),
    ("action:-any-case", [("ralph", "Action : bob to test")],
     ["ACTION: bob to test [1]", f"recorded in {LOG}#{stamp(1)}"]),
    ("ACTION:-numbers-go-on", ACTION2, ["ACTION: bob to write tests [2]",
                                        f"recorded in {LOG}#{stamp(2)}"]),
    ("ACTION:-not-in-me", [("ralph", "/me ACTION: alice to review")], []),
    ("ACTION:-in-me-not-kept", [("ralph", "/me ACTION: alice to review"), ("c", "actions?")],
     ["* sees no action items"]),
    ("ACTION-N-=", [*ACTION1, ("ralph", "ACTION 1 = carol to review the spec")],
     ["* notes action 1 replaced"]),
    ("action-N-=-lowercase", [*ACTION1, ("ralph", "action 1 = carol to review"),
                              ("c", "actions?")],
     ["* sees 1 open action item:", "* ACTION: carol to review [1]"]),
    ("ACTION-N-=-addressed", [*ACTION1, ("ralph", "RRSAgent, ACTION 1 = carol to review")],
     ["action 1 replaced, ralph"]),
    ("Action-N-=-mixed-case-ignored", [*ACTION1, ("ralph", "Action 1 = carol"),
                                       ("c", "actions?")], SEES1),
    ("Action-N-=-mixed-case-addressed-silent", [*ACTION1, ("ralph", "RRSAgent, Action 1 = x")],
     []),
    ("ACTION-N-=-not-in-me", [*ACTION1, ("ralph", "/me ACTION 1 = carol"), ("c", "actions?")],
     SEES1),
    ("ACTION-N-=-unknown", [*ACTION1, ("ralph", "ACTION 7 = x")],
     ["I don't see action 7, ralph"]),
    ("ACTION--N", [*ACTION2, ("ralph", "ACTION- 1")], ["* notes action 1 dropped"]),
    ("action--N-any-case", [*ACTION2, ("ralph", "Action -1"), ("c", "RRSAgent, actions?")],
     ["I see 1 open action item:", "ACTION: bob to write tests [2]"]),
    ("ACTION--N-addressed", [*ACTION1, ("ralph", "RRSAgent, ACTION- 1")],
     ["action 1 dropped, ralph"]),
    ("ACTION--dropped-twice", [*ACTION1, ("ralph", "ACTION- 1"), ("ralph", "ACTION- 1")],
     ["I don't see action 1, ralph"]),
    ("ACTION--N-=-dropped", [*ACTION1, ("ralph", "ACTION- 1"), ("ralph", "ACTION 1 = x")],
     ["I don't see action 1, ralph"]),
    ("numbers-are-not-reused", [*ACTION2, ("ralph", "ACTION- 2"), ("ralph", "ACTION: c to d")],
     ["ACTION: c to d [3]", f"recorded in {LOG}#{stamp(4)}"]),
    ("drop-action-addressed", [*ACTION1, ("ralph", "RRSAgent, please drop action 1")],
     ["action 1 dropped, ralph"]),
    ("drop-action-unaddressed-ignored", [*ACTION1, ("ralph", "drop action 1"),
                                         ("c", "actions?")], SEES1),
    ("actions?-none", [("c", "actions?")], ["* sees no action items"]),
    ("actions?-unaddressed", [*ACTION2, ("c", "actions?")],
     ["* sees 2 open action items:", "* ACTION: alice to review the spec [1]",
      "* ACTION: bob to write tests [2]"]),
    ("actions?-in-me", [*ACTION1, ("c", "/me actions?")], SEES1),
    ("actions?-addressed", [*ACTION1, ("c", "RRSAgent, actions?")],
     ["I see 1 open action item:", "ACTION: alice to review the spec [1]"]),
    ("what-are-the-action-items?", [*ACTION1, ("c", "RRSAgent, what are the action items?")],
     ["I see 1 open action item:", "ACTION: alice to review the spec [1]"]),
    ("what-action-items?", [("c", "RRSAgent, what action items?")], ["I see no action items"]),
    ("what-are-the-actions?", [("c", "RRSAgent, what are the actions?")],
     ["I see no action items"]),
    ("what-actions?", [*ACTION1, ("c", "RRSAgent, what actions?")],
     ["I see 1 open action item:", "ACTION: alice to review the spec [1]"]),
    ("show-the-actions", [*ACTION1, ("c", "RRSAgent, please show the actions")],
     ["I see 1 open action item:", "ACTION: alice to review the spec [1]"]),
    ("show-action-items", [("c", "RRSAgent, show action items")], ["I see no action items"]),
    ("list-action-items", [*ACTION1, ("c", "RRSAgent, list action items")],
     ["I see 1 open action item:", "ACTION: alice to review the spec [1]"]),
    ("list-the-action-items", [("c", "RRSAgent, list the action items")],
     ["I see no action items"]),
    ("what-actions?-unaddressed-ignored", [*ACTION1, ("c", "what actions?")], []),
    ("show-the-actions-unaddressed-ignored", [*ACTION1, ("c", "show the actions")], []),
    ("ignore-actions", [("c", "RRSAgent, ignore actions")],
     ["ok, c; I will not track action items"]),
    ("ignore-action-items-stops-ACTION", [("c", "RRSAgent, ignore action items"),
                                          ("ralph", "ACTION: x")], []),
    ("ignored-actions?-silent", [*ACTION1, ("c", "RRSAgent, ignore actions"),
                                 ("c", "RRSAgent, actions?")], []),
    ("ignore-actions-must-be-addressed", [("c", "ignore actions"), *ACTION1],
     ["ACTION: alice to review the spec [1]", f"recorded in {LOG}#{stamp(2)}"]),
    ("track-actions", [("c", "RRSAgent, ignore actions"), ("c", "RRSAgent, track actions")],
     ["ok, c; I will track action items"]),
    ("track-action-items-resumes", [("c", "RRSAgent, ignore actions"), ("r", "ACTION: lost"),
                                    ("c", "RRSAgent, track action items"), *ACTION1,
                                    ("c", "actions?")], SEES1),
    # ---- where we are in the log -----------------------------------------------------------------
    ("bookmark", [("c", "RRSAgent, bookmark")], [f"See {LOG}#{stamp(1)}"]),
    ("pointer", [("c", "hello"), ("c", "RRSAgent, pointer")], [f"See {LOG}#{stamp(2)}"]),
    ("here", [("c", "RRSAgent, please here")], [f"See {LOG}#{stamp(1)}"]),
    ("where-am-I?", [("c", "RRSAgent, where am I?")], [f"See {LOG}#{stamp(1)}"]),
    ("where-am-i", [("c", "RRSAgent, where am i")], [f"See {LOG}#{stamp(1)}"]),
    ("bookmark-unaddressed-is-talk", [("c", "bookmark")], []),
    # ---- midnight --------------------------------------------------------------------------------
    ("this-meeting-spans-midnight", [("c", "RRSAgent, this meeting spans midnight")],
     ["ok, c; this log will go on past midnight UTC"]),
    ("do-not-start-a-new-log", [("c", "RRSAgent, do not start a new log")],
     ["ok, c; this log will go on past midnight UTC"]),
    ("do-not-start-a-new-log-at-midnight", [("c", "RRSAgent, do not start a new log at midnight")],
     ["ok, c; this log will go on past midnight UTC"]),
    ("start-a-new-log", [("c", "RRSAgent, start a new log")],
     ["ok, c; a new log will start at midnight UTC"]),
    ("start-a-new-log-at-midnight", [("c", "RRSAgent, please start a new log at midnight")],
     ["ok, c; a new log will start at midnight UTC"]),
    # ---- staying ---------------------------------------------------------------------------------
    ("stay", [("c", "RRSAgent, stay")], ["ok, c; I will stay until I am dismissed"]),
    ("please-stay", [("c", "RRSAgent, please stay")], ["ok, c; I will stay until I am dismissed"]),
    ("do-not-leave", [("c", "RRSAgent, do not leave")],
     ["ok, c; I will stay until I am dismissed"]),
    ("do-not-depart", [("c", "RRSAgent, pls do not depart")],
     ["ok, c; I will stay until I am dismissed"]),
    # ---- anything else ---------------------------------------------------------------------------
    ("unknown-addressed", [("c", "RRSAgent, make coffee")],
     ["I'm logging. I don't understand 'make coffee', c. Try /msg RRSAgent help"]),
    ("bare-question-mark", [("c", "RRSAgent, ?")],
     ["I'm logging. I don't understand '?', c. Try /msg RRSAgent help"]),
    ("grep-without-text", [("c", "RRSAgent, grep")],
     ["I'm logging. I don't understand 'grep', c. Try /msg RRSAgent help"]),
    ("question-unaddressed-is-talk", [("c", "who said that?")], []),
]


@pytest.mark.parametrize(("script", "expected"), [pytest.param(s, e, id=i) for i, s, e in CASES])
def test_command(script: list[Line], expected: list[str]) -> None:
    assert replies(script) == expected


# ---- logging off and on: the replies above, the record here --------------------------------------


@pytest.mark.parametrize("word", OFF_WORDS)
def test_lines_while_off_are_not_on_the_record_but_the_commands_are(word: str) -> None:
    events = timeline([("a", "before"), ("a", f"RRSAgent, {word}"), ("b", "secret"),
                       ("b", "still secret"), ("a", "RRSAgent, on"), ("b", "after")])
    assert on_record(events) == ["before", f"RRSAgent, {word}", "RRSAgent, on", "after"]


@pytest.mark.parametrize("word", ON_WORDS)
def test_every_on_word_resumes_the_record(word: str) -> None:
    events = timeline([("a", "RRSAgent, off"), ("b", "secret"), ("a", f"RRSAgent, {word}"),
                       ("b", "after")])
    assert on_record(events) == ["RRSAgent, off", f"RRSAgent, {word}", "after"]


def test_off_twice_and_on_twice_log_only_the_edges() -> None:
    events = timeline([("a", "RRSAgent, off"), ("a", "RRSAgent, off"), ("a", "RRSAgent, on"),
                       ("a", "RRSAgent, on")])
    assert on_record(events) == ["RRSAgent, off", "RRSAgent, on", "RRSAgent, on"]


def test_the_bots_own_replies_follow_the_switch() -> None:
    events = [*timeline([("a", "RRSAgent, off")]),
              event(START + timedelta(seconds=1), "RRSAgent", "I'm not logging now",
                    from_bot=True),
              *timeline([("a", "RRSAgent, on")], START + timedelta(seconds=2)),
              event(START + timedelta(seconds=3), "RRSAgent", "I'm logging, a", from_bot=True)]
    assert on_record(events) == ["RRSAgent, off", "RRSAgent, on", "I'm logging, a"]


def test_off_record_lines_and_me_lines_are_out_even_while_logging() -> None:
    events = timeline([("a", "[off] aside"), ("a", "  [OFF] shouting aside"),
                       ("a", "/me waves"), ("a", "kept [off] in the middle")])
    assert on_record(events) == ["kept [off] in the middle"]


# ---- log visibility ------------------------------------------------------------------------------

SUFFIXES = ("-visible", "-access", "-conf", "-confidential", "-only", "-read", "-readable", "")
GROUPS = {"member": "member", "world": "public", "public": "public", "team": "team",
          "ab": "team"}
_PHRASES = ("set logs", "make these logs", "set the logs", "make log", "set these records",
            "make record", "set the record", "make logs")
VISIBILITY_CASES = [
    (f"{_PHRASES[i % len(_PHRASES)]} {group}{suffix}", value)
    for i, ((group, value), suffix) in enumerate(
        (g, s) for g in GROUPS.items() for s in SUFFIXES)
]


@pytest.mark.parametrize(("command", "value"), VISIBILITY_CASES)
def test_set_log_visibility(command: str, value: str) -> None:
    (effects,) = play(make_router(), [("ann", f"RRSAgent, please {command.upper()}")])
    assert shown(effects) == ["I have made the request, ann"]
    assert others(effects) == [Remember(CHANNEL, f"record.visibility.{DAY1}", value)]


@pytest.mark.parametrize("command", ["make logs public-visibl", "set logs everyone",
                                     "make logs", "set logs world visible"])
def test_unknown_visibility_is_not_understood(command: str) -> None:
    (effects,) = play(make_router(), [("ann", f"RRSAgent, {command}")])
    assert shown(effects) == [
        f"I'm logging. I don't understand '{command}', ann. Try /msg RRSAgent help"]
    assert others(effects) == []


def test_visibility_of_a_log_spanning_midnight_is_kept_for_its_first_day() -> None:
    router = make_router()
    play(router, [("c", "RRSAgent, this meeting spans midnight")], start=at("23:30"))
    (effects,) = play(router, [("c", "RRSAgent, make logs member")], start=at("00:30", DAY2))
    assert others(effects) == [Remember(CHANNEL, f"record.visibility.{DAY1}", "member")]


# ---- draft minutes -------------------------------------------------------------------------------

MINUTES_CASES = [f"{verb} {the}minutes{v1}"
                 for verb in ("create", "draft", "format", "generate", "make", "publish")
                 for the in ("", "the ") for v1 in ("", " v1")]


@pytest.mark.parametrize("command", MINUTES_CASES)
def test_draft_minutes(command: str) -> None:
    (effects,) = play(make_router(), [("ann", f"RRSAgent, please {command}")])
    assert effects == [Publish("net", CHANNEL, DAY1,
                               done=f"I have made the request to generate {MINUTES} ann",
                               failed=f"I could not generate {MINUTES}, ann")]


def test_draft_minutes_must_be_addressed() -> None:
    assert play(make_router(), [("ann", "draft minutes")]) == [[]]


@pytest.mark.parametrize(("spans", "day"), [(True, DAY1), (False, DAY2)])
def test_minutes_and_bookmarks_after_midnight_follow_the_log(spans: bool, day: str) -> None:
    router = make_router()
    opening = "this meeting spans midnight" if spans else "start a new log"
    play(router, [("c", f"RRSAgent, {opening}")], start=at("23:30"))
    minutes, bookmark, grep = play(router, [("c", "RRSAgent, draft minutes"),
                                            ("c", "RRSAgent, bookmark"), ("c", "RRSAgent, grep x")],
                                   start=at("00:30", DAY2))
    y, m, d = day.split("-")
    assert minutes[0].day == day and isinstance(minutes[0], Publish)
    assert shown(bookmark) == [f"See http://localhost:8000/{y}/{m}/{d}-wg-irc#T00-33-00"]
    assert isinstance(grep[0], Search) and grep[0].day == day


# ---- searching the log ---------------------------------------------------------------------------

SEARCH_CASES: list[tuple[str, str, bool, str, int]] = [
    # command, pattern, ignore_case, which, limit
    ("grep budget", "budget", False, "all", 5),
    ("grep -i budget", "budget", True, "all", 5),
    ("grep first budget", "budget", False, "first", 5),
    ("grep last budget", "budget", False, "last", 5),
    ("grep max 3 budget", "budget", False, "all", 3),
    ("grep max 3 -i last the budget", "the budget", True, "last", 3),
    ("grep -I FIRST Budget", "Budget", True, "first", 5),
    ("grep max 50 x", "x", False, "all", 20),
    ("grep max 0 x", "x", False, "all", 1),
    ("grep first last x", "x", False, "last", 5),
    ("grep a.*b+", "a.*b+", False, "all", 5),
    ("grep first", "first", False, "all", 5),
    ("grep max 3", "max 3", False, "all", 5),
    ("grep maximum x", "maximum x", False, "all", 5),
    ("search for -i first budget", "budget", True, "first", 5),
    ("search for the budget", "the budget", False, "all", 5),
    ("find last -i budget", "budget", True, "last", 5),
    ("find max 2 budget", "budget", False, "all", 2),
    ("please grep budget", "budget", False, "all", 5),
    ("who said budget?", "who said budget", False, "all", 5),
    ("budget ?", "budget", False, "all", 5),
    ("-i max 2 budget?", "budget", True, "all", 2),
    ("first budget?", "budget", False, "first", 5),
    ("colou?r?", "colou?r", False, "all", 5),
]


@pytest.mark.parametrize(("command", "pattern", "ignore_case", "which", "limit"), SEARCH_CASES)
def test_search(command: str, pattern: str, ignore_case: bool, which: str, limit: int) -> None:
    (effects,) = play(make_router(), [("ann", f"RRSAgent, {command}")])
    assert effects == [Search("net", CHANNEL, DAY1, pattern, ignore_case, which, limit, "ann")]


@pytest.mark.parametrize("text", ["RRSAgent, where am I?", "RRSAgent, help?",
                                  "RRSAgent, actions?", "RRSAgent, what actions?",
                                  "grep budget", "budget?", "/me budget?"])
def test_not_a_search(text: str) -> None:
    (effects,) = play(make_router(), [("ann", text)])
    assert not any(isinstance(e, Search) for e in effects)


def test_help_question_is_help() -> None:
    (effects,) = play(make_router(), [("ann", "RRSAgent, help?")])
    lines = shown(effects)
    assert lines[0] == "RRSAgent understands:"
    assert lines[1].startswith("record: draft minutes; bookmark; off; on;")
    assert "grep [-i] [first|last|max <n>] <text>; <text>?" in lines[1]
    assert lines[-1].startswith("Address me as 'RRSAgent, <command>'")


# ---- dismissing RRSAgent -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["bye", "bye.", "excuse us", "please excuse us", "part",
                                     "please part", "leave", "pls leave"])
def test_dismissal_leaves_and_forgets(command: str) -> None:
    router = make_router()
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    play(router, [*ACTION1, ("c", "RRSAgent, off"), ("c", "RRSAgent, stay"),
                  ("c", "RRSAgent, ignore actions"),
                  ("c", "RRSAgent, this meeting spans midnight")])
    assert record_of(router) != Record()
    (effects,) = play(router, [("c", f"RRSAgent, {command}")])
    assert effects == [Leave(RRSAGENT, CHANNEL)]
    assert record_of(router) == Record()
    assert router.pending() == []
    assert shown(play(router, [("c", "RRSAgent, actions?")])[0]) == ["I see no action items"]


def test_dismissing_rrsagent_keeps_zakim() -> None:
    router = make_router()
    play(router, [("alice", "q+")])
    (effects,) = play(router, [("c", "RRSAgent, bye")])
    assert effects == [Leave(RRSAGENT, CHANNEL)]
    assert shown(play(router, [("c", "Zakim, q?")])[0]) == ["I see alice on the speaker queue"]


def test_stay_lasts_until_dismissed_and_reinvited() -> None:
    router = make_router()
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    play(router, [("c", "RRSAgent, stay"), ("c", "RRSAgent, bye")])
    joined = router.dispatch(event(at("16:00"), "RRSAgent", kind=Kind.JOIN))
    assert [e for e in joined if isinstance(e, Schedule)] == [
        Schedule(CHANNEL, "record", "idle", at("18:00"))]
    assert router.pending() == [Schedule(CHANNEL, "record", "idle", at("18:00"))]


# ---- joining and the idle timer ------------------------------------------------------------------


def idle(router: Router, when: datetime) -> list[Effect]:
    return router.dispatch(event(when, "record", "idle", Kind.TIMER))


def test_joining_says_where_it_logs_and_schedules_the_idle_check() -> None:
    router = make_router()
    assert router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN)) == [
        Reply(RRSAGENT, CHANNEL, f"logging to {LOG}"),
        Schedule(CHANNEL, "record", "idle", START + timedelta(hours=2))]
    assert router.dispatch(event(START, "alice", kind=Kind.JOIN)) == []


def test_joining_uses_the_configured_idle_time_and_folds_its_nick() -> None:
    router = make_router(idle_leave=timedelta(minutes=30))
    effects = router.dispatch(event(START, "rrsagent", kind=Kind.JOIN))
    assert others(effects) == [Schedule(CHANNEL, "record", "idle", START + timedelta(minutes=30))]


def test_quiet_channel_is_left_with_a_message() -> None:
    router = make_router()
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    assert idle(router, START + timedelta(hours=2)) == [
        Reply(RRSAGENT, CHANNEL,
              "I see no activity here for 2 hours; leaving. /invite me back to log again"),
        Leave(RRSAGENT, CHANNEL)]
    assert record_of(router) == Record()
    assert router.pending() == []
    assert idle(router, START + timedelta(hours=4)) == []  # gone: a late timer is ignored


def test_activity_reschedules_the_idle_check() -> None:
    router = make_router()
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    router.dispatch(event(START + timedelta(minutes=40), "alice", "hi"))
    assert idle(router, START + timedelta(hours=2)) == [
        Schedule(CHANNEL, "record", "idle", START + timedelta(hours=2, minutes=40))]
    assert router.pending() == [
        Schedule(CHANNEL, "record", "idle", START + timedelta(hours=2, minutes=40))]
    assert others(idle(router, START + timedelta(hours=2, minutes=40))) == [
        Leave(RRSAGENT, CHANNEL)]


@pytest.mark.parametrize("kind", [Kind.ACTION, Kind.NOTICE, Kind.JOIN, Kind.PART, Kind.QUIT,
                                  Kind.KICK, Kind.TOPIC, Kind.NICK])
def test_any_channel_activity_counts(kind: Kind) -> None:
    router = make_router()
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    router.dispatch(event(START + timedelta(hours=1), "bob", "x", kind))
    assert others(idle(router, START + timedelta(hours=2))) == [
        Schedule(CHANNEL, "record", "idle", START + timedelta(hours=3))]


def test_mode_changes_are_not_activity() -> None:
    router = make_router()
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    router.dispatch(event(START + timedelta(hours=1), "chair", "+o bob", Kind.MODE))
    assert others(idle(router, START + timedelta(hours=2))) == [Leave(RRSAGENT, CHANNEL)]


@pytest.mark.parametrize("command", ["stay", "do not leave", "do not depart"])
def test_stay_silences_the_idle_timer(command: str) -> None:
    router = make_router()
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    play(router, [("c", f"RRSAgent, {command}")])
    assert router.pending() == []
    assert idle(router, START + timedelta(hours=5)) == []


def test_idle_timer_without_rrsagent_in_the_channel_or_with_another_key_is_silent() -> None:
    router = make_router()
    play(router, [("c", "hello")])
    assert idle(router, START + timedelta(hours=3)) == []
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    assert router.dispatch(event(START + timedelta(hours=3), "record", "other", Kind.TIMER)) == []
    assert router.dispatch(event(START + timedelta(hours=3), "queue", "idle", Kind.TIMER)) == []


def test_leaving_by_part_stops_the_idle_timer() -> None:
    router = make_router()
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    router.dispatch(event(START + timedelta(minutes=1), "RRSAgent", kind=Kind.PART))
    assert router.pending() == []
    assert idle(router, START + timedelta(hours=3)) == []


@pytest.mark.parametrize(("minutes", "said"), [(90, "90 minutes"), (120, "2 hours"),
                                                (150, "2.5 hours"), (180, "3 hours")])
def test_idle_time_is_said_in_a_readable_unit(minutes: int, said: str) -> None:
    router = make_router(idle_leave=timedelta(minutes=minutes))
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    assert shown(idle(router, START + timedelta(minutes=minutes))) == [
        f"I see no activity here for {said}; leaving. /invite me back to log again"]


# ---- the pure helpers ----------------------------------------------------------------------------


def test_anchor_is_the_utc_second() -> None:
    assert anchor(at("15:05:13")) == "T15-05-13"
    assert anchor(datetime.fromisoformat("2024-03-07T17:05:13.900+02:00")) == "T15-05-13"


def test_anchors_count_lines_within_a_second_and_reset_on_a_new_one() -> None:
    times = [at("15:05:13"), at("15:05:13.2"), at("15:05:13.9"), at("15:05:14"),
             at("15:05:14.5"), at("15:05:15")]
    assert anchors(times) == ["T15-05-13", "T15-05-13-1", "T15-05-13-2", "T15-05-14",
                              "T15-05-14-1", "T15-05-15"]
    assert anchors([]) == []


def test_log_day_starts_a_new_log_each_utc_day() -> None:
    record, day = log_day(Record(), at("23:59:59"))
    assert (day, record.log_day) == (DAY1, DAY1)
    assert log_day(record, at("12:00"))[1] == DAY1
    record, day = log_day(record, at("00:00", DAY2))
    assert (day, record.log_day) == (DAY2, DAY2)
    local = datetime.fromisoformat(f"{DAY2}T01:30+02:00")  # 23:30 UTC the day before
    assert log_day(Record(), local)[1] == DAY1


def test_log_day_spanning_midnight_keeps_one_midnight_only() -> None:
    record = Record(log_day=DAY1, spans_midnight=True)
    assert log_day(record, at("00:30", DAY2)) == (record, DAY1)
    assert log_day(record, at("23:59:59", DAY2)) == (record, DAY1)
    record, day = log_day(record, at("00:00", DAY3))
    assert (day, record.log_day, record.spans_midnight) == (DAY3, DAY3, False)


@pytest.mark.parametrize(("when", "near"), [
    (at("22:44:59"), False), (at("22:45"), True), (at("23:00"), True), (at("23:59:59"), True),
    (at("00:00", DAY2), False), (at("00:30", DAY2), False), (at("12:00"), False),
    (datetime.fromisoformat(f"{DAY2}T00:50+02:00"), True),  # 22:50 UTC
    (datetime.fromisoformat(f"{DAY1}T23:50-02:00"), False),  # 01:50 UTC
])
def test_joins_near_midnight(when: datetime, near: bool) -> None:
    assert joins_near_midnight(when) is near


@pytest.mark.parametrize(("kind", "text", "off"), [
    (Kind.MESSAGE, "hello", False), (Kind.NOTICE, "hello", False), (Kind.JOIN, "", False),
    (Kind.PART, "", False), (Kind.QUIT, "", False), (Kind.KICK, "bob", False),
    (Kind.MESSAGE, "[off] aside", True), (Kind.MESSAGE, "  [OFF]aside", True),
    (Kind.MESSAGE, "not [off] here", False), (Kind.ACTION, "waves", True),
    (Kind.TOPIC, "t", True), (Kind.NICK, "new", True), (Kind.MODE, "+o x", True),
    (Kind.TIMER, "idle", True),
])
def test_is_off_record_line(kind: Kind, text: str, off: bool) -> None:
    assert is_off_record_line(event(START, "bob", text, kind)) is off


def test_describe_actions_lists_only_open_ones() -> None:
    record = Record(actions=(Action(1, "a", "T1"), Action(2, "b", "T2", dropped=True),
                             Action(3, "c", "T3")))
    said = describe_actions(record)
    assert [s.text for s in said] == ["I see 2 open action items:", "ACTION: a [1]",
                                      "ACTION: c [3]"]
    assert [s.me for s in said] == ["sees 2 open action items:", "ACTION: a [1]", "ACTION: c [3]"]
    assert [s.text for s in describe_actions(Record())] == ["I see no action items"]


# ---- public_record -------------------------------------------------------------------------------


def days(events: list[Event]) -> list[tuple[str, str]]:
    return [(day, e.text) for day, e in public_record(events, SETTINGS, record_keeper(SETTINGS))]


def test_public_record_keeps_the_bots_own_lines_but_not_its_me_lines() -> None:
    events = [event(at("15:00"), "a", "RRSAgent, actions?"),
              event(at("15:00:01"), "RRSAgent", "sees no action items", Kind.ACTION,
                    from_bot=True),
              event(at("15:00:02"), "Zakim", "I see no one on the speaker queue", from_bot=True),
              event(at("15:00:03"), "Zakim", "a notice", Kind.NOTICE, from_bot=True)]
    assert on_record(events) == ["RRSAgent, actions?", "I see no one on the speaker queue",
                                 "a notice"]


def test_public_record_starts_a_new_log_after_midnight() -> None:
    events = [event(at("23:00"), "a", "late"), event(at("00:30", DAY2), "a", "early")]
    assert days(events) == [(DAY1, "late"), (DAY2, "early")]


@pytest.mark.parametrize("command", ["this meeting spans midnight", "do not start a new log",
                                     "do not start a new log at midnight"])
def test_public_record_keeps_one_log_when_the_meeting_spans_midnight(command: str) -> None:
    events = [event(at("23:00"), "a", f"RRSAgent, {command}"),
              event(at("00:30", DAY2), "a", "early"), event(at("23:00", DAY2), "a", "late"),
              event(at("00:30", DAY3), "a", "next day")]
    assert days(events) == [(DAY1, f"RRSAgent, {command}"), (DAY1, "early"), (DAY1, "late"),
                            (DAY3, "next day")]


@pytest.mark.parametrize(("joined", "day"), [("22:44:59", DAY2), ("22:45", DAY1),
                                             ("23:50", DAY1)])
def test_public_record_keeps_one_log_when_rrsagent_joined_near_midnight(joined: str,
                                                                        day: str) -> None:
    events = [event(at(joined), "RRSAgent", kind=Kind.JOIN),
              event(at("00:30", DAY2), "a", "early")]
    assert days(events) == [(DAY1, ""), (day, "early")]


def test_start_a_new_log_undoes_a_join_near_midnight() -> None:
    events = [event(at("23:00"), "RRSAgent", kind=Kind.JOIN),
              event(at("23:01"), "a", "RRSAgent, start a new log at midnight"),
              event(at("00:30", DAY2), "a", "early")]
    assert days(events)[-1] == (DAY2, "early")


def test_public_record_of_the_seed_meeting_is_its_talk() -> None:
    """The busy case: every line of a real call is logged except its /me lines."""
    events = seed_events()
    kept = [e for _, e in public_record(events, SETTINGS, record_keeper(SETTINGS))]
    assert kept == [e for e in events if not is_off_record_line(e)]
    assert len(kept) > 100


# ---- log_lines and search_lines ------------------------------------------------------------


def test_log_lines_render_membership_and_filter_by_day() -> None:
    events = [event(at("23:00"), "bob", kind=Kind.JOIN),
              event(at("23:01"), "bob", "gone to lunch", Kind.PART),
              event(at("23:02"), "carol", "Ping timeout", Kind.QUIT),
              event(at("23:03"), "dan", kind=Kind.QUIT),
              event(at("23:04"), "chair", "eve spamming", Kind.KICK),
              event(at("23:05"), "x", "a notice", Kind.NOTICE),
              event(at("23:06"), "x", "new topic", Kind.TOPIC),
              event(at("23:07"), "x", "y", Kind.NICK),
              event(at("23:08"), "x", "+o y", Kind.MODE),
              event(at("23:09"), "x", "waves", Kind.ACTION),
              event(at("00:10", DAY2), "bob", "good morning")]
    first = [(ln.nick, ln.text) for ln in log_lines(events, SETTINGS, DAY1)]
    assert first == [("bob", "bob has joined #wg"), ("bob", "bob has left #wg"),
                     ("carol", "carol has quit (Ping timeout)"), ("dan", "dan has quit"),
                     ("chair", "chair has kicked eve spamming"), ("x", "a notice")]
    assert [ln.text for ln in log_lines(events, SETTINGS, DAY2)] == ["good morning"]
    everything = log_lines(events, SETTINGS)
    assert [ln.time for ln in everything] == [at(t) for t in (
        "23:00", "23:01", "23:02", "23:03", "23:04", "23:05")] + [at("00:10", DAY2)]
    assert not any(ln.action for ln in everything)
    assert log_lines(events, SETTINGS, DAY3) == []


LINES = [LogLine(at("15:00:00"), "a", "we discussed the budget"),
         LogLine(at("15:00:01"), "b", "Budget: approved"),
         LogLine(at("15:00:02"), "c", "nothing to see"),
         LogLine(at("15:00:03"), "d", "budget again, and the BUDGET")]


def grep(pattern: str, ignore_case: bool = False, which: str = "all", limit: int = 5,
         lines: list[LogLine] = LINES) -> list[str]:
    return search_lines(lines, Search("net", CHANNEL, DAY1, pattern, ignore_case, which, limit,
                                      "ann"))


def test_search_lines_plain_text_is_case_sensitive() -> None:
    assert grep("budget") == ["15:00:00 <a> we discussed the budget",
                              "15:00:03 <d> budget again, and the BUDGET"]


def test_search_lines_regex_and_ignore_case() -> None:
    assert grep("^[Bb]udget") == ["15:00:01 <b> Budget: approved",
                                  "15:00:03 <d> budget again, and the BUDGET"]
    assert grep("BUDGET", ignore_case=True) == [
        "15:00:00 <a> we discussed the budget", "15:00:01 <b> Budget: approved",
        "15:00:03 <d> budget again, and the BUDGET"]
    assert grep("a.p+r") == ["15:00:01 <b> Budget: approved"]


def test_search_lines_first_last_and_max() -> None:
    more = "... 3 lines match in all; 'max N' shows up to 20"
    assert grep("budget", True, "first") == ["15:00:00 <a> we discussed the budget"]
    assert grep("budget", True, "last") == ["15:00:03 <d> budget again, and the BUDGET"]
    assert grep("budget", True, "all", 2) == ["15:00:00 <a> we discussed the budget",
                                              "15:00:01 <b> Budget: approved", more]
    assert grep("nothing", which="first") == ["15:00:02 <c> nothing to see"]
    assert len(grep("", limit=20)) == 4  # the empty pattern matches every line


def test_search_lines_no_match_and_unreadable_pattern() -> None:
    assert grep("coffee") == ["I see no match for 'coffee' in this log, ann"]
    assert grep("coffee", lines=[]) == ["I see no match for 'coffee' in this log, ann"]
    for bad in ("(", "a[", r"(a)\1", "(?=a)b", "a{1000}{1000}", "*"):
        assert grep(bad) == [f"I cannot read '{bad}' as a pattern, ann"], bad


def test_search_lines_catastrophic_pattern_is_linear() -> None:
    no_end = [LogLine(START, "a", "a" * 50_000 + "!")]
    assert grep("(a+)+$", lines=no_end) == ["I see no match for '(a+)+$' in this log, ann"]
    (hit,) = grep("(a+)+$", lines=[LogLine(START, "a", "a" * 50_000)])
    assert hit == "15:00:00 <a> " + "a" * 300  # long lines are cut at 300 characters


# ---- format_irc_html -----------------------------------------------------------------------------


def test_irc_html_escapes_every_user_string_and_anchors_each_line() -> None:
    lines = [LogLine(at("15:00:00"), '<script>"x', '<script>alert("hi")</script>'),
             LogLine(at("15:00:00.5"), "bob", "two\nlines & more"),
             LogLine(at("15:00:01"), "carol", "ok")]
    html = format_irc_html(lines, anchors(ln.time for ln in lines), channel="#<b>", day=DAY1,
                           text_name="07-wg-irc.txt", minutes_name="07-wg-minutes.html")
    assert "<script>" not in html and "<b>" not in html
    assert 'alert("hi")' not in html and '"x' not in html
    assert "&lt;&lt;script&gt;&#34;x&gt;" in html
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt;" in html
    assert "two lines &amp; more" in html
    assert "IRC log of #&lt;b&gt; on 2024-03-07" in html
    for name in ("T15-00-00", "T15-00-00-1", "T15-00-01"):
        assert html.count(f'id="{name}"') == 1
        assert f'href="#{name}"' in html


# ---- properties ----------------------------------------------------------------------------------

_COMMANDS = ["RRSAgent, off", "RRSAgent, on", "RRSAgent, bye", "[off] aside", " [OFF] x",
             "ACTION: x", "RRSAgent, this meeting spans midnight", "RRSAgent, start a new log",
             "actions?", "RRSAgent, stay", "idle", "hello"]
_EVENTS = st.lists(st.tuples(
    st.integers(0, 8 * 3600), st.sampled_from(list(Kind)),
    st.sampled_from(["alice", "RRSAgent", "Zakim", "record"]),
    st.one_of(st.sampled_from(_COMMANDS), st.text(max_size=20)), st.booleans()), max_size=30)


@given(st.text(max_size=30), st.lists(st.text(max_size=40), max_size=5), st.booleans(),
       st.sampled_from(["all", "first", "last"]), st.integers(1, 20))
def test_search_lines_never_raises(pattern: str, texts: list[str], ignore_case: bool,
                                   which: str, limit: int) -> None:
    lines = [LogLine(START + timedelta(seconds=i), "n", t) for i, t in enumerate(texts)]
    out = search_lines(lines, Search("net", CHANNEL, DAY1, pattern, ignore_case, which, limit,
                                     "ann"))
    assert out and all(isinstance(line, str) for line in out)
    assert len(out) <= limit + 1 or which != "all"


@given(_EVENTS)
def test_public_record_never_publishes_me_or_off_lines_and_keeps_order(
        steps: list[tuple[int, Kind, str, str, bool]]) -> None:
    when, events = at("20:00"), []
    for gap, kind, nick, text, from_bot in steps:
        when += timedelta(seconds=gap)
        events.append(event(when, nick, text, kind, from_bot=from_bot))
    kept = [e for _, e in public_record(events, SETTINGS, record_keeper(SETTINGS))]
    assert not any(e.kind is Kind.ACTION or e.text.lstrip().lower().startswith("[off]")
                   for e in kept)
    position = {id(e): i for i, e in enumerate(events)}
    order = [position[id(e)] for e in kept]
    assert order == sorted(set(order))


@given(st.lists(st.integers(0, 86_399_999), max_size=60))
def test_anchors_are_unique_within_a_days_log(milliseconds: list[int]) -> None:
    times = [at("00:00") + timedelta(milliseconds=ms) for ms in sorted(milliseconds)]
    ids = anchors(times)
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(anchor(t)) for i, t in zip(ids, times, strict=True))


# ---- bugs these tests found, now fixed: kept as regressions -------------------------------------


def test_reinvited_rrsagent_logs_again_after_off_and_bye() -> None:
    events = [event(at("15:00"), "a", "RRSAgent, off"), event(at("15:01"), "a", "RRSAgent, bye"),
              event(at("15:02"), "RRSAgent", kind=Kind.PART),
              event(at("16:00"), "RRSAgent", kind=Kind.JOIN),
              event(at("16:01"), "a", "new meeting")]
    router = make_router()
    for e in events:
        router.dispatch(e)
    assert record_of(router).listening  # the live bot logs again...
    assert "new meeting" in on_record(events)  # ...but the published log does not


def test_bots_line_after_midnight_is_in_the_next_days_log() -> None:
    events = [event(at("23:00"), "alice", "late"),
              event(at("00:10", DAY2), "RRSAgent", "I see no activity here", from_bot=True)]
    assert days(events) == [(DAY1, "late"), (DAY2, "I see no activity here")]


def test_kicked_rrsagent_is_no_longer_here() -> None:
    router = make_router()
    router.dispatch(event(START, "RRSAgent", kind=Kind.JOIN))
    router.dispatch(event(START + timedelta(minutes=1), "chair", "RRSAgent go away", Kind.KICK))
    assert router.pending() == []
    assert idle(router, START + timedelta(hours=3)) == []


def test_anchors_are_unique_in_a_log_spanning_midnight() -> None:
    events = [event(at("23:30:00"), "a", "RRSAgent, this meeting spans midnight"),
              event(at("23:30:01"), "a", "first night"),
              event(at("23:30:00", DAY2), "a", "second night")]
    lines = log_lines(events, SETTINGS, DAY1)
    assert len(lines) == 3
    ids = anchors(ln.time for ln in lines)
    assert len(set(ids)) == len(ids)


# ---- every form in the reference -----------------------------------------------------------------


def test_every_form_in_the_reference_has_a_case() -> None:
    """Guard against a form losing its case: the reference's forms, by their words."""
    said = " | ".join([line[1].lower() for _, script, _ in CASES for line in script]
                      + [c.lower() for c, *_ in SEARCH_CASES]
                      + [c.lower() for c, _ in VISIBILITY_CASES] + MINUTES_CASES)
    for form in (*OFF_WORDS, *ON_WORDS, "action:", "action 1 =", "action- 1", "drop action",
                 "actions?", "what are the action items?", "what action items?",
                 "what are the actions?", "what actions?", "show the actions",
                 "show action items", "list action items", "list the action items",
                 "ignore actions", "ignore action items", "track actions", "track action items",
                 "bookmark", "pointer", "here", "where am i?", "grep", "search for", "find",
                 "-i", "first", "last", "max", "this meeting spans midnight",
                 "do not start a new log at midnight", "start a new log at midnight", "stay",
                 "do not leave", "do not depart", "set logs", "make these logs",
                 "member-visible", "world-visible", "team-visible", "ab-visible", "-access",
                 "-conf", "-confidential", "-only", "-read", "-readable", "record", "create the",
                 "draft minutes", "format", "generate", "make the minutes", "publish",
                 "minutes v1"):
        assert form in said, form


# ---- gaps: the bot was away ------------------------------------------------------------------


def test_where_am_i_tells_of_the_gaps_in_todays_log_only() -> None:
    router = make_router()
    text = gap_text(at("15:10:03"), at("15:12:41"))
    router.dispatch(Event(at("15:10:03"), "net", CHANNEL, Kind.GAP, "RRSAgent", text))
    (where,) = play(router, [("c", "RRSAgent, where am I?")], start=at("15:20"))
    assert shown(where) == [f"See {LOG}#T15-21-30", f"This log may miss lines: {text}"]
    (tomorrow,) = play(router, [("c", "RRSAgent, where am I?")], start=at("09:00", DAY2))
    assert shown(tomorrow) == ["See http://localhost:8000/2024/03/08-wg-irc#T09-01-30"]


def test_a_gap_is_in_the_log_where_the_lines_are_missing_and_in_the_minutes_notes() -> None:
    text = gap_text(at("15:10:03"), at("15:12:41"))
    events = [Event(at("15:10:03"), "net", CHANNEL, Kind.MESSAGE, "ann", "last heard"),
              Event(at("15:12:41"), "net", CHANNEL, Kind.JOIN, "RRSAgent"),
              Event(at("15:11:00"), "net", CHANNEL, Kind.MESSAGE, "bob", "recovered"),
              Event(at("15:10:03"), "net", CHANNEL, Kind.GAP, "RRSAgent", text)]
    lines = log_lines(events, SETTINGS)
    assert [ln.text for ln in lines] == ["last heard", text, "recovered",
                                         "RRSAgent has joined #wg"]
    minutes = render_all(lines, day=at("15:00").date(), channel=CHANNEL)
    assert text in minutes["html"][minutes["html"].index("Diagnostics"):]
