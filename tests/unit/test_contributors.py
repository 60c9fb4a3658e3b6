"""Contributors in the data: every module and guide credited, shown in the session plan."""

import html

import yaml

from coproduction_kit.authoring.check import check
from coproduction_kit.authoring.plan import session_plan
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.core.settings import PROJECT_ROOT


def messages(root):
    return "\n".join(map(str, check(root)))


def test_every_module_and_guide_is_credited_and_the_kit_passes():
    data = yaml.safe_load((PROJECT_ROOT / "curriculum" / "contributors.yaml").read_text("utf-8"))
    credited = {w["file"] for w in data["works"]}
    assert {f"facilitator_guides/{g.name}" for g in (PROJECT_ROOT / "facilitator_guides").glob("*.md")} <= credited
    assert "curriculum/modules/payment.yaml" in credited
    assert [p for p in check(PROJECT_ROOT) if "contributors" in str(p)] == []


def test_the_statement_is_honest_about_who_has_and_has_not_worked_on_it():
    data = yaml.safe_load((PROJECT_ROOT / "curriculum" / "contributors.yaml").read_text("utf-8"))
    assert "drafted by the kit's development team" in " ".join(data["statement"].split())
    assert "awaits that review" in data["statement"]
    assert [c["id"] for c in data["contributors"]] == ["development-team"]  # nobody invented


def test_a_new_guide_without_an_entry_is_named(lesson):
    (lesson / "facilitator_guides" / "new-guide.md").write_text("# A new guide\n", "utf-8")
    assert "new-guide.md: has no entry in" in messages(lesson)


def test_an_unknown_contributor_or_role_is_a_problem(lesson):
    path = lesson / "curriculum" / "contributors.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["works"][0]["credits"].append({"who": "someone-invented", "roles": ["Validation"]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    assert "works/0: 'someone-invented' is not in the contributors list" in messages(lesson)
    data["works"][0]["credits"][-1]["roles"] = ["Cheerleading"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    assert "'Cheerleading' is not one of" in messages(lesson)


def test_the_plan_cites_canmeds_and_shows_about_this_kit_and_who_made_each_module():
    page = session_plan(PROJECT_ROOT, load_curriculum(PROJECT_ROOT / "curriculum"))
    assert "CanMEDS 2015 Physician Competency Framework (Frank, Snell and Sherbino, 2015" in page
    assert '<h2 id="about">About this kit</h2>' in page
    for label in ("Who drafts", "Who edits", "Who has the last word", "How people are paid", "How people are credited"):
        assert f"<dt>{label}</dt>" in page
    assert "<strong>Made by.</strong> The kit's development team (Conceptualization" in html.unescape(page)
    assert "Awaiting review by service-user educators." in page


def test_guides_no_longer_say_first_version_for_review_by_both_co_facilitators():
    for guide in (PROJECT_ROOT / "facilitator_guides").glob("*.md"):
        text = guide.read_text("utf-8")
        assert "for review by both co-facilitators" not in text, guide.name
    for name in ("for-service-user-educators.md", "virtual-and-hybrid.md", "adapting-the-kit.md"):
        assert (PROJECT_ROOT / "facilitator_guides" / name).exists()
