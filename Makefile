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
# one BLAS thread per process: the embeddings are small matrix products, and two test workers (each with kernels
# and servers) on two cores oversubscribe them (measured on a loaded 2-core machine: 30 query embeddings took
# 4.4-6.6 s of CPU with the default threads, 1.1 s with one)
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
PYTEST_ARGS ?=
# Marp CLI (slides), installed from slides/package-lock.json by `npm ci` when missing
MARP := slides/node_modules/.bin/marp
# The suite must pass whatever the machine's date is. `make test` runs it once on the real clock, then the
# clock-sensitive tests (frameworks, notebooks, the clock's own) again with the wall clock shifted by
# libfaketime (Debian's `faketime`: it also reaches the Jupyter kernels and servers the tests start):
# a few days after the example scenarios' party dates, and a year later.
# Just past the party dates every notebook runs again (where a wall-clock bug bites; notebooks 10-14 run every
# framework team); a year later the framework tests and the clock tests do (the notebooks were checked a year ahead by hand: see the README).
SHIFTED_SOON ?= 2026-12-22
SHIFTED_LATER ?= 2027-12-01

.PHONY: help venv demo test test-fast test-shifted test-site test-colab faketime chromium lint lab bench lock clean catalog slides site colab chat

help:
	@echo "make demo | make test | make lab | make chat | make slides | make site | make bench | make lint | make catalog | make lock | make colab | make clean"

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

test: $(STAMP) lint faketime chromium
	$(VENV)/bin/pytest -n 2 --dist loadgroup -q -m "not site and not colab" $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-site
	$(MAKE) --no-print-directory test-shifted

# the Colab install path (tests/test_site.py): a clean venv, notebook 00's own setup cell installs the package
# constrained by the lock (pip, as Colab does), then the notebook runs offline. Measured ~8 min on a busy
# 2-core machine, mostly downloads: kept out of `make test` for the CI budget.
test-colab: $(STAMP)
	$(VENV)/bin/pytest -q -m colab $(PYTEST_ARGS)

# the site and slides, built from the notebooks the run above executed (build/executed/), then crawled and
# screenshotted in headless Chromium; nothing is executed twice
test-site: $(STAMP) $(MARP) chromium
	$(VENV)/bin/pytest -q -m site $(PYTEST_ARGS)

# the clock-sensitive tests under shifted wall clocks (see SHIFTED_SOON / SHIFTED_LATER). Notebook 03 is left out:
# its tool-timeout demonstration waits on real deadlines, which libfaketime moves by the shift (measured: the
# timeout never fires under faketime), so it would test faketime, not the clock of the code.
test-shifted: $(STAMP) faketime
	@echo "== wall clock shifted to $(SHIFTED_SOON) (faketime): notebooks (notebooks 10-14 run every framework team), clock"
	faketime -f "@$(SHIFTED_SOON) 12:00:00" $(VENV)/bin/pytest -n 2 --dist loadgroup -q -m "notebook or clock" \
	  -k "not 03_function_calling" $(PYTEST_ARGS)
	@echo "== wall clock shifted to $(SHIFTED_LATER) (faketime): frameworks, clock"
	faketime -f "@$(SHIFTED_LATER) 12:00:00" $(VENV)/bin/pytest -n 2 --dist loadgroup -q -m "(frameworks or clock) and not notebook" $(PYTEST_ARGS)

# libfaketime for test-shifted: installed from Debian's packages when missing (needs root, as in CI)
faketime:
	@command -v faketime >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; \
	  else echo "make test needs faketime (Debian package 'faketime'): sudo apt-get install faketime"; exit 2; fi; }

test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -m "not notebook and not frameworks and not site and not colab" $(PYTEST_ARGS)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root --no-browser)

chat: $(STAMP)
	$(PY) -m tutorial_helpers.patterns.conversational.chat_app --host 127.0.0.1 --port 7860

bench: $(STAMP)
	$(PY) scripts/bench.py --out reports/bench.json

catalog: $(STAMP)
	$(PY) scripts/generate_catalog.py

# --- slides and site (scripts/build_site.py): Marp CLI from npm (pinned in slides/package-lock.json, no browser
# download: --ignore-scripts), MkDocs Material from the lock. Both render the notebooks executed by `make test`
# (build/executed/) and execute only the missing ones.
$(MARP): slides/package.json slides/package-lock.json
	cd slides && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

slides: $(STAMP) $(MARP)
	$(PY) scripts/build_site.py slides

site: $(STAMP) $(MARP)
	$(PY) scripts/build_site.py site

# rewrite the Colab badge and setup cells of every registered notebook (after adding one or changing its frameworks)
colab: $(STAMP)
	$(PY) scripts/nbtool.py colab

# Debian's chromium for the site's browser test: installed when missing (needs root, as in CI)
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "the site and chat-page tests need Debian's chromium: sudo apt-get install chromium"; exit 2; fi; }

lock:
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q uv==$(UV_VERSION); }
	$(UV) pip compile requirements/requirements.in -o requirements/requirements.lock --python-version 3.11

clean:
	rm -rf $(VENV) .runtime reports .pytest_cache .ruff_cache build slides/node_modules
