# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench mutation lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)
	scripts/demo.sh

# `make test ARGS='tests/payouts -x'` passes pytest arguments; TEST_WORKERS=0 runs one process.
test: $(STAMP)
	scripts/test.sh $(ARGS)

bench: $(STAMP)
	scripts/bench.sh

# Mutation testing of the money and safety modules (minutes per group; not part of `test`).
mutation: $(STAMP)
	$(BIN)/pip install --quiet 'mutmut>=3.8,<4'
	scripts/mutation.sh $(GROUPS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore='.venv/*' --ignore='var/*'
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore='.venv/*'

clean:
	rm -rf $(VENV) demo.sqlite3 var
