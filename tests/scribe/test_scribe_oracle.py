"""Zakim's agenda and queue commands in the minutes: ``agendum minutes`` against scribe.perl.

Each test runs both programs on the same log (tests/support/scribe_oracle.py) and compares the
whole HTML but the footer's version line, and stderr. What scribe.perl drops, found by running
it: with -useZakimTopics (its default) a line goes when it is addressed "zakim," (the comma right
after the name) or starts with one of Zakim's queue, agenda or question commands, whoever typed
it, scribe or not; near misses ("close item 2", "ack" alone, "close this agendum please", and
"Zakim: q+", "zakim_, q+", "Zakim , q+", which are not "zakim,") stay. ``FORMS`` lists both
kinds, with whether scribe.perl leaves the line out of the minutes (no paragraph for it), so
that a change in the oracle shows too.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.scribe_oracle import compare_minutes

DROPPED, KEPT = True, False
FORMS = [
    # the user's report
    ("close this agendum", DROPPED), ("move to next agendum", DROPPED),
    ("skip this agendum", DROPPED), ("really close agendum 2", DROPPED),
    ("next agendum", DROPPED), ("take up agendum 2", DROPPED),
    ("Zakim, close this item", DROPPED), ("open item 3", KEPT),
    ("q+", DROPPED), ("q-", DROPPED), ("ack bob", DROPPED), ("queue?", DROPPED),
    # addressed: "zakim," with anything after it
    ("Zakim, next agendum", DROPPED), ("zakim,q+ to ask", DROPPED), ("  zakim, q?", DROPPED),
    ("ZAKIM, who is here?", DROPPED), ("Zakim, pick a scribe", DROPPED),
    ("zakim, end meeting", DROPPED),
    ("Zakim: q+", KEPT), ("zakim_, q+", KEPT), ("Zakim , q+", KEPT), ("zakim ,q+", KEPT),
    # the queue (zakim-commands.md "Floor Control")
    ("Q+", DROPPED), ("q +", DROPPED), ("queue+ alice, bob", DROPPED),
    ("q+ to ask about x", DROPPED), ("qq+ to react", DROPPED), ("q= alice", DROPPED),
    ("q- later", DROPPED), ("q?", DROPPED),
    ("+q", DROPPED), ("- q", DROPPED), ("-queue", DROPPED), ("q-tips are useful", DROPPED),
    ("q", DROPPED), ("the queue", DROPPED), ("please show the verbose queue", DROPPED),
    ("pls q?", DROPPED), ("full queue", DROPPED), ("vq?", DROPPED), ("qv?", DROPPED),
    ("ACK bob", DROPPED), ("acks bob", DROPPED), ("ack next", DROPPED),
    ("chair recognizes alice", DROPPED), ("recognize alice", DROPPED),
    ("ack", KEPT), ("ack  bob", KEPT), ("ack: bob", KEPT), ("acknowledge this", KEPT),
    ("Q: what is this?", KEPT), ("-quick", KEPT), ("qq", KEPT), ("raises hand", KEPT),
    ("close the queue", KEPT), ("plz q", KEPT),
    # the agenda (zakim-commands.md "Agenda Tracking")
    ("agenda+ pick a scribe", DROPPED), ("aggenda+ typo", DROPPED), ("agenda?", DROPPED),
    ("agenda 2 = new text", DROPPED), ("agendum 2 = new text", DROPPED), ("agenda- 3", DROPPED),
    ("agenda order is 3,2", DROPPED), ("agenda is long today", DROPPED), ("agenda ", DROPPED),
    ("open agendum 3", DROPPED), ("move to agenda 3", DROPPED), ("take up next agendum", DROPPED),
    ("Next  Agendum please", DROPPED), ("drop agendum 2", DROPPED), ("delete agenda 3", DROPPED),
    ("close agendum 2", DROPPED), ("skip agendum 2", DROPPED), ("close  this  agendum", DROPPED),
    ("really close this agendum", DROPPED), ("clear the agenda", DROPPED),
    ("pls clear agenda", DROPPED),
    ("agenda", KEPT), ("agendum+ new item", KEPT), ("agendas are long", KEPT),
    ("take up item 2", KEPT), ("next item", KEPT), ("close item 2", KEPT),
    ("close this item", KEPT), ("skip item 2", KEPT), ("skip this item", KEPT),
    ("remove item 3", KEPT), ("drop agendum 2 now", KEPT), ("close this agendum please", KEPT),
    ("really skip agendum 3", KEPT), ("what is on the agenda?", KEPT),
    ("agenda: https://example.org/agenda", DROPPED),  # not Zakim's: the agenda link
    ("agenda : https://example.org/agenda", DROPPED),  # the same, before Zakim's "agenda "
    ("agenda\t", DROPPED),  # a tab is a space: "agenda "
    # questions (zakim-commands.md "Question Tracking")
    ("questions?", DROPPED), ("list the questions", DROPPED), ("show all the questions", DROPPED),
    ("close question 2", DROPPED), ("drop question 12", DROPPED),
    ("question+ how?", KEPT), ("question 2++", KEPT), ("questions? please", KEPT),
]

# A short meeting as RRSAgent logs it; the form is said between bob's line and its continuation
# (which must still continue bob when the form is dropped).
MEETING = """\
15:00:00 <RRSAgent> logging to https://www.w3.org/2024/03/07-wg-irc
15:00:02 <Zakim> RRSAgent, make logs Public
15:00:05 <chair> Meeting: Example WG Teleconference
15:00:07 <chair> Agenda: https://example.org/2024/03/07-agenda
15:00:10 <chair> present+
15:00:12 <sam> present+
15:00:20 <chair> scribe: sam
15:01:00 <chair> topic: Previous minutes
15:01:10 <sam> jo: the minutes are approved
15:02:00 <chair> topic: Review of the draft
15:02:10 <sam> alice: the draft looks good
15:02:20 <sam> bob: I have one question
15:02:30 <{who}> {form}
15:02:40 <sam> ... about section 2
15:02:50 <Zakim> I see no one on the speaker queue
15:03:00 <chair> RRSAgent, make minutes
15:03:05 <RRSAgent> I have made the request to generate https://www.w3.org/2024/03/07-wg-minutes
"""
BASE_PARAGRAPHS = 3  # jo's, alice's and bob's with its continuation: the form was dropped
MAIN = re.compile(r"<main .*?</main>", re.S)


def _paragraphs(html: str) -> int:
    m = MAIN.search(html)
    assert m is not None
    return m[0].count("<p id=")


@pytest.mark.parametrize("who", ["sam", "chair"], ids=["by-scribe", "by-participant"])
@pytest.mark.parametrize(("form", "dropped"), FORMS, ids=[repr(f) for f, _ in FORMS])
def test_zakim_command_line(form: str, dropped: bool, who: str) -> None:
    html = compare_minutes(MEETING.format(who=who, form=form))
    assert (_paragraphs(html) == BASE_PARAGRAPHS) == dropped, "scribe.perl's rule has changed"


def test_all_forms_without_zakim_topics() -> None:
    """-noUseZakimTopics: scribe.perl then keeps every one of them, and so does agendum (Zakim's
    own lines are then anyone's IRC lines)."""
    kept = [form for form, _ in FORMS]
    forms = "".join(f"15:02:{30 + i * 10 // len(kept):02} <chair> {form}\n"
                    for i, form in enumerate(kept))
    log = MEETING.format(who="sam", form="alice: before the commands").replace(
        "15:02:40 <sam>", forms + "15:02:40 <sam>")
    compare_minutes(log, ("-embedDiagnostics", "-noUseZakimTopics"))


WORDS = ["the", "draft", "agenda", "queue", "item", "close", "next", "ack", "question", "looks",
         "good", "section", "2", "q", "zakim", "please", "open", "this"]
NICKS = ["sam", "chair", "alice"]  # sam is the scribe
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
command = st.one_of(
    st.sampled_from([form for form, _ in FORMS]),
    st.tuples(st.sampled_from(["Zakim, ", "zakim,", ""]), st.sampled_from(
        ["q+", "q-", "ack alice", "next agendum", "close this agendum", "take up agendum 1",
         "agenda+ review", "close item 1", "queue?"])).map("".join),
    st.sampled_from(["q+", "ack bob", "next agendum"]).map(str.upper),
)
anyone = st.sampled_from(NICKS)
commands = st.lists(st.tuples(anyone, command), max_size=2)
# The scribe minuting a speaker, continued with "..." lines, Zakim's commands in between; a topic,
# maybe continued; commands; anyone's plain lines.
speaker = st.tuples(st.sampled_from(["alice", "bob"]), text, st.lists(st.tuples(commands, text),
                                                                     max_size=3))
block = st.one_of(
    speaker.map(lambda s: [("sam", f"{s[0]}: {s[1]}")] + [
        line for cmds, more in s[2] for line in [*cmds, ("sam", f"... {more}")]]),
    st.tuples(st.sampled_from(["sam", "chair"]), text.map(lambda t: f"topic: {t}"),
              st.lists(text, max_size=2)).map(
        lambda t: [(t[0], t[1]), *((t[0], f"... {more}") for more in t[2])]),
    commands,
    st.tuples(anyone, text).map(lambda t: [t]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(block, min_size=1, max_size=6))
def test_logs_mixing_commands_and_minutes(blocks: list[list[tuple[str, str]]]) -> None:
    head = MEETING.split("15:01:00")[0]  # the preamble: log URL, title, agenda, scribe
    lines = [line for b in blocks for line in b]
    body = "".join(f"15:{10 + i // 60:02}:{i % 60:02} <{nick}> {line}\n"
                   for i, (nick, line) in enumerate(lines))
    compare_minutes(head + body)
