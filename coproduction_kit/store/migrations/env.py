"""Alembic's entry for the store: run by ``coproduction_kit.store.migrate``, never by a page.

The caller hands over its open connection (``config.attributes["connection"]``), already in the
transaction that holds the writers' queue (SQLite) or the schema lock (PostgreSQL), so every
step commits or rolls back together.
"""

from alembic import context

from coproduction_kit.store.schema import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
# Batch mode lets a later revision alter an SQLite table (by copying it), as SQLite's ALTER cannot.
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                  render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
