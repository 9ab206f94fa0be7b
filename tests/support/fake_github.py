"""A local stand-in for the GitHub REST API, plus plain web documents, for tests.

It is a real HTTP server (aiohttp on 127.0.0.1, in a thread with its own event loop), so the
client under test does real HTTP, and a bot started as a separate process can use it too.
Tests arrange state through plain attributes (``repos``, ``documents``, ``rate_limit_until``,
...) and assert on ``requests``. The response shapes are ours, with GitHub's field names.

API (at the root of ``base``): GET /user; GET/POST /repos/{o}/{r}/issues; GET/PATCH
/repos/{o}/{r}/issues/{n}; POST /repos/{o}/{r}/issues/{n}/comments; GET
/repos/{o}/{r}/contents/{path}?ref=. html_urls look like github.com: {base}/{o}/{r}/issues/{n}
(or /pull/{n}), so tests can pass ``base`` as the web URL too. Any other GET path is looked up
in ``documents``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

BOT_LOGIN = "agendum-bot"
_RAW = "application/vnd.github.raw"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class FakeRepo:
    """One repository: its issues (GitHub-shaped dicts by number) and files by (ref, path)."""

    private: bool = False
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    push: set[str] | None = None  # tokens allowed to write; None: the fake's own token
    files: dict[tuple[str, str], str] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(cls: type[web.HTTPException], message: str) -> web.HTTPException:
    """An HTTP error with a GitHub-style JSON body, to raise from a handler."""
    body = {"message": message, "documentation_url": "https://docs.github.com/rest"}
    return cls(text=json.dumps(body), content_type="application/json")


def _answer(request: web.Request, body: bytes, content_type: str,
            status: int = 200) -> web.Response:
    """A response; GETs carry an ETag and answer a matching If-None-Match with 304."""
    if request.method != "GET":
        return web.Response(status=status, body=body, headers={"Content-Type": content_type})
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers={"ETag": etag})
    return web.Response(status=status, body=body,
                        headers={"Content-Type": content_type, "ETag": etag})


def _json(request: web.Request, data: Any, status: int = 200) -> web.Response:
    return _answer(request, json.dumps(data).encode(), "application/json; charset=utf-8", status)


def _token(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "token") and token.strip() else None


class FakeGitHub:
    """Runs an aiohttp.web app on 127.0.0.1:<free port> in a background thread with its own
    loop, so both sync tests and tests that start the bot as a separate process can use it."""

    def __init__(self, token: str = "sekrit") -> None:
        self.token = token
        self.tokens: set[str] = {token}  # valid tokens (others get 401 "Bad credentials")
        self.repos: dict[str, FakeRepo] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # header names lowercased
        self.rate_limit_until: float | None = None
        self.retry_after: int | None = None
        self.delay = 0.0
        self.documents: dict[str, tuple[str, str]] = {}
        self.redirects: dict[str, str] = {}  # path -> Location: a 302 to it
        self.comments: dict[tuple[str, int], list[str]] = {}  # (repo, number) -> bodies
        self.not_modified = 0  # how many 304s were sent
        self.base = ""
        self.lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> str:
        """Start serving; returns the base URL, e.g. "http://127.0.0.1:12345"."""
        loop = self._loop = asyncio.new_event_loop()
        started = threading.Event()
        runner = web.AppRunner(self._app(), access_log=None, shutdown_timeout=0.2)

        async def boot() -> None:
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self.base = f"http://127.0.0.1:{runner.addresses[0][1]}"

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(boot())
            finally:
                started.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            pending = asyncio.all_tasks(loop)  # handlers still sleeping on ``delay``
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-github", daemon=True)
        self._thread.start()
        started.wait(10)
        if not self.base:
            raise RuntimeError("the fake GitHub server did not start")
        return self.base

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = self._thread = None

    def __enter__(self) -> FakeGitHub:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- arranging and inspecting -------------------------------------------------------------

    def add_issue(self, repo: str, number: int, title: str, *, author: str = "anssiko",
                  labels: Iterable[str] = (), state: str = "open", pull: bool = False,
                  merged: bool = False, body: str = "", assignees: Iterable[str] = ()
                  ) -> dict[str, Any]:
        """Store an issue (creating the repo if needed); returns the stored, live dict."""
        now = _now()
        issue: dict[str, Any] = {
            "number": number, "title": title, "state": state, "user": {"login": author},
            "labels": [{"name": name} for name in labels],
            "assignees": [{"login": login} for login in assignees],
            "body": body, "comments": 0, "created_at": now, "updated_at": now,
            "closed_at": now if state == "closed" else None}
        if pull:
            issue["pull_request"] = {"merged_at": now if merged else None}
        with self.lock:
            self.repos.setdefault(repo, FakeRepo()).issues[number] = issue
        return issue

    def count(self, method: str, path_prefix: str) -> int:
        """How many ``method`` requests had a path (with query) starting with the prefix."""
        with self.lock:
            return sum(1 for m, path, _ in self.requests
                       if m == method and path.startswith(path_prefix))

    # -- the app ------------------------------------------------------------------------------

    def _app(self) -> web.Application:
        @web.middleware
        async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
            return await self._middleware(request, handler)

        app = web.Application(middlewares=[middleware])
        repo = "/repos/{owner}/{name}"
        app.router.add_get("/user", self._user)
        app.router.add_get(f"{repo}/issues", self._list)
        app.router.add_post(f"{repo}/issues", self._create)
        app.router.add_get(repo + r"/issues/{number:\d+}", self._issue)
        app.router.add_patch(repo + r"/issues/{number:\d+}", self._edit)
        app.router.add_post(repo + r"/issues/{number:\d+}/comments", self._comment)
        app.router.add_get(repo + "/contents/{path:.+}", self._contents)
        app.router.add_get("/{tail:.*}", self._document)
        return app

    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Record the request, then apply delay, credentials and rate limits to API calls."""
        with self.lock:
            self.requests.append((request.method, request.path_qs,
                                  {k.lower(): v for k, v in request.headers.items()}))
        if self.delay:
            await asyncio.sleep(self.delay)
        if not (request.path == "/user" or request.path.startswith("/repos/")):
            return await handler(request)
        token = _token(request)
        if token is not None and token not in self.tokens:
            raise _error(web.HTTPUnauthorized, "Bad credentials")
        if self.retry_after is not None:
            exc = _error(web.HTTPTooManyRequests, "You have exceeded a secondary rate limit.")
            exc.headers["Retry-After"] = str(self.retry_after)
            raise exc
        until = self.rate_limit_until
        if until is not None and until > time.time():
            exc = _error(web.HTTPForbidden, "API rate limit exceeded.")
            exc.headers.update({"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0",
                                "x-ratelimit-reset": str(int(until) + 1)})
            raise exc
        response = await handler(request)
        response.headers.update({"x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999"})
        if response.status == 304:
            with self.lock:
                self.not_modified += 1
        return response

    def _repo(self, request: web.Request, *, write: bool = False) -> tuple[str, FakeRepo]:
        """The addressed repo, or raise what GitHub answers: 404 hides private repos."""
        name = f"{request.match_info['owner']}/{request.match_info['name']}"
        token = _token(request)
        repo = self.repos.get(name)
        if repo is None or (repo.private and token not in self.tokens):
            raise _error(web.HTTPNotFound, "Not Found")
        if write and token is None:
            raise _error(web.HTTPUnauthorized, "Requires authentication")
        if write and token not in (repo.push if repo.push is not None else {self.token}):
            raise _error(web.HTTPForbidden, "Must have admin rights to Repository.")
        return name, repo

    def _found(self, repo: FakeRepo, request: web.Request) -> dict[str, Any]:
        issue = repo.issues.get(int(request.match_info["number"]))
        if issue is None:
            raise _error(web.HTTPNotFound, "Not Found")
        return issue

    def _render(self, repo: str, issue: dict[str, Any]) -> dict[str, Any]:
        """The issue as the API shows it: stored fields plus the URLs."""
        n, pull = issue["number"], issue.get("pull_request")
        api = f"{self.base}/repos/{repo}/issues/{n}"
        html = f"{self.base}/{repo}/{'pull' if pull is not None else 'issues'}/{n}"
        out = {**issue, "url": api, "html_url": html, "comments_url": f"{api}/comments"}
        if pull is not None:
            out["pull_request"] = {**pull, "url": f"{self.base}/repos/{repo}/pulls/{n}",
                                   "html_url": html}
        return out

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            raise _error(web.HTTPBadRequest, "Problems parsing JSON") from None
        if not isinstance(data, dict):
            raise _error(web.HTTPBadRequest, "Problems parsing JSON")
        return data

    async def _user(self, request: web.Request) -> web.Response:
        if _token(request) is None:
            raise _error(web.HTTPUnauthorized, "Requires authentication")
        return _json(request, {"login": BOT_LOGIN, "id": 1, "type": "User"})

    async def _issue(self, request: web.Request) -> web.Response:
        with self.lock:
            name, repo = self._repo(request)
            return _json(request, self._render(name, self._found(repo, request)))

    async def _list(self, request: web.Request) -> web.Response:
        q = request.query
        state = q.get("state", "open")
        wanted = {label.strip().lower() for label in q.get("labels", "").split(",")} - {""}
        try:
            per_page = min(max(int(q.get("per_page", "30")), 1), 100)
        except ValueError:
            per_page = 30
        with self.lock:
            name, repo = self._repo(request)
            found = [
                self._render(name, issue)
                for _, issue in sorted(repo.issues.items(), reverse=True)
                if state in ("all", issue["state"])
                and wanted <= {label["name"].lower() for label in issue["labels"]}
                and q.get("creator", issue["user"]["login"]) == issue["user"]["login"]
                and ("assignee" not in q
                     or q["assignee"] in [a["login"] for a in issue["assignees"]])]
        return _json(request, found[:per_page])

    async def _create(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        with self.lock:
            name, repo = self._repo(request, write=True)
            if not isinstance(data.get("title"), str) or not data["title"]:
                raise _error(web.HTTPUnprocessableEntity, "Validation Failed")
            issue = self.add_issue(name, max(repo.issues, default=0) + 1, data["title"],
                                   author=BOT_LOGIN, labels=data.get("labels") or (),
                                   body=data.get("body") or "",
                                   assignees=data.get("assignees") or ())
            return _json(request, self._render(name, issue), status=201)

    async def _edit(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        if data.get("state", "open") not in ("open", "closed"):
            raise _error(web.HTTPUnprocessableEntity, "Validation Failed")
        with self.lock:
            name, repo = self._repo(request, write=True)
            issue = self._found(repo, request)
            issue.update({k: data[k] for k in ("title", "body", "state") if k in data})
            issue["updated_at"] = _now()
            issue["closed_at"] = issue["updated_at"] if issue["state"] == "closed" else None
            return _json(request, self._render(name, issue))

    async def _comment(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        with self.lock:
            name, repo = self._repo(request, write=True)
            issue = self._found(repo, request)
            if not isinstance(data.get("body"), str) or not data["body"]:
                raise _error(web.HTTPUnprocessableEntity, "Validation Failed")
            issue["comments"] += 1
            self.comments.setdefault((name, issue["number"]), []).append(data["body"])
            cid = sum(len(bodies) for bodies in self.comments.values())
            html = f"{self.base}/{name}/issues/{issue['number']}#issuecomment-{cid}"
            return _json(request, {"id": cid, "html_url": html, "body": data["body"],
                                   "user": {"login": BOT_LOGIN}, "created_at": _now()},
                         status=201)

    async def _contents(self, request: web.Request) -> web.Response:
        path, ref = request.match_info["path"], request.query.get("ref", "main")
        with self.lock:
            _, repo = self._repo(request)
            text = repo.files.get((ref, path))
        if text is None:
            raise _error(web.HTTPNotFound, "Not Found")
        if request.headers.get("Accept", "").startswith(_RAW):
            return _answer(request, text.encode(), "text/plain; charset=utf-8")
        return _json(request, {"type": "file", "encoding": "base64", "path": path,
                               "name": path.rsplit("/", 1)[-1], "size": len(text.encode()),
                               "content": base64.b64encode(text.encode()).decode()})

    async def _document(self, request: web.Request) -> web.Response:
        with self.lock:
            found = self.documents.get(request.path)
            moved = self.redirects.get(request.path)
        if moved is not None:
            raise web.HTTPFound(moved)
        if found is None:
            raise _error(web.HTTPNotFound, "Not Found")
        text, content_type = found
        charset = content_type.partition("charset=")[2].split(";")[0].strip() or "utf-8"
        return web.Response(body=text.encode(charset),
                            headers={"Content-Type": content_type})
