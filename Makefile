# One entry point for people and CI. `make demo` and `make test` are the README's
# Quick start; both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

PORT   ?= 8000

.PHONY: demo example test lint typecheck unit bench bench-scan bench-web docs clean help

help:
	@echo "make demo    - set up, load the demo organization into $(OUT)/demo.db (SQLite) and serve it on port $(PORT)"
	@echo "make example - set up and write a sample assessment's scores, charts and reports to $(OUT)/"
	@echo "make test   - set up and run ruff, mypy and the whole test suite"
	@echo "make bench  - run every core, analysis, cold-process, scan and survey-import benchmark (results in benchmarks/results/)"
	@echo "make bench-scan - scan a generated 20,000-file repository beside git ls-files | xargs grep"
	@echo "make bench-web - load-test the web service on SQLite and PostgreSQL (needs wrk)"
	@echo "make lint / typecheck / unit - the parts of make test: ruff, mypy, pytest"
	@echo "make docs   - regenerate docs/cli.md from the CLI's help"
	@echo "make clean  - remove .venv, $(OUT)/ and the tool caches"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mlops-scorecard needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Three stamps, one per install: the core (files, scores, reports, CLI), the core with
# the web service (`make demo`), and everything with the test tools (`make test`). A
# larger install stamps the smaller ones too, so test-then-demo installs nothing more
# and demo-then-test adds only what the tests need.
$(VENV)/.installed-core: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-server: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[server]'
	@touch $@ $(VENV)/.installed-core

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,server,postgres]'
	@touch $@ $(VENV)/.installed-server $(VENV)/.installed-core

demo: $(VENV)/.installed-server
	@mkdir -p $(OUT)
	$(BIN)/mlops-scorecard demo --database-url sqlite:///$(OUT)/demo.db --reset --serve --port $(PORT)

example: $(VENV)/.installed-core
	@mkdir -p $(OUT)
	$(BIN)/mlops-scorecard example -o $(OUT)/answers.yaml --force
	$(BIN)/mlops-scorecard score $(OUT)/answers.yaml
	$(BIN)/mlops-scorecard chart $(OUT)/answers.yaml --kind radar -o $(OUT)/radar.svg --force
	$(BIN)/mlops-scorecard chart $(OUT)/answers.yaml --kind stellar -o $(OUT)/stellar.svg --force
	$(BIN)/mlops-scorecard report $(OUT)/answers.yaml -o $(OUT)/report.html --force
	$(BIN)/mlops-scorecard report $(OUT)/answers.yaml -o $(OUT)/report.pdf --force
	@echo
	@echo "Done: open $(OUT)/report.html (also report.pdf, radar.svg, stellar.svg) in $(abspath $(OUT))"

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy
	$(BIN)/mypy $(wildcard tests/server/*.py) $(filter-out %/conftest.py,$(wildcard tests/server/browser/*.py))
	$(BIN)/mypy tests/server/browser/conftest.py

unit: $(VENV)/.installed
	$(BIN)/pytest

test: lint typecheck unit

# Every script runs, whatever an earlier one did; the target fails at the end if any
# script failed or missed a target (each prints MISSED lines and writes its results).
BENCH     := run.py analysis.py cold.py scan.py lens_import.py survey_import.py
BENCH_WEB := web.py web_unit.py web_pages.py web_org.py web_facilitator.py

bench: $(VENV)/.installed
	@failed=""; for script in $(BENCH); do \
	  echo "== benchmarks/$$script"; \
	  $(BIN)/python benchmarks/$$script || failed="$$failed $$script"; \
	done; \
	if [ -n "$$failed" ]; then echo "make bench: missed a target or failed:$$failed"; exit 1; fi

bench-scan: $(VENV)/.installed
	$(BIN)/python benchmarks/scan.py

bench-web: $(VENV)/.installed
	@failed=""; for script in $(BENCH_WEB); do for backend in sqlite postgresql; do \
	  echo "== benchmarks/$$script --backend $$backend"; \
	  $(BIN)/python benchmarks/$$script --backend $$backend || failed="$$failed $$script/$$backend"; \
	done; done; \
	if [ -n "$$failed" ]; then echo "make bench-web: missed a target or failed:$$failed"; exit 1; fi

docs: $(VENV)/.installed
	$(BIN)/python -m typer mlops_scorecard.cli utils docs --name mlops-scorecard --output docs/cli.md

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
