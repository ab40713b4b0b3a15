"""Staff input the database cannot store (a NUL byte) is a 400 page with a message, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.catalog.models import Product
from storefront.extensions import db
from tests.factories import make_paid_order


@pytest.mark.parametrize("url", ["/admin/orders?q=%00", "/admin/products?q=%00", "/admin/articles?q=a%00b"])
def test_search_with_a_nul_byte_is_a_bad_request(as_admin, url):
    response = as_admin.get(url)
    assert response.status_code == 400
    assert "cannot contain" in response.get_data(as_text=True)


def test_new_product_with_a_nul_byte_is_refused_and_nothing_is_saved(as_admin):
    response = as_admin.post("/admin/products/new", data={"title": "Ginger\x00", "sku": "GINGER-1", "price": "4.50",
                                                          "stock": "1", "status": "draft"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_cancel_reason_with_a_nul_byte_leaves_the_order_alone(as_admin):
    order = make_paid_order()
    response = as_admin.post(f"/admin/orders/{order.id}/cancel", data={"cancel-reason": "customer\x00asked"})
    assert response.status_code == 400
    db.session.refresh(order)
    assert order.status == "paid"
