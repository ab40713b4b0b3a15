"""user_account.session_token: a per-user token in every session, rotated to sign a user out everywhere

Revision ID: d1a2b3c4e5f6
Revises: c5e7a9b1d3f4
Create Date: 2026-11-26 16:00:00

Existing accounts get the constant server default ("initial"): the token is a generation marker
inside a signed cookie, not a secret, and every session issued before this revision holds only
"<id>", which the new user loader refuses (those visitors are simply signed out once).
"""
import sqlalchemy as sa
from alembic import op

revision = "d1a2b3c4e5f6"
down_revision = "c5e7a9b1d3f4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_token", sa.String(length=32), server_default="initial", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_token")
