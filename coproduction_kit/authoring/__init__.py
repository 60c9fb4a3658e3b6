"""Authoring: the checks, timing, claims, contributors and printable plan that keep the content whole."""

from pathlib import Path

# The authoring pages' templates: the session plan, and the "About this kit" section it shares with
# the participants' /about page.
TEMPLATES = Path(__file__).parent / "templates"
