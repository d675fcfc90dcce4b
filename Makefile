# Kinum Recover: `make run` (install + demo) and `make test` (lint, checks, whole suite).
SHELL := /bin/bash
# The first interpreter that really runs (pyenv shims can exist for versions that are not active).
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install keys lint typecheck migrate bench clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

keys:
	@$(PYTHON) scripts/ensure_local_keys.py

migrate: install keys
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo
	@bash scripts/run-demo.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install keys
	$(VENV)/bin/mypy .

test: install keys lint typecheck
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: install keys
	@echo "Benchmarks live in benchmarks/; each prints its figures. Example: $(PY) benchmarks/import_bench.py --rows 100000"

clean:
	rm -rf $(VENV) var staticfiles
