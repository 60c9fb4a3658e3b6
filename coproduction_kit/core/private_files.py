"""Files that only the workshop's own account can read.

Everything the kit writes in the data folder (the store, nbgrader's course and exchange, exports
and reports) holds what participants typed, so no other local user may read it: folders are
0700 and files 0600.  The kit's processes start with ``os.umask(0o077)`` (``umask_for``), and
wherever the kit or nbgrader sets a mode itself (nbgrader opens its exchange to everyone), the
mode is set again here.

A cohort whose servers run as separate system accounts (JupyterHub with local users) shares the
data folder with one group instead: ``chgrp GROUP data; chmod 2770 data``.  A folder carrying the
set-group-id bit (which Linux passes on to every folder made inside it) keeps group access:
folders 2770, files 0660 (the exchange's inbound 2730, as nbgrader has it: the group may drop
submissions in but not list them), and still nothing for other users.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK, GROUP_UMASK = 0o077, 0o007
FOLDER_MODE, FILE_MODE = 0o700, 0o600
GROUP_FOLDER_MODE, GROUP_FILE_MODE = 0o2770, 0o660
GROUP_INBOUND_MODE = 0o2730


def _group_shared(folder: Path) -> bool:
    try:
        return bool(folder.stat().st_mode & stat.S_ISGID)
    except OSError:
        return False


def umask_for(data_dir: str | os.PathLike) -> int:
    """The umask a kit process starts with: 077, or 007 when the data folder is shared with a group.

    With a group, files written by nbgrader or formgrader themselves (feedback, a new folder)
    must keep the group's access too, not only those the kit sets a mode on.
    """
    return GROUP_UMASK if _group_shared(Path(data_dir)) else PRIVATE_UMASK


def folder_mode(folder: Path, top: bool = False) -> int:
    """The mode a folder of the kit gets: owner only, or its group's too inside a shared folder.

    Only the parent decides (nbgrader sets the set-group-id bit on its inbound folder itself),
    except for the ``top`` folder (the data folder), which a facilitator may have shared.
    """
    folder = Path(folder)
    shared = _group_shared(folder.parent) or (top and _group_shared(folder))
    if shared and folder.name == "inbound":
        # As nbgrader has it: the group may drop submissions in, not list each other's.
        return GROUP_INBOUND_MODE
    return GROUP_FOLDER_MODE if shared else FOLDER_MODE


def file_mode(path: Path) -> int:
    return GROUP_FILE_MODE if _group_shared(Path(path).parent) else FILE_MODE


def private_folder(path: str | os.PathLike) -> Path:
    """Make ``path`` (and any missing parents) a folder only the owner (or shared group) can open."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for folder in reversed(missing):  # parents first: a shared parent passes its group on
        _chmod(folder, folder_mode(folder))
    _chmod(path, folder_mode(path, top=True))
    return path


def private_file(path: str | os.PathLike) -> Path:
    """Take group and other access away from one file the kit wrote."""
    path = Path(path)
    _chmod(path, file_mode(path))
    return path


def create_private_file(path: str | os.PathLike) -> Path:
    """Create ``path`` empty with the private mode if it does not exist (before SQLite opens it)."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        pass
    return private_file(path)


def write_private(path: str | os.PathLike, content: bytes | str) -> Path:
    """Write a secret (a token, a key) readable by this user only (0600) from its first byte."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb") as file:
        file.write(data)
    return path


def make_private(root: str | os.PathLike) -> None:
    """Every folder and file under ``root`` (and ``root`` itself) private, as above.

    Run after nbgrader, which makes its exchange world-writable and its outputs world-readable.
    """
    root = Path(root)
    if not root.exists():
        return
    if root.is_file():
        private_file(root)
        return
    _chmod(root, folder_mode(root, top=True))
    for folder, folders, files in os.walk(root):
        for name in folders:
            sub = Path(folder, name)
            _chmod(sub, folder_mode(sub))
        for name in files:
            target = Path(folder, name)
            if not target.is_symlink():
                private_file(target)


def _chmod(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
    except PermissionError:  # someone else's file in a shared folder: theirs to set
        pass
    except FileNotFoundError:  # removed meanwhile (a collect, a withdrawal)
        pass
