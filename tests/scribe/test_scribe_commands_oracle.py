"""The minutes commands, ``agendum minutes`` against scribe.perl (tests/support/scribe_oracle.py).

Each case is a few lines of a made-up log, run through both programs with -embedDiagnostics
(the diagnostics are then part of the compared HTML): Chair, Present, Regrets, Scribe and
ScribeNick with ``:``, ``+``, ``-`` and ``=``; who the scribe is when no command says so;
Meeting, Date, Agenda, Previous and Next meeting; the log's and the minutes' addresses from
RRSAgent; ACTION, RESOLUTION and ISSUE (and the words scribe.perl does not take: PROPOSED,
straw poll); Topic and Subtopic; NamedAnchorHere; Repo and gb's repository commands; Slideset;
Recording and its times. What scribe.perl does was found by running it; the cases keep the
forms that surprise ("Action baz: x" is an action "baz: x", an ISO date is no date, "Agenda:"
without an address stays an IRC line, a subtopic before any topic stays a subtopic).

Left out because scribe.perl itself is not repeatable or not meant: nicks that differ only in
case (its "Active on IRC" lists them in its hash's random order), and the forms that make Perl
print "Use of uninitialized value" warnings ("Scribe- John Smith", "Repo: https://github.com/").
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.scribe_oracle import compare_minutes, rrsagent_log

log = rrsagent_log


def case(name: str, lines: list[str], *options: str, dated: bool = True) -> object:
    return pytest.param(lines, options, dated, id=name)


ATTENDANCE = [
    case("present-forms", ["a scribe: a", "a present= A, B", "b present+", "a present: x y, z",
                           "a present:+ Q", "a Present+ a", "a present + A", "a present：C, D",
                           "b present -D", "a present- ", "b present+: E,F"]),
    case("present-no-one", ["a present: A", "a present: (no one)", "b present+"]),
    case("present-empty-clears", ["a present: A", "a present:", "b present+"]),
    case("present-empty-names", ["a present: , A,, B,"]),
    case("present-last-spelling-wins", ["a present+ Mary", "a present+ mary", "a present+ MARY_"]),
    case("present-minus-alone-removes-nobody", ["frank present+", "zoe present+", "zoe present-"]),
    case("presents-is-not-present", ["a presents: A", "a present : B"]),
    case("present-plus-without-space", ["a present+Nick, Other"]),
    case("present-sorted", ["a present: zed, Bob, alice, Éric, eve, _x, 1a"]),
    case("regrets-forms", ["a regrets: A, B", "a regret+ C", "b regrets+", "a regrets- A",
                           "a regrets= Z", "a regrets:", "a regrets- "]),
    case("regrets-full-width-colon", ["a regrets：A", "a regrets+：B"]),
    case("chair-forms", ["a chair: X, y", "a chair+ Z", "b chair+", "a chair- y", "a chair: ",
                         "c chairs+: Q", "b chair-", "a chair:+ W", "a Chair： V"]),
    case("chair-sorted", ["a chair: zed, Bob, alice, Éric, eve"]),
    # a list that prints as "0" is false to Perl: "-"; "00", "0.0" or "0, b" are not
    case("lists-of-just-zero", ["a scribe: 0", "a present: 0", "a chair: 0", "a regrets: 0"]),
    case("lists-of-zero-and-more", ["a scribe: 00", "a present: 0, b", "a chair: 0.0",
                                    "a regrets: 0 0"]),
    case("chair-plus-keeps-order-of-names", ["al chair: Jonathan, Louis", "al Chair+ Mia",
                                             "al chair+ Zoe, Pete, Annabel"]),
    case("zakim-attendees", ["a scribe: a",
                             "Zakim As of this point the attendees have been Alain, Nick, alain"]),
    case("zakim-present-ignored-without-zakim-topics", ["a scribe: a", "Zakim present: Q, R"],
         "-noUseZakimTopics"),
    case("markup-in-fields", ["a scribe: a/<b>&", "a chair: <i>", 'a present: a"b',
                              "a regrets: <x>", 'a Meeting: "q" & <z>', "a Date: 1 <b> 2"]),
    case("collapsed-list", ["a present: A, B, C, D", "a regrets: E, F, G"], "-collapseLimit", "2"),
]

SCRIBES = [
    case("scribe-plus-minus", ["a scribe: a", "a b: x", "a scribe+ c", "c d: y", "a scribe- c",
                               "c e: z", "c scribe+", "c f: w", "c scribe-", "c g: v"]),
    case("scribe-real-names", ["x scribe: a/Alice A, b = Bob B", "a p: 1", "b q: 2",
                               "x scribenick: c", "c r: 3"]),
    case("scribe-colon-plus-is-a-name", ["al Scribe:+ Adam/Adamsky, Teo, Ana=Jo-Ana"]),
    case("scribe-name-not-nick", ["x scribe: John Smith", "x p: 1", "John p: 2"]),
    case("scribenick-name-is-a-speaker", ["x scribenick: John Smith", "x p: 1"]),
    case("scribe-empty", ["x scribe:", "x p: 1", "y scribenick: ", "y q: 2"]),
    case("scribe-star", ["x scribe: *", "y p: 1", "z q: 2", "z scribe- *", "z r: 3"]),
    case("scribe-trailing-underscores", ["x scribe: al_", "al p: 1", "al__ q: 2"]),
    case("scribe-plus-self-with-underscore", ["al_ scribe+", "al p: 1"]),
    case("scribe-trailing-comma", ["x scribe: al,", "al p: 1"]),
    case("scribe-colon-then-plus", ["x scribe: a", "x scribe:+ b", "b p: 1", "a q: 2"]),
    case("scribe-named-by-a-bot", ["trackbot scribe: b", "b p: 1"]),
    case("scribe-full-width-colon", ["x scribe：b", "b p: 1", "x scribe+：c", "c q: 2"]),
    case("scribe-minus-several", ["x scribe: a, b", "x scribe- a, b", "a p: 1", "x scribe-a"]),
    case("scribes-is-not-scribe", ["x scribes: a", "a p: 1"]),
    case("scribe-real-name-zero", ["x scribe: a/0", "a p: 1"]),
    case("scribenick-option", ["b early: 1", "a late: 2", "x scribenick: a", "a later: 3"],
         "-scribenick", "b"),
    case("scribenick-option-last-wins", ["b early: 1", "c early: 2"],
         "-scribenick", "c", "-scribenick", "b"),
    case("scribenick-option-list", ["b early: 1", "c early: 2"], "-scribenick", "b,c"),
    case("guess-most-active", ["a p: 1", "b q: 2", "b r: 3", "a s: 4", "c t: 5"]),
    case("guess-tie-code-point-order", ["b p: 1", "Z q: 2", "a r: 3"]),
    case("guess-not-a-bot", ["Zakim q: 1", "Zakim q: 2", "a x: 3"]),
    case("guess-bot-with-underscore-counts", ["Zakim_ q: 1", "Zakim_ q: 2", "a x: 3"]),
    case("guess-edits-and-options-not-counted", ["a x: 1", "b y: 2", "b s/y/z/",
                                                  "b s/nothing/z/", "b ScribeOptions: -final"]),
    case("guess-nobody", []),
    case("guess-escaped", ["a<b x: 1"]),
    case("active-on-irc", ["a scribe: a", "Jo hey", "zed hi", "Zakim +x", "github-bot hi",
                           "rrsagent x", "b_ y"]),
    case("speakers-maybe-present", ["a scribe: a", "a present: Bob", "a Bob: x", "a carl: y",
                                    "a Carl: y2", "a Dan: z"]),
]

HEADER = [
    case("meeting", ["a Meeting: First & <b>", "b meeting:"]),
    case("meeting-full-width", ["a meeting：Foo  ", "a meetings: bar"]),
    case("date-rest-of-line-ignored", ["a Date: 7 March 2024 (Thursday)"], dated=False),
    case("date-iso-not-a-date", ["a scribe: a", "a Date: 2024-03-07"], dated=False),
    case("date-any-words", ["a Date: 12 foo 3"], dated=False),
    case("date-last-wins", ["a Date: 1 Jan 2020", "a date: 2 Feb 2021"], dated=False),
    case("date-double-space-not-a-date", ["a scribe: a", "a date: 07  March 2024"], dated=False),
    case("date-from-log-url", ["RRSAgent logging to https://www.w3.org/2014/04/09-forms-irc"],
         dated=False),
    case("date-minutes-url-first", [
        "RRSAgent logging to https://www.w3.org/2014/04/09-forms-irc",
        "RRSAgent I have made the request to generate https://www.w3.org/2015/05/10-f-minutes x"],
        dated=False),
    case("date-minutes-option", ["a hi"], "-minutes",
         "http://example.org/2005/03/01-baking-club-minutes", dated=False),
    case("date-none", ["a hi"], dated=False),
    case("date-beats-urls", ["RRSAgent logging to https://www.w3.org/2014/04/09-forms-irc",
                             "a Date: 10 April 2014"], dated=False),
    case("log-url-where-am-i", ["dbooth rrsagent, where am i?",
                                "RRSAgent See http://www.w3.org/2002/11/07-ws-arch-irc#T13-59-36"],
         dated=False),
    case("log-url-recorded-in", ["RRSAgent recorded in https://www.w3.org/2002/11/07-x-irc"],
         dated=False),
    case("log-url-only-from-RRSAgent", ["rrsagent logging to https://www.w3.org/2014/04/09-f-irc"],
         dated=False),
    case("log-url-any-scheme", ["RRSAgent logging to h:"], dated=False),
    case("log-url-relative", ["RRSAgent logging to t"], dated=False),
    case("agenda", ["a scribe: a", "a agenda: not a url",
                    "a agenda: https://example.org/ag?a=1&b=2 more",
                    "a agenda: https://example.org/ag2", "b Agenda：https://example.org/ag3"]),
    case("agenda-text-by-anyone", ["a scribe: a", "b agenda: tbd"]),
    case("previous-next-meeting", ["a scribe: a", "a Previous meeting: foo",
                                   "a next  meeting: https://example.org/next",
                                   "a previous meeting: https://example.org/prev",
                                   "a Previous_meeting: https://example.org/prev2",
                                   "a NEXT MEETING: tbd"]),
    case("header-links", ["al Agenda: http://example.org/agenda",
                          "al Previous meeting: http://example.org/20180918",
                          "al Next meeting: http://example.org/20181002"]),
    case("attendees-block", ["al Scribe: jon2 = John Smith", "al Chair: Mike", "al Present: B, a",
                             "al Meeting: Baking Club", "al Date: 05 Dec 2002"], dated=False),
    case("commands-by-bots", ["a scribe: a", "trackbot Meeting: Forms WG",
                              "trackbot Date: 09 April 2014", "agendabot Agenda: not url",
                              "agendabot agenda: https://example.org/a"]),
    case("commands-after-spaces", ["a scribe: a", "a   present+ X", "a  topic: T",
                                   "a  ACTION: do"]),
    case("scribeoptions-lines", ["a scribe: a", "a ScribeOptions: -final", "a scribeoptions：x"]),
    case("kept-commands-with-scribe-only", ["a scribe: a", "a agenda: tbd", "b chair:",
                                            "a namedanchorhere: toc", "b slides: none"],
         "-scribeOnly"),
]

MINUTES = [
    case("topics", ["a scribe: a", "a subtopic: before any", "a b: x", "a topic:",
                    "a Sub-topic: s1", "a topic : t2", "a subtopic：t3", "a topics: t4",
                    "b TOPIC: by anyone"]),
    case("subtopics-before-any-topic", ["a scribe: a", "a subtopic: s1", "a subtopic: s2",
                                        "a b: x", "a topic: t"]),
    case("topic-spaces", ["a scribe: a", "a   topic:   spaced   "]),
    case("topic-continued", ["a scribe: a", "a topic: T", "a ... more", "a subtopic: S",
                             "a … again"]),
    case("topic-continued-nokeeplines", ["a scribe: a", "a topic: T", "a ... more", "a b: x"],
         "-nokeepLines"),
    case("actions", ["a scribe: a", "a ACTION: x to y", "a action: x", "a Action baz: do the same",
                     "a action-20: look at it", "a ACTION x to y", "a action:",
                     "b ACTION bob to fix", "b ... more", "a action bob will fix",
                     "a actions: foo", "a action： fwa"]),
    case("action-manual-forms", ["al scribe: al", "al ACTION: Frank, Mary and Kate to propose "
                                 "solution for issue 42", "al action Ann: publish report 17",
                                 "jo Action Fred to do something"]),
    case("resolutions", ["a scribe: a", "a RESOLVED: ok", "a resolution : ok2", "a Resolved： fw",
                         "a resolutions: no", "b RESOLUTION: by b", "a resolved:"]),
    case("proposed-and-polls-are-text", ["a scribe: a", "a PROPOSED: p", "a proposal: p2",
                                         "a straw poll: s", "b PROPOSED: by b",
                                         "a Proposed resolution: x"]),
    case("issues", ["a scribe: a", "a ISSUE: i", "a issue-5: i5", "b Issue: by b",
                    "a issues: no"]),
    case("continued-action-issue-resolution", ["a scribe: a", "a ACTION: a", "a ... b",
                                               "a Issue: c", "a ... d", "a RESOLUTION: e",
                                               "a … f"]),
    case("named-anchors", ["a scribe: a", "a namedanchorhere: foo bar",
                           "a NamedAnchorHere: foo bar", "a namedanchorhere:",
                           "a namedanchorhere: toc", "a namedanchorhere: TOC",
                           "a namedanchorhere: ActionSummary", "a namedanchorhere: actionsummary",
                           "b namedanchorhere: byb", "a namedanchorhere: IssueSummary",
                           "a namedanchorhere: foo  bar"]),
    case("named-anchor-takes-its-hex-id", ["a scribe: a", "a namedanchorhere: 8d11",
                                           "a action: x", "a namedanchorhere: ABCD"]),
    case("named-anchor-not-continued", ["a scribe: a", "a namedanchorhere: x", "a ... more"]),
    case("named-anchor-after-bots-own-lines", ["a scribe: a", "Zakim namedanchorhere: z",
                                               "trackbot namedanchorhere: t",
                                               "agendabot namedanchorhere: ag",
                                               "gb namedanchorhere: g"]),
    case("named-anchor-by-zakim-without-zakim-topics", ["a scribe: a",
                                                        "Zakim namedanchorhere: z"],
         "-noUseZakimTopics"),
    case("dash-topics", ["a scribe: a", "a ---", "a Review", "a -", "b present+", "a Next one"],
         "-dashTopics"),
]

REPOSITORIES = [
    case("repos", ["a scribe: a", "a repo: w3c/foo, bar", "a see #3", "b gb, use w3c/baz",
                   "a repo- bar", "a gb, drop w3c/baz", "a repo:", "a repo+ x/y z", "a see #5",
                   "a gb, list"]),
    case("repos-nogithubissues", ["a scribe: a", "a repo: w3c/foo", "a see #3",
                                  "a repo- nothere"], "-nogithubIssues"),
    case("repos-not-names", ["a scribe: a", "a repo: ?x, ok", "a see #3", "a repo- ?y"]),
    case("repos-full-urls", ["a scribe: a", "a Repository: https://gitlab.example.com/foo/bar, baz",
                             "a see #1 and bar#2", "a repositories+ other/x", "a see #3"]),
    case("repos-gb-forms", ["a scribe: a", "a gb, this will be w3c/a", "a see #1",
                            "a ghurlbot, discussing w3c/b", "a see #2", "a gb, take up w3c/c",
                            "a gb, don't use w3c/c", "a see #3", "a gb , using w3c/d",
                            "a see #4"]),
    case("repos-manual-example", ["d scribe: d", "d Repo: w3c/scribe, transitions, webn/drafts",
                                  "d Repo: docs, w3c/scribe2",
                                  "d Let talk about #3, drafts#7 and tests#1",
                                  "d and docs#2 and transitions#9"]),
    case("repos-from-topics", ["a scribe: a", "a topic: about https://github.com/w3c/qq and "
                               "https://github.com/w3c/rr", "a see #4",
                               "a subtopic: https://github.com/Foo/Bar_x.y/issues", "a see #5"]),
    case("repo-line-not-continued", ["a scribe: a", "a b: hi", "a repo: w3c/x", "a ... more"]),
    case("repo-zero-is-perl-false", ["a scribe: a", "a repo: 0", "a repo: w3c/x", "a repo- 0",
                                     "a see #1"]),
]

SLIDES_AND_RECORDINGS = [
    case("slides", ["a scribe: a", "a Slideset: https://example.org/s.pdf", "a [slide 4]",
                    "a slides: -> my deck https://example.org/deck/", "a [Slide 2]",
                    "a slides: none", "a [slide 3]", "b slideset: no url"]),
    case("slideset-with-text", ["a scribe: a", "a Slideset: see https://example.org/deck/ now"]),
    case("recording", ["a scribe: a", "a Recording: https://example.org/rec.mp4 the video",
                       "a recording starts", "a topic: A", "a subtopic: B", "a recording ends",
                       "a topic: C"]),
    case("recording-started-in-the-previous-hour", [
        "|10:03:00 <a> scribe: a", "|10:03:01 <a> Recording: https://youtu.be/abc",
        "|10:03:02 <a> recording started at :58", "|10:05:00 <a> topic: A",
        "|10:20:00 <a> subtopic: B", "|10:30:00 <a> recording ended at :25",
        "|10:31:00 <a> topic: C"]),
    case("recording-past-midnight", [
        "|23:58:00 <a> scribe: a", "|23:58:01 <a> Recording: https://www.youtube.com/watch?v=xyz",
        "|23:59:00 <a> Recording is starting", "|23:59:30 <a> topic: A", "|00:05:00 <a> topic: B",
        "|00:10:00 <a> recording ends.", "|00:11:00 <a> topic: C"]),
    case("recording-other-host", [
        "|10:00:00 <a> scribe: a", "|10:00:01 <a> topic: early",
        "|10:01:00 <a> Recording: https://watch.videodelivery.net/abc caption here",
        "|10:02:00 <a> recording starts", "|10:03:00 <a> topic: later"]),
    case("recording-withdrawn", [
        "|10:00:00 <a> scribe: a", "|10:00:01 <a> Recording: https://example.org/v",
        "|10:00:02 <a> recording starts", "|10:00:03 <a> recording: gone",
        "|10:00:04 <a> topic: T", "|10:00:05 <b> recording: by b"]),
    case("recording-without-times", ["a scribe: a", "a Recording: https://example.org/v",
                                     "a recording starts", "a topic: T"], dated=False),
    case("recording-time-forms", [
        "|10:00:00 <a> scribe: a", "|10:00:01 <a> Recording: https://example.org/v",
        "|10:00:02 <a> recording started", "|10:00:03 <a> Recording started at 10:05",
        "|10:00:04 <a> recording  starts . .", "|10:00:05 <a> topic: T",
        "|10:00:06 <a> recording end at :07", "|10:00:07 <a> recording ends at :09"]),
    case("recording-continued-topic", [
        "|10:00:00 <a> scribe: a", "|10:00:01 <a> Recording: https://youtu.be/v",
        "|10:00:02 <a> recording starts", "|10:00:05 <a> topic: T", "|10:00:06 <a> ... more",
        "|10:00:07 <a> ... and more"]),
]


@pytest.mark.parametrize(("lines", "options", "dated"), [
    *ATTENDANCE, *SCRIBES, *HEADER, *MINUTES, *REPOSITORIES, *SLIDES_AND_RECORDINGS])
def test_command(lines: list[str], options: tuple[str, ...], dated: bool) -> None:
    compare_minutes(log(lines, dated), ("-embedDiagnostics", *options))


# Cases that once diverged, each fixed where the engine was wrong (kept as they were found).
FIXED = [
    case("scribe-only-hidden-lines-take-ids",
         ["|10:00:00 <a> scribe: a", "|10:00:01 <b> hello", "|10:00:01 <a> hello"],
         "-scribeOnly"),
    case("topic-continuation-names-a-repository",
         ["a scribe: a", "a topic: T", "a ... https://github.com/w3c/zz", "a see #1"]),
    case("scribeoptions-unknown-option",
         ["a scribe: a", "a b: x", "a s/x/y/", "a ScribeOptions: -bogus -final"]),
]


@pytest.mark.parametrize(("lines", "options", "dated"), FIXED)
def test_fixed_divergence(lines: list[str], options: tuple[str, ...], dated: bool) -> None:
    compare_minutes(log(lines, dated), ("-embedDiagnostics", *options))


@pytest.mark.parametrize("options", [(), ("-final",)], ids=["default", "final"])
def test_diagnostics_on_stderr(options: tuple[str, ...]) -> None:
    """Without -embedDiagnostics: the same diagnostics, in the same order, on stderr."""
    compare_minutes(log(["a hi", "a agenda: x", "b namedanchorhere:", "a b: c", "a repo: ?z"],
                        dated=False), options)


# ---- random mixes of commands ---------------------------------------------------------------

NICKS = ["al", "bo", "cy"]  # distinct in any case: scribe.perl's order of equals is random
NAMES = st.sampled_from(["Ann", "ann", "Bob", "Éva", "x y", "al", "bo_", "*"])
names = st.lists(NAMES, max_size=3).map(", ".join)
colon = st.sampled_from([":", "：", " :", ": ", ""])
op = st.sampled_from(["", "+", "-", ":", "+:", "-:", "=", " + ", " - "])
scribe_names = st.lists(st.sampled_from(["al", "bo", "cy", "bo_", "cy = Cy Ng", "al/Al B", "*"]),
                        max_size=2).map(", ".join)
words = st.lists(st.sampled_from(["the", "plan", "is", "to", "ship", "#3", "w3c/x"]), max_size=4
                 ).map(" ".join)
command = st.one_of(
    st.tuples(st.sampled_from(["present", "Present", "regrets", "regret", "chair", "chairs"]), op,
              names).map("".join),
    st.tuples(st.sampled_from(["scribe", "ScribeNick", "scribe "]), op, scribe_names).map("".join),
    st.tuples(st.sampled_from(["topic", "subtopic", "Sub-topic", "ACTION", "action", "Action al",
                               "RESOLVED", "resolution", "issue", "PROPOSED", "Meeting",
                               "agenda", "Date", "namedanchorhere", "repo", "repo-", "slideset",
                               "previous meeting"]), colon, words).map("".join),
    st.sampled_from(["Date: 7 March 2024", "agenda: https://example.org/a", "q+", "al: hello",
                     "... and more", "Recording: https://example.org/v", "recording starts",
                     "Slideset: https://example.org/s.pdf", "[slide 2]", "gb, use w3c/y",
                     "namedanchorhere: 8d11"]),
    words,
)
lines = st.lists(st.tuples(st.sampled_from(NICKS), command).map(" ".join), max_size=10)


OPTIONS = st.sampled_from([(), ("-scribeOnly",), ("-nogithubIssues",), ("-noUseZakimTopics",),
                           ("-nokeepLines",), ("-implicitContinuations",), ("-dashTopics",)])


@settings(max_examples=40, deadline=None)
@given(lines, st.booleans(), OPTIONS)
def test_random_commands(lines: list[str], dated: bool, options: tuple[str, ...]) -> None:
    compare_minutes(log(lines, dated), ("-embedDiagnostics", *options))


def test_google_slides_are_not_downloaded() -> None:
    """A deliberate difference: scribe.perl downloads a PDF of Google slides while it makes
    the minutes (and embeds it, or says "Failed to download slides"); agendum makes no network
    request, so it links the slideset and says nothing about a download."""
    from bot.scribe.pipeline import make_minutes

    url = "https://docs.google.com/presentation/d/abc/edit"
    m, _ = make_minutes(log(["a scribe: a", f"a Slideset: {url}", "a [slide 2]"]))
    assert [(i.kind, i.text) for i in m.items()][:1] == [("slideset", url)]
    assert m.has_slides and not any("download" in d for d in m.diagnostics)
