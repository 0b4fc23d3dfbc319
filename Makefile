# Lentera — the two commands are `make run` and `make test`; the rest are helpers.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: run test lint format translations messages install install-dev migrate sync bench bench-content bench-certs bench-kolibri bench-roster bench-hr clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

install: $(VENV)/.runtime-installed translations
install-dev: $(VENV)/.dev-installed translations

translations: | $(VENV)/bin/python
	$(PY) -m pip show -q Babel >/dev/null 2>&1 || $(PY) -m pip install -q -r requirements.txt
	$(VENV)/bin/pybabel compile -f -d lms/translations 2>/dev/null

## Extract UI strings into the catalogue and merge them into the English translation.
messages: install-dev
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o lms/translations/messages.pot .
	$(VENV)/bin/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching

migrate: install
	mkdir -p instance
	$(FLASK) db upgrade

sync: migrate
	$(FLASK) content sync

## Fresh clone to a running server: venv, install, migrate, sync content, first admin, serve.
run: sync
	$(FLASK) setup
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## The whole suite: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set.
test: install-dev lint
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## Benchmarks (not timed tests): each writes its section of docs/performance.md.
bench-content: install-dev
	$(PY) -m bench.bench_content

bench-certs: install-dev
	$(PY) -m bench.bench_certs

## The lesson page against a naive Flask lesson page and against Kolibri (installed into .bench/ on first use; ~3 minutes).
bench-kolibri: install-dev
	@command -v wrk >/dev/null 2>&1 || { echo "bench-kolibri: wrk is missing; install it with: sudo apt-get install wrk"; exit 1; }
	$(PY) -m bench.bench_kolibri $(BENCH_ARGS)

## Roster import: 13,000 accounts, a 15,000-row roster previewed and confirmed, a 20,000-row preview (SQLite
## and PostgreSQL at BENCH_PG_URL, a database of its own that it empties).
bench-roster: install-dev
	$(PY) -m bench.bench_roster $(BENCH_ARGS)
## HR desk at city scale (15,000 ASN) on SQLite and PostgreSQL (database bench_hr); BENCH_ARGS="--help" lists options.
bench-hr: install-dev
	$(PY) -m bench.bench_hr $(BENCH_ARGS)

## Load test on SQLite and PostgreSQL (Locust + wrk against gunicorn; ~6 minutes). BENCH_ARGS="--help" lists options.
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then echo "bench: installing wrk (Debian package)"; \
	    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
	  else echo "bench: wrk is missing; install it with: sudo apt-get install wrk"; exit 1; fi; }
	$(PY) -m bench.bench_load $(BENCH_ARGS)
