"""Staff see how many confirmed subscribers wait per variant (product page) and per product (list),
in a number of queries that does not grow with the subscribers or the rows."""

from __future__ import annotations

import re

from storefront.alerts.models import AlertStatus, StockAlert
from storefront.extensions import db
from tests.factories import make_product, make_user


def _wait(variant_id: int, n: int, status: str = AlertStatus.ACTIVE.value) -> None:
    db.session.add_all(StockAlert(email=f"r{variant_id}-{i}-{status}@example.com", variant_id=variant_id,
                                  status=status) for i in range(n))
    db.session.commit()


def test_product_edit_page_shows_the_confirmed_subscribers_waiting_per_variant(client, auth):
    product = make_product("tea", variants=[{"price": 500, "stock": 0}, {"price": 900, "stock": 0}])
    _wait(product.variants[0].id, 3)
    _wait(product.variants[0].id, 2, AlertStatus.PENDING.value)  # unconfirmed: not counted
    _wait(product.variants[1].id, 1, AlertStatus.NOTIFIED.value)
    auth.login(make_user(role="admin"))
    html = client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert "Alerts waiting" in html
    assert re.findall(r"<td data-alerts-waiting>(\d+)</td>", html) == ["3", "0"]


def test_product_list_shows_waiting_per_product_with_a_flat_query_count(client, auth, count_queries):
    auth.login(make_user(role="admin"))
    first = make_product("first", stock=0)
    _wait(first.variants[0].id, 4)
    client.get("/admin/products")
    with count_queries() as few:
        html = client.get("/admin/products").get_data(as_text=True)
    assert "Alerts waiting" in html and "<td>4</td>" in html
    for i in range(10):
        product = make_product(f"more-{i}", stock=0)
        _wait(product.variants[0].id, i + 1)
    client.get("/admin/products")  # as before "few": the signed-in user is loaded again after the commits
    with count_queries() as many:
        client.get("/admin/products")
    assert many.count == few.count, "\n".join(s[:90] for s in ["--few", *few.statements, "--many", *many.statements])
