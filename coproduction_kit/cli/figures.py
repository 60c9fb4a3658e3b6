"""``workshop figures``: the programme's own figures (co-facilitation, pay and how promptly), for the report.

With no option it shows the workshop's figures; with options it changes those given and keeps the
rest, e.g. ``workshop figures --sessions-held 6 --co-facilitated 6 --educators 2 --paid 2
--payment-days "7, 14, 30"``.  The facilitator view *Programme figures* enters the same figures
in a form.  ``workshop report`` shows them as "How we practised co-production".
"""

from __future__ import annotations

from traitlets import Unicode

from coproduction_kit.cli.command import WORKSHOP_ALIASES, Command, CommandError, say

# option -> (the field of core.programme.ProgrammeFigures, its help)
OPTIONS = {
    "sessions-held": ("sessions_held", "How many sessions of this workshop were held."),
    "co-facilitated": ("sessions_cofacilitated", "How many of them were co-facilitated with a service-user educator."),
    "educators": ("educators_involved", "How many service-user educators were involved."),
    "paid": ("educators_paid", "How many of them were paid."),
    "payment-days": ("payment_days", "Days from session to payment, one number per payment, e.g. \"7, 14, 30\"."),
    "median-days": ("median_days", "Only the median days from session to payment, if each payment's are not known."),
}


class FiguresApp(Command):
    """Enter or show the programme's own figures (sessions co-facilitated, service-user educators
    paid and how promptly) for the report."""

    sessions_held = Unicode("", help=OPTIONS["sessions-held"][1]).tag(config=True)
    sessions_cofacilitated = Unicode("", help=OPTIONS["co-facilitated"][1]).tag(config=True)
    educators_involved = Unicode("", help=OPTIONS["educators"][1]).tag(config=True)
    educators_paid = Unicode("", help=OPTIONS["paid"][1]).tag(config=True)
    payment_days = Unicode("", help=OPTIONS["payment-days"][1]).tag(config=True)
    median_days = Unicode("", help=OPTIONS["median-days"][1]).tag(config=True)
    aliases = {**WORKSHOP_ALIASES, **{option: f"FiguresApp.{field}" for option, (field, _) in OPTIONS.items()}}

    def run(self, workshop) -> int:
        from coproduction_kit.core.programme import FiguresError, ProgrammeFigures
        from coproduction_kit.store import Store

        store = Store(workshop.store_url)
        try:
            known = store.programme_figures(workshop.workshop_id)
            given = {field: getattr(self, field) for field, _ in OPTIONS.values() if getattr(self, field).strip()}
            if not given:
                if known is None:
                    say(f"No programme figures entered for workshop '{workshop.workshop_id}' yet. Enter them with "
                        "`workshop figures --sessions-held N --co-facilitated N --educators N --paid N "
                        "--payment-days \"7, 14\"`, or in the facilitator view Programme figures.")
                else:
                    self._show(workshop, known, "are")
                return 0
            entered = known.entered() if known else {}
            if "payment_days" in given and "median_days" not in given:
                entered["median_days"] = None  # each payment's days replace a median entered before
            if "median_days" in given and "payment_days" not in given:
                entered["payment_days"] = []
            try:
                figures = ProgrammeFigures.checked(**{**entered, **given})
            except FiguresError as problems:
                raise CommandError(f"the figures were not kept. {problems}") from None
            store.save_programme_figures(workshop.workshop_id, figures)
            self._show(workshop, figures, "are now")
        finally:
            store.close()
        return 0

    def _show(self, workshop, figures, are: str) -> None:
        from coproduction_kit.core.programme import TITLE

        say(f"{TITLE}: workshop '{workshop.workshop_id}' figures {are}")
        for figure, value in figures.rows():
            say(f"  {figure}: {value}")
        say("`workshop report` shows them.")
