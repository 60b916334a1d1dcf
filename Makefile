# Set-up is part of every target: a fresh machine needs only python3.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
# The project's one command-line tool (src/lead_scoring, `lead-scoring --help`)
CLI := $(VENV)/bin/lead-scoring
export LEAD_SCORING_DB ?= $(CURDIR)/lead_scoring.duckdb
export DBT_PROFILES_DIR := $(CURDIR)
DEMO_DIR := demo_data
DEMO_CONTACTS ?= 3000
DEMO_EVENTS ?= 120000

.PHONY: demo test test-spark lint build bench calibrate-demo x-education clean

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

demo: $(VENV)/.installed
	rm -f "$(LEAD_SCORING_DB)" "$(LEAD_SCORING_DB).wal" "$(LEAD_SCORING_DB).seed-build"
	rm -f "$(LEAD_SCORING_DB:.duckdb=_read.duckdb)"
	$(CLI) demo-data --out $(DEMO_DIR) --contacts $(DEMO_CONTACTS) --events $(DEMO_EVENTS) --seed 42 --batches 2
	@echo "== batch 1, scored as of 2026-05-31"
	$(CLI) load $(DEMO_DIR)/batch_1
	$(CLI) build --quiet --vars '{as_of: "2026-05-31 00:00:00"}'
	@echo "== batch 2 (late events, replays, identities, updates), incremental build as of 2026-06-30"
	$(CLI) load $(DEMO_DIR)/batch_2
	$(CLI) build --quiet --vars '{as_of: "2026-06-30 00:00:00"}'
	$(CLI) top --limit 10

build: $(VENV)/.installed
	$(CLI) build

lint: $(VENV)/.installed
	LEAD_SCORING_DB=$(CURDIR)/target/lint.duckdb $(VENV)/bin/sqlfluff lint models --disable-progress-bar --processes 2
	$(VENV)/bin/sqlfluff lint macros tests/generic --disregard-sqlfluffignores --config checks/sqlfluff-macros.cfg --disable-progress-bar
	DBT=$(CURDIR)/$(DBT) PYTHON=$(CURDIR)/$(PY) checks/evaluator/run.sh

# tests_py on both cores (pytest-xdist). loadfile keeps each file on one worker, so a module-scoped
# fixture (a dbt build shared by a file's tests) is built once; the 15 slowest tests are listed.
# PYTEST_ARGS adds options, e.g. PYTEST_ARGS="-n 0" runs serially.
PYTEST_ARGS ?=
test: $(VENV)/.installed lint
	$(PY) -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=15 $(PYTEST_ARGS) tests_py

$(VENV)/.spark-installed: requirements-spark.txt $(VENV)/.installed
	@command -v java >/dev/null || { echo "test-spark needs a Java runtime (17 is tested)"; exit 1; }
	$(PY) -m pip install --quiet -r requirements-spark.txt
	touch $@

# The same fixtures on DuckDB and on local Spark (dbt-spark session, parquet): identical marts.
test-spark: $(VENV)/.spark-installed
	$(PY) -m pytest -q tests_spark

bench: $(VENV)/.installed
	$(CLI) bench --contacts 20000 --events 400000 --runs 3

# The rule-editing loop on the demo database (run `make demo` first; docs/benchmarks.md): edit one
# rule's points and rebuild, timed with `lead-scoring build` per edit and with `lead-scoring watch`.
.PHONY: bench-edit-loop
bench-edit-loop: $(VENV)/.installed
	$(PY) benchmarks/rule_edit_loop.py --runs 4 --rounds 2

# Calibrate points for the demo's b2b_general model from wins after 2026-05-31 (run `make demo` first).
calibrate-demo: $(VENV)/.installed
	$(CLI) calibrate --as-of "2026-05-31 00:00:00" --model b2b_general --out target/calibration

# The real-data study of docs/calibration.md: import X Education, calibrate with 5-fold CV, score.
x-education: $(VENV)/.installed
	$(CLI) study x-education

# Behaviour scoring on the BPI Challenge 2012 event log (docs/calibration.md): import, calibrate, compare.
.PHONY: bpic2012
bpic2012: $(VENV)/.installed
	$(VENV)/bin/lead-scoring study bpic2012

clean:
	rm -rf target logs $(DEMO_DIR) "$(LEAD_SCORING_DB)" "$(LEAD_SCORING_DB).wal" "$(LEAD_SCORING_DB).seed-build" "$(LEAD_SCORING_DB:.duckdb=_read.duckdb)"

# The dashboard (docs/dashboard.md) on http://127.0.0.1:$(DASHBOARD_PORT), over the read copy of $(LEAD_SCORING_DB).
DASHBOARD_PORT ?= 8501
.PHONY: dashboard test-browser
dashboard: $(VENV)/.installed
	$(VENV)/bin/lead-scoring dashboard --port $(DASHBOARD_PORT)

# Browser tests of the dashboard: Debian's chromium driven by Playwright (never `playwright install`).
$(VENV)/.browser-installed: requirements-browser.txt $(VENV)/.installed
	@command -v chromium >/dev/null || { echo "test-browser needs Debian's chromium: apt-get install -y chromium"; exit 1; }
	$(PY) -m pip install --quiet -r requirements-browser.txt
	touch $@

test-browser: $(VENV)/.browser-installed
	$(PY) -m pytest -q tests_browser

# Mutation check of the scoring SQL against the fast contract tests (not part of `make test`;
# docs/testing.md). E.g. make mutate MUTATE_ARGS="--jobs 2 --only int_lead_scores.sql".
.PHONY: mutate
MUTATE_ARGS ?= --jobs 2
mutate: $(VENV)/.installed
	$(VENV)/bin/lead-scoring mutate $(MUTATE_ARGS)
