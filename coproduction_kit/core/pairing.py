"""Pairing codes: how one person's evaluation answers, before and after, are paired without naming them.

At the baseline the page offers a code of four plain words (``new_code``, e.g. ``otter maple
harp quill``), which the participant notes down and types again at the end and at the follow-up.
The code never leaves the participant's page as typed: the store keeps only ``pair_key(code)``, a
slow one-way hash (scrypt) salted with the workshop's id, beside the anonymous answers, with nothing
that links it to a participant.  So the store can tell that two anonymous answers carry the same
code, but not whose they are.

Why four words from 256: 2³² codes, so a participant guessing another's code (one try for each
phase, as each participant sends each evaluation once) has about one chance in a hundred million
per try of hitting one of 30 codes in use; and the hash costs about a twentieth of a second each,
so working the codes back out of a copied store takes years of computing, and would still name no one.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import secrets

WORDS_IN_CODE = 4
WORDS = (
    "acorn", "agate", "alder", "almond", "amber", "anchor", "angle", "apple", "apricot", "apron", "arch",
    "arrow", "aspen", "atlas", "autumn", "badge", "bagel", "bamboo", "banjo", "barley", "basil", "basket",
    "beach", "beacon", "bean", "bell", "berry", "birch", "biscuit", "bison", "blanket", "bloom", "blue",
    "boat", "bonnet", "book", "border", "bottle", "branch", "brass", "bread", "breeze", "brick", "bridge",
    "brook", "broom", "bubble", "bucket", "button", "cabin", "cactus", "camel", "cameo", "candle", "canoe",
    "canvas", "canyon", "carpet", "carrot", "castle", "cedar", "cello", "chalk", "cherry", "chess",
    "chestnut", "cider", "circle", "clay", "cliff", "cloud", "clover", "coast", "cobalt", "comet",
    "copper", "coral", "cotton", "crane", "crayon", "creek", "crystal", "cup", "daffodil", "daisy",
    "delta", "desert", "dew", "dolphin", "door", "dove", "dune", "eagle", "easel", "echo", "elm", "ember",
    "falcon", "feather", "fern", "fiddle", "field", "fig", "flannel", "flute", "foam", "forest", "fossil",
    "fountain", "fox", "garden", "garnet", "gate", "gazelle", "ginger", "glacier", "globe", "goose",
    "grape", "gravel", "guitar", "hamlet", "hammock", "harbor", "harp", "hazel", "heron", "hill", "honey",
    "horizon", "island", "ivory", "ivy", "jacket", "jade", "jasmine", "jelly", "kettle", "kite", "ladder",
    "lagoon", "lake", "lantern", "lark", "lava", "lemon", "lily", "linen", "lobster", "locket", "lotus",
    "magnet", "mango", "maple", "marble", "meadow", "melon", "mint", "mirror", "moon", "moss", "mountain",
    "mulberry", "nectar", "nest", "nutmeg", "oak", "oasis", "ocean", "olive", "onion", "orange", "orchard",
    "otter", "owl", "paddle", "panda", "paper", "parcel", "parsley", "peach", "pearl", "pebble", "pepper",
    "piano", "pillow", "pine", "planet", "plum", "pocket", "pond", "poppy", "prairie", "puffin", "pumpkin",
    "quartz", "quill", "rabbit", "radish", "rain", "raven", "reed", "ribbon", "river", "robin", "rocket",
    "rose", "saddle", "sage", "salmon", "sand", "scarf", "shell", "silver", "sky", "sled", "snow",
    "sparrow", "spoon", "spring", "spruce", "star", "stone", "straw", "stream", "sugar", "summit", "sun",
    "swan", "tea", "thistle", "thunder", "tiger", "timber", "toast", "topaz", "tower", "trail", "tulip",
    "tunnel", "turnip", "valley", "velvet", "violet", "walnut", "wave", "whale", "wheat", "willow",
    "window", "winter", "wool", "wren", "yarrow", "zebra", "zinc",
)
_WORD_SET = frozenset(WORDS)


class BadCode(ValueError):
    """A code that is not four words of the list: said in plain words, for the page."""


def new_code() -> str:
    """A fresh code of four words from the list, chosen by the system's secure random source."""
    return " ".join(secrets.choice(WORDS) for _ in range(WORDS_IN_CODE))


def normalise(typed: str) -> str | None:
    """The code as typed, in lower case with single spaces; None for an empty box (no code).

    Hyphens, commas and extra spaces between the words are accepted; a word not in the list or a
    wrong number of words raises ``BadCode`` naming what is wrong (never echoing a whole code).
    """
    found = [word for word in re.split(r"[\s,;.\-_/]+", (typed or "").strip().lower()) if word]
    if not found:
        return None
    if len(found) != WORDS_IN_CODE:
        raise BadCode(f"A pairing code has {WORDS_IN_CODE} words; this has {len(found)}. "
                      "Check your note, or leave the box empty.")
    unknown = [(number, word) for number, word in enumerate(found, start=1) if word not in _WORD_SET]
    if unknown:
        # A phone's autocorrect turns "harp" into "hard": name the listed word nearest each one.
        guesses = [f"“{close[0]}” for “{word}”" for _, word in unknown
                   if (close := difflib.get_close_matches(word, WORDS, n=1, cutoff=0.6))]
        raise BadCode(f"Word {', '.join(str(number) for number, _ in unknown)} of this code is not one the "
                      "kit gives out" + (f" (did you mean {', '.join(guesses)}?)" if guesses else "")
                      + ". Check your note, or leave the box empty.")
    return " ".join(found)


def pair_key(workshop_id: str, code: str) -> str:
    """What the store keeps of a code: scrypt of the normalised code, salted with the workshop's id."""
    salt = f"coproduction-kit evaluation pairing {workshop_id}".encode("utf-8")
    return hashlib.scrypt(code.encode("utf-8"), salt=salt, n=2 ** 14, r=8, p=1, dklen=16).hex()
