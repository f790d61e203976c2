# Two commands matter: `make run` (the main job) and `make test` (the whole suite).
# Each creates the virtualenv it needs on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/campaign-guard: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

run: $(BIN)/campaign-guard
	$(BIN)/campaign-guard serve

test: $(BIN)/campaign-guard
	$(BIN)/python -m pytest

lint: $(BIN)/campaign-guard
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var/*.db
