"""The store's tables: what is kept about participants, their answers, the room and the pages.

These describe today's schema for the queries; the tables themselves are made and changed only
by the migrations in ``migrations/`` (``coproduction_kit.store.migrate``), never by a page.
``SCHEMA_REVISION`` is the migration a store must be at for this kit to open it.
"""

from __future__ import annotations

import sqlalchemy as sa

# The newest revision in migrations/versions/ (a test checks the two agree).
SCHEMA_REVISION = "0004_session_clocks"
# Alembic's own table, named apart from nbgrader's ``alembic_version`` should both share a database.
VERSION_TABLE = "workshop_schema_version"

metadata = sa.MetaData()

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("pseudonym", sa.String(40), nullable=False),
    sa.Column("pseudonym_key", sa.String(160), nullable=False),
    # Only a hash of the participant's secret is kept: a copied store opens no one's page.
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    # What reviewers see in formgrader instead of the pseudonym (blind review).
    sa.Column("review_id", sa.String(16), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # Behind JupyterHub: the hub user this participant is (None for a pseudonym chosen in a browser).
    sa.Column("hub_user", sa.String(255)),
    sa.UniqueConstraint("workshop_id", "pseudonym_key"),
)
# One participant per hub user and workshop (a unique index, so older stores can gain it).
hub_user_index = sa.Index("ix_participants_hub_user", participants.c.workshop_id,
                          participants.c.hub_user, unique=True)


def _answer_key(with_exercise: bool = True) -> list[sa.Column]:
    columns = [
        sa.Column("workshop_id", sa.String(40), nullable=False),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
        sa.Column("module_id", sa.String(80), nullable=False),
    ]
    if with_exercise:
        columns.append(sa.Column("exercise_id", sa.String(160), nullable=False))
    return columns


answers = sa.Table(
    "answers",
    metadata,
    *_answer_key(),
    sa.Column("value", sa.Text),  # JSON
    sa.Column("share", sa.String(16), nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitted_value", sa.Text),
    sa.Column("submitted_share", sa.String(16)),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
    sa.Column("submitted_saved_at", sa.DateTime(timezone=True)),
    sa.PrimaryKeyConstraint("workshop_id", "participant_id", "module_id", "exercise_id"),
)

answer_revisions = sa.Table(
    "answer_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    *_answer_key(),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("value", sa.Text),
    sa.Column("share", sa.String(16), nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    *_answer_key(with_exercise=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("exchange_folder", sa.Text, nullable=False),
    sa.Column("answers_sent", sa.Integer, nullable=False),
)

# How many saves each participant made in the current minute: the store's own rate limit.
save_rate = sa.Table(
    "save_rate",
    metadata,
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
    sa.Column("saves", sa.Integer, nullable=False),
)

# Every export and report the kit wrote, wherever it went (``--out``), so that a withdrawal can
# rebuild each without the participant and ``workshop forget`` can remove them.
exports_written = sa.Table(
    "exports_written",
    metadata,
    sa.Column("path", sa.String(1024), primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # "export" (a CSV file) or "report" (a folder)
    sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
)

# The room view: per prompt, whether the facilitators revealed or locked it, and the single
# answers they hid (moderation). Keyed by participant id, never shown as a pseudonym.
room_prompts = sa.Table(
    "room_prompts",
    metadata,
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("exercise_id", sa.String(160), nullable=False),
    sa.Column("revealed", sa.Boolean, nullable=False, default=False),
    sa.Column("locked", sa.Boolean, nullable=False, default=False),
    sa.PrimaryKeyConstraint("workshop_id", "exercise_id"),
)

room_hidden = sa.Table(
    "room_hidden",
    metadata,
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("exercise_id", sa.String(160), nullable=False),
    sa.PrimaryKeyConstraint("workshop_id", "participant_id", "exercise_id"),
)

# Which kernel serves which participant's open page, so the server can shut down the kernels
# of pages a participant has left (coproduction_kit/server/app.py) instead of holding them until culled.
page_kernels = sa.Table(
    "page_kernels",
    metadata,
    sa.Column("kernel_id", sa.String(64), primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
)


# Anonymous answers (an exercise marked ``anonymous`` in the curriculum, such as the closing
# evaluation): kept with nothing that links them to a participant.  No participant, no time, and a
# random key; on SQLite the table has no rowid, so rows are kept in key order, not in the order
# they came (PostgreSQL's heap keeps arrival order, visible to its administrator only: SECURITY.md).
# A second table only says who has sent an answer to which exercise, so that no one sends twice;
# it holds no answer.
anonymous_answers = sa.Table(
    "anonymous_answers",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("exercise_id", sa.String(160), nullable=False),
    sa.Column("value", sa.Text, nullable=False),  # JSON
    # The evaluation's statements: the hash of the participant's pairing code (core/pairing.py), or None.
    # Two answers with the same key are one person's before and after; no key says whose.
    sa.Column("pair_key", sa.String(32)),
    sqlite_with_rowid=False,
)

anonymous_sent = sa.Table(
    "anonymous_sent",
    metadata,
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("exercise_id", sa.String(160), nullable=False),
    sa.PrimaryKeyConstraint("workshop_id", "participant_id", "exercise_id"),
)

# The programme's own figures, per workshop (``core/programme.py``): how it practised co-production.
# Entered by facilitators (``workshop figures``, the facilitator view); about the programme, not
# about participants: no pseudonym, no answer.
programme_figures = sa.Table(
    "programme_figures",
    metadata,
    sa.Column("workshop_id", sa.String(40), primary_key=True),
    sa.Column("sessions_held", sa.Integer, nullable=False),
    sa.Column("sessions_cofacilitated", sa.Integer, nullable=False),
    sa.Column("educators_involved", sa.Integer, nullable=False),
    sa.Column("educators_paid", sa.Integer, nullable=False),
    sa.Column("payment_days", sa.Text, nullable=False),  # JSON: a list of whole days, one per payment
    sa.Column("median_days", sa.Float),  # entered instead of the days of each payment
    sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
)

# One clock per workshop and session (``core/session_clock.py``), shared by every facilitator's
# device: the current segment, running or paused and since when, the seconds each segment used and
# was given.  Written only by the facilitators' views; about the session, not about participants.
session_clocks = sa.Table(
    "session_clocks",
    metadata,
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("format_id", sa.String(40), nullable=False),
    sa.Column("session_number", sa.Integer, nullable=False),
    sa.Column("segment", sa.Integer, nullable=False),
    sa.Column("running", sa.Boolean, nullable=False),
    sa.Column("since", sa.DateTime(timezone=True)),
    sa.Column("spent", sa.Text, nullable=False),  # JSON: {segment: seconds}
    sa.Column("extra", sa.Text, nullable=False),  # JSON: {segment: seconds}
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("workshop_id", "format_id", "session_number"),
)
