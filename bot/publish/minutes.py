"""The bot's side of the minutes: its stored lines as RRSAgent's text log, and that log turned
into minutes by the engine in ``bot.scribe`` (the same path ``agendum minutes`` takes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from bot.publish.lines import LogLine
from bot.scribe.html import render_html
from bot.scribe.jsonout import render_json
from bot.scribe.markdown import render_markdown
from bot.scribe.options import Options
from bot.scribe.pipeline import make_minutes

_ENV = Environment(loader=PackageLoader("bot", "templates"), autoescape=True,
                   undefined=StrictUndefined, keep_trailing_newline=True)


# ---- plain-text log -----------------------------------------------------------------------------

_NEWLINES = re.compile(r"[\r\n]+")
_LOG_LINE = re.compile(
    r"(?:(\d\d?):(\d\d):(\d\d)[ \t]+|\[(\d\d?):(\d\d)(?::(\d\d))?\][ \t]*)?"
    r"(?:<([^\s<>]+)> ?(.*)|\* ([^\s<>]+) ?(.*))"
)


def _utc(t: datetime) -> datetime:
    return t.astimezone(UTC) if t.tzinfo else t


def format_irc_log(lines: Iterable[LogLine]) -> str:
    """RRSAgent's text log; CR/LF inside a message become spaces so a message stays one line."""
    out = []
    for ln in lines:
        stamp = _utc(ln.time).strftime("%H:%M:%S")
        nick, text = _NEWLINES.sub(" ", ln.nick), _NEWLINES.sub(" ", ln.text)
        out.append(f"{stamp} * {nick} {text}\n" if ln.action else f"{stamp} <{nick}> {text}\n")
    return "".join(out)


def parse_log(text: str, day: date) -> list[LogLine]:
    """Inverse of ``format_irc_log``; also reads untimed and ``[HH:MM(:SS)]`` lines.

    Untimed lines get midnight, which seeds their ids with 0 exactly as in scribe.perl.
    """
    result = []
    for raw in text.removeprefix("\ufeff").split("\n"):
        if not (m := _LOG_LINE.fullmatch(raw.removesuffix("\r"))):
            continue
        h, mi, s = (int(m[i] or m[i + 3] or 0) for i in (1, 2, 3))
        if h > 23 or mi > 59 or s > 59:
            continue
        when = datetime(day.year, day.month, day.day, h, mi, s, tzinfo=UTC)
        result.append(LogLine(when, m[7], m[8]) if m[7] is not None
                      else LogLine(when, m[9], m[10], action=True))
    return result


# From a published page ({YYYY}/{MM}/…) to the folder of agendum's style sheet and icons,
# written beside the published files (``bot.publish.files.write_assets``) and served by
# ``agendum serve``: relative, so any web server serving publish.dir finds them too.
ASSETS = "../../static/"


@dataclass(frozen=True)
class Look:
    """How published pages look: ``[publish] style`` and ``logo``.

    style: "bundled" (agendum's own sheet), "w3c" (W3C's sheets, icons and logo, as
    RRSAgent's minutes have them) or the URL of a style sheet. logo: "" (none, or W3C's with
    the w3c style), "none", or the URL of an image.
    """

    style: str = "bundled"
    logo: str = ""
    assets: str = ASSETS  # where the page finds agendum's sheet and icons

    def options(self, opts: Options) -> Options:
        """``opts`` with the engine's page frame set for this look."""
        if self.style != "w3c":
            sheet = None if self.style == "bundled" else self.style
            opts = replace(opts, assets=self.assets, stylesheet=sheet)
        if self.logo == "none":
            opts = replace(opts, logo="")
        elif self.logo:
            opts = replace(opts, logo=str(Markup('<img src="{}" alt="Logo" height=60>')
                                          .format(self.logo)))
        return opts

    def sheet(self, assets: str) -> str:
        """The style sheet agendum's own pages (log, index, search, live) link: the URL
        given, else agendum's (W3C has none for them)."""
        return self.style if self.style not in ("bundled", "w3c") else assets + "agendum.css"


def render_minutes(
    lines: Sequence[LogLine], *, day: date, channel: str, log_url: str | None = None,
    draft: bool = True, look: Look | None = None,
) -> str:
    """Minutes of the channel's lines, as ``draft minutes`` publishes them."""
    return render_all(lines, day=day, channel=channel, log_url=log_url, draft=draft,
                      look=look)["html"]


def render_all(
    lines: Sequence[LogLine], *, day: date, channel: str, log_url: str | None = None,
    draft: bool = True, look: Look | None = None,
) -> dict[str, str]:
    """The minutes as HTML (scribe.perl's), Markdown and JSON, from one run of the engine.

    The log goes through the engine as text, so the bot's minutes and those of
    ``agendum minutes`` on the published ``-irc.txt`` file are the same document (with
    ``look`` W3C's, the command line's default; else they differ in the page's frame only).
    """
    opts = (look or Look()).options(Options(draft=draft, embed_diagnostics=True))  # RRSAgent's
    m, opts = make_minutes(format_irc_log(lines), opts, log_url=log_url, default_date=day)
    if m.title == "(MEETING TITLE)":
        m = replace(m, title=f"{channel} meeting")
    return {"html": render_html(m, opts), "md": render_markdown(m, opts),
            "json": render_json(m, opts)}


@dataclass(frozen=True)
class _Shown:
    anchor: str
    time: str
    nick: str
    text: str


def format_irc_html(lines: Sequence[LogLine], anchors: Sequence[str], *, channel: str,
                    day: str, text_name: str, minutes_name: str, look: Look | None = None) -> str:
    """RRSAgent's HTML log: one anchored paragraph per line, every user string escaped."""
    look = look or Look()
    shown = [_Shown(a, _utc(ln.time).strftime("%H:%M:%S"), ln.nick, _NEWLINES.sub(" ", ln.text))
             for ln, a in zip(lines, anchors, strict=True)]
    return _ENV.get_template("irc.html.j2").render(
        channel=channel, day=day, lines=shown, text_name=text_name, minutes_name=minutes_name,
        sheet=look.sheet(look.assets))
