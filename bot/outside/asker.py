"""Carry out the plugins' ``Ask`` effects: GitHub's API and agenda documents, off the IRC loop.

A request is a plain tuple (``("issue", "w3c/aria", "15")``); the answer is a plain dict
(``status``, ``detail``, ``data``) that the shell stores as an ``answer`` event before the
plugin sees it, so replaying the log rebuilds the same state without asking again.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from typing import TYPE_CHECKING, Any

from bot.config import GitHubConfig, github_token
from bot.core.references import due_in_body

if TYPE_CHECKING:  # aiohttp costs 8 MB: imported at the first question, not at start-up
    from bot.outside.github import GitHub, Result

MAX_ANSWER_TEXT = 200_000  # an agenda page stored with its answer: enough for any agenda


class Outside:
    """One GitHub client (its cache and rate-limit memory) for the whole bot."""

    def __init__(self, cfg: GitHubConfig) -> None:
        self.cfg = cfg
        self._github: GitHub | None = None

    @property
    def github(self) -> GitHub:
        if self._github is None:
            from bot.outside.github import GitHub

            self._github = GitHub(self.cfg.api_url, github_token(self.cfg) or None,
                                  timeout=self.cfg.timeout_seconds)
        return self._github

    async def answer(self, request: tuple[str, ...]) -> dict[str, Any]:
        if self._github is None:  # the first question: import aiohttp off the IRC loop
            await asyncio.to_thread(importlib.import_module, "bot.outside.documents")
        from bot.outside.documents import fetch_document
        from bot.outside.github import Result

        op, *args = request
        result: Result
        if op == "issue":
            result = await self.github.issue(args[0], int(args[1]))
        elif op == "issues":  # repo, state, labels (comma-separated), creator, assignee
            repo, state, labels, creator, assignee = (*args, "", "", "")[:5]
            result = await self.github.issues(repo, state=state, labels=_csv(labels),
                                              creator=creator or None,
                                              assignee=assignee or None, limit=99)
        elif op == "create":
            repo, title, body, labels, assignees = args
            result = await self.github.create_issue(repo, title, body, labels=_csv(labels),
                                                    assignees=_csv(assignees))
        elif op == "state":
            result = await self.github.set_state(args[0], int(args[1]), args[2])
        elif op == "comment":
            result = await self.github.comment(args[0], int(args[1]), args[2])
        elif op == "account":
            result = await self.github.account()
        elif op == "document":
            result = await fetch_document(args[0], self.github, web_url=self.cfg.web_url,
                                          timeout=max(self.cfg.timeout_seconds, 10.0),
                                          private_hosts=self.cfg.fetch_private_hosts)
            if result.ok:
                text, content_type = result.data
                result = Result("ok", (text[:MAX_ANSWER_TEXT], content_type))
        else:
            result = Result("error", detail=f"unknown request {op!r}")
        data = result.data
        if isinstance(data, dict):  # stored with the answer: a lookup needs no issue body
            data = _without_body(data)
        elif isinstance(data, list):
            data = [_without_body(d) for d in data]
        return {"status": result.status, "detail": result.detail, "data": data}

    async def close(self) -> None:
        if self._github is not None:
            await self._github.close()


def _csv(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def _without_body(issue: dict[str, Any]) -> dict[str, Any]:
    """An issue summary as stored: the body only for its ``Due:`` line (actions)."""
    kept = {k: v for k, v in issue.items() if k != "body"}
    if (due := due_in_body(str(issue.get("body") or ""))) is not None:
        kept["due"] = due
    return kept


def answer_text(key: str, request: tuple[str, ...], result: dict[str, Any]) -> str:
    """How an answer is stored (the ``answer`` event's text), as ``Router`` reads it back."""
    return json.dumps({"key": key, "request": list(request), "result": result},
                      ensure_ascii=False, separators=(",", ":"))
