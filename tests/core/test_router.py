"""Router behaviour: who a line is addressed to, who answers, and how.

Everything goes through ``Router.dispatch`` with the real plugins (``load_plugins``), as the
bot runs them; the expected replies follow Zakim's and RRSAgent's documented wording.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from bot.plugins import load_plugins

from bot.core.effects import Leave, Publish, Reply
from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT, ZAKIM
from bot.core.plugin import Settings
from bot.core.router import Router
from tests.support.seed import seed_events

CHANNEL = "#wg"
NETWORK = "testnet"
BASE_URL = "https://minutes.example"
WHEN = datetime(2024, 3, 7, 15, 25, 6, tzinfo=UTC)


def make_router(zakim: str = "Zakim", rrsagent: str = "RRSAgent", base_url: str = BASE_URL):
    settings = Settings(nicks={ZAKIM: zakim, RRSAGENT: rrsagent}, base_url=base_url)
    return Router(settings, load_plugins(settings))


def ev(
    text: str,
    nick: str = "alice",
    *,
    kind: Kind = Kind.MESSAGE,
    channel: str = CHANNEL,
    from_bot: bool = False,
    time: datetime = WHEN,
) -> Event:
    return Event(time, NETWORK, channel, kind, nick, text, from_bot=from_bot)


def replies(effects: list) -> list[Reply]:
    """What is said; a Publish that works is RRSAgent announcing its URL (``done``)."""
    return [Reply(RRSAGENT, e.channel, e.done) if isinstance(e, Publish) else e
            for e in effects if isinstance(e, Reply | Publish)]


# ---- addressing forms -----------------------------------------------------------------------

ADDRESSED_Q = "I see bob on the speaker queue"
UNADDRESSED_Q = "sees bob on the speaker queue"


@pytest.mark.parametrize(
    ("kind", "text", "expected_text", "as_action"),
    [
        pytest.param(Kind.MESSAGE, "Zakim, q?", ADDRESSED_Q, False, id="comma"),
        pytest.param(Kind.MESSAGE, "zakim: q?", ADDRESSED_Q, False, id="colon-lowercase"),
        pytest.param(Kind.MESSAGE, "ZAKIM,q?", ADDRESSED_Q, False, id="uppercase-no-space"),
        pytest.param(Kind.MESSAGE, "  Zakim ,  q?", ADDRESSED_Q, False, id="extra-spaces"),
        pytest.param(Kind.MESSAGE, "Zakim, please q?", ADDRESSED_Q, False, id="please-prefix"),
        pytest.param(Kind.MESSAGE, "Zakim, pls q?", ADDRESSED_Q, False, id="pls-prefix"),
        pytest.param(Kind.MESSAGE, "Zakim, q? please", ADDRESSED_Q, False, id="please-suffix"),
        pytest.param(Kind.MESSAGE, "Zakim, Q?", ADDRESSED_Q, False, id="command-uppercase"),
        pytest.param(Kind.MESSAGE, "q?", UNADDRESSED_Q, True, id="unaddressed"),
        pytest.param(Kind.MESSAGE, "queue?", UNADDRESSED_Q, True, id="unaddressed-queue"),
        pytest.param(Kind.ACTION, "q?", UNADDRESSED_Q, True, id="slash-me"),
    ],
)
def test_zakim_answers_directly_when_addressed_and_in_me_form_otherwise(
    kind: Kind, text: str, expected_text: str, as_action: bool
) -> None:
    router = make_router()
    assert router.dispatch(ev("q+", "bob")) == []
    effects = router.dispatch(ev(text, kind=kind))
    assert effects == [Reply(ZAKIM, CHANNEL, expected_text, action=as_action)]


@pytest.mark.parametrize(
    "text",
    [
        "alice, q?",  # addressed to somebody else
        "Zakimbot, q?",  # a nick that merely starts with the persona's
        "I think Zakim, q? is handy",
        "q? is a command",
    ],
)
def test_lines_not_addressed_to_a_persona_and_not_a_bare_command_get_no_reply(text: str) -> None:
    router = make_router()
    assert router.dispatch(ev(text)) == []


def test_reply_goes_to_the_channel_the_command_came_from() -> None:
    router = make_router()
    effects = router.dispatch(ev("Zakim, q?", channel="#Other"))
    assert [(r.persona, r.target) for r in replies(effects)] == [(ZAKIM, "#Other")]


def test_configured_nicks_are_used_for_addressing() -> None:
    router = make_router(zakim="Zak[1]", rrsagent="Rec")
    assert router.dispatch(ev("zak{1}, q?")) == [  # RFC 1459: [ and { are the same letter
        Reply(ZAKIM, CHANNEL, "I see no one on the speaker queue")
    ]
    assert router.dispatch(ev("Zakim, q?")) == []  # the default nick is nobody now


# ---- not understood -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "persona", "expected"),
    [
        (
            "Zakim, frobnicate the widget",
            ZAKIM,
            "I don't understand 'frobnicate the widget', alice. Try /msg Zakim help",
        ),
        (
            "zakim: please frobnicate",
            ZAKIM,
            "I don't understand 'frobnicate', alice. Try /msg Zakim help",
        ),
        (
            "RRSAgent, frobnicate the widget",
            RRSAGENT,
            "I'm logging. I don't understand 'frobnicate the widget', alice. "
            "Try /msg RRSAgent help",
        ),
        # q+ is Zakim's command, not RRSAgent's ("RRSAgent, q?" searches the log for "q")
        (
            "RRSAgent, q+",
            RRSAGENT,
            "I'm logging. I don't understand 'q+', alice. Try /msg RRSAgent help",
        ),
        # draft minutes is RRSAgent's command, not Zakim's
        (
            "Zakim, draft minutes",
            ZAKIM,
            "I don't understand 'draft minutes', alice. Try /msg Zakim help",
        ),
    ],
)
def test_addressed_unknown_command_gets_one_not_understood_line(
    text: str, persona: str, expected: str
) -> None:
    router = make_router()
    assert router.dispatch(ev(text)) == [Reply(persona, CHANNEL, expected)]


def test_command_for_one_persona_does_not_run_in_the_other() -> None:
    router = make_router()
    router.dispatch(ev("RRSAgent, q+"))
    assert router.dispatch(ev("Zakim, q?")) == [
        Reply(ZAKIM, CHANNEL, "I see no one on the speaker queue")
    ]


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (Kind.MESSAGE, "frobnicate the widget"),
        (Kind.MESSAGE, "let's discuss the draft minutes later"),
        (Kind.MESSAGE, "help"),
        (Kind.MESSAGE, "bye"),
        (Kind.MESSAGE, "draft minutes"),
        (Kind.ACTION, "waves"),
        (Kind.ACTION, "draft minutes"),
        (Kind.MESSAGE, ""),
    ],
)
def test_unaddressed_unknown_text_gets_no_reply(kind: Kind, text: str) -> None:
    router = make_router()
    assert router.dispatch(ev(text, kind=kind)) == []


# ---- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["help", "help?", "please help", "Help", "help please"])
def test_zakim_help_lists_zakim_commands_only(form: str) -> None:
    router = make_router()
    effects = router.dispatch(ev(f"Zakim, {form}"))
    assert effects, "help must answer"
    assert all(isinstance(e, Reply) and e.persona == ZAKIM for e in effects)
    assert all(not e.action and e.target == CHANNEL for e in replies(effects))
    text = "\n".join(r.text for r in replies(effects))
    for command in ("q+", "q-", "q?", "ack", "present+", "present-", "who is here?"):
        assert command in text
    assert "draft minutes" not in text
    assert "Zakim" in text
    assert all(len(r.text.encode()) <= 400 for r in replies(effects)), "one IRC line each"


def test_rrsagent_help_lists_rrsagent_commands_only() -> None:
    router = make_router()
    effects = router.dispatch(ev("RRSAgent, help"))
    assert effects
    assert all(isinstance(e, Reply) and e.persona == RRSAGENT for e in effects)
    text = "\n".join(r.text for r in replies(effects))
    assert "draft minutes" in text
    assert "RRSAgent" in text
    assert "q+" not in text
    assert "present+" not in text


def test_help_lines_match_what_help_says_in_the_channel() -> None:
    router = make_router()
    said = [r.text for r in replies(router.dispatch(ev("Zakim, help")))]
    assert said == router.help_lines(ZAKIM)


# ---- RRSAgent, draft minutes ----------------------------------------------------------------

MINUTES_URL = f"{BASE_URL}/2024/03/07-wg-minutes.html"
_VERBS = ["create", "draft", "format", "generate", "make", "publish"]


@pytest.mark.parametrize(
    "text",
    [f"RRSAgent, {verb} minutes" for verb in _VERBS]
    + [f"RRSAgent, {verb} the minutes" for verb in _VERBS]
    + [
        "rrsagent: draft minutes",
        "RRSAGENT,draft minutes",
        "RRSAgent, please draft minutes",
        "RRSAgent, pls generate the minutes",
        "RRSAgent, draft minutes please",
        "RRSAgent, Draft The Minutes",
    ],
)
def test_draft_minutes_publishes_and_announces_the_url(text: str) -> None:
    router = make_router()
    effects = router.dispatch(ev(text, "anssik"))
    assert effects == [
        Publish(NETWORK, CHANNEL, "2024-03-07",
                done=f"I have made the request to generate {MINUTES_URL} anssik",
                failed=f"I could not generate {MINUTES_URL}, anssik"),
    ]


def test_draft_minutes_url_uses_the_lowercased_channel_and_base_url_without_double_slash() -> None:
    router = make_router(base_url="https://www.w3.org/")
    effects = router.dispatch(ev("RRSAgent, draft minutes", "anssik", channel="#WebML"))
    assert effects == [
        Publish(NETWORK, "#WebML", "2024-03-07",
                done="I have made the request to generate "
                     "https://www.w3.org/2024/03/07-webml-minutes.html anssik",
                failed="I could not generate "
                       "https://www.w3.org/2024/03/07-webml-minutes.html, anssik"),
    ]


def test_draft_minutes_uses_the_utc_day_of_the_request() -> None:
    # 23:30 in New York on March 7th is already March 8th in UTC, as RRSAgent splits logs.
    late = datetime(2024, 3, 7, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    router = make_router()
    effects = router.dispatch(ev("RRSAgent, draft minutes", time=late))
    assert isinstance(effects[0], Publish) and effects[0].day == "2024-03-08"
    assert "/2024/03/08-wg-minutes.html" in effects[0].done


@pytest.mark.parametrize("text", ["RRSAgent, draft", "RRSAgent, draft the the minutes"])
def test_malformed_draft_minutes_is_not_understood(text: str) -> None:
    router = make_router()
    effects = router.dispatch(ev(text))
    assert not any(isinstance(e, Publish) for e in effects)
    assert "I don't understand" in effects[0].text


# ---- dismissal ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [ZAKIM, RRSAGENT])
@pytest.mark.parametrize(
    "words", ["bye", "excuse us", "please excuse us", "part", "please part", "leave", "pls leave"]
)
def test_dismissal_makes_only_the_addressed_persona_leave(persona: str, words: str) -> None:
    router = make_router()
    nick = {ZAKIM: "Zakim", RRSAGENT: "RRSAgent"}[persona]
    assert router.dispatch(ev(f"{nick}, {words}")) == [Leave(persona, CHANNEL)]


def test_unaddressed_bye_makes_nobody_leave() -> None:
    router = make_router()
    assert router.dispatch(ev("bye")) == []
    assert router.dispatch(ev("bye", kind=Kind.ACTION)) == []


# ---- one nick for both personas --------------------------------------------------------------


def test_shared_nick_addresses_both_personas() -> None:
    router = make_router(zakim="agendum", rrsagent="agendum")
    assert router.addressed_to("agendum, q?") == ([ZAKIM, RRSAGENT], "q?")
    assert router.addressed_to("AGENDUM: draft minutes") == ([ZAKIM, RRSAGENT], "draft minutes")


def test_shared_nick_bye_makes_both_personas_leave() -> None:
    router = make_router(zakim="agendum", rrsagent="agendum")
    effects = router.dispatch(ev("agendum, bye"))
    assert sorted(effects, key=lambda e: e.persona) == [
        Leave(RRSAGENT, CHANNEL),
        Leave(ZAKIM, CHANNEL),
    ]


def test_shared_nick_queue_command_is_answered_once_without_not_understood() -> None:
    router = make_router(zakim="agendum", rrsagent="agendum")
    effects = router.dispatch(ev("agendum, q?"))
    assert effects == [Reply(ZAKIM, CHANNEL, "I see no one on the speaker queue")]


def test_shared_nick_draft_minutes_is_answered_once_without_not_understood() -> None:
    router = make_router(zakim="agendum", rrsagent="agendum")
    effects = router.dispatch(ev("agendum, draft minutes", "anssik"))
    assert effects == [
        Publish(NETWORK, CHANNEL, "2024-03-07",
                done=f"I have made the request to generate {MINUTES_URL} anssik",
                failed=f"I could not generate {MINUTES_URL}, anssik"),
    ]


def test_shared_nick_unknown_command_gets_a_single_not_understood_line() -> None:
    router = make_router(zakim="agendum", rrsagent="agendum")
    texts = [r.text for r in replies(router.dispatch(ev("agendum, frobnicate")))]
    assert texts == ["I don't understand 'frobnicate', alice. Try /msg agendum help"]


# ---- what never triggers a command ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (Kind.MESSAGE, "Zakim, bye"),
        (Kind.MESSAGE, "RRSAgent, draft minutes"),
        (Kind.MESSAGE, "Zakim, frobnicate"),
        (Kind.MESSAGE, "q?"),
        (Kind.MESSAGE, "Zakim, help"),
        (Kind.ACTION, "q?"),
    ],
)
def test_lines_from_the_bot_never_trigger_commands(kind: Kind, text: str) -> None:
    router = make_router()
    assert router.dispatch(ev(text, "Zakim", kind=kind, from_bot=True)) == []


def test_queue_commands_from_the_bot_do_not_change_state() -> None:
    router = make_router()
    router.dispatch(ev("q+", "Zakim", from_bot=True))
    router.dispatch(ev("present+ ghost", "Zakim", from_bot=True))
    assert router.dispatch(ev("Zakim, q?")) == [
        Reply(ZAKIM, CHANNEL, "I see no one on the speaker queue")
    ]
    assert [r.text for r in router.dispatch(ev("Zakim, who is here?"))] != ["Present: ghost"]


@pytest.mark.parametrize(
    "kind", [Kind.JOIN, Kind.PART, Kind.QUIT, Kind.NICK, Kind.KICK, Kind.TOPIC, Kind.MODE,
             Kind.NOTICE]
)
@pytest.mark.parametrize("text", ["", "q?", "Zakim, q?", "Zakim, bye", "RRSAgent, draft minutes"])
def test_non_message_events_never_produce_replies(kind: Kind, text: str) -> None:
    router = make_router()
    router.dispatch(ev("q+", "bob"))
    assert router.dispatch(ev(text, kind=kind)) == []


# ---- the seed meeting: RRSAgent answers exactly as it did -----------------------------------

def test_seed_meeting_rrsagent_replies_match_the_recorded_ones() -> None:
    router = make_router(base_url="https://www.w3.org")
    recorded = [e.text for e in seed_events() if e.nick == "RRSAgent"]
    ours = [
        r.text
        for e in seed_events()
        for r in replies(router.dispatch(e))
        if r.persona == RRSAGENT
    ]
    assert len(recorded) == 3
    assert ours == recorded


def test_seed_meeting_produces_no_not_understood_lines() -> None:
    router = make_router(base_url="https://www.w3.org")
    said = [r.text for e in seed_events() for r in replies(router.dispatch(e))]
    assert not [t for t in said if t.startswith("I don't understand")]
