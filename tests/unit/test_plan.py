"""The printable session plan, generated from the data."""

from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.core.curriculum import load_curriculum, session_rows
from coproduction_kit.authoring.plan import session_plan


def test_the_plan_has_every_session_with_its_timetable_and_objectives():
    curriculum = load_curriculum(PROJECT_ROOT / "curriculum")
    page = session_plan(PROJECT_ROOT, curriculum)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    for fmt in curriculum.series["formats"]:
        assert fmt["title"] in page
        for session in fmt["sessions"]:
            assert f"Session {session['number']}:" in page
    payment = curriculum.module("payment")
    assert payment["objectives"][0]["text"][:50] in page
    assert ("planned and not written yet" in page) == bool(curriculum.planned)
    assert "http" not in page.split("<body>")[0].replace("http-equiv", "")  # nothing fetched


def test_a_session_adds_up_check_in_module_break_debrief():
    curriculum = load_curriculum(PROJECT_ROOT / "curriculum")
    session = next(s for s in curriculum.series["formats"][0]["sessions"] if s["modules"] == ["payment"])
    rows = session_rows(curriculum, session)
    assert [r[0] for r in rows][0] == "Check-in" and rows[-1][0] == "Debrief"
    minutes = curriculum.module("payment")["minutes"]
    assert sum(m or 0 for _, m in rows) == (
        session["check_in"] + minutes["teaching"] + minutes["exercises"] + session["break"] + session["debrief"]
    )
