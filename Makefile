# One gate, the same locally and in CI. Every target bootstraps what it needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := tools/asl-validator/node_modules/.installed
WEB_STAMP := web/node_modules/.installed
PORT ?= 8080
DATA_DIR ?= .wfaib
STAGE ?= dev

.PHONY: dev test lint fmt bench golden synth deploy clean bootstrap

bootstrap: $(STAMP) $(NODE_STAMP) $(WEB_STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.lock
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -e .
	touch $@

$(NODE_STAMP): tools/asl-validator/package.json tools/asl-validator/package-lock.json
	cd tools/asl-validator && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Build the editor into web/dist (served by make dev, deployed by CDK; committed nowhere).
web/dist/index.html: $(WEB_STAMP) $(shell find web/src -type f) web/index.html web/vite.config.ts
	cd web && npm run build

## Start the product locally: editor + API + local runtime, with the example workflows.
dev: bootstrap web/dist/index.html
	$(VENV)/bin/wfaib dev --port $(PORT) --data-dir $(DATA_DIR)

## Run every test: format check, lint, types, then the test suite.
test: bootstrap lint
	$(PY) -m pytest -n 2 -q

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Print benchmark figures (no test asserts on time).
bench: bootstrap
	$(PY) -m benchmarks

## Regenerate what is generated from code (golden ASL, workflow JSON Schema, connector catalog); review the diff.
golden: $(STAMP)
	$(PY) tests/golden/regenerate.py
	$(PY) -m connectors.catalog --write
	git --no-pager diff --stat -- tests/golden docs/workflow.schema.json connectors/catalog.json

## Synthesize every CDK stack offline, with cdk-nag checks (writes cdk.out/).
synth: $(STAMP)
	$(PY) -m cdk.app

## Deploy into the AWS account of your current credentials (STAGE=dev|prod).
deploy: bootstrap
	$(VENV)/bin/wfaib deploy --stage $(STAGE)

clean:
	rm -rf $(VENV) tools/asl-validator/node_modules tools/cdk-cli/node_modules web/node_modules web/dist cdk.out .pytest_cache .mypy_cache .ruff_cache
