"""`make demo` keeps working: the scripted meeting runs and its minutes are published."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[1]


def test_demo_plays_a_meeting_and_publishes_minutes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "demo", "--dir", str(tmp_path), "--pace", "0.05", "--no-stay"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "* Zakim sees RafaelCintron, Joshua_Lochner on the speaker queue" in result.stdout
    assert "<Zakim> RafaelCintron, you wanted to ask about the CR snapshot" in result.stdout
    file = re.search(r"^File: +(\S+)$", result.stdout, re.M)
    assert file, result.stdout
    html = Path(file.group(1)).read_text(encoding="utf-8")
    assert "Demo Working Group Teleconference" in html
    assert "publish the CR snapshot" in html
    # Zakim ran the agenda: its "taken up" lines became the topics; its goodbye the attendance.
    assert re.findall(r"<h3 id=\w+>([^<]+)</h3>", html) == [
        "Welcome and introductions", "CR snapshot", "Next steps"]
    assert "<Zakim> As of this point the attendees have been Anssi, Rafael, Joshua" in result.stdout
    assert (tmp_path / "agendum.db").exists()
    # the web server stopped with the demo
    url = re.search(r"^Minutes: +(\S+)$", result.stdout, re.M)
    assert url
    with pytest.raises(OSError):
        urllib.request.urlopen(url.group(1), timeout=2)
