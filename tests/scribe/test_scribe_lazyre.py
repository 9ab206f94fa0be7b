"""bot.scribe.lazyre: patterns compiled on first use behave as ``re.compile``'s, and a log
only compiles the patterns it needs; the minutes' template cache is optional."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.scribe import html
from bot.scribe.command import minutes_main
from bot.scribe.lazyre import lazy

PATTERNS = [(r" *topic *[:：] *(.*?) *", re.I), (r"(\d\d):(\d\d)", 0), (r"[ ,]+", 0),
            (r"ſcribe|k", re.I)]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
@given(text=st.text(alphabet=" :：,Topictopſk0123456789xK\u212a", max_size=30))
def test_a_lazy_pattern_answers_as_the_compiled_one(pattern: str, flags: int, text: str) -> None:
    lazy_one, compiled = lazy(pattern, flags), re.compile(pattern, flags)
    for method in ("match", "fullmatch", "search"):
        got, want = getattr(lazy_one, method)(text), getattr(compiled, method)(text)
        assert (got and got.groups(), got and got.span()) == (want and want.groups(),
                                                             want and want.span())
    assert lazy_one.split(text) == compiled.split(text)
    assert lazy_one.sub("-", text) == compiled.sub("-", text)
    assert [m.span() for m in lazy_one.finditer(text)] == [m.span() for m in
                                                           compiled.finditer(text)]
    assert (lazy_one.pattern, lazy_one.flags, lazy_one.groups) == \
        (compiled.pattern, compiled.flags, compiled.groups)


def test_a_pattern_is_compiled_only_when_used() -> None:
    pattern = lazy("(a")  # a bad pattern: compiling it raises
    with pytest.raises(re.error):
        pattern.match("a")


def test_importing_the_engine_compiles_almost_nothing() -> None:
    """A short log's run is mostly start-up: the engine's two hundred patterns wait until a
    line needs them (counted in a fresh interpreter, through re's own compile)."""
    probe = ("import re, re._compiler as c\n"
             "n = [0]\n"
             "orig = c.compile\n"
             "def count(*a, **k):\n"
             "    n[0] += 1\n"
             "    return orig(*a, **k)\n"
             "c.compile = count\n"
             "import bot.scribe.command, bot.scribe.markdown, bot.scribe.jsonout\n"
             "print(n[0])\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert int(done.stdout) < 25, done.stdout


def draft() -> str:
    out = io.StringIO()
    log = b"10:00:00 <alice> Topic: Budget\n10:00:05 <alice> bob: fine\n"
    assert minutes_main(["-"], stdin=io.BytesIO(log), stdout=out, stderr=io.StringIO(),
                        env={}) == 0
    return out.getvalue()


def test_minutes_render_without_a_template_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """No private temporary folder to be had: the template is compiled each time, and the
    minutes are the same."""
    cached = draft()
    monkeypatch.setattr("tempfile.gettempdir", lambda: "/proc/no-such-folder")
    assert html._template_cache() is None
    monkeypatch.setattr(html._ENV, "bytecode_cache", None)
    monkeypatch.setattr(html._ENV, "cache", None)
    assert draft() == cached


def test_a_cache_that_cannot_be_read_or_written_is_no_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache folder is gone after it was found (here a file took its place, which stops
    root too): rendering still works, from the template's source."""
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    cache = html._TemplateCache(str(folder))
    folder.rmdir()
    folder.write_text("not a folder")
    cached = draft()
    monkeypatch.setattr(html._ENV, "bytecode_cache", cache)
    monkeypatch.setattr(html._ENV, "cache", None)  # no template kept in memory either
    assert draft() == cached
    assert "<cite>bob:</cite> fine" in cached
