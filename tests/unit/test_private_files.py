"""Private modes: owner only by default; a data folder shared with a group keeps its group."""

import os
import stat

from coproduction_kit.core.private_files import create_private_file, make_private, private_folder


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_everything_under_a_folder_is_made_owner_only(tmp_path):
    data = private_folder(tmp_path / "data")
    (data / "exchange" / "c" / "inbound").mkdir(parents=True)
    (data / "exchange").chmod(0o777)  # as nbgrader's release_assignment leaves it
    (data / "exchange" / "c" / "inbound").chmod(0o2733)
    notebook = data / "exchange" / "c" / "inbound" / "x.ipynb"
    notebook.write_text("{}")
    notebook.chmod(0o444)
    make_private(data)
    assert [mode(p) for p in (data, data / "exchange", data / "exchange" / "c" / "inbound")] == [0o700] * 3
    assert mode(notebook) == 0o600


def test_a_folder_shared_with_a_group_keeps_the_group_but_not_others(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o2770)  # what a hub's administrator does: chgrp GROUP data; chmod 2770 data
    inbound = data / "exchange" / "c" / "inbound"
    inbound.mkdir(parents=True)
    made = create_private_file(data / "exchange" / "c" / "store.lock")
    (inbound / "sub").mkdir()
    old = os.umask(0o022)
    try:
        make_private(data)
    finally:
        os.umask(old)
    assert mode(data) == 0o2770 and mode(data / "exchange") == 0o2770
    assert mode(inbound) == 0o2730  # drop in, not list
    assert mode(made) == 0o660


def test_the_umask_follows_the_data_folder(tmp_path):
    from coproduction_kit.core.private_files import umask_for

    assert umask_for(tmp_path) == 0o077
    tmp_path.chmod(0o2770)
    assert umask_for(tmp_path) == 0o007
