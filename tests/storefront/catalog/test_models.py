from datetime import timedelta

import pytest

from storefront.catalog.availability import is_certified
from storefront.clock import today
from tests.factories import make_certification, make_product


@pytest.mark.parametrize(
    ("start", "end", "certified"),
    [
        (-30, 30, True),   # in force
        (0, 0, True),      # first and last day is today
        (-400, -1, False),  # expired yesterday
        (1, 400, False),   # starts tomorrow
    ],
)
def test_badge_only_while_certificate_valid_today(app, client, start, end, certified):
    day = today()
    product = make_product("badge-test", commit=False)
    product.certifications = [make_certification(day + timedelta(days=start), day + timedelta(days=end))]
    from storefront.extensions import db

    db.session.commit()
    assert is_certified(product, day) is certified
    page = client.get("/products/badge-test").get_data(as_text=True)
    listing = client.get("/products").get_data(as_text=True)
    assert ("badge-certified" in page) is certified
    assert ("badge-certified" in listing) is certified
    assert ("does not currently hold a valid Low FODMAP certification" in page) is not certified


def test_price_from_follows_cheapest_variant(app):
    product = make_product(variants=[{"price": 2500}, {"price": 1200}, {"price": 1900}])
    assert product.price_from == 1200
    product.variants[1].price = 3000
    from storefront.extensions import db

    db.session.commit()
    assert product.price_from == 1900


def test_stock_can_never_go_negative(app):
    from sqlalchemy.exc import IntegrityError

    from storefront.extensions import db

    product = make_product(stock=1)
    product.variants[0].stock = -1
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
