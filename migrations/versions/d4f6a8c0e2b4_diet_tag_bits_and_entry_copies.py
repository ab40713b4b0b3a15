"""facets: diet tags as bits on the product row; collection entries copy the bits and the certificate window

Revision ID: d4f6a8c0e2b4
Revises: c2e4a6b8d0f1
Create Date: 2026-11-29 16:20:00

diet_tag.bit (0-61, given by a trigger when a tag is made) and product.diet_tag_bits (one bit per
linked tag, kept by triggers on product_diet_tag) let listings filter by a diet tag on the product
row. Collection entries copy the bits and the product's certificate window as they copy its sort
keys, so a manual collection filters and counts on its own entries. The facet index takes the bits.
The trigger SQL is frozen here as storefront/catalog/diet_tag_bits.py and collection_sort_keys.py
made it at this revision (and, for downgrade, the sort-key triggers as they were before it); this
migration must not change later.
"""
import sqlalchemy as sa
from alembic import op

revision = "d4f6a8c0e2b4"
down_revision = "c2e4a6b8d0f1"
branch_labels = None
depends_on = None

BITS_PG = [
    "\nCREATE OR REPLACE FUNCTION larder_diet_tag_bit() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    IF NEW.bit IS NULL THEN\n        SELECT min(b) INTO NEW.bit FROM generate_series(0, 61) AS b\n         WHERE NOT EXISTS (SELECT 1 FROM diet_tag WHERE bit = b);\n        IF NEW.bit IS NULL THEN\n            RAISE EXCEPTION 'a store has at most 62 diet tags' USING ERRCODE = 'check_violation';\n        END IF;\n    END IF;\n    RETURN NEW;\nEND\n$$\n",
    'DROP TRIGGER IF EXISTS larder_diet_tag_bit ON diet_tag',
    'CREATE TRIGGER larder_diet_tag_bit BEFORE INSERT ON diet_tag FOR EACH ROW EXECUTE FUNCTION larder_diet_tag_bit()',
    "\nCREATE OR REPLACE FUNCTION larder_product_diet_tag_bits() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    IF TG_OP <> 'INSERT' THEN\n        UPDATE product SET diet_tag_bits = (SELECT coalesce(bit_or(1::bigint << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = OLD.product_id AND t.bit >= 0 AND t.bit < 62)\n        WHERE id = OLD.product_id AND diet_tag_bits IS DISTINCT FROM (SELECT coalesce(bit_or(1::bigint << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = OLD.product_id AND t.bit >= 0 AND t.bit < 62);\n    END IF;\n    IF TG_OP <> 'DELETE' THEN\n        UPDATE product SET diet_tag_bits = (SELECT coalesce(bit_or(1::bigint << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = NEW.product_id AND t.bit >= 0 AND t.bit < 62)\n        WHERE id = NEW.product_id AND diet_tag_bits IS DISTINCT FROM (SELECT coalesce(bit_or(1::bigint << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = NEW.product_id AND t.bit >= 0 AND t.bit < 62);\n    END IF;\n    RETURN NULL;\nEND\n$$\n",
    'DROP TRIGGER IF EXISTS larder_product_diet_tag_bits ON product_diet_tag',
    'CREATE TRIGGER larder_product_diet_tag_bits AFTER INSERT OR DELETE OR UPDATE ON product_diet_tag FOR EACH ROW EXECUTE FUNCTION larder_product_diet_tag_bits()',
    '\nCREATE OR REPLACE FUNCTION larder_diet_tag_bit_moved() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    UPDATE product SET diet_tag_bits = (SELECT coalesce(bit_or(1::bigint << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = product.id AND t.bit >= 0 AND t.bit < 62)\n     WHERE id IN (SELECT product_id FROM product_diet_tag WHERE diet_tag_id = NEW.id);\n    RETURN NULL;\nEND\n$$\n',
    'DROP TRIGGER IF EXISTS larder_diet_tag_bit_moved ON diet_tag',
    'CREATE TRIGGER larder_diet_tag_bit_moved AFTER UPDATE OF bit ON diet_tag FOR EACH ROW WHEN (OLD.bit IS DISTINCT FROM NEW.bit) EXECUTE FUNCTION larder_diet_tag_bit_moved()',
]
BITS_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS larder_diet_tag_bit AFTER INSERT ON diet_tag WHEN NEW.bit IS NULL BEGIN UPDATE diet_tag SET bit = (SELECT min(column1) FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15), (16), (17), (18), (19), (20), (21), (22), (23), (24), (25), (26), (27), (28), (29), (30), (31), (32), (33), (34), (35), (36), (37), (38), (39), (40), (41), (42), (43), (44), (45), (46), (47), (48), (49), (50), (51), (52), (53), (54), (55), (56), (57), (58), (59), (60), (61)) WHERE column1 NOT IN (SELECT bit FROM diet_tag WHERE bit IS NOT NULL)) WHERE id = NEW.id; SELECT RAISE(ABORT, 'a store has at most 62 diet tags') WHERE (SELECT bit FROM diet_tag WHERE id = NEW.id) IS NULL; END",
    'CREATE TRIGGER IF NOT EXISTS larder_product_diet_tag_bits_insert AFTER INSERT ON product_diet_tag BEGIN UPDATE product SET diet_tag_bits = (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = NEW.product_id AND t.bit >= 0 AND t.bit < 62) WHERE id = NEW.product_id AND diet_tag_bits IS NOT (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = NEW.product_id AND t.bit >= 0 AND t.bit < 62); END',
    'CREATE TRIGGER IF NOT EXISTS larder_product_diet_tag_bits_update AFTER UPDATE ON product_diet_tag BEGIN UPDATE product SET diet_tag_bits = (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = OLD.product_id AND t.bit >= 0 AND t.bit < 62) WHERE id = OLD.product_id AND diet_tag_bits IS NOT (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = OLD.product_id AND t.bit >= 0 AND t.bit < 62); UPDATE product SET diet_tag_bits = (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = NEW.product_id AND t.bit >= 0 AND t.bit < 62) WHERE id = NEW.product_id AND diet_tag_bits IS NOT (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = NEW.product_id AND t.bit >= 0 AND t.bit < 62); END',
    'CREATE TRIGGER IF NOT EXISTS larder_product_diet_tag_bits_delete AFTER DELETE ON product_diet_tag BEGIN UPDATE product SET diet_tag_bits = (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = OLD.product_id AND t.bit >= 0 AND t.bit < 62) WHERE id = OLD.product_id AND diet_tag_bits IS NOT (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = OLD.product_id AND t.bit >= 0 AND t.bit < 62); END',
    'CREATE TRIGGER IF NOT EXISTS larder_diet_tag_bit_moved AFTER UPDATE OF bit ON diet_tag WHEN OLD.bit IS NOT NEW.bit BEGIN UPDATE product SET diet_tag_bits = (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = product.id AND t.bit >= 0 AND t.bit < 62) WHERE id IN (SELECT product_id FROM product_diet_tag WHERE diet_tag_id = NEW.id); END',
]
# The entries' copy triggers with the new columns, and as they were before (downgrade).
KEYS_PG = [
    "\nCREATE OR REPLACE FUNCTION larder_collection_entry_keys() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    SELECT p.status = 'active', p.price_from, p.created_at, p.title, p.diet_tag_bits, p.certified_from, p.certified_until, p.certified_gaps\n      INTO NEW.product_active, NEW.sort_price, NEW.sort_created, NEW.sort_title, NEW.diet_tag_bits, NEW.certified_from, NEW.certified_until, NEW.certified_gaps\n      FROM product p WHERE p.id = NEW.product_id;\n    RETURN NEW;\nEND\n$$\n",
    'DROP TRIGGER IF EXISTS larder_collection_entry_keys ON collection_product',
    'CREATE TRIGGER larder_collection_entry_keys BEFORE INSERT OR UPDATE OF product_id ON collection_product FOR EACH ROW EXECUTE FUNCTION larder_collection_entry_keys()',
    "\nCREATE OR REPLACE FUNCTION larder_product_sort_keys() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title, diet_tag_bits, certified_from, certified_until, certified_gaps) = (NEW.status = 'active', NEW.price_from, NEW.created_at, NEW.title, NEW.diet_tag_bits, NEW.certified_from, NEW.certified_until, NEW.certified_gaps)\n     WHERE product_id = NEW.id;\n    RETURN NULL;\nEND\n$$\n",
    'DROP TRIGGER IF EXISTS larder_product_sort_keys ON product',
    'CREATE TRIGGER larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title, diet_tag_bits, certified_from, certified_until, certified_gaps ON product FOR EACH ROW WHEN ((OLD.status, OLD.price_from, OLD.created_at, OLD.title, OLD.diet_tag_bits, OLD.certified_from, OLD.certified_until, OLD.certified_gaps) IS DISTINCT FROM (NEW.status, NEW.price_from, NEW.created_at, NEW.title, NEW.diet_tag_bits, NEW.certified_from, NEW.certified_until, NEW.certified_gaps)) EXECUTE FUNCTION larder_product_sort_keys()',
]
KEYS_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS larder_collection_entry_keys AFTER INSERT ON collection_product BEGIN UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title, diet_tag_bits, certified_from, certified_until, certified_gaps) = (SELECT p.status = 'active', p.price_from, p.created_at, p.title, p.diet_tag_bits, p.certified_from, p.certified_until, p.certified_gaps FROM product p WHERE p.id = NEW.product_id) WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS larder_collection_entry_keys_moved AFTER UPDATE OF product_id ON collection_product BEGIN UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title, diet_tag_bits, certified_from, certified_until, certified_gaps) = (SELECT p.status = 'active', p.price_from, p.created_at, p.title, p.diet_tag_bits, p.certified_from, p.certified_until, p.certified_gaps FROM product p WHERE p.id = NEW.product_id) WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title, diet_tag_bits, certified_from, certified_until, certified_gaps ON product BEGIN UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title, diet_tag_bits, certified_from, certified_until, certified_gaps) = (NEW.status = 'active', NEW.price_from, NEW.created_at, NEW.title, NEW.diet_tag_bits, NEW.certified_from, NEW.certified_until, NEW.certified_gaps) WHERE product_id = NEW.id; END",
]
OLD_KEYS_PG = [
    "\nCREATE OR REPLACE FUNCTION larder_collection_entry_keys() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    SELECT p.status = 'active', p.price_from, p.created_at, p.title\n      INTO NEW.product_active, NEW.sort_price, NEW.sort_created, NEW.sort_title\n      FROM product p WHERE p.id = NEW.product_id;\n    RETURN NEW;\nEND\n$$\n",
    'DROP TRIGGER IF EXISTS larder_collection_entry_keys ON collection_product',
    'CREATE TRIGGER larder_collection_entry_keys BEFORE INSERT OR UPDATE OF product_id ON collection_product FOR EACH ROW EXECUTE FUNCTION larder_collection_entry_keys()',
    "\nCREATE OR REPLACE FUNCTION larder_product_sort_keys() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n    UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title) = (NEW.status = 'active', NEW.price_from, NEW.created_at, NEW.title)\n     WHERE product_id = NEW.id;\n    RETURN NULL;\nEND\n$$\n",
    'DROP TRIGGER IF EXISTS larder_product_sort_keys ON product',
    'CREATE TRIGGER larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title ON product FOR EACH ROW WHEN ((OLD.status, OLD.price_from, OLD.created_at, OLD.title) IS DISTINCT FROM (NEW.status, NEW.price_from, NEW.created_at, NEW.title)) EXECUTE FUNCTION larder_product_sort_keys()',
]
OLD_KEYS_SQLITE = [
    "CREATE TRIGGER IF NOT EXISTS larder_collection_entry_keys AFTER INSERT ON collection_product BEGIN UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title) = (SELECT p.status = 'active', p.price_from, p.created_at, p.title FROM product p WHERE p.id = NEW.product_id) WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS larder_collection_entry_keys_moved AFTER UPDATE OF product_id ON collection_product BEGIN UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title) = (SELECT p.status = 'active', p.price_from, p.created_at, p.title FROM product p WHERE p.id = NEW.product_id) WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS larder_product_sort_keys AFTER UPDATE OF status, price_from, created_at, title ON product BEGIN UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title) = (NEW.status = 'active', NEW.price_from, NEW.created_at, NEW.title) WHERE product_id = NEW.id; END",
]
KEYS_BACKFILL = {'postgresql': "UPDATE collection_product cp SET (product_active, sort_price, sort_created, sort_title, diet_tag_bits, certified_from, certified_until, certified_gaps) = (p.status = 'active', p.price_from, p.created_at, p.title, p.diet_tag_bits, p.certified_from, p.certified_until, p.certified_gaps) FROM product p WHERE p.id = cp.product_id", 'sqlite': "UPDATE collection_product SET (product_active, sort_price, sort_created, sort_title, diet_tag_bits, certified_from, certified_until, certified_gaps) = (SELECT p.status = 'active', p.price_from, p.created_at, p.title, p.diet_tag_bits, p.certified_from, p.certified_until, p.certified_gaps FROM product p WHERE p.id = collection_product.product_id)"}

SQLITE_KEY_TRIGGERS = ("larder_collection_entry_keys", "larder_collection_entry_keys_moved", "larder_product_sort_keys")
SQLITE_BIT_TRIGGERS = (
    "larder_diet_tag_bit", "larder_product_diet_tag_bits_insert", "larder_product_diet_tag_bits_update",
    "larder_product_diet_tag_bits_delete", "larder_diet_tag_bit_moved",
)
BIT_FUNCTIONS = ("larder_diet_tag_bit", "larder_product_diet_tag_bits", "larder_diet_tag_bit_moved")

# Existing tags take bits 0, 1, 2... in the order they were made; every product its tags' bits.
PG_TAG_BITS = (
    "UPDATE diet_tag SET bit = numbered.n - 1 FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM diet_tag) "
    "numbered WHERE numbered.id = diet_tag.id AND numbered.n <= 62"
)
SQLITE_TAG_BITS = "UPDATE diet_tag SET bit = (SELECT count(*) FROM diet_tag d WHERE d.id < diet_tag.id) WHERE (SELECT count(*) FROM diet_tag d WHERE d.id < diet_tag.id) < 62"
PG_PRODUCT_BITS = (
    "UPDATE product SET diet_tag_bits = b.bits FROM (SELECT l.product_id, bit_or(1::bigint << t.bit) AS bits "
    "FROM product_diet_tag l JOIN diet_tag t ON t.id = l.diet_tag_id WHERE t.bit >= 0 AND t.bit < 62 "
    "GROUP BY l.product_id) b WHERE b.product_id = product.id"
)
SQLITE_PRODUCT_BITS = (
    "UPDATE product SET diet_tag_bits = (SELECT coalesce(sum(1 << t.bit), 0) FROM product_diet_tag l "
    "JOIN diet_tag t ON t.id = l.diet_tag_id WHERE l.product_id = product.id AND t.bit >= 0 AND t.bit < 62) "
    "WHERE id IN (SELECT product_id FROM product_diet_tag)"
)

OLD_FACET_COLUMNS = ["status", "price_from", "allergen_mask", "certified_from", "certified_until", "certified_gaps", "id"]
FACET_COLUMNS = [*OLD_FACET_COLUMNS[:-1], "diet_tag_bits", "id"]
ENTRY_COPIES = ("diet_tag_bits", "certified_from", "certified_until", "certified_gaps")


def _run(statements):
    for statement in statements:
        op.execute(sa.text(statement))


def upgrade():
    dialect = op.get_bind().dialect.name
    # Plain ADD COLUMN, not batch mode: batch mode may rebuild a SQLite table and drop its triggers.
    op.add_column("diet_tag", sa.Column("bit", sa.SmallInteger(), nullable=True))
    op.add_column("product", sa.Column("diet_tag_bits", sa.BigInteger(), server_default="0", nullable=False))
    op.add_column("collection_product", sa.Column("diet_tag_bits", sa.BigInteger(), server_default="0", nullable=False))
    op.add_column("collection_product", sa.Column("certified_from", sa.Date(), nullable=True))
    op.add_column("collection_product", sa.Column("certified_until", sa.Date(), nullable=True))
    op.add_column("collection_product", sa.Column("certified_gaps", sa.Boolean(), server_default=sa.false(), nullable=False))
    # The triggers first: PostgreSQL refuses DDL on a table with trigger events pending, and the
    # backfills below leave some (the page cache's deferred triggers).
    if dialect == "sqlite":
        for name in SQLITE_KEY_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        _run(KEYS_SQLITE)
        _run(BITS_SQLITE)
    else:
        _run(KEYS_PG)
        _run(BITS_PG)
    op.execute(sa.text({"postgresql": PG_TAG_BITS, "sqlite": SQLITE_TAG_BITS}[dialect]))
    op.execute(sa.text({"postgresql": PG_PRODUCT_BITS, "sqlite": SQLITE_PRODUCT_BITS}[dialect]))
    op.execute(sa.text(KEYS_BACKFILL[dialect]))
    if dialect == "postgresql":
        # Run the deferred cache triggers of the backfills now, before the indexes.
        op.execute("SET CONSTRAINTS ALL IMMEDIATE")
    op.create_index("ix_diet_tag_bit", "diet_tag", ["bit"], unique=True)
    op.drop_index("ix_product_facets", table_name="product")
    op.create_index("ix_product_facets", "product", FACET_COLUMNS)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for name in BIT_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
        _run(OLD_KEYS_PG)
    else:
        for name in (*SQLITE_BIT_TRIGGERS, *SQLITE_KEY_TRIGGERS):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        _run(OLD_KEYS_SQLITE)
    op.drop_index("ix_product_facets", table_name="product")
    op.create_index("ix_product_facets", "product", OLD_FACET_COLUMNS)
    op.drop_index("ix_diet_tag_bit", table_name="diet_tag")
    # Plain ALTER TABLE (SQLite 3.35+ too): a batch copy would trip the tables' other triggers.
    for column in ENTRY_COPIES:
        op.execute(f"ALTER TABLE collection_product DROP COLUMN {column}")
    op.execute("ALTER TABLE product DROP COLUMN diet_tag_bits")
    op.execute("ALTER TABLE diet_tag DROP COLUMN bit")
