"""Reconnect backoff: exponential, capped, jittered."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.irc.connection import backoff_delay


@pytest.mark.parametrize(
    ("attempt", "expected_without_jitter"),
    [(0, 1.0), (1, 2.0), (2, 4.0), (5, 32.0), (6, 60.0), (50, 60.0), (10_000, 60.0)],
)
def test_doubles_from_the_minimum_up_to_the_cap(
    attempt: int, expected_without_jitter: float
) -> None:
    assert backoff_delay(attempt, 1.0, 60.0, jitter=lambda: 1.0) == expected_without_jitter
    assert backoff_delay(attempt, 1.0, 60.0, jitter=lambda: 0.0) == expected_without_jitter / 2


@given(
    st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=0.01, max_value=10),
    st.floats(min_value=10, max_value=600),
    st.floats(min_value=0, max_value=1),
)
def test_delay_stays_between_half_the_step_and_the_cap(
    attempt: int, low: float, high: float, jitter: float
) -> None:
    delay = backoff_delay(attempt, low, high, jitter=lambda: jitter)
    assert low / 2 <= delay <= high


def test_jitter_spreads_reconnects() -> None:
    delays = {round(backoff_delay(3, 1.0, 60.0), 6) for _ in range(50)}
    assert len(delays) > 40
