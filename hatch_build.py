"""The wheel's build step (a hatchling build hook, pyproject.toml): the content goes in the package.

Authors edit ``curriculum/``, ``modules/``, ``facilitator_guides/`` and ``facilitator_views/`` at the
top of the repository; the wheel carries them in ``coproduction_kit/content/``, where
``coproduction_kit/core/content.py`` finds them.  An editable install gets none: the kit reads the
checkout's folders, and a copy in site-packages (a folder ``coproduction_kit/`` holding only
``content/``) would go stale and hide the checkout's package from Python's import system.
"""

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

FOLDERS = ("curriculum", "modules", "facilitator_guides", "facilitator_views")


class ContentInPackage(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable":
            return
        for folder in FOLDERS:
            build_data["force_include"][folder] = f"coproduction_kit/content/{folder}"
