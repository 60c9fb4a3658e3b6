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
# Two pytest-xdist workers: most of a test's time is spent waiting on a server, a kernel or the
# browser, so two share the machine's two cores well. A file's tests stay on one worker (its
# module fixtures are made once), and files start in the order collected: the slow browser and
# integration files first, not last (xdist's default puts files with the most tests first, which
# left a one-test browser file running alone at the end). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: $(VENV)/.installed
	$(BIN)/workshop check
	$(BIN)/python -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder) $(ARGS)

# The wheel and the source archive a programme installs from (`pip install dist/*.whl`).
dist: $(VENV)/.installed
	$(BIN)/hatchling build

clean:
	rm -rf $(VENV) workshop-data dist
