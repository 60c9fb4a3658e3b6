"""The programme's own figures: how a workshop practised the co-production it teaches.

Facilitators enter, per workshop, how many sessions were held and how many were co-facilitated
with a service-user educator, how many service-user educators were involved and how many were
paid, and how promptly: the days from each session to its payment, or only their median when
that is all that is known.  ``workshop figures`` and the facilitator view *Programme figures*
enter them; ``workshop report`` shows them as "How we practised co-production".

These are figures about the programme, not about participants: no pseudonym, no answer.
``ProgrammeFigures.checked`` reads what was typed (numbers or text) and refuses, in plain words,
anything that is not a whole number from 0 up, or that cannot be true (more paid than involved).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

# The four counts: (name, what a facilitator reads), in the order forms and tables show them.
COUNTS = [
    ("sessions_held", "Sessions held"),
    ("sessions_cofacilitated", "Sessions co-facilitated with a service-user educator"),
    ("educators_involved", "Service-user educators involved"),
    ("educators_paid", "Service-user educators paid"),
]
DAYS_LABEL = "Days from session to payment"
MOST = 100_000  # no workshop has more sessions or people: a bigger number is a typing slip
MOST_DAYS = 3_650
TITLE = "How we practised co-production"


class FiguresError(ValueError):
    """Figures that cannot be kept; the message names each problem in plain words."""


def _whole(label: str, raw, problems: list[str], most: int = MOST) -> int | None:
    text = str(raw).strip() if raw is not None else ""
    if isinstance(raw, bool) or not re.fullmatch(r"\d{1,7}", text):
        shown = text if len(text) <= 20 else text[:20] + "…"
        problems.append(f"{label}: give a whole number from 0 up (not {shown!r})." if text
                        else f"{label}: give a number (0 if none).")
        return None
    if int(text) > most:
        problems.append(f"{label}: {int(text):,} is more than {most:,}; check the number.")
        return None
    return int(text)


def _days(raw, problems: list[str]) -> tuple[int, ...]:
    if raw is None or raw == "":
        return ()
    pieces = raw if isinstance(raw, (list, tuple)) else [p for p in re.split(r"[\s,;]+", str(raw)) if p]
    days = [_whole(f"{DAYS_LABEL} (payment {n})", piece, problems, MOST_DAYS) for n, piece in enumerate(pieces, 1)]
    return tuple(d for d in days if d is not None)


def _median(raw, problems: list[str]) -> float | None:
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1
    if isinstance(raw, bool) or not 0 <= value <= MOST_DAYS:
        problems.append(f"{DAYS_LABEL} (median): give a number of days from 0 to {MOST_DAYS:,}.")
        return None
    return value


@dataclass(frozen=True)
class ProgrammeFigures:
    """One workshop's figures, already checked (make them with ``checked``)."""

    sessions_held: int
    sessions_cofacilitated: int
    educators_involved: int
    educators_paid: int
    payment_days: tuple[int, ...] = ()  # per payment: days from its session to the money arriving
    median_days: float | None = None  # entered instead, when the days of each payment are not known

    @classmethod
    def checked(cls, sessions_held=None, sessions_cofacilitated=None, educators_involved=None,
                educators_paid=None, payment_days=None, median_days=None) -> "ProgrammeFigures":
        """The figures from what was typed; ``FiguresError`` lists every problem at once."""
        problems: list[str] = []
        raw = dict(sessions_held=sessions_held, sessions_cofacilitated=sessions_cofacilitated,
                   educators_involved=educators_involved, educators_paid=educators_paid)
        counts = {name: _whole(label, raw[name], problems) for name, label in COUNTS}
        days = _days(payment_days, problems)
        median = _median(median_days, problems)
        held, cofacilitated = counts["sessions_held"], counts["sessions_cofacilitated"]
        involved, paid = counts["educators_involved"], counts["educators_paid"]
        if None not in (held, cofacilitated) and cofacilitated > held:
            problems.append(f"Sessions co-facilitated ({cofacilitated}) cannot be more than sessions held ({held}).")
        if None not in (involved, paid) and paid > involved:
            problems.append(f"Service-user educators paid ({paid}) cannot be more than those involved ({involved}).")
        if days and median is not None:
            problems.append(f"{DAYS_LABEL}: give the days of each payment or their median, not both.")
        if paid == 0 and (days or median is not None):
            problems.append(f"{DAYS_LABEL}: no service-user educator was paid, so there is no payment to time.")
        if problems:
            raise FiguresError(" ".join(problems))
        return cls(held, cofacilitated, involved, paid, days, median)

    @property
    def days_to_payment(self) -> float | None:
        """The median days from session to payment: of the payments given, or as entered."""
        return float(statistics.median(self.payment_days)) if self.payment_days else self.median_days

    def rows(self) -> list[tuple[str, str]]:
        """The report's table: (figure, value as people read it)."""
        def of(part: int, whole: int) -> str:
            return f"{part} of {whole}" + (f" ({part / whole:.0%})" if whole else "")

        if self.payment_days:
            low, high = min(self.payment_days), max(self.payment_days)
            days = f"median {self.days_to_payment:g} ({len(self.payment_days)} payment(s), {low} to {high} days)"
        elif self.median_days is not None:
            days = f"median {self.median_days:g} (as entered)"
        else:
            days = "not entered"
        return [
            ("Sessions held", str(self.sessions_held)),
            (COUNTS[1][1], of(self.sessions_cofacilitated, self.sessions_held)),
            (COUNTS[2][1], str(self.educators_involved)),
            (COUNTS[3][1], of(self.educators_paid, self.educators_involved)),
            (DAYS_LABEL, days),
        ]

    def entered(self) -> dict:
        """The figures as they were entered (what ``checked`` takes back): the store's row, the form's fields."""
        return dict(sessions_held=self.sessions_held, sessions_cofacilitated=self.sessions_cofacilitated,
                    educators_involved=self.educators_involved, educators_paid=self.educators_paid,
                    payment_days=list(self.payment_days), median_days=self.median_days)
