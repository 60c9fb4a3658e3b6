"""Counting answers: frequent words in free text, and how many chose each point or option.

The room view and the report count the same way, from here."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median, quantiles

from coproduction_kit.core.answers_text import READINGS
from coproduction_kit.core.credit import icmje

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
    """(label, count) for every point of a ``scale`` or of the ``options`` (a choice, a checklist), in order.

    Points and options nobody chose count 0; a value the curriculum no longer lists is kept at
    the end, so nothing counted disappears.
    """
    counts: Counter = Counter()
    if "scale" in entry:
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


@dataclass(frozen=True)
class Spread:
    """Where the room put one role: the middle (median) position and the middle half on each axis."""

    role: str
    maps: int  # how many maps placed it
    authority: float
    expertise: float
    authority_range: tuple[float, float]  # the middle half of the room: first to third quartile
    expertise_range: tuple[float, float]


def _middle_half(numbers: list[float]) -> tuple[float, float]:
    if len(numbers) < 2:
        return numbers[0], numbers[0]
    low, _, high = quantiles(numbers, n=4, method="inclusive")
    return round(low, 1), round(high, 1)


def position_spread(maps: list[dict], at_least: int = 1) -> list[Spread]:
    """Per role, by first seen: its median position over the power maps and the middle half of them.

    Positions that are not two numbers are left out; so are roles placed by fewer than ``at_least``
    maps (the room view uses 2, so that a role one person added stays theirs).
    """
    placed: dict[str, list] = {}
    for value in maps:
        for role, spot in (value if isinstance(value, dict) else {}).items():
            if (isinstance(spot, (list, tuple)) and len(spot) == 2
                    and all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in spot)):
                placed.setdefault(role, []).append(spot)
    spreads = []
    for role, spots in placed.items():
        if len(spots) < at_least:
            continue
        authority, expertise = [a for a, _ in spots], [e for _, e in spots]
        spreads.append(Spread(role, len(spots), round(median(authority), 1), round(median(expertise), 1),
                              _middle_half(authority), _middle_half(expertise)))
    return spreads


# Exercises with several parts (the registry's ``groups``, ``core/kinds.py``): each returns
# (part, [(label, count)]) for each part, in order, from the answers that are mappings.
Groups = list[tuple[str, list[tuple[str, int]]]]


def sort_groups(entry: dict, answers: list[dict]) -> Groups:
    """Per item, how many placed it in each category."""
    return [(item["text"], [(c, sum(1 for v in answers if v.get(item["id"]) == c)) for c in entry["categories"]])
            for item in entry["items"]]


def leading(entry: dict, values: list) -> list[tuple[str, str]]:
    """Per sorted item (by id), the category most placed it in, "Power-over (3 of 5)", or "no answers".

    Ties go to the category listed first; a category the curriculum no longer lists comes last.
    """
    order = {category: i for i, category in enumerate(entry["categories"])}
    per_item = {item["id"]: Counter() for item in entry["items"]}
    for value in values:
        for item_id, category in (value if isinstance(value, dict) else {}).items():
            per_item.setdefault(item_id, Counter())[category] += 1
    leaders = []
    for item_id, counts in per_item.items():
        if not counts:
            leaders.append((item_id, "no answers"))
            continue
        best = min(counts, key=lambda c: (-counts[c], order.get(c, len(order)), str(c)))
        leaders.append((item_id, f"{best} ({counts[best]} of {sum(counts.values())})"))
    return leaders


def vignette_groups(entry: dict, answers: list[dict]) -> Groups:
    """Per case, how many named each reading of what happened."""
    return [(f"{item['setting']}: {item['text']}",
             [(label, sum(1 for v in answers if (v.get(item["id"]) or {}).get("what") == code))
              for label, code in READINGS])
            for item in entry["items"]]


def statement_groups(entry: dict, answers: list[dict]) -> Groups:
    """The evaluation's statements: per statement, how many gave each point of its scale."""
    return [(item["text"], tally({"scale": item["scale"]}, [v.get(item["id"]) for v in answers]))
            for item in entry.get("items", [])]


def credit_groups(entry: dict, answers: list[dict]) -> Groups:
    """Per team member, how many judged them an author (ICMJE's four criteria) or acknowledged."""
    groups = []
    for person in entry["team"]:
        authors = sum(1 for v in answers if all(icmje(v.get(person["id"], {})).values()))
        groups.append((f"{person['name']} ({person['role']})",
                       [("Author", authors), ("Acknowledged", len(answers) - authors)]))
    return groups
