"""Two connections see every channel line: the first copy counts, repeats still count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.irc.dedupe import Deduper, raw_message_key


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (":alice!a@h PRIVMSG #wg :q+", ":alice!a@h PRIVMSG #wg :q+"),
        (":alice!a@h NOTICE &local :hi", ":alice!a@h NOTICE &local :hi"),
        ("@time=2026-01-01T00:00:00Z;msgid=x1 :alice!a@h PRIVMSG #wg :q+", "x1"),
        ("@time=2026-01-01T00:00:00Z :alice!a@h PRIVMSG #wg :q+", ":alice!a@h PRIVMSG #wg :q+"),
        (":alice!a@h PRIVMSG Zakim :help", None),  # private: each connection its own
        (":alice!a@h JOIN #wg", None),
        (":srv 353 Zakim = #wg :a b", None),
        ("PING :srv", None),
        ("@a=b", None),
        ("", None),
    ],
)
def test_the_key_of_raw_channel_messages(line: str, expected: str | None) -> None:
    assert raw_message_key(line) == expected


def test_the_second_connections_copy_is_a_duplicate() -> None:
    d = Deduper()
    assert d.is_new(0, "x", 1.0)
    assert not d.is_new(1, "x", 1.0)


def test_a_repeated_line_is_new_again_on_both_orders() -> None:
    d = Deduper()
    # alice says "q+" twice; the two connections interleave their copies differently
    assert d.is_new(0, "q+", 1.0)
    assert d.is_new(0, "q+", 1.0)
    assert not d.is_new(1, "q+", 1.0)
    assert not d.is_new(1, "q+", 1.0)
    assert d.is_new(1, "q+", 1.1)  # a third time, seen first by the other connection
    assert not d.is_new(0, "q+", 1.1)


def test_a_connection_that_joined_late_does_not_resurrect_old_lines() -> None:
    d = Deduper()
    assert d.is_new(0, "hello", 1.0)  # only connection 0 was in the channel
    assert d.is_new(0, "hello", 2.0)  # said again after connection 1 joined...
    assert not d.is_new(1, "hello", 2.0)  # ...whose single copy is the second line's


def test_keys_expire_after_the_window() -> None:
    d = Deduper(window=5.0)
    d.is_new(0, "a", 100.0)
    assert len(d) == 1
    d.is_new(0, "b", 106.5)
    assert len(d) == 1  # "a" is gone, "b" stays
    assert d.is_new(1, "a", 106.5)  # a copy arriving after the window counts as new


@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from("abc")), max_size=60))
def test_every_line_is_kept_once_when_both_connections_see_everything(
    arrivals: list[tuple[int, str]],
) -> None:
    """Both connections receive the same sequence; however their copies interleave, the
    number of lines kept equals the number of lines said."""
    said = [key for _, key in arrivals]
    d = Deduper()
    kept = 0
    queues = {0: list(said), 1: list(said)}
    order = [src for src, _ in arrivals] + [0] * len(said) + [1] * len(said)
    for src in order:
        if queues[src]:
            kept += d.is_new(src, queues[src].pop(0), 1.0)
    assert kept == len(said)


@given(st.lists(st.tuples(st.integers(0, 2), st.sampled_from("abc")), max_size=60),
       st.booleans())
def test_three_connections_keep_every_line_once(
    arrivals: list[tuple[int, str]], third_present: bool,
) -> None:
    """With gb's connection as a third (in the channel or not), however the copies
    interleave, each line said is kept exactly once, and nothing lingers once all saw it."""
    said = [key for _, key in arrivals]
    d = Deduper(sources=3)
    kept = 0
    present = (0, 1, 2) if third_present else (0, 1)
    queues = {src: list(said) for src in present}
    order = [src for src, _ in arrivals if src in present] + [
        src for src in present for _ in said]
    for src in order:
        if queues[src]:
            kept += d.is_new(src, queues[src].pop(0), 1.0)
    assert kept == len(said)
    if third_present:
        assert len(d) == 0
