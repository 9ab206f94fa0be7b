"""The plugins' state as one versioned JSON document: what a snapshot holds.

A restart that loads a snapshot replays only the events stored after it, instead of every
event of the replay window (``bot.daemon``); the store keeps the documents
(``bot.storage.store``). This module is the pure part: turning a router's plugin state into
bytes and back.

Why JSON through msgspec rather than pickle: the payload comes back from the database, which
other programs (the web side, an operator's SQL) can write; unpickling it would run whatever it
says. msgspec decodes into the declared types only (the plugins' frozen dataclasses, tuples,
datetimes), refuses anything else with one clear error, and does so in C, a few milliseconds
for a busy install's state.

A document made by other code is never read: ``version`` names the format, a digest of every
plugin's state shape (the dataclasses, field by field, recursively) and the settings that
change how events fold (nicks above all). Changing a state dataclass changes the digest by
itself; a change in how a plugin folds events that keeps its shapes must bump ``FORMAT``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Collection, Iterable
from typing import Any, get_args, get_origin, get_type_hints

import msgspec

from bot.core.names import fold
from bot.core.plugin import Plugin
from bot.core.router import Router

FORMAT = 1  # bump when folding changes meaning but no state shape does


class SnapshotError(ValueError):
    """A snapshot that cannot be loaded into this router; the message says why, in one line."""


class _Part(msgspec.Struct, forbid_unknown_fields=True):
    """One plugin's share of a document; each value is decoded with its declared type."""

    channels: msgspec.Raw
    attrs: dict[str, msgspec.Raw]


def state_type(plugin: Plugin) -> Any | None:
    """The ``S`` of ``Plugin[S]`` the plugin's class declares; None for stateless plugins."""
    for klass in type(plugin).__mro__:
        for base in klass.__dict__.get("__orig_bases__", ()):
            if get_origin(base) is Plugin:
                return get_args(base)[0]
    return None


def _key(plugin: Plugin) -> str:
    return f"{plugin.persona}.{plugin.name}"


def _kept(router: Router) -> list[tuple[str, Plugin, Any]]:
    """(key, plugin, state type) of every plugin with state worth keeping."""
    return [(_key(p), p, t) for p in router.plugins
            if (t := state_type(p)) is not None or p.snapshot_attrs]


def _shape(tp: Any, seen: set[type]) -> str:
    """A stable description of a type, dataclass fields included, for the version digest."""
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = f"{tp.__module__}.{tp.__qualname__}"
        if tp in seen:
            return name
        seen.add(tp)
        hints = get_type_hints(tp)
        inner = ",".join(f"{f.name}:{_shape(hints[f.name], seen)}"
                         for f in dataclasses.fields(tp))
        return f"{name}({inner})"
    if args := get_args(tp):
        origin = get_origin(tp)
        return f"{getattr(origin, '__qualname__', repr(origin))}[" \
               f"{','.join(_shape(a, seen) for a in args)}]"
    return getattr(tp, "__qualname__", repr(tp))


def version(router: Router) -> str:
    """``FORMAT:digest`` of the running code's state shapes and of the settings."""
    digest = hashlib.sha256(repr(router.settings).encode())
    for key, plugin, tp in _kept(router):
        attrs = sorted(plugin.snapshot_attrs.items())
        digest.update(f"\n{key}={_shape(tp, set())};"
                      f"{[(n, _shape(t, set())) for n, t in attrs]}".encode())
    return f"{FORMAT}:{digest.hexdigest()[:24]}"


def dump(router: Router) -> bytes:
    """Every plugin's state, every channel, as one JSON document."""
    doc = {key: {"channels": dict(plugin.channels.items()) if tp is not None else {},
                 "attrs": {name: getattr(plugin, name) for name in plugin.snapshot_attrs}}
           for key, plugin, tp in _kept(router)}
    return msgspec.json.encode(doc)


def load(router: Router, payload: bytes | str, channels: Collection[str] | None = None) -> None:
    """Put the state ``payload`` holds into the router's plugins (fresh ones, at start-up).

    ``channels`` (any case) keeps only those channels' values, as a full replay of them would.
    Everything is decoded before anything is changed: on SnapshotError the router is as it was.
    """
    try:
        parts = msgspec.json.decode(payload, type=dict[str, _Part])
        decoded = list(_decode(router, parts))
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise SnapshotError(f"unreadable snapshot: {exc}") from None
    wanted = None if channels is None else {fold(c) for c in channels}
    for plugin, values, attrs in decoded:
        for channel, value in values.items():
            if wanted is None or fold(channel) in wanted:
                plugin.channels.put(channel, value)
        for name, value in attrs.items():
            setattr(plugin, name, value)


def _decode(router: Router, parts: dict[str, _Part]
            ) -> Iterable[tuple[Plugin, dict[str, Any], dict[str, Any]]]:
    kept = _kept(router)
    if set(parts) != {key for key, _, _ in kept}:
        raise SnapshotError(f"snapshot of plugins {sorted(parts)}, not of this router's")
    for key, plugin, tp in kept:
        part = parts[key]
        values = _typed(part.channels, dict[str, tp], key) if tp else {}  # type: ignore[valid-type]
        if set(part.attrs) != set(plugin.snapshot_attrs):
            raise SnapshotError(f"{key}: snapshot attributes {sorted(part.attrs)}")
        attrs = {name: _typed(part.attrs[name], t, f"{key}.{name}")
                 for name, t in plugin.snapshot_attrs.items()}
        yield plugin, values, attrs


def _typed(raw: msgspec.Raw, tp: Any, where: str) -> Any:
    try:
        return msgspec.json.decode(raw, type=tp)
    except msgspec.ValidationError as exc:
        raise SnapshotError(f"unreadable snapshot: {where}: {exc}") from None
