"""structured allergens (product.allergen_mask) and a certificate's structured serving and listing URL

Revision ID: e6b8d0f2a4c6
Revises: a7c9e1f3b5d8
Create Date: 2026-11-27 17:00:00

product.allergen_mask: one bit per major allergen (storefront/catalog/allergens.py keeps the
list; the bits below are frozen copies), NULL when not declared. Existing free text is read:
"None of the 14 major allergens." becomes 0, a leading "Contains: a, b (c)." sentence whose every
item names an allergen becomes those bits, and the sentence is taken out of the text, which keeps
the rest ("May contain: ..."). Text that is not understood stays as it is, undeclared.
ix_product_status_allergens (status, price_from, allergen_mask, id) keeps the facet counts an
index-only scan.

certification: serving_quantity + serving_unit ("2" "capsules"), serving_metric_quantity +
serving_metric_unit ("1.1" "g"), read from serving_size_tested when it reads "2 capsules (1.1 g)",
"30 g" or "1/2 cup (125 g)"; listing_url, the certifier's listing of the product.
"""
import re
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "e6b8d0f2a4c6"
down_revision = "a7c9e1f3b5d8"
branch_labels = None
depends_on = None

# Frozen copy of storefront/catalog/allergens.py at this revision: bit -> words naming it.
WORDS = {
    0: ("gluten", "cereals containing gluten", "barley", "rye", "oats", "spelt", "kamut"),
    1: ("wheat",),
    2: ("milk", "dairy", "lactose", "whey", "casein"),
    3: ("egg", "eggs"),
    4: ("fish",),
    5: ("crustaceans", "crustacean", "crustacean shellfish", "shellfish", "shrimp", "prawn", "crab", "lobster"),
    6: ("molluscs", "mollusc", "mollusks", "mollusk"),
    7: ("peanuts", "peanut"),
    8: ("tree nuts", "tree nut", "nuts"),
    9: ("soy", "soya", "soybeans", "soybean"),
    10: ("sesame", "sesame seeds"),
    11: ("celery", "celeriac"),
    12: ("mustard",),
    13: ("lupin", "lupine"),
    14: ("sulphites", "sulphite", "sulfites", "sulfite", "sulphur dioxide", "sulfur dioxide"),
}
GLUTEN, WHEAT = 1 << 0, 1 << 1
NONE_RE = re.compile(r"^\s*(none declared|none of the (14|fourteen) major allergens|no (major )?allergens)\.?\s*", re.I)
CONTAINS_RE = re.compile(r"^\s*contains:?\s*(?P<items>[^.]*)\.?\s*", re.I)
SERVING_RE = re.compile(
    r"^\s*(?P<q>\d+/\d+|\d+(?:\.\d+)?)\s*(?P<unit>[^()\d][^()]*?)?\s*"
    r"(?:\(\s*(?P<m>\d+(?:\.\d+)?)\s*(?P<munit>g|ml)\s*\))?\s*$", re.I)

product = sa.table("product", sa.column("id", sa.Integer()), sa.column("allergens", sa.Text()),
                   sa.column("allergen_mask", sa.Integer()))
certification = sa.table(
    "certification", sa.column("id", sa.Integer()), sa.column("serving_size_tested", sa.String()),
    sa.column("serving_quantity", sa.Numeric(10, 3)), sa.column("serving_unit", sa.String()),
    sa.column("serving_metric_quantity", sa.Numeric(10, 3)), sa.column("serving_metric_unit", sa.String()),
)


def _bit(word):
    text = word.strip().lower()
    for bit, words in WORDS.items():
        if text in words:
            return 1 << bit
    return None


def _item(item):
    head, _, inner = item.partition("(")
    found = _bit(head)
    if found is None:
        return None
    found |= _bit(inner.rstrip(") ")) or 0
    if found & WHEAT or any(w in item.lower() for w in ("spelt", "barley", "rye")):
        found |= GLUTEN
    return found


def parse_allergens(text):
    text = (text or "").strip()
    if match := NONE_RE.match(text):
        return 0, text[match.end():].strip()
    match = CONTAINS_RE.match(text)
    if not match:
        return None, text
    mask = 0
    for item in re.split(r",(?![^()]*\))", match.group("items")):
        found = _item(item)
        if found is None:
            return None, text
        mask |= found
    return mask, text[match.end():].strip()


def parse_serving(text):
    match = SERVING_RE.match(text or "")
    if not match:
        return None
    raw = match.group("q")
    if "/" in raw:
        top, bottom = raw.split("/")
        if int(bottom) == 0:
            return None
        quantity = (Decimal(top) / Decimal(bottom)).quantize(Decimal("0.001"))
    else:
        quantity = Decimal(raw)
    unit = (match.group("unit") or "").strip()[:30]
    metric = Decimal(match.group("m")) if match.group("m") else None
    munit = (match.group("munit") or "").lower() if metric is not None else ""
    return quantity, unit, metric, munit


def upgrade():
    # Plain ADD COLUMN, not batch mode: batch mode may rebuild a SQLite table and drop its triggers.
    op.add_column("product", sa.Column("allergen_mask", sa.Integer(), nullable=True))
    # The facet counts read price and allergens of every match from this index alone.
    op.create_index("ix_product_status_allergens", "product", ["status", "price_from", "allergen_mask", "id"])
    op.add_column("certification", sa.Column("serving_quantity", sa.Numeric(10, 3), nullable=True))
    op.add_column("certification", sa.Column("serving_unit", sa.String(length=30), nullable=False, server_default=""))
    op.add_column("certification", sa.Column("serving_metric_quantity", sa.Numeric(10, 3), nullable=True))
    op.add_column("certification", sa.Column("serving_metric_unit", sa.String(length=4), nullable=False, server_default=""))
    op.add_column("certification", sa.Column("listing_url", sa.String(length=500), nullable=False, server_default=""))
    bind = op.get_bind()
    for pid, text in bind.execute(sa.select(product.c.id, product.c.allergens)).all():
        mask, note = parse_allergens(text)
        if mask is not None:
            bind.execute(product.update().where(product.c.id == pid).values(allergen_mask=mask, allergens=note))
    for cid, text in bind.execute(sa.select(certification.c.id, certification.c.serving_size_tested)).all():
        serving = parse_serving(text)
        if serving is not None:
            quantity, unit, metric, munit = serving
            bind.execute(certification.update().where(certification.c.id == cid).values(
                serving_quantity=quantity, serving_unit=unit, serving_metric_quantity=metric, serving_metric_unit=munit))


def downgrade():
    # The structured allergens go back into the text, so nothing declared is lost.
    bind = op.get_bind()
    names = {bit: words[0] for bit, words in WORDS.items()}
    names[0] = "gluten"
    for pid, text, mask in bind.execute(sa.select(product.c.id, product.c.allergens, product.c.allergen_mask)).all():
        if mask is None:
            continue
        found = [names[bit] for bit in sorted(names) if mask & (1 << bit)]
        head = f"Contains: {', '.join(found)}." if found else "None of the 14 major allergens."
        bind.execute(product.update().where(product.c.id == pid).values(allergens=f"{head} {text or ''}".strip()))
    if bind.dialect.name == "postgresql":
        # Run the deferred cache-version triggers of these updates now: PostgreSQL refuses to
        # alter a table with trigger events pending.
        op.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for column in ("listing_url", "serving_metric_unit", "serving_metric_quantity", "serving_unit", "serving_quantity"):
        op.drop_column("certification", column)  # SQLite 3.35+ drops columns in place
    op.drop_index("ix_product_status_allergens", table_name="product")
    op.drop_column("product", "allergen_mask")
