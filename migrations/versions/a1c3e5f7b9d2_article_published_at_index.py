"""index article.published_at for newest-first public listings

Revision ID: a1c3e5f7b9d2
Revises: f791b3afe763
Create Date: 2026-11-26 13:20:00

"""
from alembic import op


revision = "a1c3e5f7b9d2"
down_revision = "f791b3afe763"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.create_index("ix_article_published_at", ["published_at", "status", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index("ix_article_published_at")
