"""Making and updating the store's tables, once, before any page opens it.

``workshop migrate`` runs this, and so do ``workshop serve`` and ``workshop prepare`` before
their servers start, the hub service at its start, and the tests' fixtures.  A participant's page
only checks the store's revision (``check_revision``): if the tables are missing or older than
this kit, it says a facilitator should run ``workshop migrate``, and changes nothing.

A store made by the kit before Alembic (tables made by every page, two columns added by a
hand-written upgrade) is adopted by the baseline revision: what is missing is added, every row
is kept, and from then on Alembic knows its revision.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from coproduction_kit.store.engine import Connected
from coproduction_kit.store.errors import StoreNotReady
from coproduction_kit.store.schema import SCHEMA_REVISION, VERSION_TABLE

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant will do: whoever migrates a PostgreSQL store takes this lock, so two starts queue.
_SCHEMA_LOCK = 7_316_245
_VERSION = sa.table(VERSION_TABLE, sa.column("version_num"))

NOT_READY = ("This workshop's store is not ready for this version of the kit ({reason}). "
             "A facilitator runs `workshop migrate` (or `workshop serve`, which does it first); "
             "then reload this page.")


def alembic_config(connection=None):
    """Alembic's settings for the store, from this package: no ``alembic.ini`` on disk."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(url: str) -> str:
    """Bring the store at ``url`` to this kit's schema (made if missing, adopted if older); keeps every row.

    Returns the revision it is at.  Safe to run again: a store already up to date is left as it is.
    """
    from alembic import command

    store = Connected(url)
    try:
        with store._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            command.upgrade(alembic_config(conn), "head")
        with store.engine.connect() as conn:
            return revision_of(conn)
    finally:
        store.close()


def revision_of(conn) -> str | None:
    """The store's revision, or None when it has no tables from Alembic (new, or made before it)."""
    if not sa.inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(sa.select(_VERSION.c.version_num)).scalar()


def check_revision(conn) -> None:
    """Refuse (``StoreNotReady``) a store whose tables are missing or not at this kit's revision.

    Reads only: a page opening the store runs no statement that makes or changes a table.
    """
    revision = revision_of(conn)
    if revision == SCHEMA_REVISION:
        return
    if revision is None:
        made_before = sa.inspect(conn).has_table("participants")
        reason = "it was made by an earlier version" if made_before else "it has no tables yet"
    else:
        reason = f"its tables are at revision {revision}, this kit needs {SCHEMA_REVISION}"
    raise StoreNotReady(NOT_READY.format(reason=reason))


def new_revision(message: str) -> Path:
    """For the kit's developers: write a new revision file in ``migrations/versions`` (then edit it)."""
    from alembic import command

    script = command.revision(alembic_config(), message=message)
    return Path(script.path)
