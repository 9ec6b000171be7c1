# Tweeterwood. `make` builds everything; `make test` runs the test suite.
# `make help` lists the targets.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
KERNEL := tweeterwood

RAW_FILES := data/raw/celebrities_profiles.txt data/raw/celebrities_profiles_labeled.txt \
             data/raw/twitter.tar.gz data/raw/download.tsv.munmun_twitter_social.tar.bz2
MANIFEST  := data/processed/manifest.json
VERIFIED  := data/raw/.verified.json
LOCK      := requirements.lock
# The complete 2009 graph (not part of `make`): the parts' MD5 is checked once and stamped.
FULL_STAMP    := data/raw/twitter_rv.net.verified.json
FULL_MANIFEST := data/processed/kwak2009_full/manifest.json

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
NAMES     := $(basename $(notdir $(NOTEBOOKS)))
EXECUTED  := $(NAMES:%=build/%.ipynb)
# `make -j2` starts the reports in this order: the longest notebook (05) first, then 03 and 04
# (whichever of them runs first draws the shared ensembles, the other reads them), and the short
# ones fill a slot as it frees
FIRST     := 05-robustness 03-follow-back 04-gated-community
ORDER     := $(foreach name,$(FIRST),$(filter $(name),$(NAMES))) $(filter-out $(FIRST),$(NAMES))
# ... and the longest keeps the processor's priority: the others run under $(NICE), so under -j2 they
# take the cycles it leaves (its single-threaded stretches) instead of halving its share while it
# runs its ensembles; the work done is the same, the longest path shorter (README: Timings).
# NICE= runs every notebook at the same priority.
LONGEST   := $(firstword $(FIRST))
NICE      ?= nice -n 10
REPORTS   := $(ORDER:%=reports/%.html)
NUMBERS   := reports/numbers.json
INDEX     := reports/index.html

# Notebook settings: QUICK=1 runs small ensembles (used by the tests).
SEED      ?= 20090417
QUICK     ?= 0
ifneq ($(filter-out 0 1,$(QUICK))$(filter-out 1,$(words $(QUICK))),)
$(error QUICK must be 0 or 1, not '$(QUICK)')
endif
ifneq ($(subst 0,,$(subst 1,,$(subst 2,,$(subst 3,,$(subst 4,,$(subst 5,,$(subst 6,,$(subst 7,,$(subst 8,,$(subst 9,,$(SEED)))))))))))$(filter-out 1,$(words $(SEED))),)
$(error SEED must be a whole number, not '$(SEED)')
endif
# SCHEDULER=local:N (N dask worker processes here) or tcp://HOST:PORT (a running dask scheduler) sends
# the null ensembles of notebooks 03-05 to a cluster (README: Running ensembles on a cluster); empty,
# the default, keeps threads. It is no part of the settings stamp below: the numbers do not depend on it.
SCHEDULER ?=
ifneq ($(SCHEDULER),)
ifneq ($(words $(SCHEDULER)) $(words $(filter local:% tcp://% tls://%,$(SCHEDULER))),1 1)
$(error SCHEDULER must be local:N or tcp://HOST:PORT (empty for threads), not '$(SCHEDULER)')
endif
endif
SCHEDULER_P := $(if $(SCHEDULER), -p scheduler $(SCHEDULER))
# A build knows its settings: the executed notebooks and numbers.json depend on a stamp named
# by them. Its recipe deletes the stamps of other settings and creates itself, so a change of
# SEED or QUICK (also back to settings used before) finds no stamp, makes one newer than every
# executed notebook and re-executes them all; unchanged settings find their stamp older than
# the notebooks, and `make -q` answers 0. A stamp per setting rather than one write-if-changed
# file: nothing runs or is written while the Makefile is read, so `make -n` and `make -q` change nothing.
SETTINGS  := build/settings/seed-$(SEED)_quick-$(QUICK).stamp
# LOCKED=1 (default) installs the pinned, hashed lock; LOCKED=0 the ranges of pyproject.toml.
LOCKED    ?= 1

.DEFAULT_GOAL := all
# a recipe that fails removes the target it had begun to write
.DELETE_ON_ERROR:
.PHONY: all help venv lock data data-full fullgraph processed reports lab test test-long test-all test-fast lint format bench bench-fullgraph calibrate serve clean distclean

ifdef DATASET
all: $(STAMP)
	$(PY) -m analysis run $(DATASET) --seed $(SEED)$(if $(filter 1,$(QUICK)), --quick)$(if $(SCHEDULER), --scheduler $(SCHEDULER))
else
all: $(INDEX) ## Build everything (DATASET=my.toml: the analysis of your own graph, in reports/datasets/<name>/)
endif

help: ## List the targets with a one-line description
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create .venv with plain venv + pip and register the Jupyter kernel

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
ifeq ($(LOCKED),1)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
else
	$(BIN)/pip install --quiet -e ".[dev]"
endif
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (tweeterwood)"
	touch $@

lock: ## Re-resolve requirements.lock from pyproject.toml (pip-tools, with hashes); then commit it
	$(PYTHON) -m venv build/locktools
	build/locktools/bin/pip install --quiet pip-tools
	build/locktools/bin/pip-compile --quiet --generate-hashes --extra dev --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o $(LOCK) pyproject.toml

# `make data` and `make processed` always check the raw files (a stat each; a digest only for a
# file whose size or mtime differs from data/raw/.verified.json), since make compares only
# mtimes and a raw file replaced by an older one (cp -p, tar x, rsync -t) looks up to date to it.
# Other targets depend on the stamp's mtime alone (a raw file newer than it is verified again
# before anything is rebuilt from it), so that `make -q` can answer 0 after a complete build.
data: | $(STAMP) ## Fetch the archived data (from TWEETERWOOD_DATA_MIRROR first) and verify every raw file
	$(PY) -m analysis.data.fetch

$(RAW_FILES): | $(STAMP)
	$(PY) -m analysis.data.fetch $(notdir $@)

# rewritten only when an entry changes; touched here so that make sees it newer than the raw files
$(VERIFIED): $(RAW_FILES) | $(STAMP)
	$(PY) -m analysis.data.fetch --verify
	@touch $@

data-full: $(FULL_STAMP) ## Fetch and verify the complete 2009 Kwak graph (four gzip parts, 26 GB; resumable)

$(FULL_STAMP): | $(STAMP)
	$(PY) -m analysis.data.fullgraph download

fullgraph: $(FULL_MANIFEST) ## Run the out-of-core pipeline on the complete 2009 graph (DuckDB)

$(FULL_MANIFEST): $(FULL_STAMP) $(MANIFEST) analysis/data/fullgraph.py | $(STAMP)
	$(PY) -m analysis.data.fullgraph run

bench-fullgraph: $(STAMP) ## Scale benchmark of the full-graph pipeline on synthetic archives
	@mkdir -p build
	$(PY) scripts/bench_fullgraph.py

processed: $(MANIFEST) | $(STAMP) ## Build the tidy Parquet tables in data/processed/ (the raw files verified first)
	@$(PY) -m analysis.data.fetch --verify

$(MANIFEST): $(VERIFIED) analysis/data/readers.py analysis/data/processed.py analysis/data/registry.py analysis/data/registry.toml | $(STAMP)
	$(PY) -m analysis.data.processed

# Each notebook also depends on the package files it imports (scripts/notebook_deps.py).
DEPS := build/notebook-deps.mk
$(DEPS): $(NOTEBOOKS) $(shell find analysis -name "*.py") scripts/notebook_deps.py
	@mkdir -p build
	$(PYTHON) scripts/notebook_deps.py $(NOTEBOOKS) > $@.tmp && mv $@.tmp $@
ifeq ($(filter help clean distclean lock lab,$(MAKECMDGOALS)),)
-include $(DEPS)
endif

$(SETTINGS):
	@mkdir -p $(@D)
	@rm -f $(filter-out $@,$(wildcard $(@D)/*.stamp))
	@touch $@

# executed into a temporary file beside the target, renamed only when every cell ran
build/%.ipynb: notebooks/%.ipynb $(MANIFEST) $(SETTINGS) | $(STAMP)
	@mkdir -p build reports/figures build/numbers
	$(if $(filter $*,$(LONGEST)),,$(NICE) )$(PY) -m analysis.report.execute $< $@ --kernel $(KERNEL) -p seed $(SEED) -p quick $(QUICK)$(SCHEDULER_P)

reports/%.html: build/%.ipynb analysis/report/site.py | $(STAMP)
	$(PY) -m analysis.report.site render $<

# the verdict collects the numbers of the notebooks before it
build/06-verdict.ipynb: $(filter-out build/06-verdict.ipynb build/00-data.ipynb,$(EXECUTED))

$(NUMBERS): $(EXECUTED) $(SETTINGS) | $(STAMP)
	$(PY) -m analysis.report.results merge $(SEED) $(QUICK)

$(INDEX): $(REPORTS) $(NUMBERS) analysis/report/site.py | $(STAMP)
	$(PY) -m analysis.report.site
ifeq ($(QUICK),0)
	$(PY) -m analysis.report.readme $(NUMBERS)  # results/verdicts.json and the README's findings (published runs only)
endif

reports: $(INDEX) ## Execute the notebooks and render reports/ (same as `make`)

serve: $(INDEX) ## Serve reports/ on http://127.0.0.1:8000 (static, local only)
	$(PY) -m http.server --bind 127.0.0.1 --directory reports 8000

# JupyterLab on notebooks/, opened on the explorer; PORT=... picks the port (a taken port is an error, not
# another port, so the URL printed is the one served); --allow-root only when running as root.
PORT ?= 8888
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP) ## JupyterLab on notebooks/, opened on the explorer (notebooks/explore.ipynb); PORT=8888 by default
	@echo "JupyterLab: http://127.0.0.1:$(PORT)/lab/tree/explore.ipynb (the login token is in the server's lines below)"
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks --ip=127.0.0.1 --port=$(PORT) --ServerApp.port_retries=0 \
	  --LabApp.default_url=/lab/tree/explore.ipynb $(ALLOW_ROOT)

test: $(STAMP) $(MANIFEST) ## The test suite but its long tier (every notebook executed in quick mode; about 4 min); CI runs it and test-long
	$(BIN)/pytest --durations=10

test-long: $(STAMP) $(MANIFEST) ## The long tier alone: whole second runs (other graphs, reruns, interrupts) and calibrations (about 4 min)
	$(BIN)/pytest --runlong -m long --durations=10

test-all: $(STAMP) $(MANIFEST) ## Every test: test and test-long in one pytest run
	$(BIN)/pytest --runlong --durations=10

test-fast: $(STAMP) ## Unit and property tests only: no data files, no notebooks (about a minute)
	$(BIN)/pytest -m "not data and not notebooks and not slow" --durations=5

lint: $(STAMP) ## ruff (lint and format check) and the import-layer contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP) ## Format the code and notebooks with ruff and apply its safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) $(MANIFEST) ## Time to a mixed null sample: ours against NetworKit and igraph (results/bench_rewire.json, README)
	$(PY) scripts/bench_rewire.py

calibrate: $(STAMP) ## Size and power of every claim test on generated data (results/calibration.json; about an hour on 2 cores)
	$(PY) scripts/calibrate.py

clean: ## Remove generated files (keeps downloads in data/raw/ and .venv)
	$(if $(wildcard build reports data/processed data/raw results),find $(wildcard build reports data/processed data/raw results) \( -name '*.tmp*' -o -name '.partial-*' \) -prune -exec rm -rf {} +)
	rm -f .*.tmp
	rm -rf build reports data/processed/*.parquet $(MANIFEST) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## Also remove downloads and the virtual environment
	find data/raw -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf $(VENV) *.egg-info
