"""A module page light enough for a phone on a room's shared Wi-Fi.

A participant notices only that the page arrives sooner; measured with
``benchmarks/page_weight.py`` (BENCHMARKS.md, "Page weight on a phone"):

- pages, scripts and styles go out gzip-compressed to every browser that accepts it (tornado's own
  ``GZipContentEncoding``; Voilà applies its ``tornado_settings`` only after building the
  application, too late for tornado's ``compress_response`` setting, which the hub's single-user
  servers do read); the kernel's WebSocket is compressed too (``app.py``'s settings);
- a JupyterLab extension's file whose name carries its content's hash is kept by the browser for a
  year, so a second visit asks nothing for it (Voilà marks them all "no-cache");
- the JupyterLab extensions a module page never uses are not loaded: nbgrader's (formgrader lives
  in the facilitators' JupyterLab), the Notebook's toolbar links, and code highlighting (the pages
  show no code).  Widget extensions, including ones installed later, still load.
"""

from __future__ import annotations

import re

from jupyter_server.base.handlers import FileFindHandler
from tornado.web import Application, GZipContentEncoding

UNUSED_EXTENSIONS = ["@jupyter/nbgrader", "@jupyter-notebook/lab-extension", "jupyterlab_pygments"]

# remoteEntry.c8c9eed2cdefde7d.js, 84.09c61a35dce1705f.js: webpack names a built file by its content.
_HASHED = re.compile(r"\.[0-9a-f]{16,}\.js$")
A_YEAR = "public, max-age=31536000, immutable"


class VersionedFileHandler(FileFindHandler):
    """Voilà's handler for JupyterLab extensions' files, with a year's caching for hashed names."""

    def set_headers(self) -> None:
        super().set_headers()
        if _HASHED.search(self.request.path):
            self.set_header("Cache-Control", A_YEAR)


def compress(app: Application) -> None:
    """Every response of ``app`` gzip-compressed when the browser accepts it (text, JS, JSON, SVG)."""
    if GZipContentEncoding not in app.transforms:
        app.add_transform(GZipContentEncoding)
