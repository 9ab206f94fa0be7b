"""Every real log under every option set, through scribe.perl and ``agendum minutes``.

    python bench/minutes_diff.py [--quick] [--log SUBSTRING] [--out FILE] [--agendum CMD]

Prints how many (log, options) pairs give the same document (footer version line aside) and
the same stderr, then a table of divergence kinds (``divergence_kinds``: each differing hunk
named by the markup of its first line on each side) with the number of pairs showing each,
and writes the unified diffs to ``--out``. The tests (``tests/scribe/test_scribe_differential.py``)
check the same pairs; this is the quick overview. ``--agendum CMD`` runs another build as a
process instead of this one in-process, e.g. an older checkout, to count what a change fixed:

    git worktree add /tmp/old dd61e95
    OLD="env PYTHONPATH=/tmp/old $PWD/.venv/bin/python -m bot minutes"
    python bench/minutes_diff.py --agendum "$OLD"
"""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.scribe_oracle import (
    OPTION_SETS,
    REAL_LOGS,
    Run,
    closest_run,
    divergence_kinds,
    run_agendum,
    run_scribe_perl,
    without_version,
)


def run_command(command: str, path: Path, options: tuple[str, ...]) -> Run:
    """``command OPTIONS LOG`` run in the log's folder (``python -m`` puts the working folder
    first on sys.path, which would shadow a PYTHONPATH given in ``command``)."""
    env = {k: v for k, v in os.environ.items() if k != "SCRIBEOPTIONS"}
    done = subprocess.run([*shlex.split(command), *options, str(path)], capture_output=True,
                          env=env, timeout=120, cwd=path.parent)
    return Run(done.returncode, done.stdout.decode("utf-8", "backslashreplace"),
               done.stderr.decode("utf-8", "backslashreplace"))


def differences(path: Path, options: tuple[str, ...], command: str,
                variants: bool = True) -> tuple[list[str], list[str]]:
    """The unified diff lines and the divergence kinds of one pair (both empty when equal);
    with ``variants``, against scribe.perl's run under another hash order if that one equals."""
    ours = run_command(command, path, options) if command else run_agendum(path, options)
    perl = run_scribe_perl(path, options)
    if variants:
        perl = closest_run(path, options, perl, ours)
    try:
        a, b = without_version(perl.html), without_version(ours.html)
    except AssertionError:
        a, b = perl.html, ours.html
    html = difflib.unified_diff(a.splitlines(), b.splitlines(), "scribe.perl", "agendum",
                                lineterm="", n=1)
    err = difflib.unified_diff(perl.stderr.splitlines(), ours.stderr.splitlines(),
                               "scribe.perl stderr", "agendum stderr", lineterm="", n=0)
    return [*html, *err], divergence_kinds(perl, ours)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--quick", action="store_true", help="only -embedDiagnostics")
    parser.add_argument("--log", default="", help="only logs whose name contains this")
    parser.add_argument("--options", default=None, help="only this option set, e.g. '-implicit'")
    parser.add_argument("--out", default="minutes-diff.txt")
    parser.add_argument("--agendum", default="", help="run this command instead, as a process")
    parser.add_argument("--no-variants", action="store_true",
                        help="don't retry scribe.perl under other hash orders (8 runs a pair)")
    args = parser.parse_args()
    sets = [("-embedDiagnostics",)] if args.quick else OPTION_SETS
    if args.options is not None:
        sets = [tuple(args.options.split())]
    jobs = [(log, opts) for opts in sets for log in REAL_LOGS if args.log in log.name]
    bad, kinds = 0, Counter[str]()
    with open(args.out, "w", encoding="utf-8") as out, ThreadPoolExecutor(4) as pool:
        results = pool.map(
            lambda j: differences(j[0], j[1], args.agendum, not args.no_variants), jobs)
        for (log, opts), (diff, found) in zip(jobs, results, strict=True):
            kinds.update(found)
            if diff:
                bad += 1
                out.write(f"=== {log.name} {' '.join(opts)}\n" + "\n".join(diff[:80]) + "\n")
    print(f"{len(jobs) - bad}/{len(jobs)} equal; diffs in {args.out}")
    if kinds:
        print("\npairs  divergence kind (first differing line of a hunk: scribe.perl => agendum)")
        for kind, count in kinds.most_common():
            print(f"{count:5}  {kind}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
