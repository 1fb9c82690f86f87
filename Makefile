# Two commands for a fresh machine: `make run` serves the site, `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3.13
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
MANAGE := $(PY) manage.py

.PHONY: run dev test lint format check-python venv deps dev-deps setup migrate fixtures static editor clean backup restore loadtest bench bench-large test-postgres

check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found. Install Python 3.12 or newer (pyenv reads .python-version) or run 'make PYTHON=python3.12 ...'." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { echo "error: Django 6.1 needs Python 3.12 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1)." >&2; exit 1; }

$(VENV)/bin/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt $(VENV)/.deps
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/bin/python
deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

migrate: deps
	$(MANAGE) migrate --no-input

# Inserts only fixture objects not yet in the database (an editor's changes are never
# overwritten) and records their first history version, so the first edit can be undone.
fixtures: migrate
	$(MANAGE) seed_catalogue

static: deps
	$(MANAGE) collectstatic --no-input --verbosity 0

setup: fixtures static

# `make run` serves the site as visitors get it: gunicorn with DEBUG off (our own 404 and 500
# pages), hashed static files from WhiteNoise, and a secret key made once per checkout in
# .secret_key (git-ignored, 0600) and reused on every run, so sessions survive a restart. It
# serves plain HTTP on loopback: no redirect to HTTPS, no Secure-only cookies. Each of these
# can be overridden from the environment (DJANGO_DEBUG=1 make run: the same with Django's
# debug pages); a DJANGO_SECRET_KEY in the environment wins over the file.
DJANGO_DEBUG ?= 0
DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
DJANGO_SECURE_SSL_REDIRECT ?= 0
DJANGO_SECURE_COOKIES ?= 0
SECRET_KEY_FILE := .secret_key
RUN_ENV = DJANGO_DEBUG=$(DJANGO_DEBUG) DJANGO_ALLOWED_HOSTS=$(DJANGO_ALLOWED_HOSTS) \
	DJANGO_SECURE_SSL_REDIRECT=$(DJANGO_SECURE_SSL_REDIRECT) DJANGO_SECURE_COOKIES=$(DJANGO_SECURE_COOKIES) \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}"

$(SECRET_KEY_FILE): | $(VENV)/bin/python
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@.tmp && mv $@.tmp $@
	@echo "Created $@: the secret key of this checkout's make run (git-ignored, readable by you only)"

run: check-python setup $(SECRET_KEY_FILE)
	@echo "Serving the OST timeline at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/; create an editor with 'make editor')"
	PORT=$(PORT) $(RUN_ENV) $(VENV)/bin/gunicorn --config gunicorn.conf.py

# Development: Django's runserver with DEBUG on (yellow debug pages with tracebacks, reloads
# when code changes, static files straight from static/), on the same database and port.
dev: check-python setup
	@echo "Serving the OST timeline with DEBUG on at http://127.0.0.1:$(PORT)/  (Django's debug pages; not for visitors)"
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

editor: migrate
	$(MANAGE) createsuperuser

test: check-python dev-deps
	$(VENV)/bin/pytest

# The same suite on PostgreSQL (psycopg 3) and Redis; pytest-django creates test_<name>.
# Redis DB 1 is flushed between tests: give the run a DB number nothing else uses.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
test-postgres: check-python dev-deps
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest

# Requests per second and latency (wrk) for cached and uncached pages next to a static
# file of the same size, through gunicorn as `make run` starts it; see docs/performance.md.
bench: dev-deps
	$(PY) bench/bench.py $(BENCH_ARGS)

# The same with 20,000 generated works on top; compares uncached medians with the seed catalogue.
bench-large: dev-deps
	$(PY) bench/bench.py --large 20000 $(BENCH_ARGS)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Whole-catalogue backup (history and editor accounts included) into backups/; prints the file's path.
backup: migrate
	@$(MANAGE) backup_catalogue

# Load a backup into the empty, migrated database DATABASE_URL names: make restore FILE=backups/catalogue-....json
restore: migrate
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/catalogue-YYYYmmdd-HHMMSS.json" >&2; exit 2; }
	$(MANAGE) restore_catalogue "$(FILE)"

# Readers against gunicorn while an editor keeps saving; LOADTEST_ARGS="--duration 10" for a short run.
loadtest: dev-deps
	$(PY) -m loadtest.run --duration 60 --readers 16 --workers 4 $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .cache .pytest_cache
