"""Baseline: the store's tables as the kit made them before Alembic, and adoption of older stores.

A store made by the kit's earlier hand-written upgrade already has some or all of these tables:
each missing one is made, and the two columns added since the first stores (``review_id`` for
blind review, ``hub_user`` for JupyterHub) are added, with every row kept.  A new store gets them
all at once.  The tables are written out here, not taken from ``schema.py``, so that this revision
stays what it was when ``schema.py`` changes.

Revision ID: 0001_baseline
Revises:
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def _answer_key(with_exercise: bool = True) -> list[sa.Column]:
    columns = [
        sa.Column("workshop_id", sa.String(40), nullable=False),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
        sa.Column("module_id", sa.String(80), nullable=False),
    ]
    if with_exercise:
        columns.append(sa.Column("exercise_id", sa.String(160), nullable=False))
    return columns


def _tables() -> dict[str, tuple[list, dict]]:
    """Each table's columns and constraints, in an order that makes referenced tables first."""
    return {
        "participants": ([
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("workshop_id", sa.String(40), nullable=False),
            sa.Column("pseudonym", sa.String(40), nullable=False),
            sa.Column("pseudonym_key", sa.String(160), nullable=False),
            sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
            sa.Column("review_id", sa.String(16), nullable=False, unique=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("hub_user", sa.String(255)),
            sa.UniqueConstraint("workshop_id", "pseudonym_key"),
        ], {}),
        "answers": ([
            *_answer_key(),
            sa.Column("value", sa.Text),
            sa.Column("share", sa.String(16), nullable=False),
            sa.Column("passed", sa.Boolean, nullable=False),
            sa.Column("revision", sa.Integer, nullable=False),
            sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("submitted_value", sa.Text),
            sa.Column("submitted_share", sa.String(16)),
            sa.Column("submitted_at", sa.DateTime(timezone=True)),
            sa.Column("submitted_saved_at", sa.DateTime(timezone=True)),
            sa.PrimaryKeyConstraint("workshop_id", "participant_id", "module_id", "exercise_id"),
        ], {}),
        "answer_revisions": ([
            sa.Column("id", sa.Integer, primary_key=True),
            *_answer_key(),
            sa.Column("revision", sa.Integer, nullable=False),
            sa.Column("value", sa.Text),
            sa.Column("share", sa.String(16), nullable=False),
            sa.Column("passed", sa.Boolean, nullable=False),
            sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        ], {}),
        "submissions": ([
            sa.Column("id", sa.Integer, primary_key=True),
            *_answer_key(with_exercise=False),
            sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("exchange_folder", sa.Text, nullable=False),
            sa.Column("answers_sent", sa.Integer, nullable=False),
        ], {}),
        "save_rate": ([
            sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), primary_key=True),
            sa.Column("workshop_id", sa.String(40), nullable=False),
            sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
            sa.Column("saves", sa.Integer, nullable=False),
        ], {}),
        "exports_written": ([
            sa.Column("path", sa.String(1024), primary_key=True),
            sa.Column("workshop_id", sa.String(40), nullable=False),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        ], {}),
        "room_prompts": ([
            sa.Column("workshop_id", sa.String(40), nullable=False),
            sa.Column("exercise_id", sa.String(160), nullable=False),
            sa.Column("revealed", sa.Boolean, nullable=False),
            sa.Column("locked", sa.Boolean, nullable=False),
            sa.PrimaryKeyConstraint("workshop_id", "exercise_id"),
        ], {}),
        "room_hidden": ([
            sa.Column("workshop_id", sa.String(40), nullable=False),
            sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
            sa.Column("exercise_id", sa.String(160), nullable=False),
            sa.PrimaryKeyConstraint("workshop_id", "participant_id", "exercise_id"),
        ], {}),
        "page_kernels": ([
            sa.Column("kernel_id", sa.String(64), primary_key=True),
            sa.Column("workshop_id", sa.String(40), nullable=False),
            sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
            sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        ], {}),
        # No rowid on SQLite: rows are kept in random-key order, not in the order they came.
        "anonymous_answers": ([
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("workshop_id", sa.String(40), nullable=False),
            sa.Column("exercise_id", sa.String(160), nullable=False),
            sa.Column("value", sa.Text, nullable=False),
        ], {"sqlite_with_rowid": False}),
        "anonymous_sent": ([
            sa.Column("workshop_id", sa.String(40), nullable=False),
            sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
            sa.Column("exercise_id", sa.String(160), nullable=False),
            sa.PrimaryKeyConstraint("workshop_id", "participant_id", "exercise_id"),
        ], {}),
    }


def _new_review_id() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "r" + "".join(secrets.choice(alphabet) for _ in range(7))


def _adopt_participants(conn) -> None:
    """An older store's participants gain ``review_id`` (one new id each) and ``hub_user``."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns("participants")}
    if "review_id" not in columns:  # added with blind review
        op.add_column("participants", sa.Column("review_id", sa.String(16)))
        table = sa.table("participants", sa.column("id"), sa.column("review_id"))
        for (participant_id,) in conn.execute(sa.select(table.c.id)).all():
            conn.execute(table.update().where(table.c.id == participant_id).values(review_id=_new_review_id()))
    if "hub_user" not in columns:  # added with the JupyterHub configuration
        op.add_column("participants", sa.Column("hub_user", sa.String(255)))


def upgrade() -> None:
    conn = op.get_bind()
    existing = set(sa.inspect(conn).get_table_names())
    for name, (columns, options) in _tables().items():
        if name not in existing:
            op.create_table(name, *columns, **options)
        elif name == "participants":
            _adopt_participants(conn)
    # One participant per hub user and workshop.
    indexes = {i["name"] for i in sa.inspect(conn).get_indexes("participants")}
    if "ix_participants_hub_user" not in indexes:
        op.create_index("ix_participants_hub_user", "participants", ["workshop_id", "hub_user"], unique=True)


def downgrade() -> None:
    for name in reversed(list(_tables())):
        op.drop_table(name)
