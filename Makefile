# Two commands for a newcomer on a fresh Debian or Ubuntu machine (as root):
#   make run    installs everything, starts the sandbox Asterisk, the server and demo phones
#   make test   runs the whole test suite (lint, types, import contract, unit, faults, end to end)
# Both are idempotent: a second run reuses the virtualenv and the sandbox chroot.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEBIAN_PACKAGES := debootstrap sip-tester espeak-ng sox ffmpeg graphviz
STAMP_DEB := .cache/debian-packages.stamp
STAMP_PY := $(VENV)/.installed

.PHONY: run test lint unit e2e bench deps sandbox clean-sandbox

run: deps
	$(BIN)/acd run --demo

test: deps lint
	$(BIN)/pytest -q

lint: deps
	$(BIN)/ruff check acd ivr dialer testbed tests bench
	$(BIN)/ruff format --check acd ivr dialer testbed tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: deps
	$(BIN)/pytest -q tests/unit tests/faults

e2e: deps
	$(BIN)/pytest -q tests/e2e

bench: deps
	$(BIN)/python bench/ami_ingest.py

sandbox: deps
	$(BIN)/acd sandbox up

clean-sandbox:
	-$(BIN)/acd sandbox down
	rm -rf .cache/sandbox var/sandbox

deps: $(STAMP_DEB) $(STAMP_PY)

$(STAMP_DEB):
	@scripts/install-debian-packages $(DEBIAN_PACKAGES)
	@mkdir -p $(dir $@) && touch $@

$(STAMP_PY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@touch $@
