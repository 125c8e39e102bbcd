# Agentic RecSys Hands-On. Two commands do everything on a fresh machine:
#   make demo   create .venv (pinned, bytecode compiled) and run the instructor demo
#   make test   create .venv and run every test (lint, library, CLI, notebooks)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
UV_VERSION := 0.11.33
# (the uv that crewai-cli pins in the lock: bootstrapping with the same one keeps sync from swapping it)
# Offline by default, telemetry off, framework files out of $HOME (see tutorial_helpers.llm.hygiene)
export TUTORIAL_RUNTIME_DIR ?= $(CURDIR)/.runtime
export CREWAI_DISABLE_TELEMETRY := true
export CREWAI_DISABLE_TRACKING := true
export CREWAI_TRACING_ENABLED := false
export OTEL_SDK_DISABLED := true
export LITELLM_LOCAL_MODEL_COST_MAP := True
export ANONYMIZED_TELEMETRY := False
export HF_HUB_OFFLINE := 1
PYTEST_ARGS ?=
# The suite must pass whatever the machine's date is. `make test` runs it once on the real clock, then the
# clock-sensitive tests (frameworks, notebooks, the clock's own) again with the wall clock shifted by
# libfaketime (Debian's `faketime`: it also reaches the Jupyter kernels and servers the tests start):
# a few days after the example scenarios' party dates, and a year later.
SHIFTED_DATES ?= 2026-12-22 2027-12-01
SHIFTED_MARKERS := frameworks or notebook or clock

.PHONY: help venv demo test test-fast test-shifted faketime lint lab bench lock clean catalog

help:
	@echo "make demo | make test | make lab | make bench | make lint | make catalog | make lock | make clean"

$(STAMP): requirements/requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync --python $(PY) --compile-bytecode -q requirements/requirements.lock
	$(UV) pip install --python $(PY) --no-deps --compile-bytecode -q -e .
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m tutorial_helpers demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests scripts notebooks

test: $(STAMP) lint faketime
	$(VENV)/bin/pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-shifted

# the clock-sensitive tests under each shifted wall clock (see SHIFTED_DATES)
test-shifted: $(STAMP) faketime
	@set -e; for day in $(SHIFTED_DATES); do \
	  echo "== wall clock shifted to $$day (faketime)"; \
	  faketime -f "@$$day 12:00:00" $(VENV)/bin/pytest -n 2 --dist loadgroup -q -m "$(SHIFTED_MARKERS)" $(PYTEST_ARGS); \
	done

# libfaketime for test-shifted: installed from Debian's packages when missing (needs root, as in CI)
faketime:
	@command -v faketime >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; \
	  else echo "make test needs faketime (Debian package 'faketime'): sudo apt-get install faketime"; exit 2; fi; }

test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -m "not notebook and not frameworks" $(PYTEST_ARGS)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root --no-browser)

bench: $(STAMP)
	$(PY) scripts/bench.py --out reports/bench.json

catalog: $(STAMP)
	$(PY) scripts/generate_catalog.py

lock:
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q uv==$(UV_VERSION); }
	$(UV) pip compile requirements/requirements.in -o requirements/requirements.lock --python-version 3.11

clean:
	rm -rf $(VENV) .runtime reports .pytest_cache .ruff_cache
