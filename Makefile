# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv/ on first use and install the package into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# JupyterLab refuses to start as root (containers) unless told to
USER_ID ?= $(shell id -u)
LAB_FLAGS := $(if $(filter 0,$(USER_ID)),--allow-root)

.PHONY: demo test test-fast lint lab samples clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(BIN)/.installed  ## inspect the bundled samples and write the cohort report to out/
	$(BIN)/followup-analytics demo --out out

test: $(BIN)/.installed  ## lint, format and type checks, the full test suite (what CI runs)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

test-fast: $(BIN)/.installed  ## lint and the tests not marked slow (while working)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -m "not slow"

lab: $(BIN)/.installed   ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

samples: $(BIN)/.installed  ## regenerate data_samples/ (deterministic)
	$(BIN)/python -m followup_analytics.samples

clean:
	rm -rf $(VENV) out .pytest_cache
