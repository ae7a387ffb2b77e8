# Baeum: `make run` serves the platform on the embedded default; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo content tool (demo_tool/, an LTI 1.3 tool on PyLTI1p3) that `make run` starts beside Baeum.
DEMO_TOOL_HOST ?= $(HOST)
DEMO_TOOL_PORT ?= $(shell echo $$(( $(PORT) + 1 )))
DEMO_TOOL_DIR ?= var/demo_tool
DEMO_TOOL_URL = http://$(DEMO_TOOL_HOST):$(DEMO_TOOL_PORT)
# No per-message deflate: live frames are small, and zlib state costs ~64 KiB and CPU per socket (ADR 0006).
UVICORN_FLAGS := --lifespan off --ws-per-message-deflate false
FRONTEND_SOURCES := $(shell find frontend/src -type f 2>/dev/null) frontend/vite.config.ts frontend/package-lock.json

.PHONY: help run test bench lint format schema setup setup-dev frontend messages browser redis-binary check-deploy clean

help:
	@echo "make run     set up and serve Baeum on http://$(HOST):$(PORT)/ with demo data"
	@echo "make test    set up and run every check (ruff, mypy, pytest incl. browser journeys, Vitest)"
	@echo "make bench   run the benchmarks in tests/bench/ (figures and ratios, not pass/fail)"
	@echo "make lint    ruff + mypy + import contracts + tsc      make format   ruff format + fixes"
	@echo "make schema  regenerate frontend/src/live/protocol.schema.json from classrooms/live/protocol.py"

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/.vite/manifest.json: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run --silent build

frontend: frontend/dist/.vite/manifest.json

messages: $(VENV)/.runtime
	@command -v msgfmt >/dev/null || { echo "Installing Debian gettext (msgfmt) to compile translations"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	$(PY) manage.py compilemessages --ignore=.venv --ignore=frontend --verbosity=0

setup: $(VENV)/.runtime frontend messages

setup-dev: $(VENV)/.dev frontend messages browser redis-binary

# Debian's Chromium (and CJK fonts so Hangul renders) for the browser journeys.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  echo "Installing Debian chromium and fonts-noto-cjk"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# The fault tests start a private redis-server of their own (and kill it); Debian's package has it.
redis-binary:
	@command -v redis-server >/dev/null || { echo "Installing Debian redis-server for the fault tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

# One shell supervises both servers: when uvicorn stops (or Ctrl-C / SIGTERM), the trap stops the demo tool too.
run: setup
	$(PY) manage.py migrate --noinput --verbosity=0
	$(PY) manage.py collectstatic --noinput --verbosity=0
	$(PY) manage.py demo_data
	$(PY) manage.py demo_tool_register --tool-url $(DEMO_TOOL_URL) --data-dir $(DEMO_TOOL_DIR)
	@$(PY) -m demo_tool --host $(DEMO_TOOL_HOST) --port $(DEMO_TOOL_PORT) --data-dir $(DEMO_TOOL_DIR) --log-level WARNING & \
	tool=$$!; \
	server=; \
	trap 'kill $$tool $$server 2>/dev/null; wait 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	if ! $(PY) -m demo_tool.healthcheck $(DEMO_TOOL_URL) --timeout 20 || ! kill -0 $$tool 2>/dev/null; then \
	  echo "The demo content tool did not start on $(DEMO_TOOL_URL) (is the port in use? DEMO_TOOL_PORT=...)"; exit 1; \
	fi; \
	echo ""; \
	echo "  Baeum is at http://$(HOST):$(PORT)/   (health: /healthz, Wagtail: /cms/, Django admin: /django-admin/)"; \
	echo "  데모 콘텐츠 도구: $(DEMO_TOOL_URL)/ (LTI 1.3 tool, demo only)"; \
	echo ""; \
	$(VENV)/bin/uvicorn edu.asgi:application --host $(HOST) --port $(PORT) $(UVICORN_FLAGS) --no-access-log & \
	server=$$!; \
	wait $$server

test: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	cd frontend && npm run --silent typecheck && npm test --silent
	$(PY) manage.py collectstatic --noinput --verbosity=0
	$(VENV)/bin/pytest

# Benchmarks print figures and ratios to a baseline measured in the same run; never part of `make test`.
# The live benchmark takes 10-20 minutes (with the SIGKILL reconnect storm); BENCH_LIVE_N=40,250
# BENCH_LIVE_SCALEOUT=0 for a quick look; more flags in BENCH_LIVE_ARGS (see live_load.py --help).
bench: setup-dev
	$(PY) tests/bench/render_lesson.py
	$(PY) tests/bench/gradebook.py
	$(PY) tests/bench/lti_launch.py
	$(PY) tests/bench/lti_platform.py
	$(PY) tests/bench/live_load.py $(BENCH_LIVE_ARGS)
	$(PY) tests/bench/live_memory.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	cd frontend && npm run --silent typecheck

# The live protocol's JSON Schema for the browser, generated from classrooms/live/protocol.py (ADR 0008).
schema: $(VENV)/.runtime
	$(PY) -m classrooms.live.schema

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: $(VENV)/.runtime
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=baeum.example.kr \
	  BASE_URL=https://baeum.example.kr HTTPS=1 $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var/static
