"""What each line is, ``agendum minutes`` against scribe.perl (tests/support/scribe_oracle.py).

Each case is a few lines of a made-up log, run through both programs with -embedDiagnostics
(the diagnostics are then part of the compared HTML): speaker lines (``bob: text``) and what is
not one (URLs, ``10:30``, ``a b: c``, quotes, PROPOSED and the other words scribe.perl does not
take for names, the full-width colon); ``...``/``…`` continuations after speakers, topics,
resolutions, actions, issues, descriptive lines and after nothing, with -implicitContinuations
and -allowSpaceContinuations; the ``+1`` and ``-> URL`` lines; ``\\`` escapes and ``<mynick>``
asides; verbatim blocks; others' lines, -scribeOnly; -dashTopics; the bots' own lines (Zakim,
RRSAgent, trackbot, agendabot, gb) and the lines addressed to them, with and without
-useZakimTopics and -ghurlbot; i/// insertions; tabs. What scribe.perl does was found by running
it; the cases keep the forms that surprise: a scribe's "..." after a topic continues the topic
unless a speaker was named before; anyone's "..." continues their own last resolution, action,
issue or heading whoever spoke between (and, when they wrote nothing before, the log's first
line); "Zakim: q+" and "rrsagent: x" are kept, "zakim, q+" and "rrsagent, x" are not; Zakim's
lines are IRC lines with -noUseZakimTopics; gb's lines that are no reply it knows are IRC lines.

A property test then mixes all of these at random under random options.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scribe.engine import _NOT_SPEAKER, _SPEAKER, _Builder, _not_speaker, _zakim_pattern
from bot.scribe.perlchars import perl_case
from tests.scribe.test_scribe_oracle import FORMS as ZAKIM_FORMS
from tests.support.scribe_oracle import compare_minutes, require_oracle, rrsagent_log

log = rrsagent_log


def case(name: str, lines: list[str], *options: str, dated: bool = True) -> object:
    return pytest.param(lines, options, dated, id=name)


SPEAKERS = [
    case("speaker-shapes", ["al scribe: al", "al bob: hi", "al Bob : spaced colon",
                            "al 10:30 is a speaker named 10", "al \"iss\": quotes are no name",
                            "al a b: c", "al   bob: indented ", "al .x: one dot",
                            "al ..x: two dots continue", "al <bob>: angle", "al bob:",
                            "al bob:no space", "al x:y:z"]),
    case("not-speakers", ["al scribe: al", "al http://example.org: a URL",
                          "al mailto:jo@example.org: mail", "al github: x", "al Proposal: y",
                          "al PROPOSED: z", "al issue-12: i", "al ACTION-3: a",
                          "al proposed : spaced"]),
    case("full-width-colon", ["al scribe: al", "al 田中：こんにちは", "al …世界", "al 鈴木 ： 発言",
                              "al topic：議題", "al ... 続き"]),
    case("speaker-by-non-scribe", ["al scribe: al", "jo bob: not minutes", "jo ... nor this"]),
    case("speaker-trailing-spaces-kept", ["al scribe: al", "al bob: text   ", "al ...   more  "]),
    case("speakers-many", ["al scribe: al", *(f"al p{i}: x" for i in range(105))]),
    case("speaker-case", ["al scribe: al", "al Bob: x", "al bob: y", "al BOB: z", "al ... more"]),
]

CONTINUATIONS = [
    case("dots-forms", ["al scribe: al", "al bob: one", "al ... two", "al ..three", "al …four",
                        "al  ...  five ", "al .... six", "al . not one", "al …"]),
    case("interrupted", ["al scribe: al", "al bob: one", "jo interrupt", "al ... two",
                         "al ... three"]),
    case("after-topic-without-speaker", ["al scribe: al", "al topic: Food", "al ... and drink",
                                         "al … and more", "al bob: x"]),
    case("after-topic-with-speaker", ["al scribe: al", "al bob: x", "al topic: Two",
                                      "al ... continues bob"]),
    case("after-subtopic", ["al scribe: al", "al subtopic: Sub", "al ... more", "jo ... jo's"]),
    case("after-others-topic", ["al scribe: al", "jo topic: By jo", "al ... al's", "jo ... jo's"]),
    case("after-resolution", ["al scribe: al", "jo RESOLUTION: r", "al bob: x", "jo ... more r",
                              "al ... more bob", "al RESOLUTION: mine", "al ... after mine"]),
    case("after-action-issue", ["al scribe: al", "al ACTION: a", "al ... b", "al Issue: c",
                                "al ... d", "jo ACTION: bob to x", "bob hi", "jo ... later"]),
    case("after-description", ["al scribe: al", "al General agreement.", "jo interrupt",
                               "al ... mostly", "al \\escaped", "al ... esc cont",
                               "al -> http://example.org/l link", "al ... link cont"]),
    case("after-nothing", ["al scribe: al", "al ... nothing before", "jo ... nor for jo",
                           "al ... now a description's"]),
    case("first-line-is-continued", ["chair topic: First", "al scribe: al", "jo ... hello",
                                     "jo ... again"], dated=False),
    case("first-line-description", ["al scribe: al", "bob ... bob joins the first"],
         dated=False),
    case("vote-keeps-speaker", ["al scribe: al", "al bob: x", "al +1", "al ... still bob",
                                "al +1a", "al -1 no", "al +1: x", "al +12", "al -2, meh"]),
    case("link-keeps-speaker", ["al scribe: al", "al bob: x", "al -> https://example.org/a a",
                                "al ... still bob", "al plain", "al ... no longer bob"]),
    case("escape-keeps-speaker", ["al scribe: al", "al bob: x", "al \\plain", "al ... bob"]),
    case("two-scribes", ["al scribe: al, cy", "al bob: x", "cy carl: y", "al ... bob's",
                         "cy ... carl's", "al_ ... underscored nick"]),
    case("implicit", ["al scribe: al", "al plain first", "al Mary: Now", "al for all", "al +1",
                      "al topic: T", "al more", "al ... dots", "jo hi", "al after jo",
                      "al -> https://example.org/x"], "-implicitContinuations"),
    case("implicit-resolution", ["al scribe: al", "al RESOLUTION: r", "al plain"], "-implicit"),
    case("allow-space", ["al scribe: al", "al Anna: Is the 5th OK?", "al  Silence.",
                         "al  Jen: maybe", "al plain", "al  spaced", "al Bo: x", "al   ... dots"],
         "-allowSpace"),
    case("allow-space-off", ["al scribe: al", "al Anna: Is the 5th OK?", "al  Silence.",
                             "al  Jen: maybe"]),
    case("implicit-and-space", ["al scribe: al", "al bob: x", "al  sp", "al plain"], "-implicit",
         "-allowSpace"),
    case("keep-lines-off", ["al scribe: al", "al topic: T", "al ... t2", "al bob: x",
                            "al ... y", "al RESOLUTION: r", "al ... r2"], "-nokeepLines"),
    case("emphasis", ["al scribe: al", "al bob: *bold*", "al ... _under_ /it/"], "-emphasis"),
]

TEXT = [
    case("escapes", ["al scribe: al", "al \\", "jo \\", "jo \\topic: no", "al \\\\n newline",
                     "al   \\ spaced", "al \\Topic: same", "al \\s/a/b/"]),
    case("asides", ["al scribe: al", "al <al> aside", "al <AL> upper", "al <al>",
                    "jo <jo> mine", "jo <al> not mine", "al <bob> :-)", "al  <al>x"]),
    case("others-lines", ["al scribe: al", "al bob: x", "jo I agree", "jo   spaced ",
                          "jo Carl: no", "jo +1"]),
    case("scribe-only", ["al scribe: al", "al bob: x", "jo interrupt", "al ... more bob",
                         "al +1", "al ... still", "al s/nothere/y/", "al ... after",
                         "jo RESOLUTION: r", "jo ... r more", "al <al> aside"], "-scribeOnly"),
    case("scribe-only-hidden-line-takes-its-id", ["al scribe: al", "|10:00:05 <jo> same words",
                                                 "|10:00:05 <al> same words"], "-scribeOnly"),
    case("failed-edits", ["al scribe: al", "al bob: x", "al s/nothere/y/", "al ... after",
                          "jo s/nope/z/", "al i/nowhere/x"]),
    case("inserted-lines", ["al scribe: al", "al bob: This is about syntax", "al ... Do we care?",
                            "jo i/bob: This/Topic: Issue LC82",
                            "jo i/Do we care/carl: inserted speaker", "al ... after"]),
    case("tabs", ["al scribe: al", "al bob:\ttabbed\ttext\t", "al \t... tab cont",
                  "al \t\\\tesc"]),
    case("empty-lines", ["al scribe: al", "al bob: x", "al ", "al    ", "al ... y"]),
    case("slides", ["al scribe: al", "al [slide 1]", "al slideset: https://example.org/s.pdf",
                    "al [ Slide 2 ]", "jo [slide 3]", "al [slide 04] x", "al bob: x",
                    "al [slide 5]", "al ... bob"]),
]

VERBATIM = [
    case("verbatim-by-others", ["al scribe: al", "jo [[", "jo January    45", "jo present+ X",
                                "al bob: interleaved", "jo end ]]", "jo after", "jo ```",
                                "jo   code ", "jo ```"]),
    case("verbatim-empty", ["al scribe: al", "al [[", "al ]]", "al after"]),
    case("verbatim-scribe", ["al scribe: al", "al bob: before", "al ```", "al function f(n) {",
                             "jo Me too!", "al   if (n == 1) return 1", "al ", "al action: no",
                             "al }", "al ```", "al ... after"]),
    # a scribe's block line goes to the scribe's last record: a "nick: …" line typed since
    case("verbatim-after-speaker-named-so", ["al scribe: *", "jo [[", "al jo: hello",
                                            "jo in block", "jo two", "jo ]]"], dated=False),
    case("verbatim-before-scribing", ["al scribe: al", "jo hi", "jo [[", "al scribe+ jo",
                                      "jo in block", "jo ]]", "jo after"]),
    case("verbatim-before-scribing-after-topic", ["al scribe: al", "jo topic: T", "jo [[",
                                                  "al scribe+ jo", "jo in block", "jo ]]"]),
    case("verbatim-speaker-other-case", ["al scribe: *", "jo [[", "al Jo: hello",
                                         "jo in block", "jo ]]"]),
]

DASHES = [
    case("dash-topics", ["al scribe: al", "al ---", "jo between", "al Review of Action Items",
                         "al bob: x", "jo -", "jo not a title", "al -----", "al ",
                         "al next after blank"], "-dashTopics"),
    case("dash-topics-title-continued", ["al scribe: al", "al ---", "al Title",
                                         "al ... more title"], "-dashTopics"),
    case("dash-topics-others-topic-between", ["al scribe: al", "jo ---", "al topic: Between",
                                              "jo bob: title by jo", "jo ... after"],
         "-dashTopics"),
    case("dash-topics-first-line", ["al ---", "al First", "jo ... joins the first",
                                    "al scribe: al"], "-dashTopics", dated=False),
    case("dash-topics-repository", ["al scribe: al", "al ---", "jo #12 before",
                                    "al About https://github.com/w3c/foo", "al #13 after"],
         "-dashTopics"),
    case("dash-topics-no-title", ["al scribe: al", "al bob: x", "al ---"], "-dashTopics"),
    case("dash-topics-off", ["al scribe: al", "al ---", "al Review"]),
    case("dash-topics-no-title-scribe-only", ["al scribe: al", "jo -", "al x"], "-dashTopics",
         "-scribeOnly"),
]

BOTS = [
    case("zakim-lines", ["al scribe: al",
                         "Zakim agendum 2 -- UTF16 PR issue -- taken up [from MSMscribe]",
                         "al bob: x", 'Zakim agendum 3. "Intro stuff" taken up [from agendabot]',
                         "Zakim jo, you wanted to ask about x", "Zakim ... and more",
                         "Zakim I see jo on the queue", "Zakim ... more queue",
                         "Zakim As of this point the attendees have been a, b, c,",
                         "Zakim ... d, e", "Zakim agendum 4 -- a very long",
                         "Zakim ... title -- taken up [from x]", "Zakim agendum 5 -- x -- taken up",
                         "Zakim Agendum 6 -- upper", "Zakim  agendum 7 -- spaced"]),
    case("zakim-attendees", ["al scribe: al", "Zakim the attendees were (no one)",
                             "Zakim leaving. As of this point the attendees have been alice, "
                             "(no one), bob", "Zakim ... carl,  dave", "Zakim ...no space",
                             "Zakim present: x, y", "Zakim ... c, d"]),
    # "+q" ends where Perl's word characters do: "¼" is none, a combining mark is one
    case("zakim-queue-sign-unicode", ["al scribe: al", "al +q¼", "al -q\u0301", "al +qq²",
                                      "al ?queue\u203f", "al = Q½ x", "al +q\u00e9"]),
    case("zakim-other-nicks", ["al scribe: al", "zakim lowercase nick is anyone",
                               "Zakim_ underscored too", "Zakim ... continues nothing"]),
    case("zakim-ignored", ["al scribe: al",
                           "Zakim agendum 2 -- UTF16 PR issue -- taken up [from MSMscribe]",
                           "al zakim, next agendum", "jo q+", "Zakim I see jo on the queue",
                           "Zakim ... more", "Zakim As of this point the attendees have been a, b",
                           "Zakim present: x, y", "Zakim jo, you wanted to ask"],
         "-noUseZakimTopics"),
    case("rrsagent-lines", ["al scribe: al", "RRSAgent present+ rrsa", "RRSAgent topic: from it",
                            "RRSAgent ACTION: bob to x [1]",
                            "RRSAgent   recorded in https://www.w3.org/2024/03/07-wg-irc#T1",
                            "RRSAgent I have made the request to generate "
                            "https://www.w3.org/2024/03/07-wg-minutes",
                            "rrsagent a lowercase nick is anyone"]),
    case("trackbot-lines", ["al scribe: al", "trackbot Created ACTION-1971 - Fix x",
                            "trackbot hello there", "Trackbot upper is anyone",
                            "trackbot https://example.org/lonely-first-would-be-a-bot-line"]),
    case("trackbot-links", ["al scribe: al", "trackbot Created ACTION-1 - Fix x",
                            "trackbot https://www.w3.org/action/1",
                            "trackbot ACTION-12 -- do something -- due today", "al interrupt",
                            "trackbot https://example.org/a12"]),
    case("agendabot-lines", ["al scribe: al", "agendabot clear agenda", "al agendabot, x",
                             "al agendabot: x", "Agendabot is anyone"]),
    case("gb-lines", ["al scribe: al", "gb Issue 5 opened", "gb Created issue 7",
                      "gb Closed issue 3", "gb Cannot find it", "gb al, OK.", "gb OK",
                      "gb something else", "GB upper", "gb_ underscore", "ghurlbot Reopened 4"]),
    case("gb-references", ["al scribe: al",
                           "gb https://github.com/w3c/x/issues/5 -> Issue 5 the title",
                           "gb https://github.com/w3c/x/pull/6 -> CLOSED Pull Request 6 other",
                           "gb https://github.com/w3c/x/pull/9 -> #9 title",
                           "gb https://github.com/bob -> @bob"]),
    case("gb-ignored", ["al scribe: al", "gb Issue 5 opened", "al gb, hello", "al ghurlbot , x",
                        "al gb: hello", "ghurlbot Created issue 1"], "-noghurlbot"),
    case("addressed-to-bots", ["al scribe: al", "al zakim, who is here?", "jo Zakim: close item 1",
                               "jo zakim_, q+", "jo Zakim , q+", "al rrsagent, make minutes",
                               "al rrsagent: make minutes", "al RRSAgent , make minutes",
                               "al  rrsagent,x", "al trackbot, end meeting", "al trackbot, hello",
                               "al trackbot , bye now", "al trackbot, startx",
                               "al trackbot, status", "al gb, hello", "jo agendabot, x",
                               "al agendabot: x"]),
    case("addressed-to-zakim-ignored", ["al scribe: al", "al zakim, who is here?",
                                        "jo Zakim: q+", "al q+", "al ack jo"],
         "-noUseZakimTopics"),
    case("scribe-star-bots", ["al scribe: *", "trackbot bob: from trackbot", "gb carl: from gb",
                              "Zakim dan: from Zakim", "jo ... jo"]),
    case("scribe-star-zakim-ignored", ["al scribe: *", "Zakim dan: from Zakim", "Zakim ... more"],
         "-noUseZakimTopics"),
]


@pytest.mark.parametrize(("lines", "options", "dated"),
                         [*SPEAKERS, *CONTINUATIONS, *TEXT, *VERBATIM, *DASHES, *BOTS])
def test_lines(lines: list[str], options: tuple[str, ...], dated: bool) -> None:
    compare_minutes(log(lines, dated), ("-embedDiagnostics", *options))


# ---- random mixes ----

WORDS = ["the", "draft", "agenda", "queue", "looks", "good", "section", "2", "q", "zakim",
         "please", "ok", "10:30", "http://example.org/x", "…", "...", "+1", "bob:", "->", "\\",
         "[[", "]]", "```", "<al>", "---", "：", "#12"]
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
name = st.sampled_from(["bob", "carl", "田中", "10", "al"])
PEOPLE = ["al", "cy", "jo"]  # al and cy scribe
person = st.sampled_from(PEOPLE)
said = st.one_of(
    st.tuples(name, text).map(lambda t: f"{t[0]}: {t[1]}"),
    text.map(lambda t: f"... {t}"), text.map(lambda t: f"…{t}"), text.map(lambda t: f"  {t}"),
    text.map(lambda t: f" {t}"), text,
    st.sampled_from(["+1", "-1 no", "-> https://example.org/p a page", "\\topic: escaped",
                     "<al> aside", "<cy> aside", "---", "-", "topic: T", "subtopic: S",
                     "RESOLUTION: r", "ACTION: bob to act", "ISSUE: i", "PROPOSED: p",
                     "q+", "ack jo", "zakim, next agendum", "Zakim: q+", "rrsagent, draft",
                     "rrsagent: x", "trackbot, end", "trackbot, hi", "gb, hello", "agendabot, x",
                     "s/nothere/x/", "[slide 2]", "slideset: https://example.org/s.pdf",
                     "scribe: cy", "scribe+ jo", "scribe- jo", "present+", "", "   "]),
)
bot_line = st.sampled_from([
    "Zakim agendum 2 -- A title -- taken up [from al]", "Zakim ... more title",
    "Zakim jo, you wanted to ask", "Zakim ... and more", "Zakim I see no one",
    "Zakim As of this point the attendees have been a, b", "Zakim ... c",
    "trackbot Created ACTION-1 - Do x", "trackbot hello", "gb Created issue 3", "gb OK.",
    "gb something", "agendabot hi", "RRSAgent ACTION: x to y [1]",
])
line = st.one_of(st.tuples(person, said).map(" ".join), bot_line)
# the options that change what lines are (-scribeOnly aside: a hidden line's id is not taken
# yet, see the report; the table has its cases)
options = st.lists(st.sampled_from(["-implicitContinuations", "-allowSpace", "-dashTopics",
                                    "-noUseZakimTopics", "-nokeepLines", "-noghurlbot"]),
                   unique=True, max_size=3)


@settings(max_examples=60, deadline=None)
@given(st.lists(line, min_size=1, max_size=25), options)
def test_random_logs(lines: list[str], opts: list[str]) -> None:
    """Anything scribes, others and bots may type, in any order: the same minutes. Every
    person's last line is plain text, so that no "---" waits for its title (see
    dash-topics-no-title-scribe-only) and no verbatim block hashes several lines."""
    closing = [f"{p} bye" for p in PEOPLE]
    body = [ln for ln in lines if not ln.split(" ", 1)[1].strip(" ").startswith(("```", "[["))]
    compare_minutes(log(["al scribe: al, cy", *body, *closing]), ("-embedDiagnostics", *opts))


# ---- the engine's shortcuts mean what the patterns mean ----

gate_text = st.text(st.sampled_from(list(" qQuUeEaAcCkKgGnNdDsShHoOwWtTpPlLvVzZiImM+-=?:,/.ſ2")),
                    max_size=14)


@settings(max_examples=300, deadline=None)
@given(st.one_of(gate_text, st.tuples(st.sampled_from(
    [form for form, _ in ZAKIM_FORMS] + ["http", "HTTPS", "mailto", "geo", "urn", "proposed",
                                         "Proposal", "issue-1", "ACTION-2", "github", " bob"]),
    gate_text).map("".join)))
def test_first_word_shortcuts(t: str) -> None:
    """Zakim's commands are tested by their first word before the long pattern, and speaker
    lines by their name before the URL pattern: the same answers as the patterns alone."""
    assert _Builder.zakim_command(t) == _zakim_pattern(t)
    if m := _SPEAKER.fullmatch(t):
        assert _not_speaker(t, m) == bool(_NOT_SPEAKER.match(t))


# ---- Perl's /i, not Python's re.I ----

_PERL_MATCHES = ("use v5.16; use JSON::PP; local $/;"
                 "print encode_json([map { $_->[1] =~ /^(?:$_->[0])$/i ? 1 : 0 }"
                 " @{decode_json(<STDIN>)}])")
# classes perl_case rewrites, and (no letter, range or escape) ones it leaves as they are
FOLD_PATTERNS = ("scribe", "[a-z]+", "[^a-z]+", "[a-z0-9._-]+", "[^/?#]+", r"[\w]+", "x[iI]",
                 "[^ ,]+", "[ .,]+")
FOLD_TEXTS = ("scribe", "SCRIBE", "scrıbe", "SCRİBE", "ſcribe", "ı", "İ", "i", "I", "ſ", "K",
              "xı", "xİ", "a.b", "ab/c", " ,", "a,b")


def test_perl_case_folds_as_perls_i() -> None:
    """Each pattern against each text, Perl's /i (run once) and re.I after perl_case."""
    pairs = [(p, t) for p in FOLD_PATTERNS for t in FOLD_TEXTS]
    require_oracle()
    done = subprocess.run(["perl", "-e", _PERL_MATCHES], input=json.dumps(pairs).encode(),
                          capture_output=True, check=True)
    perl = [bool(x) for x in json.loads(done.stdout)]
    ours = [bool(re.fullmatch(perl_case(p), t, re.I)) for p, t in pairs]
    assert [(p, t, o) for (p, t), o, e in zip(pairs, ours, perl, strict=True) if o != e] == []


@pytest.mark.parametrize("pattern", ["[ıx]+", "[^İ]", "scrıbe"])
def test_perl_case_refuses_a_pattern_that_spells_dotless_or_dotted_i(pattern: str) -> None:
    """Its rewrite is right only for patterns without ı and İ (scribe.perl's have none)."""
    with pytest.raises(ValueError, match="ı or İ"):
        perl_case(pattern)
