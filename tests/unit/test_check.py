"""`workshop check` finds each kind of problem and names its file; the project itself is clean."""

import json

import yaml

from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.authoring.check import check
from coproduction_kit.cli import main


def test_the_project_passes_its_own_check():
    problems = check(PROJECT_ROOT)
    assert problems == [], "\n".join(map(str, problems))


def test_the_command_says_so(capsys):
    assert main(["check"]) == 0
    assert "Curriculum OK" in capsys.readouterr().out


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def edit_notebook(path, change):
    nb = json.loads(path.read_text())
    change(nb["cells"])
    path.write_text(json.dumps(nb))


def messages(root):
    return "\n".join(map(str, check(root)))


def test_schema_problems_name_the_file_and_line(lesson):
    path = lesson / "curriculum" / "modules" / "payment.yaml"
    text = path.read_text().replace("canmeds: [Professional, Health Advocate]", "canmeds: [Surgeon]", 1)
    path.write_text(text)
    line = next(n for n, l in enumerate(text.splitlines(), 1) if "canmeds: [Surgeon]" in l)
    assert f"payment.yaml:{line}: objectives/0/canmeds/0: 'Surgeon' is not one of" in messages(lesson)


def test_broken_yaml_is_named_with_its_line(lesson):
    (lesson / "curriculum" / "modules" / "payment.yaml").write_text("id: payment\ntitle: [oops\n")
    assert "payment.yaml:3" in messages(lesson) or "payment.yaml:2" in messages(lesson)


def test_an_exercise_shown_twice_or_never_or_undeclared(lesson):
    def change(cells):
        calls = [c for c in cells if c["cell_type"] == "code" and "reflect(" in "".join(c["source"])]
        calls[0]["source"] = ['reflect("payment.not-declared")']
        calls[1]["source"] = calls[2]["source"]
    edit_notebook(lesson / "modules" / "payment.ipynb", change)
    found = messages(lesson)
    assert "'payment.not-declared' is not an exercise of payment.yaml" in found
    assert "is shown more than once" in found
    assert "is declared but no cell shows it" in found


def test_the_wrong_kind_of_call(lesson):
    def change(cells):
        for c in cells:
            if "".join(c["source"]).startswith("scale("):
                c["source"] = ['reflect("payment.raise-payment-readiness")']
    edit_notebook(lesson / "modules" / "payment.ipynb", change)
    assert "is a scale; reflect() shows a reflection" in messages(lesson)


def test_outputs_citations_links_and_images(lesson):
    def change(cells):
        code = next(c for c in cells if c["cell_type"] == "code")
        code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["x"]}]
        text = next(c for c in cells if c["cell_type"] == "markdown")
        text["source"] = ["As argued (Nobody et al., 1999) and (Some\nBody, n.d.). ![](missing.png) [see](nowhere.md)"]
    edit_notebook(lesson / "modules" / "payment.ipynb", change)
    found = messages(lesson)
    assert "has outputs" in found
    assert "cites (Nobody et al., 1999)" in found
    assert "cites (Some Body, n.d.)" in found  # undated works and line breaks inside a citation too
    assert "image missing.png has no alt text" in found
    assert "link to nowhere.md does not resolve" in found


def test_a_session_that_runs_over(lesson):
    edit_yaml(lesson / "curriculum" / "series.yaml",
              lambda d: d["formats"][0]["sessions"][2].update(check_in=20, debrief=20, **{"break": 40}))
    assert "format series, session 2: 145 minutes planned, more than the session's 120" in messages(lesson)


def test_a_guide_whose_timing_table_is_stale_or_missing(lesson):
    edit_yaml(lesson / "curriculum" / "modules" / "payment.yaml", lambda d: d["minutes"].update(teaching=19))
    assert "payment.md: its timing table does not match the curriculum data" in messages(lesson)
    (lesson / "facilitator_guides" / "payment.md").write_text("# Guide\n\nNo table here.\n")
    assert "payment.md: has no '<!-- timing table" in messages(lesson)


def test_a_ready_module_without_notebook_or_guide(lesson):
    (lesson / "modules" / "payment.ipynb").unlink()
    (lesson / "facilitator_guides" / "payment.md").unlink()
    found = messages(lesson)
    assert "has no notebook" in found


def test_guides_command_rewrites_the_tables_from_the_data(lesson, capsys):
    from coproduction_kit.core.curriculum import load_curriculum
    from coproduction_kit.authoring.guides import write_guides

    edit_yaml(lesson / "curriculum" / "modules" / "payment.yaml", lambda d: d["minutes"].update(teaching=19))
    changed = write_guides(lesson, load_curriculum(lesson / "curriculum"))
    assert [p.name for p in changed] == ["payment.md"]
    assert "| 19 |" in (lesson / "facilitator_guides" / "payment.md").read_text()
    assert check(lesson) == []
