# Two commands for a fresh machine: `make run` serves the site, `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3.13
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
MANAGE := $(PY) manage.py

.PHONY: run test lint format check-python venv deps dev-deps setup migrate fixtures static editor clean

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

fixtures: migrate
	$(MANAGE) loaddata fixtures/*.json

static: deps
	$(MANAGE) collectstatic --no-input --verbosity 0

setup: fixtures static

run: check-python setup
	@echo "Serving the OST timeline at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/; create an editor with 'make editor')"
	$(VENV)/bin/gunicorn ostsite.wsgi --bind 127.0.0.1:$(PORT)

editor: migrate
	$(MANAGE) createsuperuser

test: check-python dev-deps
	$(VENV)/bin/pytest

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .cache .pytest_cache
