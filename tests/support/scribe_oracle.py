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
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from bot.scribe.command import minutes_main
from tests.support.seed import REFERENCE

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


def run_scribe_perl(path: Path, options: Sequence[str]) -> Run:
    require_oracle()
    done = subprocess.run(["perl", str(ORACLE), *options, str(path)], capture_output=True,
                          env=_env(), timeout=60)
    return Run(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


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
