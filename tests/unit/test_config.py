"""One configuration: defaults, the hand-over, workshop_config.py, then the command line; times
shown on the room's clock."""

import subprocess
import sys
from datetime import datetime, timezone

import pytest

from coproduction_kit.cli import main
from coproduction_kit.core import clock
from coproduction_kit.core.content import bundled_root
from coproduction_kit.core.settings import handover_environment, load_config, WorkshopConfig


@pytest.fixture(autouse=True)
def pytest_umask():
    """The command line sets umask 077 for its process: give pytest's own back after each test."""
    import os

    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def test_a_time_is_shown_in_the_workshops_zone_and_stored_times_stay_utc():
    saved = datetime(2027, 1, 14, 10, 42, 3, tzinfo=timezone.utc)
    assert clock.shown(saved, WorkshopConfig(timezone="UTC")) == "10:42:03"
    assert clock.shown(saved, WorkshopConfig(timezone="America/Toronto")) == "05:42:03"
    summer = datetime(2027, 7, 14, 10, 42, tzinfo=timezone.utc)
    assert clock.shown(summer, WorkshopConfig(timezone="Europe/London"), "%H:%M %Z") == "11:42 BST"
    assert clock.shown(None, WorkshopConfig()) == "just now"


def test_an_unknown_time_zone_is_refused_in_one_plain_sentence(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "data"), "check", "--timezone", "Mars/Olympus"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("workshop: timezone 'Mars/Olympus' is not a time zone") and err.count("\n") == 1


def test_the_file_sets_what_the_hand_over_left_and_the_command_line_wins(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "workshop_config.py").write_text(
        'c.WorkshopConfig.workshop_id = "from-file"\nc.WorkshopConfig.timezone = "Asia/Tokyo"\n'
        'c.ForgetApp.yes = "from-file"\n')
    monkeypatch.setenv("WORKSHOP_ID", "from-environment")
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(data))
    workshop = load_config()
    assert (workshop.workshop_id, workshop.timezone, workshop.data_dir) == ("from-file", "Asia/Tokyo", str(data))
    assert load_config(timezone="Europe/Paris").timezone == "Europe/Paris"
    # The file may set a command's options too; the command line still wins over it.
    assert main(["forget", "--yes", "other"]) == 1
    assert "--yes from-file" in capsys.readouterr().err


def test_defaults_follow_the_current_folder_and_are_handed_over_to_kernels(tmp_path, monkeypatch):
    for name in ("WORKSHOP_DATA_DIR", "WORKSHOP_CONTENT_DIR", "WORKSHOP_CURRICULUM_DIR", "WORKSHOP_MODULES_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    kits = load_config()  # this folder holds no curriculum: the kit's own content (here, the checkout)
    assert kits.content_dir == str(bundled_root())
    assert kits.curriculum_dir == str(bundled_root() / "curriculum")
    assert kits.modules_dir == str(bundled_root() / "modules")
    (tmp_path / "curriculum").mkdir()
    (tmp_path / "curriculum" / "series.yaml").write_text("title: ours\n")
    workshop = load_config()  # a workshop folder of one's own: its content, its data beside it
    assert workshop.curriculum_dir == str(tmp_path / "curriculum")
    assert workshop.modules_dir == str(tmp_path / "modules")
    assert workshop.data_dir == str(tmp_path / "workshop-data")
    env = handover_environment(workshop)
    assert env == {"WORKSHOP_DATA_DIR": workshop.data_dir, "WORKSHOP_CONTENT_DIR": workshop.content_dir,
                   "WORKSHOP_CURRICULUM_DIR": workshop.curriculum_dir, "WORKSHOP_MODULES_DIR": workshop.modules_dir}
    monkeypatch.chdir(tmp_path / "..")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert load_config().data_dir == workshop.data_dir and load_config().content_dir == workshop.content_dir


def test_help_lists_the_commands_and_each_commands_settings_without_loading_the_services():
    code = ("import sys; from coproduction_kit.cli import main; main(['--help']); main(['serve', '--help']); "
            "print(sorted(m for m in ('pandas', 'ipywidgets', 'nbgrader', 'voila') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for command in ("serve", "prepare", "collect", "feedback", "export", "report", "forget", "check",
                    "guides", "plan", "init", "migrate", "facilitators"):
        assert f"\n{command}\n" in out
    assert "--facilitator-port=<Int>\n    Facilitators' port." in out and "--lan\n" in out
    assert out.rstrip().endswith("[]")
    everything = subprocess.run([sys.executable, "-m", "coproduction_kit.cli", "serve", "--help-all"],
                                capture_output=True, text=True, check=True).stdout
    assert "--WorkshopConfig.timezone=<Unicode>" in everything and "--WorkshopConfig.room_min_answers" in everything


def test_saved_at_on_a_page_follows_the_workshops_zone(participant_session):
    from coproduction_kit.widgets import Reflection

    box = Reflection("payment.personal-experience", session=participant_session)
    box._input.value = "Saved on the room's clock."
    saved = participant_session.store.get_answer(participant_session.participant, "payment",
                                                 "payment.personal-experience").saved_at
    shown = {}
    for zone in ("UTC", "Asia/Kathmandu"):  # +05:45: no zone this machine might be in shows the same
        participant_session.config.timezone = zone
        shown[zone] = box._clock(saved)
        assert shown[zone] == clock.local(saved, participant_session.config).strftime("%H:%M:%S")
    assert shown["UTC"] == saved.astimezone(timezone.utc).strftime("%H:%M:%S")
    assert shown["UTC"] != shown["Asia/Kathmandu"]


def test_journal_dates_follow_the_workshops_zone(store, curriculum, workshop):
    from coproduction_kit.review.journal import journal_markdown

    me, _ = store.add_participant(workshop.workshop_id, "sam")
    store.save_answer(me, "payment", "payment.personal-experience", "mine")
    workshop.timezone = "Asia/Kathmandu"
    markdown = journal_markdown(store, me, curriculum, workshop)
    saved = store.get_answer(me, "payment", "payment.personal-experience").saved_at
    assert f"saved {clock.local(saved, workshop):%Y-%m-%d %H:%M} +0545)" in markdown


@pytest.mark.parametrize("argv, expected", [
    (["--data-dir", "/d", "serve", "--tls", "c.pem", "k.pem", "--lan", "--session", "2"],
     {"tls": ["c.pem", "k.pem"], "lan": True, "session": 2, "room": 30}),
    (["serve", "--tls", "auto", "--today", "power,payment", "--room", "0", "--data-dir", "/d"],
     {"tls": ["auto"], "lan": False, "today": "power,payment", "room": 0}),
])
def test_serve_takes_every_option_before_or_after_its_name(argv, expected):
    from coproduction_kit.cli import WorkshopApp, _command_first

    app = WorkshopApp()
    try:
        app.initialize(_command_first(argv))
        assert {name: getattr(app.subapp, name) for name in expected} == expected
        assert app.subapp.load_workshop().data_dir == "/d" and app.subapp.extra_args == []
    finally:
        type(app.subapp).clear_instance()
        WorkshopApp.clear_instance()


def test_an_unknown_command_is_named(capsys):
    assert main(["forgot"]) == 1
    assert capsys.readouterr().err == "workshop: there is no command 'forgot'; `workshop --help` lists them (e.g. `workshop serve`).\n"


def test_a_setting_given_on_the_command_line_wins_over_the_file_in_the_kernels_too(tmp_path, monkeypatch):
    from traitlets.config import Config

    data = tmp_path / "data"
    data.mkdir()
    (data / "workshop_config.py").write_text('c.WorkshopConfig.timezone = "Asia/Tokyo"\nc.WorkshopConfig.max_revisions = 7\n')
    given = Config({"WorkshopConfig": {"data_dir": str(data), "timezone": "Europe/London"}})
    serving = load_config(command_line=given)  # `workshop serve --data-dir … --timezone Europe/London`
    assert (serving.timezone, serving.max_revisions) == ("Europe/London", 7)
    monkeypatch.chdir(tmp_path)  # a kernel starts in another folder, with only what it was handed
    for name, value in handover_environment(serving).items():
        monkeypatch.setenv(name, value)
    kernel = load_config()
    assert (kernel.data_dir, kernel.timezone, kernel.max_revisions) == (str(data), "Europe/London", 7)


def test_the_hub_hands_the_time_zone_to_servers_that_cannot_read_the_data_folder(tmp_path):
    from traitlets.config import Config

    from coproduction_kit.server import hub

    (tmp_path / "workshop_config.py").write_text('c.WorkshopConfig.timezone = "Europe/London"\n')
    c = Config()
    hub.configure_hub(c, data_dir=tmp_path, store_url="postgresql+psycopg://w:s@127.0.0.1/w",
                      workshop_id="spring", facilitators=["ana"])
    assert c.Spawner.environment["WORKSHOP_TIMEZONE"] == "Europe/London"
    assert "WORKSHOP_DATA_DIR" not in c.Spawner.environment
