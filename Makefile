# Everything a fresh machine needs, in two commands:
#   make demo   builds a library from the real exports in ../shared/data (or DATA=...) and summarises it
#   make test   runs the whole test suite (what CI runs)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SHARED ?= ../shared/data
DATA   ?= $(SHARED)/wos-central-asia/*.txt $(SHARED)/wos-central-asia/*.bib \
          $(SHARED)/seed/kazakhstan-2022/missing-from-wos.ris
LIBRARY ?= library

.PHONY: setup demo test lint fix bench clean

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/.installed

demo: setup
	-$(BIN)/vissue --library $(LIBRARY) ingest $(DATA)
	$(BIN)/vissue --library $(LIBRARY) works --journal "Communist and Post-Communist Studies" --limit 10
	$(BIN)/vissue --library $(LIBRARY) show WOS:000437999500008

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks

fix: setup
	$(BIN)/ruff check --fix src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/ingest_speed.py

clean:
	rm -rf $(VENV) $(LIBRARY) .pytest_cache
