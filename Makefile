# The two commands a new user types: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export NABA_INDEX ?= index
export NABA_CORPUS ?= corpus
# Where `make bench-scale` keeps ANT x 10 and its indexes (about 4 GB; reused next time).
SCALE_DIR ?= .scale

.PHONY: run test lint deps dev-deps index bench bench-scale fuzz eval screenshots postgres postgres-stop clean translations

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade --quiet pip

# Stamp files make re-installs happen only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Test-only tools from npm (axe-core for the accessibility tests), as package-lock.json pins them.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

deps: $(VENV)/.runtime
dev-deps: $(VENV)/.dev node_modules/.installed

# Incremental: only new, changed and deleted corpus files are (re)indexed.
index: deps
	$(PY) -m search reindex

run: index
	$(PY) -m web --host $(HOST) --port $(PORT)

test: dev-deps
	$(PY) -m pytest
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# New or changed interface text into the English catalogue (then translate it by
# hand; tests/test_i18n.py fails while a message has no English). The app compiles them.
translations: deps
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output -o web/translations/messages.pot .
	$(VENV)/bin/pybabel -q update -i web/translations/messages.pot -d web/translations -l en --no-fuzzy-matching --ignore-obsolete -w 100
	rm web/translations/messages.pot

lint: dev-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

$(VENV)/.bench: requirements.txt requirements-dev.txt requirements-bench.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $@ $(VENV)/.dev $(VENV)/.runtime

bench: $(VENV)/.bench
	$(PY) -m benchmarks
	$(PY) -m benchmarks.load
	$(PY) -m benchmarks.engines

# ANT and ANT copied ten times: build, open, latency, memory, adding documents while
# serving (~40 min), then the load test on the 10x index.
bench-scale: $(VENV)/.bench
	$(PY) -m benchmarks.scale --keep $(SCALE_DIR)
	$(PY) -m benchmarks.load --index $(SCALE_DIR)/index-10x --section load-scale
	$(PY) -m benchmarks.engines --copies 10 --keep $(SCALE_DIR)/engines

# Retrieval quality on the Arabic test collections in ../shared/eval.
eval: dev-deps
	$(PY) -m evaluation

# The long property-based, crash and fuzzing runs (a bounded slice of each runs in
# `make test`): Hypothesis, kill -9 of reindexes, atheris on the corpus readers and the
# query parser, Schemathesis on the JSON API.
fuzz: dev-deps
	NABA_FUZZ_EXAMPLES=10000 NABA_CRASH_TRIALS=20 $(PY) -m pytest tests/test_search_properties.py tests/test_reindex_crash.py tests/test_web_properties.py
	NABA_FUZZ_SECONDS=600 $(PY) -m pytest tests/test_fuzz.py
	NABA_API_FUZZ_EXAMPLES=1000 $(PY) -m pytest tests/test_api_schema.py

# A PostgreSQL primary and a streaming replica on 127.0.0.1:54321/54322 for development,
# kept in .postgres/ (needs Debian's postgresql package); prints NABA_INDEX and
# NABA_INDEX_REPLICAS to export. Then: make index, make run.
postgres: dev-deps
	$(PY) -m tests.postgres_server start .postgres

postgres-stop: dev-deps
	$(PY) -m tests.postgres_server stop .postgres

# Regenerate docs/screenshots/ from the browser tests.
screenshots: dev-deps
	NABA_SAVE_SCREENSHOTS=1 $(PY) -m pytest tests/browser -k screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
