"""Fetch an agenda document for ``bot.core.agendas``: a web page, or a GitHub issue or file.

GitHub web URLs go through the API client (cached, authenticated, and Markdown rather than
the rendered HTML page); anything else is one bounded GET. Like ``bot.outside.github``, nothing here
raises for network trouble: the answer is always a ``Result`` with data = (text, media type).

Anyone on the channel chooses the URL, so by default a page on a private, loopback or
link-local address is refused (the bot's network is not theirs to read): every hop of a
redirect is checked, IP literals directly and names through a resolver that drops such
addresses. ``[github] fetch_private_hosts = true`` allows an intranet agenda.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

from bot.outside.github import GitHub, Result, read_limited

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_HOPS = 5
REFUSED = "refusing a private or local address"


def not_public(ip: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, reserved: not the open internet."""
    return not ip.is_global


class _Refused(OSError):
    """A name that resolves to refused addresses only."""


class _PublicResolver(AbstractResolver):
    """Resolves names like aiohttp's default resolver, minus the addresses ``refuse`` names."""

    def __init__(self, refuse: Callable[[IPAddress], bool]) -> None:
        self.refuse, self.inner = refuse, DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[Any]:
        found = [a for a in await self.inner.resolve(host, port, family)
                 if not self.refuse(ipaddress.ip_address(a["host"]))]
        if not found:
            raise _Refused(REFUSED)
        return found

    async def close(self) -> None:
        await self.inner.close()


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
                         timeout: float = 10.0, max_bytes: int = 1_000_000,
                         private_hosts: bool = False) -> Result:
    """The document at ``url`` as (text, media type), or why not. ``private_hosts``: also
    from private and local addresses (GitHub URLs go through the API, never refused)."""
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
    return await _get(url, timeout, max_bytes, refuse=(lambda ip: False) if private_hosts
                      else not_public)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def _get(url: str, timeout: float, max_bytes: int, *,
               refuse: Callable[[IPAddress], bool] = not_public) -> Result:
    """A plain bounded GET, decoded with the charset the server names (else UTF-8);
    redirects followed by hand, each hop's address checked with ``refuse``."""
    connector = aiohttp.TCPConnector(resolver=_PublicResolver(refuse))
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout),
                                         headers={"User-Agent": "agendum"},
                                         connector=connector) as session:
            for _ in range(MAX_HOPS + 1):
                parts = urlsplit(url)
                if parts.scheme.lower() not in ("http", "https"):
                    return Result("error", detail="redirected to a non-http(s) URL")
                ip = _literal(parts.hostname or "")
                if ip is not None and refuse(ip):
                    return Result("error", detail=REFUSED)
                async with session.get(url, allow_redirects=False) as resp:
                    if resp.status in (301, 302, 303, 307, 308) and "Location" in resp.headers:
                        url = urljoin(url, resp.headers["Location"])
                        continue
                    if resp.status == 404:
                        return Result("not-found", detail="no document at that URL")
                    if not 200 <= resp.status < 300:
                        return Result("error", detail=f"HTTP {resp.status}")
                    body = await read_limited(resp, max_bytes)
                    charset, media_type = resp.charset or "utf-8", resp.content_type.lower()
                    break
            else:
                return Result("error", detail="too many redirects")
    except TimeoutError:
        return Result("timeout", detail=f"timed out after {timeout:g} s")
    except (aiohttp.ClientError, ValueError) as exc:  # ValueError: a URL aiohttp rejects
        refused = isinstance(getattr(exc, "os_error", None) or exc.__cause__, _Refused)
        detail = REFUSED if refused else f"could not fetch: {exc}"[:200]
        return Result("error", detail=detail)
    if body is None:
        return Result("error", detail="document too large")
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        text = body.decode("utf-8", errors="replace")
    return Result("ok", (text, media_type))
