"""Matching a replayed history against the stored lines, and what is left as a gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.events import Event, Kind
from bot.core.gaps import LOOKBACK, Recovery, gap_text

T0 = datetime(2026, 3, 7, 15, 10, 3, 250_000, tzinfo=UTC)


def line(seconds: float, text: str, nick: str = "alice", msgid: str | None = None) -> Event:
    return Event(T0 + timedelta(seconds=seconds), "net", "#wg", Kind.MESSAGE, nick, text,
                 msgid=msgid)


def recovery(*stored: Event, back: float = 150.0) -> Recovery:
    return Recovery.around("#wg", T0, T0 + timedelta(seconds=back), stored)


def test_a_line_stored_with_its_msgid_is_known_whatever_its_time() -> None:
    rec = recovery(line(0, "hello", msgid="a1"))
    assert not rec.is_new(line(-0.25, "hello", msgid="a1"))  # replayed to the second
    assert rec.is_new(line(1, "hello", msgid="a2"))
    assert (rec.new, rec.known) == (1, 1)


def test_without_msgids_kind_nick_and_text_match_within_two_seconds_once_each() -> None:
    rec = recovery(line(-1, "q+"), line(0, "q+", nick="bob"))
    assert not rec.is_new(line(-0.5, "q+"))  # a bouncer's stamp, half a second off
    assert rec.is_new(line(0.5, "q+"))  # alice's second q+: the stored one answered already
    assert not rec.is_new(line(0, "q+", nick="Bob"))  # nicks compare folded
    assert rec.is_new(line(10, "q+", nick="bob"))  # too far from the stored one


def test_the_other_personas_copy_of_a_new_line_is_known() -> None:
    rec = recovery()
    assert rec.is_new(line(5, "missed", msgid="m5"))
    assert not rec.is_new(line(5, "missed", msgid="m5"))
    assert rec.is_new(line(6, "missed too"))
    assert not rec.is_new(line(6, "missed too"))


def test_lines_from_before_what_was_loaded_were_heard_at_the_time() -> None:
    rec = recovery()
    assert not rec.is_new(line(-LOOKBACK.total_seconds() - 5, "old"))


def test_a_replay_that_reaches_back_past_the_hole_leaves_no_gap() -> None:
    rec = recovery(line(0, "last heard"))
    rec.is_new(line(0, "last heard"))
    rec.is_new(line(20, "missed"))
    assert rec.gap() is None


def test_a_replay_that_starts_later_leaves_the_beginning_as_a_gap() -> None:
    rec = recovery(line(0, "last heard"))
    rec.is_new(line(60, "oldest kept"))
    assert rec.gap() == (T0, T0 + timedelta(seconds=60))


def test_a_replay_stamped_to_the_second_without_a_stored_line_is_still_a_gap() -> None:
    rec = recovery(line(0, "last heard"))
    assert rec.is_new(line(-0.25, "said just after, stamped to the second"))
    assert rec.gap() == (T0, T0)


def test_the_other_personas_copies_prove_no_overlap() -> None:
    rec = recovery(line(0, "last heard", msgid="a0"))
    for _ in range(2):
        rec.is_new(line(30, "missed", msgid="a9"))
        rec.is_new(line(31, "missed too"))
    assert rec.gap() == (T0, T0 + timedelta(seconds=30))


def test_no_replay_leaves_the_whole_absence_as_a_gap() -> None:
    assert recovery(back=158).gap() == (T0, T0 + timedelta(seconds=158))
    assert recovery(back=0).gap() is None


def test_gap_text() -> None:
    assert gap_text(T0, T0 + timedelta(seconds=158)) == (
        "agendum was away from 15:10:03 to 15:12:41 UTC; lines in between may be missing")


def test_lines_stored_after_the_return_prove_no_overlap() -> None:
    rec = recovery(line(0, "last heard"), line(150, "logging to ...", nick="RRSAgent"))
    assert not rec.is_new(line(150, "logging to ...", nick="RRSAgent"))
    assert rec.gap() == (T0, T0 + timedelta(seconds=150))


def test_the_bots_own_stored_line_does_not_show_the_replay_reaches_back() -> None:
    """Its own lines are stored by its clock without msgid: a replayed "logging to" said on
    its return can match the same line said just before it went away. Matched (never stored
    twice), but no proof that the replay covers the hole."""
    own = Event(T0 - timedelta(seconds=1), "net", "#wg", Kind.MESSAGE, "RRSAgent",
                "logging to x", from_bot=True)
    rec = recovery(own)
    assert not rec.is_new(line(0.5, "logging to x", nick="RRSAgent", msgid="m65"))
    assert rec.is_new(line(60, "missed"))
    assert rec.gap() == (T0, T0 + timedelta(seconds=0.5))
