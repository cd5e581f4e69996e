# fangkong: the two set-up commands are `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Some machines' pip configuration names local wheel folders and indexes that do not exist; pip
# then prints a warning for each of them and for every package. Those lines say nothing about
# fangkong's dependencies, so they are dropped; anything else pip prints, and its exit status,
# stay (pipefail).
SHELL := bash
.SHELLFLAGS := -o pipefail -c
PIP_QUIET_LOCATIONS := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
PIP := $(BIN)/pip install --quiet --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-dev assets messages lint typecheck test-sqlite test-postgres \
        coverage chromium font java lock bench serve clean upgrade-check

# `fangkong serve`: the web server and the worker (background tasks, periodic jobs) together;
# Ctrl-C stops both.
demo: install assets messages font ## Set up, load the demo city and serve it
	$(BIN)/fangkong migrate --noinput
	$(BIN)/fangkong demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/ with the worker (Ctrl-C to stop both)"
	DEBUG=1 FANGKONG_DEMO_CLOCK=1 $(BIN)/fangkong serve $(HOST):$(PORT)

# Lint and types first (a minute, they fail fast), then the two database passes, each on both
# cores, then one coverage report of both passes (see README, Developing).
test: install-dev assets messages chromium java lint typecheck test-sqlite test-postgres coverage ## Everything CI runs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -c constraints.txt -e . $(PIP_QUIET_LOCATIONS)
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -c constraints.txt -e '.[dev]' $(PIP_QUIET_LOCATIONS)
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

messages: install
	cd fangkong && ../$(BIN)/fangkong compilemessages --verbosity 0

chromium:
	@scripts/ensure-chromium

# The CJK font of the briefing's chart images (FANGKONG_CHART_FONT).
font:
	@scripts/ensure-font

# The Spark engine (pyspark, in the dev extra) runs on a Java runtime.
java:
	@scripts/ensure-java

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy fangkong bench

# Two workers (pytest-xdist); the fail-under figure holds for both passes combined (`coverage`),
# not for one pass alone. worksteal lets an idle worker take queued tests from a busy one,
# so one long scenario late in the queue does not leave the other core idle at the end.
PYTEST := $(BIN)/pytest -q -n 2 --dist worksteal --durations=15 --cov --cov-report= --cov-fail-under=0

test-sqlite: install-dev
	rm -f .coverage .coverage.*
	COVERAGE_FILE=.coverage.sqlite $(PYTEST)

test-postgres: install-dev
	@COVERAGE_FILE=.coverage.postgres scripts/test-on-postgres $(PYTEST)

# Both passes in one figure (the files not fully covered, then the total); fail_under in
# pyproject.toml keeps it from dropping unseen.
coverage: install-dev
	$(BIN)/coverage combine --quiet $$(ls .coverage.sqlite .coverage.postgres 2>/dev/null)
	$(BIN)/coverage report --skip-covered --sort=cover

serve: install assets messages
	DEBUG=1 $(BIN)/fangkong serve $(HOST):$(PORT)

upgrade-check: install-dev ## Migrate a demo city built by the last release, on both databases
	scripts/check-upgrade

lock: ## Re-resolve the dependency ranges and record the exact versions in constraints.txt
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[dev,production]'
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^fangkong' > constraints.txt
	rm -rf .venv-lock

bench: install-dev ## The benchmarks (see bench/README.md)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.people_list
	$(BIN)/python -m bench.hospitals_beds
	$(BIN)/python -m bench.quarantine_site
	$(BIN)/python -m bench.venues_ingest
	$(BIN)/python -m bench.cases_trace
	$(BIN)/python -m bench.case_page
	FANGKONG_VAR_DIR=bench/data/demo-city $(BIN)/python -m bench.command_dashboard

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
