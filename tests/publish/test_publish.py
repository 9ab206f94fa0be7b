"""Published file names: channel names from IRC users never escape the publish root, and
files are written atomically."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.core.names import fold
from bot.core.paths import channel_slug, relative_name, url_for
from bot.publish.files import ASSETS, asset, write_assets, write_file

DAY = "2024-03-07"

# Channel names as users may type them: any characters but NUL (and no surrogates).
channel_names = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(["#", "&", "##", "", "#.", "#/"]),
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list("./\\%~:#&*?")),
            st.characters(exclude_characters="\0"),
        ),
        max_size=60,
    ),
)


@pytest.mark.parametrize(
    ("channel", "slug"),
    [
        ("#WG", "wg"),
        ("#wg", "wg"),
        ("#webmachinelearning", "webmachinelearning"),
        ("#web-ml_wg", "web-ml_wg"),
        ("&local", "%z%26local"),  # marked: never collides with "#local" or "#%26local"
    ],
)
def test_channel_slug_is_the_lowercased_name_without_prefix(channel: str, slug: str) -> None:
    assert channel_slug(channel) == slug


@pytest.mark.parametrize(
    "channel", ["#../../etc", "#a/b", "#..", "#.", "#../", "#..\\..\\x", "#%2e%2e%2fetc",
                "#%2F", "#~root", "#/etc/passwd", "#", "&", "#ü/€"]
)
def test_hostile_channel_names_stay_a_single_file_name(channel: str) -> None:
    slug = channel_slug(channel)
    assert slug
    assert "/" not in slug
    assert "\\" not in slug
    assert slug not in (".", "..")
    assert "." not in slug
    assert "\0" not in slug


@pytest.mark.parametrize(
    ("channel", "suffix", "expected"),
    [
        ("#WG", "minutes.html", "2024/03/07-wg-minutes.html"),
        ("#webmachinelearning", "irc.txt", "2024/03/07-webmachinelearning-irc.txt"),
    ],
)
def test_relative_name_follows_rrsagent_layout(channel: str, suffix: str, expected: str) -> None:
    assert relative_name(channel, DAY, suffix) == expected


@given(channel_names)
@example("#../../etc")
@example("#a/b")
@example("#..")
@example("#%2e%2e")
@example("#/../../../../../../etc/passwd")
@example("#wg/../../x")
@example("#日本語")
def test_relative_name_never_escapes_the_root(channel: str) -> None:
    root = Path("/srv/minutes").resolve()
    rel = relative_name(channel, DAY, "minutes.html")
    parts = rel.split("/")
    assert len(parts) == 3
    assert parts[:2] == ["2024", "03"]
    assert parts[2].startswith("07-")
    assert parts[2].endswith("-minutes.html")
    assert not Path(rel).is_absolute()
    resolved = (root / rel).resolve()
    assert resolved.is_relative_to(root)
    assert resolved.parent == root / "2024" / "03"


@given(channel_names, channel_names)
@example("#wg", "##wg")
@example("#wg", "&wg")
@example("#", "#_")
@example("#a.b", "#a%2Eb")
def test_distinct_channels_get_distinct_file_names(a: str, b: str) -> None:
    if fold(a) != fold(b):
        assert relative_name(a, DAY, "minutes.html") != relative_name(b, DAY, "minutes.html")


@given(channel_names)
@example("#日本語の会議")
@example("#café")
@example("#a.b")
def test_minutes_url_leads_to_the_published_file(channel: str) -> None:
    # A web server percent-decodes the request path before looking up the file.
    url = url_for("https://minutes.example/logs/", channel, DAY, "minutes.html")
    path = unquote(urlsplit(url).path)
    assert path == "/logs/" + relative_name(channel, DAY, "minutes.html")


def test_url_for_joins_base_and_name_with_one_slash() -> None:
    for base in ("https://www.w3.org", "https://www.w3.org/"):
        assert (
            url_for(base, "#WG", DAY, "minutes.html")
            == "https://www.w3.org/2024/03/07-wg-minutes.html"
        )


# ---- write_file -----------------------------------------------------------------------------


def test_write_file_creates_folders_and_writes_utf8(tmp_path: Path) -> None:
    rel = relative_name("#WG", DAY, "minutes.html")
    path = write_file(tmp_path, rel, "Présent: Anssi 😀\n")
    assert path == tmp_path / "2024" / "03" / "07-wg-minutes.html"
    assert path.read_bytes() == "Présent: Anssi 😀\n".encode()
    assert path.stat().st_mode & 0o777 == 0o644


def test_write_file_replaces_existing_content_and_leaves_no_temp_files(tmp_path: Path) -> None:
    rel = relative_name("#wg", DAY, "irc.txt")
    write_file(tmp_path, rel, "first version, rather long " * 100)
    path = write_file(tmp_path, rel, "second")
    assert path.read_text(encoding="utf-8") == "second"
    assert sorted(p.name for p in path.parent.iterdir()) == ["07-wg-irc.txt"]


def test_write_file_is_atomic_a_reader_sees_old_or_new_never_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rel = relative_name("#wg", DAY, "minutes.html")
    path = write_file(tmp_path, rel, "old")
    seen_during_write: list[str] = []
    real_replace = os.replace

    def spying_replace(src: str, dst: str) -> None:
        seen_during_write.append(path.read_text(encoding="utf-8"))  # just before the swap
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spying_replace)
    write_file(tmp_path, rel, "new " * 10_000)
    assert seen_during_write == ["old"]
    assert path.read_text(encoding="utf-8") == "new " * 10_000


def test_write_file_failure_keeps_the_old_file_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rel = relative_name("#wg", DAY, "minutes.html")
    path = write_file(tmp_path, rel, "old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_file(tmp_path, rel, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in path.parent.iterdir()] == ["07-wg-minutes.html"]


@pytest.mark.parametrize(
    "channel",
    [
        pytest.param("#" + "w" * 49, id="50-ascii"),  # CHANNELLEN 50, the common limit
        pytest.param("#" + "会議" * 15, id="30-cjk"),
        pytest.param("#" + "ü" * 49, id="50-latin"),
    ],
)
def test_write_file_works_for_long_legal_channel_names(tmp_path: Path, channel: str) -> None:
    rel = relative_name(channel, DAY, "minutes.html")
    path = write_file(tmp_path, rel, "ok")
    assert path.read_text(encoding="utf-8") == "ok"
    assert path.resolve().is_relative_to(tmp_path.resolve())


def test_write_assets_puts_the_sheet_and_icons_beside_the_pages(tmp_path: Path) -> None:
    write_assets(tmp_path)
    for name in ASSETS:
        assert (tmp_path / "static" / name).read_bytes() == asset(name)
    sheet = tmp_path / "static" / "agendum.css"
    sheet.write_text("stale", encoding="utf-8")
    before = {p.name for p in (tmp_path / "static").iterdir()}
    write_assets(tmp_path)
    assert sheet.read_bytes() == asset("agendum.css")  # an old copy is replaced
    assert {p.name for p in (tmp_path / "static").iterdir()} == before  # no temp files left
    css = asset("agendum.css").decode()
    assert "url(" not in css and "@import" not in css, "the sheet must load nothing more"
