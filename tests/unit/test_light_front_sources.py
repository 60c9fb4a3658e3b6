"""The light front end's bundle (the template's static/light-front.js, committed) was built from the
sources in front/ as they are: front/build.mjs writes a digest of them beside the bundle, computed
here the same way. A change to front/ without a rebuild (npm ci && npm run build) fails here."""

from __future__ import annotations

import hashlib

from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.server import TEMPLATE_ROOT

FRONT = PROJECT_ROOT / "front"
STATIC = TEMPLATE_ROOT / "voila" / "templates" / "workshop" / "static"


def sources_digest() -> str:
    names = ["package.json", "package-lock.json", "build.mjs",
             *(path.relative_to(FRONT).as_posix() for path in (FRONT / "src").rglob("*") if path.is_file())]
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update(f"{name}\n{hashlib.sha256((FRONT / name).read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def test_the_committed_bundle_was_built_from_the_sources_in_front():
    recorded = (STATIC / "light-front.sources").read_text().split()
    assert recorded == ["sha256", sources_digest()], (
        "front/ changed since static/light-front.js was built: cd front && npm ci && npm run build")
    assert (STATIC / "light-front.js").stat().st_size > 100_000 and (STATIC / "light-front.css").is_file()
