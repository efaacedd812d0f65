# Sangdam: `make run` serves the app with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := sangdam/core/static/vendor
PO_FILES := $(wildcard sangdam/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: install run test lint typecheck check-migrations pytest pytest-postgres bench \
        screenshots messages system-packages clean

install: $(VENV)/.installed $(VENDOR)/.copied $(MO_FILES)

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.copied: node_modules/.package-lock.json scripts/copy-assets.sh
	scripts/copy-assets.sh node_modules $(VENDOR)
	@touch $@

%.mo: %.po
	@command -v msgfmt >/dev/null || scripts/system-packages.sh gettext
	msgfmt --check -o $@ $<

run: install
	DEBUG=$${DEBUG:-true} $(BIN)/sangdam migrate --no-input
	DEBUG=$${DEBUG:-true} $(BIN)/sangdam demo
	DEBUG=$${DEBUG:-true} $(BIN)/sangdam serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/check_translations.py

system-packages:
	scripts/system-packages.sh chromium fonts-nanum postgresql gettext kannel kannel-extras

pytest: install system-packages
	$(BIN)/pytest -n 2

pytest-postgres: install system-packages
	scripts/with-postgres.sh $(BIN)/pytest -n 2

test: lint typecheck check-migrations pytest pytest-postgres

bench: install
	$(PY) -m bench

screenshots: install system-packages
	$(PY) scripts/screenshots.py docs/screenshots

messages: install
	$(PY) manage.py makemessages -l ko --no-location --no-obsolete \
		--ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=bench \
		--ignore=sangdam/scheduling --ignore=staticfiles
	$(PY) scripts/check_translations.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
