"""`make demo` shows the product: a scripted meeting, minuted and served by agendum itself.

Real parts throughout: the demo as a process, the ngIRCd it starts, the agendum process it
runs (serving its own web pages with ``[web] in_run``) and HTTP to the URLs it prints.
"""

from __future__ import annotations

import contextlib
import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
DEMO = [sys.executable, "-m", "demo", "--pace", "0.05"]
TOPICS = ["Welcome and introductions", "CR snapshot", "Next steps"]


def fetch(url: str) -> str:
    """The page's text; a status other than 200 raises (urllib's HTTPError)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, url
        return str(response.read().decode("utf-8"))


def printed(out: str, label: str) -> str:
    """The URL or path the demo printed after ``label:``."""
    found = re.search(rf"^{label}: +(\S+)$", out, re.M)
    assert found, f"the demo printed no {label!r} line:\n{out}"
    return found.group(1)


def topics(html: str) -> list[str]:
    return re.findall(r"<h3 id=\w+>([^<]+)</h3>", html)


@pytest.fixture
def running_demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The demo with ``--stay``, once it says it is still running: (process, its output)."""
    proc = subprocess.Popen([*DEMO, "--dir", str(tmp_path), "--stay"], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:  # in a thread: a read from a pipe cannot time out
        for line in proc.stdout or ():
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    out, deadline = "", time.monotonic() + 90
    try:
        while "Still running" not in out:
            assert proc.poll() is None and time.monotonic() < deadline, out
            with contextlib.suppress(queue.Empty):
                out += lines.get(timeout=0.5)
        yield proc, out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_demo_serves_its_meeting_on_agendums_own_pages(
        running_demo: tuple[subprocess.Popen[str], str], tmp_path: Path) -> None:
    proc, out = running_demo
    assert "* Zakim sees RafaelCintron, Joshua_Lochner on the speaker queue" in out

    minutes = fetch(printed(out, "Minutes"))
    assert "Demo Working Group Teleconference" in minutes
    assert topics(minutes) == TOPICS
    # The minutes' "IRC log" link: the day's log, from the bot's database.
    link = re.search(r'<a href="([^"]+)"><img alt="IRC log\.', minutes)
    assert link, minutes
    assert "RESOLUTION: publish the CR snapshot" in fetch(link.group(1))
    irc_log = fetch(printed(out, "IRC log"))
    assert "IRC log of #demo" in irc_log and "ack RafaelCintron" in irc_log

    # What RRSAgent said in the channel leads to pages that exist.
    logging_to = re.search(r"<RRSAgent> logging to (\S+)", out)
    assert logging_to, out
    assert "Zakim, start meeting" in fetch(logging_to.group(1))
    recorded = re.search(r"<RRSAgent> recorded in (\S+)#(T[\d-]+)$", out, re.M)
    assert recorded, out
    page = fetch(recorded.group(1))
    assert f'id="{recorded.group(2)}"' in page
    assert "ACTION: anssik to send the transition request" in page

    index = fetch(printed(out, "Index"))
    assert "#demo" in index and re.search(r'href="[^"]*-minutes\.html">minutes<', index)
    live_url = printed(out, "Live")
    assert "/live/demo/stream" in fetch(live_url)
    with urllib.request.urlopen(live_url + "/stream", timeout=10) as stream:
        first = next(ln for ln in stream if ln.startswith(b"data: "))
    assert "publish the CR snapshot" in json.loads(first[6:])
    # Search: the full-text index is filled while the database writer is idle.
    deadline = time.monotonic() + 10
    while True:  # the words found are highlighted (<mark>): read the results as text
        hits = fetch(printed(out, "Search"))
        if "the snapshot looks good to us" in re.sub(r"<[^>]*>", "", hits):
            break
        assert time.monotonic() < deadline, hits
        time.sleep(0.2)

    # All those requests: none of them in the bot's log (no access log at INFO).
    assert "GET /" not in (tmp_path / "agendum.log").read_text(encoding="utf-8")

    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 0
    with pytest.raises(OSError):  # the pages went away with the demo
        fetch(printed(out, "Index"))


def test_a_second_run_in_the_same_dir_starts_clean(tmp_path: Path) -> None:
    """Each run minutes its own meeting once; files the demo did not write are left alone."""
    (tmp_path / "public").mkdir()
    mine = [tmp_path / "notes.txt", tmp_path / "public" / "index.html"]
    for path in mine:
        path.write_text("not the demo's", encoding="utf-8")
    for _run in range(2):
        result = subprocess.run([*DEMO, "--dir", str(tmp_path), "--no-stay"], cwd=ROOT,
                                capture_output=True, text=True, timeout=120,
                                stdin=subprocess.DEVNULL)
        out = result.stdout
        assert result.returncode == 0, out + result.stderr
        assert "<Zakim> RafaelCintron, you wanted to ask about the CR snapshot" in out
        assert "<Zakim> As of this point the attendees have been Anssi, Rafael, Joshua" in out
        html = Path(printed(out, "File")).read_text(encoding="utf-8")
        assert topics(html) == TOPICS
        assert len(re.findall(r"class=resolution>.*publish the CR snapshot", html)) == 1
        assert len(re.findall(r"class=action>.*send the transition request", html)) == 1
        assert html.count("publish the CR snapshot") == 2  # the paragraph and the summary
        with pytest.raises(OSError):  # the web side stopped with the demo
            fetch(printed(out, "Minutes"))
    assert all(p.read_text(encoding="utf-8") == "not the demo's" for p in mine)
