# The project's commands. Each target sets up what it needs, so a fresh clone needs only `make`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the compiled core (routing/compiled.py): rebuilt when a source it was typed against changes
CORE := build/compiled/manifest.json
CORE_SOURCES := $(shell find carriers routing -name '*.py')

.PHONY: install run test lint bench clean

install: $(STAMP) $(CORE)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(CORE): $(STAMP) $(CORE_SOURCES)
	$(BIN)/python -c 'from routing.compiled import main; main()'

run: install
	$(BIN)/glocal network summary
	$(BIN)/glocal keys local --file $(VENV)/local-api-key
	$(BIN)/glocal serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
