"""The session's clock that every facilitator's device shares: one row per workshop and session.

A table of its own, about the session (segment, running or paused, since when, minutes used and
added), not about participants.  A store whose tables were made from ``schema.py`` before Alembic
knew it may have it already: then it is left as it is.  The table is written out here, not taken
from ``schema.py``, so that this revision stays what it was when ``schema.py`` changes.

Revision ID: 0004_session_clocks
Revises: 0003_programme
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_session_clocks"
down_revision = "0003_programme"
branch_labels = None
depends_on = None

TABLE = "session_clocks"


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table(TABLE):
        return
    op.create_table(
        TABLE,
        sa.Column("workshop_id", sa.String(40), nullable=False),
        sa.Column("format_id", sa.String(40), nullable=False),
        sa.Column("session_number", sa.Integer, nullable=False),
        sa.Column("segment", sa.Integer, nullable=False),
        sa.Column("running", sa.Boolean, nullable=False),
        sa.Column("since", sa.DateTime(timezone=True)),
        sa.Column("spent", sa.Text, nullable=False),
        sa.Column("extra", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workshop_id", "format_id", "session_number"),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
