# Two commands set up a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# The suite runs in this many processes (pytest-xdist). Tests go out one by one in pytest-django's
# order, so each process runs its transactional tests (which empty the database) after the rest.
TEST_WORKERS ?= 2

.PHONY: run test axe lint contracts format messages demo serve clean restore-check

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps re-run pip only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

messages: $(VENV)/.runtime
	@if command -v msgfmt >/dev/null; then \
		$(PY) manage.py compilemessages --ignore=.venv -v0; \
	else echo "msgfmt not found: using the committed .mo files (apt-get install gettext to rebuild)"; fi

demo: $(VENV)/.runtime messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

run: demo serve

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The layering of README.md ("Architecture"), as import-linter contracts in pyproject.toml.
contracts: $(VENV)/.dev
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# axe-core for the browser tests' accessibility checks, pinned by tests/e2e/package-lock.json.
AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund --silent
	touch $@

axe: $(AXE)

test: $(VENV)/.dev lint contracts messages $(AXE)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "*** chromium not found at $(CHROMIUM): the browser tests (tests/e2e) will be SKIPPED."; \
		echo "*** Install it with: apt-get install chromium fonts-noto-cjk"; fi
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load

# Dump, restore into a fresh PostgreSQL database, migrate and compare (deploy/restore_check.py):
# the database of DATABASE_URL when it is PostgreSQL, else a demo database of its own.
restore-check: $(VENV)/.runtime
	$(PY) deploy/restore_check.py $(if $(filter postgres%,$(DATABASE_URL)),--source $(DATABASE_URL),--demo)

clean:
	rm -rf $(VENV) static test-artifacts .pytest_cache .ruff_cache tests/e2e/node_modules
