"""Benchmark the minutes engine as a whole process on one core, against the issue's targets.

Every ``RRSAgent, draft minutes`` regenerates the minutes of the whole meeting, so a three-day
face-to-face log must render unnoticed and time must grow linearly with the log. scribe.perl takes
about 1.6 s for 20,000 lines and 21 s for 100,000 (its s/// corrections rescan the whole log: n²).
Targets: 20,000 lines < 0.3 s, 100,000 < 1.5 s, 200,000 < 3 s, peak RSS at 100,000 < 200 MB.

For each size a log from bench/loggen.py is written to a temp file, then
``taskset -c 0 CMD FILE`` (default CMD: ``python -m bot minutes``, stdout to /dev/null) runs
``--repeat`` times after one untimed check run. Reported: median and min wall time, the child's
peak RSS (``ru_maxrss`` from ``os.wait4`` on that child), µs per line, growth against the smallest
size, a linear fit, an ASCII curve, and one in-process timing of the engine alone at the largest
size. The last line is all results as one JSON object. A run slower than ``--timeout`` (30 s) is
killed and larger sizes are skipped (scribe.perl never finishes 200,000 lines).

The package is byte-compiled first (``compileall``), as pip does when it installs it: a machine
that sets PYTHONDONTWRITEBYTECODE would otherwise time the compiling of the sources on every run.
(Compile an older checkout given with ``--cmd`` the same way before comparing.)

Linux records the parent's peak RSS in a child's ``ru_maxrss`` across fork + exec, so this process
stays small while it spawns (logs are written by a loggen child) and prints that floor.

    .venv/bin/python bench/bench_minutes.py [--sizes 20000,100000] [--repeat 5] [--check]
    .venv/bin/python bench/bench_minutes.py --cmd "perl scribe.perl"
"""

from __future__ import annotations

import argparse
import compileall
import gc
import importlib
import json
import os
import resource
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bot, for the in-process measurement
sys.path.insert(0, str(ROOT / "bench"))

from loggen import generate  # noqa: E402

LOGGEN = str(ROOT / "bench" / "loggen.py")
TIME_TARGETS = {20_000: 0.3, 100_000: 1.5, 200_000: 3.0}  # lines -> seconds
RSS_TARGET = (100_000, 200.0)  # lines, MB
DAY = date(2024, 3, 7)


def self_peak_mb() -> float:
    """Our peak RSS: fork + exec carries it into the child's ru_maxrss, a floor for every run."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_once(argv: list[str], timeout: float,
             out: int = subprocess.DEVNULL) -> tuple[float, float] | None:
    """Wall seconds and the child's own peak RSS in MB (not RUSAGE_CHILDREN's running max).

    None if it was killed after ``timeout`` seconds (scribe.perl never finishes 200,000 lines).
    """
    t0 = time.perf_counter()
    # in the log's folder: ``python -m`` puts the working folder first on sys.path, which would
    # shadow a PYTHONPATH given in --cmd (an older checkout to compare); diagnostics are dropped
    proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, cwd=Path(argv[-1]).parent)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    timer.cancel()
    if proc.returncode == -signal.SIGKILL and wall >= timeout:
        return None
    if proc.returncode:
        raise SystemExit(f"bench: {shlex.join(argv)} exited with {proc.returncode}")
    return wall, usage.ru_maxrss / 1024  # KiB on Linux


def command(a: argparse.Namespace, log: Path) -> list[str]:
    """The command to time, checked once: it must write something to stdout."""
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    argv = [*pin, *(shlex.split(a.cmd) if a.cmd else [sys.executable, "-m", "bot", "minutes"])]
    with tempfile.TemporaryFile() as f:
        if run_once([*argv, str(log)], a.timeout, f.fileno()) is None:
            raise SystemExit(f"bench: {shlex.join(argv)} took over {a.timeout} s")
        if f.seek(0, os.SEEK_END):
            return argv
    raise SystemExit(f"bench: {shlex.join(argv)} wrote nothing to stdout")


def _load(spec: str) -> Any:
    """``MODULE:NAME``, imported at run time (mypy need not follow an engine being rewritten)."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _scribe_engine() -> Callable[[str], object]:
    make, render = _load("bot.scribe.pipeline:make_minutes"), _load("bot.scribe.html:render_html")
    return lambda text: render(*make(text))


ENGINES = {"bot.scribe": _scribe_engine}


def engine(spec: str, sample: str) -> tuple[str, Callable[[str], object]] | None:
    """The first engine that renders ``sample`` (which warms it up); None if there is none.

    ``auto`` is bot.scribe (make_minutes + render_html); ``MODULE:FUNC`` names a function
    taking the log text.
    """
    candidates = list(ENGINES.items()) if spec == "auto" else [(spec, lambda: _load(spec))]
    for name, load in candidates:
        try:
            fn = load()
            fn(sample)
            return name, fn
        except Exception as err:  # an engine being rewritten may be half there
            print(f"in-process: {name}: {type(err).__name__}: {err}")
    return None


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares t = a + b·n: (startup seconds, seconds per line)."""
    if len(points) < 2:
        return 0.0, points[0][1] / points[0][0]
    b, a = statistics.linear_regression([n for n, _ in points], [t for _, t in points])
    return a, b


def curve(points: list[tuple[int, float]], line: tuple[float, float], w: int = 64,
          h: int = 16) -> str:
    """Time against lines: ``*`` measured medians, ``.`` the linear fit, ``T`` the targets."""
    xmax = max(n for n, _ in points)
    targets = [(n, t) for n, t in TIME_TARGETS.items() if n <= xmax]
    ymax = 1.05 * max(t for _, t in [*points, *targets, (xmax, line[0] + line[1] * xmax)])
    grid = [[" "] * (w + 1) for _ in range(h + 1)]

    def put(n: float, t: float, ch: str) -> None:
        if 0 <= (r := round(t / ymax * h)) <= h:
            grid[r][round(n / xmax * w)] = ch

    for c in range(w + 1):
        put(xmax * c / w, line[0] + line[1] * xmax * c / w, ".")
    for n, t in targets:
        put(n, t, "T")
    for n, t in points:
        put(n, t, "*")
    rows = [(f"{ymax * r / h:7.2f} s |" if r % 4 == 0 else f"{'|':>11}") + "".join(grid[r])
            for r in range(h, -1, -1)]
    rows += [f"{'+':>11}{'-' * (w + 1)}", f"{'0':>11}{f'{xmax:,} lines':>{w + 1}}",
             f"{'':11}* median   . fit t = a + b·n   T target"]
    return "\n".join(rows)


def in_process(a: argparse.Namespace, n: int, results: dict[str, Any]) -> None:
    if (found := engine(a.engine, generate(2000, a.seed))) is None:
        print("in-process: skipped, no engine function works")
        return
    name, fn = found
    text = generate(n, a.seed)
    gc.collect()
    t0 = time.perf_counter()
    fn(text)
    s = time.perf_counter() - t0
    results["in_process"] = {"engine": name, "lines": n, "s": round(s, 3),
                             "us_per_line": round(s / n * 1e6, 2)}
    print(f"\nin-process engine ({name}), {n:,} lines: {s:.3f} s, {s / n * 1e6:.2f} µs/line")


def check(rows: dict[int, dict[str, float]]) -> list[str]:
    """Missed targets, as messages; targets at sizes not measured are only reported."""
    missed = []
    for n, limit in TIME_TARGETS.items():
        if n not in rows:
            print(f"check: {n:,} lines not measured, its target ({limit} s) not checked")
        elif "median_s" not in rows[n]:
            missed.append(f"{n:,} lines: not finished within --timeout")
        elif rows[n]["median_s"] >= limit:
            missed.append(f"{n:,} lines: median {rows[n]['median_s']:.3f} s >= {limit} s")
    n, mb = RSS_TARGET
    if n in rows and rows[n].get("rss_mb", 0) >= mb:
        missed.append(f"{n:,} lines: peak RSS {rows[n]['rss_mb']:.1f} MB >= {mb} MB")
    return missed


def measure(a: argparse.Namespace, sizes: list[int], results: dict[str, Any]) -> None:
    """Fill ``results["sizes"]``; a size whose run is killed by --timeout ends the series."""
    rows: dict[int, dict[str, float]] = results["sizes"]
    with tempfile.TemporaryDirectory(prefix="agendum-bench-minutes-") as tmp:
        argv: list[str] = []
        for n in sizes:
            log = Path(tmp, f"log-{n}.txt")
            with log.open("wb") as f:  # in a child: the big text must not grow our RSS (below)
                subprocess.run([sys.executable, LOGGEN, str(n), "--seed", str(a.seed)], stdout=f,
                               check=True)
            if not argv:  # one untimed run: checks the command, warms caches
                argv = command(a, log)
                results["cmd"] = shlex.join(argv)
                results["rss_floor_mb"] = round(self_peak_mb(), 1)
                print(f"bench: {results['cmd']} FILE; {results['cpus']} CPUs, load "
                      f"{results['loadavg_before']:.2f}, {a.repeat} runs per size; RSS floor "
                      f"{results['rss_floor_mb']} MB", flush=True)
            runs: list[tuple[float, float]] = []
            while len(runs) < a.repeat and (run := run_once([*argv, str(log)], a.timeout)):
                runs.append(run)
            if len(runs) < a.repeat:
                print(f"{n:>8,} lines: killed after {a.timeout} s; larger sizes skipped")
                rows.update({m: {"timeout_s": a.timeout} for m in sizes if m >= n})
                return
            walls = [w for w, _ in runs]
            med = statistics.median(walls)
            rows[n] = {"median_s": round(med, 4), "min_s": round(min(walls), 4),
                       "rss_mb": round(max(rss for _, rss in runs), 1),
                       "us_per_line": round(med / n * 1e6, 2),
                       "log_mb": round(log.stat().st_size / 2**20, 1)}
            print(f"{n:>8,} lines: median {med:.3f} s, min {min(walls):.3f} s, "
                  f"RSS {rows[n]['rss_mb']} MB", flush=True)


def report(a: argparse.Namespace, sizes: list[int], results: dict[str, Any]) -> None:
    """Markdown table, linear fit, ASCII curve."""
    rows = results["sizes"]
    done = [n for n in sizes if "median_s" in rows.get(n, {})]
    if not done:
        return
    base = done[0]
    a_s, b_s = fit([(n, rows[n]["median_s"]) for n in done])
    results["fit"] = {"startup_s": round(a_s, 3), "us_per_line": round(b_s * 1e6, 2)}
    print(f"\n| lines | log MB | median s | min s | peak RSS MB | µs/line | t/t({base:,}) | "
          f"n/{base:,} | target |\n|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in sizes:
        target = [f"< {TIME_TARGETS[n]} s"] if n in TIME_TARGETS else []
        target += [f"RSS < {RSS_TARGET[1]:.0f} MB"] if n == RSS_TARGET[0] else []
        r = rows.get(n, {})
        cells = ([r["log_mb"], f"{r['median_s']:.3f}", f"{r['min_s']:.3f}", r["rss_mb"],
                  r["us_per_line"], f"{r['median_s'] / rows[base]['median_s']:.2f}"]
                 if n in done else ["", f"> {a.timeout} s", "", "", "", ""])
        print(f"| {n:,} | {' | '.join(map(str, cells))} | {n / base:.2f} | {', '.join(target)} |")
    print(f"\nlinear fit: t = {a_s:.3f} s + {b_s * 1e6:.2f} µs × lines\n")
    print(curve([(n, rows[n]["median_s"]) for n in done], (a_s, b_s)))
    in_process(a, done[-1], results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,50000,100000,150000,200000",
                    help="comma-separated log sizes in lines")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per size")
    ap.add_argument("--cmd", help="command to time, the log file is appended "
                    "(default: python -m bot minutes)")
    ap.add_argument("--engine", default="auto", help="MODULE:FUNC(text) for the in-process "
                    "timing (default: bot.scribe)")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds before a run is killed; larger sizes are then skipped")
    ap.add_argument("--seed", type=int, default=1, help="loggen seed")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    a = ap.parse_args()
    sizes = sorted({int(s) for s in a.sizes.split(",")})
    results: dict[str, Any] = {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()[0],
                               "repeat": a.repeat, "sizes": {}}
    if not shutil.which("taskset"):
        print("note: taskset not found, the command is not pinned to one core")
    for package in ("bot", "plugins"):  # as installed: the sources compiled once
        compileall.compile_dir(str(ROOT / package), quiet=1)
    measure(a, sizes, results)
    report(a, sizes, results)
    missed = check(results["sizes"])
    for m in missed:
        print("MISSED:", m)
    results["missed"] = missed
    print(json.dumps(results, separators=(",", ":")))
    return 1 if a.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
