"""GitHub REST client for the shell: issue lookups and edits, file text, with a small cache.

No call raises for network or HTTP trouble: each returns a ``Result`` whose ``status`` the
caller turns into an IRC reply. Everything is async on one lazily created aiohttp session,
so a slow GitHub never blocks the event loop. GETs are cached (answered without a request
while fresh, then revalidated with ``If-None-Match``, which costs no rate limit on a 304), and
once GitHub says "rate limited" we stay quiet until its reset time instead of hammering it.
The token goes into the session headers only; it never appears in a ``Result``.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp

MAX_RESPONSE = 2 * 1024 * 1024
MAX_BODY = 20_000
_JSON = "application/vnd.github+json"
_RAW = "application/vnd.github.raw"
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_DIGITS = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one call: callers branch on ``status`` and show ``detail`` to people.

    status is "ok", "not-found", "unauthorized", "forbidden", "rate-limited", "timeout" or
    "error"; ``data`` is only meaningful for "ok".
    """

    status: str
    data: Any = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def summary(issue: Mapping[str, Any]) -> dict[str, Any]:
    """The few fields the bot shows, so the rows the caller stores stay small."""
    pull = issue.get("pull_request")
    labels = issue.get("labels") or ()
    return {
        "number": issue.get("number"),
        "title": issue.get("title") or "",
        "state": "closed" if issue.get("state") == "closed" else "open",
        "kind": "pull request" if "pull_request" in issue else "issue",
        "merged": bool(isinstance(pull, Mapping) and pull.get("merged_at")),
        "author": (issue.get("user") or {}).get("login") or "",
        "labels": [lb["name"] if isinstance(lb, Mapping) else str(lb) for lb in labels],
        "assignees": [a.get("login") or "" for a in issue.get("assignees") or ()],
        "html_url": issue.get("html_url") or "",
        "body": (issue.get("body") or "")[:MAX_BODY],
    }


def parse_rate_limit(status: int, headers: Mapping[str, str], now: float) -> float | None:
    """Until when (epoch seconds) a 403/429 answer asks us to stop; None if it is no limit.

    ``retry-after`` (secondary limits) wins over ``x-ratelimit-reset``; a bare 429 means
    "too many requests" anyway, so it gets a minute.
    """
    if status not in (403, 429):
        return None
    h = {key.lower(): value.strip() for key, value in headers.items()}
    if _DIGITS.fullmatch(h.get("retry-after", "")):
        return now + int(h["retry-after"])
    if h.get("x-ratelimit-remaining") == "0":
        reset = h.get("x-ratelimit-reset", "")
        return float(reset) if _DIGITS.fullmatch(reset) else now + 60
    return now + 60 if status == 429 else None


async def read_limited(resp: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The body, or None once it exceeds ``limit`` bytes (never buffers much more)."""
    if resp.content_length is not None and resp.content_length > limit:
        return None
    buf = bytearray()
    async for chunk in resp.content.iter_chunked(64 * 1024):
        buf += chunk
        if len(buf) > limit:
            return None
    return bytes(buf)


def _valid_repo(repo: str) -> bool:
    """"owner/name", and nothing that could walk out of /repos/ in a URL."""
    return bool(_REPO.fullmatch(repo)) and not {".", ".."} & set(repo.split("/"))


def _until(epoch: float) -> str:
    return f"rate limited until {datetime.fromtimestamp(epoch, UTC):%H:%M} UTC"


def _same(value: Any) -> Any:
    return value


class GitHub:
    """One client per bot: shares the session, the cache and the rate-limit state."""

    def __init__(self, api_url: str = "https://api.github.com", token: str | None = None, *,
                 timeout: float = 5.0, cache_size: int = 256, fresh_seconds: float = 60.0,
                 user_agent: str = "agendum") -> None:
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.cache_size = cache_size
        self.fresh_seconds = fresh_seconds
        self.user_agent = user_agent
        self._token = token or None
        self._session: aiohttp.ClientSession | None = None
        self._cache: OrderedDict[str, tuple[str | None, Any, float]] = OrderedDict()
        self._limited_until = 0.0

    def __repr__(self) -> str:  # no token in reprs, tracebacks or logs
        return f"GitHub({self.api_url!r}, token={'set' if self._token else 'none'})"

    # -- the API ------------------------------------------------------------------------------

    async def issue(self, repo: str, number: int) -> Result:
        """An issue or pull request, as ``summary``."""
        return await self._call("GET", repo, f"/issues/{int(number)}", shape=summary)

    async def issues(self, repo: str, *, state: str = "open", labels: Sequence[str] = (),
                     creator: str | None = None, assignee: str | None = None,
                     limit: int = 99) -> Result:
        """Issues and pull requests of a repository, newest first, as a list of summaries."""
        params: dict[str, Any] = {"state": state, "per_page": max(1, min(limit, 100))}
        if labels:
            params["labels"] = ",".join(labels)
        if creator:
            params["creator"] = creator
        if assignee:
            params["assignee"] = assignee
        return await self._call("GET", repo, "/issues", params=params,
                                shape=lambda items: [summary(i) for i in items[:max(limit, 0)]])

    async def create_issue(self, repo: str, title: str, body: str = "",
                           labels: Sequence[str] = (), assignees: Sequence[str] = ()) -> Result:
        """Open a new issue; data is its summary."""
        payload = {"title": title, "body": body, "labels": list(labels),
                   "assignees": list(assignees)}
        result = await self._call("POST", repo, "/issues", payload=payload, shape=summary)
        self._forget(repo, None)
        return result

    async def set_state(self, repo: str, number: int, state: str) -> Result:
        """Close or reopen an issue; data is its new summary."""
        if state not in ("open", "closed"):
            return Result("error", detail=f"state must be open or closed, not {state!r}")
        result = await self._call("PATCH", repo, f"/issues/{int(number)}",
                                  payload={"state": state}, shape=summary)
        self._forget(repo, number)
        return result

    async def comment(self, repo: str, number: int, body: str) -> Result:
        """Comment on an issue; data is {"html_url": ...} of the comment."""
        result = await self._call("POST", repo, f"/issues/{int(number)}/comments",
                                  payload={"body": body},
                                  shape=lambda j: {"html_url": j["html_url"]})
        self._forget(repo, number)
        return result

    async def account(self) -> Result:
        """Whose token this is: data is {"login": ...}."""
        return await self._call("GET", None, "/user", shape=lambda j: {"login": j["login"]})

    async def file_text(self, repo: str, path: str, ref: str | None) -> Result:
        """The text of a file at ``ref`` (default branch if None)."""
        path = path.lstrip("/")
        if any(part in ("", ".", "..") for part in path.split("/")):
            return Result("error", detail=f"not a file path: {path!r}")
        return await self._call("GET", repo, f"/contents/{quote(path, safe='/')}",
                                params={"ref": ref} if ref else None, raw=True)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- plumbing -----------------------------------------------------------------------------

    def _client(self) -> aiohttp.ClientSession:
        """The session, created on first use (it must be made inside the running loop)."""
        if self._session is None or self._session.closed:
            headers = {"X-GitHub-Api-Version": "2022-11-28", "User-Agent": self.user_agent}
            if self._token:
                headers["Authorization"] = f"Bearer {self._token}"
            self._session = aiohttp.ClientSession(
                headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def _call(self, method: str, repo: str | None, tail: str, *,
                    params: Mapping[str, Any] | None = None,
                    payload: dict[str, Any] | None = None,
                    shape: Callable[[Any], Any] = _same, raw: bool = False) -> Result:
        """One request with cache, rate-limit memory and every failure turned into a Result."""
        if repo is not None and not _valid_repo(repo):
            return Result("error", detail=f"not a repository name: {repo!r}")
        if time.time() < self._limited_until:
            return Result("rate-limited", detail=_until(self._limited_until))
        path = f"/repos/{repo}{tail}" if repo is not None else tail
        url = self.api_url + path + (f"?{urlencode(params)}" if params else "")
        headers = {"Accept": _RAW if raw else _JSON}
        hit = self._cache.get(url) if method == "GET" else None
        if hit is not None:
            if time.monotonic() - hit[2] < self.fresh_seconds:
                self._cache.move_to_end(url)
                return Result("ok", copy.deepcopy(hit[1]))
            if hit[0]:
                headers["If-None-Match"] = hit[0]
        try:
            async with self._client().request(method, url, headers=headers, json=payload) as resp:
                if resp.status == 304 and hit is not None:
                    self._remember(url, hit[0], hit[1])
                    return Result("ok", copy.deepcopy(hit[1]))
                if not 200 <= resp.status < 300:
                    return self._failure(resp.status, resp.headers)
                body = await read_limited(resp, MAX_RESPONSE)
                etag = resp.headers.get("ETag")
        except TimeoutError:
            return Result("timeout", detail=f"timed out after {self.timeout:g} s")
        except aiohttp.ClientError as exc:
            return Result("error", detail=self._redact(f"connection failed: {exc}"[:200]))
        if body is None:
            return Result("error", detail="response too large")
        try:
            data = shape(body.decode("utf-8", "replace") if raw else json.loads(body))
        except (ValueError, LookupError, TypeError, AttributeError):
            return Result("error", detail="unexpected response from GitHub")
        if method == "GET":
            self._remember(url, etag, data)
        return Result("ok", copy.deepcopy(data))

    def _failure(self, status: int, headers: Mapping[str, str]) -> Result:
        if status == 404:  # GitHub hides private repositories behind a 404
            return Result("not-found", detail="not found, or private")
        if status == 401:
            return Result("unauthorized", detail="GitHub refused the token (missing or invalid)")
        until = parse_rate_limit(status, headers, time.time())
        if until is not None:
            self._limited_until = until
            return Result("rate-limited", detail=_until(until))
        if status == 403:
            return Result("forbidden", detail="forbidden: the token may not do this")
        return Result("error", detail=f"HTTP {status}")

    def _remember(self, url: str, etag: str | None, data: Any) -> None:
        if self.cache_size <= 0:
            return
        self._cache[url] = (etag, data, time.monotonic())
        self._cache.move_to_end(url)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _forget(self, repo: str, number: int | None) -> None:
        """Drop what a write made stale: that issue, and every issue list of the repo."""
        lists = f"{self.api_url}/repos/{repo}/issues"
        stale = {lists, f"{lists}/{number}"} if number is not None else {lists}
        for url in [u for u in self._cache if u.split("?")[0] in stale]:
            del self._cache[url]

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text
