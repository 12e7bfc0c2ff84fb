# Myomap: `make run` serves the demo clinic; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install install-dev run test lint types contracts pytest bench lock clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Myomap needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements/lock.txt pyproject.toml
	$(BIN)/pip install -q -r requirements/lock.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.lock
	$(BIN)/pip install -q -r requirements/dev.lock
	@touch $@

## install: the runtime environment in .venv (used by run and test)
install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## run: migrate, load the demo clinic on first start, serve http://$(HOST):$(PORT)
run: install
	$(BIN)/myomap serve --demo --host $(HOST) --port $(PORT)

## test: lint, types, import contract, then every test
test: install-dev lint types contracts pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types:
	$(BIN)/mypy

contracts:
	$(BIN)/lint-imports

pytest:
	$(BIN)/pytest $(PYTEST_ARGS)

## bench: benchmarks, results written to docs/benchmarks.md
bench: install-dev
	$(BIN)/python -m bench

## lock: re-pin dependencies after editing pyproject.toml
lock: install-dev
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile -q pyproject.toml --python-version 3.11 -o requirements/lock.txt
	$(BIN)/uv pip compile -q pyproject.toml --extra dev --python-version 3.11 -o requirements/dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
