"""`workshop init DIR`: the kit's content copied into a folder a programme adapts, nothing overwritten."""

import pytest

from coproduction_kit.authoring.check import check
from coproduction_kit.authoring.init import InitError, init_folder
from coproduction_kit.core.content import FOLDERS, content_root


def test_init_copies_the_content_and_a_readme_and_the_folder_passes_the_check(tmp_path):
    folder = tmp_path / "programme"
    written = init_folder(folder)
    assert sorted(p.name for p in written) == sorted([*FOLDERS, "README.md"])
    assert content_root(folder) == folder.resolve()  # run from here, the kit uses this content
    assert check(folder) == []
    readme = (folder / "README.md").read_text()
    assert all(f"`{name}/`" in readme for name in FOLDERS)
    assert all(f"`workshop {command}`" in readme for command in ("check", "prepare", "serve"))


def test_init_goes_beside_other_files_but_overwrites_nothing(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "modules").mkdir()  # empty: taken as new
    init_folder(tmp_path)
    assert (tmp_path / "modules" / "power.ipynb").is_file()
    guide = tmp_path / "facilitator_guides" / "power.md"
    guide.write_text("our own guide")
    with pytest.raises(InitError, match="already has curriculum, modules, facilitator_guides"):
        init_folder(tmp_path)
    assert guide.read_text() == "our own guide"


def test_init_refuses_a_file(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InitError, match="is a file"):
        init_folder(tmp_path / "notes.txt")
