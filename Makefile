# Matchmaker — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-sqlite test-postgres lint bench install install-test system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e ".[test,dev,st]"

# Debian's chromium (browser tests) and postgresql (the PostgreSQL pass), only when absent
# and only when we may install system packages.
system-deps:
	@bash scripts/system-deps.sh test

# the demo runs in development mode: built-in secret key, plain HTTP, email printed
demo: install
	@bash scripts/system-deps.sh runtime
	MATCHMAKER_DEV=1 $(BIN)/matchmaker migrate --noinput
	MATCHMAKER_DEV=1 $(BIN)/matchmaker load_demo
	@bash scripts/run-demo.sh $(HOST) $(PORT)

test: system-deps install-test
	$(BIN)/pytest -p no:cacheprovider -q tests
	MATCHMAKER_SWEEP_EXAMPLES=2 $(BIN)/python scripts/with_postgres.py $(BIN)/pytest \
		-p no:cacheprovider -q tests --ignore=tests/solver --ignore=tests/matching --ignore=tests/e2e

test-sqlite: install-test
	$(BIN)/pytest -q tests

test-postgres: install-test
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest -q tests --ignore=tests/solver --ignore=tests/matching

lint: install-test
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports

bench: install-test
	$(BIN)/pip install -q -e ".[bench]"
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script --quick || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3 build src/*.egg-info
