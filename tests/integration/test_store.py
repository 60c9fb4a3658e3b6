"""The store: round trips, revisions, submissions, and refusals that lose nothing.

Every test here runs twice: on SQLite (the embedded default) and on a real PostgreSQL server
(a cohort's store), started from Debian's packages by the ``postgres`` fixture.
"""

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from coproduction_kit.store import (
    FACILITATORS, PRIVATE, ROOM, AnswerTooLong, PromptLocked, PseudonymTaken, SavingTooFast, Store,
    StoreError, metadata, migrate,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def bare_store_url(request, tmp_path):
    """Where a store will be, with no tables yet."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'store.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store_url(bare_store_url):
    """A store whose tables are made, as `workshop serve` makes them before any page opens."""
    migrate(bare_store_url)
    return bare_store_url


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.close()


def test_participant_round_trip_by_token_only(store):
    participant, token = store.add_participant("w1", "sam")
    assert store.participant_by_token("w1", token) == participant
    assert store.participant_by_token("w1", "guess") is None
    assert store.participant_by_token("w2", token) is None  # another workshop
    assert store.participant_by_token("w1", None) is None


def test_the_store_keeps_no_token_in_clear(store):
    _, token = store.add_participant("w1", "sam")
    with store.engine.connect() as conn:
        everything = [str(row) for table in metadata.sorted_tables for row in conn.execute(sa.select(table))]
    assert "sam" in " ".join(everything)  # the dump does hold the participant...
    assert token not in " ".join(everything)  # ...but never their secret
    if store.url.startswith("sqlite:///"):
        assert token.encode() not in open(store.url.removeprefix("sqlite:///"), "rb").read()


def test_pseudonyms_are_unique_per_workshop_ignoring_case(store):
    store.add_participant("w1", "Sam")
    with pytest.raises(PseudonymTaken, match="already in use"):
        store.add_participant("w1", "sam")
    store.add_participant("w2", "sam")  # another workshop is another room


def test_answer_round_trip_and_revisions(store):
    p, _ = store.add_participant("w1", "sam")
    first = store.save_answer(p, "payment", "payment.a", "first draft")
    second = store.save_answer(p, "payment", "payment.a", "second draft", share=FACILITATORS)
    assert (first.revision, second.revision) == (1, 2)
    kept = store.get_answer(p, "payment", "payment.a")
    assert kept.value == "second draft" and kept.share == FACILITATORS and kept.revision == 2
    history = store.revisions(p, "payment", "payment.a")
    assert [h["value"] for h in history] == ["first draft", "second draft"]
    assert [h["share"] for h in history] == [PRIVATE, FACILITATORS]


def test_values_of_every_kind_survive(store):
    p, _ = store.add_participant("w1", "sam")
    for exercise, value in [("payment.t", "émoji 🙂 and ‮rtl"), ("payment.s", 4), ("payment.c", None)]:
        store.save_answer(p, "payment", exercise, value)
        assert store.get_answer(p, "payment", exercise).value == value


def test_too_long_an_answer_is_refused_clearly_and_the_draft_kept(store):
    p, _ = store.add_participant("w1", "sam")
    store.save_answer(p, "payment", "payment.a", "kept")
    with pytest.raises(AnswerTooLong, match="limit is 20,000"):
        store.save_answer(p, "payment", "payment.a", "x" * 100_000)
    assert store.get_answer(p, "payment", "payment.a").value == "kept"


def test_unknown_share_level_is_refused(store):
    p, _ = store.add_participant("w1", "sam")
    with pytest.raises(StoreError):
        store.save_answer(p, "payment", "payment.a", "x", share="everyone")


def test_sql_in_an_answer_is_just_text(store):
    p, _ = store.add_participant("w1", "sam")
    nasty = "'); DROP TABLE answers; --"
    store.save_answer(p, "payment", "payment.a", nasty)
    assert store.get_answer(p, "payment", "payment.a").value == nasty


def test_submission_records_what_was_sent_and_resubmission_replaces(store):
    from datetime import datetime, timezone

    p, _ = store.add_participant("w1", "sam")
    a = store.save_answer(p, "payment", "payment.a", "shared text", share=ROOM)
    b = store.save_answer(p, "payment", "payment.b", "private text")
    store.record_submission(p, "payment", [a], datetime.now(timezone.utc), "folder-1")
    rows = store.submitted_rows("w1")
    assert [(r["exercise_id"], r["answer"], r["share_level"]) for r in rows] == [
        ("payment.a", "shared text", ROOM)
    ]
    # Later the participant makes the first answer private and submits again: it is withdrawn.
    store.record_submission(p, "payment", [], datetime.now(timezone.utc), "folder-2")
    assert store.submitted_rows("w1") == []
    assert store.last_submission(p, "payment")["exchange_folder"] == "folder-2"
    assert b.share == PRIVATE


def test_progress_counts_answers_and_passes(store):
    p, _ = store.add_participant("w1", "sam")
    store.save_answer(p, "payment", "payment.a", "text")
    store.save_answer(p, "payment", "payment.b", None, passed=True)
    store.save_answer(p, "payment", "payment.c", "")
    assert store.progress(p)["payment"] == {"answered": 1, "passed": 1, "submitted_at": None}


def at_once(work, items) -> list[Exception]:
    """Run ``work(item)`` for every item in its own thread, as kernels would; the errors raised."""
    errors = []

    def run(item):
        try:
            work(item)
        except Exception as err:  # reported to the caller
            errors.append(err)

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_writers_lose_nothing(store_url):
    """Eight threads (as eight kernels would) each save 25 revisions at once."""
    store = Store(store_url)
    people = [store.add_participant("w1", f"p{i}")[0] for i in range(8)]

    def typist(p):
        writer = Store(store_url)
        for n in range(25):
            writer.save_answer(p, "payment", "payment.a", f"{p.pseudonym} draft {n}")

    assert at_once(typist, people) == []
    for p in people:
        assert store.get_answer(p, "payment", "payment.a").value == f"{p.pseudonym} draft 24"
        kept = store.revisions(p, "payment", "payment.a")  # the last 20 (max_revisions), in order
        assert [r["value"] for r in kept] == [f"{p.pseudonym} draft {n}" for n in range(5, 25)]


def test_a_store_from_before_blind_review_is_upgraded_in_place(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE participants (id INTEGER PRIMARY KEY, workshop_id VARCHAR(40) NOT NULL, "
                "pseudonym VARCHAR(40) NOT NULL, pseudonym_key VARCHAR(160) NOT NULL, "
                "token_hash VARCHAR(64) NOT NULL UNIQUE, created_at DATETIME NOT NULL)")
    old.execute("INSERT INTO participants VALUES (1, 'w1', 'sam', 'sam', 'abc', '2026-11-01 10:00:00')")
    old.commit()
    old.close()
    migrate(f"sqlite:///{path}")  # `workshop migrate` (or serve) adopts it
    store = Store(f"sqlite:///{path}")
    sam = store.participant_by_pseudonym("w1", "sam")
    assert sam.pseudonym == "sam" and sam.review_id.startswith("r") and len(sam.review_id) == 8


def test_one_participant_in_two_tabs_keeps_every_revision(store_url):
    """Two kernels of one participant save the same answer at once: revisions stay 1, 2, 3, …

    (and only the last 20 are kept)."""
    store = Store(store_url)
    person, _ = store.add_participant("w1", "two-tabs")

    def tab(name):
        writer = Store(store_url)
        for n in range(20):
            writer.save_answer(person, "payment", "payment.a", f"{name} {n}")

    assert at_once(tab, ["left", "right"]) == []
    assert [r["revision"] for r in store.revisions(person, "payment", "payment.a")] == list(range(21, 41))
    assert store.get_answer(person, "payment", "payment.a").revision == 40


def test_times_come_back_in_utc(store):
    p, _ = store.add_participant("w1", "sam")
    saved = store.save_answer(p, "payment", "payment.a", "text")
    kept = store.get_answer(p, "payment", "payment.a").saved_at
    assert kept.utcoffset().total_seconds() == 0 and abs((kept - saved.saved_at).total_seconds()) < 0.001


# Behind JupyterHub: the hub user is the participant -------------------------------------------

def test_a_hub_user_is_registered_once_and_found_again(store):
    first = store.hub_participant("w1", "jo.doe@uni.example")
    assert first.pseudonym == "jo-doe"
    assert store.hub_participant("w1", "jo.doe@uni.example") == first
    assert store.hub_participant("w2", "jo.doe@uni.example") != first  # another workshop
    # A hub participant has no secret a browser could present.
    assert store.participant_by_token("w1", "") is None


def test_a_hub_pseudonym_someone_already_has_gets_a_number(store):
    chosen, _ = store.add_participant("w1", "sam")
    assert store.hub_participant("w1", "Sam").pseudonym == "Sam-2"
    assert store.hub_participant("w1", "sam@elsewhere.example").pseudonym == "sam-3"
    assert store.participant_by_pseudonym("w1", "sam") == chosen


def test_a_hub_user_opening_many_pages_at_once_is_one_participant(store_url):
    found, errors = [], []

    def kernel():
        try:
            found.append(Store(store_url).hub_participant("w1", "river"))
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=kernel) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(found) == 6 and len(set(found)) == 1


def test_a_hub_participant_needs_a_username(store):
    with pytest.raises(StoreError, match="hub username"):
        store.hub_participant("w1", "")


def test_a_store_from_before_the_hub_gains_the_hub_column(bare_store_url):
    """A store made before the JupyterHub configuration: participants have no hub_user yet."""
    store_url = bare_store_url
    if store_url.startswith("sqlite:///"):
        Path(store_url.removeprefix("sqlite:///")).parent.mkdir(parents=True)
    engine = sa.create_engine(store_url)
    old = sa.MetaData()
    sa.Table("participants", old,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("workshop_id", sa.String(40), nullable=False),
             sa.Column("pseudonym", sa.String(40), nullable=False),
             sa.Column("pseudonym_key", sa.String(160), nullable=False),
             sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
             sa.Column("review_id", sa.String(16), nullable=False, unique=True),
             sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
             sa.UniqueConstraint("workshop_id", "pseudonym_key"))
    old.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO participants (workshop_id, pseudonym, pseudonym_key, token_hash, "
                             "review_id, created_at) VALUES ('w1', 'sam', 'sam', 'abc', 'rabcdefg', "
                             "'2026-11-01 10:00:00')"))
    engine.dispose()
    migrate(store_url)  # `workshop migrate` (or serve) adopts it
    store = Store(store_url)
    assert store.participant_by_pseudonym("w1", "sam").review_id == "rabcdefg"
    assert store.hub_participant("w1", "sam").pseudonym == "sam-2"
    assert "ix_participants_hub_user" in {i["name"] for i in sa.inspect(store.engine).get_indexes("participants")}


# Limits: revisions, saves, locked prompts (issue #14, items 9 and 10) ------------------------

def test_only_the_last_revisions_are_kept_and_deleted_text_goes(store_url):
    """A script saving one answer again and again keeps at most max_revisions copies of it."""
    store = Store(store_url, max_revisions=3)
    p, _ = store.add_participant("w1", "sam")
    for n in range(10):
        store.save_answer(p, "payment", "payment.a", f"version {n}")
    kept = store.revisions(p, "payment", "payment.a")
    assert [r["value"] for r in kept] == ["version 7", "version 8", "version 9"]
    assert [r["revision"] for r in kept] == [8, 9, 10]
    with store.engine.connect() as conn:
        texts = " ".join(str(row) for row in conn.execute(sa.text("SELECT value FROM answer_revisions")))
    assert "version 0" not in texts and "version 6" not in texts


def test_saving_faster_than_the_limit_is_refused_in_the_store_and_nothing_is_overwritten(store_url):
    """Beyond max_saves_per_minute a clear StoreError; another Store object (a kernel) is no way round."""
    store = Store(store_url, max_saves_per_minute=5)
    p, _ = store.add_participant("w1", "sam")
    for n in range(5):
        store.save_answer(p, "payment", "payment.a", f"draft {n}")
    with pytest.raises(SavingTooFast, match="Saving paused.*stays on this page") as refused:
        store.save_answer(p, "payment", "payment.a", "draft 5")
    assert 1 <= refused.value.retry_after <= 60
    other_kernel = Store(store_url, max_saves_per_minute=5)
    with pytest.raises(SavingTooFast):
        other_kernel.save_answer(p, "payment", "payment.b", "elsewhere")
    assert store.get_answer(p, "payment", "payment.a").value == "draft 4"
    assert store.get_answer(p, "payment", "payment.b") is None
    someone_else, _ = store.add_participant("w1", "kim")  # the limit is per participant
    store.save_answer(someone_else, "payment", "payment.a", "fine")
    # A minute later (the window moved back by hand), saving works again.
    from datetime import datetime, timedelta, timezone

    from coproduction_kit.store import save_rate

    with store.engine.begin() as conn:
        conn.execute(save_rate.update().values(window_start=datetime.now(timezone.utc) - timedelta(seconds=61)))
    assert store.save_answer(p, "payment", "payment.a", "draft 5").value == "draft 5"


def test_a_locked_prompt_takes_no_first_answer_and_nothing_new_into_the_room(store):
    p, _ = store.add_participant("w1", "sam")
    late, _ = store.add_participant("w1", "late")
    store.save_answer(p, "payment", "payment.a", "kept private", share=PRIVATE)
    store.set_room_state("w1", "payment.a", locked=True)
    for share in (ROOM, PRIVATE, FACILITATORS):  # a first answer, whoever it is for
        with pytest.raises(PromptLocked, match="takes no new answer"):
            store.save_answer(late, "payment", "payment.a", "first words after the lock", share=share)
    with pytest.raises(PromptLocked, match="no answer can join the room"):
        store.save_answer(p, "payment", "payment.a", "kept private", share=ROOM)
    assert store.room_answers("w1", "payment.a") == []
    assert store.get_answer(late, "payment", "payment.a") is None
    # Still allowed: passing, and sharing an unchanged answer with the facilitators only.
    store.save_answer(late, "payment", "payment.a", None, passed=True)
    store.save_answer(p, "payment", "payment.a", "kept private", share=FACILITATORS)
    assert store.get_answer(p, "payment", "payment.a").share == FACILITATORS


def test_deleting_a_participant_leaves_no_row_of_theirs_in_any_table(store):
    from datetime import datetime, timezone

    p, _ = store.add_participant("w1", "leaving")
    stays, _ = store.add_participant("w1", "staying")
    for person in (p, stays):
        answer = store.save_answer(person, "payment", "payment.a", f"{person.pseudonym} words", share=ROOM)
        store.record_submission(person, "payment", [answer], datetime.now(timezone.utc), "folder")
        store.hide_in_room("w1", person.id, "payment.a")
        store.open_page(person, f"kernel-{person.pseudonym}")
    store.delete_participant(p)
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            if "participant_id" in table.c:
                assert conn.execute(sa.select(sa.func.count()).select_from(table)
                                    .where(table.c.participant_id == p.id)).scalar() == 0, table.name
        dump = " ".join(str(row) for table in metadata.sorted_tables for row in conn.execute(sa.select(table)))
    assert "leaving" not in dump and "staying words" in dump
    assert store.scrub()
