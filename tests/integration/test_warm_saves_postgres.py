"""On a cohort's PostgreSQL store too, readying a page's saves writes nothing and leaves its first
save nothing to compile (a real server from Debian's packages, the ``postgres`` fixture)."""

import sqlalchemy as sa

from coproduction_kit.store import Store, answer_revisions, answers, migrate, save_rate

EXERCISE = ("payment", "payment.personal-experience")


def test_warming_on_postgresql_needs_the_participant_and_writes_nothing(postgres_url):
    migrate(postgres_url)
    store = Store(postgres_url)
    try:
        sam, _ = store.add_participant("pg-workshop", "sam")
        store.get_answer(sam, *EXERCISE)
        store.warm_saves()  # no participant yet: nothing to do on PostgreSQL
        assert not getattr(store, "_saves_warm", False)
        store.warm_saves(sam)
        with store.engine.connect() as conn:
            assert [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                    for t in (answers, answer_revisions, save_rate)] == [0, 0, 0]
        compiled = len(store.engine._compiled_cache)
        store.save_answer(sam, *EXERCISE, "first words")
        store.save_answer(sam, *EXERCISE, "first words, and more")
        assert len(store.engine._compiled_cache) == compiled
        assert store.get_answer(sam, *EXERCISE).revision == 2
    finally:
        store.close()
