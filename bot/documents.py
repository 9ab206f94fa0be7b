"""Fetch an agenda document for ``bot.agendas``: a web page, or a GitHub issue or file.

GitHub web URLs go through the API client (cached, authenticated, and Markdown rather than
the rendered HTML page); anything else is one bounded GET. Like ``bot.github``, nothing here
raises for network trouble: the answer is always a ``Result`` with data = (text, media type).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import aiohttp

from bot.github import GitHub, Result, read_limited

_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_NUMBER = re.compile(r"[0-9]{1,10}")


def github_target(url: str, web_url: str) -> tuple[str, str, str | None, str | None] | None:
    """What a GitHub web URL points at, for the API.

    ("issue", "o/r", number, None) for .../o/r/issues/N or .../o/r/pull/N,
    ("file", "o/r", path, ref) for .../o/r/blob/<ref>/<path> (a ref without "/"),
    None for anything else.
    """
    base = web_url.rstrip("/") + "/"
    if not url.startswith(base):
        return None
    parts = re.split(r"[?#]", url[len(base):], maxsplit=1)[0].split("/")
    if len(parts) < 4 or not all(_NAME.fullmatch(p) and p not in (".", "..") for p in parts[:2]):
        return None
    repo, kind = f"{parts[0]}/{parts[1]}", parts[2]
    if kind in ("issues", "pull") and _NUMBER.fullmatch(parts[3]):
        return ("issue", repo, parts[3], None)
    segments = [unquote(p) for p in parts[4:]]
    if kind == "blob" and parts[3] and segments and all(
            s and s not in (".", "..") and "/" not in s for s in segments):
        return ("file", repo, "/".join(segments), unquote(parts[3]))
    return None


async def fetch_document(url: str, github: GitHub | None, *, web_url: str = "https://github.com",
                         timeout: float = 10.0, max_bytes: int = 1_000_000) -> Result:
    """The document at ``url`` as (text, media type), or why not."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a broken IPv6 host
        return Result("error", detail="not an http(s) URL")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return Result("error", detail="not an http(s) URL")
    target = github_target(url, web_url)
    if github is not None and target is not None:
        kind, repo, what, ref = target
        if kind == "issue":
            found = await github.issue(repo, int(what or 0))
            if not found.ok:
                return found
            return Result("ok", (f"{found.data['title']}\n\n{found.data['body']}",
                                 "text/markdown"))
        found = await github.file_text(repo, what or "", ref)
        if not found.ok:
            return found
        markdown = (what or "").lower().endswith((".md", ".markdown"))
        return Result("ok", (found.data, "text/markdown" if markdown else "text/plain"))
    return await _get(url, timeout, max_bytes)


async def _get(url: str, timeout: float, max_bytes: int) -> Result:
    """A plain bounded GET, decoded with the charset the server names (else UTF-8)."""
    try:
        async with (aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout),
                                          headers={"User-Agent": "agendum"}) as session,
                    session.get(url, max_redirects=5) as resp):
            if resp.status == 404:
                return Result("not-found", detail="no document at that URL")
            if not 200 <= resp.status < 300:
                return Result("error", detail=f"HTTP {resp.status}")
            body = await read_limited(resp, max_bytes)
            charset, media_type = resp.charset or "utf-8", resp.content_type.lower()
    except TimeoutError:
        return Result("timeout", detail=f"timed out after {timeout:g} s")
    except aiohttp.TooManyRedirects:
        return Result("error", detail="too many redirects")
    except (aiohttp.ClientError, ValueError) as exc:  # ValueError: a URL aiohttp rejects
        return Result("error", detail=f"could not fetch: {exc}"[:200])
    if body is None:
        return Result("error", detail="document too large")
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        text = body.decode("utf-8", errors="replace")
    return Result("ok", (text, media_type))
