# netmedia — make targets. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] && echo "" || echo sudo)
DATA_RAW ?= data_raw
export GX_ANALYTICS_ENABLED := False
export PYTHONHASHSEED := 0

.DEFAULT_GOAL := help
.PHONY: help venv install sysdeps run test lab bench lint sample ingest check clean

help: ## list the targets
	@grep -E '^[a-z -]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m netmedia.report.vendor
	@touch $(STAMP)

venv install: $(STAMP) ## create .venv and install netmedia with its dependencies

sysdeps: ## Debian packages for chart export (chromium, CJK fonts), asset vendoring (npm) and PDFs (LibreOffice, poppler); works as root without sudo
	@if command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi 'Noto.*CJK' && command -v npm >/dev/null \
	    && command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then \
	  echo "sysdeps: chromium, fonts-noto-cjk, npm, libreoffice-writer-nogui and poppler-utils present"; \
	else \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk npm \
	    libreoffice-writer-nogui poppler-utils >/dev/null && \
	  echo "sysdeps: installed chromium, fonts-noto-cjk, npm, libreoffice-writer-nogui and poppler-utils"; \
	fi

run: $(STAMP) sysdeps ## run the whole season (demo season when data_raw/ is empty) into reports/
	$(BIN)/netmedia run $(DATA_RAW)

test: $(STAMP) sysdeps ## run the whole test suite, notebooks included
	$(BIN)/python -m pytest

lab: $(STAMP) ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP) ## province-scale benchmarks (not part of make test); results in benchmarks/results/; fails if a target is missed
	$(BIN)/python benchmarks/bench_ingest.py; a=$$?; $(BIN)/python benchmarks/bench_export.py; e=$$?; \
	$(BIN)/python benchmarks/bench_checks.py; b=$$?; exit $$((a || e || b))

lint: $(STAMP) ## ruff
	$(BIN)/ruff check lib tests benchmarks

sample: $(STAMP) ## write a synthetic demo season into data_raw/ (if empty)
	$(BIN)/netmedia sample $(DATA_RAW)

ingest: $(STAMP) ## ingest data_raw/ into data_clean/
	$(BIN)/netmedia ingest $(DATA_RAW) --out data_clean

check: $(STAMP) ## run the rule suites on data_clean/ into reports/
	$(BIN)/netmedia check data_clean --out reports

clean: ## remove disposable outputs (keeps data_raw/)
	find data_clean reports -mindepth 1 ! -name README.md ! -name .gitkeep -exec rm -rf {} +
