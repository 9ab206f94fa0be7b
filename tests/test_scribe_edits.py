"""s/// and i/// corrections: grammar, semantics, and the block search against a naive one."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scribe import edits
from bot.scribe.edits import Edit, Line, apply_edits, parse_edit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s/Mary/Marie/", Edit("s", "Mary", "Marie", "", None)),
        ("s/Mary/Marie", Edit("s", "Mary", "Marie", "", None)),
        ("s|Mary|Marie|", Edit("s", "Mary", "Marie", "", None)),
        ("s/Mary/Marie/g", Edit("s", "Mary", "Marie", "g", None)),
        ("s/Mary/Marie/G", Edit("s", "Mary", "Marie", "G", None)),
        ("s/some//", Edit("s", "some", "", "", None)),
        ("s/@@/http://example.org/path//", Edit(
            "s", "@@", "http://example.org/path/", "",
            "Warning: ‘s/@@/http://example.org/path//’ interpreted as replacing ‘@@’ by "
            "‘http://example.org/path/’")),
        ("s/and\\/or/but", Edit("s", "and\\", "or/but", "", "Warning: ‘s/and\\/or/but’ "
                                "interpreted as replacing ‘and\\’ by ‘or/but’")),
        ("i/Time to vote/Topic: Vote", Edit("i", "Time to vote", "Topic: Vote", "", None)),
        ("i|Time to vote|Topic: Vote|", Edit("i", "Time to vote", "Topic: Vote", "", None)),
        ("s//x/", None),  # old cannot be empty
        ("s;a;b;", None),  # only / and | delimit
        ("so/what", None),
        ("s/nothing-after", None),
    ],
)
def test_parse_edit(text: str, expected: Edit | None) -> None:
    assert parse_edit(text) == expected


def run(*texts: str) -> tuple[list[str], list[str]]:
    lines = [Line("s", t, i) for i, t in enumerate(texts)]
    out, notes = apply_edits(lines, [True] * len(lines))
    return [ln.text for ln in out], notes


@pytest.mark.parametrize(
    ("log", "text", "notes"),
    [
        (["Mary said", "Mary again", "s/Mary/Marie/"], ["Mary said", "Marie again"],
         ["Succeeded: s/Mary/Marie/"]),
        (["Mary and Mary", "s/Mary/Marie/"], ["Marie and Mary"], ["Succeeded: s/Mary/Marie/"]),
        (["Mary said", "Mary again", "s/Mary/Marie/g", "Mary later"],
         ["Marie said", "Marie again", "Mary later"], ["Succeeded 2 times: s/Mary/Marie/g"]),
        (["Mary said", "s/Mary/Marie/G", "Mary later"], ["Marie said", "Marie later"],
         ["Succeeded 2 times: s/Mary/Marie/G"]),
        (["nothing here", "s/Mary/Marie/"], ["nothing here", "s/Mary/Marie/"],
         ["Failed: s/Mary/Marie/"]),
        (["a", "s/x/y/", "s/x/z/"], ["a", "s/x/y/", "s/x/z/"],  # commands are never targets
         ["Failed: s/x/y/", "Failed: s/x/z/"]),
        (["colour", "s/colour/color/", "s/color/hue/"], ["hue"],  # each sees the one before
         ["Succeeded: s/colour/color/", "Succeeded: s/color/hue/"]),
        (["Frank: syntax", "i/Frank: syn/Topic: LC82"], ["Topic: LC82", "Frank: syntax"],
         ["Succeeded: i/Frank: syn/Topic: LC82"]),
        (["later", "i/nowhere/Topic: X"], ["later", "i/nowhere/Topic: X"],
         ["Failed: i/nowhere/Topic: X"]),
    ],
)
def test_apply_edits(log: list[str], text: list[str], notes: list[str]) -> None:
    assert run(*log) == (text, notes)


def naive(texts: list[str]) -> tuple[list[str], list[str]]:
    """scribe.perl's way: rescan the lines for every command."""
    lines = [{"text": t, "cmd": parse_edit(t.strip()), "gone": False} for t in texts]
    notes = []
    for i, ln in enumerate(lines):
        e = ln["cmd"]
        if e is None or e.verb != "s":
            continue
        targets = [j for j in range(len(lines) if e.flag == "G" else i)
                   if lines[j]["cmd"] is None and e.old in lines[j]["text"]]
        targets = targets if e.flag else targets[-1:]
        hits = 0
        for j in targets:
            hits += lines[j]["text"].count(e.old) if e.flag else 1
            lines[j]["text"] = lines[j]["text"].replace(e.old, e.new, -1 if e.flag else 1)
        ln["gone"] = hits > 0
        if e.warning:
            notes.append(e.warning)
        times = f" {hits} times" if hits > 1 else ""
        notes.append(f"Succeeded{times}: {texts[i].strip()}" if hits else
                     f"Failed: {texts[i].strip()}")
    return [ln["text"] for ln in lines if not ln["gone"]], notes


WORD = st.sampled_from(["a", "ab", "b", "ba", "x", "xy", "|", "/", "abab", "xyxy", "日本"])
TEXT = st.lists(WORD, max_size=6).map(" ".join)
COMMAND = st.builds(lambda o, n, f: f"s/{o}/{n}/{f}",
                    st.sampled_from(["a", "b", "ab", "x", "abab", "b ab", "xyxy", "日本"]),
                    st.sampled_from(["a", "b", "", "xy"]), st.sampled_from(["", "g", "G"]))


PADDING = st.one_of(st.integers(1, 700), st.integers(4_100, 4_700))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TEXT, COMMAND), max_size=40), PADDING,
       st.sampled_from(["pad", "pad ab x", "日本 xy|"]))
def test_block_search_agrees_with_rescanning(texts: list[str], pad: int, filler: str) -> None:
    """Padding moves the lines across block boundaries (blocks hold 256 lines); past 16 blocks
    (lowered from 200 here) the 4-gram filter decides which blocks are read; fillers that match
    make it say maybe."""
    texts = [filler] * pad + texts
    with patch.object(edits, "_GRAM_BLOCKS", 16):
        assert run(*texts) == naive(texts)
