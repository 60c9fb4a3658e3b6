"""The programme's own figures: checked as typed, kept per workshop, entered by command or form, reported."""

import csv

import pytest
from openpyxl import load_workbook

from coproduction_kit.core.programme import TITLE, FiguresError, ProgrammeFigures
from coproduction_kit.core.settings import load_config
from coproduction_kit.review.report import build_report
from coproduction_kit.store import Store, migrate
from coproduction_kit.widgets.programme_figures import FiguresForm

GOOD = dict(sessions_held="6", sessions_cofacilitated="5", educators_involved="3", educators_paid="2",
            payment_days="7, 14; 30 2")


def test_figures_typed_as_text_are_read_as_whole_numbers_and_the_median_is_of_the_payments():
    figures = ProgrammeFigures.checked(**GOOD)
    assert figures == ProgrammeFigures(6, 5, 3, 2, (7, 14, 30, 2), None)
    assert figures.days_to_payment == 10.5
    assert dict(figures.rows()) == {
        "Sessions held": "6",
        "Sessions co-facilitated with a service-user educator": "5 of 6 (83%)",
        "Service-user educators involved": "3",
        "Service-user educators paid": "2 of 3 (67%)",
        "Days from session to payment": "median 10.5 (4 payment(s), 2 to 30 days)",
    }
    only_median = ProgrammeFigures.checked(**{**GOOD, "payment_days": "", "median_days": " 12 "})
    assert only_median.days_to_payment == 12 and dict(only_median.rows())["Days from session to payment"] == \
        "median 12 (as entered)"
    none_yet = ProgrammeFigures.checked(0, 0, 0, 0)
    assert dict(none_yet.rows())["Sessions co-facilitated with a service-user educator"] == "0 of 0"
    assert dict(none_yet.rows())["Days from session to payment"] == "not entered"
    assert ProgrammeFigures.checked(**figures.entered()) == figures


@pytest.mark.parametrize("change, says", [
    ({"sessions_held": "-1"}, r"Sessions held: give a whole number from 0 up \(not '-1'\)"),
    ({"sessions_held": "2.5"}, r"Sessions held: give a whole number from 0 up \(not '2.5'\)"),
    ({"educators_paid": ""}, r"Service-user educators paid: give a number \(0 if none\)"),
    ({"educators_involved": True}, r"Service-user educators involved: give a whole number"),
    ({"sessions_held": "9" * 100_000}, r"Sessions held: give a whole number from 0 up \(not '9{20}…'\)"),
    ({"sessions_held": "200000", "sessions_cofacilitated": "0"}, r"200,000 is more than 100,000"),
    ({"sessions_cofacilitated": "7"}, r"Sessions co-facilitated \(7\) cannot be more than sessions held \(6\)"),
    ({"educators_paid": "4"}, r"Service-user educators paid \(4\) cannot be more than those involved \(3\)"),
    ({"median_days": "9"}, r"the days of each payment or their median, not both"),
    ({"educators_paid": "0"}, r"no service-user educator was paid, so there is no payment to time"),
    ({"payment_days": "7, soon"}, r"Days from session to payment \(payment 2\): give a whole number"),
    ({"payment_days": "", "median_days": "-3"}, r"\(median\): give a number of days from 0 to 3,650"),
    ({"payment_days": "<script>alert(1)</script>"}, r"\(payment 1\): give a whole number from 0 up \(not '<script>alert\(1\)</sc…'\)"),
])
def test_bad_figures_are_refused_with_a_plain_reason(change, says):
    with pytest.raises(FiguresError, match=says):
        ProgrammeFigures.checked(**{**GOOD, **change})


def test_every_problem_is_named_at_once():
    with pytest.raises(FiguresError) as caught:
        ProgrammeFigures.checked(sessions_held="x", sessions_cofacilitated="", educators_involved="1",
                                 educators_paid="2")
    message = str(caught.value)
    assert "Sessions held" in message and "Sessions co-facilitated" in message and "cannot be more" in message


def test_the_store_keeps_one_row_per_workshop_with_no_pseudonym(store):
    assert store.programme_figures("w1") is None
    store.save_programme_figures("w1", ProgrammeFigures.checked(**GOOD))
    store.save_programme_figures("w2", ProgrammeFigures.checked(1, 1, 1, 1, median_days="3"))
    store.save_programme_figures("w1", ProgrammeFigures.checked(**{**GOOD, "sessions_held": "8"}))
    assert store.programme_figures("w1") == ProgrammeFigures(8, 5, 3, 2, (7, 14, 30, 2), None)
    assert store.programme_figures("w2").median_days == 3
    assert store.delete_workshop("w1")["programme_figures"] == 1
    assert store.programme_figures("w1") is None and store.programme_figures("w2") is not None


def test_the_report_shows_how_the_programme_practised_co_production(workshop, store, curriculum, tmp_path):
    paths = build_report(store, workshop.workshop_id, curriculum, tmp_path / "before")
    page = paths["html"].read_text("utf-8")
    assert "How we practised co-production</h2>" in page and "No figures entered yet" in page
    assert "programme" not in paths and TITLE not in load_workbook(paths["xlsx"]).sheetnames

    store.save_programme_figures(workshop.workshop_id, ProgrammeFigures.checked(**GOOD))
    paths = build_report(store, workshop.workshop_id, curriculum, tmp_path / "after")
    page = paths["html"].read_text("utf-8")
    assert "No figures entered yet" not in page and "href='#programme'" in page
    assert "<tr><th scope='row'>Service-user educators paid</th><td>2 of 3 (67%)</td></tr>" in page
    assert "median 10.5 (4 payment(s), 2 to 30 days)" in page
    with open(paths["programme"], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["figure", "value"] and ["Sessions held", "6"] in rows
    sheet = load_workbook(paths["xlsx"])[TITLE]
    assert [c.value for c in sheet["A"]][1:] == [figure for figure, _ in ProgrammeFigures.checked(**GOOD).rows()]
    assert sheet["B6"].value == "median 10.5 (4 payment(s), 2 to 30 days)"


def test_workshop_figures_enters_changes_and_shows_them(tmp_path, capsys):
    from coproduction_kit.cli import main

    data = tmp_path / "data"
    migrate(load_config(data).store_url)
    assert main(["--data-dir", str(data), "figures"]) == 0
    assert "No programme figures entered" in capsys.readouterr().out
    assert main(["figures", "--data-dir", str(data), "--sessions-held", "6", "--co-facilitated", "6",
                 "--educators", "2", "--paid", "2", "--payment-days", "7, 14"]) == 0
    out = capsys.readouterr().out
    assert "Sessions co-facilitated with a service-user educator: 6 of 6 (100%)" in out
    assert main(["figures", "--data-dir", str(data), "--median-days", "10"]) == 0  # replaces the days
    assert "median 10 (as entered)" in capsys.readouterr().out
    assert main(["figures", "--data-dir", str(data), "--paid", "3"]) == 1
    err = capsys.readouterr().err
    assert "the figures were not kept" in err and "paid (3) cannot be more than those involved (2)" in err
    store = Store(load_config(data).store_url)
    assert store.programme_figures("workshop") == ProgrammeFigures(6, 6, 2, 2, (), 10.0)
    store.close()


def test_the_facilitator_form_saves_good_figures_and_names_what_to_change(workshop, store):
    form = FiguresForm(workshop, store)
    for name, value in GOOD.items():
        if name in form._counts:
            form._counts[name].value = value
    form._days.value = "7, 14, 30, 2"
    form._counts["educators_paid"].value = "5"
    assert form.save() is None
    assert "Not saved." in form._status.value and "cannot be more than those involved (3)" in form._status.value
    assert store.programme_figures(workshop.workshop_id) is None
    form._counts["educators_paid"].value = "2"
    assert form.save() == ProgrammeFigures(6, 5, 3, 2, (7, 14, 30, 2), None)
    assert "Saved." in form._status.value
    again = FiguresForm(workshop, store)  # opened later: the figures entered are shown to change
    assert again._counts["sessions_held"].value == "6" and again._days.value == "7, 14, 30, 2"
    form._days.value = "<b>7</b>"
    form.save()
    assert "<b>" not in form._status.value and "&lt;b&gt;7" in form._status.value
