# The README's two commands are `make run` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi:app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev migrate seed serve lint imports complexity browser html-checker clean bench bench-mixed mutants audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask larder seed-demo

## make run: install, migrate an SQLite database, load demo data, then start the web server, a
## Celery worker and beat together (honcho and the Procfile) on http://127.0.0.1:5000; the broker
## is an SQLite file and the demo's emails are written to instance/mail/ (MAIL_BACKEND=file)
run: seed
	@echo "Larder is running on http://$(HOST):$(PORT) with a worker and beat (demo payments;"
	@echo "emails land in instance/mail/; Ctrl+C stops all three)"
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) MAIL_BACKEND=$${MAIL_BACKEND:-file} \
		SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} \
		$(BIN)/honcho start -f Procfile -p $(PORT)

## make test: install test dependencies (and Chromium and the HTML checker when possible) and run the whole suite
test: install-dev browser html-checker
	$(BIN)/python -m pytest

VNU_STAMP := node_modules/.package-lock.json

# The Nu Html Checker (vnu.jar, pinned in package-lock.json) for tests/test_valid_html.py, which runs on
# the machine's Java, and Lighthouse for `make audit`. --ignore-scripts: vnu-jar's postinstall would
# download a Java runtime.
html-checker:
	@if [ -f $(VNU_STAMP) ] && [ $(VNU_STAMP) -nt package-lock.json ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the HTML validity test will be skipped (install Node.js and npm)"; \
	fi
	@command -v java >/dev/null 2>&1 || echo "java not found: the HTML validity test will be skipped (install a Java 11+ runtime)"

browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's chromium for the browser tests"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) >/dev/null; \
		else \
			echo "Chromium not found: browser tests will be skipped (run as root or apt-get install chromium)"; \
		fi; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory imports complexity

## make imports: the rooms' one-way arrows, checked by import-linter (contracts in pyproject.toml)
imports: install-dev
	$(BIN)/lint-imports --no-logo --no-cache

## make complexity: no function or method of the app above radon rank C (cyclomatic complexity
## 20), no module averaging above B, the whole code averaging A (migrations are not checked)
complexity: install-dev
	$(BIN)/xenon --max-absolute C --max-modules B --max-average A storefront blog

## make audit: Lighthouse (pinned in package-lock.json, on Debian's chromium) on home, a collection
## with and without filters, a product, the magnesium article and its lite view, phone and desktop,
## against a freshly seeded SQLite Larder served by gunicorn on 127.0.0.1:$(AUDIT_PORT); fails below
## performance 90 or accessibility / best practices / SEO 95 (audit/README.md; reports in audit/reports/)
AUDIT_PORT ?= 9600
audit: install browser html-checker
	$(BIN)/python -m audit.lighthouse --port $(AUDIT_PORT) $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache node_modules audit/reports

include bench/Makefile.include

## make mutants: mutation testing (mutmut) of money, cart, checkout, orders, payment events and
## the sanitiser; prints each module's score and its survivors (mutation/README.md)
mutants: install-dev
	$(BIN)/pip install --quiet mutmut==3.8.1
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/python mutation/report.py
