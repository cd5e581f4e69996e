# fangkong: the two set-up commands are `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-dev assets messages lint typecheck test-sqlite test-postgres \
        coverage chromium lock bench serve clean upgrade-check

demo: install assets messages ## Set up, load the demo city and serve it
	$(BIN)/fangkong migrate --noinput
	$(BIN)/fangkong demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	DEBUG=1 $(BIN)/fangkong runserver $(HOST):$(PORT)

# Lint and types first (a minute, they fail fast), then the two database passes, each on both
# cores, then one coverage report of both passes (see README, Developing).
test: install-dev assets messages chromium lint typecheck test-sqlite test-postgres coverage ## Everything CI runs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -c constraints.txt -e '.[dev]'
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

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy fangkong bench

# Two workers (pytest-xdist); the fail-under figure holds for both passes combined (`coverage`),
# not for one pass alone. worksteal lets an idle worker take queued tests from a busy one,
# so one long scenario late in the queue does not leave the other core idle at the end.
PYTEST := $(BIN)/pytest -q -n 2 --dist worksteal --cov --cov-report= --cov-fail-under=0

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
	DEBUG=1 $(BIN)/fangkong runserver $(HOST):$(PORT)

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
	FANGKONG_VAR_DIR=bench/data/demo-city $(BIN)/python -m bench.command_dashboard

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
