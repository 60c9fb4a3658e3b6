"""Loaded before pytest's other plugins (``-p tests.lean_start`` in pyproject.toml's addopts): the
test processes leave out the grammar the kit's own processes leave out
(coproduction_kit/core/lean_imports.py) before nbval's plugin imports nbformat, and with it
jsonschema: 1.5 s less CPU in pytest and in each of its workers. tests/unit/test_lean_imports.py
checks, in processes of its own, that nothing the kit validates needs it."""

from coproduction_kit.core.lean_imports import leave_out_unused_grammars

leave_out_unused_grammars()
