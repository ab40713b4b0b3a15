"""facets: a product's certificate window on its row, kept by triggers on certification

Revision ID: c2e4a6b8d0f1
Revises: a9c1e5f7b3d2
Create Date: 2026-11-29 13:10:00

product.certified_from / certified_until (the envelope of the product's certificates) and
certified_gaps (whether their days leave a hole inside it) let listings filter and count
"certified today" on the product row. The facet index takes the three columns, so the counts stay
index-only scans. The trigger SQL is frozen here as storefront/catalog/certificate_window.py made
it at this revision; this migration must not change later.
"""
import sqlalchemy as sa
from alembic import op

revision = "c2e4a6b8d0f1"
down_revision = "a9c1e5f7b3d2"
branch_labels = None
depends_on = None

PG_UPGRADE = [
    """
CREATE OR REPLACE FUNCTION larder_product_certificate_window() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    window_from date;
    window_until date;
    window_gaps boolean;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT (SELECT min(valid_from) FROM certification WHERE product_id = OLD.product_id), (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id), EXISTS (SELECT 1 FROM certification c WHERE c.product_id = OLD.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = OLD.product_id AND n.valid_from <= c.valid_until + 1 AND n.valid_until > c.valid_until)) INTO window_from, window_until, window_gaps;
        UPDATE product SET certified_from = window_from, certified_until = window_until,
            certified_gaps = window_gaps
        WHERE id = OLD.product_id AND (certified_from, certified_until, certified_gaps)
            IS DISTINCT FROM (window_from, window_until, window_gaps);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.product_id IS DISTINCT FROM OLD.product_id) THEN
        SELECT (SELECT min(valid_from) FROM certification WHERE product_id = NEW.product_id), (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id), EXISTS (SELECT 1 FROM certification c WHERE c.product_id = NEW.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = NEW.product_id AND n.valid_from <= c.valid_until + 1 AND n.valid_until > c.valid_until)) INTO window_from, window_until, window_gaps;
        UPDATE product SET certified_from = window_from, certified_until = window_until,
            certified_gaps = window_gaps
        WHERE id = NEW.product_id AND (certified_from, certified_until, certified_gaps)
            IS DISTINCT FROM (window_from, window_until, window_gaps);
    END IF;
    RETURN NULL;
END
$$
""",
    'DROP TRIGGER IF EXISTS larder_product_certificate_window ON certification',
    'CREATE TRIGGER larder_product_certificate_window AFTER INSERT OR DELETE OR UPDATE OF valid_from, valid_until, product_id ON certification FOR EACH ROW EXECUTE FUNCTION larder_product_certificate_window()',
]

SQLITE_UPGRADE = [
    "CREATE TRIGGER IF NOT EXISTS larder_product_certificate_window_insert AFTER INSERT ON certification BEGIN UPDATE product SET certified_from = (SELECT min(valid_from) FROM certification WHERE product_id = NEW.product_id), certified_until = (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id), certified_gaps = EXISTS (SELECT 1 FROM certification c WHERE c.product_id = NEW.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = NEW.product_id AND n.valid_from <= date(c.valid_until, '+1 day') AND n.valid_until > c.valid_until)) WHERE id = NEW.product_id AND (certified_from IS NOT (SELECT min(valid_from) FROM certification WHERE product_id = NEW.product_id) OR certified_until IS NOT (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id) OR certified_gaps IS NOT EXISTS (SELECT 1 FROM certification c WHERE c.product_id = NEW.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = NEW.product_id AND n.valid_from <= date(c.valid_until, '+1 day') AND n.valid_until > c.valid_until))); END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_certificate_window_update AFTER UPDATE OF valid_from, valid_until, product_id ON certification BEGIN UPDATE product SET certified_from = (SELECT min(valid_from) FROM certification WHERE product_id = OLD.product_id), certified_until = (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id), certified_gaps = EXISTS (SELECT 1 FROM certification c WHERE c.product_id = OLD.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = OLD.product_id AND n.valid_from <= date(c.valid_until, '+1 day') AND n.valid_until > c.valid_until)) WHERE id = OLD.product_id AND (certified_from IS NOT (SELECT min(valid_from) FROM certification WHERE product_id = OLD.product_id) OR certified_until IS NOT (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id) OR certified_gaps IS NOT EXISTS (SELECT 1 FROM certification c WHERE c.product_id = OLD.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = OLD.product_id AND n.valid_from <= date(c.valid_until, '+1 day') AND n.valid_until > c.valid_until))); UPDATE product SET certified_from = (SELECT min(valid_from) FROM certification WHERE product_id = NEW.product_id), certified_until = (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id), certified_gaps = EXISTS (SELECT 1 FROM certification c WHERE c.product_id = NEW.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = NEW.product_id AND n.valid_from <= date(c.valid_until, '+1 day') AND n.valid_until > c.valid_until)) WHERE id = NEW.product_id AND (certified_from IS NOT (SELECT min(valid_from) FROM certification WHERE product_id = NEW.product_id) OR certified_until IS NOT (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id) OR certified_gaps IS NOT EXISTS (SELECT 1 FROM certification c WHERE c.product_id = NEW.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = NEW.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = NEW.product_id AND n.valid_from <= date(c.valid_until, '+1 day') AND n.valid_until > c.valid_until))); END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_certificate_window_delete AFTER DELETE ON certification BEGIN UPDATE product SET certified_from = (SELECT min(valid_from) FROM certification WHERE product_id = OLD.product_id), certified_until = (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id), certified_gaps = EXISTS (SELECT 1 FROM certification c WHERE c.product_id = OLD.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = OLD.product_id AND n.valid_from <= date(c.valid_until, '+1 day') AND n.valid_until > c.valid_until)) WHERE id = OLD.product_id AND (certified_from IS NOT (SELECT min(valid_from) FROM certification WHERE product_id = OLD.product_id) OR certified_until IS NOT (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id) OR certified_gaps IS NOT EXISTS (SELECT 1 FROM certification c WHERE c.product_id = OLD.product_id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = OLD.product_id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = OLD.product_id AND n.valid_from <= date(c.valid_until, '+1 day') AND n.valid_until > c.valid_until))); END",
]

# Every certified product's window, in one statement (the triggers keep it from now on).
PG_BACKFILL = (
    "UPDATE product SET certified_from = (SELECT min(valid_from) FROM certification WHERE product_id = product.id), certified_until = (SELECT max(valid_until) FROM certification WHERE product_id = product.id), "
    "certified_gaps = EXISTS (SELECT 1 FROM certification c WHERE c.product_id = product.id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = product.id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = product.id AND n.valid_from <= c.valid_until + 1 AND n.valid_until > c.valid_until)) WHERE id IN (SELECT product_id FROM certification)"
)
SQLITE_BACKFILL = (
    "UPDATE product SET certified_from = (SELECT min(valid_from) FROM certification WHERE product_id = product.id), certified_until = (SELECT max(valid_until) FROM certification WHERE product_id = product.id), "
    "certified_gaps = EXISTS (SELECT 1 FROM certification c WHERE c.product_id = product.id AND c.valid_until < (SELECT max(valid_until) FROM certification WHERE product_id = product.id) AND NOT EXISTS (SELECT 1 FROM certification n WHERE n.product_id = product.id AND n.valid_from <= date(c.valid_until, '+1 day') AND n.valid_until > c.valid_until)) WHERE id IN (SELECT product_id FROM certification)"
)

FACET_COLUMNS = ["status", "price_from", "allergen_mask", "certified_from", "certified_until", "certified_gaps", "id"]


def upgrade():
    # Plain ADD COLUMN, not batch mode: batch mode may rebuild a SQLite table and drop its triggers.
    op.add_column("product", sa.Column("certified_from", sa.Date(), nullable=True))
    op.add_column("product", sa.Column("certified_until", sa.Date(), nullable=True))
    op.add_column("product", sa.Column("certified_gaps", sa.Boolean(), server_default=sa.false(), nullable=False))
    dialect = op.get_bind().dialect.name
    for statement in {"postgresql": PG_UPGRADE, "sqlite": SQLITE_UPGRADE}.get(dialect, []):
        op.execute(sa.text(statement))
    op.execute(sa.text({"postgresql": PG_BACKFILL, "sqlite": SQLITE_BACKFILL}[dialect]))
    if dialect == "postgresql":
        # Run the deferred cache triggers of the backfill now: PostgreSQL refuses to alter a
        # table with trigger events pending.
        op.execute("SET CONSTRAINTS ALL IMMEDIATE")
    op.drop_index("ix_product_status_allergens", table_name="product")
    op.create_index("ix_product_facets", "product", FACET_COLUMNS)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS larder_product_certificate_window() CASCADE")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS larder_product_certificate_window_{event}")
    op.drop_index("ix_product_facets", table_name="product")
    op.create_index("ix_product_status_allergens", "product", ["status", "price_from", "allergen_mask", "id"])
    # Plain ALTER TABLE (SQLite 3.35+ too): a batch copy of product would trip its other triggers.
    for column in ("certified_gaps", "certified_until", "certified_from"):
        op.execute(f"ALTER TABLE product DROP COLUMN {column}")
