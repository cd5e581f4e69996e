# fangkong: the two set-up commands are `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-dev assets messages lint typecheck test-sqlite test-postgres \
        chromium lock bench serve clean upgrade-check

demo: install assets messages ## Set up, load the demo city and serve it
	$(BIN)/fangkong migrate --noinput
	$(BIN)/fangkong demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	DEBUG=1 $(BIN)/fangkong runserver $(HOST):$(PORT)

test: install-dev assets messages chromium lint typecheck test-sqlite test-postgres ## Everything CI runs

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

test-sqlite: install-dev
	$(BIN)/pytest -q

test-postgres: install-dev
	@scripts/test-on-postgres $(BIN)/pytest -q

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
