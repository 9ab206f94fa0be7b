# Two entry points for a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test test-noroot venv lint bench bench-memory bench-meetings bench-minutes bench-restart fuzz-minutes clean

$(BIN)/agendum: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/agendum

# A scripted meeting: throw-away IRC server, agendum on SQLite, published minutes.
demo: venv
	$(BIN)/python -m demo

lint: venv
	$(BIN)/ruff check bot plugins migrations tests bench demo
	$(BIN)/mypy
	$(BIN)/lint-imports

# Installs/starts what the tests need (ngIRCd, PostgreSQL...; see scripts/test-services).
test: lint
	eval "$$(bash scripts/test-services)" && $(BIN)/pytest -q

# No root, nothing installed: the tests that need no IRC server, PostgreSQL or browser.
test-noroot: lint
	$(BIN)/pytest -q -m "not integration and not postgres and not browser"

bench: venv
	$(BIN)/python bench/bench_bot.py

# The daemon's RSS over a 20,000- and a 100,000-line day and their draft minutes (SQLite).
bench-memory: venv
	$(BIN)/python bench/bench_memory.py

bench-meetings: venv
	$(BIN)/python bench/bench_meetings.py --runs 3

bench-minutes: venv
	$(BIN)/python bench/bench_minutes.py

# A start-up on 1,000,000 stored events, without and with a snapshot (bench/README.md).
bench-restart: venv
	$(BIN)/python bench/bench_restart.py

# Generated logs through scribe.perl and agendum; shrunk divergences go to tests/scribe_regressions.
fuzz-minutes: venv
	$(BIN)/python bench/fuzz_minutes.py --logs 50000

clean:
	rm -rf $(VENV) build *.egg-info demo-out
