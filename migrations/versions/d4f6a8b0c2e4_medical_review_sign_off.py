"""article_approval and article_review_state: medical sign-off of exact article versions

Revision ID: d4f6a8b0c2e4
Revises: c7e2a4b6d8f0
Create Date: 2026-11-27 14:00:00

Health articles published before this revision have no approval row: they stay public, and their
next edit waits for a reviewer's approval like any other (a re-publish without changes asks for
one too).
"""
import sqlalchemy as sa
from alembic import op

revision = "d4f6a8b0c2e4"
down_revision = "d8f1a3c5e7b9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("reviewer_user_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_email", sa.String(length=254), nullable=False),
        sa.Column("shown_as_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_user_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["shown_as_id"], ["author.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_article_approval_article_hash", "article_approval", ["article_id", "content_hash"])
    op.create_table(
        "article_review_state",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("content_by_id", sa.Integer(), nullable=True),
        sa.Column("pending_hash", sa.String(length=64), nullable=True),
        sa.Column("pending_title", sa.String(length=200), nullable=False),
        sa.Column("pending_dek", sa.String(length=400), nullable=False),
        sa.Column("pending_body", sa.Text(), nullable=False),
        sa.Column("pending_references", sa.JSON(), nullable=False),
        sa.Column("pending_by_id", sa.Integer(), nullable=True),
        sa.Column("pending_by_email", sa.String(length=254), nullable=False),
        sa.Column("pending_saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["content_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["pending_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("article_id"),
    )


def downgrade():
    op.drop_table("article_review_state")
    op.drop_index("ix_article_approval_article_hash", table_name="article_approval")
    op.drop_table("article_approval")
