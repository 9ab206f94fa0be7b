"""bot.outside.github and bot.outside.documents against FakeGitHub, a real local HTTP server:
no internet.

Each test runs its async body with ``asyncio.run`` and closes the client at the end; what the
client sent is checked through ``fake.requests`` (method, path with query, lowercased headers).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.outside import documents
from bot.outside.documents import fetch_document, github_target
from bot.outside.github import MAX_BODY, GitHub, Result, parse_rate_limit, summary
from tests.support.fake_github import BOT_LOGIN, FakeGitHub, FakeRepo
from tests.support.ircd import free_port

TOKEN = "ghp_test-token-4f2a9c"
REPO = "w3c/webnn"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as server:
        yield server


def run(fake: FakeGitHub, body: Callable[[GitHub], Awaitable[Any]], **options: Any) -> Any:
    """Run ``body(client)`` on a fresh event loop with a client of the fake; close it after."""
    options.setdefault("api_url", fake.base)

    async def main() -> Any:
        client = GitHub(**options)
        try:
            return await body(client)
        finally:
            await client.close()

    return asyncio.run(main())


# -- lookups ------------------------------------------------------------------------------------


def test_issue_lookup_returns_the_summary_fields(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 12, "Define MLTensor", author="dom", labels=["v2", "opset"],
                   assignees=["anssiko"], body="Details here.")
    result = run(fake, lambda gh: gh.issue(REPO, 12))
    assert result == Result("ok", {
        "number": 12, "title": "Define MLTensor", "state": "open", "kind": "issue",
        "merged": False, "author": "dom", "labels": ["v2", "opset"], "assignees": ["anssiko"],
        "html_url": f"{fake.base}/{REPO}/issues/12", "body": "Details here."})
    assert result.ok


@pytest.mark.parametrize("merged", [True, False])
def test_pull_request_has_its_kind_and_merged_flag(fake: FakeGitHub, merged: bool) -> None:
    fake.add_issue(REPO, 7, "Fix typo", pull=True, merged=merged, state="closed")
    data = run(fake, lambda gh: gh.issue(REPO, 7)).data
    assert (data["kind"], data["merged"], data["state"]) == ("pull request", merged, "closed")
    assert data["html_url"] == f"{fake.base}/{REPO}/pull/7"


def test_summary_keeps_bodies_small_and_never_none() -> None:
    assert summary({"number": 1, "body": None})["body"] == ""
    assert summary({"number": 1, "body": "x" * (MAX_BODY + 5)})["body"] == "x" * MAX_BODY
    assert set(summary({"number": 1})) == {"number", "title", "state", "kind", "merged",
                                           "author", "labels", "assignees", "html_url", "body"}


def test_missing_issue_and_missing_repo_are_not_found(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "One")
    assert run(fake, lambda gh: gh.issue(REPO, 2)) == Result("not-found", None,
                                                             "not found, or private")
    assert run(fake, lambda gh: gh.issue("w3c/nothing", 1)).status == "not-found"


def test_private_repo_needs_the_token(fake: FakeGitHub) -> None:
    fake.repos["w3c/secret"] = FakeRepo(private=True)
    fake.add_issue("w3c/secret", 3, "Hidden")
    assert run(fake, lambda gh: gh.issue("w3c/secret", 3)).status == "not-found"
    result = run(fake, lambda gh: gh.issue("w3c/secret", 3), token=TOKEN)
    assert result.ok and result.data["title"] == "Hidden"


def test_sends_the_api_headers_and_the_token_only_when_set(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "One")
    run(fake, lambda gh: gh.issue(REPO, 1))
    run(fake, lambda gh: gh.issue(REPO, 1), token=TOKEN, user_agent="agendum-test")
    (_, path, anonymous), (_, _, authed) = fake.requests
    assert path == f"/repos/{REPO}/issues/1"
    assert anonymous["accept"] == "application/vnd.github+json"
    assert anonymous["x-github-api-version"] == "2022-11-28"
    assert anonymous["user-agent"] == "agendum"
    assert "authorization" not in anonymous
    assert authed["authorization"] == f"Bearer {TOKEN}"
    assert authed["user-agent"] == "agendum-test"


def test_list_issues_filters_by_labels_state_and_limit(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "Old", labels=["Agenda+"])
    fake.add_issue(REPO, 2, "Other", labels=["bug"])
    fake.add_issue(REPO, 3, "Closed", labels=["agenda+"], state="closed")
    fake.add_issue(REPO, 4, "New", labels=["agenda+", "v2"], author="dom")
    fake.add_issue(REPO, 5, "Newest", labels=["AGENDA+"])

    def numbers(result: Result) -> list[int]:
        assert result.ok, result
        return [item["number"] for item in result.data]

    assert numbers(run(fake, lambda gh: gh.issues(REPO, labels=["agenda+"]))) == [5, 4, 1]
    assert numbers(run(fake, lambda gh: gh.issues(REPO, labels=["agenda+", "v2"]))) == [4]
    assert numbers(run(fake, lambda gh: gh.issues(REPO, state="all", labels=["agenda+"]))) == [
        5, 4, 3, 1]
    assert numbers(run(fake, lambda gh: gh.issues(REPO, creator="dom"))) == [4]
    assert numbers(run(fake, lambda gh: gh.issues(REPO, limit=2))) == [5, 4]
    assert "per_page=2" in fake.requests[-1][1]


def test_account_names_the_token_owner(fake: FakeGitHub) -> None:
    assert run(fake, lambda gh: gh.account(), token=TOKEN) == Result("ok", {"login": BOT_LOGIN})
    assert run(fake, lambda gh: gh.account()).status == "unauthorized"
    assert run(fake, lambda gh: gh.account(), token="ghp_wrong").status == "unauthorized"


def test_file_text_is_fetched_raw(fake: FakeGitHub) -> None:
    fake.repos[REPO] = FakeRepo(files={("main", "meetings/agenda.md"): "# Agenda\n1. Intro\n",
                                       ("v2", "meetings/agenda.md"): "# Other"})
    assert run(fake, lambda gh: gh.file_text(REPO, "meetings/agenda.md", None)) == Result(
        "ok", "# Agenda\n1. Intro\n")
    assert run(fake, lambda gh: gh.file_text(REPO, "meetings/agenda.md", "v2")).data == "# Other"
    assert fake.requests[-1][1] == f"/repos/{REPO}/contents/meetings/agenda.md?ref=v2"
    assert fake.requests[-1][2]["accept"] == "application/vnd.github.raw"
    assert run(fake, lambda gh: gh.file_text(REPO, "nope.md", None)).status == "not-found"


@pytest.mark.parametrize(("repo", "path"), [
    ("w3c", "a.md"), ("../w3c", "a.md"), ("w3c/..", "a.md"), ("w3c/x?y", "a.md"),
    ("w3c/x y", "a.md"), (REPO, "../../user"), (REPO, "a//b.md"), (REPO, "")])
def test_bad_names_are_refused_without_a_request(fake: FakeGitHub, repo: str, path: str) -> None:
    result = run(fake, lambda gh: gh.file_text(repo, path, None))
    assert result.status == "error"
    assert fake.requests == []


def test_oversized_response_is_refused(fake: FakeGitHub) -> None:
    fake.repos[REPO] = FakeRepo(files={("main", "big.txt"): "x" * (2 * 1024 * 1024 + 1)})
    assert run(fake, lambda gh: gh.file_text(REPO, "big.txt", None)) == Result(
        "error", None, "response too large")


# -- rate limits and timeouts ---------------------------------------------------------------------


def test_rate_limit_403_silences_the_client_until_the_reset(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "One")
    fake.rate_limit_until = time.time() + 1
    reset = int(fake.rate_limit_until) + 1  # what the fake sends in x-ratelimit-reset

    async def body(gh: GitHub) -> None:
        first = await gh.issue(REPO, 1)
        assert first.status == "rate-limited"
        until = time.strftime("%H:%M", time.gmtime(reset))
        assert first.detail == f"rate limited until {until} UTC"
        assert (await gh.issue(REPO, 1)).status == "rate-limited"
        assert (await gh.issues(REPO)).status == "rate-limited"
        assert len(fake.requests) == 1  # the later calls never reached GitHub
        await asyncio.sleep(reset - time.time() + 0.05)
        assert (await gh.issue(REPO, 1)).ok
        assert len(fake.requests) == 2

    run(fake, body)


def test_retry_after_429_silences_the_client_for_that_long(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "One")
    fake.retry_after = 1

    async def body(gh: GitHub) -> None:
        result = await gh.issue(REPO, 1)
        assert result.status == "rate-limited" and result.detail.startswith("rate limited until")
        fake.retry_after = None
        assert (await gh.issue(REPO, 1)).status == "rate-limited"
        assert len(fake.requests) == 1
        await asyncio.sleep(1.05)
        assert (await gh.issue(REPO, 1)).ok

    run(fake, body)


@pytest.mark.parametrize(("status", "headers", "expected"), [
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000500"}, 1_700_000_500.0),
    (429, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1700000500"}, 1_700_000_500.0),
    (403, {"Retry-After": "30"}, 1_700_000_030.0),
    (429, {"retry-after": "5", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700009999"},
     1_700_000_005.0),
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "soon"}, 1_700_000_060.0),
    (429, {}, 1_700_000_060.0),
    (403, {}, None),
    (403, {"x-ratelimit-remaining": "12", "x-ratelimit-reset": "1700000500"}, None),
    (403, {"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
    (200, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000500"}, None),
    (404, {"retry-after": "30"}, None),
])
def test_parse_rate_limit(status: int, headers: dict[str, str], expected: float | None) -> None:
    assert parse_rate_limit(status, headers, now=1_700_000_000.0) == expected


def test_timeout_answers_within_the_timeout(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "One")
    fake.delay = 2.0
    started = time.monotonic()
    result = run(fake, lambda gh: gh.issue(REPO, 1), timeout=0.3)
    assert result == Result("timeout", None, "timed out after 0.3 s")
    assert time.monotonic() - started < 1.0
    assert fake.count("GET", f"/repos/{REPO}/issues/1") == 1


def test_connection_refused_is_an_error() -> None:
    result = asyncio.run(_once(GitHub(f"http://127.0.0.1:{free_port()}"), "issue", REPO, 1))
    assert result.status == "error" and result.detail.startswith("connection failed")


async def _once(gh: GitHub, method: str, *args: Any) -> Result:
    try:
        result: Result = await getattr(gh, method)(*args)
        return result
    finally:
        await gh.close()


# -- the cache ------------------------------------------------------------------------------------


def test_fresh_cache_answers_without_a_request(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "One")

    async def body(gh: GitHub) -> tuple[Result, Result]:
        return await gh.issue(REPO, 1), await gh.issue(REPO, 1)

    first, second = run(fake, body)
    assert first.ok and second == first
    assert len(fake.requests) == 1


def test_stale_cache_revalidates_with_the_etag(fake: FakeGitHub) -> None:
    issue = fake.add_issue(REPO, 1, "One")

    async def body(gh: GitHub) -> list[Result]:
        results = [await gh.issue(REPO, 1), await gh.issue(REPO, 1)]
        issue["title"] = "One, renamed"  # a new ETag: the next answer is a full 200
        return [*results, await gh.issue(REPO, 1)]

    first, second, third = run(fake, body, fresh_seconds=0)
    assert second == first and first.data["title"] == "One"
    assert third.data["title"] == "One, renamed"
    assert len(fake.requests) == 3
    assert "if-none-match" not in fake.requests[0][2]
    assert fake.requests[1][2]["if-none-match"].startswith('"')
    assert fake.not_modified == 1


def test_cache_keeps_only_the_most_recently_used_entries(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "One")
    fake.add_issue(REPO, 2, "Two")

    async def body(gh: GitHub) -> None:
        for number in (1, 2, 2, 1):
            assert (await gh.issue(REPO, number)).ok

    run(fake, body, cache_size=1)
    assert [path for _, path, _ in fake.requests] == [
        f"/repos/{REPO}/issues/1", f"/repos/{REPO}/issues/2", f"/repos/{REPO}/issues/1"]


def test_failures_are_not_cached(fake: FakeGitHub) -> None:
    async def body(gh: GitHub) -> None:
        assert (await gh.issue(REPO, 1)).status == "not-found"
        fake.add_issue(REPO, 1, "One")
        assert (await gh.issue(REPO, 1)).ok

    run(fake, body)


def test_writes_invalidate_the_cached_issue_and_lists(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "One")

    async def body(gh: GitHub) -> None:
        assert (await gh.issue(REPO, 1)).data["state"] == "open"
        assert len((await gh.issues(REPO)).data) == 1
        assert (await gh.set_state(REPO, 1, "closed")).ok
        assert (await gh.issue(REPO, 1)).data["state"] == "closed"
        assert (await gh.create_issue(REPO, "Two")).ok
        assert [i["number"] for i in (await gh.issues(REPO)).data] == [2]

    run(fake, body, token=TOKEN)
    assert fake.count("GET", f"/repos/{REPO}/issues/1") == 2
    assert fake.count("GET", f"/repos/{REPO}/issues?") == 2


# -- writes ---------------------------------------------------------------------------------------


def test_create_close_reopen_and_comment_change_the_repo(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 4, "Existing")

    async def body(gh: GitHub) -> list[Result]:
        return [await gh.create_issue(REPO, "New topic", "Why", ["agenda+"], ["dom"]),
                await gh.set_state(REPO, 5, "closed"),
                await gh.set_state(REPO, 5, "open"),
                await gh.comment(REPO, 5, "Discussed on the call.")]

    created, closed, reopened, commented = run(fake, body, token=TOKEN)
    assert created.data | {"html_url": ""} == {
        "number": 5, "title": "New topic", "state": "open", "kind": "issue", "merged": False,
        "author": BOT_LOGIN, "labels": ["agenda+"], "assignees": ["dom"], "html_url": "",
        "body": "Why"}
    assert (closed.data["state"], reopened.data["state"]) == ("closed", "open")
    assert commented == Result("ok", {"html_url": f"{fake.base}/{REPO}/issues/5#issuecomment-1"})
    assert fake.repos[REPO].issues[5]["state"] == "open"
    assert fake.comments[(REPO, 5)] == ["Discussed on the call."]
    assert fake.count("PATCH", f"/repos/{REPO}/issues/5") == 2


def test_set_state_refuses_unknown_states_without_a_request(fake: FakeGitHub) -> None:
    assert run(fake, lambda gh: gh.set_state(REPO, 1, "merged"), token=TOKEN).status == "error"
    assert fake.requests == []


def test_writes_without_a_token_are_unauthorized(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 1, "One")
    assert run(fake, lambda gh: gh.create_issue(REPO, "x")).status == "unauthorized"
    assert run(fake, lambda gh: gh.set_state(REPO, 1, "closed")).status == "unauthorized"
    assert run(fake, lambda gh: gh.comment(REPO, 1, "hi")).status == "unauthorized"
    assert list(fake.repos[REPO].issues) == [1] and fake.repos[REPO].issues[1]["state"] == "open"


def test_a_token_without_push_is_forbidden(fake: FakeGitHub) -> None:
    fake.tokens.add("ghp_reader")
    fake.add_issue(REPO, 1, "One")
    result = run(fake, lambda gh: gh.set_state(REPO, 1, "closed"), token="ghp_reader")
    assert result.status == "forbidden"
    assert fake.repos[REPO].issues[1]["state"] == "open"


def test_the_token_never_appears_in_results(fake: FakeGitHub) -> None:
    fake.repos["w3c/secret"] = FakeRepo(private=True, push={"nobody"})
    fake.add_issue("w3c/secret", 1, "One")

    async def failures(gh: GitHub) -> list[Result]:
        results = [await gh.issue("w3c/secret", 2), await gh.set_state("w3c/secret", 1, "closed"),
                   await gh.comment("w3c/secret", 9, "x")]
        fake.delay = 0.5
        results.append(await gh.issue("w3c/secret", 1))
        fake.delay, fake.retry_after = 0.0, 60
        return [*results, await gh.issue("w3c/secret", 1)]

    results = run(fake, failures, token=TOKEN, timeout=0.2)
    results.append(run(fake, lambda gh: gh.account(), token=TOKEN + "x"))
    results.append(asyncio.run(_once(GitHub(f"http://127.0.0.1:{free_port()}", TOKEN),
                                     "issue", REPO, 1)))
    assert [r.status for r in results] == ["not-found", "forbidden", "forbidden", "timeout",
                                           "rate-limited", "unauthorized", "error"]
    assert all(TOKEN not in repr(r) for r in results)
    assert TOKEN not in repr(GitHub(token=TOKEN))


# -- documents ------------------------------------------------------------------------------------


def fetch(fake: FakeGitHub, url: str, *, client: bool = True, **options: Any) -> Result:
    """fetch_document with the fake as both github.com and the API (or without a client)."""
    async def main() -> Result:
        gh = GitHub(fake.base) if client else None
        try:
            return await fetch_document(url, gh, web_url=fake.base,
                                        **{"private_hosts": True, **options})
        finally:
            if gh is not None:
                await gh.close()

    return asyncio.run(main())


def test_fetch_html_document_decodes_its_charset(fake: FakeGitHub) -> None:
    fake.documents["/agendas/2024-03-07.html"] = (
        "<h2>Agenda</h2><ol><li>Café</li></ol>", "Text/HTML; charset=ISO-8859-1")
    assert fetch(fake, f"{fake.base}/agendas/2024-03-07.html") == Result(
        "ok", ("<h2>Agenda</h2><ol><li>Café</li></ol>", "text/html"))


def test_fetch_document_without_charset_is_utf8(fake: FakeGitHub) -> None:
    fake.documents["/a.txt"] = ("1. Ω\n----\n", "text/plain")
    assert fetch(fake, f"{fake.base}/a.txt?x=1") == Result("ok", ("1. Ω\n----\n", "text/plain"))


@pytest.mark.parametrize("kind", ["issues", "pull"])
def test_fetch_github_issue_url_gives_title_and_markdown_body(fake: FakeGitHub, kind: str) -> None:
    fake.add_issue(REPO, 12, "Agenda 2024-03-07", body="1. Intro\n2. MLTensor")
    result = fetch(fake, f"{fake.base}/{REPO}/{kind}/12#issuecomment-3")
    assert result == Result("ok", ("Agenda 2024-03-07\n\n1. Intro\n2. MLTensor", "text/markdown"))
    assert fake.requests[0][1] == f"/repos/{REPO}/issues/12"


@pytest.mark.parametrize(("path", "media_type"), [
    ("meetings/agenda.md", "text/markdown"), ("AGENDA.Markdown", "text/markdown"),
    ("agenda.txt", "text/plain")])
def test_fetch_blob_url_reads_the_file(fake: FakeGitHub, path: str, media_type: str) -> None:
    fake.repos[REPO] = FakeRepo(files={("gh-pages", path): "1. Intro\n"})
    result = fetch(fake, f"{fake.base}/{REPO}/blob/gh-pages/{path}")
    assert result == Result("ok", ("1. Intro\n", media_type))
    assert fake.requests[0][1] == f"/repos/{REPO}/contents/{path}?ref=gh-pages"


def test_fetch_github_url_without_a_client_is_a_plain_get(fake: FakeGitHub) -> None:
    fake.add_issue(REPO, 12, "Agenda")
    assert fetch(fake, f"{fake.base}/{REPO}/issues/12", client=False).status == "not-found"
    assert fake.requests[0][1] == f"/{REPO}/issues/12"


def test_fetch_missing_github_issue_is_not_found(fake: FakeGitHub) -> None:
    assert fetch(fake, f"{fake.base}/{REPO}/issues/99").status == "not-found"


@pytest.mark.parametrize("url", [
    "ftp://example.org/agenda.txt", "file:///etc/passwd", "javascript:alert(1)", "agenda.md",
    "http://", "http://[::1"])
def test_fetch_refuses_non_http_urls(fake: FakeGitHub, url: str) -> None:
    assert fetch(fake, url) == Result("error", None, "not an http(s) URL")
    assert fake.requests == []


def test_fetch_missing_document_is_not_found(fake: FakeGitHub) -> None:
    assert fetch(fake, f"{fake.base}/agendas/none.html").status == "not-found"


def test_fetch_refuses_too_large_documents(fake: FakeGitHub) -> None:
    fake.documents["/big.html"] = ("x" * 1001, "text/html")
    fake.documents["/fits.html"] = ("x" * 1000, "text/html")
    assert fetch(fake, f"{fake.base}/big.html", max_bytes=1000) == Result(
        "error", None, "document too large")
    assert fetch(fake, f"{fake.base}/fits.html", max_bytes=1000).ok


def test_fetch_times_out(fake: FakeGitHub) -> None:
    fake.documents["/slow.html"] = ("<p>late</p>", "text/html")
    fake.delay = 2.0
    started = time.monotonic()
    assert fetch(fake, f"{fake.base}/slow.html", timeout=0.3) == Result(
        "timeout", None, "timed out after 0.3 s")
    assert time.monotonic() - started < 1.0


# -- github_target --------------------------------------------------------------------------------

WEB = "https://github.com"


@pytest.mark.parametrize(("url", "expected"), [
    (f"{WEB}/w3c/webnn/issues/12", ("issue", "w3c/webnn", "12", None)),
    (f"{WEB}/w3c/webnn/pull/7", ("issue", "w3c/webnn", "7", None)),
    (f"{WEB}/w3c/webnn/pull/7/files?diff=split", ("issue", "w3c/webnn", "7", None)),
    (f"{WEB}/w3c/webnn/issues/12#issuecomment-5", ("issue", "w3c/webnn", "12", None)),
    (f"{WEB}/w3c/webnn/blob/main/agenda.md", ("file", "w3c/webnn", "agenda.md", "main")),
    (f"{WEB}/o/r.js/blob/v1.2/docs/a%20b.md?plain=1",
     ("file", "o/r.js", "docs/a b.md", "v1.2")),
    (f"{WEB}/w3c/webnn/issues/new", None),
    (f"{WEB}/w3c/webnn/issues", None),
    (f"{WEB}/w3c/webnn/blob/main", None),
    (f"{WEB}/w3c/webnn/blob/main/docs/", None),
    (f"{WEB}/w3c/webnn/blob/main/../secrets", None),
    (f"{WEB}/w3c/webnn/tree/main/docs", None),
    (f"{WEB}/../webnn/issues/1", None),
    ("https://example.org/w3c/webnn/issues/12", None),
    ("https://github.com.evil.org/w3c/webnn/issues/12", None),
    ("https://gist.github.com/w3c/webnn/issues/12", None),
])
def test_github_target(url: str, expected: tuple[str, str, str | None, str | None] | None
                       ) -> None:
    assert github_target(url, WEB) == expected
    assert github_target(url, WEB + "/") == expected


@given(st.text(), st.sampled_from([WEB, "http://127.0.0.1:8080", ""]))
def test_github_target_never_raises(text: str, web: str) -> None:
    found = github_target(text, web)
    assert found is None or (found[0] in ("issue", "file") and found[1].count("/") == 1)
    found = github_target(f"{WEB}/{text}", WEB)
    assert found is None or found[1].count("/") == 1


_NAME = st.text("abcXYZ019-_.", min_size=1, max_size=20).filter(lambda s: s not in (".", ".."))


@given(_NAME, _NAME, st.integers(min_value=1, max_value=10**9), st.sampled_from(["issues", "pull"]))
def test_github_target_finds_every_issue_url(owner: str, name: str, number: int, kind: str
                                             ) -> None:
    url = f"{WEB}/{owner}/{name}/{kind}/{number}"
    assert github_target(url, WEB) == ("issue", f"{owner}/{name}", str(number), None)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "10.1.2.3", "169.254.169.254"])
def test_fetch_refuses_private_and_local_addresses_by_default(fake: FakeGitHub,
                                                              host: str) -> None:
    """Anyone on the channel picks the URL: the bot's own network is not theirs to read."""
    fake.documents["/agenda.txt"] = ("agenda+ secret\n", "text/plain")
    port = fake.base.rsplit(":", 1)[1]
    before = len(fake.requests)
    found = fetch(fake, f"http://{host}:{port}/agenda.txt", client=False, private_hosts=False)
    assert found == Result("error", detail="refusing a private or local address")
    assert len(fake.requests) == before  # nothing was sent


def test_fetch_checks_every_redirect(fake: FakeGitHub) -> None:
    """A page may redirect to a refused address: each hop is checked before it is fetched
    (here 127.0.0.1 counts as public and ::1 as private)."""
    fake.redirects["/hop"] = "http://[::1]:9/agenda.txt"

    async def main() -> Result:
        return await documents._get(f"{fake.base}/hop", 5.0, 10_000,
                                    refuse=lambda ip: ip.version == 6)

    assert asyncio.run(main()) == Result("error", detail="refusing a private or local address")
    fake.redirects["/hop"] = "/agenda.txt"
    fake.documents["/agenda.txt"] = ("1. Intro\n----\n", "text/plain")
    assert asyncio.run(main()) == Result("ok", ("1. Intro\n----\n", "text/plain"))
