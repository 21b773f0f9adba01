# Two commands for a newcomer on a fresh Debian or Ubuntu machine (as root):
#   make run    installs everything, starts the sandbox Asterisk, the server and demo phones
#   make test   runs the whole test suite (lint, types, import contract, unit, faults, end to end)
# Both are idempotent: a second run reuses the virtualenv and the sandbox chroot.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEBIAN_PACKAGES := debootstrap sip-tester espeak-ng sox ffmpeg graphviz
# Only the tests need them: the web console's browser tests (headless Chromium, WebDriver).
DEBIAN_TEST_PACKAGES := chromium chromium-driver
STAMP_DEB := .cache/debian-packages.stamp
STAMP_DEB_TEST := .cache/debian-test-packages.stamp
STAMP_PY := $(VENV)/.installed

.PHONY: run test lint unit e2e bench deps test-deps sandbox clean-sandbox

run: deps
	$(BIN)/acd run --demo

# The unit and fault tests (CPU-bound, about 75 s) run beside the end-to-end tests,
# which mostly wait on phones and timers; their report is printed after the e2e one.
test: deps test-deps lint
	@mkdir -p .cache
	@$(BIN)/pytest -q -p no:cacheprovider tests/unit tests/faults > .cache/unit-tests.log 2>&1 & \
	unit=$$!; \
	$(BIN)/pytest -q tests/e2e; e2e=$$?; \
	wait $$unit; units=$$?; \
	echo "--- unit and fault tests ---"; cat .cache/unit-tests.log; \
	test $$e2e -eq 0 && test $$units -eq 0

lint: deps
	$(BIN)/ruff check acd ivr dialer testbed tests bench
	$(BIN)/ruff format --check acd ivr dialer testbed tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: deps
	$(BIN)/pytest -q tests/unit tests/faults

e2e: deps test-deps
	$(BIN)/pytest -q tests/e2e

bench: deps
	$(BIN)/python bench/ami_ingest.py

sandbox: deps
	$(BIN)/acd sandbox up

clean-sandbox:
	-$(BIN)/acd sandbox down
	rm -rf .cache/sandbox var/sandbox

deps: $(STAMP_DEB) $(STAMP_PY)

test-deps: $(STAMP_DEB_TEST)

$(STAMP_DEB_TEST):
	@scripts/install-debian-packages $(DEBIAN_TEST_PACKAGES)
	@mkdir -p $(dir $@) && touch $@

$(STAMP_DEB):
	@scripts/install-debian-packages $(DEBIAN_PACKAGES)
	@mkdir -p $(dir $@) && touch $@

$(STAMP_PY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@touch $@
