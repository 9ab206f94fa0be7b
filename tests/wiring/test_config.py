"""Tests for bot.config: defaults, validation with key+line, masking, path resolution."""

import json
import tempfile
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import make_url

from bot.config import (
    MASK,
    Config,
    ConfigError,
    GitHubConfig,
    IrcConfig,
    WebConfig,
    config_value,
    default_config,
    describe,
    load_config,
    settings_for,
)
from bot.core.plugin import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    return info.value


@pytest.mark.parametrize(
    ("section", "key", "expected"),
    [
        ("irc", "network", "local"),
        ("irc", "host", "127.0.0.1"),
        ("irc", "port", 6667),
        ("irc", "tls", False),
        ("irc", "tls_verify", True),
        ("irc", "ca_file", ""),
        ("irc", "password", ""),
        ("irc", "sasl_username", ""),
        ("irc", "sasl_password", ""),
        ("irc", "channels", ()),
        ("irc", "send_rate", 2.0),
        ("irc", "send_burst", 5),
        ("irc", "reconnect_min", 1.0),
        ("irc", "reconnect_max", 60.0),
        ("irc", "idle_timeout", 120.0),
        ("irc", "nick_regain_interval", 30.0),
        ("irc", "sasl_recheck_interval", 60.0),
        ("bot", "zakim_nick", "Zakim"),
        ("bot", "rrsagent_nick", "RRSAgent"),
        ("bot", "realname", "agendum meeting bot"),
        ("bot", "replay_hours", 24.0),
        ("bot", "snapshot_minutes", 10.0),
        ("bot", "logs", "public"),
        ("bot", "idle_leave_minutes", 120.0),
        ("web", "host", "127.0.0.1"),
        ("web", "port", 8000),
        ("web", "member_password", ""),
        ("web", "team_password", ""),
        ("web", "in_run", False),
        ("bot", "member_channels", ()),
        ("bot", "team_channels", ()),
        ("storage", "url", "sqlite:///agendum.db"),
        ("publish", "dir", Path("public")),
        ("publish", "base_url", "http://localhost:8000"),
        ("publish", "restricted_dir", Path("restricted")),
        ("log", "level", "INFO"),
    ],
)
def test_defaults(tmp_path: Path, section: str, key: str, expected: object) -> None:
    assert getattr(getattr(default_config(), section), key) == expected
    loaded = getattr(getattr(load_config(write(tmp_path, "")), section), key)
    if key == "url":  # a file's relative sqlite path is anchored to its folder
        assert make_url(loaded).database == str(tmp_path / "agendum.db")
    elif key in ("dir", "restricted_dir"):
        assert loaded == tmp_path / str(expected)
    else:
        assert loaded == expected


def test_default_config_has_no_path() -> None:
    assert default_config().path is None
    assert isinstance(default_config(), Config)


@pytest.mark.parametrize(
    ("text", "section", "key", "expected"),
    [
        ("[irc]\ntls = true\n", "irc", "port", 6697),
        ("[irc]\ntls = true\nport = 6667\n", "irc", "port", 6667),
        ("[irc]\nsend_rate = 3\n", "irc", "send_rate", 3.0),
        ("[irc]\nchannels = ['#a', '&b']\n", "irc", "channels", ("#a", "&b")),
        ("[irc]\nsasl_username = 'u'\nsasl_password = 'p'\n", "irc", "sasl_username", "u"),
        ("[bot]\nzakim_nick = '[Z]`_^{|}-9'\n", "bot", "zakim_nick", "[Z]`_^{|}-9"),
        ("[publish]\nbase_url = 'https://x.org/m//'\n", "publish", "base_url", "https://x.org/m"),
        ("[log]\nlevel = 'debug'\n", "log", "level", "DEBUG"),
        ("[bot]\nlogs = 'member'\n", "bot", "logs", "member"),
        ("[bot]\nteam_channels = ['#t']\n", "bot", "team_channels", ("#t",)),
        ("irc.port = 7000\n", "irc", "port", 7000),
        ("irc = { host = 'irc.example' }\n", "irc", "host", "irc.example"),
        ("[publish]\nstyle = 'w3c'\n", "publish", "style", "w3c"),
        ("[publish]\nstyle = 'https://css.example/m.css'\n", "publish", "style",
         "https://css.example/m.css"),
        ("[publish]\nstyle = '/css/minutes.css'\n", "publish", "style", "/css/minutes.css"),
        ("[publish]\nlogo = 'none'\n", "publish", "logo", "none"),
        ("[publish]\nlogo = 'https://img.example/logo.svg'\n", "publish", "logo",
         "https://img.example/logo.svg"),
    ],
)
def test_valid_values(tmp_path: Path, text: str, section: str, key: str, expected: object) -> None:
    cfg = load_config(write(tmp_path, text))
    assert getattr(getattr(cfg, section), key) == expected


LONG = "#" + "x" * 50
BAD_VALUES = [
    ("[irc]\nport = 0\n", "irc.port", 2),
    ("# comment\n\n[irc]\n# another\nport = 70000\n", "irc.port", 5),
    ("[bot]\nrealname = 'x'\n[irc]\nhost = 'h'\nport = '6667'\n", "irc.port", 5),
    ('[irc]\n"port" = -1\n', "irc.port", 2),
    ("[irc]\nport = true\n", "irc.port", 2),
    ("irc = { port = 0 }\n", "irc.port", 1),
    ("x = 1\nirc.port = 0\n", "x", 1),
    ("[irc]\ntls = 1\n", "irc.tls", 2),
    ("[irc]\ntls_verify = 'no'\n", "irc.tls_verify", 2),
    ("[irc]\nnetwork = ''\n", "irc.network", 2),
    ("[irc]\nhost = ''\n", "irc.host", 2),
    ("[irc]\npassword = 1234\n", "irc.password", 2),
    ("[irc]\nca_file = []\n", "irc.ca_file", 2),
    ("[irc]\nchannels = '#a'\n", "irc.channels", 2),
    ("[irc]\nchannels = [1]\n", "irc.channels", 2),
    ("[irc]\nchannels = ['nohash']\n", "irc.channels", 2),
    ("[irc]\nchannels = ['#']\n", "irc.channels", 2),
    ("[irc]\nchannels = ['#a b']\n", "irc.channels", 2),
    ("[irc]\nchannels = ['#a,b']\n", "irc.channels", 2),
    ('[irc]\nchannels = ["#a\\u0007"]\n', "irc.channels", 2),
    (f"[irc]\nchannels = [\n  '#ok',\n  '{LONG}',\n]\n", "irc.channels", 2),
    ("[irc]\nsend_rate = 0\n", "irc.send_rate", 2),
    ("[bot]\nlogs = 'world'\n", "bot.logs", 2),
    ("[bot]\nidle_leave_minutes = 0\n", "bot.idle_leave_minutes", 2),
    ("[web]\nport = 0\n", "web.port", 2),
    ("[web]\nhost = ''\n", "web.host", 2),
    ("[web]\n\nin_run = 'yes'\n", "web.in_run", 3),
    ("[publish]\nrestricted_dir = ''\n", "publish.restricted_dir", 2),
    ("[bot]\nlogs = 'Public'\n", "bot.logs", 2),
    ("[bot]\n\nmember_channels = ['wg']\n", "bot.member_channels", 3),
    ("[bot]\nteam_channels = '#t'\n", "bot.team_channels", 2),
    ("[irc]\nsend_rate = nan\n", "irc.send_rate", 2),
    ("[irc]\nsend_rate = inf\n", "irc.send_rate", 2),
    ("[irc]\nsend_rate = 'fast'\n", "irc.send_rate", 2),
    ("[irc]\nsend_burst = 0\n", "irc.send_burst", 2),
    ("[irc]\nsend_burst = 1.5\n", "irc.send_burst", 2),
    ("[irc]\nreconnect_min = 0\n", "irc.reconnect_min", 2),
    ("[irc]\nreconnect_max = 5\nreconnect_min = 10\n", "irc.reconnect_max", 2),
    ("[irc]\nreconnect_min = 100\n", "irc.reconnect_max", 2),  # default max 60 < 100
    ("[irc]\nidle_timeout = -1\n", "irc.idle_timeout", 2),
    ("[irc]\nnick_regain_interval = 0.0\n", "irc.nick_regain_interval", 2),
    ("[irc]\nhost = 'h'\nsasl_username = 'u'\n", "irc.sasl_password", 3),
    ("[irc]\nsasl_password = 'p'\n", "irc.sasl_username", 2),
    ("[bot]\nzakim_nick = '1abc'\n", "bot.zakim_nick", 2),
    ("[bot]\nzakim_nick = '-abc'\n", "bot.zakim_nick", 2),
    ("[bot]\nzakim_nick = 'a b'\n", "bot.zakim_nick", 2),
    (f"[bot]\nzakim_nick = '{'z' * 31}'\n", "bot.zakim_nick", 2),
    ("[bot]\nrrsagent_nick = ''\n", "bot.rrsagent_nick", 2),
    ("[bot]\nrrsagent_nick = 'RRS.Agent'\n", "bot.rrsagent_nick", 2),
    ("[bot]\nrealname = ''\n", "bot.realname", 2),
    ("[storage]\nurl = 'not a url'\n", "storage.url", 2),
    ("[storage]\nurl = 'nosuchdialect://h/db'\n", "storage.url", 2),
    ("[storage]\nurl = 5\n", "storage.url", 2),
    ("[publish]\ndir = ''\n", "publish.dir", 2),
    ("[publish]\ndir = 3\n", "publish.dir", 2),
    ("[publish]\nbase_url = false\n", "publish.base_url", 2),
    ("[log]\nlevel = 'LOUD'\n", "log.level", 2),
    ("[publish]\nstyle = 'fancy'\n", "publish.style", 2),
    ("[publish]\nstyle = 'javascript:alert(1)'\n", "publish.style", 2),
    ("[publish]\nstyle = '//cdn.example/x.css'\n", "publish.style", 2),
    ("[publish]\nstyle = 'https://x.example/a b.css'\n", "publish.style", 2),
    ("[publish]\nlogo = 'data:image/png;base64,AAAA'\n", "publish.logo", 2),
    ("[publish]\nlogo = 'https://x.example/\"onerror=\"x'\n", "publish.logo", 2),
    ("irc = 5\n", "irc", 1),
]


@pytest.mark.parametrize(("text", "key", "line"), BAD_VALUES)
def test_validation_errors_name_key_and_line(
    tmp_path: Path, text: str, key: str, line: int
) -> None:
    err = load_error(tmp_path, text)
    assert (err.key, err.line) == (key, line)
    assert f"config.toml:{line}: {key}: " in str(err)


def test_error_text_format() -> None:
    err = ConfigError("config.toml", "irc.port", 7, "must be an integer between 1 and 65535")
    assert str(err) == "config.toml:7: irc.port: must be an integer between 1 and 65535"
    assert str(ConfigError("config.toml", "irc.port", None, "bad")) == "config.toml: irc.port: bad"
    assert str(ConfigError("config.toml", "", None, "bad")) == "config.toml: bad"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[irc]\nport = = 1\n", 2),
        ("[bot]\n\n\n[irc\n", 4),
        ('[irc]\nhost = "unterminated\n', 2),
        ("[irc]\nport = 1\nport = 2\n", 3),
        ("[irc]\n[irc]\n", 2),
    ],
)
def test_toml_syntax_error_has_line(tmp_path: Path, text: str, line: int) -> None:
    err = load_error(tmp_path, text)
    assert (err.key, err.line) == ("", line)
    assert str(err).startswith(f"{tmp_path / 'config.toml'}:{line}: ")
    assert "at line" not in err.message  # the position moved into err.line


@pytest.mark.parametrize(
    ("text", "key", "line", "hint"),
    [
        ("[irc]\nprot = 1\n", "irc.prot", 2, "did you mean 'port'"),
        ("[bot]\nrealname = 'x'\n\n[irc]\nhost = 'h'\nchanels = []\n", "irc.chanels", 6, "chan"),
        ("[ircc]\nport = 1\n", "ircc", 1, "did you mean 'irc'"),
        ("[irc]\nport = 1\n\n[logging]\nlevel = 'INFO'\n", "logging", 4, "unknown section"),
        ("[irc.extra]\nx = 1\n", "irc.extra", 1, "unknown key"),
        ("debug = true\n[irc]\n", "debug", 1, "unknown section"),
    ],
)
def test_unknown_key_or_section(tmp_path: Path, text: str, key: str, line: int, hint: str) -> None:
    err = load_error(tmp_path, text)
    assert (err.key, err.line) == (key, line)
    assert hint in str(err)


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert (info.value.key, info.value.line) == ("", None)
    assert "not found" in str(info.value) and "nope.toml" in str(info.value)
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"[bot]\nrealname = 'caf\xe9'\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == 2


@pytest.mark.parametrize(
    ("text", "secret", "key"),
    [
        ("[irc]\npassword = 'hunter2pass'\n", "hunter2pass", "irc.password"),
        ("[irc]\nsasl_username = 'me'\nsasl_password = 'sasl42'\n", "sasl42", "irc.sasl_password"),
        ("[storage]\nurl = 'postgresql+psycopg://u:dbpw42@h/db'\n", "dbpw42", "storage.url"),
        ("[storage]\nurl = 'postgresql+psycopg://u@h/db?password=qpw77'\n", "qpw77", "storage.url"),
        ("[web]\nmember_password = 'mpw31'\n", "mpw31", "web.member_password"),
        ("[web]\nteam_password = 'tpw53'\n", "tpw53", "web.team_password"),
    ],
)
def test_describe_masks_secrets(tmp_path: Path, text: str, secret: str, key: str) -> None:
    out = describe(load_config(write(tmp_path, text)))
    assert secret not in out
    (line,) = [ln for ln in out.splitlines() if ln.startswith(f"{key} = ")]
    assert MASK in line


def test_describe_lists_every_key_as_parseable_toml(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, "[irc]\nchannels = ['#a', '#b']\nport = 7000\n"))
    out = describe(cfg)
    assert len(out.splitlines()) == sum(len(fields(getattr(cfg, s))) for s in tomllib.loads(out))
    back = tomllib.loads(out)
    assert back["irc"]["channels"] == ["#a", "#b"] and back["irc"]["port"] == 7000
    assert back["publish"]["dir"] == str(tmp_path / "public")
    assert 'irc.password = ""' in out  # empty secrets are shown as empty, not masked


@pytest.mark.parametrize(
    ("url", "expected_db"),
    [
        ("sqlite:///agendum.db", "{dir}/agendum.db"),
        ("sqlite:///data/x.db", "{dir}/data/x.db"),
        ("sqlite+pysqlite:///x.db", "{dir}/x.db"),
        ("sqlite:////abs/x.db", "/abs/x.db"),
        ("sqlite:///:memory:", ":memory:"),
        ("sqlite://", None),
        ("postgresql+psycopg://u:p@h/db", "db"),
    ],
)
def test_storage_url_resolved_against_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, expected_db: str | None
) -> None:
    write(tmp_path, f"[storage]\nurl = {json.dumps(url)}\n", "etc/config.toml")
    monkeypatch.chdir(tmp_path)  # load via a relative path from another cwd
    cfg = load_config("etc/config.toml")
    want = expected_db.format(dir=tmp_path / "etc") if expected_db else None
    assert make_url(cfg.storage.url).database == want
    assert cfg.path == tmp_path / "etc" / "config.toml"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("public", "{dir}/public"), ("../out", "{dir}/../out"),
     ("/tmp/agendum-minutes", "/tmp/agendum-minutes")],
)
def test_publish_dir_resolved_against_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    write(tmp_path, f"[publish]\ndir = {json.dumps(value)}\n", "etc/config.toml")
    monkeypatch.chdir(tmp_path)
    cfg = load_config("etc/config.toml")
    assert cfg.publish.dir == Path(expected.format(dir=tmp_path / "etc"))
    assert cfg.publish.dir.is_absolute()


def test_example_file_loads_and_documents_every_key() -> None:
    cfg = load_config(EXAMPLE)
    assert cfg.irc.channels == ("#agendum-test",)
    assert cfg.irc == IrcConfig(channels=("#agendum-test",))
    assert cfg.bot == default_config().bot and cfg.log == default_config().log
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for entry in describe(cfg).splitlines():
        section, _, key = entry.split(" = ")[0].partition(".")
        idx = next(i for i, ln in enumerate(lines) if ln.startswith(f"{key} = "))
        assert lines[idx - 1].startswith("# "), f"{section}.{key} lacks a comment"


_KEYS = [(s, f.name) for s in ("irc", "bot", "storage", "publish", "log")
         for f in fields(getattr(default_config(), s))]
_TOML_VALUES = st.one_of(
    st.integers(-(2**63), 2**63 - 1).map(str),
    st.floats().map(repr),
    st.booleans().map(lambda b: str(b).lower()),
    st.text(max_size=40).map(json.dumps),
    st.lists(st.text(max_size=12), max_size=3).map(json.dumps),
    st.sampled_from(["'#a'", "['#ok', '&x']", "'sqlite:///:memory:'", "'Zakim'", "{}", "'info'"]),
)
_TOML_DOCS = st.lists(
    st.tuples(st.sampled_from([*_KEYS, ("irc", "bogus"), ("nope", "x")]), _TOML_VALUES),
    max_size=6,
).map(lambda items: "".join(f"[{s}]\n{k} = {v}\n" for (s, k), v in items))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _TOML_DOCS))
def test_load_config_only_raises_config_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_text(text, encoding="utf-8", newline="")
        try:
            assert isinstance(load_config(path), Config)
        except ConfigError as err:
            assert err.file == str(path)


# -- publish folders, base URL and database URL: refused before the daemon starts ----------


@pytest.mark.parametrize(
    ("text", "key", "line", "message"),
    [
        ("[publish]\ndir = 'afile'\n", "publish.dir", 2,
         "cannot write here: {tmp}/afile is a file"),
        ("[publish]\n\ndir = 'afile/public'\n", "publish.dir", 3,
         "cannot write here: {tmp}/afile is a file"),
        ("[publish]\nrestricted_dir = 'afile/r'\n", "publish.restricted_dir", 2,
         "cannot write here: {tmp}/afile is a file"),
        ("[publish]\ndir = 'p'\nrestricted_dir = 'p'\n", "publish.restricted_dir", 3,
         "must not be publish.dir or inside it: member and team minutes would be public"),
        ("[publish]\nrestricted_dir = 'public/restricted'\n", "publish.restricted_dir", 2,
         "must not be publish.dir or inside it: member and team minutes would be public"),
        ("[publish]\nrestricted_dir = './x/../public/'\n", "publish.restricted_dir", 2,
         "must not be publish.dir or inside it: member and team minutes would be public"),
        ("[publish]\n# restricted_dir's default\ndir = 'restricted'\n", "publish.restricted_dir", 3,
         "must not be publish.dir or inside it: member and team minutes would be public"),
        ("[publish]\nbase_url = 'localhost:8000'\n", "publish.base_url", 2,
         "must be an http(s) URL with a host, e.g. https://example.org/minutes,"
         " got 'localhost:8000'"),
        ("[publish]\nbase_url = 'http://'\n", "publish.base_url", 2, "must be an http(s) URL"),
        ("[publish]\nbase_url = 'ftp://example.org'\n", "publish.base_url", 2,
         "must be an http(s) URL"),
        ("[publish]\nbase_url = 'https://example.org/my minutes'\n", "publish.base_url", 2,
         "must be an http(s) URL"),
        ('[publish]\nbase_url = "https://example.org/\\t"\n', "publish.base_url", 2,
         "must be an http(s) URL"),
    ],
)
def test_publish_settings_refused(
    tmp_path: Path, text: str, key: str, line: int, message: str
) -> None:
    (tmp_path / "afile").write_text("not a folder\n")
    err = load_error(tmp_path, text)
    assert (err.key, err.line) == (key, line)
    assert err.message.startswith(message.format(tmp=tmp_path)), err.message


@pytest.mark.parametrize(
    "text",
    [
        "[publish]\nrestricted_dir = 'public-restricted'\n",  # a sibling, not inside
        "[publish]\ndir = 'restricted/public'\n",  # public inside restricted leaks nothing
        "[publish]\ndir = 'new/deep/public'\nrestricted_dir = '/tmp/agendum-r'\n",
        "[publish]\nbase_url = 'https://example.org:8443/minutes/'\n",
    ],
)
def test_publish_settings_accepted(tmp_path: Path, text: str) -> None:
    cfg = load_config(write(tmp_path, text))
    assert not cfg.publish.dir.exists()  # check-config only looks: nothing is created


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:pw1234@h/db", "unsupported database 'mysql': agendum runs on SQLite"
         " (sqlite:///agendum.db) or PostgreSQL (postgresql+psycopg://user:password@host/db)"),
        ("mssql+pyodbc://u:pw1234@dsn", "unsupported database 'mssql'"),
        ("postgresql+asyncpg://u:pw1234@h/db", "async drivers are not supported:"
         " use postgresql+psycopg://user:password@host/db"),
        ("sqlite+aiosqlite:///x.db", "async drivers are not supported"),
        ("postgresql+pg8000://u:pw1234@h/db", "the pg8000 driver is not installed"
         " (for PostgreSQL: postgresql+psycopg://… and pip install 'agendum[postgres]')"),
    ],
)
def test_unsupported_database_url(tmp_path: Path, url: str, message: str) -> None:
    err = load_error(tmp_path, f"\n[storage]\nurl = {json.dumps(url)}\n")
    assert (err.key, err.line) == ("storage.url", 3)
    assert err.message.startswith(message), err.message
    assert "pw1234" not in str(err)


# ---- each option declared once -------------------------------------------------------------


def _settings_keys() -> list[tuple[str, str]]:
    return [(f.name, f.metadata["config"]) for f in fields(Settings) if "config" in f.metadata]


@pytest.mark.parametrize(("setting", "key"), _settings_keys())
def test_a_setting_copied_from_the_config_has_the_config_keys_default(setting: str,
                                                                      key: str) -> None:
    section, name = key.split(".")
    assert name in {f.name for f in fields(getattr(Config(), section))}
    assert getattr(Settings(nicks={}), setting) == config_value(Config(), key)


def test_settings_for_copies_the_configured_values(tmp_path: Path) -> None:
    path = tmp_path / "agendum.toml"
    path.write_text('[github]\nagenda_label = "meeting"\ndelay_lines = 3\n'
                    '[bot]\nlogs = "team"\nreplay_hours = 5\n'
                    '[publish]\nbase_url = "https://minutes.example.org/x/"\n')
    settings = settings_for(load_config(path))
    assert (settings.agenda_label, settings.gb_delay, settings.logs,
            settings.max_reminder_hours, settings.base_url) == (
        "meeting", 3, "team", 5.0, "https://minutes.example.org/x")
    assert len(_settings_keys()) == 6


def test_every_check_is_on_its_field_and_every_secret_is_masked() -> None:
    """A key's rule and its secrecy live on the field (bot.config.option), nowhere else."""
    secret = [f"{s}.{f.name}" for s in ("irc", "web", "github")
              for f in fields(getattr(Config(), s)) if f.metadata.get("secret")]
    assert secret == ["irc.password", "irc.sasl_password", "web.member_password",
                      "web.team_password", "github.token"]
    filled = Config(irc=IrcConfig(password="p1", sasl_username="u", sasl_password="p2"),
                    web=WebConfig(member_password="p3", team_password="p4"),
                    github=GitHubConfig(token="p5"))
    shown = describe(filled)
    assert not any(f"p{i}" in shown.replace("sqlite", "") for i in range(1, 6))
    assert shown.count(MASK) == 5
