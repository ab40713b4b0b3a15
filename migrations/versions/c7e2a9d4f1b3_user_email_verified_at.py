"""user email verified at: a proven address joins its guest orders to the account

Revision ID: c7e2a9d4f1b3
Revises: b1d4e6f8a0c2
Create Date: 2026-11-27 13:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "c7e2a9d4f1b3"
down_revision = "b1d4e6f8a0c2"
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts stay unverified (NULL): nothing proved their address; each owner can ask
    # for a verification email from the account page.
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("email_verified_at")
