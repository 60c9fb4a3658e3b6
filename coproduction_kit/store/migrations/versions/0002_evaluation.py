"""Evaluation: a pairing key beside each anonymous answer, so before and after can be paired.

``anonymous_answers.pair_key`` holds the one-way hash of a participant-held pairing code
(``core/pairing.py``), or nothing; it is kept in the table that has no participant, no time and a
random key, so it pairs an answer with another, never with a person.  Every existing row keeps
its answer, unpaired.  A store whose tables were made from ``schema.py`` before Alembic knew it
may have the column already: then it is left as it is.

Revision ID: 0002_evaluation
Revises: 0001_baseline
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_evaluation"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("anonymous_answers")}
    if "pair_key" in columns:
        return
    with op.batch_alter_table("anonymous_answers") as batch:
        batch.add_column(sa.Column("pair_key", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("anonymous_answers") as batch:
        batch.drop_column("pair_key")
