"""collection entries carry their product's sort keys (kept by triggers) for listing walks

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-11-26 16:45:00

The SQL is frozen here as it was written at this revision (storefront/catalog/collection_sort_keys.py
may change later; this migration must not).
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

PG_TRIGGERS = [
    """
CREATE OR REPLACE FUNCTION larder_collection_entry_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT p.status = 'active', p.price_from, p.created_at, p.title
      INTO NEW.product_active, NEW.sort_price, NEW.sort_created, NEW.sort_title
      FROM product p WHERE p.id = NEW.product_id;
    RETURN NEW;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_collection_entry_keys ON collection_product",
    "CREATE TRIGGER larder_collection_entry_keys BEFORE INSERT OR UPDATE OF product_id "
    "ON collection_product FOR EACH ROW EXECUTE FUNCTION larder_collection_entry_keys()",
    """
CREATE OR REPLACE FUNCTION larder_product_sort_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE collection_product
       SET product_active = (NEW.status = 'active'), sort_price = NEW.price_from,
           sort_created = NEW.created_at, sort_title = NEW.title
     WHERE product_id = NEW.id;
    RETURN NULL;
END
$$
""",
    "DROP TRIGGER IF EXISTS larder_product_sort_keys ON product",
    "CREATE TRIGGER larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title "
    "ON product FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.price_from IS DISTINCT FROM NEW.price_from OR OLD.created_at IS DISTINCT FROM NEW.created_at "
    "OR OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION larder_product_sort_keys()",
]

SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS larder_collection_entry_keys AFTER INSERT ON collection_product BEGIN "
    "UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title) = "
    "(SELECT p.status = 'active', p.price_from, p.created_at, p.title FROM product p WHERE p.id = NEW.product_id) "
    "WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS larder_collection_entry_keys_moved AFTER UPDATE OF product_id "
    "ON collection_product BEGIN "
    "UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title) = "
    "(SELECT p.status = 'active', p.price_from, p.created_at, p.title FROM product p WHERE p.id = NEW.product_id) "
    "WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title "
    "ON product BEGIN "
    "UPDATE collection_product SET product_active = (NEW.status = 'active'), sort_price = NEW.price_from, "
    "sort_created = NEW.created_at, sort_title = NEW.title WHERE product_id = NEW.id; END",
]

# Existing entries take their product's values.
BACKFILL = {
    "postgresql": (
        "UPDATE collection_product cp SET product_active = (p.status = 'active'), "
        "sort_price = p.price_from, sort_created = p.created_at, sort_title = p.title "
        "FROM product p WHERE p.id = cp.product_id"
    ),
    "sqlite": (
        "UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title) = "
        "(SELECT p.status = 'active', p.price_from, p.created_at, p.title FROM product p "
        "WHERE p.id = collection_product.product_id)"
    ),
}


def upgrade():
    # Plain ALTER TABLE, not batch mode: on SQLite batch mode may rebuild the table, which
    # silently drops its catalog-version triggers (tests/test_migrations.py checks they stay).
    op.add_column("collection_product", sa.Column("product_active", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("collection_product", sa.Column("sort_price", sa.Integer(), server_default="0", nullable=False))
    op.add_column("collection_product", sa.Column("sort_created", sa.DateTime(timezone=True), nullable=True))
    op.add_column("collection_product", sa.Column("sort_title", sa.String(length=200), server_default="", nullable=False))
    dialect = op.get_bind().dialect.name
    if dialect in BACKFILL:
        op.execute(sa.text(BACKFILL[dialect]))
    for name, columns in INDEXES.items():
        op.create_index(name, "collection_product", columns, unique=False)
    for statement in {"postgresql": PG_TRIGGERS, "sqlite": SQLITE_TRIGGERS}.get(dialect, []):
        op.execute(sa.text(statement))


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
