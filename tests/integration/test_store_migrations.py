"""The store's tables are made and updated once, by Alembic, never by a participant's page.

``workshop migrate`` (also run by ``serve``, ``prepare`` and the hub service) makes them or brings
them up to date; a page opening the store only reads which revision it is at.  Every test runs on
SQLite and on a real PostgreSQL server.
"""

import re

import pytest
import sqlalchemy as sa

from coproduction_kit.store import SCHEMA_REVISION, Store, StoreNotReady, metadata, migrate
from coproduction_kit.store.migrate import MIGRATIONS, alembic_config
from coproduction_kit.store.schema import VERSION_TABLE

DDL = re.compile(r"^\s*(CREATE|ALTER|DROP)\b", re.IGNORECASE)


@pytest.fixture(params=["sqlite", "postgresql"])
def bare_store_url(request, tmp_path):
    """Where a store will be, with no tables yet."""
    if request.param == "sqlite":
        (tmp_path / "data").mkdir()
        return f"sqlite:///{tmp_path / 'data' / 'store.sqlite'}"
    return request.getfixturevalue("postgres_url")


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


class Statements:
    """Every SQL statement any engine in this process sends, while in a ``with`` block."""

    def __init__(self):
        self.seen: list[str] = []

    def _note(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement)

    def __enter__(self):
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._note)
        return self

    def __exit__(self, *exc):
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", self._note)


def test_a_page_opening_a_migrated_store_runs_no_statement_that_makes_or_changes_a_table(bare_store_url):
    assert migrate(bare_store_url) == SCHEMA_REVISION
    with Statements() as statements:
        # What a participant's kernel does: open the store, register, save, note its page.
        store = Store(bare_store_url)
        river, token = store.add_participant("w1", "river")
        assert store.participant_by_token("w1", token) == river
        store.save_answer(river, "payment", "payment.a", "my words")
        store.open_page(river, "kernel-1")
        assert store.get_answer(river, "payment", "payment.a").value == "my words"
        store.close()
    assert any(s.lstrip().upper().startswith("INSERT") for s in statements.seen)  # the listener saw the page
    assert [s for s in statements.seen if DDL.match(s)] == []


def test_migrating_itself_does_make_the_tables(bare_store_url):
    """The check above could pass only if the listener missed DDL: here it must see it."""
    with Statements() as statements:
        migrate(bare_store_url)
    assert any(DDL.match(s) and "participants" in s for s in statements.seen)


def test_a_store_with_no_tables_is_refused_in_plain_words_and_left_as_it_was(bare_store_url):
    with pytest.raises(StoreNotReady, match=r"no tables yet.*`workshop migrate`"):
        Store(bare_store_url)
    assert table_names(bare_store_url) == set()


def test_a_store_behind_this_kit_is_refused(bare_store_url):
    migrate(bare_store_url)
    engine = sa.create_engine(bare_store_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {VERSION_TABLE} SET version_num = '0000_older'"))
    engine.dispose()
    with pytest.raises(StoreNotReady, match=r"revision 0000_older.*`workshop migrate`"):
        Store(bare_store_url)


def test_a_store_made_by_the_previous_kit_is_adopted_by_migrate_and_keeps_its_rows(bare_store_url):
    """The kit before Alembic made the tables from its metadata in every kernel: no version table."""
    engine = sa.create_engine(bare_store_url)
    metadata.create_all(engine)  # what each page of the previous kit did
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO participants (id, workshop_id, pseudonym, pseudonym_key, token_hash, review_id, "
            "created_at) VALUES (1, 'w1', 'sam', 'sam', 'abc', 'rabcdefg', '2026-11-01 10:00:00')"))
        conn.execute(sa.text(
            "INSERT INTO answers (workshop_id, participant_id, module_id, exercise_id, value, share, passed, "
            "revision, saved_at) VALUES ('w1', 1, 'payment', 'payment.a', '\"kept words\"', 'room', false, 1, "
            "'2026-11-01 10:05:00')"))
        conn.execute(sa.text(
            "INSERT INTO anonymous_answers (id, workshop_id, exercise_id, value) "
            "VALUES ('k1', 'w1', 'closing.a', '\"anonymous words\"')"))
    engine.dispose()
    with pytest.raises(StoreNotReady, match="made by an earlier version"):
        Store(bare_store_url)

    assert migrate(bare_store_url) == SCHEMA_REVISION
    assert migrate(bare_store_url) == SCHEMA_REVISION  # again: nothing to do, nothing lost
    store = Store(bare_store_url)
    sam = store.participant_by_pseudonym("w1", "sam")
    assert sam.review_id == "rabcdefg"
    assert store.get_answer(sam, "payment", "payment.a").value == "kept words"
    assert store.room_answers("w1", "payment.a") == [(sam.id, "kept words")]
    assert store.anonymous_answers("w1") == {"closing.a": ["anonymous words"]}
    store.save_answer(sam, "payment", "payment.a", "and more")  # and it keeps working
    assert store.get_answer(sam, "payment", "payment.a").revision == 2
    store.close()


def test_the_migrations_make_exactly_the_tables_schema_py_describes(bare_store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    migrate(bare_store_url)
    engine = sa.create_engine(bare_store_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_schema_revision_is_the_newest_migration():
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_REVISION
    assert (MIGRATIONS / "env.py").is_file()


def test_the_workshop_migrate_command_makes_the_store(tmp_path, capsys):
    from coproduction_kit.cli import main
    from coproduction_kit.core.settings import load_config

    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "migrate"]) == 0
    assert f"ready (schema {SCHEMA_REVISION})" in capsys.readouterr().out
    Store(load_config(data).store_url).close()  # opens without complaint


def at_revision(url: str, revision: str, direction: str = "upgrade", participant: bool = False) -> None:
    """Bring the store at ``url`` up (or down) to ``revision``, with one participant (sam) if asked."""
    from alembic import command

    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            getattr(command, direction)(alembic_config(conn), revision)
        if participant:
            with engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO participants (id, workshop_id, pseudonym, pseudonym_key, token_hash, review_id, "
                    "created_at) VALUES (1, 'w1', 'sam', 'sam', 'abc', 'rabcdefg', '2026-11-01 10:00:00')"))
    finally:
        engine.dispose()


def test_0003_programme_adds_the_figures_table_to_a_baseline_store_and_keeps_its_rows(bare_store_url):
    """A store at 0001_baseline (the kit before programme figures) gains the table; down again drops only it."""
    from coproduction_kit.core.programme import ProgrammeFigures

    at_revision(bare_store_url, "0001_baseline", participant=True)
    assert "programme_figures" not in table_names(bare_store_url)

    assert migrate(bare_store_url) == SCHEMA_REVISION
    store = Store(bare_store_url)
    assert store.participant_by_pseudonym("w1", "sam").review_id == "rabcdefg"
    store.save_programme_figures("w1", ProgrammeFigures.checked(4, 4, 2, 2, payment_days="3, 9"))
    assert store.programme_figures("w1").days_to_payment == 6
    store.close()

    at_revision(bare_store_url, "0001_baseline", "downgrade")
    tables = table_names(bare_store_url)
    assert "programme_figures" not in tables and "participants" in tables


def test_0004_session_clocks_adds_the_clocks_table_to_a_0003_store_and_keeps_its_rows(bare_store_url):
    """A store at 0003_programme gains the sessions' clocks (and two devices share one on it); down
    again drops only that table."""
    at_revision(bare_store_url, "0003_programme", participant=True)
    assert "session_clocks" not in table_names(bare_store_url)

    assert migrate(bare_store_url) == SCHEMA_REVISION
    store, other = Store(bare_store_url), Store(bare_store_url)
    assert store.participant_by_pseudonym("w1", "sam").review_id == "rabcdefg"
    store.act_on_session_clock("w1", "series", 2, "start")
    other.act_on_session_clock("w1", "series", 2, "extend", segment=0, minutes=5)
    store.act_on_session_clock("w1", "series", 2, "extend", segment=0, minutes=5)
    clock = other.session_clock("w1", "series", 2)
    assert clock.running and clock.extra == {0: 600} and clock.since.tzinfo is not None
    store.close()
    other.close()

    at_revision(bare_store_url, "0003_programme", "downgrade")
    tables = table_names(bare_store_url)
    assert "session_clocks" not in tables and "programme_figures" in tables
