"""``agendum minutes [options] [FILE ...]``: a drop-in for ``perl scribe.perl [options] FILE``.

Reads the first file (or stdin, also for ``-``) as the log, as scribe.perl does (it ignores
the other files), writes the minutes to stdout and the diagnostics to stderr (or into the
minutes with ``-embedDiagnostics``). Options come from SCRIBEOPTIONS, then the command line,
then ``ScribeOptions:`` lines in the log, each on top of the one before, as scribe.perl does; a
bad option on the command line stops the command, one in SCRIBEOPTIONS is reported on stderr.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping, Sequence
from typing import BinaryIO, TextIO

from bot.scribe.logformats import decode
from bot.scribe.options import OptionError, Options, apply_option_text, parse_args, usage
from bot.scribe.pipeline import make_minutes, render


def _read(files: Sequence[str], stdin: BinaryIO) -> str:
    """The first file's text, as it is (a final CR without LF stays part of the last line)."""
    name = files[0] if files else "-"
    if name == "-":
        return decode(stdin.read())
    with open(name, "rb") as f:
        return decode(f.read())


def _env_options(text: str, stderr: TextIO) -> Options:
    """SCRIBEOPTIONS' options; its bad options and other words reported, as Getopt::Long does
    when scribe.perl reads that variable, and otherwise ignored."""
    opts, excess, messages = apply_option_text(text, Options())
    stderr.writelines(f"{message}\n" for message in messages)
    if excess:
        stderr.write(f'GetOptionsFromString: Excess data "{" ".join(excess)}" in string '
                     f'"{text}"\n')
    return opts


def minutes_main(argv: Sequence[str], *, stdin: BinaryIO | None = None,
                 stdout: TextIO | None = None, stderr: TextIO | None = None,
                 env: Mapping[str, str] | None = None) -> int:
    """Run the command; returns the exit status (2 for bad options or unreadable files)."""
    stdin = stdin or sys.stdin.buffer
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    env = os.environ if env is None else env
    try:
        opts, files = parse_args(argv, _env_options(env.get("SCRIBEOPTIONS", ""), stderr))
    except OptionError as e:
        stderr.write(f"{e}\nTry 'agendum minutes --help'.\n")
        return 2
    if opts.help:
        stdout.write(usage())
        return 0
    if opts.version:
        from bot.scribe.html import version
        stdout.write(f"agendum minutes {version()} (scribe.perl version 2 conventions)\n")
        return 0
    try:
        texts = [_read(files, stdin)]
    except OSError as e:
        stderr.write(f"{e.filename}: {e.strerror}\n")
        return 2
    gc.disable()  # a big log makes a million small objects that all live to the end
    try:
        # no reference to the text is left here, so it is freed once read; with no date
        # found, scribe.perl prints none (and says so)
        m, opts = make_minutes(texts.pop(), opts, warn=lambda s: stderr.write(f"{s}\n"))
        stdout.writelines(render(m, opts))
    finally:
        gc.enable()
    if not opts.embed_diagnostics:
        stderr.writelines(f"* {d}\n" for d in m.diagnostics)
    return 0
