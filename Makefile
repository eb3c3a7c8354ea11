# The two commands a newcomer needs: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run serve test lint install test-deps translations chromium postgresql nginx pdf-tools pango e2e-node clean

run: install translations
	$(BIN)/python -m fair.devserver

# Production on one host: a gunicorn node per core (WEB_PROCESSES) behind nginx (`make nginx` installs
# it; without it, one node), one worker and the scheduler, against DATABASE_URL, REDIS_URL and MAIL_URL
# from the environment (nothing embedded; see docs/deploy.md for several hosts).
serve: install translations
	$(BIN)/python -m fair.ops.serve

test: lint translations chromium postgresql nginx pdf-tools e2e-node
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=20

# Style and import rules (ruff.toml) and the layer contracts (.importlinter), checked before any test runs.
lint: test-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed pango

test-deps: $(VENV)/.installed-test

# Compiled catalogues (.mo) are built from the .po files in each domain, never committed.
translations: install
	@for po in $$(find fair -path '*/LC_MESSAGES/messages.po'); do \
		$(BIN)/pybabel -q compile --use-fuzzy -i $$po -o $${po%.po}.mo || exit 1; \
	done

# Browser tests drive Debian's Chromium; never a browser downloaded by a test tool.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# The tests make and stop their own throw-away cluster with initdb/pg_ctl from Debian's package.
postgresql:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq postgresql >/dev/null)

# The two-node and resilience tests put Debian's nginx in front of the web nodes (started by the tests).
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
		(apt-get update -qq && apt-get install -y -qq nginx >/dev/null)

# WeasyPrint draws PDFs with Debian's Pango; the tests read them back with poppler's pdftotext.
pango:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || \
		(apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null)

pdf-tools: pango
	@command -v pdftotext >/dev/null || (apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null)

# axe-core (accessibility checks) and other Node pieces the tests use, pinned by package-lock.json.
e2e-node:
	@cd tests/node && npm ci --silent --no-audit --no-fund

clean:
	rm -rf $(VENV) tests/node/node_modules
