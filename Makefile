# The two commands a new machine needs:  make run   and   make test
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8501
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint venv chromium axe postgresql demo-data clean-store

# The venv is rebuilt whenever requirements.txt changes.
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(BIN)/.installed

# Serve the dashboard on PORT (default 8501) over CJMETRICS_DB (default data/cjmetrics.duckdb).
# The app creates a missing store on first use, with the catalogue and the illustrative demo
# data, and upgrades an old one; `python -m cjmetrics init` does the same from the shell.
# scripts/serve.py is `streamlit run dashboard.py` that prepares the first visit while the
# browser loads (see the script).
run: venv
	$(BIN)/python scripts/serve.py --server.port $(PORT)

# Debian's chromium drives the browser tests and draws chart images and decks (kaleido); no
# browser download is possible or wanted. poppler-utils (pdftoppm) lets the deck tests look at
# an exported PDF's pages.
chromium:
	@{ test -x $(CHROMIUM) && command -v pdftoppm >/dev/null; } || { \
	  echo "Installing Debian's chromium and poppler-utils for the tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	    poppler-utils >/dev/null; }
	@test -x $(CHROMIUM) || { echo "chromium could not be installed at $(CHROMIUM)"; exit 1; }
	@command -v pdftoppm >/dev/null || { echo "poppler-utils (pdftoppm) could not be installed"; exit 1; }

# axe-core (npm, pinned in package.json and package-lock.json) for the browser tests'
# accessibility checks, installed into node_modules/ here; the tests read it from there and
# nothing is downloaded while they run. The app itself never loads it.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

axe: node_modules/axe-core/axe.min.js

# ruff (pyflakes, pycodestyle, import order) and import-linter's layer contracts, both set in
# pyproject.toml; `make test` runs them before pytest.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports


# Debian's PostgreSQL server: the tests start their own (tests/pg_support.py) to run the store
# on it.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql for the tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

test: venv chromium axe postgresql lint
	$(BIN)/python -m pytest

# Regenerate data/demo/*.csv (deterministic: the files only change if the generator does).
demo-data: venv
	$(BIN)/python data/demo/generate.py
	$(BIN)/python data/demo/generate_surveys.py  # surveys
	$(BIN)/python data/demo/generate_engagement.py

# Delete the local store; the next `make run` recreates it with the demo data.
clean-store:
	rm -f data/cjmetrics.duckdb data/cjmetrics.duckdb.wal
