"""A page's first save is as quick as its next ones: the save's statements are ready before it."""

import sqlite3

from coproduction_kit.store import Store, sqlite_file

EXERCISE = ("payment", "payment.personal-experience")


def rows(store, table):
    with sqlite3.connect(sqlite_file(store.url)) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_warming_writes_nothing_and_leaves_the_first_save_nothing_to_compile(workshop):
    store = Store(workshop.store_url)
    try:
        sam, _ = store.add_participant(workshop.workshop_id, "sam")
        store.get_answer(sam, *EXERCISE)  # the page restores the draft first
        store.warm_saves()  # a preheated page: nobody yet
        assert [rows(store, t) for t in ("answers", "answer_revisions", "save_rate")] == [0, 0, 0]
        compiled = len(store.engine._compiled_cache)
        store.save_answer(sam, *EXERCISE, "first words")
        store.save_answer(sam, *EXERCISE, "first words, and more")
        assert len(store.engine._compiled_cache) == compiled  # nothing new to compile
        assert store.get_answer(sam, *EXERCISE).revision == 2
    finally:
        store.close()


def test_warming_for_a_participant_does_not_count_as_their_saves(workshop):
    store = Store(workshop.store_url, max_saves_per_minute=3)
    try:
        sam, _ = store.add_participant(workshop.workshop_id, "sam")
        store.save_answer(sam, *EXERCISE, "one")
        for _ in range(5):
            store.warm_saves(sam)
        store.save_answer(sam, *EXERCISE, "two")
        store.save_answer(sam, *EXERCISE, "three")  # the third save in the minute is still allowed
        assert store.get_answer(sam, *EXERCISE).revision == 3
        assert rows(store, "answer_revisions") == 3
    finally:
        store.close()
