"""Load and validate agendum's TOML configuration.

Every problem becomes a ConfigError naming the file, the dotted key and the
line, so a typo in a deployed config is fixed in one look, not via a traceback.
"""

import difflib
import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from bot.core.names import GB, RRSAGENT, ZAKIM, fold
from bot.core.plugin import Settings

MASK = "********"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
VISIBILITIES = ("public", "member", "team")
_NICK_RE = re.compile(r"[A-Za-z\[\]\\`_^{|}][A-Za-z0-9\[\]\\`_^{|}-]{0,29}")
_CHANNEL_BAD_RE = re.compile(r"[\s,\x00-\x1f\x7f]")
_HEADER_RE = re.compile(r"\s*\[\[?([^\[\]=]+)\]\]?\s*(?:#.*)?$")
_KEY_RE = re.compile(r"""\s*([A-Za-z0-9_\-."' ]+?)\s*=""")
_DATABASES = ("sqlite", "postgresql")
T = TypeVar("T")
_PG_EXAMPLE = "postgresql+psycopg://user:password@host/db"

def option(default: T, check: Callable[[Any], bool] | None = None, message: str = "", *,
           secret: bool = False, convert: Callable[[Any], Any] | None = None) -> T:
    """Declare one config key, once: its default (whose type the file's value must have),
    the rule its value must meet and what to say when it does not, whether it is a secret
    (never echoed, masked by check-config) and how to normalise it."""
    meta = {"check": check, "message": message, "secret": secret, "convert": convert}
    return field(default=default, repr=not secret, metadata=meta)


def _http_url(value: str) -> bool:
    """An absolute http(s) URL with a host: the minutes' links are built on it."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(
        r"\s", value)


def _sheet_url(value: str) -> bool:
    """A style sheet or logo the pages load: http(s) with a host, or a path on this site."""
    if re.search(r"[\s\"'<>\\]", value):
        return False
    return (value.startswith("/") and not value.startswith("//")) or _http_url(value)


def _nick(value: str) -> bool:
    return bool(_NICK_RE.fullmatch(value))


def _positive(default: T) -> T:
    return option(default, lambda v: v > 0, "must be a number greater than 0")


def _not_empty(default: T) -> T:
    return option(default, bool, "must not be empty")


def _port(default: int) -> int:
    return option(default, lambda v: 1 <= v <= 65535, "must be an integer between 1 and 65535")


def _http(default: str) -> str:
    return option(default, lambda v: bool(re.fullmatch(r"https?://\S+", v)),
                  "must be an http(s) URL")


_NICK_MSG = ("must be an IRC nick: letters, digits or []\\`_^{|}-,"
             " not starting with a digit or -, at most 30 chars")


@dataclass(frozen=True)
class IrcConfig:
    """How to reach the IRC server and how politely to talk to it."""

    network: str = _not_empty("local")
    host: str = _not_empty("127.0.0.1")
    port: int = _port(6667)
    tls: bool = False
    tls_verify: bool = True
    ca_file: str = ""
    password: str = option("", secret=True)
    sasl_username: str = ""
    sasl_password: str = option("", secret=True)
    channels: tuple[str, ...] = ()
    send_rate: float = _positive(2.0)
    send_burst: int = option(5, lambda v: v >= 1, "must be an integer >= 1")
    reconnect_min: float = _positive(1.0)
    reconnect_max: float = 60.0
    idle_timeout: float = _positive(120.0)
    nick_regain_interval: float = _positive(30.0)
    sasl_recheck_interval: float = _positive(60.0)


@dataclass(frozen=True)
class BotConfig:
    """Nicks the bot answers to, so W3C habits ("Zakim, ...") keep working."""

    zakim_nick: str = option("Zakim", _nick, _NICK_MSG)
    rrsagent_nick: str = option("RRSAgent", _nick, _NICK_MSG)
    realname: str = _not_empty("agendum meeting bot")
    replay_hours: float = _positive(24.0)
    snapshot_minutes: float = _positive(10.0)
    idle_leave_minutes: float = _positive(120.0)
    logs: str = option("public", lambda v: v in VISIBILITIES,
                       f"must be one of {', '.join(VISIBILITIES)}")
    member_channels: tuple[str, ...] = ()
    team_channels: tuple[str, ...] = ()
    # the GitHub/agenda persona; empty: Zakim answers for it
    gb_nick: str = option("gb", lambda v: v == "" or _nick(v),
                          _NICK_MSG + " (or empty: Zakim answers for gb)")


@dataclass(frozen=True)
class StorageConfig:
    """Where events are kept; any SQLAlchemy URL."""

    url: str = field(default="sqlite:///agendum.db", repr=False)


@dataclass(frozen=True)
class PublishConfig:
    """Where minutes are written and the URL they are served from."""

    dir: Path = option(Path("public"), bool, "must not be empty")
    base_url: str = option("http://localhost:8000", _http_url, "must be an http(s) URL with a"
                           " host, e.g. https://example.org/minutes")
    restricted_dir: Path = option(Path("restricted"), bool, "must not be empty")
    style: str = option("bundled", lambda v: v in ("bundled", "w3c") or _sheet_url(v),
                        'must be "bundled", "w3c", or the http(s) URL (or /path) of a style'
                        " sheet")
    logo: str = option("", lambda v: v in ("", "none") or _sheet_url(v),
                       'must be "", "none", or the http(s) URL (or /path) of an image')


@dataclass(frozen=True)
class WebConfig:
    """``agendum serve``: where it listens and who may read member and team pages."""

    host: str = _not_empty("127.0.0.1")
    port: int = _port(8000)
    member_password: str = option("", secret=True)
    team_password: str = option("", secret=True)
    in_run: bool = False


@dataclass(frozen=True)
class GitHubConfig:
    """Where gb looks issues up and files them (GitHub or GitHub Enterprise)."""

    api_url: str = _http("https://api.github.com")
    web_url: str = _http("https://github.com")
    token: str = option("", secret=True)  # else $GITHUB_TOKEN; none: lookups only
    timeout_seconds: float = _positive(5.0)
    # gb's default: don't expand the same reference again for 15 lines
    delay_lines: int = option(15, lambda v: 0 <= v <= 1000, "must be an integer from 0 to 1000")
    agenda_label: str = _not_empty("agenda+")
    fetch_private_hosts: bool = False  # agenda: <url> may read private/loopback addresses


@dataclass(frozen=True)
class LogConfig:
    """Logging verbosity."""

    level: str = option("INFO", lambda v: v.upper() in LOG_LEVELS,
                        f"must be one of {', '.join(LOG_LEVELS)}", convert=str.upper)


@dataclass(frozen=True)
class Config:
    """The whole effective configuration, plus the file it came from."""

    irc: IrcConfig = field(default_factory=IrcConfig)
    bot: BotConfig = field(default_factory=BotConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    publish: PublishConfig = field(default_factory=PublishConfig)
    web: WebConfig = field(default_factory=WebConfig)
    github: GitHubConfig = field(default_factory=GitHubConfig)
    log: LogConfig = field(default_factory=LogConfig)
    path: Path | None = None


_SECTIONS: dict[str, type] = {
    "irc": IrcConfig, "bot": BotConfig, "storage": StorageConfig,
    "publish": PublishConfig, "web": WebConfig, "github": GitHubConfig, "log": LogConfig,
}


class ConfigError(Exception):
    """A config problem located by file, dotted key and (when known) line."""

    def __init__(self, file: str, key: str, line: int | None, message: str) -> None:
        self.file, self.key, self.line, self.message = file, key, line, message
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class ConfigNotFound(ConfigError):
    """No file at the path: the command line then says how to make one."""


def unwritable(path: Path) -> str | None:
    """Why a folder could not be written or made at *path*, else None.

    Nothing is created: the nearest existing ancestor is checked instead, as that is where
    the first mkdir would happen.
    """
    probe = path
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is {'a file' if probe.is_file() else 'not a folder'}"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe}: permission denied"
    return None


def _valid_channel(name: str) -> bool:
    return 2 <= len(name) <= 50 and name[0] in "#&" and not _CHANNEL_BAD_RE.search(name)


def _key_lines(text: str) -> dict[str, int]:
    """Map dotted keys (and prefixes) to the first line writing them: tomllib has no positions."""
    found: dict[str, int] = {}
    section: list[str] = []
    for lineno, raw in enumerate(text.split("\n"), 1):
        if m := _HEADER_RE.match(raw):
            section = parts = [p.strip().strip("\"'") for p in m[1].split(".")]
        elif m := _KEY_RE.match(raw):
            parts = section + [p.strip().strip("\"'") for p in m[1].split(".")]
        else:
            continue
        for i in range(1, len(parts) + 1):
            found.setdefault(".".join(parts[:i]), lineno)
    return found


class _Loader:
    """Validation state for one file: its name and where each key is written."""

    def __init__(self, file: str, text: str) -> None:
        self.file, self.lines = file, _key_lines(text)

    def fail(self, key: str, message: str, at: str | None = None) -> NoReturn:
        """Raise at the line of *at* (default *key*), falling back to its enclosing table."""
        probe = at or key
        while probe and probe not in self.lines:
            probe = probe.rpartition(".")[0]
        raise ConfigError(self.file, key, self.lines.get(probe), message)

    def value(self, key: str, raw: Any, default: Any, meta: Mapping[str, Any]) -> Any:
        """Type-check *raw* against the default's type, apply the key's rule, convert."""
        if isinstance(default, bool):
            ok, want = isinstance(raw, bool), "true or false"
        elif isinstance(default, int):
            ok, want = isinstance(raw, int) and not isinstance(raw, bool), "an integer"
        elif isinstance(default, float):
            ok = isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw)
            want = "a finite number"
        elif isinstance(default, tuple):
            ok = isinstance(raw, list) and all(isinstance(v, str) for v in raw)
            want = "a list of strings"
        else:
            ok, want = isinstance(raw, str), "a string"
        if not ok:
            self.fail(key, f"must be {want}, not {type(raw).__name__}")  # no value: may be secret
        check, message = meta.get("check"), meta.get("message", "")
        if check is not None and not check(raw):
            self.fail(key, f"{message}, got {raw!r}")
        if convert := meta.get("convert"):
            return convert(raw)
        return type(default)(raw)

    def section(self, name: str, table: Any) -> Any:
        """Build one section's dataclass, rejecting unknown keys by name."""
        cls = _SECTIONS[name]
        if not isinstance(table, dict):
            self.fail(name, f"must be a table ([{name}])")
        defaults = cls()
        known = {f.name: f for f in fields(cls)}
        values = {}
        for key, raw in table.items():
            if key not in known:
                self.fail(f"{name}.{key}", "unknown key" + _hint(key, list(known)))
            values[key] = self.value(f"{name}.{key}", raw, getattr(defaults, key),
                                     known[key].metadata)
        return cls(**values)

    def database_url(self, url: str, base: Path) -> str:
        """Refuse what would only fail at start-up: other databases, async or absent drivers.

        The messages are ours: SQLAlchemy's would echo the URL and its password.
        """
        try:
            u = make_url(url)
            dialect = u.get_dialect()
        except NoSuchModuleError:
            self.fail("storage.url", "unknown database dialect or driver")
        except (ArgumentError, ValueError):
            self.fail("storage.url", "not a valid SQLAlchemy URL (e.g. sqlite:///agendum.db)")
        if u.get_backend_name() not in _DATABASES:
            self.fail("storage.url", f"unsupported database {u.get_backend_name()!r}: agendum"
                      f" runs on SQLite (sqlite:///agendum.db) or PostgreSQL ({_PG_EXAMPLE})")
        if dialect.is_async:
            self.fail("storage.url", f"async drivers are not supported: use {_PG_EXAMPLE}")
        try:
            dialect.import_dbapi()
        except ImportError:
            extra = "pip install 'agendum[postgres]'"
            if u.get_driver_name() == "psycopg":
                self.fail("storage.url", f"PostgreSQL needs the driver: {extra}")
            self.fail("storage.url", f"the {u.get_driver_name()} driver is not installed (for"
                      f" PostgreSQL: postgresql+psycopg://… and {extra})")
        return _resolve_sqlite(url, u, base)

    def publish(self, pub: PublishConfig, base: Path, raw: Any) -> PublishConfig:
        """Anchor the folders to *base*; refuse ones that cannot be written or would leak."""
        pub = replace(pub, dir=base / pub.dir, base_url=pub.base_url.rstrip("/"),
                      restricted_dir=base / pub.restricted_dir)
        for key in ("dir", "restricted_dir"):
            if why := unwritable(getattr(pub, key)):
                self.fail(f"publish.{key}", f"cannot write here: {why}")
        public = Path(os.path.realpath(pub.dir))
        restricted = Path(os.path.realpath(pub.restricted_dir))
        if restricted == public or public in restricted.parents:
            at = "publish.restricted_dir" if "restricted_dir" in raw else "publish.dir"
            self.fail("publish.restricted_dir", "must not be publish.dir or inside it: member"
                      " and team minutes would be public", at=at)
        return pub

    def build(self, data: dict[str, Any], path: Path) -> Config:
        """Check sections and cross-field rules; resolve paths against the file's folder."""
        base = path.parent
        for name in data:
            if name not in _SECTIONS:
                self.fail(name, "unknown section" + _hint(name, list(_SECTIONS)))
        parts = {name: self.section(name, data.get(name, {})) for name in _SECTIONS}
        irc, raw_irc = parts["irc"], data.get("irc", {})
        for key, names in (("irc.channels", irc.channels),
                           ("bot.member_channels", parts["bot"].member_channels),
                           ("bot.team_channels", parts["bot"].team_channels)):
            for ch in names:
                if not _valid_channel(ch):
                    self.fail(key, f"{ch!r} is not a channel name: must start with # or &, be"
                              " at most 50 chars, and have no spaces, commas or control chars")
        if irc.reconnect_max < irc.reconnect_min:
            at = "irc.reconnect_max" if "reconnect_max" in raw_irc else "irc.reconnect_min"
            self.fail("irc.reconnect_max", "must be >= irc.reconnect_min", at=at)
        for have, need in (("sasl_username", "sasl_password"), ("sasl_password", "sasl_username")):
            if getattr(irc, have) and not getattr(irc, need):
                self.fail(f"irc.{need}", f"must be set when irc.{have} is", at=f"irc.{have}")
        if irc.tls and "port" not in raw_irc:
            irc = replace(irc, port=6697)
        if irc.ca_file:
            irc = replace(irc, ca_file=str(base / irc.ca_file))
        url = self.database_url(parts["storage"].url, base)
        pub = self.publish(parts["publish"], base, data.get("publish", {}))
        gh = parts["github"]
        gh = replace(gh, api_url=gh.api_url.rstrip("/"), web_url=gh.web_url.rstrip("/"))
        return Config(irc=irc, bot=parts["bot"], storage=StorageConfig(url=url), publish=pub,
                      web=parts["web"], github=gh, log=parts["log"], path=path)


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (expected one of: {', '.join(known)})"


def _resolve_sqlite(url: str, u: URL, base: Path) -> str:
    """Anchor relative sqlite files to the config folder so any cwd works."""
    db = u.database
    if u.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return url
    if Path(db).is_absolute():
        return url
    return u.set(database=str(base / db)).render_as_string(hide_password=False)


def load_config(path: str | Path) -> Config:
    """Read, parse and validate *path*; every problem is raised as a ConfigError."""
    file, p = str(path), Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ConfigNotFound(file, "", None, "config file not found") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(file, "", None, f"cannot read config file: {exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = data[: exc.start].count(b"\n") + 1
        raise ConfigError(file, "", at, f"not valid UTF-8 ({exc.reason})") from None
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\s*\(at line (\d+), column \d+\)", msg)
        line = int(m[1]) if m else None
        msg = msg[: m.start()] + msg[m.end():] if m else msg
        raise ConfigError(file, "", line, f"TOML syntax error: {msg}") from None
    except RecursionError:
        raise ConfigError(file, "", None, "TOML syntax error: nested too deeply") from None
    return _Loader(file, text).build(parsed, p.absolute())


def default_config() -> Config:
    """The built-in defaults; relative paths stay relative to the cwd (no config file)."""
    return Config()


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _mask_url(url: str) -> str:
    """Hide the password (and any password-like query value) of a database URL."""
    token = "AGENDUMMASKEDSECRET"
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        return MASK
    query = {k: token if "pass" in k.lower() else v for k, v in u.query.items()}
    u = u.set(password=token if u.password else u.password, query=query)
    return u.render_as_string(hide_password=False).replace(token, MASK)


def describe(cfg: Config) -> str:
    """Effective settings as `section.key = value` lines, secrets masked, for check-config."""
    out = []
    for name in _SECTIONS:
        sub = getattr(cfg, name)
        for f in fields(sub):
            key, value = f"{name}.{f.name}", getattr(sub, f.name)
            if f.metadata.get("secret") and value:
                value = MASK
            elif key == "storage.url":
                value = _mask_url(value)
            out.append(f"{key} = {_toml(value)}")
    return "\n".join(out)


# ---- what the rest of the bot derives from the configuration --------------------------------


def publish_roots(cfg: Config) -> dict[str, Path]:
    """Public files go where any web server may serve them; member and team files never do."""
    restricted = Path(cfg.publish.restricted_dir)
    return {"public": Path(cfg.publish.dir), "member": restricted / "member",
            "team": restricted / "team"}


def settings_for(cfg: Config) -> Settings:
    """What the plugins may know of the configuration."""
    channel_logs = {fold(c): "member" for c in cfg.bot.member_channels}
    channel_logs |= {fold(c): "team" for c in cfg.bot.team_channels}
    copied = {f.name: config_value(cfg, f.metadata["config"])
              for f in fields(Settings) if "config" in f.metadata}
    return Settings(
        nicks=persona_nicks(cfg),
        channel_logs=channel_logs,
        idle_leave=timedelta(minutes=cfg.bot.idle_leave_minutes),
        github_writes=bool(github_token(cfg.github)),
        **copied,
    )


def config_value(cfg: Config, key: str) -> Any:
    """The value of ``section.name`` in ``cfg``."""
    section, name = key.split(".")
    return getattr(getattr(cfg, section), name)


def persona_nicks(cfg: Config) -> dict[str, str]:
    """Each persona's nick; gb without a nick of its own speaks as Zakim."""
    return {ZAKIM: cfg.bot.zakim_nick, RRSAGENT: cfg.bot.rrsagent_nick,
            GB: cfg.bot.gb_nick or cfg.bot.zakim_nick}


def github_token(cfg: GitHubConfig) -> str:
    """The token from the config, else from ``$GITHUB_TOKEN``; "" for none."""
    return cfg.token or os.environ.get("GITHUB_TOKEN", "")
