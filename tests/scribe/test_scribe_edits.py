"""s/// and i/// corrections: against scribe.perl on small logs, and the block search against a
plain rescan.

The oracle cases run both programs (tests/support/scribe_oracle.py) on a log with a Meeting:, a
Date: and a scribe: line, whose words the edits avoid, so that the cases test the corrections:
which lines are commands, what they change, the lines they leave, and their diagnostics in
order, embedded and on stderr. The generated sequences do the same with random logs.
The block search (bot/scribe/edits.py) is compared with a direct model of the rules, with the
lines pushed across block boundaries and through the 4-gram filter.
"""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scribe import edits
from bot.scribe.edits import Edit, Line, apply_edits, parse_edit
from tests.support.scribe_oracle import compare_minutes, headed_log

EMBED = "-embedDiagnostics"
ZWNJ = "\u200c"


log = headed_log


CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    # s///: the first occurrence in the nearest earlier line that has one
    "s-nearest": (log("alice: Mary said", "alice: Mary again", "alice: s/Mary/Marie/"), ()),
    "s-first-occurrence": (log("alice: Mary and Mary", "alice: s/Mary/Marie/"), ()),
    "s-pipes": (log("alice: and/or", "alice: s|and/or|or|"), ()),
    "s-failed": (log("alice: nothing here", "alice: s/Mary/Marie/"), ()),
    "s-not-later": (log("alice: s/Mary/Marie/", "alice: Mary later"), ()),
    "s-empty-new": (log("alice: some Mary", "alice: s/Mary //"), ()),
    "s-case": (log("alice: Mary", "alice: s/mary/Marie/", "alice: S/Mary/Marie/"), ()),
    # g and G: the first occurrence in each line, counted in lines ("1 times")
    "g-each-line": (log("alice: Mary and Mary", "alice: Mary too", "alice: s/Mary/Marie/g",
                        "alice: Mary later"), ()),
    "g-one-line": (log("alice: Mary", "alice: s/Mary/Marie/g"), ()),
    "g-failed": (log("alice: s/Mary/Marie/g", "alice: Mary later"), ()),
    "G-later-lines": (log("alice: Mary", "alice: s/Mary/Marie/G", "alice: Mary and Mary"), ()),
    "G-only-later": (log("alice: s/Mary/Marie/G", "alice: Mary later"), ()),
    "G-spaces-after": (log("alice: Mary", "alice: s/Mary/Marie/G  ", "alice: Mary"), ()),
    # what the new text is: as short as the optional final delimiter, flag and spaces allow
    "new-holds-delimiter": (log("alice: see @@", "alice: s/@@/http://example.org/path//"), ()),
    "new-space-then-g": (log("alice: Mary", "alice: s/Mary/Marie/ g"), ()),
    "new-gg": (log("alice: Mary", "alice: s/Mary/Marie/gg"), ()),
    "new-trailing-spaces": (log("alice: Mary here", "alice: s/Mary/Marie  "), ()),
    "new-no-final-delimiter": (log("alice: Mary", "alice: s/Mary/Marie"), ()),
    "regex-characters-literal": (log("alice: Mary a.b axb", "alice: s/Mary/$1 \\n @x $&/",
                                     "alice: s/$1/($1)/", "alice: s/a.b/Q/g"), ()),
    "new-backslash": (log("alice: see /path/x", "alice: s/\\/path/other/"), ()),
    "target-holds-delimiters": (log("alice: a/b and c|d", "alice: s|c|d|e|",
                                    "alice: s/a/b/x/"), ()),
    # old texts starting with the delimiter: empty, so malformed
    "old-slash-with-pipes": (log("alice: see /path/x", "alice: s|/path|/other|"), ()),
    "malformed": (log("alice: see /path/x", "alice: s//path/other/", "alice: i//x/",
                      "alice: s///", "alice: s//", "alice: s||x|g"), ()),
    "malformed-no-warning": (log("alice: x", "alice: s//a/b/c/"), ()),
    # which lines are commands: whole lines, s or i, / or |, spaces only around
    "spaces-around": (log("alice: Mary", "alice:   s/Mary/Marie/  ", "alice: Mary",
                          "alice:  s/zz/y/g  "), ()),
    "tab-before": (log("alice: Mary", "alice: \ts/Mary/Marie/"), ()),
    "not-commands": (log("alice: Mary", "alice: so/what", "alice: s;Mary;M;",
                         "alice: s/nothing-after", "alice: is/Mary/M/", "alice: x s/Mary/M/"),
                     ()),
    "no-break-space-before": (log("alice: Mary", "alice: \u00a0s/Mary/Marie/"), ()),
    "zero-width-space-before": (log("alice: Mary", "alice: \u200bs/Mary/Marie/"), ()),
    "zero-width-space-after": (log("alice: Mary", "alice: s/Mary/Marie/\u200b"), ()),
    "zero-width-space-inside": (log("alice: Mary", "alice: s/Ma\u200bry/Marie/"), ()),
    # commands are never targets, not even failed ones or lines made to look like one
    "commands-not-targets": (log("alice: other", "alice: s/Mary/M/", "alice: s/Mary/N/"), ()),
    "edit-of-edit": (log("alice: colour", "alice: s/colour/color/", "alice: s/color/hue/"), ()),
    "edit-makes-command": (log("alice: zz/Mary/Marie/", "alice: Mary", "alice: s/zz/s/"), ()),
    # i///: a line by the command's speaker, without a time, before the nearest earlier match
    "i-insert": (log("alice: Frank: syntax", "alice: i/Frank: syn/Topic: LC82"), ()),
    "i-by-non-scribe": (log("alice: syntax", "bob: i/syntax/bob: hi there"), ()),
    "i-then-s": (log("alice: one", "bob: i/one/Topic: new", "alice: s/new/old/"), ()),
    "i-before-inserted": (log("alice: one", "alice: i/one/Topic: A",
                              "alice: i/Topic: A/Topic: B"), ()),
    "i-failed": (log("alice: later", "alice: i/nowhere/Topic: X"), ()),
    "i-not-later": (log("alice: i/later/Topic: X", "alice: later"), ()),
    "i-flag-ignored": (log("alice: one", "alice: i/one/Topic: new/g", "alice: two",
                           "alice: i|two|Topic: other|G"), ()),
    "i-new-holds-delimiter": (log("alice: one", "alice: i/one/Topic: a/b/"), ()),
    "i-nearest": (log("alice: one", "alice: one again", "alice: i/one/Topic: T"), ()),
    # anyone's commands apply, to anyone's lines, and a non-scribe's failed one is IRC
    "non-scribe-edit": (log("alice: Mary", "bob: s/Mary/Marie/", "bob: s/zz/y/"), ()),
    "edit-of-non-scribe": (log("bob: Mary", "alice: s/Mary/Marie/"), ()),
    # bots' lines are records like any other: targets, and commands
    "bot-line-target": (log("zakim: Mary, you wanted to speak", "alice: s/Mary/Marie/"), ()),
    "bot-command": (log("alice: Mary", "zakim: s/Mary/Marie/", "zakim: s/zz/y/"), ()),
    "gb-command": (log("alice: topic: #15", "gb: s|#15|-> Issue 15 Title https://x.org/15|"),
                   ()),
    # U+200C: a line without the old text is tried without the old text's U+200C
    "zwnj-in-old": (log("alice: see http://example.org/a",
                        f"alice: s|http://ex{ZWNJ}ample.org|http://foo.org|"), ()),
    "zwnj-in-both": (log(f"alice: see http://ex{ZWNJ}ample.org/a",
                         f"alice: s|http://ex{ZWNJ}ample.org|http://foo.org|"), ()),
    "zwnj-in-line-only": (log(f"alice: see http://ex{ZWNJ}ample.org/a",
                              "alice: s|http://example.org|http://foo.org|"), ()),
    "zwnj-g": (log(f"alice: see q{ZWNJ}q qq", "alice: q q", f"alice: s|q{ZWNJ}q|X|g"), ()),
    "zwnj-nearest-either": (log(f"alice: x{ZWNJ}y", "alice: xy", f"alice: s|x{ZWNJ}y|X|",
                                f"alice: s|x{ZWNJ}y|Z|"), ()),
    "zwnj-i": (log("alice: xy", f"alice: i|x{ZWNJ}y|Topic: T|"), ()),
    # an old text of U+200C only: Perl's empty pattern is the last that matched
    "zwnj-only-absent": (log("alice: see qq", f"alice: s|{ZWNJ}|X|"), ()),
    "zwnj-only-present": (log(f"alice: see q{ZWNJ}q", f"alice: s|{ZWNJ}{ZWNJ}|X|"), ()),
    "zwnj-only-delimiter": (log("alice: see a|b", f"alice: s|{ZWNJ}|X|Y|"), ()),
    "zwnj-only-g-old-first": (log(f"alice: q{ZWNJ}{ZWNJ}q", f"alice: r{ZWNJ}r",
                                  f"alice: s|{ZWNJ}{ZWNJ}|X|g"), ()),
    "zwnj-only-g-old-last": (log(f"alice: r{ZWNJ}r", f"alice: q{ZWNJ}{ZWNJ}q",
                                 f"alice: s|{ZWNJ}{ZWNJ}|X|g"), ()),
    "zwnj-only-g-delimiter": (log("alice: x|y", f"alice: s|{ZWNJ}{ZWNJ}|a|b|g"), ()),
    "zwnj-only-i": (log(f"alice: q{ZWNJ}q", f"alice: i|{ZWNJ}{ZWNJ}|Topic: T|"), ()),
    "zwnj-only-i-delimiter": (log("alice: x|y", f"alice: i|{ZWNJ}{ZWNJ}|a|b|"), ()),
    # the diagnostics: in the commands' order, each warning before its result, then the rest
    "diagnostics-order": (log("alice: Mary", "alice: s//x/", "alice: s/Mary/M/a/",
                              "alice: s/zz/y/", "alice: i/M/Topic: T", "alice: s/M/N/g"), ()),
    "diagnostics-before-scribe-guess": (log("alice: Meeting: Test WG", "alice: Date: 09 April 2014",
                                            "alice: Mary", "alice: s/Mary/Marie/",
                                            "alice: s/zz/y/", head=False), ()),
    # ScribeOptions: lines are read after the edits, and report after them
    "edit-of-scribeoptions": (log("alice: ScribeOptions: -implicitt",
                                  "alice: s/implicitt/implicit/", "alice: bob: hi",
                                  "alice: more"), ()),
    "diagnostics-before-scribeoptions": (log("alice: ScribeOptions: -bogus", "alice: s/zz/y/"),
                                         ()),
    "edited-away-scribeoptions": (log("alice: ScribeOptions: -final", "alice: s/-final/-bogus/",
                                      "alice: bob: hi"), ()),
    "scribeoptions-made-by-an-edit": (log("alice: bob: x", "alice: ScribeOptions: -fancy -team",
                                          "alice: i/bob: x/ScribeOptions: -collapseLimit x/"),
                                      ()),
    "scribeoptions-url-display-refused": (log("alice: ScribeOptions: -urlDisplay wrap -final",
                                              "alice: see https://example.org/a/b/c"), ()),
    # a successful command is still its speaker's next line: -dashTopics takes it as a title
    "dash-topic-titled-by-an-edit": (log("alice: bob: x", "alice: ---", "alice: s/x/y/",
                                         "alice: more"), ("-dashTopics",)),
    # failed commands are IRC lines: no emphasis, hidden by -scribeOnly
    "failed-emphasis": (log("alice: s/*zz*/_y_/", "bob: s/*zz*/there/"), ("-emphasis",)),
    "failed-scribe-only": (log("alice: Mary", "alice: s/zz/y/", "alice: s/Mary/M/"),
                           ("-scribeOnly",)),
    "failed-in-speaker-context": (log("alice: bob: hello", "alice: s/zz/y/", "alice: ... more"),
                                  ()),
    # the edited text is what the conventions then read
    "edit-to-topic": (log("alice: Topc: One", "alice: s/Topc/Topic/"), ()),
    "edit-to-action": (log("alice: ACTON: bob to go", "alice: s/ACTON/ACTION/"), ()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_edits_match_scribe_perl(name: str) -> None:
    text, options = CASES[name]
    compare_minutes(text, (EMBED, *options))


@pytest.mark.parametrize("name", ["s-failed", "g-one-line", "spaces-around", "malformed",
                                  "new-holds-delimiter", "i-new-holds-delimiter",
                                  "diagnostics-order", "diagnostics-before-scribeoptions",
                                  "scribeoptions-url-display-refused"])
def test_edit_diagnostics_on_stderr(name: str) -> None:
    """Without -embedDiagnostics the same diagnostics go to stderr."""
    text, options = CASES[name]
    compare_minutes(text, options)


# Generated logs: lines by the scribe and by others, made of words that edits then look for,
# with the delimiters and U+200C among them, and commands of every shape.
WORDS = ["ab", "b", "ba", "xy", "abab", "|", "/", "a/b", "c|d", f"a{ZWNJ}b", ZWNJ, "日本"]
TEXT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
OLD = st.sampled_from(["ab", "b", "xy", "abab", "b ab", "/", "|", f"a{ZWNJ}b", ZWNJ, "日本", ""])
NEW = st.sampled_from(["X", "", "x/y", "p|q", "ab"])
COMMAND = st.builds(
    lambda lead, verb, delim, old, new, end: f"{lead}{verb}{delim}{old}{delim}{new}{end}",
    st.sampled_from(["", "", " "]), st.sampled_from(["s", "s", "s", "i"]),
    st.sampled_from(["/", "|"]), OLD, NEW,
    st.sampled_from(["", "/", "|", "/g", "/G", "|g", "|G", "/g ", "/ ", "g"]),
)
LINE = st.tuples(st.sampled_from(["alice", "alice", "bob", "zakim"]), st.one_of(TEXT, COMMAND))


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=12))
def test_generated_edits_match_scribe_perl(lines: list[tuple[str, str]]) -> None:
    compare_minutes(log(*(f"{nick}: {text}" for nick, text in lines)), (EMBED,))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s/Mary/Marie/", Edit("s", "/", "Mary", "Marie", "")),
        ("s/Mary/Marie", Edit("s", "/", "Mary", "Marie", "")),
        ("s|Mary|Marie|", Edit("s", "|", "Mary", "Marie", "")),
        ("  s/Mary/Marie/G  ", Edit("s", "/", "Mary", "Marie", "G")),
        ("s/Mary/Marie  ", Edit("s", "/", "Mary", "Marie  ", "")),
        ("s/a/b/c/", Edit("s", "/", "a", "b/c", "")),
        ("s/a/b/ g", Edit("s", "/", "a", "b/ g", "")),
        ("i|where|what|g", Edit("i", "|", "where", "what", "g")),
        ("s//x/", Edit("s", "/", "", "x", "")),
        ("s;a;b;", None),
        ("so/what", None),
        ("s/nothing-after", None),
        ("\u00a0s/a/b/", None),
        ("S/a/b/", None),
    ],
)
def test_parse_edit(text: str, expected: Edit | None) -> None:
    """The command grammar (the table states it; the oracle cases check it)."""
    assert parse_edit(text) == expected


def run(*texts: str) -> tuple[list[str], list[str]]:
    lines = [Line("alice", t, i) for i, t in enumerate(texts)]
    out, notes = apply_edits(lines)
    return [ln.text for ln in out if not ln.removed], notes


def holds(line: dict, old: str, alt: str | None) -> str | None:
    """What of ``old``, ``alt`` a target line holds (old first)."""
    if line["cmd"]:
        return None
    return old if old in line["text"] else alt if alt is not None and alt in line["text"] else None


def rescan(texts: list[str]) -> tuple[list[str], list[str]]:
    """The rules applied directly: every command rescans the lines (quadratic)."""
    lines: list[dict] = [{"text": t, "cmd": parse_edit(t), "gone": False} for t in texts]
    notes = []
    i = -1
    while (i := i + 1) < len(lines):
        e, typed = lines[i]["cmd"], lines[i]["text"]
        if e is None:
            continue
        if not e.old:
            notes.append(f"Malformed: {typed}")
            continue
        if w := e.warning(typed):
            notes.append(w)
        alt, sticky = e.fallback()
        if e.verb == "s" and e.flag:
            hits = 0
            for line in lines if e.flag == "G" else lines[:i]:
                if found := holds(line, e.old, alt):
                    line["text"] = line["text"].replace(found, e.new, 1)
                    hits += 1
                    alt = None if sticky and found == e.old else alt
            notes.append(f"Succeeded {hits} times: {typed}" if hits else f"Failed: {typed}")
        else:
            j = next((j for j in range(i - 1, -1, -1) if holds(lines[j], e.old, alt)), -1)
            if j >= 0 and e.verb == "i":
                lines.insert(j, {"text": e.new, "cmd": None, "gone": False})
                i += 1
            elif j >= 0:
                found = holds(lines[j], e.old, alt) or ""
                lines[j]["text"] = lines[j]["text"].replace(found, e.new, 1)
            hits = int(j >= 0)
            notes.append(f"Succeeded: {typed}" if hits else f"Failed: {typed}")
        lines[i]["gone"] = hits > 0
    return [ln["text"] for ln in lines if not ln["gone"]], notes


PADDING = st.one_of(st.integers(0, 700), st.integers(4_100, 4_700))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TEXT, COMMAND), max_size=40), PADDING,
       st.sampled_from(["pad", "pad ab x", "日本 xy|", f"b{ZWNJ}b"]))
def test_block_search_agrees_with_rescanning(texts: list[str], pad: int, filler: str) -> None:
    """Padding moves the lines across block boundaries (blocks hold 256 lines); past 16 blocks
    (lowered from 200 here) the 4-gram filter decides which blocks are read; fillers that match
    make it say maybe. Insertions shift the lines after them within a block."""
    texts = [filler] * pad + texts
    with patch.object(edits, "_GRAM_BLOCKS", 16):
        assert run(*texts) == rescan(texts)


def test_inserted_line_has_the_speaker_and_no_time() -> None:
    lines = [Line("alice", "one", 7, "12:00:07"), Line("bob", "i/one/Topic: T", 8, "12:00:08")]
    out, _ = apply_edits(lines)
    assert [(ln.nick, ln.text, ln.seed, ln.time, ln.removed) for ln in out] == [
        ("bob", "Topic: T", 0, None, False), ("alice", "one", 7, "12:00:07", False),
        ("bob", "i/one/Topic: T", 8, "12:00:08", True)]


def test_successful_commands_are_passed_on_marked_removed() -> None:
    """scribe.perl omits them from the minutes but they are still lines of their speaker (a
    -dashTopics "---" takes the next one as its title, whatever it is)."""
    lines = [Line("alice", "one", 1), Line("alice", "s/one/two/", 2),
             Line("alice", "s/zz/y/", 3)]
    out, _ = apply_edits(lines)
    assert [(ln.text, ln.command, ln.removed) for ln in out] == [
        ("two", False, False), ("s/one/two/", True, True), ("s/zz/y/", True, False)]


def test_edited_lines_are_not_edited_again() -> None:
    """Applying the edits to their own result changes nothing: a line an edit made look like
    a command (inserted, or changed by s///) is text, as in scribe.perl."""
    lines = [Line("a", "x", 1), Line("a", "i/x/s|x|y|/", 2), Line("a", "z", 3),
             Line("a", "s/z/s|y|q|/", 4)]
    out, notes = apply_edits(lines)
    texts = [(ln.text, ln.removed) for ln in out]
    assert texts == [("s|x|y|", False), ("x", False), ("i/x/s|x|y|/", True),
                     ("s|y|q|", False), ("s/z/s|y|q|/", True)]
    again, more = apply_edits(out)
    assert [(ln.text, ln.removed) for ln in again] == texts
    assert more == []
    assert notes == ["Succeeded: i/x/s|x|y|/", "Succeeded: s/z/s|y|q|/"]


def test_failed_commands_are_kept_and_marked() -> None:
    lines = [Line("alice", "one", 1), Line("zakim", " s/zz/y/ ", 2), Line("bob", "s//x/", 3)]
    out, _ = apply_edits(lines)
    assert [(ln.text, ln.command) for ln in out] == [
        ("one", False), (" s/zz/y/ ", True), ("s//x/", True)]
