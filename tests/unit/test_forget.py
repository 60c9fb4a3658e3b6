"""Facilitators delete a workshop's data; it takes the workshop id to confirm."""

import os

import pytest

from coproduction_kit.store import Store, migrate
from coproduction_kit.cli import main


def made_store(data):
    """The data folder's store, its tables made as `workshop serve` makes them."""
    url = f"sqlite:///{data / 'store.sqlite'}"
    migrate(url)
    return Store(url)


@pytest.fixture(autouse=True)
def pytest_umask():
    """The command line sets umask 077 for its process: give pytest's own back after each test."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def test_forget_needs_the_workshop_id_then_removes_everything(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKSHOP_ID", "to-forget")
    data = tmp_path / "data"
    store = made_store(data)
    sam, _ = store.add_participant("to-forget", "sam")
    store.save_answer(sam, "payment", "payment.personal-experience", "gone soon")
    kept, _ = store.add_participant("another-workshop", "sam")
    (data / "course" / "submitted").mkdir(parents=True)
    (data / "exchange" / "to-forget" / "inbound").mkdir(parents=True)

    assert main(["--data-dir", str(data), "forget"]) == 1
    assert "workshop forget --yes to-forget" in capsys.readouterr().err
    assert store.participant_by_pseudonym("to-forget", "sam") is not None

    exported = data / "exports" / "shared-reflections-to-forget-20270101-0900.csv"  # an export by name
    exported.parent.mkdir()
    exported.write_text("pseudonym,answer\nsam,gone soon\n")
    another = data / "exports" / "shared-reflections-to-forget-2-20270101-0900.csv"  # workshop "to-forget-2"
    another.write_text("pseudonym,answer\nkim,not this workshop\n")
    elsewhere = tmp_path / "taken-elsewhere.csv"  # `workshop export --out` anywhere: remembered
    store.remember_export("to-forget", elsewhere, "export")
    elsewhere.write_text("pseudonym,answer\nsam,gone soon\n")

    assert main(["--data-dir", str(data), "forget", "--yes", "to-forget"]) == 0
    said = capsys.readouterr().out
    assert "1 participant(s), 1 answer(s)" in said and "2 export(s) or report(s)" in said
    assert str(elsewhere) in said and "deleted by hand" in said
    assert not exported.exists() and not elsewhere.exists()
    assert another.exists()
    assert store.participant_by_pseudonym("to-forget", "sam") is None
    assert store.participant_by_pseudonym("another-workshop", "sam") == kept
    assert not (data / "course").exists() and not (data / "exchange" / "to-forget").exists()


def test_forget_removes_the_co_facilitators_links_and_the_session_clocks(tmp_path, monkeypatch, capsys):
    """cofacilitators.json names the co-facilitators and holds their working links: a forgotten
    workshop leaves neither, and a server still running lets none of their phones in."""
    from coproduction_kit.core.cofacilitator_links import CofacilitatorLinks, cookie_for

    monkeypatch.setenv("WORKSHOP_ID", "to-forget")
    data = tmp_path / "data"
    store = made_store(data)
    store.act_on_session_clock("to-forget", "series", 2, "start")
    store.act_on_session_clock("kept", "series", 2, "start")
    links = CofacilitatorLinks(data)
    secret = links.ensure(["Sam"])["Sam"]
    running_server = CofacilitatorLinks(data)  # what `serve` reads while it runs
    assert running_server.who(cookie_for(secret)) == "Sam"

    assert main(["--data-dir", str(data), "forget", "--yes", "to-forget"]) == 0
    assert "Deleted the co-facilitators' links" in capsys.readouterr().out
    assert not (data / "cofacilitators.json").exists()
    assert running_server.who(cookie_for(secret)) is None and running_server.by_secret(secret) is None
    assert store.latest_session_clock("to-forget") is None
    assert store.latest_session_clock("kept") is not None  # another workshop's clock stays
    assert b"Sam" not in b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file() and "store" not in p.name)


def test_report_command_writes_its_files_and_says_where(tmp_path, monkeypatch, capsys):
    from datetime import datetime, timezone

    monkeypatch.setenv("WORKSHOP_ID", "reported")
    data = tmp_path / "data"
    store = made_store(data)
    sam, _ = store.add_participant("reported", "sam")
    answer = store.save_answer(sam, "payment", "payment.personal-experience", "shared words", share="room")
    store.record_submission(sam, "payment", [answer], datetime.now(timezone.utc), "folder")
    assert main(["--data-dir", str(data), "report", "--out", str(tmp_path / "out")]) == 0
    said = capsys.readouterr().out
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    # The evaluation's paired change is written even before anyone made a pair (a header row only);
    # programme.csv only once the programme's figures are entered.
    assert names == ["evaluation-change.csv", "report.html", "report.xlsx", "shared-reflections.csv", "summary.csv"]
    assert "Report written to" in said and all(name in said for name in names)  # each one named
    assert "shared words" in (tmp_path / "out" / "report.html").read_text()


def test_forget_leaves_no_byte_of_the_answers_in_the_store_files(tmp_path, monkeypatch):
    """SQLite kept deleted rows in free pages and in a write-ahead log never emptied (issue #14, item 6)."""
    monkeypatch.setenv("WORKSHOP_ID", "bytes")
    data = tmp_path / "data"
    store = made_store(data)
    sam, _ = store.add_participant("bytes", "sam")
    for n in range(5):
        store.save_answer(sam, "payment", "payment.personal-experience", f"Wq9ForgottenWords draft {n}")
    kept, _ = store.add_participant("another-workshop", "kim")
    store.save_answer(kept, "payment", "payment.personal-experience", "Jm3KeptWords")
    assert any(b"Wq9ForgottenWords" in p.read_bytes() for p in data.glob("store.sqlite*"))
    assert main(["--data-dir", str(data), "forget", "--yes", "bytes"]) == 0
    files = {p.name: p.read_bytes() for p in data.glob("store.sqlite*")}
    assert "store.sqlite" in files
    assert [name for name, content in files.items() if b"Wq9ForgottenWords" in content] == []
    assert store.get_answer(kept, "payment", "payment.personal-experience").value == "Jm3KeptWords"
