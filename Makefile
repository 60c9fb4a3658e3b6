# Two commands do everything on a fresh machine: `make serve` and `make test`.
# Each creates the virtual environment from pyproject.toml the first time.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve test install dist clean

# --no-compile: Python compiles only the modules it imports, when it first imports them, rather
# than pip compiling all of the environment's ~7,000 files up front (about 25 s of one core).
$(VENV)/.installed: pyproject.toml
	@echo "Setting up the workshop kit in $(VENV) (first run only; about two minutes)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --progress-bar on --no-compile -e '.[test,hub]'
	@touch $@
	@echo "Installed. "

install: $(VENV)/.installed

serve: $(VENV)/.installed
	$(BIN)/workshop serve $(ARGS)

# pytest exits non-zero when a test fails and also when it ran none (exit 5), so either fails
# `make test` and CI. `make test ARGS=tests/unit` runs the quick layer alone.
# One process by default. `make test TEST_WORKERS=2` runs two pytest-xdist workers (a file's
# tests on one worker, so its module fixtures are made once; files in the order collected): on
# this 2-core machine that ran the suite in 11:45 instead of about 15 minutes, but two browser
# tests timed out there while passing alone (two Chromiums, servers and kernels on two cores), so
# it is not yet the default.
TEST_WORKERS ?= 0
test: $(VENV)/.installed
	$(BIN)/workshop check
	$(BIN)/python -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder) $(ARGS)

# The wheel and the source archive a programme installs from (`pip install dist/*.whl`).
dist: $(VENV)/.installed
	$(BIN)/hatchling build

clean:
	rm -rf $(VENV) workshop-data dist
