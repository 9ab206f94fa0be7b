"""Differential tests: ``agendum minutes`` against scribe.perl on real, regression, generated logs.

Every test runs both programs on one log with one option set and requires the same exit status
(0), the same whole HTML document and the same stderr. The only normalisation is the footer's
version line (``>scribe.perl</a> version 246 (...)</address>`` against agendum's ``...by agendum
version 0.1.0.</address>``), which ``normalise`` in tests/support/scribe_oracle.py turns into a
placeholder in both; nothing else is touched, not even white space. Where scribe.perl's own output
depends on Perl's random hash order (``closest_run``), agendum must equal one of the outputs
scribe.perl gives under a few fixed hash seeds. Perl's own run-time warnings ("Use of
uninitialized value ... at scribe.perl line 772") are dropped from scribe.perl's stderr: they
are not diagnostics (``without_perl_warnings``). A difference fails with a
unified diff; the message names the log and the options, never dumps a real log.

- ``test_real_log``: REAL_LOGS × OPTION_SETS (45 logs × 17 option sets = 765 pairs). scribe.perl
  runs once per pair, in a thread pool started by the first of these tests for exactly the pairs
  that pytest collected (so ``-k`` selections run only those), ahead of the tests, which then
  each run agendum in-process and compare. This keeps the module within about two minutes on
  two cores without pytest-xdist.
- ``test_regression``: each case in tests/scribe_regressions/ (NAME.log whose first line,
  ``# options: ...``, is stripped before use; bench/fuzz_minutes.py writes them, shrunk).
- ``test_generated_log``: hypothesis writes whole logs from the manual's grammar
  (tests/support/scribe_loggen.py), 200 examples over four option sets, derandomized so that
  every run tries the same logs. Shrinking is off here (every step would run scribe.perl; the
  fuzz campaign shrinks), so a failure shows the first diverging log as generated.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.support.scribe_loggen import log_bytes
from tests.support.scribe_oracle import (
    OPTION_SETS,
    REAL_LOGS,
    REGRESSIONS,
    Run,
    check_runs,
    closest_run,
    compare_minutes_file,
    describe,
    divergence_kinds,
    hash_order_variants,
    normalise,
    read_regression,
    require_oracle,
    run_agendum,
    run_scribe_perl,
    without_perl_warnings,
    write_regression,
)

Pair = tuple[Path, tuple[str, ...]]
PAIRS: list[Pair] = [(log, options) for log in REAL_LOGS for options in OPTION_SETS]
# scribe.perl is single-threaded; one process per core, while agendum runs in the main thread.
WORKERS = max(2, os.cpu_count() or 1)


def _pair_id(pair: Pair) -> str:
    log, options = pair
    return f"{log.name}:{'_'.join(options) or 'none'}"


class Oracle:
    """scribe.perl's runs of the pairs this session tests, started together, taken in order."""

    def __init__(self, pairs: list[Pair]) -> None:
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="scribe.perl")
        self._runs: dict[Pair, Future[Run]] = {
            pair: self._pool.submit(run_scribe_perl, *pair) for pair in pairs}

    def run(self, pair: Pair) -> Run:
        """scribe.perl's run of ``pair`` (made now if it was not submitted); forgotten after, so
        that 765 documents are not all kept."""
        future = self._runs.pop(pair, None) or self._pool.submit(run_scribe_perl, *pair)
        return future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def oracle(request: pytest.FixtureRequest) -> Iterator[Oracle]:
    """The pool, fed with the real-log pairs of the tests collected in this module."""
    require_oracle()
    module = request.module
    pairs = [cast(Pair, item.callspec.params["pair"]) for item in request.session.items
             if isinstance(item, pytest.Function) and item.module is module
             and item.originalname == "test_real_log"]
    oracle = Oracle(pairs)
    yield oracle
    oracle.close()


def test_the_pairs_are_every_real_log_under_every_option_set() -> None:
    """45 logs (the CCG corpus, the seed meeting, the five samples) × 17 option sets."""
    assert (len(REAL_LOGS), len(OPTION_SETS), len(PAIRS)) == (45, 17, 765)
    assert all(log.is_file() for log in REAL_LOGS), [str(p) for p in REAL_LOGS if not p.is_file()]


@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_real_log(pair: Pair, oracle: Oracle) -> None:
    log, options = pair
    compare_minutes_file(log, options, perl=oracle.run(pair))


REGRESSION_CASES = sorted(REGRESSIONS.glob("*.log"))


def test_there_are_regression_cases() -> None:
    """The directory is where the fuzz campaign leaves what it found; it is never empty (an
    empty parameter list would make pytest skip ``test_regression``)."""
    assert REGRESSION_CASES, f"no regression cases in {REGRESSIONS}"


@pytest.mark.parametrize("case", REGRESSION_CASES, ids=lambda p: p.stem)
def test_regression(case: Path, tmp_path: Path) -> None:
    require_oracle()
    options, log = read_regression(case)
    path = tmp_path / case.name  # the log without its options line, under the case's name
    path.write_bytes(log)
    compare_minutes_file(path, options)


GENERATED_OPTION_SETS = (
    ("-embedDiagnostics",),
    (),  # diagnostics on stderr
    ("-embedDiagnostics", "-implicit", "-emphasis"),
    ("-embedDiagnostics", "-allowSpace", "-dashTopics", "-scribeOnly", "-urlDisplay", "shorten"),
)


@pytest.mark.parametrize("options", GENERATED_OPTION_SETS, ids=lambda o: "_".join(o) or "none")
@settings(derandomize=True, max_examples=50, deadline=None, database=None,
          phases=(Phase.explicit, Phase.generate),
          suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large))
@given(log=log_bytes())
def test_generated_log(options: tuple[str, ...], log: bytes) -> None:
    require_oracle()
    text = log.decode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.txt"
        path.write_bytes(log)
        perl, ours = run_scribe_perl(path, options), run_agendum(path, options)
        perl = closest_run(path, options, perl, ours)
    # the log is in the message: pytest does not show hypothesis' notes for pytest.fail
    check_runs(perl, ours, f"options {describe(options)}, generated log:\n{text}")


# --- The harness itself ---------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(options=st.lists(st.sampled_from(("-implicit", "-urlDisplay", "shorten", "-logo",
                                          "<b>x y</b>", "", "it's")), max_size=4),
       log=st.binary(max_size=200))
def test_a_regression_case_reads_back_as_written(options: list[str], log: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.log"
        write_regression(path, options, log)
        assert read_regression(path) == (tuple(options), log)


def test_scribe_perl_itself_varies_with_the_hash_order() -> None:
    """Why ``closest_run`` exists: one real log gets two different outputs from scribe.perl
    (nicks equal but for letter case, in Perl's hash order) under different hash seeds."""
    log = next(p for p in REAL_LOGS if p.name == "2022-02-01-vcapi-irc.log")
    outputs = {run.stderr for run in hash_order_variants(log, ())}
    assert len(outputs) == 2, len(outputs)


def test_only_perl_warnings_are_dropped_from_scribe_perls_stderr() -> None:
    warning = ("Use of uninitialized value $nick in fc at /x/scribe.perl line 772, <> line 1.\n"
               "Use of uninitialized value in join at scribe.perl line 9.\n")
    kept = "* Succeeded: s/a/b/\n* a line at scribe.perl line 3 of the log\n"
    assert without_perl_warnings(warning + kept + warning) == kept


FOOTERS = (">scribe.perl</a> version 246 (Wed Oct  1 15:02:24 2025 UTC).</address>",
           ">scribe.perl</a> conventions, by agendum version 0.1.0.</address>")


@pytest.mark.parametrize("footer", FOOTERS)
def test_the_normaliser_touches_only_the_version_line(footer: str) -> None:
    page = f"<p>scribe.perl</a> version 1</p>\n{footer}\n</body>\n"
    assert normalise(page) == ("<p>scribe.perl</a> version 1</p>\n"
                               ">scribe.perl</a> VERSION</address>\n</body>\n")


def test_divergence_kinds() -> None:
    """Equal runs have none; each differing hunk is named by the markup of its first lines."""
    page = ("<h2>{}</h2>\n<p>the same</p>\n<p id={} class=irc><cite>&lt;a&gt;</cite> hi</p>\n"
            + FOOTERS[0])
    perl = Run(0, page.format("7 March", "ab12"), "* Succeeded: s/a/b/\n")
    assert divergence_kinds(perl, perl) == []
    ours = Run(0, page.format("", "cd34").replace(FOOTERS[0], FOOTERS[1]), "Succeeded: s/a/b/\n")
    assert divergence_kinds(perl, ours) == [
        "html: <h2>…</h2> => <h2></h2>",
        "html: <p.irc><cite>…</cite>…</p> => <p.irc><cite>…</cite>…</p> [ids]",
        "stderr: the diagnostic without scribe.perl's '* ' before it"]
    assert divergence_kinds(perl, "KeyError at engine.py:12: 'x'") == [
        "agendum raised KeyError at engine.py"]
