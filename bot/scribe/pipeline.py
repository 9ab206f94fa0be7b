"""Log text to minutes, in scribe.perl's order: read the format, apply the edits, read the
``ScribeOptions:`` lines (as the edits left them), interpret the conventions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date

from bot.scribe.edits import Line, apply_edits
from bot.scribe.engine import build, scribe_options_line
from bot.scribe.logformats import read_as, read_log
from bot.scribe.options import Options, apply_option_text
from bot.scribe.record import Minutes

_DEFAULTS = Options()


# What the page loads or prints as markup is the operator's choice (command line, SCRIBEOPTIONS),
# never a channel's: anyone can type a ScribeOptions: line, and minutes are published unattended.
_FRAME = ("logo", "mathjax", "islide", "stylesheet")


def log_options(lines: list[Line], opts: Options,
                warn: Callable[[str], object] | None = None) -> tuple[Options, list[str]]:
    """``ScribeOptions:`` lines anywhere in the (edited) log apply on top of ``opts``, in
    order, except the options that put markup or scripts in the page (-logo, -mathjax,
    -islide, -stylesheet). Returns the options and the diagnostics: the words of a line that
    are not options it can use, as scribe.perl reports them; a refused -urlDisplay value is a
    warning (``warn``: scribe.perl prints it on stderr at once, not as a diagnostic)."""
    notes = []
    for ln in lines:
        if ln.removed or not (m := scribe_options_line(ln.text)):
            continue
        changed, rest, warnings = apply_option_text(m[1], opts, pass_through=True)
        if warn is not None:
            for warning in warnings:
                warn(warning)
        if rest:
            notes.append(f"Unknown option in scribeoptions: {' '.join(rest)}")
        if refused := [f for f in _FRAME if getattr(changed, f) != getattr(opts, f)]:
            names = ", ".join(f"-{f}" for f in refused)
            notes.append(f"ScribeOptions: {names} only on the command line; ignored")
            changed = replace(changed, **{f: getattr(opts, f) for f in refused})
        opts = changed
    return opts, notes


def make_minutes(text: str, opts: Options = _DEFAULTS, *, log_url: str | None = None,
                 default_date: date | None = None,
                 warn: Callable[[str], object] | None = None) -> tuple[Minutes, Options]:
    """Log text in any supported format -> the minutes record and the options in effect.

    ``warn`` gets the messages scribe.perl prints on stderr as they come, not as diagnostics.
    """
    if opts.input_format:
        records, format_notes = read_as(text, opts.input_format), list[str]()
    else:
        records, _, format_notes = read_log(text)
    del text  # a big log's text is tens of MB; the records hold what is needed
    lines = [Line(r.nick, r.text, r.seed, r.time, r.action) for r in records if not r.event]
    del records
    # everyone's lines may be edits, bots' too, as in scribe.perl (gb's s|#15|-> Issue 15 … URL|
    # answer to a topic line turns the reference into a titled link)
    edited, edit_notes = apply_edits(lines)
    del lines
    opts, option_notes = log_options(edited, opts, warn)
    m = build(edited, opts, log_url=log_url, default_date=default_date,
              option_notes=[*edit_notes, *option_notes])
    if format_notes:
        m = replace(m, diagnostics=(*format_notes, *m.diagnostics))
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
