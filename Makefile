# Two entry points for a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test venv lint bench clean

$(BIN)/agendum: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/agendum

demo: venv
	$(BIN)/python -m bot.demo

test: venv
	$(BIN)/ruff check bot plugins migrations tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: venv
	$(BIN)/python bench/bench_bot.py

clean:
	rm -rf $(VENV) build *.egg-info
