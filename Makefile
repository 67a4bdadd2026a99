# edgeform: every target makes its own virtual environment; nothing needs installing by hand.
# Usage: make deploy [STAGE=name] [TARGET=local|aws] | make test | make lint | make clean

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAGE  ?=
TARGET ?=

# On a machine without internet, Terraform takes the AWS provider from a local mirror.
# Found automatically where these machines keep it; override with EDGEFORM_PROVIDER_MIRROR=.
EDGEFORM_PROVIDER_MIRROR ?= $(wildcard /opt/tf-plugins)
export EDGEFORM_PROVIDER_MIRROR

STAGE_ARGS := $(if $(STAGE),--stage "$(STAGE)") $(if $(TARGET),--target "$(TARGET)")

.PHONY: deploy destroy plan outputs render build test lint fmt clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

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

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check toolkit

test: $(BIN)/.installed lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

fmt: $(BIN)/.installed
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .edgeform .pytest_cache .ruff_cache .hypothesis
