"""The CSV's allergens: a "contained" column of slugs or names, "none" or empty (not declared),
exported and imported back exactly; an unknown allergen is an error naming its row."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, select

from storefront.catalog.allergens import mask_of
from storefront.catalog.csv_io import (
    CONTAINS,
    CsvImportError,
    export_products_csv,
    import_products_csv,
)
from storefront.catalog.models import DietTag, Product
from storefront.extensions import db
from tests.factories import make_product

SITE = "https://shop.example"


def _masks() -> dict[str, int | None]:
    return dict(db.session.execute(select(Product.slug, Product.allergen_mask)).all())


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_allergens_survive_export_and_import(app):
    for slug, contains in (("bar", ["peanuts", "milk", "gluten"]), ("tea", []), ("mystery", None)):
        product = make_product(slug, commit=False)
        product.allergen_mask = None if contains is None else mask_of(contains)
        product.allergens = "May contain: tree nuts." if slug == "bar" else ""
    db.session.commit()
    before = _masks()
    exported = export_products_csv("USD", SITE)
    cells = {row["Handle"]: row[CONTAINS] for row in _rows(exported) if row["Title"]}
    assert cells == {"bar": "gluten; milk; peanuts", "tea": "none", "mystery": ""}
    db.session.execute(delete(Product))
    db.session.execute(delete(DietTag))
    db.session.commit()
    import_products_csv(exported.encode(), "USD", SITE)
    assert _masks() == before
    assert db.session.scalar(select(Product.allergens).where(Product.slug == "bar")) == "May contain: tree nuts."
    assert export_products_csv("USD", SITE) == exported


def test_names_and_either_separator_are_accepted(app):
    make_product("bar")
    rows = _rows(export_products_csv("USD", SITE))
    rows[0][CONTAINS] = "Milk, Sesame; soya"
    import_products_csv(_to_bytes(rows), "USD", SITE)
    assert _masks()["bar"] == mask_of(["milk", "sesame", "soy"])


def test_an_unknown_allergen_is_refused_naming_its_row(app):
    make_product("bar")
    make_product("tea")
    rows = _rows(export_products_csv("USD", SITE))
    rows[1][CONTAINS] = "milk; moonbeams"
    with pytest.raises(CsvImportError) as caught:
        import_products_csv(_to_bytes(rows), "USD", SITE)
    messages = [str(e) for e in caught.value.errors]
    assert len(messages) == 1
    assert messages[0].startswith("Row 3: Allergens contained: unknown allergen “moonbeams”")
    assert _masks() == {"bar": None, "tea": None}  # nothing written


def test_a_file_without_the_column_keeps_the_allergens(app):
    product = make_product("bar", commit=False)
    product.allergen_mask = mask_of(["fish"])
    db.session.commit()
    rows = _rows(export_products_csv("USD", SITE))
    header = [c for c in rows[0] if c != CONTAINS]
    import_products_csv(_to_bytes(rows, header), "USD", SITE)
    assert _masks()["bar"] == mask_of(["fish"])


def _to_bytes(rows, header=None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or list(rows[0]), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


# ---------------------------------------------------------------- certificates


def _certified(slug: str, serving: str | None, legacy: str = "") -> Product:
    from storefront.catalog.servings import parse_serving
    from tests.factories import make_certification

    product = make_product(slug, commit=False)
    cert = make_certification()
    cert.licence_number = f"MON-{slug}"
    cert.listing_url = f"https://www.example.org/listing/{slug}"
    if serving:
        for name, value in parse_serving(serving).fields().items():
            setattr(cert, name, value)
    else:
        cert.serving_size_tested = legacy
    product.certifications = [cert]
    db.session.commit()
    return product


def _certs() -> dict:
    from storefront.catalog.models import Certification

    rows = db.session.execute(select(Product.slug, Certification.id, Certification.serving_size_tested,
                                     Certification.serving_unit, Certification.listing_url)
                              .join(Certification, Certification.product_id == Product.id)).all()
    return {r.slug: (r.serving_size_tested, r.serving_unit, r.listing_url) for r in rows}


def test_certificates_with_their_serving_survive_export_and_import(app):
    from storefront.catalog.csv_io import CERTIFICATES

    _certified("caps", "2 capsules (1.1 g)")
    _certified("old", None, legacy="one small handful")
    before = _certs()
    exported = export_products_csv("USD", SITE)
    cell = next(r[CERTIFICATES] for r in _rows(exported) if r["Handle"] == "caps")
    assert '"serving": "2 capsules (1.1 g)"' in cell and '"licence_number": "MON-caps"' in cell
    db.session.execute(delete(Product))
    db.session.execute(delete(DietTag))
    db.session.commit()
    import_products_csv(exported.encode(), "USD", SITE)
    assert _certs() == before == {
        "caps": ("2 capsules (1.1 g)", "capsules", "https://www.example.org/listing/caps"),
        "old": ("one small handful", "", "https://www.example.org/listing/old"),
    }
    assert export_products_csv("USD", SITE) == exported


def test_an_unreadable_serving_or_date_is_refused_naming_its_row(app):
    from storefront.catalog.csv_io import CERTIFICATES

    _certified("caps", "2 capsules (1.1 g)")
    _certified("tea", "1 cup (250 ml)")
    rows = _rows(export_products_csv("USD", SITE))
    rows[1][CERTIFICATES] = rows[1][CERTIFICATES].replace("1 cup (250 ml)", "a big mug").replace(
        '"valid_until": "', '"valid_until": "soon')
    with pytest.raises(CsvImportError) as caught:
        import_products_csv(_to_bytes(rows), "USD", SITE)
    messages = [str(e) for e in caught.value.errors]
    assert "Row 3: Certifications: certificate 1: valid_until must be a date such as 2026-01-31" in messages
    assert any(m.startswith("Row 3: Certifications: certificate 1: serving “a big mug” is not a serving") for m in messages)


def test_importing_changes_a_certificate_in_place_and_removes_missing_ones(app):
    from storefront.catalog.csv_io import CERTIFICATES
    from storefront.catalog.models import Certification

    product = _certified("caps", "2 capsules (1.1 g)")
    cert_id = product.certifications[0].id
    rows = _rows(export_products_csv("USD", SITE))
    rows[0][CERTIFICATES] = rows[0][CERTIFICATES].replace("2 capsules (1.1 g)", "3 capsules (1.6 g)")
    import_products_csv(_to_bytes(rows), "USD", SITE)
    cert = db.session.get(Certification, cert_id)
    assert cert.serving_text == "3 capsules (1.6 g)"
    rows[0][CERTIFICATES] = ""
    import_products_csv(_to_bytes(rows), "USD", SITE)
    assert db.session.scalar(select(Certification.id).where(Certification.id == cert_id)) is None
