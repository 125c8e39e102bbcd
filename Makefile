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

.PHONY: help venv demo test test-fast lint lab bench lock clean catalog chat browser

help:
	@echo "make demo | make test | make lab | make chat | make bench | make lint | make catalog | make lock | make clean"

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

# headless Chromium for the chat-page test (Debian's package; installed only when missing and run as root)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing and this is not root: tests/test_chat_ui.py skips (fails with CI=true)"; fi; }

test: $(STAMP) lint browser
	$(VENV)/bin/pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -m "not notebook and not frameworks" $(PYTEST_ARGS)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root --no-browser)

chat: $(STAMP)
	$(PY) -m tutorial_helpers.patterns.conversational.chat_app --host 127.0.0.1 --port 7860

bench: $(STAMP)
	$(PY) scripts/bench.py --out reports/bench.json

catalog: $(STAMP)
	$(PY) scripts/generate_catalog.py

lock:
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q uv==$(UV_VERSION); }
	$(UV) pip compile requirements/requirements.in -o requirements/requirements.lock --python-version 3.11

clean:
	rm -rf $(VENV) .runtime reports .pytest_cache .ruff_cache
