"""Shopify product CSV: all-or-nothing import with row-numbered errors, export, round trip, CLI."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, func, select

from storefront.audit import AuditEntry
from storefront.catalog.csv_io import (
    CsvImportError,
    export_products_csv,
    import_products_csv,
    parse_products_csv,
)
from storefront.catalog.models import DietTag, Product, ProductImage, Variant
from storefront.extensions import db
from tests.factories import make_product

SITE = "https://shop.example"
# The columns of a Shopify product export (as of 2024), in Shopify's order.
SHOPIFY_HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value",
    "Variant SKU", "Variant Grams", "Variant Inventory Tracker", "Variant Inventory Qty",
    "Variant Inventory Policy", "Variant Fulfillment Service", "Variant Price", "Variant Compare At Price",
    "Variant Requires Shipping", "Variant Taxable", "Variant Barcode", "Image Src", "Image Position",
    "Image Alt Text", "Gift Card", "SEO Title", "SEO Description", "Variant Image", "Variant Weight Unit",
    "Variant Tax Code", "Cost per item", "Status",
]


def shopify_csv(products: int = 80) -> list[dict[str, str]]:
    """Rows as Shopify writes them: the product on its first row, then variant and image rows."""
    rows = []
    for n in range(products):
        handle = f"tea-blend-{n:03d}"
        first = dict.fromkeys(SHOPIFY_HEADER, "")
        first.update({
            "Handle": handle, "Title": f"Tea Blend {n}", "Vendor": "Leafy Co",
            "Body (HTML)": f"<p>A <strong>calm</strong> blend number {n}.</p><script>alert(1)</script>",
            "Type": "Tea", "Tags": "Vegan, Gluten free", "Published": "TRUE",
            "Option1 Name": "Size", "Option1 Value": "20 bags", "Variant SKU": f"TEA-{n:03d}-20",
            "Variant Grams": "40", "Variant Inventory Qty": "25", "Variant Price": "6.50",
            "Variant Compare At Price": "", "Image Src": f"https://cdn.shopify.com/s/files/tea-{n}.jpg",
            "Image Position": "1", "Image Alt Text": f"Tea {n}", "Status": "active",
        })
        second = dict.fromkeys(SHOPIFY_HEADER, "")
        second.update({"Handle": handle, "Option1 Value": "50 bags", "Variant SKU": f"TEA-{n:03d}-50",
                       "Variant Grams": "100", "Variant Inventory Qty": "8", "Variant Price": "14.00",
                       "Variant Compare At Price": "15.00"})
        image = dict.fromkeys(SHOPIFY_HEADER, "")
        image.update({"Handle": handle, "Image Src": f"https://cdn.shopify.com/s/files/tea-{n}-b.jpg",
                      "Image Position": "2"})
        rows += [first, second, image]
    return rows


def to_bytes(rows: list[dict[str, str]], header=SHOPIFY_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run_import(data: bytes):
    return import_products_csv(data, "USD", SITE)


def product_count() -> int:
    return db.session.scalar(select(func.count(Product.id)))


def errors_of(data: bytes) -> list[str]:
    with pytest.raises(CsvImportError) as caught:
        run_import(data)
    return [str(e) for e in caught.value.errors]


def test_a_shopify_file_of_240_rows_imports(app):
    rows = shopify_csv(80)
    assert len(rows) >= 200
    report = run_import(to_bytes(rows))
    assert (report.created, report.variants) == (80, 160)
    assert report.external_images_skipped == 160
    product = db.session.scalar(select(Product).where(Product.slug == "tea-blend-007"))
    assert product.title == "Tea Blend 7"
    assert [(v.sku, v.option_label, v.price, v.compare_at_price, v.stock, v.weight_grams) for v in product.variants] == [
        ("TEA-007-20", "20 bags", 650, None, 25, 40),
        ("TEA-007-50", "50 bags", 1400, 1500, 8, 100),
    ]
    assert sorted(t.name for t in product.diet_tags) == ["Gluten free", "Vegan"]
    assert product.price_from == 650


def test_body_html_is_sanitised_into_markdown(app):
    run_import(to_bytes(shopify_csv(1)))
    product = db.session.scalar(select(Product))
    assert product.description == "A **calm** blend number 0."
    assert "script" not in product.description and "alert" not in product.description


def test_image_urls_are_never_downloaded(app):
    run_import(to_bytes(shopify_csv(2)))
    assert db.session.scalar(select(func.count(ProductImage.id))) == 0


def test_one_bad_row_imports_nothing_and_names_its_row(app):
    rows = shopify_csv(80)
    rows[150]["Variant Price"] = "abc"  # data row 151 is spreadsheet row 152
    errors = errors_of(to_bytes(rows))
    assert errors == ["Row 152: Variant Price “abc” is not a number"]
    assert product_count() == 0


def test_tags_past_the_stores_62_diet_tags_are_refused_at_their_row(app):
    rows = shopify_csv(40)
    for n in range(40):  # two new tags on each product: the 32nd (spreadsheet row 95) brings the 63rd and 64th
        rows[n * 3]["Tags"] = f"Diet {2 * n}, Diet {2 * n + 1}"
    errors = errors_of(to_bytes(rows))
    assert errors == ["Row 95: Tags: this row's tags would make 64 diet tags; a store has at most 62"]
    assert product_count() == 0


def test_every_error_is_reported_not_just_the_first(app):
    rows = shopify_csv(5)
    rows[0]["Variant Price"] = "-3.00"
    rows[4]["Variant Inventory Qty"] = "1.5"
    rows[7]["Handle"] = ""
    errors = errors_of(to_bytes(rows))
    assert errors == [
        "Row 2: Variant Price cannot be negative (-3.00)",
        "Row 6: Variant Inventory Qty “1.5” is not a whole number",
        "Row 9: Handle is empty",
    ]
    assert product_count() == 0


def test_negative_compare_at_price_is_refused(app):
    rows = shopify_csv(2)
    rows[4]["Variant Compare At Price"] = "-1"
    assert errors_of(to_bytes(rows)) == ["Row 6: Variant Compare At Price cannot be negative (-1)"]


def test_bad_encoding_is_refused_with_its_row(app):
    data = to_bytes(shopify_csv(3))
    lines = data.split(b"\n")
    lines[4] = lines[4].replace(b"Tea Blend", b"Th\xe9 Blend")  # Latin-1, not UTF-8
    errors = errors_of(b"\n".join(lines))
    assert errors == ["Row 5: the file is not valid UTF-8 text (save or export it as CSV UTF-8)"]
    assert product_count() == 0


def test_missing_required_columns_are_named(app):
    header = [c for c in SHOPIFY_HEADER if c not in ("Variant Price", "Variant SKU")]
    errors = errors_of(to_bytes(shopify_csv(2), header))
    assert errors == ["Row 1: missing required column(s): Variant SKU, Variant Price"]


def test_duplicate_handle_defined_twice_is_refused(app):
    rows = shopify_csv(3)
    duplicate = dict(rows[0])
    duplicate["Variant SKU"] = "OTHER-SKU"
    rows.append(duplicate)
    errors = errors_of(to_bytes(rows))
    assert errors == ["Row 11: duplicate handle “tea-blend-000”: the product is already defined on row 2"]
    assert product_count() == 0


def test_duplicate_sku_is_refused(app):
    rows = shopify_csv(2)
    rows[4]["Variant SKU"] = "TEA-000-20"
    assert errors_of(to_bytes(rows)) == ["Row 6: SKU “TEA-000-20” is already used on row 2"]


def test_sku_belonging_to_another_existing_product_is_refused(app):
    make_product("existing", variants=[{"price": 100, "stock": 1}])
    sku = db.session.scalar(select(Variant.sku))
    rows = shopify_csv(1)
    rows[0]["Variant SKU"] = sku
    assert errors_of(to_bytes(rows)) == [f"Row 2: SKU “{sku}” belongs to the existing product “existing”"]


def test_continuation_row_without_a_product_row_is_refused(app):
    rows = shopify_csv(1)
    rows = [rows[1]] + rows
    assert errors_of(to_bytes(rows))[0].startswith("Row 2: no product row (with a Title) for handle")


def test_empty_file_and_header_only_file_are_refused(app):
    assert errors_of(b"") == ["Row 1: the file is empty"]
    assert errors_of(to_bytes([])) == ["Row 2: the file has a header but no products"]


def test_export_then_import_gives_the_same_catalog(app):
    make_product("magnesium", title="Magnesium", certified=True, tags=["vegan", "gluten-free"],
                 description="Gentle **magnesium**.\n\n- one\n- two", ingredients="Magnesium, rice flour",
                 variants=[{"price": 1899, "stock": 20, "option": "60 caps", "compare_at_price": 2200},
                           {"price": 2999, "stock": 0, "option": "120 caps"}])
    make_product("draft-tea", title="Draft Tea", status="draft")
    first = export_products_csv("USD", SITE)
    # Empty the catalog, then bring it back from the file.
    db.session.execute(delete(Product))
    db.session.execute(delete(DietTag))
    db.session.commit()
    report = import_products_csv(first.encode(), "USD", SITE)
    assert report.created == 2 and report.external_images_skipped == 0
    assert export_products_csv("USD", SITE) == first


def test_importing_an_export_again_changes_nothing(app):
    make_product("magnesium", variants=[{"price": 1899, "stock": 20}])
    data = export_products_csv("USD", SITE)
    report = import_products_csv(data.encode(), "USD", SITE)
    assert (report.created, report.updated) == (0, 1)
    assert export_products_csv("USD", SITE) == data
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.object_type != "catalog")) == 0


def test_import_that_changes_stock_records_an_adjustment(app):
    make_product("magnesium", variants=[{"price": 1899, "stock": 20}])
    data = export_products_csv("USD", SITE).replace(",20,deny,", ",35,deny,")
    import_products_csv(data.encode(), "USD", SITE)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "variant"))
    assert (entry.before, entry.after, entry.note) == ({"stock": 20}, {"stock": 35}, "CSV import")


def test_parse_never_writes(app):
    parse_products_csv(to_bytes(shopify_csv(3)), "USD", SITE)
    assert product_count() == 0


def test_cli_imports_with_progress(runner, tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(to_bytes(shopify_csv(70)))
    result = runner.invoke(args=["larder", "import-products", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported: 70 products created" in result.output
    assert product_count() == 70


def test_cli_refuses_a_bad_file_with_row_numbers_and_a_failing_exit_code(runner, tmp_path):
    rows = shopify_csv(70)
    rows[100]["Variant Price"] = "-2"
    path = tmp_path / "products.csv"
    path.write_bytes(to_bytes(rows))
    result = runner.invoke(args=["larder", "import-products", str(path)])
    assert result.exit_code != 0
    assert "Row 102: Variant Price cannot be negative (-2)" in result.output
    assert "nothing was imported" in result.output
    assert product_count() == 0


def test_admin_upload_reports_errors_and_imports_nothing(client, auth):
    from tests.factories import make_user

    auth.login(make_user(role="admin"))
    rows = shopify_csv(3)
    rows[2]["Variant Price"] = "-5"
    response = client.post("/admin/catalog/import", data={"file": (io.BytesIO(to_bytes(rows)), "p.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Row 4:" in response.get_data(as_text=True)
    assert product_count() == 0
    response = client.post("/admin/catalog/import", data={"file": (io.BytesIO(to_bytes(shopify_csv(3))), "p.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and product_count() == 3
    exported = client.get("/admin/catalog/export.csv")
    assert exported.mimetype == "text/csv"
    assert "tea-blend-002" in exported.get_data(as_text=True)


def test_export_defuses_spreadsheet_formulas_and_import_restores_the_text(app):
    make_product("sneaky", title="=HYPERLINK(\"http://evil.example\")", description="- first point\n- second")
    data = export_products_csv("USD", SITE)
    row = next(csv.DictReader(io.StringIO(data)))
    assert row["Title"].startswith("'=")
    db.session.execute(delete(Product))
    db.session.commit()
    import_products_csv(data.encode(), "USD", SITE)
    product = db.session.scalar(select(Product))
    assert product.title == '=HYPERLINK("http://evil.example")'
    assert product.description == "- first point\n- second"


# ---------------------------------------------------------------- broken CSV text

UNCLOSED_QUOTE = (
    b"Handle,Title,Variant SKU,Variant Price\n"
    b"ok,Fine,OK-1,5.00\n"
    b'foo,"Foo 12 inch,FOO-1,5.00\n'
    b"bar,Bar,BAR-1,6.00\n"
)


def test_unclosed_quote_is_reported_by_its_line_not_as_a_missing_variant(app):
    assert errors_of(UNCLOSED_QUOTE) == ["Line 3: a quoted field is never closed (started on line 3)"]
    assert product_count() == 0


def test_stray_quote_closed_by_a_later_field_names_both_lines(app):
    data = (
        b"Handle,Title,Body (HTML),Variant SKU,Variant Price\n"
        b'tea,Tea,"<p>Line one</p>\n<p>Line ""two""</p>",TEA-1,5.00\n'
        b'foo,"Foo,<p>plain</p>,FOO-1,5.00\n'
        b'bar,Bar,"<p>x</p>",BAR-1,6.00\n'
    )
    assert errors_of(data) == [
        "Line 5: text follows a closing quote; the quoted field started on line 4: is its closing quote missing?"
    ]


def test_quotes_doubled_inside_multiline_fields_are_fine(app):
    data = (
        b"Handle,Title,Body (HTML),Variant SKU,Variant Price\n"
        b'tea,"Tea, ""green""","<p>Line one</p>\n<p>Line two</p>",TEA-1,5.00\n'
        b'bar,Bar 12" tall,,BAR-1,6.00\n'
    )
    assert run_import(data).created == 2
    assert db.session.scalar(select(Product.title).where(Product.slug == "bar")) == 'Bar 12" tall'


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_a_file_with_another_separator_is_named_as_such(app, delimiter, name):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SHOPIFY_HEADER, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(shopify_csv(2))
    errors = errors_of(out.getvalue().encode())
    assert errors == [f"Row 1: this file looks {name}-separated; export it with commas"]


def test_cli_reports_a_quoting_fault_by_line(runner, tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(UNCLOSED_QUOTE)
    result = runner.invoke(args=["larder", "import-products", str(path)])
    assert result.exit_code != 0
    assert "Line 3: a quoted field is never closed (started on line 3)" in result.output
    assert "has no variant" not in result.output
    assert product_count() == 0


def test_admin_upload_shows_quoting_and_separator_faults(client, auth):
    from tests.factories import make_user

    auth.login(make_user(role="admin"))
    response = client.post("/admin/catalog/import", data={"file": (io.BytesIO(UNCLOSED_QUOTE), "p.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<strong>Line 3:</strong> a quoted field is never closed (started on line 3)" in page
    semicolons = UNCLOSED_QUOTE.replace(b'"', b"").replace(b",", b";")
    response = client.post("/admin/catalog/import", data={"file": (io.BytesIO(semicolons), "p.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "this file looks semicolon-separated; export it with commas" in response.get_data(as_text=True)
    assert product_count() == 0
