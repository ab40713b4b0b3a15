"""Finding flagged orders on the staff orders list: the "Needs review only" filter and the warning
line that leads to it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from storefront.admin.queries import flagged_order_count
from storefront.extensions import db
from storefront.orders.services import flag_for_review
from tests.factories import make_order, make_paid_order, make_product

REASON = "Paid 1000 USD but the order total is 2795 USD"


def _flag(order, reason: str = REASON):
    flag_for_review(order, "stripe", reason)
    db.session.commit()
    return order


def _result_count(page: str) -> str:
    return re.search(r'<p class="result-count" role="status">([^<]*)</p>', page).group(1)


def _review_box(page: str) -> str:
    return re.search(r'<input[^>]*name="review"[^>]*>', page).group(0)


def test_the_review_filter_lists_only_flagged_orders_and_counts_them(as_admin):
    first, second = _flag(make_paid_order()), _flag(make_paid_order())
    plain = make_paid_order()

    page = as_admin.get("/admin/orders?review=1").get_data(as_text=True)

    assert first.number in page and second.number in page and plain.number not in page
    assert _result_count(page) == "2 orders"
    box = _review_box(page)
    assert 'value="1"' in box and "checked" in box  # the box shows the filter that is applied


def test_the_review_filter_combines_with_status(as_admin):
    flagged_paid = _flag(make_paid_order())
    flagged_pending = _flag(make_order())
    plain_paid = make_paid_order()

    page = as_admin.get("/admin/orders?review=1&status=paid").get_data(as_text=True)

    assert flagged_paid.number in page
    assert flagged_pending.number not in page and plain_paid.number not in page
    assert _result_count(page) == "1 order"


def test_the_review_filter_is_kept_when_turning_pages(as_admin):
    variant = make_product(price=1500, stock=100).variants[0]
    for _ in range(26):  # one more than a page
        _flag(make_order([(variant, 1)]))
    make_order([(variant, 1)])

    page = as_admin.get("/admin/orders?review=1").get_data(as_text=True)

    assert _result_count(page) == "26 orders"
    next_link = re.search(r'<a rel="next" href="([^"]+)"', page).group(1)
    assert "review=1" in next_link and "page=2" in next_link
    assert _result_count(as_admin.get(next_link.replace("&amp;", "&")).get_data(as_text=True)) == "26 orders"


def test_a_nonsense_review_value_lists_every_order_instead_of_failing(as_admin):
    flagged, plain = _flag(make_paid_order()), make_paid_order()

    response = as_admin.get("/admin/orders?review=garbage")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert flagged.number in page and plain.number in page
    assert "checked" not in _review_box(page)


def test_the_list_says_how_many_orders_need_review_and_links_to_them(as_admin):
    make_paid_order()
    assert "need review" not in as_admin.get("/admin/orders").get_data(as_text=True)
    assert "needs review" not in as_admin.get("/admin/orders").get_data(as_text=True)

    _flag(make_paid_order())
    page = as_admin.get("/admin/orders").get_data(as_text=True)
    assert '<a href="/admin/orders?review=1">1 order needs review.</a>' in page

    _flag(make_paid_order())
    page = as_admin.get("/admin/orders?status=pending_payment").get_data(as_text=True)
    # The line counts every flagged order, whatever the filters on screen, and sits above them.
    line = '<a href="/admin/orders?review=1">2 orders need review.</a>'
    assert line in page and page.index(line) < page.index('aria-label="Filter orders"')



def test_counting_flagged_orders_reads_the_partial_index_on_postgresql(app):
    """Every staff page load counts flagged orders: on PostgreSQL that must not scan every order."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("index plans are PostgreSQL's; SQLite's tables here are tiny")
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", capture)
    try:
        flagged_order_count()
    finally:
        event.remove(Engine, "before_cursor_execute", capture)
    (statement, parameters), = captured
    with db.engine.connect() as connection:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table: what *can* it use?
        plan = "\n".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
    assert "ix_shop_order_needs_review" in plan
