# Two commands on a fresh machine:  `make demo` (the whole DAG on simulated traffic) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rluf-installed

.PHONY: setup demo test test-fast bench dev mlflow-ui validate clean

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

test: $(STAMP)
	$(BIN)/python -m pytest -q tests

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not postgres and not browser" tests

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
