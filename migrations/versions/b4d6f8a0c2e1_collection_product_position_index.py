"""index collection_product (collection_id, position) for featured listings

Revision ID: b4d6f8a0c2e1
Revises: a1c3e5f7b9d2
Create Date: 2026-11-26 13:25:00

"""
from alembic import op


revision = "b4d6f8a0c2e1"
down_revision = "a1c3e5f7b9d2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("collection_product", schema=None) as batch_op:
        batch_op.create_index(
            "ix_collection_product_position", ["collection_id", "position", "product_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("collection_product", schema=None) as batch_op:
        batch_op.drop_index("ix_collection_product_position")
