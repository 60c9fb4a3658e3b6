"""The programme's own figures: one row per workshop (sessions co-facilitated, educators paid, how promptly).

A table of its own, about the programme, not about participants (no pseudonym, no answer).  A
store whose tables were made from ``schema.py`` before Alembic knew it may have it already: then
it is left as it is.  The table is written out here, not taken from ``schema.py``, so that this
revision stays what it was when ``schema.py`` changes.

Revision ID: 0003_programme
Revises: 0002_evaluation
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_programme"
down_revision = "0002_evaluation"
branch_labels = None
depends_on = None

TABLE = "programme_figures"


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table(TABLE):
        return
    op.create_table(
        TABLE,
        sa.Column("workshop_id", sa.String(40), primary_key=True),
        sa.Column("sessions_held", sa.Integer, nullable=False),
        sa.Column("sessions_cofacilitated", sa.Integer, nullable=False),
        sa.Column("educators_involved", sa.Integer, nullable=False),
        sa.Column("educators_paid", sa.Integer, nullable=False),
        sa.Column("payment_days", sa.Text, nullable=False),
        sa.Column("median_days", sa.Float),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
