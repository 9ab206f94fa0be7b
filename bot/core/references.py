"""GitHub references in IRC lines, as W3C's gb reads them, and how gb describes an issue.

Pure functions over plain data: which ``org/repo#N``, ``repo#N``, ``#N``, issue URL and
``@user`` references a line holds, which repository an abbreviation means, the repositories
named in ``gb, use …``, gb's one-line summary of an issue, and action due dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

MAX_REFERENCES = 5  # per line: a pasted list of 40 issue numbers must not flood the channel

_BACKQUOTES = re.compile(r"`+")
_EDIT_COMMAND = re.compile(r"\s*[si]([/|]).*\1")  # s/old/new/ and i|where|what|: scribe's
_SHORT = re.compile(r"(?<![\w/.@#-])(?P<repo>[\w.-]+(?:/[\w.-]*)?)?#(?P<number>\d{1,9})\b")
_USER = re.compile(r"(?<![\w@./-])@(?P<login>[A-Za-z0-9][A-Za-z0-9-]{0,38}"
                   r"(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?)(?![\w@/-]|\.\w)")
_REPO = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)?")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_DUE_LINE = re.compile(r"^\s*due\s*:\s*(\d{4}-\d{2}-\d{2})\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Ref:
    """One reference found in a line: ``text`` is how it was written."""

    text: str
    repo: str | None = None  # "org/name", for issues
    number: int | None = None
    login: str | None = None  # for @user
    path: str = "issues"  # issues | pull | discussions, as in the URL

    def url(self, web_url: str) -> str:
        if self.login is not None:  # a person, or a team: @w3c/aria-team
            org, _, team = self.login.partition("/")
            return f"{web_url}/orgs/{org}/teams/{team}" if team else f"{web_url}/{org}"
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


@lru_cache(maxsize=4)
def _issue_url(web_url: str) -> re.Pattern[str]:
    return re.compile(re.escape(web_url) + r"/(?P<repo>[\w.-]+/[\w.-]+)/"
                      r"(?P<path>issues|pull|discussions)/(?P<number>\d{1,9})\b")


def find_references(text: str, repos: list[str], web_url: str, *,
                    names: bool = True, issues: bool = True) -> list[Ref]:
    """The references in ``text``, in order, each once; at most ``MAX_REFERENCES``.

    Lines that are scribe edits (``s/…/…/``, ``i|…|…|``) hold none, and neither do code
    spans in backquotes, as gb's manual says."""
    if _EDIT_COMMAND.match(text):
        return []
    text = without_code_spans(text)
    found: list[tuple[int, Ref]] = []
    if issues:
        for m in _issue_url(web_url).finditer(text):
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


def without_code_spans(text: str) -> str:
    """``text`` with each code span (a run of backquotes up to the next run of the same
    length, as in Markdown) blanked out. Linear time, whatever the backquotes."""
    runs = [(m.start(), m.end()) for m in _BACKQUOTES.finditer(text)]
    following: dict[int, int] = {}  # run index -> index of the next run of the same length
    last_of_length: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        if length in last_of_length:
            following[i] = last_of_length[length]
        last_of_length[length] = i
    spans, i = [], 0
    while i < len(runs):
        if i in following:
            spans.append((runs[i][0], runs[following[i]][1]))
            i = following[i] + 1
        else:
            i += 1
    for start, end in reversed(spans):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def parse_repos(text: str, repos: list[str], web_url: str) -> list[str] | None:
    """The repositories named in ``use a/b, c`` (URLs too; a bare name takes the owner of the
    last one named, else of the current first repository). None if one is not a name."""
    out: list[str] = []
    for word in re.split(r"\s*,\s*|\s+and\s+|\s+", text.strip()):
        if not word:
            continue
        from_url = False
        for prefix in (web_url + "/", "https://github.com/"):
            if word.lower().startswith(prefix.lower()):
                word, from_url = word[len(prefix):], True
        word = word.strip("/").removesuffix(".git")
        if not _REPO.fullmatch(word) or (from_url and "/" not in word):
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
    pull = issue.get("kind") == "pull request"
    action = not pull and "action" in (name.lower() for name in labels)
    if pull:
        kind = "Pull Request"
        closed = "CLOSED " if issue.get("state") == "closed" else ""
        state = "MERGED " if issue.get("merged") else closed
    else:
        kind = "Action" if action else "Issue"
        state = "CLOSED " if issue.get("state") == "closed" else ""
    who = (f"(on {', '.join(issue.get('assignees') or [])})" if action and issue.get("assignees")
           else f"(by {issue.get('author', '?')})")
    shown = " ".join(f"[{name}]" for name in labels if not (action and name.lower() == "action"))
    when = issue.get("due") or due_in_body(str(issue.get("body") or ""))
    due = f" due {when}" if action and when else ""
    return f"{state}{kind} {issue['number']} {issue['title']} {who}{due}" + (
        f" {shown}" if shown else "")


def due_in_body(body: str) -> str | None:
    """The ``Due: YYYY-MM-DD`` line of an action's body (gb writes one; its manual says how)."""
    m = _DUE_LINE.search(body)
    return m[1] if m else None


def due_date(text: str, today: date) -> date | None:
    """``in 2 weeks``, ``tomorrow``, ``next Tuesday``, ``3 June``, ``June 3 2025``,
    ``2025-06-03``: the date meant, seen from ``today``. None if not understood."""
    try:
        return _due_date(" ".join(text.lower().replace(",", " ").split()).removesuffix("."),
                         today)
    except OverflowError:  # near the end of the calendar
        return None


def _month(word: str) -> int | None:
    """1-12 for ``june``, ``jun``, ``jun.`` or ``sept``; None for anything else."""
    word = word.removesuffix(".")
    for number, name in enumerate(_MONTHS, 1):
        if word in (name, name[:3]) or (number == 9 and word == "sept"):
            return number
    return None


def _due_date(t: str, today: date) -> date | None:
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if t in ("today", "tomorrow"):
        return today + timedelta(days=t == "tomorrow")
    if m := re.fullmatch(r"in (\d{1,3}|a|an|one|two|three|four) (day|week|month)s?", t):
        n = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(m[1]) or int(m[1])
        days = {"day": 1, "week": 7, "month": 30}[m[2]] * n
        return today + timedelta(days=days)
    if m := re.fullmatch(r"(next |this |on )?(" + "|".join(_WEEKDAYS) + ")", t):
        ahead = (_WEEKDAYS.index(m[2]) - today.weekday()) % 7
        return today + timedelta(days=ahead or (0 if m[1] == "this " else 7))
    day_month = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+\.?)(?: (\d{4}))?", t)
    month_day = re.fullmatch(r"([a-z]+\.?) (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?", t)
    if day_month:
        day, month, year = day_month[1], _month(day_month[2]), day_month[3]
    elif month_day:
        month, day, year = _month(month_day[1]), month_day[2], month_day[3]
    else:
        return None
    if month is None:
        return None
    if year:
        return _date(int(year), month, int(day))
    for ahead in range(9):  # "3 June" said in July is next year's; 29 February, a leap year
        found = _date(today.year + ahead, month, int(day))
        if found is not None and found >= today:
            return found
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
