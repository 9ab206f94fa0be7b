"""Paragraph ids: scribe.perl's values (read off the samples), and the batch hash agreeing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scribe.ids import IdPool, hash_many, id_hash
from bot.scribe.inline import to_html


def at(hms: str) -> int:
    h, m, s = map(int, hms.split(":"))
    return h * 3600 + m * 60 + s


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("Announcements etc", at("15:05:20"), "e73c"),  # <h3> in sample-public
        ("Inconsistent description of attributes on <label> etc.", at("15:10:17"), "dcc7"),
        ("Let's get that right...", at("15:01:17"), "f308"),  # descriptive line
        ("Congratulations Erik, on Orbeon 4.5\tanything of interest for us?", at("15:05:40"),
         "6023"),  # speaker with a continuation: segments joined by TAB
        ("Steven to fix inconsistent text on attributes for <label> etc.", at("15:11:25"),
         "3c4d"),  # ACTION text without its prefix
        ('    <item label="male">m</item>', at("15:12:39"), "ac17"),  # leading spaces count
        ("Then I don't think we should do it.", at("15:17:55"), "ffff"),  # the overflow quirk
        ("anything of interest for us?</p>\n", 0, "a953"),  # last span includes </p>\n
        ("which the spec doesn't support (yet)", 0, "0ba1"),  # a middle span
        ("1", at("14:09:39"), "aa18"),  # [slide 1] hashes its number (sample-slides)
    ],
)
def test_id_hash_matches_scribe_perl(text: str, start: int, expected: str) -> None:
    assert f"{id_hash(text, start):04x}" == expected


@pytest.mark.parametrize(
    ("segment", "expected"),
    [("http://lists.w3.org/Archives/Public/public-html-media/2014Apr/0051.html", "dab3"),
     ("we have http://tinyurl.com/pjbhuj3", "2293")],  # sample-team spans with links
)
def test_span_ids_hash_the_escaped_link_markup(segment: str, expected: str) -> None:
    assert f"{id_hash(to_html(segment), 0):04x}" == expected


def test_collisions_count_up_past_ffff_without_wrapping() -> None:
    pool, overflow = IdPool(), "Then I don't think we should do it."
    assert [pool.take(overflow, at("15:17:55")) for _ in range(3)] == ["ffff", "10000", "10001"]
    assert pool.take("Announcements etc", at("15:05:20")) == "e73c"
    assert pool.take("Announcements etc", at("15:05:20")) == "e73d"


def test_reserved_anchor_values_are_skipped() -> None:
    pool = IdPool({0xE73C, 0xE73D})
    assert pool.take("Announcements etc", at("15:05:20")) == "e73e"


def test_a_long_run_of_collisions_stays_cheap_and_exact() -> None:
    pool = IdPool()
    ids = [pool.claim(0xFFFF) for _ in range(50_000)]
    assert ids[0] == "ffff" and ids[-1] == f"{0xFFFF + 49_999:x}"
    assert pool.claim(0x10005) == f"{0xFFFF + 50_000:x}"  # lands inside the run: after its end


TEXTS = st.text(st.characters(exclude_categories=["Cs"]), max_size=400)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(TEXTS, st.integers(0, 86_399)), min_size=1, max_size=120),
       st.integers(0, 3))
def test_batch_hash_equals_the_plain_loop(pairs: list[tuple[str, int]], repeat: int) -> None:
    """Repeated to pass the size where the numpy path takes over."""
    pairs = pairs * (1 + repeat * 40)
    texts, starts = [t for t, _ in pairs], [s for _, s in pairs]
    assert hash_many(texts, starts) == [id_hash(t, s) for t, s in pairs]
