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
PACKAGE   := $(wildcard analysis/*.py) analysis/registry.toml

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
NAMES     := $(basename $(notdir $(NOTEBOOKS)))
EXECUTED  := $(NAMES:%=build/%.ipynb)
REPORTS   := $(NAMES:%=reports/%.html)
NUMBERS   := reports/numbers.json
INDEX     := reports/index.html

# Notebook settings: QUICK=1 runs small ensembles (used by the tests).
SEED      ?= 20090417
QUICK     ?= 0

.DEFAULT_GOAL := all
.PHONY: all help venv data data-full fullgraph processed reports lab test bench bench-fullgraph serve clean distclean

ifdef DATASET
all: $(MANIFEST)
	$(PY) -m analysis run $(DATASET)
else
all: $(INDEX) ## Build everything (DATASET=my.toml: the analysis of your own graph, in reports/<name>/)
endif

help: ## List the targets with a one-line description
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

venv: $(STAMP) ## Create .venv with plain venv + pip and register the Jupyter kernel

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (tweeterwood)"
	touch $@

data: $(RAW_FILES) ## Fetch and verify the archived data (from TWEETERWOOD_DATA_MIRROR first)

$(RAW_FILES): | $(STAMP)
	$(PY) -m analysis.fetch $(notdir $@)

data-full: $(STAMP) ## Fetch and verify the complete 2009 Kwak graph (four gzip parts, 26 GB; resumable)
	$(PY) -m analysis.fullgraph download

fullgraph: data-full $(MANIFEST) ## Run the out-of-core pipeline on the complete 2009 graph (DuckDB)
	$(PY) -m analysis.fullgraph run

bench-fullgraph: $(STAMP) ## Scale benchmark of the full-graph pipeline on synthetic archives
	@mkdir -p build
	$(PY) scripts/bench_fullgraph.py

processed: $(MANIFEST) ## Build the tidy Parquet tables in data/processed/

$(MANIFEST): $(RAW_FILES) analysis/loading.py analysis/processed.py analysis/registry.toml | $(STAMP)
	$(PY) -m analysis.processed

build/%.ipynb: notebooks/%.ipynb $(PACKAGE) $(MANIFEST) | $(STAMP)
	@mkdir -p build reports/figures build/numbers
	$(BIN)/papermill --kernel $(KERNEL) --progress-bar -p seed $(SEED) -p quick $(QUICK) $< $@.tmp.ipynb
	mv $@.tmp.ipynb $@

reports/%.html: build/%.ipynb analysis/report_site.py | $(STAMP)
	$(PY) -m analysis.report_site render $<

# the verdict collects the numbers of the notebooks before it
build/06-verdict.ipynb: $(filter-out build/06-verdict.ipynb build/00-data.ipynb,$(EXECUTED))

$(NUMBERS): $(EXECUTED) | $(STAMP)
	$(PY) -m analysis.results merge

$(INDEX): $(REPORTS) $(NUMBERS) analysis/report_site.py | $(STAMP)
	$(PY) -m analysis.report_site

reports: $(INDEX) ## Execute the notebooks and render reports/ (same as `make`)

serve: $(INDEX) ## Serve reports/ on http://127.0.0.1:8000 (static, local only)
	$(PY) -m http.server --bind 127.0.0.1 --directory reports 8000

lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab --allow-root notebooks/

test: $(STAMP) $(MANIFEST) ## Run the whole test suite (executes every notebook in quick mode)
	$(BIN)/pytest

bench: $(STAMP) $(MANIFEST) ## Benchmark our rewiring against igraph and networkx on ego-Twitter
	$(PY) scripts/bench_rewire.py

clean: ## Remove generated files (keeps downloads in data/raw/ and .venv)
	rm -rf build reports data/processed/*.parquet $(MANIFEST) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## Also remove downloads and the virtual environment
	find data/raw -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf $(VENV) *.egg-info
