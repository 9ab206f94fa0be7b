"""The minutes as JSON: every field of the record, in a documented and stable structure.

The structure is described field by field in ``docs/minutes-json.md``; ``"format":
"agendum-minutes"`` and ``"version": 1`` identify it. Fields are only ever added within a version;
a change that removes or changes the meaning of a field bumps ``version``. Text is as written
(plain, not escaped); links are the ones the HTML and Markdown minutes make, and every URL is
an http, https or mailto one.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.scribe.inline import URL, Context, tokenize
from bot.scribe.lazyre import lazy
from bot.scribe.options import Options
from bot.scribe.record import Item, Minutes, Section

FORMAT = "agendum-minutes"
VERSION = 1
_LINK_KINDS = ("url", "link", "image", "issue")
_NO_LINKS = ("verbatim", "anchor", "slide")  # printed as they are (a slide's link is its url)
_SAFE_URL = lazy(URL, re.I)


def _url(url: str | None) -> str | None:
    """An http, https or mailto URL, else None (a caller may give any log URL)."""
    return url if url and _SAFE_URL.fullmatch(url) else None


def _links(text: str, ctx: Context) -> list[dict[str, str]]:
    return [{"url": t.url, "text": t.text, "kind": t.kind}
            for t in tokenize(text, ctx) if t.kind in _LINK_KINDS]


def item_links(item: Item) -> list[dict[str, str]]:
    """The links of a paragraph, in order: from its text, or a slide's own link."""
    if item.kind == "slide":
        return [{"url": item.url, "text": f"Slide {item.text}", "kind": "slide"}] if item.url \
            else []
    if item.kind in _NO_LINKS:
        return []
    return [link for seg in item.segments for link in _links(seg.text, item.ctx)]


def _shown(item: Item) -> str:
    """The paragraph's text; a bot's reply that starts with a reference has the rest of the
    reply after it (which the HTML shows after the bold reference)."""
    if item.kind == "botref" and item.url:
        return f"{item.text} {item.url}"
    return item.text


def _title(section: Section) -> str:
    """A heading's text with its continuation lines, one line as in the Markdown."""
    return " ".join([section.title, *(s.text for s in section.continuations)])


def item_dict(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "speaker": item.speaker or None,
        "time": item.time,
        "text": _shown(item),
        "lines": [{"id": seg.id if i else item.id, "text": seg.text}
                  for i, seg in enumerate(item.segments)],
        "links": item_links(item),
        "url": (item.url or None) if item.kind == "slide" else None,
    }


def _section(section: Section, subsections: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": section.id,
        "title": _title(section),
        "time": section.time,
        # the heading's lines, as a paragraph's: a "..." line that continues the title has the
        # id of its span in the HTML heading
        "lines": [{"id": section.id, "text": section.title},
                  *({"id": c.id, "text": c.text} for c in section.continuations)],
        "links": _links(_title(section), section.ctx),
        "items": [item_dict(i) for i in section.items],
    }
    if subsections:
        out["subtopics"] = [_section(s, False) for s in section.subsections]
    return out


def _summary(items: tuple[Item, ...]) -> list[dict[str, Any]]:
    return [{"id": i.id, "text": i.text} for i in items]


def _all_links(m: Minutes) -> list[dict[str, str]]:
    """Every link of the minutes in document order, with the id of the paragraph or heading."""
    out: list[dict[str, str]] = []

    def add(items: tuple[Item, ...]) -> None:
        for item in items:
            out.extend({**link, "item": item.id} for link in item_links(item))

    add(m.preamble)
    for topic in m.topics:
        for section in (topic, *topic.subsections):
            out.extend({**link, "item": section.id}
                       for link in _links(_title(section), section.ctx))
            add(section.items)
    return out


def to_dict(m: Minutes, *, draft: bool = True) -> dict[str, Any]:
    """The minutes as plain data (``draft`` comes from the options, not the record)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": m.title,
        "date": m.date.isoformat() if m.date else None,
        "draft": draft,
        "chairs": list(m.chairs),
        "scribes": list(m.scribes),
        "present": list(m.present),
        "regrets": list(m.regrets),
        "agenda": _url(m.agenda_url),
        "log": _url(m.log_url),
        "previous": _url(m.previous_url),
        "next": _url(m.next_url),
        "preamble": [item_dict(i) for i in m.preamble],
        "topics": [_section(t, True) for t in m.topics],
        "actions": _summary(m.actions),
        "resolutions": _summary(m.resolutions),
        "issues": _summary(m.issues),
        "links": _all_links(m),
        "diagnostics": list(m.diagnostics),
    }


def render_json(m: Minutes, opts: Options) -> str:
    # One line: without ``indent`` the C encoder runs, 8 times faster on a long meeting.
    return json.dumps(to_dict(m, draft=opts.draft), ensure_ascii=False) + "\n"
