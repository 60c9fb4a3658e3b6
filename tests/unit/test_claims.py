"""The claims audit: every cited reference has a row, every row's file exists (``workshop check``)."""


import yaml

from coproduction_kit.authoring.check import check
from coproduction_kit.core.settings import PROJECT_ROOT


def messages(root):
    return "\n".join(map(str, check(root)))


def rewrite_claims(root, change):
    path = root / "curriculum" / "claims.yaml"
    table = yaml.safe_load(path.read_text("utf-8"))
    change(table)
    path.write_text(yaml.safe_dump(table, allow_unicode=True, sort_keys=False), "utf-8")


def test_the_kit_itself_has_a_row_for_every_reference_it_cites():
    assert [p for p in check(PROJECT_ROOT) if "claims" in str(p)] == []


def test_a_cited_reference_without_a_row_is_named_with_a_file_that_cites_it(lesson):
    rewrite_claims(lesson, lambda t: t.update(claims=[r for r in t["claims"] if r["source"] != "fricker2007"]))
    found = messages(lesson)
    assert "cites fricker2007, which has no row in" in found
    assert "epistemic-injustice" in found.split("cites fricker2007")[0].splitlines()[-1]


def test_the_canmeds_tags_cite_their_framework_and_need_a_row(lesson):
    rewrite_claims(lesson, lambda t: t.update(claims=[r for r in t["claims"] if r["source"] != "frank2015"]))
    assert "cites frank2015, which has no row" in messages(lesson)
    for module in (lesson / "curriculum" / "modules").glob("*.yaml"):
        assert "Frank JR, Snell L, Sherbino J" in module.read_text("utf-8"), module.name


def test_a_row_naming_a_missing_file_or_an_unknown_source_is_a_problem(lesson):
    def break_rows(table):
        table["claims"][0]["file"] = "modules/no-such-module.ipynb"
        table["claims"][1]["source"] = "nobody2099"
    rewrite_claims(lesson, break_rows)
    found = messages(lesson)
    assert "claims/0: modules/no-such-module.ipynb does not exist" in found
    assert "claims/1: source 'nobody2099' is in no module's references" in found


def test_a_guide_citing_an_unknown_reference_is_named_with_its_line(lesson):
    guide = lesson / "facilitator_guides" / "payment.md"
    guide.write_text(guide.read_text("utf-8") + "\nA new claim (Nobody et al., 2031).\n", "utf-8")
    line = len(guide.read_text("utf-8").splitlines())
    assert f"payment.md:{line}: cites (Nobody et al., 2031), which is in no module's references" in messages(lesson)


def test_the_table_is_checked_against_its_schema(lesson):
    rewrite_claims(lesson, lambda t: t["claims"][2].update(status="probably"))
    assert "claims/2/status: 'probably' is not one of" in messages(lesson)


def test_the_corrections_this_audit_made_stay_made():
    """The known errors: the 2020 paper does not say which authors used services; the pay gap was
    raised with the psychiatrist co-chair; hermeneutical injustice has a structural cause."""
    payment = (PROJECT_ROOT / "modules" / "payment.ipynb").read_text("utf-8")
    assert "One service-user educator" not in payment and "service-user author" not in payment
    guide = (PROJECT_ROOT / "facilitator_guides" / "payment.md").read_text("utf-8")
    assert "it was called out at the group's\nvery first meeting" in guide
    data = yaml.safe_load((PROJECT_ROOT / "curriculum" / "modules" / "epistemic-injustice.yaml").read_text("utf-8"))
    assert "shut out of making shared meanings" in data["summary"]
    assert "or to be heard" not in data["keypoints"][0] and "kept out of the places" in data["keypoints"][0]
