"""Outgoing text: sanitising, UTF-8-safe splitting, the 512-byte budget and send pacing."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.core.text import TokenBucket, sanitize, split_utf8, text_budget

# Text that often contains spaces, line breaks, NULs and multi-byte characters. No lone
# surrogates: text decoded from IRC bytes never has them (see the test for them below).
messy_text = st.text(
    alphabet=st.one_of(
        st.sampled_from([" ", " ", "a", "é", "€", "😀", "\r", "\n", "\0", "\t"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=600,
)


def rejoins(text: str, pieces: list[str]) -> bool:
    """``text`` is the pieces joined with nothing or one dropped space at each split point."""
    positions = {0}
    for piece in pieces:
        positions = {p + len(piece) for p in positions if text.startswith(piece, p)}
        positions |= {p + 1 for p in positions if text[p : p + 1] == " "}
    return len(text) in positions


# ---- split_utf8 -----------------------------------------------------------------------------


@given(messy_text, st.integers(min_value=4, max_value=600))
@example("😀" * 10, 4)
@example("😀" * 10, 5)
@example("a" + "😀" * 10, 4)
@example("aaaa bbbb", 4)
@example("aaaa ", 4)
@example("", 4)
def test_split_pieces_fit_the_budget_are_valid_utf8_and_rebuild_the_text(
    text: str, budget: int
) -> None:
    pieces = split_utf8(text, budget)
    for piece in pieces:
        data = piece.encode("utf-8")  # raises on a broken character
        assert len(data) <= budget
        assert data.decode("utf-8") == piece
    assert rejoins(text, pieces), pieces


@given(messy_text, st.integers(min_value=4, max_value=600))
def test_split_never_produces_empty_pieces_for_non_empty_text(text: str, budget: int) -> None:
    pieces = split_utf8(text, budget)
    assert pieces
    if text:
        assert all(pieces)


@given(messy_text, st.integers(min_value=4, max_value=600))
def test_text_that_fits_is_sent_unchanged_in_one_piece(text: str, budget: int) -> None:
    if len(text.encode("utf-8")) <= budget:
        assert split_utf8(text, budget) == [text]


def test_split_prefers_the_last_space_before_the_limit() -> None:
    assert split_utf8("hello world again", 12) == ["hello world", "again"]


def test_split_cuts_hard_inside_a_long_word_but_never_inside_a_character() -> None:
    assert split_utf8("ééééé", 4) == ["éé", "éé", "é"]
    assert split_utf8("a€€", 4) == ["a€", "€"]


@pytest.mark.parametrize("budget", [-1, 0, 1, 2, 3])
def test_split_rejects_a_budget_too_small_for_any_character(budget: int) -> None:
    with pytest.raises(ValueError):
        split_utf8("hello", budget)


# ---- sanitize -------------------------------------------------------------------------------


@given(messy_text)
@example("PRIVMSG #wg :hi\r\nQUIT :bye")
@example("\r\n\0")
def test_sanitized_text_never_contains_cr_lf_or_nul(text: str) -> None:
    out = sanitize(text)
    assert "\r" not in out
    assert "\n" not in out
    assert "\0" not in out


@given(st.text(alphabet=st.characters(exclude_characters="\r\n\0", exclude_categories=("Cs",))))
def test_sanitize_leaves_harmless_text_alone(text: str) -> None:
    assert sanitize(text) == text


@pytest.mark.parametrize("surrogate", ["\ud800", "\udfff", "a\udc80b"])
def test_sanitize_replaces_lone_surrogates_which_cannot_be_sent(surrogate: str) -> None:
    out = sanitize(surrogate)
    assert "\ufffd" in out
    out.encode("utf-8")  # would raise on a surrogate


def test_sanitize_turns_a_line_break_into_a_space() -> None:
    assert sanitize("one\r\ntwo\nthree\0four") == "one two three four"


# ---- text_budget ----------------------------------------------------------------------------

nicks = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789[]\\`_^{|}-"),
    min_size=1,
    max_size=30,
)
channels = st.builds(
    lambda prefix, name: prefix + name,
    st.sampled_from(["#", "&", "##"]),
    st.text(
        # channel names come decoded from IRC or from TOML: never lone surrogates
        alphabet=st.characters(exclude_characters=" ,\x07\r\n\0:", exclude_categories=("Cs",)),
        min_size=1,
        max_size=50,
    ),
)


@given(nicks, st.sampled_from(["PRIVMSG", "NOTICE"]), channels)
@example("Zakim", "PRIVMSG", "#webmachinelearning")
@example("RRSAgent", "NOTICE", "#ü€😀" * 12)
def test_a_line_of_the_full_budget_fits_512_bytes_as_relayed(
    nick: str, command: str, target: str
) -> None:
    budget = text_budget(nick, command, target)
    assert budget > 0
    for text in ("x" * budget, "😀" * (budget // 4), "é" * (budget // 2)):
        assert len(text.encode()) <= budget
        relayed = f":{nick}!{'u' * 10}@{'h' * 63} {command} {target} :{text}\r\n"
        assert len(relayed.encode("utf-8")) <= 512


def test_budget_is_not_wasted_for_a_typical_line() -> None:
    budget = text_budget("Zakim", "PRIVMSG", "#wg")
    relayed = f":Zakim!{'u' * 10}@{'h' * 63} PRIVMSG #wg :{'x' * budget}\r\n"
    assert len(relayed.encode()) == 512


def test_budget_shrinks_with_longer_nick_and_target() -> None:
    assert text_budget("Zakim", "PRIVMSG", "#wg") > text_budget("Zakim", "PRIVMSG", "#longer")
    assert text_budget("Zakim", "PRIVMSG", "#wg") > text_budget("ZakimZakim", "PRIVMSG", "#wg")
    # the target counts in bytes, not characters
    assert text_budget("Zakim", "PRIVMSG", "#é") == text_budget("Zakim", "PRIVMSG", "#ab")
    assert text_budget("Zakim", "PRIVMSG", "#€") == text_budget("Zakim", "PRIVMSG", "#abc")


# ---- TokenBucket ----------------------------------------------------------------------------


def test_a_single_line_after_idle_goes_at_once() -> None:
    bucket = TokenBucket(rate=1.0, burst=4)
    assert bucket.delay(1000.0) == 0.0
    bucket.take(1000.0)
    assert bucket.delay(5000.0) == 0.0


def test_a_burst_goes_at_once_then_lines_are_paced_at_the_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=5)
    now = 100.0
    for _ in range(5):
        assert bucket.delay(now) == 0.0
        bucket.take(now)
    assert bucket.delay(now) == pytest.approx(0.5)


def test_waiting_the_announced_delay_is_enough() -> None:
    bucket = TokenBucket(rate=4.0, burst=3)
    now = 0.0
    for _ in range(3):
        bucket.take(now)
    for _ in range(10):
        wait = bucket.delay(now)
        assert wait == pytest.approx(0.25)
        now += wait
        assert bucket.delay(now) == pytest.approx(0.0, abs=1e-9)
        bucket.take(now)


def test_tokens_refill_over_time_but_never_beyond_the_burst() -> None:
    bucket = TokenBucket(rate=1.0, burst=3)
    for _ in range(3):
        bucket.take(0.0)
    assert bucket.delay(0.0) == pytest.approx(1.0)
    assert bucket.delay(1.0) == 0.0  # one token back after a second
    bucket.take(1.0)
    assert bucket.delay(1.0) == pytest.approx(1.0)
    # a long quiet spell refills to the burst, no further
    for _ in range(3):
        assert bucket.delay(1000.0) == 0.0
        bucket.take(1000.0)
    assert bucket.delay(1000.0) == pytest.approx(1.0)


def test_partial_refill_shortens_the_wait() -> None:
    bucket = TokenBucket(rate=1.0, burst=1)
    bucket.take(10.0)
    assert bucket.delay(10.25) == pytest.approx(0.75)
    assert bucket.delay(10.75) == pytest.approx(0.25)


@given(
    st.floats(min_value=0.5, max_value=20.0),
    st.integers(min_value=1, max_value=10),
    st.lists(st.floats(min_value=0.0, max_value=5.0), min_size=1, max_size=60),
)
def test_sending_when_allowed_never_exceeds_burst_plus_rate_times_time(
    rate: float, burst: int, gaps: list[float]
) -> None:
    bucket = TokenBucket(rate=rate, burst=burst)
    start = now = 0.0
    for sent, gap in enumerate(gaps, start=1):
        now += gap
        now += bucket.delay(now)
        bucket.take(now)
        assert sent <= burst + rate * (now - start) + 1e-6


@given(st.text(st.characters(), max_size=200), st.integers(min_value=4, max_value=600))
def test_lone_surrogates_become_replacement_characters_instead_of_crashing(
    text: str, budget: int
) -> None:
    pieces = split_utf8(sanitize(text), budget)
    for piece in pieces:
        assert len(piece.encode("utf-8")) <= budget
