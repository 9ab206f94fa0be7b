"""Log text to minutes: read the format, collect the options, apply edits, interpret."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from bot.scribe.edits import Line
from bot.scribe.engine import build
from bot.scribe.logformats import Record, read_as, read_log
from bot.scribe.options import OptionError, Options, apply_option_text
from bot.scribe.record import Minutes

_DEFAULTS = Options()
_SCRIBE_OPTIONS = re.compile(r"\s*scribeoptions\s*:\s*(.*)", re.I)


# What the page loads or prints as markup is the operator's choice (command line, SCRIBEOPTIONS),
# never a channel's: anyone can type a ScribeOptions: line, and minutes are published unattended.
_FRAME = ("logo", "mathjax", "islide", "stylesheet")


def log_options(records: list[Record], opts: Options) -> tuple[Options, list[str]]:
    """``ScribeOptions:`` lines anywhere in the log apply on top of ``opts``, in order, except
    the options that put markup or scripts in the page (-logo, -mathjax, -islide, -style)."""
    notes = []
    for r in records:
        if not r.event and (m := _SCRIBE_OPTIONS.fullmatch(r.text)):
            try:
                changed, rest = apply_option_text(m[1], opts)
            except OptionError as e:
                notes.append(f"ScribeOptions: {e}")
                continue
            if refused := [f for f in _FRAME if getattr(changed, f) != getattr(opts, f)]:
                names = ", ".join("-style" if f == "stylesheet" else f"-{f}" for f in refused)
                notes.append(f"ScribeOptions: {names} only on the command line; ignored")
                changed = replace(changed, **{f: getattr(opts, f) for f in refused})
            opts = changed
            if rest:
                notes.append(f"ScribeOptions: ignored {' '.join(rest)}")
    return opts, notes


def make_minutes(text: str, opts: Options = _DEFAULTS, *, log_url: str | None = None,
                 default_date: date | None = None) -> tuple[Minutes, Options]:
    """Log text in any supported format -> the minutes record and the options in effect."""
    if opts.input_format:
        records, format_notes = read_as(text, opts.input_format), list[str]()
    else:
        records, _, format_notes = read_log(text)
    del text  # a big log's text is tens of MB; the records hold what is needed
    opts, notes = log_options(records, opts)
    notes = format_notes + notes
    lines = [Line(r.nick, r.text, r.seed, r.time, r.action) for r in records if not r.event]
    del records
    m = build(lines, opts, log_url=log_url, default_date=default_date)
    if notes:
        m = replace(m, diagnostics=(*notes, *m.diagnostics))
    return m, opts


def render(m: Minutes, opts: Options) -> Iterator[str]:
    """The minutes in ``opts.format`` (html, scribe.perl's; md; json), in pieces to write."""
    if opts.format == "md":
        from bot.scribe.markdown import render_markdown
        return iter([render_markdown(m, opts)])
    if opts.format == "json":
        from bot.scribe.jsonout import render_json
        return iter([render_json(m, opts)])
    from bot.scribe.html import html_chunks
    return html_chunks(m, opts)
