# Two commands for a fresh machine: `make pack` and `make test`.
# Both create .venv when it is missing or older than pyproject.toml or the lock file, then reuse it.
# The versions installed are the tested ones in requirements-lock.txt (pip constraints); pyproject.toml
# keeps only the lower bounds. `make lock` refreshes the lock (see README.md).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements-lock.txt
DEMO_CONFIG := kpi.yml
CONFIG ?= $(DEMO_CONFIG)
PERIOD ?= latest
AUDIENCE ?= public
LANGUAGE ?= en
# The demo authority is made (again) only for the demo config: `make pack CONFIG=mine.yml` uses your
# extracts as they are. DEMO=no skips it for a kpi.yml of your own too.
DEMO ?= $(if $(filter $(abspath $(DEMO_CONFIG)),$(abspath $(CONFIG))),yes,no)

.PHONY: pack test lab demo ingest lock bench clean-outputs help

help:
	@echo "make pack   - set up, generate the demo authority, ingest it and build the demo pack"
	@echo "              (make pack CONFIG=mine.yml PERIOD=2018-19Q3: your config's pack; no demo)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lab    - open the notebooks in JupyterLab"
	@echo "make lock   - refresh $(LOCK), the tested versions that set-up installs"
	@echo "make bench  - national-scale benchmark (minutes to an hour; not part of make test):"
	@echo "              writes benchmarks/results/<date>.md (BENCH_ARGS='--sizes 22x10 --runs 1')"

# The environment is rebuilt only when pyproject.toml or the lock changes or the interpreter is gone.
$(BIN)/.installed: pyproject.toml $(LOCK)
	@test -x $(BIN)/python && $(BIN)/python -c "" 2>/dev/null || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[test]"
	@touch $@

$(BIN)/.lab-installed: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[test,lab]"
	@touch $@

demo: $(BIN)/.installed
	$(BIN)/kpi demo

ifeq ($(DEMO),yes)
ingest: demo
endif
ingest: $(BIN)/.installed
	$(BIN)/kpi ingest --config $(CONFIG)

pack: ingest
	$(BIN)/kpi pack --config $(CONFIG) --period $(PERIOD) --audience $(AUDIENCE) --language $(LANGUAGE)

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Ingest, indicators and one pack, each beside its reference (benchmarks/run.py says which).
bench: $(BIN)/.installed
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

lab: $(BIN)/.lab-installed
	$(BIN)/jupyter lab notebooks/

# The newest versions pyproject.toml allows, for this Python and platform, resolved by uv (installed into a
# throw-away environment, not .venv). Then `make test` installs them; commit the lock if the suite passes.
lock:
	@tool=$$(mktemp -d) && trap 'rm -rf "$$tool"' EXIT && \
	$(PYTHON) -m venv "$$tool" && "$$tool/bin/python" -m pip install --quiet uv && \
	"$$tool/bin/uv" pip compile pyproject.toml --extra test --python $(PYTHON) --upgrade \
	    --custom-compile-command "make lock" --output-file $(LOCK)

clean-outputs:
	rm -rf data/processed data/versions reports/versions
	find reports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
