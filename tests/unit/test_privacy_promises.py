"""Every privacy promise the kit makes is checked by a test.

The kit tells participants and facilitators what happens to what they write: on its pages (the
start page, the withdrawal page, the module pages' own words and every widget's), in its messages
and commands, in the module notebooks, in the README, SECURITY.md, hub/README.md and the
facilitator guides.  ``tests/privacy_promises.yaml``
lists each promise, the sentences that make it, and the tests that show the kit keeps it.

This test finds every sentence in those places that speaks of who can see, keep or remove what
someone wrote (a word such as *private*, *anonymous*, *never*, *only*, *withdraw* or *delete*
beside a word such as *answer*, *text*, *pseudonym* or *link*).  Each such sentence must be
matched by a promise with its proofs, or listed as a limit (what the kit says it does not
protect), a facilitator's practice (something people do, not the kit) or as not a promise at all.  So a new sentence promising something cannot be added
without the test that shows it holds; and each proof named must exist.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from coproduction_kit.core.settings import PROJECT_ROOT

CATALOGUE = Path(__file__).parents[1] / "privacy_promises.yaml"
PROMISE_WORDS = re.compile(
    r"\b(private|privately|anonymous|anonymously|never|no one|nobody|only|removes?|removed|deleted?|deletes|"
    r"withdraw\w*|linked|links|cannot|nothing|hash|secret|encrypt\w*|plain HTTP|can read|refused)\b", re.I)
DATA_WORDS = re.compile(
    r"\b(answers?|text|reflections?|data|pseudonyms?|names?|evaluation|submissions?|cop(?:y|ies)|cookie|"
    r"link|token|store|words|typed|sees?|read|files?|folder|kernel|server|network)\b", re.I)
# What participants and facilitators read: the kit's pages, the strings its code shows (every
# module of the package, so a new widget or message is read without being listed here), the
# notebooks' text and the documents.
TEMPLATES = ["coproduction_kit/server/templates/*.html", "coproduction_kit/review/templates/*.html"]
SHOWN_BY = ["coproduction_kit/**/*.py"]
DOCUMENTS = ["README.md", "SECURITY.md", "hub/README.md", "facilitator_guides/*.md"]
NOTEBOOKS = ["modules/*.ipynb", "facilitator_views/*.ipynb"]


def _shown_strings(path: Path) -> str:
    """The strings a Python module shows people: its string literals with a space in them (so not
    ids, keys or paths), less docstrings; each a block of its own, so that two strings never run
    into one sentence."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    in_f_strings = {id(v) for j in ast.walk(tree) if isinstance(j, ast.JoinedStr) for v in j.values}
    pieces = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            pieces.append("".join(v.value if isinstance(v, ast.Constant) else "…" for v in node.values))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings and id(node) not in in_f_strings):
            pieces.append(node.value)
    return "\n\n".join(piece for piece in pieces if " " in piece.strip())


def _sources() -> dict[str, str]:
    texts = {}
    for pattern in TEMPLATES:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            text = re.sub(r"\{[{%#].*?[%}#]\}", " … ", path.read_text(encoding="utf-8"), flags=re.S)
            text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
            texts[str(path.relative_to(PROJECT_ROOT))] = re.sub(r"<[^>]+>", " ", text)
    for pattern in SHOWN_BY:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            texts[str(path.relative_to(PROJECT_ROOT))] = re.sub(r"<[^>]+>", " ", _shown_strings(path))
    for pattern in DOCUMENTS:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            texts[str(path.relative_to(PROJECT_ROOT))] = path.read_text(encoding="utf-8")
    for pattern in NOTEBOOKS:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            texts[str(path.relative_to(PROJECT_ROOT))] = "\n\n".join(
                "".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return texts


def privacy_sentences() -> list[tuple[str, str]]:
    """(file, sentence) for every sentence that speaks of who sees, keeps or removes what."""
    found = []
    for name, text in _sources().items():
        # Markdown tables and lists: each cell and item is a sentence of its own.
        for block in re.split(r"\n\s*\n|\n(?=\s*[-*|#] )|\|", text):
            flat = re.sub(r"\s+", " ", block).strip()
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z*`\"“(])", flat):
                if PROMISE_WORDS.search(sentence) and DATA_WORDS.search(sentence):
                    found.append((name, sentence))
    return found


def _catalogue() -> dict:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def _matches(entry: dict, sentence: str) -> bool:
    return any(re.search(pattern, sentence, re.I) for pattern in entry["sentences"])


def test_every_privacy_sentence_is_a_catalogued_promise_practice_or_not_a_promise():
    catalogue = _catalogue()
    entries = catalogue["promises"] + catalogue["limits"] + catalogue["practices"] + catalogue["not_promises"]
    unknown = [f"{name}: {sentence}" for name, sentence in privacy_sentences()
               if not any(_matches(entry, sentence) for entry in entries)]
    assert not unknown, (
        "These sentences speak of privacy but no entry in tests/privacy_promises.yaml covers them; "
        "add each to a promise (with the tests that prove it), a practice, or not_promises:\n"
        + "\n".join(unknown))


def test_every_promise_is_still_made_somewhere():
    sentences = [sentence for _, sentence in privacy_sentences()]
    for entry in _catalogue()["promises"]:
        for pattern in entry["sentences"]:
            assert any(re.search(pattern, s, re.I) for s in sentences), (
                f"promise {entry['id']!r}: no sentence matches {pattern!r} any more; remove or update it")


def _test_exists(node_id: str) -> bool:
    file, _, name = node_id.partition("::")
    path = PROJECT_ROOT / file
    if not path.is_file():
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name for n in ast.walk(tree))


@pytest.mark.parametrize("entry", _catalogue()["promises"], ids=lambda e: e["id"])
def test_each_promise_names_tests_that_exist(entry):
    assert entry["proved_by"], f"promise {entry['id']!r} names no test"
    missing = [node for node in entry["proved_by"] if not _test_exists(node)]
    assert not missing, f"promise {entry['id']!r} names tests that do not exist: {missing}"


def test_practices_and_limits_say_why_they_are_not_the_kits_to_prove():
    for entry in _catalogue()["practices"] + _catalogue()["limits"]:
        assert entry.get("why"), entry
