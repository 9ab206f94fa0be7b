"""A long differential campaign: generated logs through scribe.perl and ``agendum minutes``.

    python bench/fuzz_minutes.py [--logs 50000] [--seed 1] [--jobs 2] [--no-write]
    make fuzz-minutes

Logs come from the strategies of tests/support/scribe_loggen.py (the tests' own), drawn by
hypothesis' generator from a seeded ``random.Random`` (no example database, no mutation of
earlier examples: each log is an independent draw, and the same ``--seed`` gives the same
logs). Worker processes (``--jobs``, one per core by default; each scribe.perl run is about
60 ms) run both programs on each log under an option set drawn with it, and classify every
difference by its first differing line on each side (``divergence_kinds`` in
tests/support/scribe_oracle.py: the line's markup, text masked), one kind per differing hunk.

Then the most frequent kinds (``--max-shrink``) that no case in ``--out-dir``
(tests/scribe_regressions) shows yet are shrunk, each from the smallest log that showed it,
while it still shows that kind (at most ``--shrink-budget`` runs): options dropped one at a
time, then a delta debugger over lines, then over the words and characters of each remaining
line. Each shrunk case is written there (at most ``--max-write``) as ``KIND-SLUG-HASH.log``
with a ``# options: ...`` first line; review them and keep a few distinct ones.

Prints progress per chunk, then a table of divergence kinds (logs showing each, share), then
each shrunk example as it is done; ``--report FILE`` also writes those to a file. Ctrl-C or
SIGTERM stops the campaign and prints the table so far. Exits 0 (the campaign is a measurement;
the tests are what fails).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import random
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis.control import BuildContext
from hypothesis.errors import StopTest
from hypothesis.internal.conjecture.data import ConjectureData

from tests.support.scribe_loggen import cases
from tests.support.scribe_oracle import (
    PERL_WARNING,
    REGRESSIONS,
    describe,
    divergence_kinds,
    read_regression,
    run_both,
    write_regression,
)

Case = tuple[bytes, tuple[str, ...]]
AGENDUM_TIMEOUT = 60  # seconds for one agendum run before it counts as hung


# --- Running one case (in a worker) ---------------------------------------------------------


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError(f"agendum ran over {AGENDUM_TIMEOUT} s")


def kinds_of(case: Case) -> list[str]:
    """The divergence kinds of one case ([] when both programs agree); a scribe.perl time-out
    and an agendum crash or hang are kinds too."""
    log, options = case
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(AGENDUM_TIMEOUT + 60)  # scribe.perl has its own 60 s limit inside
    try:
        perl, ours = run_both(log, options)
    except Exception as e:  # scribe.perl's time-out, or perl missing
        return [f"scribe.perl failed: {type(e).__name__}"]
    finally:
        signal.alarm(0)
    return divergence_kinds(perl, ours)


def generate(rnd: random.Random) -> Case:
    """One independent draw of ``cases()`` from hypothesis' generator, seeded by ``rnd``."""
    strategy = cases()
    while True:
        # hypothesis' own engine would mutate earlier examples; this is one fresh random draw,
        # through its internal API (ConjectureData, BuildContext), as @given's generation does
        data = ConjectureData(random=rnd)
        try:
            with BuildContext(data, is_final=False, wrapped_test=generate):
                return data.draw(strategy)
        except StopTest:  # ran over hypothesis' size limit: draw again
            continue


@dataclass
class Tally:
    """What a chunk (or the whole campaign) found."""

    logs: int = 0
    divergent: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    alone: Counter[str] = field(default_factory=Counter)  # logs where it is the only kind
    by_options: Counter[str] = field(default_factory=Counter)
    divergent_by_options: Counter[str] = field(default_factory=Counter)
    smallest: dict[str, Case] = field(default_factory=dict)  # kind -> its smallest log

    def add(self, other: Tally) -> None:
        self.logs += other.logs
        self.divergent += other.divergent
        self.kinds.update(other.kinds)
        self.alone.update(other.alone)
        self.by_options.update(other.by_options)
        self.divergent_by_options.update(other.divergent_by_options)
        for kind, case in other.smallest.items():
            if kind not in self.smallest or len(case[0]) < len(self.smallest[kind][0]):
                self.smallest[kind] = case


def run_chunk(seed: int, chunk: int, size: int) -> Tally:
    """``size`` generated cases from the chunk's own random stream, run and classified."""
    rnd = random.Random(f"fuzz-minutes:{seed}:{chunk}")
    tally = Tally()
    for _ in range(size):
        case = generate(rnd)
        kinds = kinds_of(case)
        tally.logs += 1
        tally.by_options[describe(case[1])] += 1
        if kinds:
            tally.divergent += 1
            if len(kinds) == 1:
                tally.alone[kinds[0]] += 1
            tally.divergent_by_options[describe(case[1])] += 1
        for kind in kinds:
            tally.kinds[kind] += 1
            if kind not in tally.smallest or len(case[0]) < len(tally.smallest[kind][0]):
                tally.smallest[kind] = case
    return tally


# --- Shrinking ------------------------------------------------------------------------------


def ddmin(items: list[bytes], keeps: Callable[[list[bytes]], bool]) -> list[bytes]:
    """Zeller's delta debugging: a 1-minimal sublist of ``items`` that still ``keeps`` the
    property (removing any one remaining item loses it)."""
    n = 2
    while len(items) >= 2:
        size = len(items) // n
        chunks = [items[i:i + size] for i in range(0, len(items), size)] if size else [items]
        for i in range(len(chunks)):
            rest = [x for j, c in enumerate(chunks) if j != i for x in c]
            if keeps(rest):
                items, n = rest, max(n - 1, 2)
                break
        else:
            if n >= len(items):
                break
            n = min(len(items), n * 2)
    if len(items) == 1 and keeps([]):
        return []
    return items


def _words(line: bytes) -> list[bytes]:
    """A line cut into words, each with the spaces before it (so that joining gives it back)."""
    return re.findall(rb" *[^ ]+| +$", line) or [line]


def _chars(line: bytes) -> list[bytes]:
    """A short line cut into characters (whole UTF-8 sequences); a long one left whole."""
    text = line.decode("utf-8", "surrogateescape")
    return [c.encode("utf-8", "surrogateescape") for c in text] if len(text) <= 80 else [line]


def _shrink_line(lines: list[bytes], j: int, keeps: Callable[[list[bytes]], bool]) -> bytes:
    """Line ``j`` of ``lines`` with as many words, then characters, removed as ``keeps`` lets."""
    body = lines[j].rstrip(b"\r\n")
    end = lines[j][len(body):]

    def with_line(parts: list[bytes]) -> bool:
        return keeps([*lines[:j], b"".join(parts) + end, *lines[j + 1:]])
    for unit in (_words, _chars):
        parts = unit(body)
        if len(parts) > 1:
            body = b"".join(ddmin(parts, with_line))
    return body + end


def shrink(case: Case, kind: str, budget: int = 800) -> Case:
    """The smallest variant of ``case`` found that still shows ``kind``, within ``budget`` runs."""
    runs = 0

    def shows(candidate: Case) -> bool:
        nonlocal runs
        if runs >= budget:
            return False
        runs += 1
        return kind in kinds_of(candidate)

    log, options = case
    i = 0
    while i < len(options):  # drop an option (with its value, for -urlDisplay and the like)
        width = 2 if i + 1 < len(options) and not options[i + 1].startswith("-") else 1
        fewer = options[:i] + options[i + width:]
        if shows((log, fewer)):
            options = fewer
        else:
            i += width
    for _ in range(2):
        before = log
        lines = log.splitlines(keepends=True)
        log = b"".join(ddmin(lines, lambda ls: shows((b"".join(ls), options))))
        lines = log.splitlines(keepends=True)
        for j in range(len(lines)):
            lines[j] = _shrink_line(lines, j, lambda ls: shows((b"".join(ls), options)))
        log = b"".join(lines)
        if log == before:
            break
    return log, options  # every step kept was checked to show the kind


# --- The campaign ---------------------------------------------------------------------------


def _slug(kind: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")
    return words[:48].rstrip("-")


def _case_name(kind: str, log: bytes) -> str:
    """KIND-SLUG-HASH.log, the hash of the kind and the log: a case fixed long ago and a new
    log of the same kind never share a name, so no case is overwritten."""
    digest = hashlib.sha1(kind.encode() + b"\0" + log).hexdigest()[:8]
    return f"{_slug(kind)}-{digest}.log"


def known_kinds(directory: Path, pool: ProcessPoolExecutor) -> set[str]:
    """The kinds the existing regression cases still show (to write no second case of one)."""
    paths = sorted(directory.glob("*.log"))
    found: set[str] = set()
    loaded = [read_regression(p) for p in paths]
    for kinds in pool.map(kinds_of, [(log, options) for options, log in loaded]):
        found.update(kinds)
    return found


def chunks(total: int, size: int) -> Iterator[tuple[int, int]]:
    for chunk, start in enumerate(range(0, total, size)):
        yield chunk, min(size, total - start)


def _show(log: bytes) -> str:
    text = log.decode("utf-8", "backslashreplace")
    return "\n".join("    " + line for line in text.split("\n")) if text else "    (empty log)"


def _die_with_parent() -> None:
    """Worker initializer: on Linux, have the kernel end the worker when the campaign ends
    (a killed campaign leaves no workers behind running scribe.perl)."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (``kill``, a job control that sends no SIGINT) stops the campaign like Ctrl-C."""
    raise KeyboardInterrupt


def table(total: Tally, args: argparse.Namespace, elapsed: float, interrupted: bool) -> list[str]:
    """The summary: divergence rate, rate per option set, and the kinds with their counts."""
    rate = total.divergent / max(total.logs, 1)
    out = [f"{total.logs} generated logs (seed {args.seed}{', interrupted' if interrupted else ''}"
           f"), {total.divergent} diverge ({rate:.1%}); {len(total.kinds)} kinds; "
           f"{elapsed:.0f} s with {args.jobs} jobs", "",
           f"{'options':<60} {'logs':>6} {'diverge':>8}"]
    for named, n in total.by_options.most_common():
        out.append(f"{named:<60} {n:>6} {total.divergent_by_options[named] / n:>8.1%}")
    out += ["", "logs: that show the kind; alone: where it is the only one (fixing it alone makes "
            "those equal)", f"{'#':>3} {'logs':>6} {'share':>6} {'alone':>6}  kind (first "
            "differing line of a hunk: scribe.perl => agendum)"]
    for i, (kind, n) in enumerate(total.kinds.most_common(args.top), 1):
        out.append(f"{i:>3} {n:>6} {n / max(total.logs, 1):>6.1%} {total.alone[kind]:>6}  {kind}")
    return out


def reshrink(paths: list[Path], jobs: int, budget: int) -> int:
    """Shrink existing regression cases again (a campaign's budget may have stopped early)."""
    loaded = {p: read_regression(p) for p in paths}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_die_with_parent) as pool:
        kinds = dict(zip(paths, pool.map(kinds_of, [(log, o) for o, log in loaded.values()]),
                         strict=True))
        runs = {pool.submit(shrink, (loaded[p][1], loaded[p][0]), kinds[p][0], budget): p
                for p in paths if kinds[p]}
        for p in paths:
            if not kinds[p]:
                print(f"{p.name}: the programs agree now; left as it is")
        for done in as_completed(runs):
            path = runs[done]
            log, options = done.result()
            write_regression(path, options, log)
            print(f"{path.name}: {len(loaded[path][1])} -> {len(log)} bytes, "
                  f"options {describe(options)}\n{_show(log)}", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logs", type=int, default=2000, help="generated logs (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk", type=int, default=50, help="logs per work unit")
    parser.add_argument("--max-shrink", type=int, default=12, help="kinds to shrink")
    parser.add_argument("--shrink-budget", type=int, default=300, help="runs per shrink")
    parser.add_argument("--max-write", type=int, default=8, help="new regression cases")
    parser.add_argument("--out-dir", type=Path, default=REGRESSIONS)
    parser.add_argument("--no-write", action="store_true", help="write no regression case")
    parser.add_argument("--report", type=Path, help="also write the summary here")
    parser.add_argument("--top", type=int, default=40, help="kinds in the table")
    parser.add_argument("--skip-kind", action="append", default=[PERL_WARNING], metavar="TEXT",
                        help="shrink no kind containing TEXT (a deliberate difference; "
                        "default: scribe.perl's Perl warnings)")
    parser.add_argument("--reshrink", type=Path, nargs="+", metavar="CASE",
                        help="no campaign: shrink these regression cases further (by the "
                        "first kind each shows), rewriting them in place")
    args = parser.parse_args()
    if args.reshrink:
        return reshrink(args.reshrink, args.jobs, args.shrink_budget)

    def report(lines: list[str]) -> None:
        print("\n".join(lines), flush=True)
        if args.report:
            with args.report.open("a", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")

    if args.report:
        args.report.write_text("", encoding="utf-8")
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    total, interrupted = Tally(), False
    written: list[Path] = []
    # spawn: a fresh interpreter per worker, nothing inherited from this process's threads
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(args.jobs, mp_context=context, initializer=_die_with_parent) as pool:
        futures = [pool.submit(run_chunk, args.seed, chunk, size)
                   for chunk, size in chunks(args.logs, args.chunk)]
        try:
            for future in futures:
                total.add(future.result())
                rate = total.divergent / total.logs
                print(f"{total.logs:>7}/{args.logs} logs, {total.divergent} divergent "
                      f"({rate:.1%}), {len(total.kinds)} kinds, "
                      f"{time.monotonic() - started:.0f} s", flush=True)
        except KeyboardInterrupt:  # Ctrl-C: the table of what was run, no shrinking
            interrupted = True
            for future in futures:
                future.cancel()
        report(table(total, args, time.monotonic() - started, interrupted))
        if interrupted:
            return 0

        # shrink the most frequent kinds that no regression case shows yet
        known = set() if args.no_write else known_kinds(args.out_dir, pool)
        to_shrink = [k for k, _ in total.kinds.most_common() if k not in known
                     and not any(skip in k for skip in args.skip_kind)][:args.max_shrink]
        jobs = {pool.submit(shrink, total.smallest[k], k, args.shrink_budget): k
                for k in to_shrink}
        for i, done in enumerate(as_completed(jobs), 1):
            kind = jobs[done]
            log, options = done.result()
            lines = ["", f"--- shrunk {i}/{len(jobs)} ({total.kinds[kind]} logs): {kind}",
                     f"    options: {describe(options)}; {len(log)} bytes, "
                     f"{len(log.splitlines())} lines:", _show(log)]
            if not args.no_write and len(written) < args.max_write:
                path = args.out_dir / _case_name(kind, log)
                path.parent.mkdir(parents=True, exist_ok=True)
                write_regression(path, options, log)
                written.append(path)
                lines.append(f"    written: {path}")
            report(lines)
    if written:
        report(["", f"{len(written)} new regression case(s) in {args.out_dir}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
