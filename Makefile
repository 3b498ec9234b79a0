# Everything a fresh machine needs, in two commands:
#   make demo   builds a library from the real exports in ../shared/data (or DATA=...), then the
#               seed's virtual issue into out/ (issue.html, .md, .ris, .bib, .csl.json), checks it
#               and compares it with the editors' (EVENT=gold.json)
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

GOLD   ?= $(SHARED)/seed/kazakhstan-2022/gold.json
EVENT  ?= $(GOLD)
JOURNAL ?= Communist and Post-Communist Studies
OUT    ?= out

demo: setup
	-$(BIN)/vissue --library $(LIBRARY) ingest $(DATA)
	$(BIN)/vissue --library $(LIBRARY) works --journal "$(JOURNAL)" --limit 10
	$(BIN)/python -c "import json,sys; p=sys.argv[1]; print(json.load(open(p))['event'] if p.endswith('.json') else open(p).read())" "$(EVENT)" > $(LIBRARY)/event.txt
	$(BIN)/vissue --library $(LIBRARY) build --event $(LIBRARY)/event.txt --journal "$(JOURNAL)" -o $(OUT)
	$(BIN)/vissue check $(OUT)/issue.json
	$(BIN)/vissue --library $(LIBRARY) eval $(GOLD)
	@echo "open $(OUT)/issue.html in a browser"

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks

fix: setup
	$(BIN)/ruff check --fix src tests benchmarks

bench: setup
	$(BIN)/python benchmarks/ingest_speed.py
	$(BIN)/python benchmarks/embedding_speed.py
	$(BIN)/python benchmarks/quality.py --library $(LIBRARY)
	$(BIN)/python benchmarks/search_speed.py --library $(LIBRARY)
	$(BIN)/python benchmarks/build_speed.py --library $(LIBRARY)

clean:
	rm -rf $(VENV) $(LIBRARY) .pytest_cache
