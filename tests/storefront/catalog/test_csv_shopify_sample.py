"""A file shaped like Shopify's own sample product export imports whole and exports back the same.

data/shopify_sample_products.csv follows Shopify's column layout: three option columns (with
their "Linked To" columns), decimal Variant Grams, image-only rows, market price columns, a
"Default Title" product, and draft and archived products.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from storefront.catalog.csv_io import CsvImportError, export_products_csv, import_products_csv
from storefront.catalog.models import DietTag, Product
from storefront.extensions import db

SITE = "https://shop.example"
SAMPLE = Path(__file__).parent / "data" / "shopify_sample_products.csv"
SIZES = ("Small", "Medium", "Large", "XL")


@pytest.fixture
def imported(app):
    return import_products_csv(SAMPLE.read_bytes(), "USD", SITE)


def product(slug: str) -> Product:
    return db.session.scalar(select(Product).where(Product.slug == slug))


def test_the_sample_imports_whole(imported):
    assert (imported.created, imported.variants, imported.images) == (5, 24, 0)
    assert imported.external_images_skipped == 8  # Image Src rows; Variant Image repeats them
    statuses = dict(db.session.execute(select(Product.slug, Product.status)).all())
    assert statuses == {"linen-apron": "active", "spice-tin-set": "active", "gift-box": "active",
                        "winter-scarf": "draft", "old-tote": "archived"}


def test_every_option_of_every_variant_is_kept(imported):
    apron = product("linen-apron")
    assert apron.option_names == ["Color", "Size"]
    assert [v.option_label for v in apron.variants] == [
        f"{color} / {size}" for color in ("Green", "Blue", "Red") for size in SIZES
    ]
    assert apron.variants[5].option_values == ["Blue", "Medium"]
    tins = product("spice-tin-set")
    assert tins.option_names == ["Size", "Finish", "Lid"]
    assert tins.variants[0].option_label == "Small / Brushed / Glass"
    assert len({v.option_label for v in tins.variants}) == 8


def test_decimal_grams_are_rounded_to_whole_grams(imported):
    grams = {v.sku: v.weight_grams for p in db.session.scalars(select(Product)) for v in p.variants}
    assert grams["APRON-GRE-SM"] == 227  # 226.796185 g, half a pound
    assert (grams["TIN-SBRG"], grams["TIN-LBLS"]) == (113, 340)
    assert grams["GIFT-BOX"] == 454
    assert (grams["SCARF-GREY"], grams["SCARF-NAVY"]) == (151, 150)


def test_default_title_means_no_option(imported, client):
    box = product("gift-box")
    assert box.option_names is None
    assert [(v.option_label, v.option_values) for v in box.variants] == [("Default", None)]
    assert "Default Title" not in client.get("/products/gift-box").get_data(as_text=True)


def test_market_columns_are_ignored(imported):
    variant = product("gift-box").variants[0]
    assert (variant.price, variant.compare_at_price) == (2500, 3000)  # not the US 26.00 / 31.00
    assert product("linen-apron").variants[2].price == 3200


def test_the_product_page_tells_every_variant_apart(imported, client):
    page = client.get("/products/linen-apron").get_data(as_text=True)
    labels = re.findall(r'<span class="variant-label">([^<]*)</span>', page)
    assert len(labels) == 12 and len(set(labels)) == 12
    assert "Green / Small" in labels and "Red / XL" in labels


def variants_by_sku(text: str) -> dict[str, tuple]:
    """Per SKU: its options (name, value), price, compare-at price and stock, as the file says."""
    found, names = {}, {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["Title"]:
            names[row["Handle"]] = [row[f"Option{n} Name"] for n in (1, 2, 3)]
        if not row["Variant Price"]:
            continue
        options = tuple(
            (name, row[f"Option{n} Value"]) for n, name in enumerate(names[row["Handle"]], 1) if name
        )
        compare = row["Variant Compare At Price"]
        found[row["Variant SKU"]] = (
            row["Handle"], options, Decimal(row["Variant Price"]), Decimal(compare) if compare else None,
            int(row["Variant Inventory Qty"]),
        )
    return found


def test_export_keeps_each_variants_options_prices_sku_and_stock(imported):
    exported = export_products_csv("USD", SITE)
    original = variants_by_sku(SAMPLE.read_text(encoding="utf-8"))
    assert len(original) == 24
    assert variants_by_sku(exported) == original
    # And the export imports back to the same catalog.
    db.session.execute(delete(Product))
    db.session.execute(delete(DietTag))
    db.session.commit()
    import_products_csv(exported.encode(), "USD", SITE)
    assert export_products_csv("USD", SITE) == exported


def test_a_label_edited_after_the_import_is_exported_as_option_values(imported):
    product("linen-apron").variants[0].option_label = "Green / Tiny"
    db.session.commit()
    exported = variants_by_sku(export_products_csv("USD", SITE))
    assert exported["APRON-GRE-SM"][1] == (("Color", "Green"), ("Size", "Tiny"))


def test_grams_that_are_not_a_number_are_refused(app):
    data = SAMPLE.read_text(encoding="utf-8").replace("150.5", "heavy")
    with pytest.raises(CsvImportError) as caught:
        import_products_csv(data.encode(), "USD", SITE)
    assert [str(e) for e in caught.value.errors] == ["Row 25: Variant Grams “heavy” is not a number"]
