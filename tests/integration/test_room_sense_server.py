"""Plain ``workshop serve`` (no session named) makes the likely first page ready as people join.

A real server with ``--room`` and no ``--pages``: participants register through the start page,
and the series' first module has a preheated kernel for each of them before anyone opens it;
then each of them gets one of those kernels.
"""

import re
from pathlib import Path

import pytest

from tests.helpers import Visitor, start_voila, stop_voila, wait_in_log

JOINING = 4


@pytest.mark.server
def test_participants_joining_through_the_start_page_get_the_first_page_ready(prepared):
    process, url = start_voila(prepared, args=("--room", "30"))
    log = Path(prepared.data_dir) / f"voila-{url.rsplit(':', 1)[1].strip('/')}.log"
    try:
        wait_in_log(log, r"Kernel pool of orientation\.ipynb is filled with 2")  # the reserve, at start
        room = [Visitor(url) for _ in range(JOINING)]
        for n, visitor in enumerate(room):
            status, _ = visitor.post("", pseudonym=f"sensed-{n}")
            assert status == 200
        text = wait_in_log(log, rf"Kernel pool of orientation\.ipynb is filled with {JOINING}")
        assert f"Making orientation.ipynb ready for {JOINING}" in text
        assert "Using pre-heated kernel" not in text  # nobody has opened it yet
        assert not re.search(r"Kernel pool of power\.ipynb is filled with [2-9]", text)  # the others: 1

        for visitor in room:
            status, page = visitor.get("voila/render/orientation.ipynb")
            assert status == 200 and "There was an error when executing cell" not in page
        # The room (all of it) has reached orientation: power fills for it next, once it settled.
        text = wait_in_log(log, rf"Making power\.ipynb ready for {JOINING}", seconds=60)
        assert text.count("Using pre-heated kernel") == JOINING
    finally:
        stop_voila(process)
