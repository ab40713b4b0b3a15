"""listing sort indexes cover their tie-breakers (index-only walks)

Revision ID: c5e7a9b1d3f4
Revises: b4d6f8a0c2e1
Create Date: 2026-11-26 13:40:00

"""
from alembic import op


revision = "c5e7a9b1d3f4"
down_revision = "b4d6f8a0c2e1"
branch_labels = None
depends_on = None

NEW = {
    "ix_product_status_price": ["status", "price_from", "created_at", "id"],
    "ix_product_status_created": ["status", "created_at", "id"],
    "ix_product_status_title": ["status", "title", "created_at", "id"],
}
OLD = {
    "ix_product_status_price": ["status", "price_from"],
    "ix_product_status_created": ["status", "created_at"],
    "ix_product_status_title": ["status", "title"],
}


def _replace(columns_by_name):
    with op.batch_alter_table("product", schema=None) as batch_op:
        for name, columns in columns_by_name.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)


def upgrade():
    _replace(NEW)


def downgrade():
    _replace(OLD)
