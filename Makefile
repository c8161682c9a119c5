# Parley's front door. `make` alone lists the targets.

.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# uv on PATH, or the copy `make install` puts in python3's site-packages.
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PYTEST_ARGS ?=

.PHONY: help install servers tools run test bench lint asyncapi

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: ## install uv if missing and every workspace package into .venv
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --break-system-packages uv
	$(UV) sync --all-packages

servers: ## install rabbitmq-server (apt, as root) and build FerretDB into .tools/bin
	tools/install-system-packages.sh rabbitmq-server
	tools/build-ferretdb.sh || echo "WARNING: no FerretDB: the dev servers fall back to nx-27017"

tools: servers ## same as servers

run: install ## run the broker, the database and the six services (Ctrl-C stops all)
	$(UV) run python tools/run.py

test: install servers ## install what the tests need, then run the whole test suite
	tools/install-system-packages.sh chromium
	@status=0; $(UV) run pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; fi; \
	exit $$status

bench: install ## run the benchmarks and print their figures
	$(UV) run python tests/bench/run.py

lint: install ## ruff check, ruff format --check, mypy --strict on contracts and domain code
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy --strict libs/contracts/src/parley_contracts services/*/src/parley_*/domain

asyncapi: install ## write docs/asyncapi.yaml from the contracts
	$(UV) run python -m parley_contracts.asyncapi docs/asyncapi.yaml
