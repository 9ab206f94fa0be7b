"""The scribe2 samples: agendum's minutes are scribe.perl's, byte for byte but the version line.

Each sample was made by scribe.perl with the options below (read off the documents: style
sheet, draft banner, embedded diagnostics). The member sample has a formula, which needs
``latexmlmath`` (Debian's latexml) exactly as scribe.perl does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from bot.scribe.html import render_html
from bot.scribe.options import parse_args
from bot.scribe.pipeline import make_minutes
from tests.support.seed import REFERENCE

SAMPLES = REFERENCE / "scribe2-samples"
OPTIONS = {
    "public": ["-final", "-embedDiagnostics"],
    "member": ["-member", "-embedDiagnostics"],
    "team": ["-team", "-embedDiagnostics"],
    "fancy": ["-fancy", "-final", "-embedDiagnostics"],
    "slides": ["-final", "-embedDiagnostics"],
}
VERSION_LINE = re.compile(r"^>scribe\.perl</a> .*</address>$", re.M)


def without_version(html: str) -> str:
    assert len(VERSION_LINE.findall(html)) == 1, "the footer's version line is missing"
    return VERSION_LINE.sub(">scribe.perl</a> VERSION</address>", html)


def expected(name: str) -> str:
    path = SAMPLES / f"sample-{name}.html"
    if not path.is_file():
        pytest.fail(f"reference sample missing: {path}", pytrace=False)
    return without_version(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_sample_is_byte_identical(name: str) -> None:
    if name == "member":
        assert shutil.which("latexmlmath"), "latexml is needed (scripts/test-services installs it)"
    opts, files = parse_args(OPTIONS[name])
    assert files == []
    text = (SAMPLES / f"sample-{name}.txt").read_text(encoding="utf-8")
    m, opts = make_minutes(text, opts)
    assert without_version(render_html(m, opts)) == expected(name)


def test_the_command_line_is_a_drop_in_for_scribe_perl() -> None:
    """Same bytes through ``agendum minutes`` with abbreviated one-dash options, from stdin,
    with SCRIBEOPTIONS supplying one of them; diagnostics embedded, so stderr stays empty."""
    source = (SAMPLES / "sample-fancy.txt").read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "minutes", "-FANCY", "--embed", "-"], input=source,
        capture_output=True, check=False, env={"SCRIBEOPTIONS": "-final", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert without_version(done.stdout.decode("utf-8")) == expected("fancy")


def test_diagnostics_go_to_stderr_unless_embedded(tmp_path: pytest.TempPathFactory) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "minutes", str(SAMPLES / "sample-public.txt")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0
    assert "* Succeeded 2 times: s/0004/0011/G" in done.stderr.splitlines()  # as scribe.perl
    assert "class=diagnostics" not in done.stdout
    assert "<h1>&ndash; DRAFT &ndash;<br>" in done.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-em"], "Option em is ambiguous (embeddiagnostics, emphasis)"),
        (["--urlDisplay"], "Option urldisplay requires an argument"),
        (["--bogus"], "Unknown option: bogus"),
        (["/nonexistent/log.txt"], "/nonexistent/log.txt: No such file or directory"),
    ],
)
def test_bad_command_lines_exit_2_with_getopt_wording(argv: list[str], message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "minutes", *argv],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == message
    assert done.stdout == ""


def test_input_format_can_be_forced() -> None:
    """Notes typed in an editor, every line "word: text", look like Yahoo IM lines to the
    detector (nick "Topic", nick "alice"…); -inputFormat plain takes every line as the scribe's,
    as scribe.perl's plain-text format does."""
    notes = "Topic: Budget\nalice: we agree\nbob: fine\n"
    detected, _ = make_minutes(notes, parse_args([])[0])
    forced, _ = make_minutes(notes, parse_args(["-inputFormat", "plain"])[0])
    assert [t.title for t in forced.topics] == ["Budget"]
    assert [(i.kind, i.speaker, i.text) for i in forced.topics[0].items] == [
        ("speaker", "alice", "we agree"), ("speaker", "bob", "fine")]
    assert detected.topics == ()
