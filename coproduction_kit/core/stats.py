"""Counting answers: frequent words in free text, and how many chose each point or option.

The room view and the report count the same way, from here."""

from __future__ import annotations

import re
from collections import Counter

from coproduction_kit.core.answers_text import READINGS
from coproduction_kit.core.credit import icmje
from coproduction_kit.core.kinds import GROUPED_KINDS, TEXT_KINDS  # noqa: F401 (report.py imports them from here)

# Common English words that say nothing about what people wrote.
STOPWORDS = frozenset(
    """about above after again against all also and any are because been before being below between
    both but can could did does doing down during each few for from further had has have having her
    here hers herself him himself his how into its itself just more most much must myself nor not now
    off once only other our ours ourselves out over own same she should some such than that the their
    theirs them themselves then there these they this those through too under until very was were what
    when where which while who whom why will with would you your yours yourself yourselves one get got
    it's i'm don't can't didn't isn't that's there's they're we're i've really like think feel felt""".split()
)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))+", re.UNICODE)


def words(text: str) -> list[str]:
    """The meaningful words of a text: lower-cased, three letters or more, no stopwords."""
    found = (w.lower().replace("’", "'") for w in _WORD.findall(text or ""))
    return [w for w in found if len(w) >= 3 and w not in STOPWORDS]


def frequent_words(texts, top: int = 8) -> list[tuple[str, int]]:
    """The ``top`` most frequent words across texts, most frequent first (ties alphabetical)."""
    counts = Counter()
    for text in texts:
        counts.update(words(text))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]


def tally(entry: dict, values: list) -> list[tuple[str, int]]:
    """(label, count) for every point of a scale or option of a choice or checklist, in order.

    Points and options nobody chose count 0; a value the curriculum no longer lists is kept at
    the end, so nothing counted disappears.
    """
    counts: Counter = Counter()
    if entry["kind"] == "scale":
        counts.update(v for v in values if isinstance(v, int) and not isinstance(v, bool))
        labels = list(range(int(entry["scale"]["min"]), int(entry["scale"]["max"]) + 1))
        labels += sorted(set(counts) - set(labels))
    else:
        for value in values:
            counts.update(value if isinstance(value, list) else [value])
        labels = list(entry["options"])
        labels += sorted(str(o) for o in set(counts) - set(labels))
    return [(str(label), counts[label]) for label in labels]


def average_positions(maps: list[dict], at_least: int = 1) -> list[tuple[str, int, float, float]]:
    """(role, how many placed it, mean authority, mean expertise) over power maps, by first seen.

    Roles placed by fewer than ``at_least`` maps are left out (the room view uses 2, so that a
    role one person added stays theirs).
    """
    placed: dict[str, list] = {}
    for value in maps:
        for role, position in (value or {}).items():
            placed.setdefault(role, []).append(position)
    return [
        (role, len(spots), round(sum(a for a, _ in spots) / len(spots), 1),
         round(sum(e for _, e in spots) / len(spots), 1))
        for role, spots in placed.items() if len(spots) >= at_least
    ]


def grouped_tallies(entry: dict, values: list) -> list[tuple[str, list[tuple[str, int]]]]:
    """For exercises with several parts: (part, [(label, count)]) for each part, in order.

    sort: per item, how many placed it in each category; matched_items: per statement, each point; vignettes: per case, how many named
    each reading; credit_matrix: per member, how many judged them an author or acknowledged.
    """
    answers = [v for v in values if isinstance(v, dict)]
    kind = entry["kind"]
    if kind == "sort":
        return [(item["text"], [(c, sum(1 for v in answers if v.get(item["id"]) == c)) for c in entry["categories"]])
                for item in entry["items"]]
    if kind == "vignettes":
        return [(f"{item['setting']}: {item['text']}",
                 [(label, sum(1 for v in answers if (v.get(item["id"]) or {}).get("what") == code))
                  for label, code in READINGS])
                for item in entry["items"]]
    if kind == "matched_items":  # the evaluation: per statement, how many gave each point
        return [(item["text"], tally({"kind": "scale", "scale": item["scale"]},
                                     [v.get(item["id"]) for v in answers]))
                for item in entry.get("items", [])]
    if kind == "credit_matrix":
        groups = []
        for person in entry["team"]:
            authors = sum(1 for v in answers if all(icmje(v.get(person["id"], {})).values()))
            groups.append((f"{person['name']} ({person['role']})",
                           [("Author", authors), ("Acknowledged", len(answers) - authors)]))
        return groups
    return []
