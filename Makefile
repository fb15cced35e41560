# Two commands on a fresh machine:  `make demo` (the whole DAG on simulated traffic) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rluf-installed

.PHONY: setup demo test test-fast lint format bench dev mlflow-ui validate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, from the CPU wheel (a bare `torch` would pull a multi-GB CUDA build)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/rluf demo

# pytest-xdist: one worker per core (TEST_WORKERS=0 runs in one process); --dist loadgroup keeps each
# xdist_group (the session-built daily lake, the server-starting tests) on one worker.
TEST_WORKERS ?= auto
XDIST := -n $(TEST_WORKERS) --dist loadgroup

test: $(STAMP)
	$(BIN)/python -m pytest -q $(XDIST) tests

# the inner loop: unit and contract tests (no slow end-to-end runs, no PostgreSQL, no browser)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q $(XDIST) -m "not slow and not postgres and not browser" tests

# ruff format --check, ruff check, mypy on rluf_core (strictness in pyproject.toml), import layers
lint: $(STAMP)
	$(BIN)/ruff format --check rluf_core rluf_dagster tests benchmarks
	$(BIN)/ruff check rluf_core rluf_dagster tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q tests/test_import_layers.py

format: $(STAMP)
	$(BIN)/ruff format rluf_core rluf_dagster tests benchmarks
	$(BIN)/ruff check --fix rluf_core rluf_dagster tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

dev: $(STAMP)
	$(BIN)/rluf dev

mlflow-ui: $(STAMP)
	$(BIN)/rluf mlflow-ui

validate: $(STAMP)
	$(BIN)/dagster definitions validate -m rluf_dagster.definitions

clean:
	rm -rf .rluf
