"""Certification records warn before they lapse and when ingredients break certification rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storefront.catalog.admin_services import added_fodmaps, certification_warnings
from storefront.clock import today
from storefront.extensions import db
from tests.factories import make_certification, make_product


def _certified(slug, ingredients="Rice flour.", days_left=300):
    product = make_product(slug, ingredients=ingredients)
    product.certifications = [make_certification(valid_until=today() + timedelta(days=days_left))]
    db.session.commit()
    return product


def test_certificate_ending_within_the_window_warns(app):
    _certified("soon", days_left=20)
    _certified("later", days_left=200)
    warnings = certification_warnings(60)
    assert [(w.product_title, w.kind) for w in warnings] == [("Soon", "expiring")]
    assert "expires in 20 day(s)" in warnings[0].message


def test_window_is_configurable(app):
    _certified("later", days_left=200)
    assert certification_warnings(250)[0].kind == "expiring"


def test_recently_lapsed_certificate_warns(app):
    product = make_product("lapsed")
    product.certifications = [make_certification(valid_from=today() - timedelta(days=400),
                                                 valid_until=today() - timedelta(days=3))]
    db.session.commit()
    assert certification_warnings(60)[0].kind == "expired"


@pytest.mark.parametrize(
    ("ingredients", "found"),
    [
        ("Oats, chicory inulin, salt", ["inulin"]),
        ("Sugar, FOS (fructooligosaccharides)", ["fos", "fructooligosaccharides"]),
        ("Sweetener: Xylitol; erythritol", ["xylitol", "erythritol"]),
        ("maltitol syrup, ISOMALT, lactitol", ["maltitol", "isomalt", "lactitol"]),
        ("Phosphate, fossil salt, rice", []),  # words containing "fos" are not FOS
        ("Rice flour, salt", []),
    ],
)
def test_added_fodmaps_are_found_as_whole_words(ingredients, found):
    assert added_fodmaps(ingredients) == found


def test_certified_product_with_an_added_fodmap_warns(app):
    _certified("bar", ingredients="Oats, inulin, cocoa")
    make_product("uncertified-bar", ingredients="Oats, inulin")
    warnings = [w for w in certification_warnings(60) if w.kind == "fodmap"]
    assert [w.product_title for w in warnings] == ["Bar"]
    assert "inulin" in warnings[0].message


def test_warnings_page_and_product_page_show_them(as_admin):
    product = _certified("bar", ingredients="Oats, xylitol", days_left=10)
    page = as_admin.get("/admin/certifications").get_data(as_text=True)
    assert "expires in 10 day(s)" in page and "xylitol" in page
    page = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert "expires in 10 day(s)" in page


def test_certificate_with_an_inverted_range_is_refused(as_admin, product):
    data = {"cert-body": "FODMAP Friendly", "cert-licence_number": "X1", "cert-valid_from": "2027-01-10",
            "cert-valid_until": "2026-01-10"}
    response = as_admin.post(f"/admin/products/{product.id}/certifications", data=data)
    assert response.status_code == 422
    assert "must be on or after" in response.get_data(as_text=True)
