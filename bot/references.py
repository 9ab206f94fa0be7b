"""GitHub references in IRC lines, as W3C's gb reads them, and how gb describes an issue.

Pure functions over plain data: which ``org/repo#N``, ``repo#N``, ``#N``, issue URL and
``@user`` references a line holds, which repository an abbreviation means, the repositories
named in ``gb, use …``, gb's one-line summary of an issue, and action due dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

MAX_REFERENCES = 5  # per line: a pasted list of 40 issue numbers must not flood the channel

_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_EDIT_COMMAND = re.compile(r"\s*[si]([/|]).*\1")  # s/old/new/ and i|where|what|: scribe's
_SHORT = re.compile(r"(?<![\w/.@#-])(?P<repo>[\w.-]+(?:/[\w.-]*)?)?#(?P<number>\d{1,9})\b")
_USER = re.compile(r"(?<![\w@./-])@(?P<login>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))(?![\w@-]|\.\w)")
_REPO = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)?")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True, slots=True)
class Ref:
    """One reference found in a line: ``text`` is how it was written."""

    text: str
    repo: str | None = None  # "org/name", for issues
    number: int | None = None
    login: str | None = None  # for @user
    path: str = "issues"  # issues | pull | discussions, as in the URL

    def url(self, web_url: str) -> str:
        if self.login is not None:
            return f"{web_url}/{self.login}"
        return f"{web_url}/{self.repo}/{self.path}/{self.number}"


def resolve_repo(name: str | None, repos: list[str]) -> str | None:
    """The repository meant by ``name`` (``org/name``, a prefix or suffix of a known one, or
    nothing: the one added last), given ``repos`` most recent first. None: no idea."""
    if not name:
        return repos[0] if repos else None
    owner, _, short = name.rpartition("/")
    short = short.lower()
    for repo in repos:
        r_owner, _, r_name = repo.lower().partition("/")
        if (not owner or owner.lower() == r_owner) and short and \
                (r_name.startswith(short) or r_name.endswith(short)):
            return repo
    if owner:
        return name if short else None
    return f"{repos[0].partition('/')[0]}/{name}" if repos else None


def find_references(text: str, repos: list[str], web_url: str, *,
                    names: bool = True, issues: bool = True) -> list[Ref]:
    """The references in ``text``, in order, each once; at most ``MAX_REFERENCES``.

    Lines that are scribe edits (``s/…/…/``, ``i|…|…|``) hold none, and neither do code
    spans in backquotes, as gb's manual says."""
    if _EDIT_COMMAND.match(text):
        return []
    text = _CODE_SPAN.sub(lambda m: " " * len(m[0]), text)
    found: list[tuple[int, Ref]] = []
    if issues:
        url = re.compile(re.escape(web_url) + r"/(?P<repo>[\w.-]+/[\w.-]+)/"
                         r"(?P<path>issues|pull|discussions)/(?P<number>\d{1,9})\b")
        for m in url.finditer(text):
            found.append((m.start(), Ref(m[0], m["repo"], int(m["number"]), path=m["path"])))
        for m in _SHORT.finditer(text):
            repo = resolve_repo(m["repo"], repos)
            if repo is not None and int(m["number"]) > 0 and _REPO.fullmatch(repo):
                found.append((m.start(), Ref(m[0], repo, int(m["number"]))))
    if names:
        found += [(m.start(), Ref(m[0], login=m["login"])) for m in _USER.finditer(text)]
    refs: list[Ref] = []
    for _, ref in sorted(found, key=lambda f: f[0]):
        if all((r.repo, r.number, r.login) != (ref.repo, ref.number, ref.login) for r in refs):
            refs.append(ref)
    return refs[:MAX_REFERENCES]


def parse_repos(text: str, repos: list[str], web_url: str) -> list[str] | None:
    """The repositories named in ``use a/b, c`` (URLs too; a bare name takes the owner of the
    last one named, else of the current first repository). None if one is not a name."""
    out: list[str] = []
    for word in re.split(r"\s*,\s*|\s+and\s+|\s+", text.strip()):
        if not word:
            continue
        for prefix in (web_url + "/", "https://github.com/"):
            if word.lower().startswith(prefix.lower()):
                word = word[len(prefix):]
        word = word.removesuffix(".git").strip("/")
        if not _REPO.fullmatch(word):
            return None
        if "/" not in word:
            known = out or repos
            if not known:
                return None
            word = f"{known[-1 if out else 0].partition('/')[0]}/{word}"
        out.append(word)
    return out or None


def describe(issue: dict[str, Any]) -> str:
    """gb's summary: ``CLOSED Issue 15 title (by author) [label]``; actions name assignees."""
    labels = [str(name) for name in issue.get("labels", [])]
    action = "action" in (name.lower() for name in labels)
    if issue.get("kind") == "pull request":
        kind = "Pull Request"
        closed = "CLOSED " if issue.get("state") == "closed" else ""
        state = "MERGED " if issue.get("merged") else closed
    else:
        kind = "Action" if action else "Issue"
        state = "CLOSED " if issue.get("state") == "closed" else ""
    who = (f"(on {', '.join(issue.get('assignees') or [])})" if action and issue.get("assignees")
           else f"(by {issue.get('author', '?')})")
    shown = " ".join(f"[{name}]" for name in labels if not (action and name.lower() == "action"))
    due = f" due {issue['due']}" if action and issue.get("due") else ""
    return f"{state}{kind} {issue['number']} {issue['title']} {who}{due}" + (
        f" {shown}" if shown else "")


def due_date(text: str, today: date) -> date | None:
    """``in 2 weeks``, ``tomorrow``, ``next Tuesday``, ``3 June``, ``June 3 2025``,
    ``2025-06-03``: the date meant, seen from ``today``. None if not understood."""
    t = " ".join(text.lower().replace(",", " ").split()).removesuffix(".")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if t in ("today", "tomorrow"):
        return today + timedelta(days=t == "tomorrow")
    if m := re.fullmatch(r"in (\d{1,3}|a|an|one|two|three|four) (day|week|month)s?", t):
        n = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(m[1]) or int(m[1])
        days = {"day": 1, "week": 7, "month": 30}[m[2]] * n
        return today + timedelta(days=days)
    if m := re.fullmatch(r"(?:next |this |on )?(" + "|".join(_WEEKDAYS) + ")", t):
        return today + timedelta(days=(_WEEKDAYS.index(m[1]) - today.weekday()) % 7 or 7)
    day_month = re.fullmatch(r"(\d{1,2}) ([a-z]{3})[a-z]*(?: (\d{4}))?", t)
    month_day = re.fullmatch(r"([a-z]{3})[a-z]* (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?", t)
    if day_month or month_day:
        if day_month:
            day, month, year = day_month[1], day_month[2], day_month[3]
        else:
            assert month_day is not None
            month, day, year = month_day[1], month_day[2], month_day[3]
        if month not in _MONTHS:
            return None
        found = _date(int(year or today.year), _MONTHS.index(month) + 1, int(day))
        if found is not None and found < today and not year:  # "3 June" said in July
            found = _date(today.year + 1, found.month, found.day)
        return found
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
