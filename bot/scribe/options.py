"""scribe.perl's command-line options, parsed the way scribe.perl parses them.

``agendum minutes [options] [FILE ...]`` is a drop-in for ``perl scribe.perl [options] FILE``, and
the same options also arrive in the SCRIBEOPTIONS environment variable and in ``ScribeOptions:``
lines of the log. scribe.perl reads them with Perl's Getopt::Long, whose rules differ from
argparse's, so this module reproduces them, error messages included:

- an option starts with ``-``, ``--`` or ``+``; a lone ``-`` is a file (stdin); ``--`` ends the
  options; every other argument is a file, and options may come after files (Getopt::Long
  permutes);
- names are case-insensitive and may be abbreviated to any unambiguous prefix; an exact name
  beats longer names it is a prefix of; ambiguity is judged over all names, including the
  negated forms ``noNAME`` and ``no-NAME`` of the boolean options;
- a value is given as ``--opt=value`` or as the next argument. A required value is the next
  argument whatever it looks like, even ``--``; ``--opt=`` with nothing after the ``=`` counts
  as a missing value. An optional value (-stylesheet, -logo, -collapseLimit) is the next
  argument only if that does not look like an option (or, for -collapseLimit, if it is an
  integer); without one it is empty (0 for -collapseLimit).

Three ways to react to a bad option, as scribe.perl has them: the command line stops with the
messages (``parse_args``); SCRIBEOPTIONS reports them and goes on; a ``ScribeOptions:`` line
passes unknown or unusable words back to the caller (Getopt::Long's ``pass_through``), which
reports them, and applies the rest (``apply_option_text``). Pure: no I/O. Precedence is applied
by the caller, each layer parsed on top of the previous one through ``base``: SCRIBEOPTIONS
first, then the command line, then each ``ScribeOptions:`` line of the log in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot.scribe.lazyre import lazy
from bot.scribe.logformats import FORMATS
from bot.scribe.perlchars import SPACE, SPACES


@dataclass(frozen=True)
class Options:
    """The settings scribe.perl's options control (plus agendum's ``date`` and ``format``)."""

    draft: bool = True
    embed_diagnostics: bool = False
    style: str = "public"  # the style set: "public" | "member" | "team" | "fancy"
    fancy: bool = False  # the same as style == "fancy" (the last of -member/-team/-fancy wins)
    old_style: bool = False
    stylesheet: str | None = None
    logo: str | None = None  # None: the default W3C logo; "": no logo
    # Not a command-line option: the bot's own pages set it to the folder (a relative URL
    # ending in "/") holding agendum's style sheet and icons. Then the page links only that
    # sheet (or -stylesheet's), those icons and no logo unless one is given. None: W3C's, as
    # scribe.perl has them.
    assets: str | None = None
    mathjax: str | None = None
    islide: str | None = None
    scribe_only: bool = False
    keep_lines: bool = True
    implicit_continuations: bool = False
    allow_space_continuations: bool = False
    dash_topics: bool = False
    use_zakim_topics: bool = True
    emphasis: bool = False
    url_display: str = "break"
    collapse_limit: int = 30
    github_issues: bool = True
    ghurlbot: bool = True
    scribe_nicks: tuple[str, ...] = ()  # -scribeNick's value (the last one given), if any
    minutes_url: str | None = None
    date: str | None = None
    format: str = "html"
    input_format: str | None = None  # None: detect it
    help: bool = False
    version: bool = False


class OptionError(ValueError):
    """A bad option; the message is Getopt::Long's wording (without the trailing newline)."""


# ---- the option table ---------------------------------------------------------------------------

# flag: -x; negatable: -x, -nox, -no-x; string: -x VALUE; optional: -x [VALUE];
# integer: -x [N] (Getopt::Long's "=s", ":s" and ":i")
Kind = Literal["flag", "negatable", "string", "optional", "integer"]
Value = bool | int | str
Setter = Callable[[Options, Value], Options]


@dataclass(frozen=True)
class _Spec:
    name: str  # Getopt::Long name, as spelled in scribe.perl's manual
    kind: Kind
    apply: Setter
    help: str
    metavar: str = ""
    aliases: tuple[str, ...] = ()


def _set(field: str) -> Setter:
    def apply(options: Options, value: Value) -> Options:
        changes: dict[str, Any] = {field: value}
        return replace(options, **changes)

    return apply


def _const(field: str, constant: Value) -> Setter:
    return lambda options, _value: _set(field)(options, constant)


def _styleset(name: str) -> Setter:
    return lambda options, _value: replace(options, style=name, fancy=name == "fancy")


# scribe.perl checks -urlDisplay's value itself: a word starting with break or shorten, or full,
# in any case. The value is kept as given; one that is not exactly break or shorten shows URLs
# in full.
_URL_DISPLAY = lazy(r"(?:break|shorten|full\n?\Z)", re.I | re.A)


def _url_display(options: Options, value: Value) -> Options:
    if not _URL_DISPLAY.match(str(value)):
        raise OptionError("--urlDisplay must be break, shorten or full")
    return replace(options, url_display=str(value))


def _choice(field: str, option: str, choices: Mapping[str, str]) -> Setter:
    allowed = list(dict.fromkeys(choices.values()))
    wanted = ", ".join(allowed[:-1]) + " or " + allowed[-1]

    def apply(options: Options, value: Value) -> Options:
        if value not in choices:
            raise OptionError(f'Value "{value}" invalid for option {option} ({wanted} expected)')
        return _set(field)(options, choices[str(value)])

    return apply


def _scribe_nick(options: Options, value: Value) -> Options:
    return replace(options, scribe_nicks=(str(value),))


_SPECS: tuple[_Spec, ...] = (
    _Spec("final", "negatable", lambda o, v: replace(o, draft=not v),
          "omit the '- DRAFT -' header (same as -nodraft)"),
    _Spec("draft", "negatable", _set("draft"), "[default] include a '- DRAFT -' header"),
    _Spec("embedDiagnostics", "negatable", _set("embed_diagnostics"),
          "put the diagnostics in the minutes instead of on stderr"),
    _Spec("member", "flag", _styleset("member"), "member-only minutes style sheets"),
    _Spec("team", "flag", _styleset("team"), "team-only minutes style sheets"),
    _Spec("fancy", "flag", _styleset("fancy"), "a very different style, without logo"),
    _Spec("oldStyle", "negatable", _set("old_style"), "the 2004 style sheets"),
    _Spec("stylesheet", "optional", _set("stylesheet"), "use this style sheet", "URL"),
    _Spec("logo", "optional", _set("logo"), "markup replacing the W3C logo", "MARKUP"),
    _Spec("nologo", "flag", _const("logo", ""), "no logo"),
    _Spec("mathjax", "string", _set("mathjax"), "load MathJax from this URL", "URL"),
    _Spec("islide", "string", _set("islide"), "load the i-slide script from this URL", "URL"),
    _Spec("scribeOnly", "negatable", _set("scribe_only"), "only what the scribe wrote"),
    _Spec("keepLines", "negatable", _set("keep_lines"),
          "[default] continuation lines on a line of their own"),
    _Spec("implicitContinuations", "negatable", _set("implicit_continuations"),
          "a scribe line without speaker continues the previous speaker"),
    _Spec("allowSpaceContinuation", "negatable", _set("allow_space_continuations"),
          "a line starting with a space is a continuation line"),
    _Spec("dashTopics", "negatable", _set("dash_topics"), "'---' starts a topic on the next line"),
    _Spec("useZakimTopics", "negatable", _set("use_zakim_topics"),
          "[default] Zakim's agendum messages start topics"),
    _Spec("emphasis", "negatable", _set("emphasis"), "ASCII highlighting, arrows, smileys, math"),
    _Spec("urlDisplay", "string", _url_display,
          "long URLs: break (default), shorten or full", "HOW"),
    _Spec("collapseLimit", "integer", _set("collapse_limit"),
          "collapse lists of more than N names (default 30)", "N"),
    _Spec("githubIssues", "negatable", _set("github_issues"),
          "[default] link text that looks like GitHub issues"),
    _Spec("ghurlbot", "negatable", _set("ghurlbot"), "[default] keep messages from gb/ghurlbot"),
    _Spec("scribeNick", "string", _scribe_nick,
          "the scribe's IRC nick until the first scribenick command", "NICK"),
    _Spec("minutes", "string", _set("minutes_url"),
          "URL the minutes will be published at (used to guess the date)", "URL"),
    _Spec("date", "string", _set("date"),
          "meeting date, YYYY-MM-DD or '09 April 2014' (agendum)", "DATE"),
    _Spec("format", "string",
          _choice("format", "format", {"html": "html", "md": "md", "markdown": "md",
                                       "json": "json"}),
          "output format: html (default), md or json (agendum)", "FMT"),
    _Spec("inputFormat", "string",
          _choice("input_format", "inputformat", {name: name for name in FORMATS}),
          "read the log as this format, not the detected one (" + ", ".join(FORMATS) + ")",
          "NAME"),
    _Spec("help", "flag", _const("help", True), "show this summary", aliases=("?",)),
    _Spec("version", "flag", _const("version", True), "show the version"),
)

OPTION_NAMES: tuple[str, ...] = tuple(spec.name for spec in _SPECS)

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lower(text: str) -> str:
    """Perl's ``lc`` on the byte strings scribe.perl gets: only A-Z change (so that, e.g., the
    Kelvin sign, which ``str.lower`` turns into ``k``, does not match ``keepLines``)."""
    return text.translate(_ASCII_LOWER)


def _keys() -> dict[str, tuple[_Spec, bool]]:
    keys: dict[str, tuple[_Spec, bool]] = {}
    for spec in _SPECS:
        name = _lower(spec.name)
        keys[name] = (spec, False)
        keys.update((_lower(alias), (spec, False)) for alias in spec.aliases)
        if spec.kind == "negatable":
            keys["no" + name] = keys["no-" + name] = (spec, True)
    return keys


# Every accepted (lower-case) name -> its spec and whether it is a negation.
_KEYS = _keys()
# Every accepted name -> the name it is the same option as (``no-x`` is the same as ``nox``).
_SAME_AS = {key: ("no" + _lower(spec.name) if negated else key)
            for key, (spec, negated) in _KEYS.items()}


def resolve_name(typed: str, names: Mapping[str, str]) -> str | None:
    """Getopt::Long's auto-abbreviation: the name that ``typed`` (lower-cased) stands for.

    ``names`` maps every accepted lower-case name to the name it is the same option as. An exact
    match wins; otherwise the names ``typed`` is a prefix of must all be the same option. Returns
    None for an unknown name and raises OptionError for an ambiguous one, listing the matching
    names sorted.
    """
    hits = sorted(name for name in names if name.startswith(typed))
    if len(hits) > 1 and typed not in hits:
        targets = {names[hit] for hit in hits}
        if len(targets) > 1:
            raise OptionError(f"Option {typed} is ambiguous ({', '.join(hits)})")
        hits = list(targets)
    if len(hits) == 1:
        return hits[0]
    return typed if typed in names else None


# ---- parsing ------------------------------------------------------------------------------------

_OPTION = lazy(r"(--|-|\+)(.+)", re.DOTALL)
# Getopt::Long's integer: sign, digits and underscores; Perl's "$" also allows a final newline.
_INTEGER = lazy(r"[-+]?_*[0-9][0-9_]*\n?\Z")
# One piece of an option string, as Text::ParseWords reads one: a "…" or '…' string (a
# backslash escapes the next character for the match in either), or else the shortest unquoted
# text (backslash pairs or characters other than \\, " and ') that ends the string, comes
# before white space (taken with it: a word ends), or before a quote (not at the start: there
# the quote had no mate).
_SHELL_PIECE = lazy(r'"((?:[^\\"]|\\.)*)"' r"|'((?:[^\\']|\\.)*)'"
                    rf"""|((?:\\.|[^\\"'])*?)(\Z|[{SPACE}]+|(?!^)(?=["']))""", re.DOTALL)
_ESCAPED = lazy(r"\\(.)", re.DOTALL)
_LEADING_SPACE = "".join(SPACES)


class _Skip(Exception):
    """A word Getopt::Long cannot use: its message and, for a value taken but refused, where
    the next argument is (pass_through then gives nothing back)."""

    def __init__(self, message: str, taken_to: int | None = None) -> None:
        super().__init__(message)
        self.taken_to = taken_to


def _parse(argv: Sequence[str], base: Options,
           pass_through: bool) -> tuple[Options, list[str], list[str]]:
    """Getopt::Long over argv: (options, the other words in order, the messages).

    Without ``pass_through`` a bad option is a message and the parsing goes on; with it, a bad
    option (unknown, ambiguous, without its value or with a wrong one) is given back among the
    words, as typed, and from ``--`` on everything is given back. A -urlDisplay value that
    scribe.perl rejects is a message either way."""
    options = base
    rest: list[str] = []
    messages: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            rest.extend(args[i - 1:] if pass_through else args[i:])
            break
        match = _OPTION.fullmatch(arg)
        if match is None:  # a file, a lone "-" among them
            rest.append(arg)
            continue
        try:
            options, i = _one(options, match[2], args, i)
        except _Skip as e:
            if e.taken_to is not None:
                messages.append(str(e))
                i = e.taken_to
            elif pass_through:
                rest.append(arg)
            else:
                messages.append(str(e))
    return options, rest, messages


def _takes(kind: Kind, following: str) -> bool:
    """Whether an option of this kind takes the next argument as its value: a required value
    is whatever comes; an optional one anything that does not look like an option; an
    integer an integer."""
    if kind == "optional":
        return following != "--" and not _OPTION.fullmatch(following)
    return kind == "string" or bool(_INTEGER.match(following))


def _one(options: Options, name: str, args: list[str], i: int) -> tuple[Options, int]:
    """Apply the option ``name`` (after its dashes), whose value may be ``args[i]``; return the
    options and the index of the next argument. Raises _Skip."""
    value = None
    if (equals := name.find("=", 1)) > 0:
        name, value = name[:equals], name[equals + 1 :]
    typed = _lower(name)
    try:
        key = resolve_name(typed, _SAME_AS)
    except OptionError as e:
        raise _Skip(str(e)) from None
    if key is None:
        raise _Skip(f"Unknown option: {typed}")
    spec, negated = _KEYS[key]
    if spec.kind in ("flag", "negatable"):
        if value is not None:
            raise _Skip(f"Option {key} does not take an argument")
        return spec.apply(options, not negated), i
    if value is None and i < len(args):
        if _takes(spec.kind, args[i]):
            value, i = args[i], i + 1
    elif value == "":  # --opt=
        value = None
    if value is None:
        if spec.kind == "string":
            raise _Skip(f"Option {key} requires an argument")
        value = "" if spec.kind == "optional" else "0"
    if spec.kind == "integer":
        if not _INTEGER.match(value):
            raise _Skip(f'Value "{value}" invalid for option {key} (number expected)')
        return spec.apply(options, int(value.replace("_", ""))), i
    try:
        return spec.apply(options, value), i
    except OptionError as e:  # the value is taken, but not used
        raise _Skip(str(e), taken_to=i) from None


def parse_args(argv: Sequence[str], base: Options = Options()) -> tuple[Options, list[str]]:
    """Apply argv's options on top of base; return the new Options and the file arguments.

    Files keep their order, wherever they stand among the options; everything after ``--`` is a
    file. Any bad option raises OptionError with Getopt::Long's messages, one a line, for all
    of them (scribe.perl then stops).
    """
    options, files, messages = _parse(argv, base, pass_through=False)
    if messages:
        raise OptionError("\n".join(messages))
    return options, files


def split_words(text: str) -> list[str]:
    """Split an option string (SCRIBEOPTIONS, a ScribeOptions: line) into words as Getopt::Long
    does (Text::ParseWords' shellwords), which is not quite a shell.

    Perl's ``\\s`` (Unicode: no-break and other wide spaces too) separates words; "…" and '…'
    quote, and a word may join quoted and unquoted pieces. A backslash escapes any character
    outside quotes and inside "…", and stays inside '…'. A quote without its mate or a final
    lone backslash gives no words at all: the whole string is then ignored, as in scribe.perl.
    """
    words: list[str] = []
    word: str | None = None
    rest = text.lstrip(_LEADING_SPACE)
    while rest:
        m = _SHELL_PIECE.match(rest)
        if m is None:
            return []
        double, single, unquoted, delimiter = m.groups()
        if double is not None:
            piece = _ESCAPED.sub(r"\1", double)
        elif single is not None:
            piece = single  # backslashes kept
        else:
            piece = _ESCAPED.sub(r"\1", unquoted)
        word = (word or "") + piece
        rest = rest[m.end():]
        if delimiter:
            words.append(word)
            word = None
        if not rest and word is not None:
            words.append(word)
    return words


def apply_option_text(text: str, base: Options, *,
                      pass_through: bool = False) -> tuple[Options, list[str], list[str]]:
    """Options from a SCRIBEOPTIONS value or (``pass_through``) a ``ScribeOptions:`` line, on
    top of base: (options, the words not used, the messages). Never raises: scribe.perl reports
    a bad option in either place and goes on."""
    return _parse(split_words(text), base, pass_through)


def usage() -> str:
    """A short summary of the options, for ``--help``."""
    lines = ["Usage: agendum minutes [options] [FILE ...]", "",
             "Options (one or two dashes, any case, unambiguous abbreviations allowed):"]
    for spec in _SPECS:
        form = f"-[no]{spec.name}" if spec.kind == "negatable" else f"-{spec.name}"
        if spec.metavar:
            form += f" {spec.metavar}" if spec.kind == "string" else f" [{spec.metavar}]"
        lines.append(f"  {form:<30} {spec.help}")
    lines += ["", "Read first from $SCRIBEOPTIONS, last from ScribeOptions: lines in the log."]
    return "\n".join(lines) + "\n"
