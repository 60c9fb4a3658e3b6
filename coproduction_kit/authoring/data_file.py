"""One optional data file of the curriculum (``kinds.yaml``, ``claims.yaml``, ``contributors.yaml``),
read and checked against its schema, for ``workshop check``.

A workshop folder made before such a file existed has none; that is not a problem yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from coproduction_kit.core.curriculum import Curriculum, CurriculumError, load_schema, read_yaml

LineOf = Callable[[Path, list], "int | None"]


def checked_data_file(curriculum: Curriculum, file_name: str, schema: str,
                      line_of: LineOf) -> tuple[Path, object, list[tuple[str, str]]]:
    """``(path, data, problems)``: the file's data (None when it is absent or unreadable) and its
    problems as ``(where, message)``, each schema problem at its line."""
    path = curriculum.folder / file_name
    if not path.exists():
        return path, None, []
    try:
        data = read_yaml(path)
    except CurriculumError as err:
        return path, None, [tuple(str(err).split(": ", 1))] if ": " in str(err) else [(str(path), str(err))]
    import jsonschema  # slow to import, as in validate()

    problems = []
    validator = jsonschema.Draft202012Validator(load_schema(curriculum.folder, schema))
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in err.path) or "(top level)"
        line = line_of(path, list(err.path))
        problems.append((f"{path}:{line}" if line else str(path), f"{where}: {err.message}"))
    return path, data, problems
