# Two commands for a new user: `make serve` and `make test`. Everything else is here too.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install build serve test test-fast test-shuffled lint messages bench loadtest loadtest-writes fuzz clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

build: install
	$(BIN)/imvokg --progress build --if-changed

serve: build
	$(BIN)/imvokg serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

# The fast tier (under a minute): everything but the tests marked slow; `make test` runs them all.
# Compiled modules are kept (__pycache__, ignored by git) even where the shell turns that off:
# without them every run compiles rdflib, pySHACL, FastAPI and hypothesis again and pytest
# rewrites the asserts of every plugin module again, a few seconds of CPU before the first test.
test-fast: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -m "not slow" -q

# The suite in a random order (modules kept together); SEED=n repeats an order.
SEED ?= $(shell date +%s)
test-shuffled: install
	$(BIN)/python -m pytest --shuffle $(SEED)

# Merge new interface messages into every catalogue and compile them (see README, Languages).
messages: install
	$(BIN)/python -m imvokg.catalogues update
	$(BIN)/python -m imvokg.catalogues compile

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run.py --sizes $(or $(SIZES),10k,100k,1M)
	$(BIN)/python bench/completion.py --sizes $(or $(SIZES),10k,100k,1M)
	$(BIN)/python bench/search.py --sizes $(or $(SIZES),10k,100k,1M)

# Load figures on a ~200k-triple synthetic graph (see docs/RELIABILITY.md); SOAK=0 skips the soak.
SOAK ?= 600
loadtest: install
	$(BIN)/python loadtest/run.py --triples $(or $(TRIPLES),200k) --soak-seconds $(SOAK)
	$(BIN)/python loadtest/write_trials.py --trials $(TRIALS)

# SIGKILL during submit/approve loops: no acknowledged write lost, no partial publication.
TRIALS ?= 20
loadtest-writes: install
	$(BIN)/python loadtest/write_trials.py --trials $(TRIALS)

clean:
	rm -rf var .pytest_cache

# The generated-input tests at length (tests/test_fuzz.py; CI runs them bounded): EXAMPLES per test.
EXAMPLES ?= 1000
fuzz: install
	FUZZ_EXAMPLES=$(EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py tests/test_schemathesis.py
