"""``bot.core.references``: the GitHub references gb sees in a line, which repository an
abbreviation means, the repositories of ``gb, use …``, gb's one-line summary of an issue and
action due dates, as W3C's gb (ghurlbot) manual describes them.

Table-driven examples, then properties over arbitrary text.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.core.references import (
    MAX_REFERENCES,
    Ref,
    describe,
    due_date,
    find_references,
    parse_repos,
    resolve_repo,
)

GH = "https://github.com"
GHE = "https://git.example.org"
TWO = ["w3c/aria", "w3c/webnn"]  # most recently added first
OWNER_NAME = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
TODAY = date(2024, 3, 7)  # a Thursday

# ---- find_references ---------------------------------------------------------------------------


def issue_ref(text: str, repo: str, number: int, path: str = "issues") -> Ref:
    return Ref(text, repo, number, path=path)


def user(login: str) -> Ref:
    return Ref(f"@{login}", login=login)


FIND: list[tuple[str, str, list[str], list[Ref]]] = [
    # owner/name#N needs no repository in use; #N and name#N do
    ("org/repo#N", "Let's talk about foo/bar#13.", [], [issue_ref("foo/bar#13", "foo/bar", 13)]),
    ("#N-without-repos", "see #15", [], []),
    ("repo#N-without-repos", "see aria#15", [], []),
    ("#N-most-recent", "see #15", TWO, [issue_ref("#15", "w3c/aria", 15)]),
    ("#N-other-order", "see #15", TWO[::-1], [issue_ref("#15", "w3c/webnn", 15)]),
    ("repo#N", "see webnn#3", TWO, [issue_ref("webnn#3", "w3c/webnn", 3)]),
    ("prefix#N", "see we#3", TWO, [issue_ref("we#3", "w3c/webnn", 3)]),
    ("suffix#N", "see nn#3", TWO, [issue_ref("nn#3", "w3c/webnn", 3)]),
    ("owner/prefix#N", "w3c/a#13", TWO, [issue_ref("w3c/a#13", "w3c/aria", 13)]),
    ("case-insensitive", "W3C/ARIA#2", TWO, [issue_ref("W3C/ARIA#2", "w3c/aria", 2)]),
    ("unknown-name-takes-top-owner", "Is scribe2#3 the same?", TWO,
     [issue_ref("scribe2#3", "w3c/scribe2", 3)]),
    ("other-owner", "other/aria#7", TWO, [issue_ref("other/aria#7", "other/aria", 7)]),
    ("owner-without-name", "see w3c/#13", TWO, []),
    ("number-zero", "#0 and aria#00", TWO, []),
    ("leading-zeros", "#0012", TWO, [issue_ref("#0012", "w3c/aria", 12)]),
    ("ten-digits", "#1234567890", TWO, []),
    ("in-parentheses", "(#4), [#5]", TWO,
     [issue_ref("#4", "w3c/aria", 4), issue_ref("#5", "w3c/aria", 5)]),
    ("glued-to-a-word-is-a-repo", "see item#5", TWO, [issue_ref("item#5", "w3c/item", 5)]),
    ("inside-a-url-fragment", "https://example.org/page#12 and https://example.org/#13", TWO,
     []),
    ("after-hash", "##5 and x/#5", TWO, []),
    # URLs
    ("issue-url", "see https://github.com/w3c/scribe2/issues/15.", [],
     [issue_ref("https://github.com/w3c/scribe2/issues/15", "w3c/scribe2", 15)]),
    ("pull-url", "https://github.com/w3c/aria/pull/8/files", [],
     [issue_ref("https://github.com/w3c/aria/pull/8", "w3c/aria", 8, "pull")]),
    ("discussion-url", "https://github.com/w3c/aria/discussions/9", [],
     [issue_ref("https://github.com/w3c/aria/discussions/9", "w3c/aria", 9, "discussions")]),
    ("url-with-comment-anchor", "https://github.com/w3c/aria/issues/5#issuecomment-7", [],
     [issue_ref("https://github.com/w3c/aria/issues/5", "w3c/aria", 5)]),
    ("not-an-issue-url", "https://github.com/w3c/aria/blob/main/x.md", TWO, []),
    ("other-host", "https://gitlab.com/w3c/aria/issues/5", [], []),
    # users
    ("@user", "That comment came from @aliciag", [], [user("aliciag")]),
    ("@user-end-of-sentence", "ask @bob.", [], [user("bob")]),
    ("@users", "@alice, @bob-2 and @Carol", [],
     [user("alice"), user("bob-2"), user("Carol")]),
    ("email-is-no-user", "mail contact@aliciag.com", [], []),
    ("@-then-dash", "@-x", [], []),
    ("login-too-long", "@" + "a" * 40, [], []),
    ("login-longest", "@" + "a" * 39, [], [user("a" * 39)]),
    ("@@", "@@bob", [], []),
    # ignored text
    ("code-span", "Use the JSON-LD `@context` for `#5`", TWO, []),
    ("triple-code-span", "How do you use ```@context```?", [], []),
    ("double-code-span-with-backquote", "``a ` #5`` but #6", TWO,
     [issue_ref("#6", "w3c/aria", 6)]),
    ("unclosed-backquote", "`#5", TWO, [issue_ref("#5", "w3c/aria", 5)]),
    ("s/-line", "s/like #14/like #15/", TWO, []),
    ("s/-line-indented", "  s/x/@bob/g", TWO, []),
    ("s|-line", "s|aria#15|-> Issue 15|", TWO, []),
    ("i/-line", "i/Discuss/topic: #15/", TWO, []),
    ("i|-line", "i|Discuss|topic: #15|", TWO, []),
    ("not-an-edit", "is/are #5", TWO, [issue_ref("#5", "w3c/aria", 5)]),
    # order, duplicates, the limit
    ("in-order-of-the-line", "@bob on #5", TWO, [user("bob"), issue_ref("#5", "w3c/aria", 5)]),
    ("same-issue-once", "#5, aria#5, w3c/aria#5, https://github.com/w3c/aria/pull/5", TWO,
     [issue_ref("#5", "w3c/aria", 5)]),
    ("same-user-once", "@bob and @bob", [], [user("bob")]),
    ("same-number-other-repo", "#5 webnn#5", TWO,
     [issue_ref("#5", "w3c/aria", 5), issue_ref("webnn#5", "w3c/webnn", 5)]),
    ("at-most-five", "#1 #2 @a #3 #4 #5 #6", TWO,
     [issue_ref("#1", "w3c/aria", 1), issue_ref("#2", "w3c/aria", 2), user("a"),
      issue_ref("#3", "w3c/aria", 3), issue_ref("#4", "w3c/aria", 4)]),
]


@pytest.mark.parametrize(("text", "repos", "expected"),
                         [pytest.param(t, r, e, id=i) for i, t, r, e in FIND])
def test_find_references(text: str, repos: list[str], expected: list[Ref]) -> None:
    assert find_references(text, repos, GH) == expected


def test_names_and_issues_can_be_left_out() -> None:
    text = "#5 by @bob, https://github.com/w3c/aria/discussions/9"
    everything = find_references(text, TWO, GH)
    assert [r.text for r in everything] == ["#5", "@bob", "https://github.com/w3c/aria/discussions/9"]
    assert find_references(text, TWO, GH, names=False) == [everything[0], everything[2]]
    assert find_references(text, TWO, GH, issues=False) == [everything[1]]
    assert find_references(text, TWO, GH, names=False, issues=False) == []


def test_urls_follow_the_configured_web_url() -> None:
    text = f"{GHE}/a/b/issues/3 and {GH}/c/d/issues/4"
    assert find_references(text, [], GHE) == [issue_ref(f"{GHE}/a/b/issues/3", "a/b", 3)]


@pytest.mark.parametrize(("ref", "url"), [
    (issue_ref("#5", "w3c/aria", 5), f"{GH}/w3c/aria/issues/5"),
    (issue_ref("x", "w3c/aria", 8, "pull"), f"{GH}/w3c/aria/pull/8"),
    (issue_ref("x", "w3c/aria", 9, "discussions"), f"{GH}/w3c/aria/discussions/9"),
    (user("bob"), f"{GH}/bob"),
])
def test_ref_url(ref: Ref, url: str) -> None:
    assert ref.url(GH) == url
    assert ref.url(GHE) == url.replace(GH, GHE)


def test_a_run_of_backquotes_is_no_code_span() -> None:
    """Unmatched runs stay text (a regex version of this took seconds on 600 backquotes; the
    scan is linear by construction)."""
    assert find_references("`" * 600 + " #1", TWO, GH) == [issue_ref("#1", "w3c/aria", 1)]
    assert find_references("``#1` #2``", TWO, GH) == []
    assert find_references("`#1`` #2", TWO, GH) == [issue_ref("#1", "w3c/aria", 1),
                                                     issue_ref("#2", "w3c/aria", 2)]


# ---- resolve_repo ------------------------------------------------------------------------------

RESOLVE: list[tuple[str | None, list[str], str | None]] = [
    (None, [], None),
    (None, TWO, "w3c/aria"),
    ("", TWO[::-1], "w3c/webnn"),
    ("aria", TWO, "w3c/aria"),
    ("webnn", TWO, "w3c/webnn"),
    ("a", TWO, "w3c/aria"),
    ("web", TWO, "w3c/webnn"),
    ("nn", TWO, "w3c/webnn"),
    ("WEBNN", TWO, "w3c/webnn"),
    ("w3c/a", TWO, "w3c/aria"),
    ("W3C/Web", TWO, "w3c/webnn"),
    ("w", ["w3c/wai", "w3c/webnn"], "w3c/wai"),  # ambiguous: the most recently added
    ("w", ["w3c/webnn", "w3c/wai"], "w3c/webnn"),
    ("other/a", TWO, "other/a"),  # another owner: taken as the full name
    ("other/aria", TWO, "other/aria"),
    ("scribe2", TWO, "w3c/scribe2"),  # unknown: the owner of the top repository
    ("scribe2", ["xxx/yyy", "w3c/aria"], "xxx/scribe2"),
    ("scribe2", [], None),
    ("w3c/", TWO, None),
    ("w3c/", [], None),
]


@pytest.mark.parametrize(("name", "repos", "expected"), RESOLVE)
def test_resolve_repo(name: str | None, repos: list[str], expected: str | None) -> None:
    assert resolve_repo(name, repos) == expected


# ---- parse_repos -------------------------------------------------------------------------------

PARSE: list[tuple[str, list[str], str, list[str] | None]] = [
    ("w3c/aria", [], GH, ["w3c/aria"]),
    ("https://github.com/xxx/yyy", [], GH, ["xxx/yyy"]),
    ("HTTPS://GitHub.com/xxx/yyy", [], GH, ["xxx/yyy"]),
    ("https://github.com/w3c/aria.git", [], GH, ["w3c/aria"]),
    ("https://github.com/w3c/aria/", [], GH, ["w3c/aria"]),
    ("xxx/yyy, zzz", [], GH, ["xxx/yyy", "xxx/zzz"]),
    ("xxx/yyy,zzz", [], GH, ["xxx/yyy", "xxx/zzz"]),
    ("xxx/yyy zzz", [], GH, ["xxx/yyy", "xxx/zzz"]),
    ("xxx/yyy and zzz", [], GH, ["xxx/yyy", "xxx/zzz"]),
    ("a/b, c, d/e, f", [], GH, ["a/b", "a/c", "d/e", "d/f"]),
    ("yyy, zzz", ["w3c/aria", "other/x"], GH, ["w3c/yyy", "w3c/zzz"]),
    ("  w3c/aria  ", [], GH, ["w3c/aria"]),
    ("yyy", [], GH, None),
    ("w3c/aria!", [], GH, None),
    ("w3c/aria/issues", [], GH, None),
    ("w3c/aria, ???", [], GH, None),
    ("", [], GH, None),
    ("  ,  ", ["w3c/aria"], GH, None),
    (f"{GHE}/a/b", [], GHE, ["a/b"]),
    ("https://github.com/a/b", [], GHE, ["a/b"]),
    (f"{GHE}/a/b", [], GH, None),
]


@pytest.mark.parametrize(("text", "repos", "web", "expected"), PARSE)
def test_parse_repos(text: str, repos: list[str], web: str, expected: list[str] | None) -> None:
    assert parse_repos(text, repos, web) == expected


# ---- describe ----------------------------------------------------------------------------------


def summary(**more: Any) -> dict[str, Any]:
    return {"number": 15, "title": "help topics", "state": "open", "kind": "issue",
            "merged": False, "author": "pchampin", "labels": [], "assignees": [],
            "html_url": f"{GH}/w3c/aria/issues/15", "body": "", **more}


DESCRIBE: list[tuple[str, dict[str, Any], str]] = [
    ("issue", summary(), "Issue 15 help topics (by pchampin)"),
    ("closed-issue", summary(state="closed"), "CLOSED Issue 15 help topics (by pchampin)"),
    ("labels", summary(labels=["process", "a11y"]),
     "Issue 15 help topics (by pchampin) [process] [a11y]"),
    ("assignees-of-an-issue", summary(assignees=["bob"]), "Issue 15 help topics (by pchampin)"),
    ("due-of-an-issue", summary(due="2024-03-14"), "Issue 15 help topics (by pchampin)"),
    ("no-author", {"number": 3, "title": "t"}, "Issue 3 t (by ?)"),
    ("pull-request", summary(kind="pull request"), "Pull Request 15 help topics (by pchampin)"),
    ("closed-pull-request", summary(kind="pull request", state="closed"),
     "CLOSED Pull Request 15 help topics (by pchampin)"),
    ("merged-pull-request", summary(kind="pull request", state="closed", merged=True),
     "MERGED Pull Request 15 help topics (by pchampin)"),
    ("action", summary(labels=["action"], assignees=["alex", "kylie"], due="2024-03-14"),
     "Action 15 help topics (on alex, kylie) due 2024-03-14"),
    ("action-label-case", summary(labels=["spec", "Action"], assignees=["alex"]),
     "Action 15 help topics (on alex) [spec]"),
    ("closed-action", summary(state="closed", labels=["action"], assignees=["alex"]),
     "CLOSED Action 15 help topics (on alex)"),
    ("action-without-assignees", summary(labels=["action"], due="2024-03-14"),
     "Action 15 help topics (by pchampin) due 2024-03-14"),
]


@pytest.mark.parametrize(("issue", "expected"),
                         [pytest.param(i, e, id=n) for n, i, e in DESCRIBE])
def test_describe(issue: dict[str, Any], expected: str) -> None:
    assert describe(issue) == expected


def test_describe_reads_the_due_date_from_the_body() -> None:
    body = "Opened by joe via IRC channel #wg on net\n\nDue: 2024-03-14 (Thursday 14 March)"
    action = summary(labels=["action"], assignees=["alex"], body=body)
    assert describe(action) == "Action 15 help topics (on alex) due 2024-03-14"


# ---- due_date ----------------------------------------------------------------------------------

DUE: list[tuple[str, date | None]] = [
    ("3 junk", None),  # a month is a month's name or its three letters, nothing else
    ("3 decades", None),
    ("sept 3", date(2024, 9, 3)),
    ("3 jun.", date(2024, 6, 3)),
    ("29 february", date(2028, 2, 29)),  # the next 29 February there is
    ("2025-06-03", date(2025, 6, 3)),
    ("2024-6-3", date(2024, 6, 3)),
    ("3 June", date(2024, 6, 3)),
    ("3 jun", date(2024, 6, 3)),
    ("June 3", date(2024, 6, 3)),
    ("June 3rd", date(2024, 6, 3)),
    ("3 June.", date(2024, 6, 3)),
    ("June 3 2025", date(2025, 6, 3)),
    ("June 3, 2025", date(2025, 6, 3)),
    ("3 June 2025", date(2025, 6, 3)),
    ("  3   JUNE  ", date(2024, 6, 3)),
    ("tomorrow", date(2024, 3, 8)),
    ("Tomorrow.", date(2024, 3, 8)),
    ("today", date(2024, 3, 7)),
    ("in 2 weeks", date(2024, 3, 21)),
    ("in two weeks", date(2024, 3, 21)),
    ("in 1 week", date(2024, 3, 14)),
    ("in 3 days", date(2024, 3, 10)),
    ("in a day", date(2024, 3, 8)),
    ("in a month", date(2024, 4, 6)),  # a month is 30 days
    ("in 2 months", date(2024, 5, 6)),
    ("tuesday", date(2024, 3, 12)),
    ("next Tuesday", date(2024, 3, 12)),
    ("on friday", date(2024, 3, 8)),
    ("this Wednesday", date(2024, 3, 13)),
    ("thursday", date(2024, 3, 14)),  # today's weekday: a week later
    ("next thursday", date(2024, 3, 14)),
    ("7 March", date(2024, 3, 7)),  # today
    ("6 March", date(2025, 3, 6)),  # a past day rolls to next year
    ("3 January", date(2025, 1, 3)),
    ("3 January 2024", date(2024, 1, 3)),  # unless the year is given
    ("31 feb", None),
    ("30 February 2025", None),
    ("2024-13-01", None),
    ("2024-02-30", None),
    ("0000-01-01", None),
    ("June 0", None),
    ("3 smarch", None),
    ("someday", None),
    ("in 2 fortnights", None),
    ("next week", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), DUE)
def test_due_date(text: str, expected: date | None) -> None:
    assert due_date(text, TODAY) == expected


def test_due_date_this_weekday_on_that_day_is_today() -> None:
    assert due_date("this thursday", date(2024, 3, 7)) == date(2024, 3, 7)
    assert due_date("thursday", date(2024, 3, 7)) == date(2024, 3, 14)
    assert due_date("next thursday", date(2024, 3, 7)) == date(2024, 3, 14)
    assert due_date("in 2 days", date.max) is None  # past the calendar: no date, no crash


def test_due_date_rolls_over_the_end_of_the_year() -> None:
    assert due_date("3 June", date(2024, 7, 1)) == date(2025, 6, 3)
    assert due_date("monday", date(2024, 12, 31)) == date(2025, 1, 6)
    assert due_date("tomorrow", date(2024, 12, 31)) == date(2025, 1, 1)


# ---- properties --------------------------------------------------------------------------------

REPOS = st.lists(st.sampled_from(["w3c/aria", "w3c/webnn", "w3c/scribe2", "xxx/yyy",
                                  "a.b/c-d", "o/.github"]), max_size=4, unique=True)
PIECES = ["#", "#1", "#15", "#0", "@", "@bob", "@a-b", "w3c/", "aria", "/", "`", "``", " ",
          ".", "-", ",", "s/", "i|", "|", "https://github.com/", "w3c/aria/issues/",
          "/pull/", "/discussions/", "123456789", "0", "x@y.org", "\n", "é", "_"]
LINES = st.one_of(st.text(max_size=200),
                  st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)),
                           max_size=40).map("".join))


@given(LINES, REPOS, st.booleans(), st.booleans())
@example("#1 #2 #3 #4 #5 #6 #7 @a @b", ["w3c/aria"], True, True)
@example("`#1` #1 `` #2 `` #2", ["w3c/aria"], True, True)
def test_find_references_properties(text: str, repos: list[str], names: bool,
                                    issues: bool) -> None:
    refs = find_references(text, repos, GH, names=names, issues=issues)
    assert len(refs) <= MAX_REFERENCES
    assert len({(r.repo, r.number, r.login) for r in refs}) == len(refs)
    for ref in refs:
        assert ref.text and ref.text in text
        if ref.login is not None:
            assert names and ref.repo is None and ref.number is None
            assert ref.url(GH) == f"{GH}/{ref.login}"
        else:
            assert issues and ref.repo is not None and OWNER_NAME.fullmatch(ref.repo)
            assert ref.number is not None and ref.number > 0
            assert ref.path in ("issues", "pull", "discussions")


@given(st.one_of(st.text(max_size=60),
                 st.lists(st.sampled_from(["in", "a", "2", "31", "next", "June", "feb", "day",
                                           "weeks", "2024", "-", "03", "tuesday", " ", ",",
                                           "st", "."]), max_size=8).map(" ".join)),
       st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)))
@example("29 February", date(2024, 3, 1))
@example("in 999 months", date(2024, 3, 7))
def test_due_date_never_raises(text: str, today: date) -> None:
    found = due_date(text, today)
    assert found is None or isinstance(found, date)


@given(st.one_of(st.text(max_size=80),
                 st.lists(st.sampled_from(["w3c/aria", "yyy", ",", " and ", " ", "/", ".git",
                                           "https://github.com/", "x/", "/y", "!", "-", "."]),
                          max_size=10).map("".join)),
       REPOS)
def test_parse_repos_gives_owner_name_or_none(text: str, repos: list[str]) -> None:
    found = parse_repos(text, repos, GH)
    assert found is None or (found and all(OWNER_NAME.fullmatch(r) for r in found))
