"""Every real log under every option set, through scribe.perl and ``agendum minutes``.

    python bench/minutes_diff.py [--quick] [--log SUBSTRING] [--out FILE]

Prints how many (log, options) pairs give the same document (footer version line aside) and
the same stderr, and writes the unified diffs of the others to ``--out``. The tests
(``tests/test_scribe_differential.py``) check the same pairs; this is the quick overview.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.scribe_oracle import (
    OPTION_SETS,
    REAL_LOGS,
    run_agendum,
    run_scribe_perl,
    without_version,
)


def differences(path: Path, options: tuple[str, ...]) -> list[str]:
    perl, ours = run_scribe_perl(path, options), run_agendum(path, options)
    try:
        a, b = without_version(perl.html), without_version(ours.html)
    except AssertionError:
        a, b = perl.html, ours.html
    html = difflib.unified_diff(a.splitlines(), b.splitlines(), "scribe.perl", "agendum",
                                lineterm="", n=1)
    err = difflib.unified_diff(perl.stderr.splitlines(), ours.stderr.splitlines(),
                               "scribe.perl stderr", "agendum stderr", lineterm="", n=0)
    return [*html, *err]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--quick", action="store_true", help="only -embedDiagnostics")
    parser.add_argument("--log", default="", help="only logs whose name contains this")
    parser.add_argument("--options", default=None, help="only this option set, e.g. '-implicit'")
    parser.add_argument("--out", default="minutes-diff.txt")
    args = parser.parse_args()
    sets = [("-embedDiagnostics",)] if args.quick else OPTION_SETS
    if args.options is not None:
        sets = [tuple(args.options.split())]
    jobs = [(log, opts) for opts in sets for log in REAL_LOGS if args.log in log.name]
    bad = 0
    with open(args.out, "w", encoding="utf-8") as out, ThreadPoolExecutor(4) as pool:
        for (log, opts), diff in zip(jobs, pool.map(lambda j: differences(*j), jobs), strict=True):
            if diff:
                bad += 1
                out.write(f"=== {log.name} {' '.join(opts)}\n" + "\n".join(diff[:80]) + "\n")
    print(f"{len(jobs) - bad}/{len(jobs)} equal; diffs in {args.out}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
