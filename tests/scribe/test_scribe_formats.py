"""The Markdown and JSON renderers of the minutes record (bot.scribe.markdown, bot.scribe.jsonout).

The Markdown is checked the way a reader sees it: parsed by a CommonMark parser (markdown-it,
with GFM's tables and strikethrough) whose link validation is switched off, so that any link a
user string managed to create shows up, whatever its scheme.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.scribe.inline import Context, tokenize
from bot.scribe.jsonout import render_json, to_dict
from bot.scribe.markdown import escape, inline, line_start, paragraph, render_markdown, slug
from bot.scribe.options import Options
from bot.scribe.pipeline import make_minutes
from bot.scribe.record import Item, Minutes, Segment
from tests.support.seed import REFERENCE

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REFERENCE / "scribe2-samples").glob("*.txt"))
REFERENCE_LOGS = [*SAMPLES, REFERENCE / "seed-2024-03-07-webmachinelearning-irc.txt"]
SAFE_HREF = re.compile(r"(?:https?://|mailto:|#)", re.I)


# ---- helpers ------------------------------------------------------------------------------------


def log(*lines: str, topic: bool = True) -> str:
    """A meeting log: alice scribes, then ``lines`` (``<nick> text`` or ``* nick text``)."""
    head = ["<alice> Meeting: Test meeting", "<alice> Scribe: alice"]
    if topic:
        head.append("<alice> Topic: Budget")
    return "".join(f"10:{i // 60:02d}:{i % 60:02d} {line}\n"
                   for i, line in enumerate([*head, *lines]))


def minutes(text: str, log_url: str | None = None, **options: Any) -> tuple[Minutes, Options]:
    return make_minutes(text, replace(Options(), **options), log_url=log_url)


def parser() -> Any:
    """markdown-it (CommonMark) with GFM tables and strikethrough, raw HTML recognised, every
    link accepted and kept as written."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True
    md.normalizeLink = lambda url: url
    return md


def tokens(markdown: str) -> list[Any]:
    """Every block and inline token of ``markdown``."""
    out = []
    for t in parser().parse(markdown):
        out.append(t)
        out += t.children or []
    return out


def visible(children: list[Any]) -> str:
    """The text a reader sees of an inline token list (hard breaks as newlines)."""
    out = []
    for c in children:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type == "softbreak":
            out.append(" ")
        elif c.type == "hardbreak":
            out.append("\n")
    return "".join(out)


def blocks(markdown: str) -> list[tuple[str, str]]:
    """(tag, visible text) of every inline container: paragraphs, headings, table cells."""
    toks = parser().parse(markdown)
    return [(toks[i - 1].tag, visible(t.children or [])) for i, t in enumerate(toks)
            if t.type == "inline"]


def links(markdown: str) -> list[str]:
    """The targets of every link and image in ``markdown``."""
    out = []
    for t in tokens(markdown):
        if t.type == "link_open":
            out.append(str(t.attrs["href"]))
        elif t.type == "image":
            out.append(str(t.attrs["src"]))
    return out


# someone else's line inside their verbatim block: "&lt;nick&gt; " and one code span
_CODE_LINE = re.compile(r"&lt;[^\s`]*&gt; (`+)(?!`).*(?<!`)\1")


def outside_code(markdown: str) -> str:
    """``markdown`` without its fenced code blocks and the code spans of others' verbatim lines
    (the only places raw ``<`` may be without -emphasis)."""
    out, fence = [], None
    for line in markdown.split("\n"):
        if fence is None and re.fullmatch(r"`{3,}", line):
            fence = line
        elif fence is not None and line == fence:
            fence = None
        elif fence is None and not _CODE_LINE.fullmatch(line):
            out.append(line)
    return "\n".join(out)


def _renderer_formatting(children: list[Any]) -> bool:
    """Whether the formatting in one block is the renderer's own: "**Name:**" leads, a bot's
    reference in bold after "<nick> " ("**[Issue 5](…)** rest"), or the code span of a line
    in someone else's verbatim block ("<nick> `code`")."""
    types = [c.type for c in children]
    after_nick = len(children) > 1 and children[0].type == "text" and \
        re.fullmatch(r"<\S*> ", children[0].content) is not None
    if "code_inline" in types:
        return after_nick and types == ["text", "code_inline"]
    for i, c in enumerate(children):
        if c.type != "strong_open":
            continue
        closed = types.index("strong_close", i)
        inside = children[i + 1:closed]
        if [x.type for x in inside] == ["text"] and inside[0].content.endswith(":"):
            continue
        if not (after_nick and i == 1 and [x.type for x in inside][:1] == ["link_open"]
                and inside[-1].type == "link_close"):
            return False
    return True


def assert_safe(markdown: str, emphasis: bool = False) -> None:
    """No raw HTML, no link but http(s)/mailto/in-page, no formatting but the renderer's own."""
    found = tokens(markdown)
    assert not [t for t in found if t.type in ("html_inline", "html_block")]
    assert all(SAFE_HREF.match(href) for href in links(markdown)), links(markdown)
    # (in code, where it is only text, "[x](javascript:…)" may stand)
    assert not re.search(r"(?:^|[^\\])(?:\\\\)*\]\(\s*<?\s*javascript:", outside_code(markdown),
                         re.I)
    if not emphasis:  # -emphasis makes code spans and emphasis, which may hold "<"
        assert "<" not in outside_code(markdown)
        assert not [t for t in found if t.type in ("em_open", "s_open")]
        odd = [visible(t.children) for t in found
               if t.type == "inline" and not _renderer_formatting(t.children or [])]
        assert not odd, odd


def every_item(m: Minutes) -> list[Item]:
    return m.items()


def json_items(d: dict[str, Any]) -> list[dict[str, Any]]:
    out = [*d["preamble"]]
    for t in d["topics"]:
        out += t["items"]
        for s in t["subtopics"]:
            out += s["items"]
    return out


# ---- each kind of paragraph in both formats -----------------------------------------------------

SLIDES = "<alice> Slideset: https://example.com/deck.pdf"
KINDS = [
    # kind, log lines, Markdown expected, JSON fields expected of the last item of that kind
    ("speaker", ["<alice> bob: we agree"], "**bob:** we agree",
     {"speaker": "bob", "text": "we agree"}),
    ("speaker", ["<alice> bob: we agree", "<alice> ... and more", "<alice> … and more still"],
     "**bob:** we agree\\\n… and more\\\n… and more still",
     {"text": "we agree and more and more still"}),
    ("summary", ["<alice> the group reviewed the budget"], "\n\nthe group reviewed the budget\n",
     {"speaker": None, "text": "the group reviewed the budget"}),
    ("irc", ["<carol> I <b>disagree</b>"], "&lt;carol&gt; I &lt;b&gt;disagree&lt;/b&gt;",
     {"speaker": "carol", "text": "I <b>disagree</b>"}),
    ("irc", ["* carol waves"], "&lt;\\* carol&gt; waves", {"speaker": "* carol"}),
    ("bot", ["<trackbot> Created ACTION-7 - Send it [on Bob - due 2024-03-14]."],
     "&lt;trackbot&gt; Created ACTION-7 - Send it \\[on Bob - due 2024-03-14\\].",
     {"speaker": "trackbot"}),
    ("action", ["<alice> ACTION: bob to send the *budget*"],
     "**ACTION:** bob to send the \\*budget\\*", {"text": "bob to send the *budget*"}),
    ("resolution", ["<alice> RESOLUTION: adopt the budget"], "**RESOLUTION:** adopt the budget",
     {"text": "adopt the budget"}),
    ("issue", ["<alice> ISSUE: the budget is late"], "**ISSUE:** the budget is late",
     {"text": "the budget is late"}),
    ("slideset", [SLIDES],
     "Slideset: [https://example.com/deck.pdf](https://example.com/deck.pdf)",
     {"links": [{"url": "https://example.com/deck.pdf", "text": "https://example.com/deck.pdf",
                 "kind": "url"}]}),
    ("slide", [SLIDES, "<alice> [slide 3]"], "[Slide 3](https://example.com/deck.pdf#page=3)",
     {"text": "3", "url": "https://example.com/deck.pdf#page=3",
      "links": [{"url": "https://example.com/deck.pdf#page=3", "text": "Slide 3",
                 "kind": "slide"}]}),
    # (a line that ends in ``` ends the block, as in scribe.perl: "a ```` b" does not)
    ("verbatim", ["<alice> ```", "<alice>   x = `y` <b>", "<alice> a ```` b", "<alice> ```"],
     "\n\n`````\n  x = `y` <b>\na ```` b\n`````\n",
     {"text": "  x = `y` <b> a ```` b", "links": []}),
    # someone else's line inside their verbatim block: a code span after the nick
    ("code", ["<carol> ```", "<carol> x <y> `z` *w*", "<carol> ```"],
     "\n\n&lt;carol&gt; ``x <y> `z` *w*``\n",
     {"speaker": "carol", "text": "x <y> `z` *w*", "links": []}),
    # a failed edit, shown as typed
    ("command", ["<alice> s/nothing/*here*/"], "\n\n&lt;alice&gt; s/nothing/\\*here\\*/\n",
     {"speaker": "alice", "text": "s/nothing/*here*/"}),
    # a bot's reply that starts with a reference: the reference in bold, then the rest
    ("botref", ["<gb> https://github.com/w3c/baz/issues/5 -> Issue 5 The *title* [label]"],
     "\n\n&lt;gb&gt; **[Issue 5](https://github.com/w3c/baz/issues/5)** The \\*title\\* "
     "\\[label\\]\n",
     {"speaker": "gb", "text": "->https://github.com/w3c/baz/issues/5 Issue 5 The *title* [label]",
      "links": [{"url": "https://github.com/w3c/baz/issues/5", "text": "Issue 5",
                 "kind": "link"}]}),
    ("repo", ["<alice> repo: w3c/x", "<alice> see #3"], "\n\nRepository: w3c/x\n",
     {"speaker": None, "text": "w3c/x", "links": []}),
    ("drop", ["<alice> repo: w3c/x, w3c/y", "<alice> Repository- w3c/x"],
     "\n\nRepository- w3c/x\n", {"speaker": None, "text": "w3c/x", "links": []}),
    ("anchor", ["<alice> NamedAnchorHere: anchor_xyz"], None,
     {"id": "anchor_xyz", "text": "anchor_xyz", "links": []}),
]


@pytest.mark.parametrize(("kind", "lines", "expected_md", "expected_json"), KINDS,
                         ids=[f"{k}-{i}" for i, (k, *_rest) in enumerate(KINDS)])
def test_each_paragraph_kind_renders_in_markdown_and_json(
        kind: str, lines: list[str], expected_md: str | None,
        expected_json: dict[str, Any]) -> None:
    m, opts = minutes(log(*lines))
    item = [i for i in every_item(m) if i.kind == kind][-1]
    md = render_markdown(m, opts)
    if expected_md is None:  # nothing shows
        assert item.id not in md and "NamedAnchorHere" not in md
    else:
        assert expected_md in md
    assert_safe(md)
    d = json.loads(render_json(m, opts))
    found = [i for i in json_items(d) if i["id"] == item.id]
    assert len(found) == 1
    assert found[0]["kind"] == kind
    assert found[0]["time"] == item.time
    for key, value in expected_json.items():
        assert found[0][key] == value, key
    assert found[0]["lines"] == [{"id": s.id if n else item.id, "text": s.text}
                                 for n, s in enumerate(item.segments)]


def test_summaries_list_actions_resolutions_and_issues_in_both_formats() -> None:
    m, opts = minutes(log("<alice> ACTION: bob to pay", "<alice> RESOLUTION: we pay",
                          "<alice> ISSUE: who pays?", "<alice> ACTION: carol to count"))
    md = render_markdown(m, opts)
    assert "## Summary of action items\n\n1. bob to pay\n2. carol to count\n" in md
    assert "## Summary of resolutions\n\n1. we pay\n" in md
    assert "## Summary of issues\n\n1. who pays?\n" in md
    assert "1. [Budget](#budget)\n2. [Summary of action items](#summary-of-action-items)\n" in md
    d = to_dict(m)
    assert [a["text"] for a in d["actions"]] == ["bob to pay", "carol to count"]
    assert d["resolutions"] == [{"id": m.resolutions[0].id, "text": "we pay"}]
    assert d["issues"] == [{"id": m.issues[0].id, "text": "who pays?"}]


def test_markdown_header_has_title_draft_date_links_and_attendees() -> None:
    m, opts = minutes(log("<alice> Chair: carol", "<alice> Present+ bob_b, *dave*",
                          "<alice> Date: 07 March 2024", "<alice> Agenda: https://example.com/a_b",
                          "<alice> Previous meeting: https://example.com/prev", topic=False))
    md = render_markdown(m, opts)
    assert md.startswith("# – DRAFT – Test meeting\n\n07 March 2024\n\n"
                         "[Agenda](https://example.com/a_b) · "
                         "[Previous meeting](https://example.com/prev)\n\n## Attendees\n\n")
    assert ("**Present:** \\*dave\\*, bob_b\\\n**Regrets:** -\\\n**Chair:** carol\\\n"
            "**Scribe:** alice\n") in md
    final = render_markdown(m, replace(opts, draft=False))
    assert final.startswith("# Test meeting\n")
    assert "DRAFT" not in final


def test_header_links_only_http_https_and_mailto_in_both_formats() -> None:
    m, opts = minutes(log("<alice> hello"), log_url="javascript:alert(1)")
    md = render_markdown(m, opts)
    assert m.log_url is None  # the engine already refuses it, with a diagnostic
    assert "Log URL is not an http(s) URL: not linked" in m.diagnostics
    assert "IRC log" not in md and "javascript" not in md
    assert to_dict(m)["log"] is None
    m, opts = minutes(log("<alice> hello"), log_url="https://example.com/log")
    assert "[IRC log](https://example.com/log)" in render_markdown(m, opts)
    assert to_dict(m)["log"] == "https://example.com/log"


def test_markdown_contents_links_to_github_heading_anchors_repeats_numbered() -> None:
    m, opts = minutes(log("<alice> Topic: Budget", "<alice> SubTopic: Q&A: the *plan* (v2)!",
                          "<alice> Topic: Attendees", topic=True))
    md = render_markdown(m, opts)
    assert ("1. [Budget](#budget)\n2. [Budget](#budget-1)\n"
            "   1. [Q&A: the \\*plan\\* (v2)!](#qa-the-plan-v2)\n"
            "3. [Attendees](#attendees-1)\n") in md
    assert "\n\n### Q&A: the \\*plan\\* (v2)!\n\n" in md


def test_markdown_subtopics_under_ten_or_more_topics_are_indented_to_the_item_text() -> None:
    topics = [f"<alice> Topic: T{n}" for n in range(2, 11)]
    m, opts = minutes(log(*topics, "<alice> SubTopic: Sub"))
    md = render_markdown(m, opts)
    assert "10. [T10](#t10)\n    1. [Sub](#sub)\n" in md


def test_markdown_diagnostics_only_when_embedded() -> None:
    m, opts = minutes(log("<alice> s/nothing/here/", "<alice> - a list? no"))
    assert m.diagnostics
    assert "Diagnostics" not in render_markdown(m, opts)
    md = render_markdown(m, replace(opts, embed_diagnostics=True))
    assert "## Diagnostics\n\n- " in md
    assert all(escape(d) in md for d in m.diagnostics)


def test_markdown_without_keep_lines_runs_continuations_into_one_line() -> None:
    m, opts = minutes(log("<alice> bob: one", "<alice> ... two"), keep_lines=False)
    assert "**bob:** one two\n" in render_markdown(m, opts)
    d = to_dict(m)
    assert d["topics"][0]["items"][0]["lines"][1] == {"id": None, "text": "two"}


def test_markdown_links_from_arrows_markdown_and_issues_are_escaped_links() -> None:
    m, opts = minutes(log("<alice> -> https://example.com/a_(b) the *spec* [draft]",
                          "<alice> see [the ](https://example.com/x) and w3c/repo#12",
                          "<alice> see ![alt](https://example.com/i.png)"))
    md = render_markdown(m, opts)
    assert "[the \\*spec\\* \\[draft\\]](https://example.com/a_\\(b\\))" in md
    assert "[w3c/repo#12](https://github.com/w3c/repo/issues/12)" in md
    assert "![alt](https://example.com/i.png)" in md
    assert links(md)[-5:-1] == ["https://example.com/a_(b)", "https://example.com/x",
                              "https://github.com/w3c/repo/issues/12",
                              "https://example.com/i.png"]
    d = to_dict(m)
    assert [(x["kind"], x["url"]) for x in d["links"]] == [
        ("link", "https://example.com/a_(b)"), ("link", "https://example.com/x"),
        ("issue", "https://github.com/w3c/repo/issues/12"),
        ("image", "https://example.com/i.png")]
    assert d["links"][0]["text"] == "the *spec* [draft]"


def test_markdown_user_link_syntax_with_other_schemes_stays_text() -> None:
    m, opts = minutes(log("<carol> [x](javascript:alert(1)) <script>alert(2)</script>",
                          "<alice> the ![y](data:text/html,hi) -> javascript:alert(3) z"))
    md = render_markdown(m, opts)
    assert_safe(md)
    assert links(md) == ["#budget", SCRIBE_DOC]
    texts = [text for _tag, text in blocks(md)]
    assert "<carol> [x](javascript:alert(1)) <script>alert(2)</script>" in texts
    assert "the ![y](data:text/html,hi) -> javascript:alert(3) z" in texts


SCRIBE_DOC = "https://w3c.github.io/scribe2/scribedoc.html"


def test_markdown_code_lines_and_bot_references_show_hostile_text_as_text() -> None:
    """Someone else's verbatim lines are code spans, a bot's reply after its bold reference is
    escaped text: neither makes a link, markup or formatting of what the user wrote."""
    hostile = ["<script>alert(1)</script>", "`` x ``", "*b* _i_", "[x](javascript:alert(1))",
               "a ` b", "**x:**", "``"]
    m, opts = minutes(log("<bob> ```", *(f"<bob> {h}" for h in hostile), "<bob> ```",
                          *(f"<gb> https://github.com/w3c/x/issues/1 -> Issue 1 {h}"
                            for h in hostile)))
    assert [i.kind for i in every_item(m)] == ["code"] * len(hostile) + ["botref"] * len(hostile)
    md = render_markdown(m, opts)
    assert_safe(md)
    assert links(md) == ["#budget", *["https://github.com/w3c/x/issues/1"] * len(hostile),
                         SCRIBE_DOC]
    texts = [text for _tag, text in blocks(md)]
    for h in hostile:
        assert f"<bob> {h}" in texts and f"<gb> Issue 1 {h}" in texts


def test_markdown_exclamation_mark_before_a_link_does_not_make_an_image() -> None:
    m, opts = minutes(log("<alice> so wow!https://example.com/x"))  # ("wow!https:" is a name)
    md = render_markdown(m, opts)
    assert "so wow\\![https://example.com/x](https://example.com/x)" in md
    assert not [t for t in tokens(md) if t.type == "image"]


@pytest.mark.parametrize(("text", "expected"), [
    ("# not a heading", "\\# not a heading"),
    ("- not a list", "\\- not a list"),
    ("+ not a list", "\\+ not a list"),
    ("2024. not a list", "2024\\. not a list"),
    ("1) not a list", "1\\) not a list"),
    ("---", "\\---"),
    ("===", "\\==="),
    ("> not a quote", "&gt; not a quote"),
    ("| a | b |", "\\| a \\| b \\|"),
    ("```", "\\`\\`\\`"),
    ("~~~ x", "\\~\\~\\~ x"),
    ("[ref]: https://example.com", "\\[ref\\]: https://example.com"),
    ("    indented", "indented"),
    ("* star", "\\* star"),
    ("_under_ and snake_case", "\\_under\\_ and snake_case"),
    ("&copy; & Q&A", "&amp;copy; & Q&A"),
    ("$x$ and \\", "\\$x\\$ and \\\\"),
    ("<!-- c --> <a href=x>", "&lt;!-- c --&gt; &lt;a href=x&gt;"),
])
def test_markdown_escapes_block_and_inline_syntax_at_line_start(text: str, expected: str) -> None:
    assert line_start(escape(text)) == expected
    md = f"{line_start(escape(text))}\n"
    assert blocks(md) == [("p", text.strip())]


# ---- the reference meetings ---------------------------------------------------------------------


@pytest.mark.parametrize("path", REFERENCE_LOGS, ids=lambda p: p.stem)
def test_reference_meetings_render_to_json_matching_the_record(path: Path) -> None:
    m, opts = make_minutes(path.read_text(encoding="utf-8"))
    d = json.loads(render_json(m, opts))
    assert (d["format"], d["version"]) == ("agendum-minutes", 1)
    assert d["title"] == m.title and d["date"] == (m.date.isoformat() if m.date else None)
    assert [(t["id"], t["title"]) for t in d["topics"]] == [(t.id, t.title) for t in m.topics]
    assert [[(s["id"], s["title"]) for s in t["subtopics"]] for t in d["topics"]] == \
        [[(s.id, s.title) for s in t.subsections] for t in m.topics]
    items = every_item(m)
    # a bot's reply that starts with a reference: its text goes on with the rest of the reply
    assert [(i["id"], i["kind"], i["text"]) for i in json_items(d)] == \
        [(i.id, i.kind, f"{i.text} {i.url}" if i.kind == "botref" and i.url else i.text)
         for i in items]
    assert [[line["text"] for line in i["lines"]] for i in json_items(d)] == \
        [[s.text for s in i.segments] for i in items]
    assert [a["id"] for a in d["actions"]] == [a.id for a in m.actions]
    assert [r["id"] for r in d["resolutions"]] == [r.id for r in m.resolutions]
    ids = {i.id for i in items} | {t.id for t in m.topics} | \
        {s.id for t in m.topics for s in t.subsections}
    assert all(link["item"] in ids and SAFE_HREF.match(link["url"]) for link in d["links"])
    assert d["diagnostics"] == list(m.diagnostics)


def title_text(title: str, ctx: Context) -> str:
    """What a heading shows: link labels, URLs, math between its dollars."""
    out = []
    for tok in tokenize(title, ctx):
        dollars = "$$" if tok.url else "$"
        out.append(tok.url if tok.kind == "url" else
                   f"{dollars}{tok.text}{dollars}" if tok.kind == "math" else tok.text)
    return "".join(out)


@pytest.mark.parametrize("path", REFERENCE_LOGS, ids=lambda p: p.stem)
def test_reference_meetings_render_to_safe_markdown_with_every_topic(path: Path) -> None:
    m, opts = make_minutes(path.read_text(encoding="utf-8"))
    md = render_markdown(m, replace(opts, embed_diagnostics=True))
    assert_safe(md, emphasis=opts.emphasis)
    headings = [text for tag, text in blocks(md) if tag in ("h2", "h3")]
    for t in m.topics:
        for s in (t, *t.subsections):
            assert title_text(s.title, s.ctx) in headings
    contents = [href for href in links(md) if href.startswith("#")]
    assert len(contents) == sum(1 + len(t.subsections) for t in m.topics) + sum(
        1 for x in (m.actions, m.resolutions, m.issues) if x)
    speakers = [i for i in every_item(m) if i.kind == "speaker"]
    assert all(f"**{escape(i.speaker)}:**" in md for i in speakers)


def test_reference_seed_meeting_markdown_shows_slides_as_links() -> None:
    m, opts = make_minutes(REFERENCE_LOGS[-1].read_text(encoding="utf-8"))
    md = render_markdown(m, opts)
    slides = [i for i in every_item(m) if i.kind == "slide"]
    assert slides
    for s in slides:
        assert f"[Slide {s.text}](" in md
        assert s.url in links(md)


def test_json_document_in_docs_matches_the_renderer() -> None:
    doc = (ROOT / "docs" / "minutes-json.md").read_text(encoding="utf-8")
    sample_log = re.search(r"The log\n\n```\n(.*?)```", doc, re.S)
    example = re.search(r"```json\n(.*?)```", doc, re.S)
    assert sample_log and example
    m, opts = make_minutes(sample_log[1])
    d = json.loads(render_json(m, opts))
    d["topics"][0]["items"] = d["topics"][0]["items"][:1]  # the example is shortened so
    assert json.loads(example[1]) == d
    assert all(f"`{key}`" in doc for key in d)  # every field documented


# ---- properties over arbitrary logs -------------------------------------------------------------

NASTY = ["<script>alert(1)</script>", "[x](javascript:alert(1))", "![i](javascript:x)",
         "`", "```", "*", "**", "_", "__", "#", "# ", "- ", "1. ", "|", "---", "~", "\\", "!",
         "[", "]", "(", ")", "<", ">", "&", "&lt;", "&#60;", "$", "->", "-->", " -> ",
         "https://example.com/a_(b)*c", "mailto:x@example.com", "javascript:alert(1)",
         "<img src=x onerror=alert(1)>", "www.example.com", "#12", "w3c/x#3", ":", "...", "…",
         "Topic: ", "SubTopic: ", "ACTION: ", "RESOLUTION: ", "ISSUE: ", "PROPOSED: ",
         "STRAWPOLL: ", "Slideset: https://example.com/s.pdf", "[slide 2]", "bob: ", "alice: ",
         "Scribe: ", "Meeting: ", "Chair: ", "Present+ ", "NamedAnchorHere: ", "s/a/b/", "q+",
         "[[", "]]", "\t", "    ", "\u00a0", "\u2028", "\x0b"]
NICKS = ["alice", "bob", "carol", "zakim", "trackbot", "gb", "RRSAgent"]

message = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=6).map(
    "".join)
# (form, nick, text): a message "<nick> text", an action "* nick text", or a raw line
log_line = st.one_of(
    st.tuples(st.sampled_from(["<>", "*"]), st.sampled_from(NICKS), message),
    st.tuples(st.just("raw"), st.just(""), st.text(max_size=30)),
)
options = st.builds(Options, draft=st.booleans(), embed_diagnostics=st.booleans(),
                    keep_lines=st.booleans(), url_display=st.sampled_from(["break", "shorten"]),
                    implicit_continuations=st.booleans(), dash_topics=st.booleans(),
                    github_issues=st.booleans())


def timed(lines: list[tuple[str, str, str]]) -> tuple[str, list[str]]:
    """The log text (timestamps before messages and actions) and each message's text."""
    out, texts = [], []
    for i, (form, nick, text) in enumerate(lines):
        stamp = f"10:{i // 60 % 60:02d}:{i % 60:02d}"
        if form == "raw":
            out.append(text)
        else:
            out.append(f"{stamp} <{nick}> {text}" if form == "<>" else f"{stamp} * {nick} {text}")
            texts.append(text)
    return "\n".join(out), texts


@given(st.lists(log_line, max_size=25), options)
def test_markdown_of_any_log_has_no_html_no_unsafe_link_and_no_unasked_formatting(
        lines: list[tuple[str, str, str]], opts: Options) -> None:
    text, _texts = timed(lines)
    m, used = make_minutes(text, opts)
    md = render_markdown(m, used)
    assert md.endswith("\n")
    assert_safe(md)
    assert not [href for href in links(md) if href.strip().lower().startswith("javascript:")]


@given(st.lists(log_line, max_size=25), options)
def test_markdown_with_emphasis_of_any_log_has_no_html_and_no_unsafe_link(
        lines: list[tuple[str, str, str]], opts: Options) -> None:
    text, _texts = timed(lines)
    m, used = make_minutes(text, replace(opts, emphasis=True))
    md = render_markdown(m, used)
    assert_safe(md, emphasis=True)


@given(st.lists(log_line, max_size=25), options)
def test_json_of_any_log_parses_and_keeps_every_message_that_became_a_paragraph(
        lines: list[tuple[str, str, str]], opts: Options) -> None:
    text, texts = timed(lines)
    m, used = make_minutes(text, opts)
    d = json.loads(render_json(m, used))
    assert d["draft"] == used.draft
    lines_json = [line["text"] for i in json_items(d) for line in i["lines"]]
    assert lines_json == [s.text for i in every_item(m) for s in i.segments]
    kept = {s.text for i in every_item(m) for s in i.segments}
    for t in texts:
        if t in kept:
            assert t in lines_json
    assert [t["title"] for t in d["topics"]] == [t.title for t in m.topics]


printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)
tricky = st.lists(st.one_of(st.sampled_from(NASTY[:45]), printable), min_size=1, max_size=6).map(
    "".join)


def _plain_only(text: str) -> bool:
    return "\n" not in text and "\u2028" not in text and \
        all(t.kind == "text" for t in tokenize(text, Context()))


@given(tricky, tricky)
def test_markdown_shows_user_text_exactly_as_written(first: str, second: str) -> None:
    assume(_plain_only(first) and _plain_only(second) and first.strip() and second.strip())
    summary = paragraph(Item("summary", "abcd", (Segment(first),)))
    speaker = paragraph(Item("speaker", "abcd", (Segment(first), Segment(second, "ef01")),
                             speaker="bob"))
    assert summary and speaker

    def norm(s: str) -> str:
        return " ".join(s.split())

    assert [(tag, norm(text)) for tag, text in blocks(summary)] == [("p", norm(first))]
    [(tag, text)] = blocks(speaker)
    assert tag == "p"
    assert [norm(x) for x in text.split("\n")] == [norm(f"bob: {first}"), norm(f"… {second}")]
    heading = f"## {inline(first, Context(), heading=True)}"
    assert [(tag, norm(text)) for tag, text in blocks(heading)] == [("h2", norm(first))]
    listed = f"1. {line_start(inline(first, Context()))}"
    assert [(tag, norm(text)) for tag, text in blocks(listed)] == [("p", norm(first))]


@given(tricky)
def test_markdown_links_go_exactly_where_the_tokens_say(text: str) -> None:
    assume("\n" not in text and "\u2028" not in text)
    expected = [t.url for t in tokenize(text, Context()) if t.kind != "text"]
    md = paragraph(Item("speaker", "abcd", (Segment(text),), speaker="bob"))
    assert md is not None
    assert links(md) == expected
    assert_safe(md)


def test_slug_follows_github_anchor_rules() -> None:
    assert slug("Q&A: the *plan* (v2)!") == "qa-the-plan-v2"
    assert slug("Publication timeline update - Techniques in by May 15!") == \
        "publication-timeline-update---techniques-in-by-may-15"
    assert slug("Überblick snake_case") == "überblick-snake_case"
