# Two commands do everything on a fresh machine: `make serve` and `make test`.
# Each creates the virtual environment from pyproject.toml the first time.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: serve test install dist clean

# The environment is installed by uv (from PyPI, into the venv with the venv's own pip): on this
# 2-core machine a cold install (empty caches) took 25 s against pip's 2.5-6 minutes. Like
# `pip install --no-compile`, uv leaves compiling to Python, which compiles a module when it
# first imports it. `editables` is named because hatchling's editable wheel (dev-mode-exact in
# pyproject.toml) needs it and uv, unlike pip, resolves from the metadata that does not say so.
# The venv keeps its own pip: the package tests build the wheel with it. uv reads no pip.conf: where
# packages come only from an index pip is configured for (a mirror, find-links), uv fails and pip
# installs instead, as before.
UV := uv>=0.13,<0.14
$(VENV)/.installed: pyproject.toml
	@echo "Setting up the workshop kit in $(VENV) (first run only; about a minute)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet '$(UV)' \
	  && $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test,hub]' 'editables>=0.5,<1' \
	  || $(BIN)/python -m pip install --quiet --no-compile -e '.[test,hub]'
	@touch $@
	@echo "Installed. "

install: $(VENV)/.installed

serve: $(VENV)/.installed
	$(BIN)/workshop serve $(ARGS)

# pytest exits non-zero when a test fails and also when it ran none (exit 5), so either fails
# `make test` and CI. `make test ARGS=tests/unit` runs the quick layer alone.
# One process by default. `make test TEST_WORKERS=2` runs two pytest-xdist workers (a file's tests on
# one worker, so its module fixtures are made once). Workers take files in the order collected, and
# tests/conftest.py collects the longest files first (LONG_FILES), so the short ones fill in at the
# end: both workers finished within a second of each other, 8 min 35 s for the suite in a worktree on
# 2 cores shared with another engineer's work (2026-12-03), against 12 min 48 s in one process.
# The suite is CPU-bound (about 14-16 CPU-minutes; by process: Chromium about 30 %, the Voila servers
# about 20 %, page kernels and their warm parents 17 %, pytest itself 11 %, JupyterLab, `workshop
# serve` and JupyterHub the rest), so balance alone cannot bring it under 6 minutes. Still not the
# default: in one of three runs before this, the room view in tests/browser/test_browser_room.py did
# not show a shared answer within its 120 s; not reproduced since (3 runs beside two busy loops, 25
# room views under load, 2 full runs and 3 runs of the long browser files on two workers); a failing
# run's report now shows `workshop serve`'s logs and what the view showed.
TEST_WORKERS ?= 0
test: $(VENV)/.installed
	$(BIN)/workshop check
	$(BIN)/python -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder) $(ARGS)

# The wheel and the source archive a programme installs from (`pip install dist/*.whl`).
dist: $(VENV)/.installed
	$(BIN)/hatchling build

clean:
	rm -rf $(VENV) workshop-data dist
