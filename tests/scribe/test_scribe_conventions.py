"""Every convention of scribe.perl's manual (scribe-conventions.html), one table row each.

Each case is a few log lines in RRSAgent's text format and what the minutes must say about
them: the attendance and header fields of the ``Minutes`` record, the outline of its
paragraphs (see ``outline``), a diagnostic, or, where the markup *is* the behaviour (links,
images, emphasis, URL display), the HTML inside ``<main>``. The manual's own examples are used
wherever it gives one. Cases where the engine disagrees with the manual are strict xfails whose
reason says what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from bot.scribe.html import render_html
from bot.scribe.options import parse_args
from bot.scribe.pipeline import make_minutes
from bot.scribe.record import Minutes
from tests.support.scribe_oracle import compare_minutes
from tests.support.seed import REFERENCE

MANUAL = REFERENCE / "scribe-conventions.html"


def engine_bug(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"engine: {reason}")


def log(lines: Sequence[str]) -> str:
    """``<nick> text`` lines (or ``* nick text`` for /me) as an RRSAgent log, 1 s apart."""
    return "".join(f"10:{i // 60:02d}:{i % 60:02d} {line}\n" for i, line in enumerate(lines))


def minutes(lines: Sequence[str], argv: Sequence[str] = ()) -> Minutes:
    opts, _ = parse_args(list(argv))
    return make_minutes(log(lines), opts)[0]


def html(lines: Sequence[str], argv: Sequence[str] = ()) -> str:
    opts, _ = parse_args(list(argv))
    m, opts = make_minutes(log(lines), opts)
    return render_html(m, opts)


def main(lines: Sequence[str], argv: Sequence[str] = ()) -> str:
    """The minutes body: what is between ``<main`` and ``</main>``."""
    page = html(lines, argv)
    return page[page.index("<main"):page.index("</main>")]


def outline(m: Minutes) -> list[str]:
    """The document as lines: ``topic: T``, ``subtopic: S``, ``KIND SPEAKER: SEG | SEG`` (the
    speaker only for speaker, irc and bot paragraphs), in document order."""
    def para(item) -> str:
        text = " | ".join(s.text for s in item.segments)
        return f"{item.kind} {item.speaker}: {text}" if item.speaker else f"{item.kind}: {text}"

    out = [para(i) for i in m.preamble]
    for t in m.topics:
        out.append(f"topic: {t.title}")
        out += [para(i) for i in t.items]
        for s in t.subsections:
            out.append(f"subtopic: {s.title}")
            out += [para(i) for i in s.items]
    return out


def test_the_manual_is_there() -> None:
    """The cases below quote this manual (revision 246)."""
    text = MANUAL.read_text(encoding="utf-8")
    assert "revision 246" in text and "NamedAnchorHere" in text


# ---- header and attendance fields ---------------------------------------------------------------

FIELDS = [
    # Scribe / ScribeNick
    pytest.param(["<al> Scribe: MaryScr", "<MaryScr> Bob: hi"], (), "scribes", ("MaryScr",),
                 id="scribe-one"),
    pytest.param(["<al> ScribeNick: MaryScr"], (), "scribes", ("MaryScr",), id="scribenick-one"),
    pytest.param(["<al> Scribe: Adam, Teo, Ana"], (), "scribes", ("Adam", "Teo", "Ana"),
                 id="scribe-several"),
    pytest.param(["<al> Scribe: jon2 = John Smith"], (), "scribes", ("John Smith",),
                 id="scribe-real-name-equals"),
    pytest.param(["<al> Scribe: jon2 / John Smith"], (), "scribes", ("John Smith",),
                 id="scribe-real-name-slash"),
    # ("Scribe:+ Adam/…", the manual's form, is one name to scribe.perl: the ":" comes first)
    pytest.param(["<al> Scribe+ Adam/Adamsky, Teo, Ana=Jo-Ana"], (), "scribes",
                 ("Adamsky", "Teo", "Jo-Ana"), id="scribe-several-real-names"),
    pytest.param(["<al> Scribe: al", "<al> Scribe+ jon2/John Smith"], (), "scribes",
                 ("al", "John Smith"), id="scribe-plus-real-name"),
    pytest.param(["<al> Scribe: al", "<jo> scribe+"], (), "scribes", ("al", "jo"),
                 id="scribe-plus-self"),
    pytest.param(["<al> Scribe: al", "<al> Scribe: bo"], (), "scribes", ("al", "bo"),
                 id="scribe-every-scribe-listed"),
    pytest.param(["<cyns> scribe: cyns", "<cyns_> scribe: cyns_"], (), "scribes", ("cyns",),
                 id="scribe-underscore-same-person"),
    # Meeting, Chair, Agenda
    pytest.param(["<al> Meeting: Baking Club"], (), "title", "Baking Club", id="meeting"),
    pytest.param(["<al> Meeting: A", "<al> MEETING: Baking Club"], (), "title", "Baking Club",
                 id="meeting-last-wins"),
    pytest.param(["<al> Scribe: al"], (), "title", "(MEETING TITLE)", id="meeting-missing"),
    pytest.param(["<al> Chair: Jonathan"], (), "chairs", ("Jonathan",), id="chair"),
    pytest.param(["<al> Chair: Mike", "<al> chair: Jonathan"], (), "chairs", ("Jonathan",),
                 id="chair-last-wins"),
    pytest.param(["<al> chair: Jonathan, Louis", "<al> Chair+ Mia",
                  "<al> chair+ Zoe, Pete, Annabel"], (), "chairs",
                 ("Annabel", "Jonathan", "Louis", "Mia", "Pete", "Zoe"),
                 id="chair-plus-sorted"),
    pytest.param(["<al> chair: Jonathan, Louis", "<al> chair+ Zoe, Pete",
                  "<al> chair- Louis, Pete"], (), "chairs", ("Jonathan", "Zoe"), id="chair-minus"),
    pytest.param(["<al> chair: Jonathan", "<mia> chair+", "<zoe> chair+", "<zoe> chair-"], (),
                 "chairs", ("Jonathan", "mia"), id="chair-plus-minus-self"),
    pytest.param(["<al> Agenda: http://www.example.com/agenda.html"], (), "agenda_url",
                 "http://www.example.com/agenda.html", id="agenda"),
    pytest.param(["<al> Agenda: http://a.example/1", "<al> agenda: http://a.example/2"], (),
                 "agenda_url", "http://a.example/2", id="agenda-last-wins"),
    # Date
    pytest.param(["<al> Date: 05 Dec 2002"], (), "date", date(2002, 12, 5), id="date-dd-mon-yyyy"),
    pytest.param(["<al> Date: 09 April 2014"], (), "date", date(2014, 4, 9), id="date-month-name"),
    pytest.param(["<al> Date: 5 December 2002"], (), "date", date(2002, 12, 5),
                 id="date-one-digit-day"),
    pytest.param(["<al> Date: 2002-12-05"], (), "date", None, id="date-iso-is-no-date"),
    pytest.param(["<al> Date: 5 Dec 2002 (Thu)"], (), "date_text", "5 Dec 2002",
                 id="date-shown-as-typed"),
    pytest.param(["<trackbot> Date: 09 April 2014"], (), "date", date(2014, 4, 9),
                 id="date-from-trackbot"),
    pytest.param(["<RRSAgent> logging to https://www.w3.org/2014/04/09-forms-irc"], (), "date",
                 date(2014, 4, 9), id="date-from-rrsagent-log-url"),
    pytest.param(["<RRSAgent> logging to https://www.w3.org/2014/04/09-forms-irc",
                  "<al> Date: 10 April 2014"], (), "date", date(2014, 4, 10),
                 id="date-command-beats-log-url"),
    pytest.param(["<al> hi"], ("-minutes", "http://example.org/2005/03/01-baking-club-minutes"),
                 "date", date(2005, 3, 1), id="date-from-minutes-option"),
    pytest.param(["<al> hi"], (), "date", None, id="date-unknown"),
    # log URL, previous and next meeting
    pytest.param(["<RRSAgent> logging to https://www.w3.org/2014/04/09-forms-irc"], (), "log_url",
                 "https://www.w3.org/2014/04/09-forms-irc", id="log-url-logging-to"),
    pytest.param(["<dbooth> rrsagent, where am i?",
                  "<RRSAgent> See http://www.w3.org/2002/11/07-ws-arch-irc#T13-59-36"], (),
                 "log_url", "http://www.w3.org/2002/11/07-ws-arch-irc", id="log-url-where-am-i"),
    pytest.param(["<al> Previous meeting: http://example.org/20180228/mins"], (), "previous_url",
                 "http://example.org/20180228/mins", id="previous-meeting"),
    pytest.param(["<al> Next meeting: http://example.org/20181002"], (), "next_url",
                 "http://example.org/20181002", id="next-meeting"),
    # Present / Regrets
    pytest.param(["<al> Present: Jonathan, Mary, Barbara, Steve"], (), "present",
                 ("Barbara", "Jonathan", "Mary", "Steve"), id="present-sorted"),
    pytest.param(["<al> Present: Zed, alice, Bob"], (), "present", ("alice", "Bob", "Zed"),
                 id="present-sorted-ignoring-case"),
    pytest.param(["<al> Regrets: Nathan, Emma"], (), "regrets", ("Emma", "Nathan"), id="regrets"),
    pytest.param(["<al> Present: A, B", "<al> Present: C"], (), "present", ("C",),
                 id="present-colon-replaces"),
    pytest.param(["<al> Present: Jonathan, Mary", "<frank> present+: Janine, Brian",
                  "<frank> present- Mary", "<frank> Present+"], (), "present",
                 ("Brian", "frank", "Janine", "Jonathan"), id="present-manual-example"),
    pytest.param(["<al> Regrets: Nathan", "<frank> regrets+ Marja, Leonard"], (), "regrets",
                 ("Leonard", "Marja", "Nathan"), id="regrets-plus"),
    pytest.param(["<al> Regrets: Nathan, Emma", "<frank> regrets- Emma"], (), "regrets",
                 ("Nathan",), id="regrets-minus"),
    pytest.param(["<frank> present+", "<zoe> present+"], (), "present",
                 ("frank", "zoe"), id="present-no-names-is-the-speaker"),
    pytest.param(["<frank> present+", "<zoe> present+", "<zoe> present-"], (), "present",
                 ("frank", "zoe"), id="present-minus-alone-removes-nobody"),
    pytest.param(["<al> present+Nick"], (), "present", ("Nick",), id="present-plus-without-space"),
    pytest.param(["<al> Present+ Anssi_Kostiainen", "<al> Present+ Eric_Meyer"], (), "present",
                 ("Anssi_Kostiainen", "Eric_Meyer"), id="present-plus-twice"),
    pytest.param(["<al> Present+ Mary", "<al> present+ mary"], (), "present", ("mary",),
                 id="present-no-duplicates-last-spelling"),
    pytest.param(["<Zakim> As of this point the attendees have been Alain, Nick"], (), "present",
                 ("Alain", "Nick"), id="present-from-zakim"),
    pytest.param(["<Zakim> As of this point the attendees have been Alain, Nick"],
                 ("-noUseZakimTopics",), "present", (), id="present-not-from-zakim-without-zakim"),
]


@pytest.mark.parametrize(("lines", "argv", "field", "expected"), FIELDS)
def test_fields(lines: list[str], argv: tuple[str, ...], field: str, expected: object) -> None:
    assert getattr(minutes(lines, argv), field) == expected


# ---- what each line becomes ---------------------------------------------------------------------

OUTLINES = [
    # who is the scribe
    pytest.param(["<al> Scribe: al", "<al> Bob: hello", "<jo> hi"], (),
                 ["speaker Bob: hello", "irc jo: hi"], id="scribe-lines-vs-others"),
    pytest.param(["<al> Bob: early", "<jo> Scribe: al", "<al> Carl: later"], (),
                 ["speaker Bob: early", "speaker Carl: later"],
                 id="first-scribe-command-covers-earlier-lines"),
    pytest.param(["<bo> Bob: early", "<al> Ann: early2", "<al> scribenick: al", "<al> Carl: later"],
                 ("-scribeNick", "bo"),
                 ["speaker Bob: early", "irc al: Ann: early2", "speaker Carl: later"],
                 id="scribenick-option-until-first-command"),
    pytest.param(["<al> Scribe: al", "<al> Bob: x", "<al> Scribe: bo", "<al> Carl: y",
                  "<bo> Dan: z"], (), ["speaker Bob: x", "irc al: Carl: y", "speaker Dan: z"],
                 id="scribe-replaced"),
    pytest.param(["<al> Scribe: al, bo", "<al> Bob: x", "<bo> Carl: y"], (),
                 ["speaker Bob: x", "speaker Carl: y"], id="scribe-several-nicks"),
    pytest.param(["<al> Scribe: al", "<al> Scribe+ bo", "<bo> Bob: x", "<al> Scribe- bo",
                  "<bo> Bob: y"], (), ["speaker Bob: x", "irc bo: Bob: y"],
                 id="scribe-plus-minus-names"),
    pytest.param(["<al> Scribe: al", "<bo> scribe+", "<bo> Bob: x", "<bo> scribe-", "<bo> Bob: y"],
                 (), ["speaker Bob: x", "irc bo: Bob: y"], id="scribe-plus-minus-self"),
    pytest.param(["<al> Scribe: adam, teo", "<al> Scribe- adam,teo", "<adam> Bob: x"], (),
                 ["irc adam: Bob: x"], id="scribe-minus-several"),
    pytest.param(["<al> Scribe: jon2 = John Smith", "<jon2> Bob: x"], (), ["speaker Bob: x"],
                 id="scribe-real-name-nick-is-scribe"),
    pytest.param(["<al> Scribe: al", "<al_> Bob: x", "<al__> Carl: y"], (),
                 ["speaker Bob: x", "speaker Carl: y"], id="scribe-trailing-underscores-ignored"),
    pytest.param(["<al> Scribe: al_", "<al> Bob: x"], (), ["speaker Bob: x"],
                 id="scribe-command-trailing-underscore-ignored"),
    pytest.param(["<al> Scribe: *", "<bo> Bob: x", "<cy> Cy: y", "<cy> <cy> my own remark"], (),
                 ["speaker Bob: x", "speaker Cy: y", "irc cy: my own remark"], id="scribe-star"),
    pytest.param(["<al> Scribe: *", "<cy> scribe-", "<cy> Cy: y"], (), ["speaker Cy: y"],
                 id="scribe-star-no-scribe-minus"),
    pytest.param(["<al> Bob: one", "<al> Bob: two", "<jo> hi"], (),
                 ["speaker Bob: one", "speaker Bob: two", "irc jo: hi"], id="scribe-guessed"),
    # topics
    pytest.param(["<al> scribe: al", "<al> topic: Food and drink", "<al> subtopic: Morning coffee",
                  "<al> Bob: x"], (),
                 ["topic: Food and drink", "subtopic: Morning coffee", "speaker Bob: x"],
                 id="topic-subtopic"),
    pytest.param(["<al> scribe: al", "<jo> TOPIC: By anyone"], (), ["topic: By anyone"],
                 id="topic-by-anyone-any-case"),
    pytest.param(["<al> scribe: al", "<al> Bob: x", "<al> topic: T", "<al> Carl: y"], (),
                 ["speaker Bob: x", "topic: T", "speaker Carl: y"], id="topic-preamble"),
    pytest.param(["<Philippe> scribe: Philippe", "<Philippe> ---",
                  "<Philippe> Review of Action Items", "<Philippe> Bob: x"], ("-dashTopics",),
                 ["topic: Review of Action Items", "speaker Bob: x"], id="dash-topics"),
    pytest.param(["<Philippe> scribe: Philippe", "<Philippe> ---",
                  "<Philippe> Review of Action Items"], (),
                 ["summary: ---", "summary: Review of Action Items"], id="dash-topics-off"),
    pytest.param(["<al> scribe: al",
                  "<Zakim> agendum 2 -- UTF16 PR issue -- taken up [from MSMscribe]",
                  "<al> Bob: x"], (), ["topic: UTF16 PR issue", "speaker Bob: x"],
                 id="zakim-agendum-dashes"),
    pytest.param(["<al> scribe: al", '<Zakim> agendum 1. "Intro stuff" taken up [from agendabot]'],
                 (), ["topic: Intro stuff"], id="zakim-agendum-quoted"),
    # -noUseZakimTopics, and "..." after a topic (which continues it unless the scribe named a
    # speaker before): tests/scribe/test_scribe_lines_oracle.py, against scribe.perl
    # speaker lines and continuations
    pytest.param(["<al> scribe: al", "<al> Mike: Feature X is great",
                  "<al> … and easy to implement."], (),
                 ["speaker Mike: Feature X is great | and easy to implement."],
                 id="continuation-ellipsis"),
    pytest.param(["<dbooth> scribe: dbooth", "<dbooth> Mary: Now is the time",
                  "<dbooth> ... for all good men and women",
                  "<dbooth> ... to come to the aid of their party."], (),
                 ["speaker Mary: Now is the time | for all good men and women | "
                  "to come to the aid of their party."], id="continuation-three-dots"),
    pytest.param(["<al> scribe: al", "<al> Mike: one", "<al> .. two"], (),
                 ["speaker Mike: one | two"], id="continuation-two-dots"),
    pytest.param(["<al> scribe: al", "<al> Mike: one", "<al> ...two"], (),
                 ["speaker Mike: one | two"], id="continuation-no-space"),
    pytest.param(["<al> scribe: al", "<al> Mike: one", "<jo> interrupt", "<al> ... two"], (),
                 ["speaker Mike: one", "irc jo: interrupt", "speaker Mike: two"],
                 id="continuation-after-other-line-new-paragraph"),
    pytest.param(["<al> scribe: al", "<al> General agreement.", "<al> ... mostly"], (),
                 ["summary: General agreement. | mostly"], id="continuation-of-description"),
    pytest.param(["<al> scribe: al", "<al> Mike: one", "<al> Sue: two"], (),
                 ["speaker Mike: one", "speaker Sue: two"], id="speaker-per-line"),
    pytest.param(["<dbooth> scribe: dbooth", "<dbooth> Mary: Now is the time",
                  "<dbooth> for all good men and women",
                  "<dbooth> to come to the aid of their party.", "<dbooth> \\Everybody agrees"],
                 ("-implicitContinuations",),
                 ["speaker Mary: Now is the time | for all good men and women | "
                  "to come to the aid of their party.", "summary: Everybody agrees"],
                 id="implicit-continuations"),
    pytest.param(["<dbooth> scribe: dbooth", "<dbooth> Mary: Now is the time",
                  "<dbooth> for all good men and women"], (),
                 ["speaker Mary: Now is the time", "summary: for all good men and women"],
                 id="implicit-continuations-off"),
    pytest.param(["<al> scribe: al", "<al> RESOLUTION: r", "<al> plain"],
                 ("-implicitContinuations",), ["resolution: r", "summary: plain"],
                 id="implicit-continuations-only-for-speakers"),
    # (the manual writes -allowSpaceContinuations; scribe.perl knows only the singular, and
    # stops on the plural as an unknown option)
    pytest.param(["<jim-scribe> scribe: jim-scribe", "<jim-scribe> Anna: Is the 5th OK?",
                  "<jim-scribe>  Silence.", "<jim-scribe>  Jen: maybe"],
                 ("-allowSpaceContinuation",),
                 ["speaker Anna: Is the 5th OK? | Silence. | Jen: maybe"],
                 id="allow-space-continuations"),
    pytest.param(["<jim-scribe> scribe: jim-scribe", "<jim-scribe> Anna: Is the 5th OK?",
                  "<jim-scribe>  Silence."], ("-allowSpaceContinuation",),
                 ["speaker Anna: Is the 5th OK? | Silence."],
                 id="allow-space-continuations-description"),
    # descriptive lines, escapes, asides
    pytest.param(["<al> scribe: al", "<al> General agreement."], (),
                 ["summary: General agreement."], id="descriptive-line"),
    pytest.param(["<gigi> scribe: gigi", "<gigi> here are some words:", "<gigi> \\Subject: a noun",
                  "<gigi> \\Topic: same as Subject", "<gigi> \\Ben: a name",
                  "<gigi> \\Action: a noun"], (),
                 ["summary: here are some words:", "summary: Subject: a noun",
                  "summary: Topic: same as Subject", "summary: Ben: a name",
                  "summary: Action: a noun"], id="escape-commands-and-speakers"),
    pytest.param(["<jany> scribe: jany", "<jany> \\s/week/month/", "<jany> \\scribe+",
                  "<jany> \\present + Jan"], (),
                 ["summary: s/week/month/", "summary: scribe+", "summary: present + Jan"],
                 id="escape-edits-and-lists"),
    pytest.param(["<jany> scribe: jany", "<jany> Here are some escapes used in C:",
                  "<jany> \\\\n = newline", "<jany> * \\t = tab"], (),
                 ["summary: Here are some escapes used in C:", "summary: \\n = newline",
                  "summary: * \\t = tab"], id="escape-doubled-backslash"),
    pytest.param(["<al> scribe: al", "<jo> \\Topic: not a topic"], (),
                 ["irc jo: Topic: not a topic"], id="escape-by-non-scribe"),
    pytest.param(["<dbooth> scribe: dbooth", "<dbooth> <dbooth> :-)"], (), ["irc dbooth: :-)"],
                 id="scribe-aside"),
    pytest.param(["<dbooth> scribe: dbooth", "<dbooth> <bob> :-)"], (), ["summary: <bob> :-)"],
                 id="scribe-angle-other-nick-is-minutes"),
    # other people's lines, /me
    pytest.param(["<al> scribe: al", "<al> Bob: x", "<jo> I agree", "<jo> Carl: no"], (),
                 ["speaker Bob: x", "irc jo: I agree", "irc jo: Carl: no"],
                 id="non-scribe-lines-irc"),
    pytest.param(["<al> scribe: al", "<al> Bob: x", "<jo> I agree", "<al> done"],
                 ("-scribeOnly",), ["speaker Bob: x", "summary: done"], id="scribe-only"),
    pytest.param(["<al> scribe: al", "<al> Bob: x", "<jo> +1", "<al> +1"], (),
                 ["speaker Bob: x", "irc jo: +1", "irc al: +1"], id="votes-are-irc"),
    # actions, resolutions, issues, proposals
    pytest.param(["<al> scribe: al", "<al> ACTION: Frank, Mary and Kate to propose solution for "
                  "issue 42", "<al> action Ann: publish report 17",
                  "<jo> Action Fred to do something"], (),
                 ["action: Frank, Mary and Kate to propose solution for issue 42",
                  "action: Ann: publish report 17", "action: Fred to do something"],
                 id="action-three-forms"),
    pytest.param(["<al> scribe: al", "<al> [PENDING] ACTION: Joe to write text",
                  "<al> ACTION: Joe to write text [PENDING]"], (),
                 ["summary: [PENDING] ACTION: Joe to write text",
                  "action: Joe to write text [PENDING]"], id="action-status-codes"),
    pytest.param(["<al> scribe: al", "<jo> RESOLUTION: Issue 42 closed as duplicate of issue 21",
                  "<jo> Resolved: next-object does not wrap"], (),
                 ["resolution: Issue 42 closed as duplicate of issue 21",
                  "resolution: next-object does not wrap"], id="resolution-resolved"),
    pytest.param(["<al> scribe: al", "<al> RESOLUTION: Accept Frank's proposal",
                  "<al> … with Pete's modified text"], (),
                 ["resolution: Accept Frank's proposal | with Pete's modified text"],
                 id="resolution-continued-by-scribe"),
    pytest.param(["<al> scribe: al", "<jo> RESOLUTION: Accept Frank's proposal",
                  "<jo> … with Pete's modified text"], (),
                 ["resolution: Accept Frank's proposal | with Pete's modified text"],
                 id="resolution-continued-by-anybody"),
    pytest.param(["<al> scribe: al", "<al> ACTION: a", "<al> ... b", "<al> Issue: c",
                  "<al> ... d"], (), ["action: a | b", "issue: c | d"],
                 id="action-issue-continued"),
    pytest.param(["<al> scribe: al", "<jo> Issue: Is it proven that 1+1=2?"], (),
                 ["issue: Is it proven that 1+1=2?"], id="issue"),
    # scribe.perl has no PROPOSED: the scribe's is a summary, anyone else's an IRC line
    pytest.param(["<al> scribe: al", "<al> PROPOSED: do it", "<jo> Proposed resolution: do that"],
                 (), ["summary: PROPOSED: do it", "irc jo: Proposed resolution: do that"],
                 id="proposed"),
    # bots
    pytest.param(["<al> scribe: al", "<RRSAgent> I have made the request to generate x",
                  "<RRSAgent> logging to https://www.w3.org/2014/04/09-forms-irc"], (), [],
                 id="rrsagent-hidden"),
    pytest.param(["<al> scribe: al", "<Zakim> +Steven; got it", "<Zakim> I see jo on the queue"],
                 (), [], id="zakim-hidden"),
    pytest.param(["<al> scribe: al", "<Zakim> jo, you wanted to ask about x"], (),
                 ["irc Zakim: jo, you wanted to ask about x"], id="zakim-you-wanted-kept"),
    pytest.param(["<al> scribe: al", "<trackbot> Created ACTION-1971 - Fix x"], (),
                 ["bot trackbot: Created ACTION-1971 - Fix x"], id="trackbot-shown-as-bot"),
    pytest.param(["<al> scribe: al", "<al> zakim, who is here?", "<al> rrsagent, make minutes",
                  "<al> trackbot, end meeting"], (), [], id="commands-to-bots-hidden"),
    # ("Zakim: close item 1", "trackbot, hello" and "gb, hello" stay: addressed-to-bots in
    # tests/scribe/test_scribe_lines_oracle.py)
    pytest.param(["<al> scribe: al", "<jo> q+", "<jo> q+ to ask", "<al> ack jo", "<jo> q-",
                  "<jo> q?", "<jo> queue+", "<jo> agenda+ foo", "<al> next agendum"], (), [],
                 id="queue-commands-hidden"),
    # gb's lines: gb-lines in tests/scribe/test_scribe_lines_oracle.py
    pytest.param(["<al> scribe: al", "<gb> Issue 5 opened",
                  "<ghurlbot> https://github.com/w3c/x/issues/5 -> Issue 5"], ("-noghurlbot",),
                 [], id="no-ghurlbot"),
    pytest.param(["<trackbot> Meeting: Forms Working Group Teleconference", "<al> scribe: al"],
                 (), [], id="bot-commands-interpreted-not-printed"),
    # s/// and i///
    pytest.param(["<al> scribe: al", "<al> Bob: Mary said Mary", "<al> Bob: Mary again",
                  "<al> s/Mary/Marie/"], (),
                 ["speaker Bob: Mary said Mary", "speaker Bob: Marie again"],
                 id="s-most-recent"),
    pytest.param(["<al> scribe: al", "<al> Bob: Mary", "<al> s/Mary/Marie"], (),
                 ["speaker Bob: Marie"], id="s-without-final-slash"),
    # s///g and s///G edit every line (earlier ones, or all), but, as in scribe.perl, only the
    # first occurrence on each line: "g" and "G" say which lines, not how many times per line
    pytest.param(["<al> scribe: al", "<al> Bob: Mary said Mary", "<al> Bob: Mary again",
                  "<al> s/Mary/Marie/g", "<al> Bob: Mary later"], (),
                 ["speaker Bob: Marie said Mary", "speaker Bob: Marie again",
                  "speaker Bob: Mary later"], id="s-g-backward"),
    pytest.param(["<al> scribe: al", "<al> Bob: Mary said Mary", "<jo> s/Mary/Marie/G",
                  "<al> Bob: Mary later"], (),
                 ["speaker Bob: Marie said Mary", "speaker Bob: Marie later"],
                 id="s-G-both-ways-by-anyone"),
    pytest.param(["<al> scribe: al", "<al> Bob: see @@", "<al> s|@@|http://example.org/path/|"],
                 (), ["speaker Bob: see http://example.org/path/"], id="s-bars"),
    pytest.param(["<al> scribe: al", "<al> Bob: see @@", "<al> s|@@|http://example.org/path/"],
                 (), ["speaker Bob: see http://example.org/path/"], id="s-bars-no-final"),
    pytest.param(["<al> scribe: al", "<al> Bob: see @@", "<al> s/@@/http://example.org/path/"],
                 (), ["speaker Bob: see http://example.org/path"], id="s-last-slash-is-command"),
    pytest.param(["<al> scribe: al", "<al> Bob: see @@", "<al> s/@@/http://example.org/path//"],
                 (), ["speaker Bob: see http://example.org/path/"], id="s-doubled-final-slash"),
    pytest.param(["<al> scribe: al", "<al> Bob: some thing", "<al> s/some //"], (),
                 ["speaker Bob: thing"], id="s-empty-new"),
    pytest.param(["<al> scribe: al", "<al> Bob: a.b", "<al> s/./!/"], (), ["speaker Bob: a!b"],
                 id="s-literal-not-regex"),
    pytest.param(["<al> scribe: al", "<al> Bob: and\\or more", "<al> s/and\\/or/but"], (),
                 ["speaker Bob: or/butor more"], id="s-backslash-not-special"),
    pytest.param(["<al> scribe: al", "<al> Bob: x", "<al> s/nothere/y/"], (),
                 ["speaker Bob: x", "command al: s/nothere/y/"], id="s-failed-kept"),
    pytest.param(["<al> scribe: al", "<al> Bob: x", "<al> s/x/y", "<al> s/y/z/"], (),
                 ["speaker Bob: z"], id="s-sees-earlier-edits"),
    pytest.param(["<al> scribe: al", "<al> Bob: see x", "<al> s/see/look at/",
                  "<al> s/look at/watch/"], (), ["speaker Bob: watch x"],
                 id="s-chain-in-order"),
    pytest.param(["<al> scribe: al", "<al> topic: Tpoic", "<al> s/Tpoic/Topic/"], (),
                 ["topic: Topic"], id="s-on-a-topic"),
    pytest.param(["<Arthur> scribe: Arthur", "<Arthur> Finished with issue LC71; on to LC82.",
                  "<Arthur> Frank: This is about syntax", "<Arthur> ... Do we care about syntax?",
                  "<dbooth> i/Frank: This is about/Topic: Issue LC82"], (),
                 ["summary: Finished with issue LC71; on to LC82.", "topic: Issue LC82",
                  "speaker Frank: This is about syntax | Do we care about syntax?"],
                 id="i-inserts-topic"),
    pytest.param(["<al> scribe: al", "<al> Frank: syntax", "<jo> i|Frank: syntax|Topic: X|"],
                 (), ["topic: X", "speaker Frank: syntax"], id="i-bars"),
    pytest.param(["<al> scribe: al", "<al> Frank: syntax", "<jo> i/nowhere/Topic: X"], (),
                 ["speaker Frank: syntax", "command jo: i/nowhere/Topic: X"],
                 id="i-failed-kept"),
    # slides, verbatim, named anchors
    pytest.param(["<dbooth> scribe: dbooth", "<dbooth> [Slide 2]"], (), ["summary: [Slide 2]"],
                 id="slide-without-slideset"),
    pytest.param(["<dbooth> scribe: dbooth", "<dbooth> ```", "<dbooth> function factorial(n) {",
                  "<dbooth>   if (n == 1) return 1", "<dbooth> action: no", "<dbooth> }",
                  "<dbooth> ```", "<dbooth> after"], (),
                 ["verbatim: function factorial(n) { |   if (n == 1) return 1 | action: no | }",
                  "summary: after"], id="verbatim-backquotes"),
    # a non-scribe's block (each line code): verbatim-by-others in test_scribe_lines_oracle
    pytest.param(["<scribe> scribe: scribe", "<scribe> [[", "<scribe> sub add($$) {",
                  "<scribe>    my ($a, $b) = @_;", "<cecilia> Me too!",
                  "<scribe>    return $a + $b;", "<scribe> }", "<scribe> ]]"], (),
                 ["verbatim: sub add($$) { |    my ($a, $b) = @_; |    return $a + $b; | }",
                  "irc cecilia: Me too!"], id="verbatim-interrupted"),
    pytest.param(["<dbooth> scribe: dbooth", "<dbooth> NamedAnchorHere:  foo bar ",
                  "<dbooth> x"], (), ["anchor: foo_bar", "summary: x"], id="named-anchor"),
    pytest.param(["<dbooth> scribe: dbooth", "<dbooth> NamedAnchorHere: toc", "<dbooth> x"], (),
                 ["irc dbooth: NamedAnchorHere: toc", "summary: x"], id="named-anchor-reserved"),
    # ScribeOptions
    pytest.param(["<al> scribe: al", "<al> ScribeOptions: -dashTopics -embedDiagnostics",
                  "<al> ---", "<al> Title here"], (), ["topic: Title here"],
                 id="scribeoptions-line"),
    # text
    pytest.param(["<al> scribe: al", "<al> Meeting: 会議", "<al> Topic: 議題",
                  "<al> 田中: こんにちは", "<al> ... 世界"], (),
                 ["topic: 議題", "speaker 田中: こんにちは | 世界"], id="cjk"),
]


@pytest.mark.parametrize(("lines", "argv", "expected"), OUTLINES)
def test_outline(lines: list[str], argv: tuple[str, ...], expected: list[str]) -> None:
    assert outline(minutes(lines, argv)) == expected


def test_leading_spaces_do_not_matter_by_default() -> None:
    """The manual's -allowSpaceContinuations example without the option: three separate items,
    "the extra spaces are ignored" (scribe.perl keeps them in the markup, where HTML
    collapses them)."""
    m = minutes(["<jim-scribe> scribe: jim-scribe", "<jim-scribe> Anna: Is the 5th OK?",
                 "<jim-scribe>  Silence.", "<jim-scribe>  Jen: maybe"])
    assert [(i.kind, i.speaker, i.text.strip()) for i in m.items()] == [
        ("speaker", "Anna", "Is the 5th OK?"), ("summary", "", "Silence."),
        ("speaker", "Jen", "maybe")]


def test_me_lines_are_irc_lines() -> None:
    text = "10:00:00 <al> scribe: al\n10:00:01 * jo waves\n10:00:02 <al> Bob: x\n"
    m, _ = make_minutes(text)
    (me, bob) = m.items()
    assert me.kind == "irc" and "jo" in me.speaker and me.text == "waves"
    assert (bob.kind, bob.speaker) == ("speaker", "Bob")


def test_summaries_of_actions_resolutions_issues() -> None:
    m = minutes(["<al> scribe: al", "<al> topic: T", "<al> ACTION: Frank to order lunch",
                 "<jo> RESOLVED: Accept Frank's proposal", "<al> Issue: Is 1+1=2?",
                 "<al> ACTION: Mary to eat it"])
    assert [a.text for a in m.actions] == ["Frank to order lunch", "Mary to eat it"]
    assert [r.text for r in m.resolutions] == ["Accept Frank's proposal"]
    assert [i.text for i in m.issues] == ["Is 1+1=2?"]
    page = html(["<al> scribe: al", "<al> topic: T", "<al> ACTION: Frank to order lunch",
                 "<jo> RESOLVED: Accept Frank's proposal", "<al> Issue: Is 1+1=2?"])
    action, resolution, issue = m.actions[0], m.resolutions[0], m.issues[0]
    assert f"<p id={action.id} class=action><strong>ACTION:</strong> Frank to order lunch</p>" \
        in page
    assert f"<p id={resolution.id} class=resolution><strong>RESOLUTION:</strong> Accept " \
        in page
    assert f"<p id={issue.id} class=issue><strong>ISSUE:</strong> Is 1+1=2?</p>" in page
    for name, title, item in (("ActionSummary", "Summary of action items", action),
                              ("ResolutionSummary", "Summary of resolutions", resolution),
                              ("IssueSummary", "Summary of issues", issue)):
        block = page[page.index(f"<div id={name}>"):]
        block = block[:block.index("</div>")]
        assert f"<h2>{title}</h2>" in block
        assert f'<li><a href="#{item.id}">{item.text}</a></li>' in block.replace("&#39;", "'")
        assert f'<li class=app><a href="#{name}">{title}</a></li>' in page


def test_scribeoptions_take_priority_over_the_command_line() -> None:
    opts, _ = parse_args(["-draft", "-noemphasis"])
    m, opts = make_minutes(log(["<al> scribe: al", "<al> ScribeOptions: -final",
                                "<al> ScribeOptions: -emphasis"]), opts)
    assert not opts.draft and opts.emphasis  # and they add up
    assert outline(m) == []


@pytest.mark.parametrize("prefix", ["\ufeff", ""], ids=["bom", "no-bom"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_bom_and_crlf(prefix: str, newline: str) -> None:
    text = prefix + log(["<al> scribe: al", "<al> Meeting: M", "<al> Bob: x", "<al> ... y",
                         "<al> s/y/z/"]).replace("\n", newline)
    m, _ = make_minutes(text)
    assert (m.title, m.scribes) == ("M", ("al",))
    assert outline(m) == ["speaker Bob: x | z"]


def test_bom_bytes_decoded() -> None:
    from bot.scribe.logformats import decode

    m, _ = make_minutes(decode(b"\xef\xbb\xbf" + log(["<al> Meeting: M"]).encode()))
    assert m.title == "M"


# ---- diagnostics --------------------------------------------------------------------------------

DIAGNOSTICS = [
    pytest.param(["<al> Bob: one", "<al> Bob: two", "<jo> hi"],
                 "No scribenick or scribe found. Guessed: al", id="guessed-scribe"),
    pytest.param(["<al> Scribe: al"], "Found no dated URLs. You may need to use 'Date:'.",
                 id="no-date"),
    pytest.param(["<al> Agenda: soon"], "Found 'Agenda:' not followed by a URL: 'soon'.",
                 id="agenda-not-a-url"),
    pytest.param(["<al> NamedAnchorHere: toc"],
                 'Named anchor "toc" ignored. (The name is reserved.)', id="anchor-reserved"),
    pytest.param(["<al> scribe: al", "<al> Present: Bob", "<al> Bob: x", "<al> carl: y",
                  "<al> Dan: z"], "Maybe present: carl, Dan", id="maybe-present"),
    pytest.param(["<al> scribe: al", "<al> Present: Bob", "<al> Bob: x", "<al> carl: y"],
                 "All speakers: Bob, carl", id="all-speakers"),
    pytest.param(["<al> scribe: al", "<al> Bob: x", "<Jo> hey", "<zed> hi", "<Zakim> +x"],
                 "Active on IRC: al, Jo, zed", id="active-on-irc"),
    pytest.param(["<al> scribe: al", "<al> Bob: Mary", "<al> s/Mary/Marie/"],
                 "Succeeded: s/Mary/Marie/", id="s-succeeded"),
    # the count is of lines changed (one change each), as scribe.perl counts
    pytest.param(["<al> scribe: al", "<al> Bob: Mary Mary", "<al> Bob: Mary",
                  "<al> s/Mary/Marie/g"], "Succeeded 2 times: s/Mary/Marie/g",
                 id="s-succeeded-times"),
    pytest.param(["<al> scribe: al", "<al> Bob: x", "<al> s/nothere/y/"],
                 "Failed: s/nothere/y/", id="s-failed"),
    pytest.param(["<al> scribe: al", "<al> Bob: see @@", "<al> s/@@/http://example.org/path/"],
                 "Warning: ‘s/@@/http://example.org/path/’ interpreted as replacing ‘@@’ by "
                 "‘http://example.org/path’", id="s-interpreted-as-replacing"),
    pytest.param(["<al> scribe: al", "<al> Frank: x", "<al> i/Frank/Topic: T"],
                 "Succeeded: i/Frank/Topic: T", id="i-succeeded"),
    pytest.param(["<al> scribe: al", "<al> ScribeOptions: -bogus"],  # scribe.perl's words
                 "Unknown option in scribeoptions: -bogus", id="bad-scribeoptions"),
]


@pytest.mark.parametrize(("lines", "expected"), DIAGNOSTICS)
def test_diagnostics(lines: list[str], expected: str) -> None:
    assert expected in minutes(lines).diagnostics


def test_no_diagnostic_for_what_is_fine() -> None:
    d = minutes(["<al> scribe: al", "<al> Meeting: M", "<al> Present: Bob", "<al> Bob: x"])
    assert not any(n.startswith(("No ", "Maybe present")) for n in d.diagnostics)


def test_embedded_diagnostics() -> None:
    lines = ["<al> Bob: x", "<al> s/nothere/y/"]
    assert "class=diagnostics" not in html(lines)
    page = html(lines, ["-embedDiagnostics"])
    block = page[page.index("<div class=diagnostics>"):]
    assert "<p class=warning>Failed: s/nothere/y/</p>" in block
    assert "<p class=warning>No scribenick or scribe found. Guessed: al</p>" in block


# ---- markup -------------------------------------------------------------------------------------

W2 = "https://www.example.org/ns/w2"
W2_LINK = f'<a href="{W2}">wall 2</a>'
# scribe.perl embeds the image in a link to it
W2_IMG = ('<a href="https://www.example.org/ns/w2.jpg"><img src="https://www.example.org/ns/w2.jpg"'
          ' alt="wall 2"></a>')
LONG = "https://www.example.org/a/very/long/path/to/some/document.html"

MARKUP = [
    # links
    pytest.param([f"See -> {W2} wall 2"], (), [f"See {W2_LINK}</p>"], id="ralph"),
    pytest.param([f'And -> {W2} "wall 2", too.'], (), [f"And {W2_LINK}, too.</p>"],
                 id="ralph-double-quoted"),
    pytest.param([f"-> {W2} 'wall 2' also."], (), [f">{W2_LINK} also.</p>"],
                 id="ralph-single-quoted"),
    pytest.param([f"wall 2 -> {W2}"], (), [f">{W2_LINK}</p>"], id="xueyuan"),
    pytest.param([f"See {W2} -> wall 2"], (), [f"See {W2_LINK}</p>"], id="xueyuan-inverted"),
    pytest.param([f'And {W2} -> "wall 2", too.'], (), [f"And {W2_LINK}, too.</p>"],
                 id="xueyuan-inverted-quoted"),
    pytest.param([f"-> wall 2 {W2}"], (), [f">{W2_LINK}</p>"], id="ivan"),
    pytest.param([f"And -> wall 2 {W2} too."], (), [f"And {W2_LINK} too.</p>"],
                 id="ivan-text-after"),
    pytest.param([f"Some text with [an embedded link]({W2}) and more text"], (),
                 [f'Some text with <a href="{W2}">an embedded link</a> and more text</p>'],
                 id="markdown-link"),
    pytest.param(["see https://example.org/x"], (),
                 ['see <a href="https://example.org/x">https://<wbr>example.org/<wbr>x</a>'],
                 id="bare-url"),
    pytest.param(["mail mailto:a@example.org"], (),
                 ['<a href="mailto:a@example.org">mailto:a@example.org</a>'], id="mailto"),
    pytest.param(["Bob: see -> javascript:alert(1) click"], (),
                 ["see -&gt; javascript:alert(1) click</p>"], id="no-javascript-link"),
    # images
    pytest.param(["See --> https://www.example.org/ns/w2.jpg wall 2"], (), [f"See {W2_IMG}</p>"],
                 id="image-ralph"),
    pytest.param(['And --> https://www.example.org/ns/w2.jpg "wall 2", too.'], (),
                 [f"And {W2_IMG}, too.</p>"], id="image-ralph-quoted"),
    pytest.param(["wall 2 --> https://www.example.org/ns/w2.jpg"], (), [f">{W2_IMG}</p>"],
                 id="image-xueyuan"),
    pytest.param(["See https://www.example.org/ns/w2.jpg --> wall 2"], (), [f"See {W2_IMG}</p>"],
                 id="image-xueyuan-inverted"),
    pytest.param(["And --> wall 2 https://www.example.org/ns/w2.jpg too."], (),
                 [f"And {W2_IMG} too.</p>"], id="image-ivan"),
    pytest.param(["Here it as an image: ![a tree](https://example.org/tree.jpg)"], (),
                 ['Here it as an image: <a href="https://example.org/tree.jpg"><img '
                  'src="https://example.org/tree.jpg" alt="a tree"></a>'],
                 id="image-markdown"),
    # GitHub
    pytest.param(["Let's talk about w3c/scribe#3", "And transitions#5"], (),
                 ['about <a href="https://github.com/w3c/scribe/issues/3">w3c/scribe#3</a>',
                  'And <a href="https://github.com/w3c/transitions/issues/5">transitions#5</a>'],
                 id="github-owner-defaults-to-w3c"),
    pytest.param(["Repo: w3c/scribe, transitions, webn/drafts", "Repo: docs, w3c/scribe2",
                  "Let talk about #3, drafts#7 and tests#1", "and docs#2 and transitions#9"], (),
                 # scribe.perl, unlike its manual, takes the owner of "name#N" from the
                 # latest repository, whatever the repositories of that name
                 ['<a href="https://github.com/w3c/scribe2/issues/3">#3</a>',
                  '<a href="https://github.com/w3c/drafts/issues/7">drafts#7</a>',
                  '<a href="https://github.com/w3c/tests/issues/1">tests#1</a>',
                  '<a href="https://github.com/w3c/docs/issues/2">docs#2</a>',
                  '<a href="https://github.com/w3c/transitions/issues/9">transitions#9</a>'],
                 id="github-repo-command"),
    pytest.param(["Repos+ w3c/scribe", "see #1"], (),
                 ['<a href="https://github.com/w3c/scribe/issues/1">#1</a>'],
                 id="github-repo-plus"),
    pytest.param(["Repository: https://gitlab.example.com/foo/bar, baz", "see #1 and bar#2"], (),
                 ['<a href="https://gitlab.example.com/foo/baz/issues/1">#1</a>',
                  '<a href="https://gitlab.example.com/foo/bar/issues/2">bar#2</a>'],
                 id="github-repo-full-urls"),
    pytest.param(["Repositories: w3c/scribe, w3c/scribe2", "Repo- w3c/scribe2", "see #1"], (),
                 ['<a href="https://github.com/w3c/scribe/issues/1">#1</a>'],
                 id="github-repo-minus"),
    pytest.param(["Repo: w3c/scribe", "Repo:", "see #1"], (), ["see #1</p>"],
                 id="github-repo-empty-clears"),
    pytest.param(["and #4 alone"], (), ["and #4 alone</p>"], id="github-no-repo-no-link"),
    pytest.param(["Let's talk about w3c/scribe#3"], ("-nogithubIssues",),
                 ["Let's talk about w3c/scribe#3</p>"], id="no-github-issues"),
    pytest.param(["topic: Discuss https://github.com/w3c/scribe2", "see #1"], (),
                 ['<a href="https://github.com/w3c/scribe2/issues/1">#1</a>'],
                 id="github-repo-from-topic"),
    pytest.param(["ghurlbot, this is https://gitlab.example.com/foo/bar", "see #1"], (),
                 ['<a href="https://gitlab.example.com/foo/bar/issues/1">#1</a>'],
                 id="github-repo-from-ghurlbot-command"),
    pytest.param(["Repo: w3c/scribe, w3c/baz", "ghurlbot, drop baz", "see #1"], (),
                 ['<a href="https://github.com/w3c/scribe/issues/1">#1</a>'],
                 id="github-repo-dropped-by-ghurlbot-command"),
    # slides
    pytest.param(["Slideset: https://www.w3.org/Talks/Tools/b6plus/", "[Slide 2]",
                  "Dom: as this slide illustrates, scribing is awesome"], (),
                 ['<a class=islide data-islide-srcref="" href="https://www.w3.org/Talks/Tools/'
                  'b6plus/#2">[Slide 2]</a></p>', "<cite>Dom:</cite> as this slide"],
                 id="slide"),
    pytest.param(["Slideset: https://example.org/s.pdf", "[slide 4]"], (),
                 ['href="https://example.org/s.pdf#page=4">[Slide 4]</a>'], id="slide-pdf"),
    pytest.param(["Slideset: -> my slides https://www.w3.org/Talks/Tools/b6plus/", "[Slide 3]"],
                 (), ['href="https://www.w3.org/Talks/Tools/b6plus/#3">[Slide 3]</a>'],
                 id="slideset-ralph-link"),
    pytest.param(["Slideset: -> my slides https://www.w3.org/Talks/Tools/b6plus/"], (),
                 ['<a href="https://www.w3.org/Talks/Tools/b6plus/">my slides</a>'],
                 id="slideset-anchor-text"),
    # verbatim and anchors
    pytest.param(["```", "if (a < b && c) {", "```"], (),
                 # scribe.perl's class for the block, and a line break after <pre> and
                 # before </pre>
                 ["<pre id=", " class=summary>\nif (a &lt; b &amp;&amp; c) {\n</pre>"],
                 id="verbatim-escaped"),
    pytest.param(["NamedAnchorHere: foo bar", "x"], (),
                 ['<p class=anchor id="foo_bar"><a href="#foo_bar">⚓</a></p>'],
                 id="named-anchor-markup"),
    # emphasis
    pytest.param(["_underlined_ /italic/ *bold* `monospace`"], ("-emphasis",),
                 ["<u>underlined</u> <em>italic</em> <strong>bold</strong> "
                  "<code>monospace</code>"], id="emphasis"),
    pytest.param(["_underlined_ /italic/ *bold* `monospace`"], (),
                 ["_underlined_ /italic/ *bold* `monospace`</p>"], id="emphasis-off"),
    pytest.param(["x_y_z and a*b*c"], ("-emphasis",), ["x_y_z and a*b*c</p>"],
                 id="emphasis-needs-spaces"),
    pytest.param(["this is */bold italics/* ok"], ("-emphasis",),
                 ["this is <strong><em>bold italics</em></strong> ok"], id="emphasis-nested"),
    pytest.param(["a <- b <-- c <= d <== e ==> f => g --> h -> i"], ("-emphasis",),
                 ["a ← b ⟵ c ⇐ d ⟸ e ⟹ f ⇒ g ⟶ h → i</p>"], id="emphasis-arrows"),
    pytest.param([":-) ;-) :-( :-/ ,-) \\o/"], ("-emphasis",), ["☺ 😉︎ ☹ 😕︎ 😜︎ 🙌︎</p>"],
                 id="emphasis-smileys"),
    pytest.param(["a => b :-)"], (), ["a =&gt; b :-)</p>"], id="emphasis-off-arrows"),
    pytest.param(["from \\$2.50 to $2.99 is no math"], ("-emphasis",),
                 ["from $2.50 to $2.99 is no math</p>"], id="emphasis-escaped-dollar"),
    # URL display
    pytest.param([f"see {LONG}"], (),
                 [f'<a href="{LONG}">https://<wbr>www.example.org/<wbr>a/<wbr>very/<wbr>long/'
                  "<wbr>path/<wbr>to/<wbr>some/<wbr>document.html</a>"], id="url-display-break"),
    pytest.param([f"see {LONG}"], ("-urlDisplay", "full"), [f'<a href="{LONG}">{LONG}</a>'],
                 id="url-display-full"),
    # keepLines
    pytest.param(["Camille: This works fine.", "... I tested it.", "... See the report."], (),
                 ["<cite>Camille:</cite> This works fine.<br>\n<span id=",
                  ">… I tested it.</span><br>\n<span id=", ">… See the report.</span></p>"],
                 id="keeplines"),
    pytest.param(["Camille: This works fine.", "... I tested it.", "... See the report."],
                 ("-nokeeplines",),
                 ["<cite>Camille:</cite> This works fine. I tested it. See the report.</p>"],
                 id="nokeeplines"),
    # markup of the kinds of lines
    pytest.param(["Mike: hello", "General agreement."], (),
                 ['class="phone s01"><cite>Mike:</cite> hello</p>',
                  "class=summary>General agreement.</p>"], id="speaker-and-summary-markup"),
    pytest.param(["Mike: a", "Sue: b", "Mike: c"], (),
                 ['class="phone s01"><cite>Mike:</cite> a', 'class="phone s02"><cite>Sue:</cite> b',
                  'class="phone s01"><cite>Mike:</cite> c'], id="speaker-classes"),
]


@pytest.mark.parametrize(("lines", "argv", "expected"), MARKUP)
def test_markup(lines: list[str], argv: tuple[str, ...], expected: list[str]) -> None:
    body = main(["<dbooth> scribe: dbooth", *(f"<dbooth> {line}" for line in lines)], argv)
    for fragment in expected:
        assert fragment in body


def test_url_display_shorten() -> None:
    body = main(["<dbooth> scribe: dbooth", f"<dbooth> see {LONG}"], ["-urlDisplay", "shorten"])
    start = body.index(f'<a href="{LONG}">') + len(f'<a href="{LONG}">')
    shown = body[start:body.index("</a>", start)]
    assert "…" in shown and len(shown) < len(LONG)
    assert LONG.startswith(shown.split("…")[0]) and LONG.endswith(shown.split("…")[1])


@pytest.mark.parametrize(("lines", "expected"), [
    pytest.param(["<al> scribe: al", "<jo> I agree"],
                 "class=irc><cite>&lt;jo&gt;</cite> I agree</p>", id="irc"),
    pytest.param(["<al> scribe: al", "<trackbot> Created ACTION-1"],
                 "class=bot><cite>&lt;trackbot&gt;</cite> Created ACTION-1</p>", id="trackbot"),
    pytest.param(["<al> scribe: al", "<Zakim> jo, you wanted to ask"],
                 "class=irc><cite>&lt;Zakim&gt;</cite> jo, you wanted to ask</p>",
                 id="zakim-wanted"),
])
def test_line_markup(lines: list[str], expected: str) -> None:
    assert expected in main(lines)


def test_topics_in_contents_and_headings() -> None:
    m = minutes(["<al> scribe: al", "<al> topic: Food and drink", "<al> subtopic: Morning coffee"])
    page = html(["<al> scribe: al", "<al> topic: Food and drink", "<al> subtopic: Morning coffee"])
    topic = m.topics[0]
    sub = topic.subsections[0]
    assert f'<li><a href="#{topic.id}">Food and drink</a>\n<ol>\n' \
        f'<li><a href="#{sub.id}">Morning coffee</a></li>' in page
    assert f"<h3 id={topic.id}>Food and drink</h3>" in page
    assert f"<h4 id={sub.id}>Morning coffee</h4>" in page


def test_header_links() -> None:
    page = html(["<al> Agenda: http://example.org/agenda",
                 "<RRSAgent> logging to https://www.w3.org/2014/04/09-forms-irc",
                 "<al> Previous meeting: http://example.org/20180918",
                 "<al> Next meeting: http://example.org/20181002"])
    nav = page[page.index("<nav id=links>"):]
    nav = nav[:nav.index("</nav>")]
    hrefs = [part.split('"')[0] for part in nav.split('<a href="')[1:]]
    assert hrefs == ["http://example.org/20180918", "http://example.org/agenda",
                     "https://www.w3.org/2014/04/09-forms-irc", "http://example.org/20181002"]


def test_attendees_block() -> None:
    page = html(["<al> Scribe: jon2 = John Smith", "<al> Chair: Mike", "<al> Present: B, a",
                 "<al> Meeting: Baking Club", "<al> Date: 05 Dec 2002"])
    assert "<dt>Present</dt><dd>a, B</dd>" in page
    assert "<dt>Regrets</dt><dd>-</dd>" in page
    assert "<dt>Chair</dt><dd>Mike</dd>" in page
    assert "<dt>Scribe</dt><dd>John Smith</dd>" in page
    assert "<title>Baking Club &ndash; 05 Dec 2002</title>" in page  # as typed
    assert "<h1>&ndash; DRAFT &ndash;<br>\nBaking Club</h1>" in page
    assert "<h1>Baking Club</h1>" in html(["<al> Meeting: Baking Club"], ["-final"])


def test_slides_load_i_slide() -> None:
    lines = ["<dbooth> scribe: dbooth", "<dbooth> Slideset: https://example.org/s.pdf",
             "<dbooth> [slide 1]"]
    assert minutes(lines).has_slides
    assert '<script type=module src="https://w3c.github.io/i-slide/i-slide-2.js?selector=' \
        'a.islide"></script>' in html(lines)
    assert "i-slide" not in html(["<dbooth> scribe: dbooth", "<dbooth> [slide 1]"])


def test_collapse_limit() -> None:
    page = html(["<al> Present: Ann, Bob, Carl"], ["-collapseLimit", "2"])
    dd = page[page.index("<dt>Present</dt>"):page.index("<dt>Regrets</dt>")]
    assert "<details" in dd and "Carl" in dd
    assert "<details" not in html(["<al> Present: Ann, Bob, Carl"])


def test_recording() -> None:
    """The recording is played at the top, and each topic links to its time in it."""
    page = html(["<dbooth> Recording: https://youtu.be/PjpACM_6IgM",
                 "<dbooth> Recording is starting", "<dbooth> topic: A", "<dbooth> subtopic: B"])
    player = page[page.index("<section id=recording>"):]
    assert 'Recording: <a href="https://youtu.be/PjpACM_6IgM">' in player
    for tag, offset in (("h3", 1), ("h4", 2)):
        heading = page[page.index(f"<{tag} id="):]
        heading = heading[:heading.index(f"</{tag}>")]
        assert f'href="https://www.youtube.com/watch?v=PjpACM_6IgM#t={offset}"' in heading


def test_gb_substitution_turns_the_topic_into_a_titled_link() -> None:
    """gb answers a topic naming an issue with ``s|ref|-> title URL|``, an edit meant for
    scribe.perl: the topic becomes a link titled by the issue, and gb's line disappears.
    Anyone's s/// is an edit to scribe.perl, a bot's too: Zakim's here changes the topic."""
    url = "https://github.com/w3c/ghurlbot/issues/15"
    lines = ["<joe> scribe: joe", "<joe> topic: about w3c/ghurlbot#15",
             f"<gb> s|w3c/ghurlbot#15|-> Issue 15 help make better topics (by pc) {url}|",
             "<Zakim> s|about|nothing|", "<joe> joe: hello"]
    page = compare_minutes(log(lines))
    body = page[page.index("<main"):page.index("</main>")]
    assert f'>nothing <a href="{url}">Issue 15 help make better topics (by pc)</a></h3>' in body
    assert "s|" not in body and "&lt;gb&gt;" not in body and "about" not in body
