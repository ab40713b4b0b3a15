"""product images remember the smaller widths stored beside them (for srcset)

Revision ID: a3f8c2d9e4b1
Revises: f5a6b7c8d9e0
Create Date: 2026-11-27 10:30:00

product_image is versioned whole-row (PostgreSQL compares rows; SQLite's UPDATE trigger lists
no columns), so the new column needs no trigger change.
"""
import sqlalchemy as sa
from alembic import op

revision = "a3f8c2d9e4b1"
down_revision = "f5a6b7c8d9e0"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not batch mode: batch mode may rebuild a SQLite table and drop its triggers.
    op.add_column("product_image", sa.Column("widths", sa.JSON(), nullable=True))


def downgrade():
    op.drop_column("product_image", "widths")  # SQLite 3.35+ drops columns in place
