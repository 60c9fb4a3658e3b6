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
# Two pytest-xdist workers by default, one per core (`make test TEST_WORKERS=0` runs one process).
# A file's tests run on one worker, so its module fixtures are made once; workers take files in the
# order collected, and tests/conftest.py collects the longest files first (LONG_FILES), so the short
# ones fill in at the end and both workers finish together. The suite is CPU-bound (about 90 % of
# both cores busy; three workers took 6:49 against two's 6:55): by process, Chromium about 24 %,
# the Voila servers 18 %, the pytest workers themselves 16 % (nbgrader's autograde and generate in
# process, the seeded report), page kernels and their warm parents 14 %, JupyterLab, JupyterHub's
# single-user servers and the rest under 4 % each (2026-12-03). From a fresh clone, install
# included: 6:29 to 7:21 on one machine, 3:51 to 5:06 on a faster one later that day, where 5f3bf01
# took 5:41 to 7:11 (benchmarks/suite_time.py times both on the machine at hand). Every
# Jupyter server and nbformat import paid 1.6-2 s of CPU for a grammar nothing uses, until
# coproduction_kit/core/lean_imports.py left it out. Two workers were opt-in for a while: one of
# three runs had the room view in tests/browser/test_browser_room.py miss a shared answer within
# its 120 s; it was not seen again in the runs since (runs beside busy loops, 25 room views under
# load, full two-worker runs), and a failing run's report shows every server's log and what the
# view showed.
TEST_WORKERS ?= 2
test: $(VENV)/.installed
	$(BIN)/workshop check
	$(BIN)/python -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder) $(ARGS)

# The wheel and the source archive a programme installs from (`pip install dist/*.whl`).
dist: $(VENV)/.installed
	$(BIN)/hatchling build

clean:
	rm -rf $(VENV) workshop-data dist
