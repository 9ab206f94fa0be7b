"""Differential testing against the reference: ``agendum minutes`` and scribe.perl on one log.

``compare_minutes(log, options)`` writes the log to a file, runs ``perl scribe.perl OPTIONS FILE``
and ``agendum minutes OPTIONS FILE`` (in-process, through ``minutes_main``) with the same
environment, and fails the test with a unified diff unless

- both exit with status 0,
- the whole HTML is the same once ``without_version`` has replaced the footer's version line in
  each (that one line, nothing else), and
- stderr (the diagnostics) is the same, byte for byte.

Without ``-embedDiagnostics`` the two programs differ today in ways that have nothing to do with
the conventions (scribe.perl prefixes each diagnostic on stderr with "* ", and prints a blank
line after the footer that agendum's template prints only before embedded diagnostics); tests
that want the whole document and stderr equal pass ``-embedDiagnostics``, so that the
diagnostics are compared as part of the HTML and stderr is empty for both.

The oracle needs Perl and LWP::UserAgent (Debian: ``apt-get install -y perl libwww-perl``); when
either is missing the test fails (never skips), saying so.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from bot.scribe.command import minutes_main
from tests.support.seed import REFERENCE

CORPUS = REFERENCE.parent / "corpus" / "ccg"
# The real inputs: every CCG log, the seed meeting and the five scribe.perl samples.
REAL_LOGS: tuple[Path, ...] = (
    *sorted(CORPUS.glob("*.log")),
    REFERENCE / "seed-2024-03-07-webmachinelearning-irc.txt",
    *sorted((REFERENCE / "scribe2-samples").glob("*.txt")),
)
# The option sets every real input is tried under.
OPTION_SETS: tuple[tuple[str, ...], ...] = (
    (), ("-embedDiagnostics",), ("-implicit",), ("-allowSpace",), ("-emphasis",),
    ("-urlDisplay", "shorten"), ("-urlDisplay", "full"), ("-dashTopics",), ("-scribeOnly",),
    ("-final",), ("-member",), ("-team",), ("-oldStyle",), ("-keepLines",), ("-nokeepLines",),
    ("-useZakimTopics",), ("-noUseZakimTopics",),
)
ORACLE = Path(os.environ.get("AGENDUM_SCRIBE_PERL", REFERENCE.parent / "oracle" / "scribe.perl"))
INSTALL = "apt-get install -y perl libwww-perl"

# The footer's version line, the only line the normaliser touches. scribe.perl writes
#   >scribe.perl</a> version 246 (Wed Oct  1 15:02:24 2025 UTC).</address>
# and agendum
#   >scribe.perl</a> conventions, by agendum version 0.1.0.</address>
VERSION_LINE = re.compile(r"^>scribe\.perl</a> .*</address>$", re.M)


def without_version(html: str) -> str:
    """``html`` with the footer's version line (which must be there once) made a placeholder."""
    assert len(VERSION_LINE.findall(html)) == 1, "the footer's version line is missing"
    return VERSION_LINE.sub(">scribe.perl</a> VERSION</address>", html)


@cache
def _oracle_problem() -> str | None:
    if not ORACLE.is_file():
        return f"the reference program is missing: {ORACLE}"
    if not shutil.which("perl"):
        return f"perl is not installed; the scribe.perl oracle needs it ({INSTALL})"
    check = subprocess.run(["perl", "-MLWP::UserAgent", "-e", "1"], capture_output=True, text=True)
    if check.returncode:
        return f"Perl's LWP::UserAgent is missing; scribe.perl needs it to start ({INSTALL})"
    return None


def require_oracle() -> None:
    """Fail the test (never skip it) when scribe.perl cannot run here."""
    if problem := _oracle_problem():
        pytest.fail(problem, pytrace=False)


@dataclass(frozen=True)
class Run:
    status: int
    html: str
    stderr: str


def _env() -> dict[str, str]:
    """The environment of both programs: this one without SCRIBEOPTIONS (both read it)."""
    return {k: v for k, v in os.environ.items() if k != "SCRIBEOPTIONS"}


def run_scribe_perl(path: Path, options: Sequence[str], hash_seed: int | None = None) -> Run:
    """scribe.perl's run; ``hash_seed`` fixes Perl's hash order (PERL_HASH_SEED), else random."""
    require_oracle()
    env = _env() if hash_seed is None else {**_env(), "PERL_HASH_SEED": str(hash_seed)}
    done = subprocess.run(["perl", str(ORACLE), *options, str(path)], capture_output=True,
                          env=env, timeout=60)
    # a byte that is not UTF-8 (scribe.perl cuts some text by bytes) shows as \xNN in the diff
    stderr = done.stderr.decode("utf-8", "backslashreplace")
    return Run(done.returncode, done.stdout.decode("utf-8", "backslashreplace"),
               without_perl_warnings(stderr))


# Perl's own run-time warnings ("Use of uninitialized value $nick in fc at .../scribe.perl line
# 772, <> line 1."): a flaw of scribe.perl, not one of its diagnostics, which agendum does not
# copy. The harness drops these lines (and only these) from scribe.perl's stderr before any
# comparison; its diagnostics ("* ...") and everything else stay.
_PERL_WARNING_LINE = re.compile(r"^.* at \S*scribe\.perl line \d+(?:, <[^>\n]*> line \d+)?\.\n",
                                re.M)


def without_perl_warnings(stderr: str) -> str:
    return _PERL_WARNING_LINE.sub("", stderr)


def run_agendum(path: Path, options: Sequence[str]) -> Run:
    out, err = io.StringIO(), io.StringIO()
    status = minutes_main([*options, str(path)], stdin=io.BytesIO(), stdout=out, stderr=err,
                          env=_env())
    return Run(status, out.getvalue(), err.getvalue())


def _diff(expected: str, actual: str, what: str) -> str:
    lines = difflib.unified_diff(expected.splitlines(keepends=True),
                                 actual.splitlines(keepends=True),
                                 f"scribe.perl {what}", f"agendum minutes {what}")
    return "".join(lines)


def compare_minutes(log: str, options: Sequence[str] = ("-embedDiagnostics",)) -> str:
    """Fail unless both programs make the same minutes of ``log``; returns agendum's HTML."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.txt"
        path.write_text(log, encoding="utf-8")
        perl, ours = run_scribe_perl(path, options), run_agendum(path, options)
    where = f"options {' '.join(options)!r}, log:\n{log}"
    assert (perl.status, ours.status) == (0, 0), f"exit status {perl.status}/{ours.status}; {where}"
    if (diff := _diff(without_version(perl.html), without_version(ours.html), "HTML")):
        pytest.fail(f"the minutes differ ({where})\n{diff}", pytrace=False)
    if (diff := _diff(perl.stderr, ours.stderr, "stderr")):
        pytest.fail(f"the diagnostics on stderr differ ({where})\n{diff}", pytrace=False)
    return ours.html


# --- Writing small logs for table-driven tests -----------------------------------------------

DATED = "|10:00:00 <RRSAgent> logging to https://www.w3.org/2024/03/07-wg-irc"


def rrsagent_log(lines: Sequence[str], dated: bool = True) -> str:
    """``nick text`` lines (``|`` starts a raw line) as an RRSAgent log, a second apart from
    10:00:01; with ``dated``, RRSAgent's dated line first (a line scribe.perl leaves out), so
    that only the date cases depend on the date rules."""
    out = []
    for i, line in enumerate([DATED, *lines] if dated else lines, 1):
        if line.startswith("|"):
            out.append(line[1:])
        else:
            nick, _, text = line.partition(" ")
            out.append(f"10:{i // 60:02d}:{i % 60:02d} <{nick}> {text}")
    return "\n".join(out) + "\n"


HEAD = ("alice: Meeting: Test WG", "alice: Date: 09 April 2014", "alice: scribe: alice")


def headed_log(*lines: str, head: bool = True) -> str:
    """An RRSAgent text log of ``nick: text`` lines, one a second from 12:00:00, after a
    Meeting:, a Date: and a scribe: line (unless ``head`` is False)."""
    out = []
    for n, line in enumerate((*HEAD, *lines) if head else lines):
        nick, _, text = line.partition(": ")
        out.append(f"12:{n // 60:02d}:{n % 60:02d} <{nick}> {text}\n")
    return "".join(out)


# --- Comparing runs already made, logs in files, and classifying divergences ----------------
# (used by tests/scribe/test_scribe_differential.py and bench/fuzz_minutes.py)


def normalise(html: str) -> str:
    """``html`` with the footer's version line made a placeholder: the harness's only normaliser.

    Unlike ``without_version`` it does not insist on the line, so that a document without a
    footer (a crash half-way through the template) still gives a readable diff."""
    return VERSION_LINE.sub(">scribe.perl</a> VERSION</address>", html)


def describe(options: Sequence[str]) -> str:
    """The options as the failure messages name them: ``'-urlDisplay shorten'`` or ``(none)``."""
    return " ".join(options) or "(none)"


def check_runs(perl: Run, ours: Run, where: str) -> None:
    """Fail the test, with a unified diff, unless the two runs made the same minutes.

    ``where`` says what was run (a log's name and options): the message names it rather than
    dumping a log of hundreds of lines."""
    assert (perl.status, ours.status) == (0, 0), f"exit status {perl.status}/{ours.status}; {where}"
    if (diff := _diff(normalise(perl.html), normalise(ours.html), "HTML")):
        pytest.fail(f"the minutes differ ({where})\n{diff}", pytrace=False)
    if (diff := _diff(perl.stderr, ours.stderr, "stderr")):
        pytest.fail(f"the diagnostics on stderr differ ({where})\n{diff}", pytrace=False)


def compare_minutes_file(path: Path, options: Sequence[str] = ("-embedDiagnostics",), *,
                         perl: Run | None = None) -> str:
    """``compare_minutes`` for a log that is already a file (it is not copied or re-written).

    ``perl`` is scribe.perl's run of that file when the caller made it already (the
    differential tests run the oracle in a pool ahead of the tests); returns agendum's HTML."""
    perl = perl if perl is not None else run_scribe_perl(path, options)
    ours = run_agendum(path, options)
    check_runs(closest_run(path, options, perl, ours), ours,
               f"log {path.name}, options {describe(options)}")
    return ours.html


# scribe.perl's output on a few inputs depends on Perl's hash order, which is random in each run:
# it sorts nicks with ``fc`` (case-folded), so two nicks that differ only in letter case (as
# "markus_sabadello" and "Markus_Sabadello" in 2022-02-01-vcapi) come out in either order. Where
# agendum's minutes differ from a run, the harness tries scribe.perl again under these hash
# seeds and takes a run that agendum equals, if any: agendum must equal one output scribe.perl
# itself gives, not a coin toss. (The output is still compared whole.)
HASH_SEEDS = range(8)


def same_minutes(perl: Run, ours: Run) -> bool:
    return (perl.status, normalise(perl.html), perl.stderr) == (
        ours.status, normalise(ours.html), ours.stderr)


def hash_order_variants(path: Path, options: Sequence[str]) -> Iterator[Run]:
    """scribe.perl's runs of one log under each of HASH_SEEDS, lazily."""
    return (run_scribe_perl(path, options, seed) for seed in HASH_SEEDS)


def closest_run(path: Path, options: Sequence[str], perl: Run, ours: Run) -> Run:
    """``perl`` if agendum's run equals it, else a run under another hash order that agendum
    equals, else ``perl`` (whose diff the test then shows)."""
    if same_minutes(perl, ours):
        return perl
    return next((run for run in hash_order_variants(path, options) if same_minutes(run, ours)),
                perl)


# Regression cases (tests/scribe_regressions/NAME.log): the first line is
#   # options: -implicit -urlDisplay shorten
# (shell words, possibly none), stripped before use; the rest of the file is the log, byte for
# byte. bench/fuzz_minutes.py writes them; tests/scribe/test_scribe_differential.py checks them.
REGRESSIONS = Path(__file__).resolve().parent.parent / "scribe_regressions"
OPTIONS_HEADER = b"# options:"


def read_regression(path: Path) -> tuple[tuple[str, ...], bytes]:
    """The options and the log of a regression case."""
    head, _, log = path.read_bytes().partition(b"\n")
    assert head.startswith(OPTIONS_HEADER), f"{path.name}: the first line must be '# options: ...'"
    return tuple(shlex.split(head[len(OPTIONS_HEADER):].decode("utf-8"))), log


def write_regression(path: Path, options: Sequence[str], log: bytes) -> None:
    """Write a regression case that ``read_regression`` reads back as ``(options, log)``."""
    path.write_bytes(OPTIONS_HEADER + b" " + shlex.join(options).encode("utf-8") + b"\n" + log)


def run_both(log: bytes, options: Sequence[str]) -> tuple[Run, Run | str]:
    """Both programs on a log given as bytes; agendum's run is a traceback's last lines when it
    raised (the fuzz campaign counts a crash as a divergence instead of stopping)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.txt"
        path.write_bytes(log)
        perl = run_scribe_perl(path, options)
        try:
            ours: Run | str = run_agendum(path, options)
        except Exception as e:
            frame = traceback.extract_tb(e.__traceback__)[-1]
            ours = f"{type(e).__name__} at {Path(frame.filename).name}:{frame.lineno}: {e}"
        if isinstance(ours, Run):
            perl = closest_run(path, options, perl, ours)
    return perl, ours


_TAG = re.compile(r"<(/?[A-Za-z0-9]+)([^>]*)>")
_CLASS = re.compile(r"""\bclass=(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_NUMBER = re.compile(r"\d+")


def _shape(line: str | None) -> str:
    """An HTML line reduced to its markup (tag names and classes; text, ids and URLs as ``…``),
    a diagnostic to its first words: what divergences of the same kind have in common."""
    if line is None:
        return "(no line)"
    if "<" not in line:  # a diagnostic, or plain text inside an element
        head, colon, _ = line.partition(":")
        return _NUMBER.sub("N", head[:40]) + (": …" if colon else "")
    out, pos = [], 0
    for m in _TAG.finditer(line):
        if line[pos:m.start()].strip():
            out.append("…")
        cls = _CLASS.search(m.group(2))
        name = m.group(1).lower()
        out.append(f"<{name}.{'.'.join(''.join(cls.groups('')).split())}>" if cls else f"<{name}>")
        pos = m.end()
    if line[pos:].strip():
        out.append("…")
    shaped = "".join(out)
    return shaped if len(shaped) <= 90 else shaped[:87] + "..."


_ID = re.compile(r"\bid=(?:\"[^\"]*\"|[^\s>]+)")


def _text_difference(a: str, b: str) -> str:
    """What differs between two lines of the same markup: only the ids, white space, letter
    case, escaping, or else text (the first differing snippets, letters and digits masked, so
    that the kind does not depend on the log's words)."""
    a, b = _ID.sub("id=…", a), _ID.sub("id=…", b)
    if a == b:
        return " [ids]"
    if a.split() == b.split():
        return " [white space]"
    if a.lower() == b.lower():
        return " [letter case]"
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    _, i1, i2, j1, j2 = ops[0]
    old, new = a[i1:i2], b[j1:j2]
    if any(c in old + new for c in "&<>\"\'"):
        return " [escaping or markup]"

    def mask(s: str) -> str:
        return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]+", "a", s))[:8]
    return f" [text: {mask(old)!r} vs {mask(new)!r}]"


# A Perl warning left in scribe.perl's stderr (one ``without_perl_warnings`` did not know):
# a flaw of scribe.perl that agendum does not copy, one kind for all.
_PERL_WARNING = re.compile(r" at \S*scribe\.perl line \d+")
PERL_WARNING = "stderr: a Perl warning of scribe.perl (not one of its diagnostics)"


def divergence_kinds(perl: Run, ours: Run | str, limit: int = 8) -> list[str]:
    """The kinds of the differences between two runs, one for each differing hunk (its first
    line on each side), in document order, without repeats: [] when the minutes are equal."""
    if isinstance(ours, str):
        return ["agendum raised " + _NUMBER.sub("N", ours.split(":", 2)[0])]
    if (perl.status, ours.status) != (0, 0):
        return [f"exit status {perl.status}/{ours.status}"]
    kinds: list[str] = []
    for what, a, b in (("html", normalise(perl.html), normalise(ours.html)),
                       ("stderr", perl.stderr, ours.stderr)):
        x, y = a.split("\n"), b.split("\n")  # not splitlines: U+2028 is no line break here
        matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            old, new = (x[i1] if i2 > i1 else None), (y[j1] if j2 > j1 else None)
            if what == "stderr" and old is not None and old == f"* {new}":
                kind = "stderr: the diagnostic without scribe.perl's '* ' before it"
            elif what == "stderr" and old is not None and _PERL_WARNING.search(old):
                kind = PERL_WARNING
            else:
                kind = f"{what}: {_shape(old)} => {_shape(new)}"
                if old is not None and new is not None and _shape(old) == _shape(new):
                    kind += _text_difference(old, new)
            if kind not in kinds:
                kinds.append(kind)
            if len(kinds) >= limit:
                return kinds
    return kinds
