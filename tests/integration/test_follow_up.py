"""`workshop followup` on one laptop: the real command opens the follow-up, the start page offers
it and its page renders; `--close` takes it away again.  (Behind JupyterHub the start page asks
the service instead: ``test_hub_service.py``.)"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import Visitor, start_voila, stop_voila

pytestmark = pytest.mark.server


def test_workshop_followup_opens_the_follow_up_on_the_start_page_and_close_closes_it(prepared_copy):
    def followup(*flags):
        env = dict(os.environ, WORKSHOP_ID=prepared_copy.workshop_id)
        done = subprocess.run([sys.executable, "-m", "coproduction_kit.cli", "--data-dir",
                               str(prepared_copy.data_dir), "followup", *flags],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    process, url = start_voila(prepared_copy)
    try:
        visitor = Visitor(url)
        status, page = visitor.post("", pseudonym="months-later")
        assert status == 200 and "voila/render/follow-up.ipynb" not in page
        assert "is open" in followup()
        status, page = visitor.get("")
        assert 'href="/voila/render/follow-up.ipynb"' in page and "Follow-up: the statements from the start" in page
        status, page = visitor.get("voila/render/follow-up.ipynb")
        assert status == 200 and "There was an error when executing cell" not in page
        assert "is closed" in followup("--close")
        assert "voila/render/follow-up.ipynb" not in visitor.get("")[1]
    finally:
        stop_voila(process)
