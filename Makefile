# Pairbook: `make run` to try it, `make test` to test it. Both work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test install install-test browser redis lint format messages compile-messages clean bench-tools

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Pairbook needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

## Install, and write gzip and Brotli copies of the static files into build/static/.
install: $(VENV)/.installed
	$(BIN)/python -c "from workspace.core import assets; assets.main()"

## Install, set up the instance (keys, encrypted database, demo data) and serve on 127.0.0.1:5000.
run: install
	$(BIN)/pairbook init
	PAIRBOOK_BASE_URL=$${PAIRBOOK_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/pairbook demo --if-missing
	@echo "Without PAIRBOOK_MAIL_SMTP_HOST, email (invitation and start-over links) is written to $${PAIRBOOK_INSTANCE:-instance}/outbox/*.eml, never to the log."
	$(BIN)/pairbook serve --host $(HOST) --port $(PORT)

## Debian's Chromium drives the real-browser tests; installed here when missing and root.
browser:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "Chromium is missing: run 'sudo apt-get install chromium' or set CHROMIUM=/path"; exit 1; \
	fi

## Debian's redis-server backs the shared rate-limit storage test; installed here when missing and root.
redis:
	@if command -v redis-server >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's redis-server for the rate-limit storage test"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server; \
	else \
		echo "redis-server is missing (sudo apt-get install redis-server); its test will be skipped"; \
	fi

## Install what tests need (browser and redis-server included), lint, and run the whole suite.
test: $(VENV)/.installed-test browser redis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PAIRBOOK_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Extract translatable strings and update every catalogue: fi, sv and fi@selko (plain Finnish) (then translate, then compile).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o workspace/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i workspace/translations/messages.pot -d workspace/translations --no-fuzzy-matching --width 100

compile-messages: $(VENV)/.installed
	$(BIN)/pybabel compile -d workspace/translations

## What the benchmarks use besides the test extra: Lighthouse 12.2.3 for bench/pageweight (npm).
bench-tools:
	npm install --silent --no-audit --no-fund --prefix build/node lighthouse@12.2.3

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis
