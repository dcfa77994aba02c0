# Two commands for a fresh machine: `make pack` and `make test`.
# Both create .venv when it is missing or older than pyproject.toml, then reuse it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONFIG ?= kpi.yml
PERIOD ?= latest
AUDIENCE ?= public
LANGUAGE ?= en

.PHONY: pack test lab demo ingest clean-outputs help

help:
	@echo "make pack   - set up, generate the demo authority, ingest it and build the demo pack"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lab    - open the notebooks in JupyterLab"

# The environment is rebuilt only when pyproject.toml changes or the interpreter is gone.
$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python && $(BIN)/python -c "" 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

$(BIN)/.lab-installed: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test,lab]"
	@touch $@

demo: $(BIN)/.installed
	$(BIN)/kpi demo

ingest: demo
	$(BIN)/kpi ingest --config $(CONFIG)

pack: ingest
	$(BIN)/kpi pack --config $(CONFIG) --period $(PERIOD) --audience $(AUDIENCE) --language $(LANGUAGE)

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(BIN)/.lab-installed
	$(BIN)/jupyter lab notebooks/

clean-outputs:
	rm -rf data/processed data/versions reports/versions
	find reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
