"""collection entries carry their product's sort keys (kept by triggers) for listing walks

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-11-26 16:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b8c9d0e1f2a3"
down_revision = "a7b8c9d0e1f2"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_collection_product_price": ["collection_id", "product_active", "sort_price", "sort_created", "product_id"],
    "ix_collection_product_created": ["collection_id", "product_active", "sort_created", "product_id"],
    "ix_collection_product_title": ["collection_id", "product_active", "sort_title", "sort_created", "product_id"],
}


def upgrade():
    from storefront.catalog.collection_sort_keys import (
        backfill_collection_sort_keys,
        install_collection_sort_key_triggers,
    )

    # Plain ALTER TABLE, not batch mode: on SQLite batch mode may rebuild the table, which
    # silently drops its catalog-version triggers (tests/test_migrations.py checks they stay).
    op.add_column("collection_product", sa.Column("product_active", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("collection_product", sa.Column("sort_price", sa.Integer(), server_default="0", nullable=False))
    op.add_column("collection_product", sa.Column("sort_created", sa.DateTime(timezone=True), nullable=True))
    op.add_column("collection_product", sa.Column("sort_title", sa.String(length=200), server_default="", nullable=False))
    bind = op.get_bind()
    backfill_collection_sort_keys(bind)
    for name, columns in INDEXES.items():
        op.create_index(name, "collection_product", columns, unique=False)
    install_collection_sort_key_triggers(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS larder_collection_entry_keys() CASCADE")
        op.execute("DROP FUNCTION IF EXISTS larder_product_sort_keys() CASCADE")
    else:
        for trigger in ("larder_collection_entry_keys", "larder_collection_entry_keys_moved", "larder_product_sort_keys"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for name in INDEXES:
        op.drop_index(name, table_name="collection_product")
    for column in ("sort_title", "sort_created", "sort_price", "product_active"):
        op.drop_column("collection_product", column)  # SQLite 3.35+ drops columns in place
