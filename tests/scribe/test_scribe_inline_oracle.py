"""The HTML of a text (links, images, GitHub references, emphasis, formulas, URL display)
against scribe.perl, under each option that changes it.

Each case puts one text in five kinds of line, so that it is rendered as scribe.perl renders
each kind: a scribe's summary line, a speaker's line ("bob: TEXT"), a topic (also in the
contents), an action (also in the summary of actions, where nothing is a link) and a line from
someone who is not the scribe. The whole documents, diagnostics included, must be equal.

Deliberate differences (scribe.perl's behaviour would hurt readers) are pinned at the end:
javascript:, vbscript: and data: addresses never become links, and a formula cannot make
latexmlmath read a file into the minutes.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.scribe.inline import Context, to_html, to_html_lines, tokenize
from tests.support.scribe_oracle import compare_minutes, run_agendum, run_scribe_perl

HEAD = ["<al> scribe: al", "<al> Meeting: Inline markup", "<al> Date: 2 January 2024"]
FORMS = ("<al> {}", "<al> bob: {}", "<al> topic: {}", "<al> action: bob to {}", "<cy> {}")


def log_of(text: str, before: tuple[str, ...] = (), forms: tuple[str, ...] = FORMS) -> str:
    """A log with ``before`` (scribe lines) and then ``text`` in each of ``forms``."""
    lines = [*HEAD, *(f"<al> {b}" for b in before), *(form.format(text) for form in forms)]
    return "".join(f"{line}\n" for line in lines)


def case(text: str, *options: str, before: tuple[str, ...] = (), name: str) -> object:
    return pytest.param(text, options, before, id=name)


GH = "https://github.com/w3c-ccg/community"
LINKS = [
    case("-> https://example.com/a anchor text here", name="ralph"),
    case('see -> https://example.com/a "quoted anchor" after', name="ralph-double-quoted"),
    case("see -> https://example.com/a 'single quoted' after", name="ralph-single-quoted"),
    case('see -> https://example.com/a "unbalanced anchor', name="ralph-unbalanced-double"),
    case("-> https://example.com/a 'unbalanced", name="ralph-unbalanced-single"),
    case('-> https://example.com/a ""', name="ralph-empty-quotes"),
    case("-> https://example.com/a", name="arrow-no-anchor"),
    case("anchor text -> https://example.com/a", name="xueyuan"),
    case("anchor text -> https://example.com/a more after", name="xueyuan-or-ralph"),
    case("-> anchor text https://example.com/a", name="ivan"),
    case("a -> b https://example.com/a c", name="ivan-text-around"),
    case("a->b https://example.com/a", name="ivan-unspaced"),
    case("https://example.com/a -> anchor", name="inverted"),
    case('https://example.com/a -> "anchor" rest', name="inverted-double-quoted"),
    case("https://example.com/a -> 'anchor' rest", name="inverted-single-quoted"),
    case('https://example.com/a -> "half', name="inverted-unbalanced"),
    case("https://example.com/a ->", name="inverted-empty"),
    case('see *bold* https://example.com/a/b -> https://x.org/ "t"', "-emphasis",
         name="inverted-anchor-is-a-url"),
    case("two https://a.example/x and https://b.example/y links", name="two-bare"),
    case("-> https://a.example/x one -> https://b.example/y two", name="two-ralph"),
    case("x -> https://a.example/x and y -> https://b.example/y", name="two-xueyuan"),
    case("[text](https://example.com/a) and [other](https://b.example/c)", name="markdown"),
    case("see [text](https://example.com/a) #12 and w3c/x#3", name="markdown-then-issue"),
    case("#5 [text](https://example.com/a)", name="issue-before-markdown"),
    case("a -> b [x](https://example.com/a) c", name="markdown-after-an-arrow"),
    case("[a] [b](https://example.com/a)", name="markdown-two-brackets"),
    case("(see https://example.com/a) and (https://example.com/b_(c))", name="parentheses"),
    case("https://example.com/a_(b)*c", name="parentheses-in-url"),
    case("ftp://ftp.example.org/pub/file.txt", name="ftp"),
    case("mailto:someone@example.com please, not mailto:nobody", name="mailto"),
    case("urn:isbn:12345 and geo:1.2,3.4", name="urn-geo"),
    case("HTTPS://EXAMPLE.COM/A and Mailto:a@b.c", name="upper-case-schemes"),
    case('x "https://example.com/q" y', name="double-quotes-end-url"),
    case("x 'https://example.com/q' y", name="apostrophe-in-url"),
    case("‘https://example.com/q’ «https://example.com/r» “https://example.com/s”",
         name="typographic-quotes-end-url"),
    case("<https://example.com/q> and https://example.com/a&b=c", name="angle-brackets"),
    case("-> https://example.com/*a* *b* c", name="anchor-with-marks"),
    case("-> https://example.com/a *bold anchor* $x", "-emphasis", name="anchor-emphasised"),
    case("[*md*](https://example.com/) and ![*i*](https://example.com/i.png)", "-emphasis",
         name="markdown-emphasis"),
    case("*a [x](https://example.com/) b*", "-emphasis", name="emphasis-around-markdown"),
    case("see *https://example.com/a* and _https://x.example/_", "-emphasis",
         name="emphasis-around-urls"),
]
IMAGES = [
    case("--> https://example.com/i.png", name="image-no-alt"),
    case("see --> https://example.com/i.png alt text", name="image-ralph"),
    case('see --> https://example.com/i.png "alt", too', name="image-ralph-quoted"),
    case('--> https://example.com/i.png ""', name="image-empty-alt"),
    case("alt text --> https://example.com/i.png", name="image-xueyuan"),
    case("https://example.com/i.png --> alt", name="image-inverted"),
    case("--> alt <b> https://example.com/i.png after", name="image-ivan"),
    case("![alt](https://example.com/i.png) image *x*", "-emphasis", name="image-markdown"),
    case("#3 ![alt](https://example.com/i.png)", name="image-markdown-issue-before"),
    case("---> https://example.com/i.png x", name="image-long-arrow"),
]
GITHUB = [
    case(f"{GH}/issues/108", name="issue-url"),
    case(f"{GH}/pull/108", name="pull-url"),
    case(f"{GH} and {GH}/", name="repo-url"),
    case(f"{GH}/issues/108#issuecomment-123", name="comment-url"),
    case(f"{GH}/blob/main/README.md {GH}/issues/108/ {GH}/issues/x", name="other-github-urls"),
    case("https://githubXcom/a/b and http://github.com/a/b", name="not-quite-github"),
    case(f"{GH}/issues/108", "-urlDisplay", "shorten", name="issue-url-shorten"),
    case(f"{GH}/issues/108", "-urlDisplay", "full", name="issue-url-full"),
    case("see #12 and w3c/x#3 and foo#4", name="references"),
    case("#1#2 x#3y #4. (#12) [#13] a/b/c#5 é-b#1 #0x #99999999", name="reference-edges"),
    case("a\u200d#12 \u200b#13 \u00a0#14 ²#15", name="reference-after-invisible"),
    case("see #12 and x#3", "-nogithubIssues", name="no-github-issues"),
    case("see #12 and x#3", "-githubIssues", name="github-issues"),
    case("see #12, x#3 and o/r#4", before=("repo: w3c/foo",), name="repo-short"),
    case("see #12, x#3 and o/r#4", before=("repo: https://gitlab.com/grp/proj",),
         name="repo-gitlab"),
    case("#3, drafts#7, tests#1, docs#2",
         before=("Repo: w3c/scribe, transitions, webn/drafts", "Repo: docs, w3c/scribe2"),
         name="repo-manual-example"),
    case("see #12", before=("repo: https://github.com/a/b", "repo:"), name="repo-cleared"),
    case("see #12", "-nogithubIssues", before=("repo: w3c/foo",), name="repo-no-issues"),
    case("see #12 and z#1", before=("topic: about https://github.com/w3c/zzz",),
         name="repo-from-topic"),
    case("*see #12* and _#13_ and _x_#1", "-emphasis", before=("repo: w3c/foo",),
         name="emphasis-around-references"),
]
EMPHASIS = [
    case("*bold* _under_ /it/ `code`", "-emphasis", name="marks"),
    case("*bold* _under_ /it/ `code`", name="marks-off"),
    case("x*bold*y *a*b* *a* *b*", "-emphasis", name="marks-inside-words"),
    case('(*bold*), "_u_" and /path/to/file', "-emphasis", name="marks-and-punctuation"),
    case("*a*`b` and `x` `` `", "-emphasis", name="backquotes"),
    case("*** ** * */bold italics/* _snake_case_ __init__", "-emphasis", name="runs-of-marks"),
    case("a -> b <- c => d <= e ==> f <== g --> h <-- i", "-emphasis", name="arrows"),
    case("---> a ==== > <=== <--- ->-> =>=>", "-emphasis", name="arrow-runs"),
    case(":-) ;-) :-( :-/ ,-) \\o/", "-emphasis", name="smileys"),
    case("a => b :-)", name="symbols-off"),
    case("*a <b> & \"c\"* &amp; &lt;", "-emphasis", name="emphasis-and-escaping"),
    case("*a\u00a0b*\u3000*c* x\u200b*y*\u200b _a_\u0085_b_", "-emphasis",
         name="emphasis-next-to-invisible"),
    case("中文 *粗体* /斜体/ https://例子.com/路径", "-emphasis", name="cjk"),
    case("from \\$2.50 to $2.99 is no math", "-emphasis", name="escaped-dollar"),
]
DISPLAY = [
    case("https://example.com/a/very/long/path/name/that/is/long", "-urlDisplay", "shorten",
         name="shorten"),
    case("https://example.com/a/very/long/path/name/that/is/long", "-urlDisplay", "full",
         name="full"),
    case("https://ex.com/?a=1&b=2&c=3&d=4&e=5 https://ex.co https://e.co", "-urlDisplay",
         "shorten", name="shorten-entities-and-short"),
    case("https://ex.com/\u0301x/é/_y/-z//w/ https://ex.com/a/", name="break-after-word"),
]
ESCAPING = [
    case("<script>alert(1)</script> & &amp; &lt; \"q\" 'a'", name="html-special"),
    case("a\x00b\x07c\x1fd\x7fe \x1cf", name="control-characters"),
    case("\u202eabc\u202c \u2066x\u2069 \ufeffy \u00ad z", name="invisible-characters"),
    case("https://ex.com/a\x1cb and https://ex.com/\u00a0x", name="url-and-odd-spaces"),
]


@pytest.mark.parametrize(("text", "options", "before"),
                         [*LINKS, *IMAGES, *GITHUB, *EMPHASIS, *DISPLAY, *ESCAPING])
def test_text_markup_matches_scribe_perl(text: str, options: tuple[str, ...],
                                         before: tuple[str, ...]) -> None:
    compare_minutes(log_of(text, before), ("-embedDiagnostics", *options))


OTHER_LOGS = [
    pytest.param(["<gb> https://github.com/w3c/x/pull/12 -> MERGED Pull Request 12 *fix* it "
                  "(by bob) [bug]",
                  "<gb> https://github.com/w3c/x/issues/3 -> CLOSED Issue 3 a #4 (by x)",
                  "<gb> https://github.com/bob -> @bob",
                  "<al> see #3"], ("-emphasis",), id="gb-answers"),
    pytest.param(["<RRSAgent> see -> https://a.example/ *anchor* and *text*",
                  "<zakim> see -> https://a.example/ *anchor* and *text* #5"], ("-emphasis",),
                 id="bots-anchor-emphasis"),
    pytest.param(["<al> slideset: -> *my* slides https://example.com/s.pdf", "<al> [slide 2]"],
                 ("-emphasis",), id="slideset-anchor"),
    pytest.param(["<al> topic: --> https://example.com/i.png a *chart*",
                  "<al> action: bob to see --> https://example.com/i.png"], ("-emphasis",),
                 id="images-in-topic-and-action"),
    pytest.param(["<al> foo here -> https://a.example/ x", "<al> s/foo/*bar*/",
                  "<al> s/x/_y_ http:\\/\\/b.example\\/c/", "<al> s/nomatch/*z*/",
                  "<cy> s/here/*there*/"], ("-emphasis",), id="substitutions-and-emphasis"),
    pytest.param(["<al> see #3 here", "<al> s/#3/#4 and w3c\\/x#5/"], (),
                 id="substitution-makes-references"),
    pytest.param(["<al> topic: foo", "<al> s/foo/-> https:\\/\\/a.example\\/ anchor/"],
                 ("-emphasis",), id="substitution-makes-a-link-in-a-topic"),
]


@pytest.mark.parametrize(("lines", "options"), OTHER_LOGS)
def test_markup_in_other_kinds_of_line_matches_scribe_perl(lines: list[str],
                                                           options: tuple[str, ...]) -> None:
    text = "".join(f"{line}\n" for line in [*HEAD, *lines])
    compare_minutes(text, ("-embedDiagnostics", *options))


@pytest.mark.parametrize("how", ["Shorten", "FULL", "breakx", "shortenify", "Break"])
def test_url_display_values_scribe_perl_takes_as_full(how: str) -> None:
    """scribe.perl accepts any case and any continuation of "break" or "shorten" (and any case
    of "full"), then breaks or shortens only for exactly "break" or "shorten"."""
    text = "see https://example.com/a/very/long/path/name/that/is/long and #3"
    [perl] = perl_lines([text], (f"-urlDisplay={how}",))
    assert to_html(text, Context(url_display=how)) == perl


# latexmlmath takes a second a formula: these logs have each formula once.
MATH = [
    pytest.param("math $x^2$ and $$y$$ and \\$z", id="inline-display-escaped"),
    pytest.param("$a<b$ and $a&b$", id="escaped-markup-in-formula"),
    pytest.param("*$a$*$$b$$", id="formula-in-emphasis"),
    pytest.param("$$$x$$ and \\$x$", id="odd-dollars"),
    pytest.param("price $5 -> $6", id="arrow-in-formula"),
]


@pytest.mark.parametrize("text", MATH)
def test_formulas_match_scribe_perl(text: str) -> None:
    compare_minutes(log_of(text, forms=("<al> {}",)), ("-embedDiagnostics", "-emphasis"))


def test_formulas_off_without_emphasis() -> None:
    compare_minutes(log_of("math $x^2$ and $$y$$ and \\$z"))


# ---- whole paragraphs: the lines of a paragraph are rendered together ----------------------


def perl_lines(lines: list[str], options: tuple[str, ...], before: tuple[str, ...] = ()
               ) -> list[str]:
    """The markup scribe.perl gives each line of bob's paragraph (``lines`` written as bob's
    line and its "..." continuations), cut where it puts each continuation in a span."""
    log = "".join(f"{line}\n" for line in [*HEAD, *(f"<al> {b}" for b in before),
                                            f"<al> bob: {lines[0]}",
                                            *(f"<al> ... {line}" for line in lines[1:])])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.txt"
        path.write_text(log, encoding="utf-8")
        perl = run_scribe_perl(path, options)
    found = re.search(r"<cite>bob:</cite> (.*?)</p>\n", perl.html, re.S)
    assert found, perl.html
    pieces = re.split(r"(?:</span>)?<br>\n<span id=[^>]*>… ", found[1])
    if len(pieces) > 1:
        pieces[-1] = pieces[-1].removesuffix("</span>")
    return pieces


def context(options: tuple[str, ...], before: tuple[str, ...]) -> Context:
    repos = ("https://github.com/w3c/foo",) if "repo: w3c/foo" in before else ()
    return Context(emphasis="-emphasis" in options, repos=repos)


LINES = [
    pytest.param(["*foo bar", "baz* -> https://x.y/ z", "end -> https://q.r/"], ("-emphasis",),
                 id="emphasis-across-lines"),
    pytest.param(["-> first", "second https://x.y/ z"], (), id="ivan-anchor-across-lines"),
    pytest.param(["see -> https://x.y/ anchor", "more"], (), id="ralph-anchor-ends-at-line"),
    pytest.param(["https://x.y/ ->", "anchor"], (), id="inverted-anchor-ends-at-line"),
    pytest.param(["#1 and", "x#2 *y*"], ("-emphasis",), id="references"),
]


@pytest.mark.parametrize(("lines", "options"), LINES)
def test_lines_of_a_paragraph_are_rendered_together(lines: list[str],
                                                    options: tuple[str, ...]) -> None:
    """scribe.perl renders a paragraph's lines as one text, then cuts it where they meet, so
    an anchor or an emphasis may run from one line into the next."""
    assert to_html_lines(lines, context(options, ())) == perl_lines(lines, options)
    assert to_html_lines(lines[:1], Context()) == [to_html(lines[0], Context())]


LINE_PIECES = ["https://example.com/a", "http://ex.com/a_(b)", " -> ", "->", "-->", " ", " ",
               "[", "](", ")", "![", '"', "'", "*", "_", "/", "`", "#12", "o/r#3", "word",
               "two words", "<b>", "&", ":-)", "=>", "\\$", "é"]
# a continuation's text as scribe.perl keeps it: no spaces around it, no leading "..."
line_text = st.lists(st.sampled_from(LINE_PIECES), min_size=1, max_size=8).map(
    lambda pieces: "".join(pieces).strip(" ").lstrip(".…").strip(" ")).filter(bool)


@settings(derandomize=True, max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line_text, min_size=2, max_size=3), st.sampled_from([(), ("-emphasis",)]),
       st.sampled_from([(), ("repo: w3c/foo",)]))
def test_lines_of_any_paragraph_match_scribe_perl(lines: list[str], options: tuple[str, ...],
                                                  before: tuple[str, ...]) -> None:
    assert to_html_lines(lines, context(options, before)) == perl_lines(lines, options, before)


# ---- hostile text --------------------------------------------------------------------------

PIECES = [
    "https://example.com/a", "http://ex.com/a_(b)", "ftp://f.example/x", "mailto:a@b.example",
    f"{GH}/issues/108", f"{GH}/pull/7", GH, " -> ", "->", "-->", "--> ", "=>", "<-", "[", "](",
    ")", "![", "(", '"', "'", "‘", "”", "«", "*", "_", "/", "`", "$", "\\$", "\\", "#12",
    "w3c/x#3", "x#", "#", "<b>", "&amp;", "&", "<", ">", ":-)", "\\o/", "中文", "粗体",
    "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u00a0", "\u3000", "\x0b",
    "\x1c", " ", "  ", "a", "é", "1",
]
OPTION_CHOICES = [(), ("-emphasis",), ("-urlDisplay", "shorten"), ("-urlDisplay", "full"),
                  ("-nogithubIssues",)]
_no_newline = st.characters(blacklist_characters="\n\r", blacklist_categories=["Cs"])
hostile = st.lists(st.one_of(st.sampled_from(PIECES), st.text(_no_newline, max_size=6)),
                   min_size=1, max_size=12).map("".join)
long_hostile = st.tuples(hostile, st.integers(1, 60)).map(lambda t: t[0] * t[1])


def _one_formula_at_most(text: str) -> str:
    """latexmlmath takes a second a call: with -emphasis, keep the first "$" only."""
    first = text.find("$")
    return text if first < 0 else text[:first + 1] + text[first + 1:].replace("$", "¤")


@settings(derandomize=True, max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(hostile, long_hostile), st.sampled_from(OPTION_CHOICES), st.booleans())
def test_hostile_text_matches_scribe_perl(text: str, options: tuple[str, ...],
                                          repo: bool) -> None:
    if "-emphasis" in options:
        text = _one_formula_at_most(text)
    before = ("<al> repo: w3c/foo",) if repo else ()
    log = "".join(f"{line}\n" for line in [*HEAD, *before, f"<al> note {text}"])
    compare_minutes(log, ("-embedDiagnostics", *options))


# ---- deliberate differences ------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "javascript://%0aalert(1) and https://ok.example/",
    "-> javascript://x/%0aalert(1) click",
    "see --> javascript://x/i.png alt",
    "data://text/html,<b>x</b>",
    "[x](vbscript://msgbox) JavaScript://x",
])
def test_script_and_data_addresses_never_become_links(text: str, tmp_path: Path) -> None:
    """scribe.perl links any scheme followed by "://", javascript: included; agendum shows
    those addresses as text, and still links the others."""
    path = tmp_path / "log.txt"
    path.write_text(log_of(text), encoding="utf-8")
    perl, ours = run_scribe_perl(path, ()), run_agendum(path, ())
    unsafe = ('href="javascript:', 'href="data:', 'href="vbscript:', 'src="javascript:',
              'href="JavaScript:')
    assert any(u in perl.html for u in unsafe)  # the difference is real
    assert not any(u in ours.html.replace("JavaScript", "javascript") for u in unsafe)
    assert ('href="https://ok.example/"' in ours.html) == ("ok.example" in text)
    for t in tokenize(text, Context()):
        assert t.kind == "text" or t.url.startswith("https://")


def test_a_formula_cannot_read_a_file_into_the_minutes(tmp_path: Path) -> None:
    """latexmlmath runs TeX, and scribe.perl hands it any formula: ``$\\input{FILE}$`` puts
    the file in the minutes. agendum refuses such formulas and shows them as typed."""
    secret = tmp_path / "secret.tex"
    secret.write_text("Qsecretvalue", encoding="utf-8")
    formula = f"$\\input{{{secret}}}$"
    path = tmp_path / "log.txt"
    path.write_text(log_of(formula, forms=("<al> {}",)), encoding="utf-8")
    perl, ours = run_scribe_perl(path, ("-emphasis",)), run_agendum(path, ("-emphasis",))
    assert 'alttext="Qsecretvalue"' in perl.html  # the difference is real
    assert "Qsecretvalue" not in ours.html
    assert f"class=summary>{formula}</p>" in ours.html
