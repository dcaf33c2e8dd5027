# BVCT — the two commands: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL for the second test run; pytest-django creates (and drops) its own test database.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/bvct
PYTEST_WORKERS ?= 2

.PHONY: run test test-sqlite test-postgres test-fast lint format messages browser clean install install-dev loadtest

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate the embedded SQLite database, load the demo, serve on 127.0.0.1:8000
run: install
	$(BIN)/bvct migrate --noinput
	$(BIN)/bvct demo
	@echo "Serving BVCT at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/bvct runserver $(HOST):$(PORT)

## make test: the whole suite, on SQLite and then on PostgreSQL, with the real browser tests
test: install-dev browser test-sqlite test-postgres

test-sqlite: install-dev
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

test-postgres: install-dev
	@echo "== test suite on PostgreSQL ($(PG_TEST_URL)) =="
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

## make test-fast: SQLite only, no browser tests
test-fast: install-dev
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser"

browser:
	@bash scripts/ensure-chromium.sh

## make loadtest: Locust against gunicorn + PostgreSQL on loopback (not part of `make test`).
## Needs a bench database loaded by bench/loadtest_data.py; see BENCHMARKS.md.
LOADTEST_DB ?= postgres://postgres@127.0.0.1:5432/bvct_load_bench
LOADTEST_ARGS ?= --users 50 --time 5m
loadtest: install-dev
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	DATABASE_URL=$(LOADTEST_DB) $(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bvct config tests conftest.py
	$(BIN)/bvct makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make messages: refresh the Vietnamese catalogue and compile it (needs GNU gettext)
messages: install-dev
	cd bvct && ../$(BIN)/bvct makemessages -l vi -l en --no-obsolete --add-location file
	cd bvct && ../$(BIN)/bvct compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
