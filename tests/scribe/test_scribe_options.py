"""scribe.perl's options, parsed with Getopt::Long's rules and error messages."""

from __future__ import annotations

import json
import random
import re
import subprocess
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.scribe.options import (
    OPTION_NAMES,
    OptionError,
    Options,
    apply_option_text,
    parse_args,
    resolve_name,
    split_words,
    usage,
)
from bot.scribe.perlchars import SPACE
from tests.support.scribe_oracle import require_oracle

DEFAULT = Options()

# The boolean options, which also accept -noNAME and -no-NAME (the spec, written out again here so
# that the tests do not just repeat the module's table).
NEGATABLE = ("final", "draft", "embedDiagnostics", "oldStyle", "scribeOnly", "keepLines",
             "implicitContinuations", "allowSpaceContinuation", "dashTopics", "useZakimTopics",
             "emphasis", "githubIssues", "ghurlbot")
# The options that take a value, with a valid one.
VALUED = {"stylesheet": "s.css", "logo": "<b>W3C</b>", "mathjax": "m.js", "islide": "i.js",
          "urlDisplay": "full", "collapseLimit": "7", "scribeNick": "jvm", "minutes": "m.html",
          "date": "2014-04-09", "format": "md", "inputFormat": "irssi"}
ALL_NAMES = sorted([name.lower() for name in OPTION_NAMES]
                   + [f"no{sep}{name.lower()}" for name in NEGATABLE for sep in ("", "-")])


def changed(**changes: Any) -> Options:
    return replace(DEFAULT, **changes)


def error_of(argv: list[str], base: Options = DEFAULT) -> str:
    with pytest.raises(OptionError) as info:
        parse_args(argv, base)
    return str(info.value)


# ---- every option -------------------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "base", "expected"), [
    (["-final"], DEFAULT, changed(draft=False)),
    (["-nofinal"], changed(draft=False), DEFAULT),
    (["-draft"], changed(draft=False), DEFAULT),
    (["-nodraft"], DEFAULT, changed(draft=False)),
    (["-embedDiagnostics"], DEFAULT, changed(embed_diagnostics=True)),
    (["-noembedDiagnostics"], changed(embed_diagnostics=True), DEFAULT),
    (["-member"], DEFAULT, changed(style="member")),
    (["-team"], DEFAULT, changed(style="team")),
    (["-fancy"], DEFAULT, changed(style="fancy", fancy=True)),
    (["-team"], changed(style="fancy", fancy=True), changed(style="team")),
    (["-oldStyle"], DEFAULT, changed(old_style=True)),
    (["-stylesheet", "https://example.org/s.css"], DEFAULT,
     changed(stylesheet="https://example.org/s.css")),
    (["-style", "https://example.org/s.css"], DEFAULT,
     changed(stylesheet="https://example.org/s.css")),
    (["-logo", "<b>Us</b>"], DEFAULT, changed(logo="<b>Us</b>")),
    (["-logo", ""], DEFAULT, changed(logo="")),
    (["-nologo"], changed(logo="<b>Us</b>"), changed(logo="")),
    (["-mathjax", "https://example.org/mj.js"], DEFAULT,
     changed(mathjax="https://example.org/mj.js")),
    (["-islide", "https://example.org/i.js"], DEFAULT, changed(islide="https://example.org/i.js")),
    (["-scribeOnly"], DEFAULT, changed(scribe_only=True)),
    (["-nokeepLines"], DEFAULT, changed(keep_lines=False)),
    (["-keepLines"], changed(keep_lines=False), DEFAULT),
    (["-implicitContinuations"], DEFAULT, changed(implicit_continuations=True)),
    (["-allowSpaceContinuation"], DEFAULT, changed(allow_space_continuations=True)),
    (["-noallowSpaceContinuation"], changed(allow_space_continuations=True), DEFAULT),
    (["-dashTopics"], DEFAULT, changed(dash_topics=True)),
    (["-noUseZakimTopics"], DEFAULT, changed(use_zakim_topics=False)),
    (["-emphasis"], DEFAULT, changed(emphasis=True)),
    (["-urlDisplay", "shorten"], DEFAULT, changed(url_display="shorten")),
    (["-urlDisplay", "full"], DEFAULT, changed(url_display="full")),
    (["-urlDisplay", "break"], changed(url_display="full"), DEFAULT),
    # scribe.perl keeps the value as given: any case, break… and shorten… words too
    (["-urlDisplay", "FULL"], DEFAULT, changed(url_display="FULL")),
    (["-urlDisplay=Shorten"], DEFAULT, changed(url_display="Shorten")),
    (["-urlDisplay=breaking"], DEFAULT, changed(url_display="breaking")),
    (["-urlDisplay=full\n"], DEFAULT, changed(url_display="full\n")),
    (["-collapseLimit", "5"], DEFAULT, changed(collapse_limit=5)),
    (["-nogithubIssues"], DEFAULT, changed(github_issues=False)),
    (["-noghurlbot"], DEFAULT, changed(ghurlbot=False)),
    (["-scribeNick", "jvm"], DEFAULT, changed(scribe_nicks=("jvm",))),
    (["-minutes", "https://www.w3.org/2005/03/01-bake-minutes"], DEFAULT,
     changed(minutes_url="https://www.w3.org/2005/03/01-bake-minutes")),
    (["-date", "2014-04-09"], DEFAULT, changed(date="2014-04-09")),
    (["-date", "09 April 2014"], DEFAULT, changed(date="09 April 2014")),
    (["-format", "md"], DEFAULT, changed(format="md")),
    (["-format", "markdown"], DEFAULT, changed(format="md")),
    (["-format", "json"], DEFAULT, changed(format="json")),
    (["-format", "html"], changed(format="json"), DEFAULT),
    (["-inputF", "plain"], DEFAULT, changed(input_format="plain")),
    (["--inputformat=mirc_text"], DEFAULT, changed(input_format="mirc_text")),
    (["-help"], DEFAULT, changed(help=True)),
    (["-?"], DEFAULT, changed(help=True)),
    (["-version"], DEFAULT, changed(version=True)),
])
def test_each_option_sets_its_field(argv: list[str], base: Options, expected: Options) -> None:
    assert parse_args(argv, base) == (expected, [])


def test_no_arguments_give_the_defaults_and_no_files() -> None:
    assert parse_args([]) == (DEFAULT, [])
    assert DEFAULT.draft and DEFAULT.keep_lines and DEFAULT.collapse_limit == 30


def test_options_not_given_keep_the_base_values() -> None:
    base = changed(style="team", scribe_nicks=("a",), collapse_limit=3)
    assert parse_args(["-emphasis"], base)[0] == replace(base, emphasis=True)


def test_later_options_override_earlier_ones() -> None:
    assert parse_args(["-final", "-draft"])[0] == DEFAULT
    assert parse_args(["-member", "-team"])[0].style == "team"
    assert parse_args(["-fancy", "-member"])[0] == changed(style="member")
    assert parse_args(["-member", "-fancy"])[0] == changed(style="fancy", fancy=True)
    assert parse_args(["-urlDisplay", "full", "-urlDisplay", "shorten"])[0].url_display == "shorten"


def test_the_last_scribe_nick_wins() -> None:
    base = changed(scribe_nicks=("env",))
    options, _ = parse_args(["-scribeNick", "a", "--scribenick=b", "-scribeN", "c"], base)
    assert options.scribe_nicks == ("c",)
    assert parse_args([], base)[0].scribe_nicks == ("env",)


# ---- spelling: dashes, case, abbreviations, negations --------------------------------------------

@pytest.mark.parametrize(("argv", "expected"), [
    (["-final"], changed(draft=False)),
    (["--final"], changed(draft=False)),
    (["--DASHTOPICS"], changed(dash_topics=True)),
    (["-DashTopics"], changed(dash_topics=True)),
    (["--dashtopics"], changed(dash_topics=True)),
    (["-embed"], changed(embed_diagnostics=True)),
    (["-emph"], changed(emphasis=True)),
    (["-implicit"], changed(implicit_continuations=True)),
    (["-sty", "s.css"], changed(stylesheet="s.css")),
    (["-fi"], changed(draft=False)),
    (["-nol"], changed(logo="")),
    (["-coll", "4"], changed(collapse_limit=4)),
    (["-EMPH"], changed(emphasis=True)),
    (["--nokeeplines"], changed(keep_lines=False)),
    (["--no-keeplines"], changed(keep_lines=False)),
    (["--NoKeepLines"], changed(keep_lines=False)),
    (["-nokeep"], changed(keep_lines=False)),
    (["-no-keep"], changed(keep_lines=False)),
    (["-no-fi"], DEFAULT),
    (["--no-draft"], changed(draft=False)),
])
def test_dashes_case_abbreviations_and_negations(argv: list[str], expected: Options) -> None:
    assert parse_args(argv) == (expected, [])


@pytest.mark.parametrize(("typed", "names", "expected"), [
    ("foo", {"foo": "foo", "foobar": "foobar"}, "foo"),  # exact beats the longer name
    ("foob", {"foo": "foo", "foobar": "foobar"}, "foobar"),
    ("no", {"nox": "nox", "no-x": "nox"}, "nox"),  # both names are the same option
    ("bar", {"foo": "foo"}, None),
])
def test_resolve_name_exact_match_wins_and_same_option_is_not_ambiguous(
    typed: str, names: dict[str, str], expected: str | None
) -> None:
    assert resolve_name(typed, names) == expected


def test_resolve_name_lists_ambiguous_candidates_sorted() -> None:
    with pytest.raises(OptionError, match=r"^Option fo is ambiguous \(foa, fob\)$"):
        resolve_name("fo", {"fob": "fob", "foa": "foa"})


@pytest.mark.parametrize(("argv", "message"), [
    (["-em"], "Option em is ambiguous (embeddiagnostics, emphasis)"),
    (["--EM"], "Option em is ambiguous (embeddiagnostics, emphasis)"),
    (["-d"], "Option d is ambiguous (dashtopics, date, draft)"),
    (["-scribe", "x"], "Option scribe is ambiguous (scribenick, scribeonly)"),
    (["-f"], "Option f is ambiguous (fancy, final, format)"),
    (["-nod"], "Option nod is ambiguous (nodashtopics, nodraft)"),
    (["-no-d"], "Option no-d is ambiguous (no-dashtopics, no-draft)"),
    (["-em=1"], "Option em is ambiguous (embeddiagnostics, emphasis)"),
])
def test_ambiguous_abbreviation_error_lists_candidates(argv: list[str], message: str) -> None:
    assert error_of(argv) == message


def test_bare_no_is_ambiguous_over_all_negations_including_nologo() -> None:
    negations = [name for name in ALL_NAMES if name.startswith("no")]
    assert error_of(["-no"]) == f"Option no is ambiguous ({', '.join(negations)})"
    assert "nologo" in negations and "no-keeplines" in negations


def test_every_ambiguous_prefix_reports_all_matching_names_sorted() -> None:
    prefixes = {name[:n] for name in ALL_NAMES for n in range(1, len(name))}
    for prefix in sorted(prefixes):
        hits = [name for name in ALL_NAMES if name.startswith(prefix)]
        same = {name.replace("no-", "no", 1) for name in hits}
        if len(same) > 1 and prefix not in hits:
            expected = f"Option {prefix} is ambiguous ({', '.join(hits)})"
            assert error_of(["-" + prefix]) == expected


# ---- values -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "expected"), [
    (["--scribenick=jvm"], changed(scribe_nicks=("jvm",))),
    (["--scribenick", "jvm"], changed(scribe_nicks=("jvm",))),
    (["-style=a=b"], changed(stylesheet="a=b")),
    (["-logo=<img alt=x>"], changed(logo="<img alt=x>")),
    (["--minutes", "--final"], changed(minutes_url="--final")),  # the next one, whatever it is
    (["--minutes", "--"], changed(minutes_url="--")),
    (["--date", "-"], changed(date="-")),
    (["-collapseLimit=0"], changed(collapse_limit=0)),
    (["-collapseLimit", "+5"], changed(collapse_limit=5)),
    (["-collapseLimit", "-1"], changed(collapse_limit=-1)),
    (["-collapseLimit", "1_000"], changed(collapse_limit=1000)),
    (["-collapseLimit", "007"], changed(collapse_limit=7)),
    # optional values (-stylesheet, -logo, -collapseLimit): not one that looks like an option
    (["--style", "--final"], changed(stylesheet="", draft=False)),
    (["-logo", "+final"], changed(logo="", draft=False)),
    (["-logo", "-"], changed(logo="-")),
    (["-logo="], changed(logo="")),
    (["-stylesheet"], changed(stylesheet="")),
    (["-collapse"], changed(collapse_limit=0)),
    (["-collapseLimit="], changed(collapse_limit=0)),
    (["-collapseLimit", "-final"], changed(collapse_limit=0, draft=False)),
])
def test_values_after_equals_sign_or_as_next_argument(argv: list[str], expected: Options) -> None:
    assert parse_args(argv) == (expected, [])


@pytest.mark.parametrize(("argv", "message"), [
    (["--urldisplay"], "Option urldisplay requires an argument"),
    (["-urlD"], "Option urldisplay requires an argument"),  # the full name, not as typed
    (["--urlDisplay="], "Option urldisplay requires an argument"),
    (["-mathjax="], "Option mathjax requires an argument"),
    (["a", "-scribeNick"], "Option scribenick requires an argument"),
    (["--final=yes"], "Option final does not take an argument"),
    (["--final="], "Option final does not take an argument"),
    (["-no-keep=1"], "Option no-keeplines does not take an argument"),
    (["-nologo=x"], "Option nologo does not take an argument"),
    (["-team=x"], "Option team does not take an argument"),
    (["--collapseLimit=x"], 'Value "x" invalid for option collapselimit (number expected)'),
    (["--collapse=1.5"], 'Value "1.5" invalid for option collapselimit (number expected)'),
    (["-collapseLimit=0x10"], 'Value "0x10" invalid for option collapselimit (number expected)'),
    # scribe.perl checks -urlDisplay itself, with its own message
    (["--urlDisplay", "wrap"], "--urlDisplay must be break, shorten or full"),
    (["--urlDisplay", ""], "--urlDisplay must be break, shorten or full"),
    (["--urlDisplay=fullest"], "--urlDisplay must be break, shorten or full"),
    (["-urlDisplay", "-final"], "--urlDisplay must be break, shorten or full"),
    (["-public"], "Unknown option: public"),  # scribe.perl has no -public
    (["-allowSpaceContinuations"], "Unknown option: allowspacecontinuations"),
    (["-nofancy"], "Unknown option: nofancy"),
    (["-fancy=1"], "Option fancy does not take an argument"),
    (["-format", "pdf"], 'Value "pdf" invalid for option format (html, md or json expected)'),
    (["-inputFormat", "xchat"], 'Value "xchat" invalid for option inputformat (rrsagent, bip, '
     "mirc_text, yahoo, bert, irssi, qwebirc, irccloud, quassel or plain expected)"),
])
def test_value_errors_use_getopt_wording(argv: list[str], message: str) -> None:
    assert error_of(argv) == message


@pytest.mark.parametrize(("argv", "message"), [
    (["--foo"], "Unknown option: foo"),
    (["-FOO=bar"], "Unknown option: foo"),
    (["---final"], "Unknown option: -final"),
    (["--=x"], "Unknown option: =x"),
    (["-keeplinesx"], "Unknown option: keeplinesx"),
    (["-\u212aeeplines"], "Unknown option: \u212aeeplines"),  # Kelvin sign: only A-Z fold
])
def test_unknown_option_is_reported_lower_cased_as_typed(argv: list[str], message: str) -> None:
    assert error_of(argv) == message


def test_every_bad_option_is_reported_one_a_line() -> None:
    assert error_of(["-final", "-foo", "-em", "-collapseLimit=x", "-urlDisplay=q"]) == (
        "Unknown option: foo\nOption em is ambiguous (embeddiagnostics, emphasis)\n"
        'Value "x" invalid for option collapselimit (number expected)\n'
        "--urlDisplay must be break, shorten or full")


@pytest.mark.parametrize(("argv", "files"), [
    (["-collapseLimit", "x"], ["x"]),
    (["-collapseLimit", "0x10"], ["0x10"]),
    (["-collapseLimit", ""], [""]),
    (["-collapseLimit", "-"], ["-"]),
    (["-collapseLimit", "--", "-final"], ["-final"]),
    (["-logo", "--", "-final"], ["-final"]),
])
def test_an_optional_value_leaves_what_is_not_one(argv: list[str], files: list[str]) -> None:
    options, rest = parse_args(argv)
    assert rest == files
    assert options in (changed(collapse_limit=0), changed(logo=""))


def test_option_error_is_a_value_error() -> None:
    assert issubclass(OptionError, ValueError)


# ---- files --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "files"), [
    (["a.txt"], ["a.txt"]),
    (["b.txt", "a.txt"], ["b.txt", "a.txt"]),
    (["a", "-final", "b", "-scribeNick", "x", "c"], ["a", "b", "c"]),
    (["-"], ["-"]),
    (["-", "-emph", "a"], ["-", "a"]),
    (["-final", "--", "-nodraft", "--", "x"], ["-nodraft", "--", "x"]),
    (["a", "--", "b"], ["a", "b"]),
    (["--"], []),
    ([""], [""]),
    (["+final"], []),  # Getopt::Long's default also takes "+" as an option start
    (["+"], ["+"]),
])
def test_files_keep_their_order_among_options(argv: list[str], files: list[str]) -> None:
    assert parse_args(argv)[1] == files


def test_options_after_double_dash_are_not_applied() -> None:
    options, files = parse_args(["-emph", "--", "-final"])
    assert options == changed(emphasis=True)
    assert files == ["-final"]


# ---- option text (SCRIBEOPTIONS, ScribeOptions:) ------------------------------------------------

@pytest.mark.parametrize(("text", "words"), [
    ("", []),
    ("   ", []),
    ("-dashTopics -embedDiagnostics", ["-dashTopics", "-embedDiagnostics"]),
    ("  -team\t-final \n", ["-team", "-final"]),
    ('-logo "<b>Our group</b>"', ["-logo", "<b>Our group</b>"]),
    ("-scribeNick 'Jim V'", ["-scribeNick", "Jim V"]),
    ('-logo=""', ["-logo="]),
    (r"-date 09\ April\ 2014", ["-date", "09 April 2014"]),
    ('-logo "<b>oops', []),  # a quote without its mate: no words at all, as in Getopt::Long
    ("-final \\", []),  # so does a final lone backslash
    ("a\u00a0b\fc\u3000d\x1ce", ["a", "b", "c", "d\x1ce"]),  # Perl's \s, Unicode rules
    ('-logo "" -final', ["-logo", "", "-final"]),
    ('"a\\b" \'a\\b\'', ["ab", "a\\b"]),  # a backslash escapes in "…", not in '…'
    ('-logo x"y z"\'!\'', ["-logo", "xy z!"]),  # quoted and unquoted pieces make one word
])
def test_split_words_like_a_shell(text: str, words: list[str]) -> None:
    assert split_words(text) == words


# Getopt::Long's GetOptionsFromString splits with Text::ParseWords' shellwords (core Perl)
_SHELLWORDS = ("use v5.16; use Text::ParseWords; use JSON::PP; local $/;"
               "print encode_json([map { [shellwords($_)] } @{decode_json(<STDIN>)}])")


def test_split_words_is_perls_shellwords() -> None:
    """2,000 strings of quotes, backslashes and Perl's (and not Perl's) white space, split by
    Perl itself in one run: the same words, or none."""
    rng = random.Random(7)
    alphabet = list(" \t\n\x0b\x1c\u00a0\u2028\u3000\"'\\ab-=")
    texts = ["".join(rng.choices(alphabet, k=rng.randrange(12))) for _ in range(2000)]
    require_oracle()
    done = subprocess.run(["perl", "-e", _SHELLWORDS], input=json.dumps(texts).encode(),
                          capture_output=True, check=True)
    expected = json.loads(done.stdout)
    assert [(t, split_words(t)) for t in texts] == list(zip(texts, expected, strict=True))


def test_apply_option_text_applies_on_top_of_base_and_returns_leftovers() -> None:
    base = changed(style="team")
    options, leftovers, messages = apply_option_text(
        "-dashTopics -scribeNick 'Jim V' stray words", base)
    assert options == replace(base, dash_topics=True, scribe_nicks=("Jim V",))
    assert (leftovers, messages) == (["stray", "words"], [])


def test_option_text_reports_bad_options_and_goes_on() -> None:
    """SCRIBEOPTIONS: Getopt::Long's messages, the other options still applied; after ``--``
    every word is a leftover."""
    options, leftovers, messages = apply_option_text(
        "-em -final -urlDisplay wrap x -nologo=1 -- -emphasis", DEFAULT)
    assert options == changed(draft=False)
    assert leftovers == ["x", "-emphasis"]
    assert messages == ["Option em is ambiguous (embeddiagnostics, emphasis)",
                        "--urlDisplay must be break, shorten or full",
                        "Option nologo does not take an argument"]


@pytest.mark.parametrize(("text", "expected", "leftovers"), [
    ("-bogus -final x", changed(draft=False), ["-bogus", "x"]),
    ("-Bogus=3 -em", DEFAULT, ["-Bogus=3", "-em"]),  # as typed
    ("-collapseLimit=x -nologo=3 -scribeNick", DEFAULT,
     ["-collapseLimit=x", "-nologo=3", "-scribeNick"]),
    ("-collapseLimit x", changed(collapse_limit=0), ["x"]),
    ("-scribeNick -final", changed(scribe_nicks=("-final",)), []),
    ("-fancy -nofancy", changed(style="fancy", fancy=True), ["-nofancy"]),
    ("-final -- -emphasis", changed(draft=False), ["--", "-emphasis"]),
])
def test_scribeoptions_pass_unusable_words_through(text: str, expected: Options,
                                                   leftovers: list[str]) -> None:
    """A ScribeOptions: line (Getopt::Long's pass_through): what is not a usable option comes
    back as typed, with the other words, and the rest applies."""
    assert apply_option_text(text, DEFAULT, pass_through=True) == (expected, leftovers, [])


def test_scribeoptions_url_display_refused_is_a_message() -> None:
    assert apply_option_text("-urlDisplay wrap -final", DEFAULT, pass_through=True) == (
        changed(draft=False), [], ["--urlDisplay must be break, shorten or full"])


def test_layers_apply_in_order_env_then_command_line_then_log() -> None:
    env, _, _ = apply_option_text("-team -scribeNick a", DEFAULT)
    cli, _ = parse_args(["-member", "-final"], env)
    log, _, _ = apply_option_text("-draft -emphasis", cli, pass_through=True)
    assert log == changed(style="member", draft=True, emphasis=True, scribe_nicks=("a",))


# ---- names and usage ----------------------------------------------------------------------------

def test_option_names_are_the_getopt_names() -> None:
    assert len(set(OPTION_NAMES)) == len(OPTION_NAMES)
    assert set(NEGATABLE) | set(VALUED) <= set(OPTION_NAMES)
    assert {"member", "team", "fancy", "nologo", "help", "version"} <= set(OPTION_NAMES)
    assert not {"public", "style", "allowSpaceContinuations"} & set(OPTION_NAMES)


def test_usage_mentions_every_option() -> None:
    text = usage()
    for name in OPTION_NAMES:
        assert f"-{name}" in text or f"-[no]{name}" in text


# ---- properties ---------------------------------------------------------------------------------

def shortest_unique_prefix(name: str) -> int:
    for n in range(1, len(name) + 1):
        if [other for other in ALL_NAMES if other.startswith(name[:n])] == [name]:
            return n
    return len(name)


def with_value(canonical: str) -> list[str]:
    """The arguments for option ``canonical``, with a value if it takes one."""
    return [VALUED[canonical]] if canonical in VALUED else []


def canonical_of(name: str) -> str:
    """The option that lower-case ``name`` (maybe a negation) belongs to."""
    for option in OPTION_NAMES:
        if name in (option.lower(), f"no{option.lower()}", f"no-{option.lower()}"):
            return option
    raise AssertionError(name)


argument = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["-", "--", "=", "-=", "--=", "-no", "---x"]),
    st.builds(lambda dash, name, cut, rest: dash + name[:cut] + rest,
              st.sampled_from(["-", "--"]), st.sampled_from(ALL_NAMES),
              st.integers(0, 30), st.sampled_from(["", "=", "=x", "=5", "=full", "x"])),
)


@given(st.lists(argument, max_size=8))
def test_parse_args_raises_nothing_but_option_error(argv: list[str]) -> None:
    try:
        options, files = parse_args(argv)
    except OptionError:
        return
    assert isinstance(options, Options)
    assert all(isinstance(f, str) for f in files)


@given(st.lists(st.text(max_size=10).filter(lambda t: t[:1] not in "-+" or t in "-+")))
def test_arguments_without_options_are_all_files(argv: list[str]) -> None:
    assert parse_args(argv) == (DEFAULT, argv)


@given(st.sampled_from(ALL_NAMES), st.data())
def test_any_unambiguous_prefix_parses_like_the_full_name(name: str, data: st.DataObject) -> None:
    length = data.draw(st.integers(shortest_unique_prefix(name), len(name)), label="length")
    upper = data.draw(st.lists(st.booleans(), min_size=length, max_size=length), label="upper")
    dashes = data.draw(st.sampled_from(["-", "--"]), label="dashes")
    typed = "".join(c.upper() if up else c for c, up in zip(name[:length], upper, strict=True))
    value = with_value(canonical_of(name))
    assert parse_args([dashes + typed, *value]) == parse_args(["--" + name, *value])


@given(st.text())
def test_split_words_never_raises(text: str) -> None:
    words = split_words(text)
    assert all(isinstance(word, str) for word in words)
    if not any(c in text for c in "'\"\\"):
        assert words == [word for word in re.split(f"[{SPACE}]+", text) if word]
