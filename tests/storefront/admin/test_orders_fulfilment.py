"""The staff order pages as stores ship: lines chosen per parcel, refunds by line with restock and an
empty amount box, two badges, bulk actions, the CSV export, packing slips and article titles."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from blog.services import ArticleDraft, publish_article, save_article
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.models import Order
from tests.factories import make_order, make_paid_order, make_product


def _three_lines(**kwargs) -> Order:
    order = make_paid_order([
        (make_product(title="Oats", price=500, stock=10).variants[0], 2),
        (make_product(title="Tea", price=1200, stock=10).variants[0], 1),
        (make_product(title="Honey", price=800, stock=10).variants[0], 1),
    ], **kwargs)
    outbox().clear()
    return order


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _stock(variant_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def _article(slug="magnesium-for-back-pain", title="Magnesium for back pain", publish=True):
    article = save_article(None, ArticleDraft(source="Cramps at night?", title=title, slug=slug)).article
    return publish_article(article) if publish else article


# ---------------------------------------------------------------- fulfil


def test_staff_ship_two_lines_with_tracking_and_the_page_says_partially_fulfilled(as_admin):
    order = _three_lines()
    oats, tea, honey = order.lines
    response = as_admin.post(f"/admin/orders/{order.id}/fulfil", data={
        f"ship-line-{oats.id}": "2", f"ship-line-{tea.id}": "1", f"ship-line-{honey.id}": "0",
        "fulfil-carrier": "ups", "fulfil-tracking_number": "1Z999AA10123456784"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "shipped 3 of 4 items" in page
    assert "Partially fulfilled" in page and "Payment: </span>Paid" in page
    assert "with UPS, tracking 1Z999AA10123456784" in page
    # The next parcel's form offers only what is left.
    assert f'name="ship-line-{honey.id}"' in page and f'name="ship-line-{oats.id}"' not in page
    assert len(outbox()) == 1 and _fresh(order).fulfilment_status == "partially_fulfilled"


@pytest.mark.parametrize("typed", ["3", "abc", "-1", "1.5", "99999999"])
def test_shipping_more_than_is_left_or_nonsense_is_a_form_error_not_a_500(as_admin, typed):
    order = _three_lines()
    oats = order.lines[0]
    response = as_admin.post(f"/admin/orders/{order.id}/fulfil", data={
        f"ship-line-{oats.id}": typed, "fulfil-carrier": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "Oats" in page
    assert re.search(r"Only 2 of Oats|whole number of Oats", page)
    assert _fresh(order).shipments == [] and outbox() == []


def test_shipping_nothing_is_refused(as_admin):
    order = _three_lines()
    response = as_admin.post(f"/admin/orders/{order.id}/fulfil", data={
        **{f"ship-line-{line.id}": "0" for line in order.lines}, "fulfil-carrier": ""})
    assert response.status_code == 422 and "Choose at least one item to ship" in response.get_data(as_text=True)


# ---------------------------------------------------------------- refund


def test_the_refund_amount_box_starts_empty(as_admin):
    order = _three_lines()
    page = as_admin.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="refund-amount"[^>]*>', page).group(0)
    assert 'value=""' in box or "value=" not in box
    assert "Put the refunded items back in stock" in page


def test_refunding_a_line_with_restock_returns_stock_and_the_history_says_money(as_admin):
    order = _three_lines()
    tea = order.lines[1]
    before = _stock(tea.variant_id)
    page = as_admin.post(f"/admin/orders/{order.id}/refund", data={
        f"refund-line-{tea.id}": "1", "refund-restock": "y", "refund-seen": "0"},
        follow_redirects=True).get_data(as_text=True)
    assert f"Refunded $12.00 on order {order.number}." in page
    history = page.split('id="history-heading"', 1)[1]
    assert "Refunded $12.00: 1 × Tea (put back in stock)" in history and "1200" not in history
    assert _stock(tea.variant_id) == before + 1
    assert _fresh(order).refunded_total == 1200
    assert len(outbox()) == 1  # one refund email


def test_the_refund_price_comes_from_the_server_never_the_form(as_admin):
    order = _three_lines()
    tea = order.lines[1]
    as_admin.post(f"/admin/orders/{order.id}/refund", data={
        f"refund-line-{tea.id}": "1", "refund-price": "0.01", "refund-unit_price": "1"})
    assert _fresh(order).refunded_total == 1200


@pytest.mark.parametrize(("data", "error"), [
    ({}, "Choose the items to refund, or enter an amount."),
    ({"refund-amount": "5.00", "line": "1"}, "not both"),
    ({"refund-amount": "5.00", "refund-restock": "y"}, "To put items back in stock, choose them"),
    ({"line": "2"}, "Only 1 of Tea"),
    ({"line": "x"}, "whole number of Tea"),
])
def test_a_refused_refund_says_why_and_changes_nothing(as_admin, data, error):
    order = _three_lines()
    tea = order.lines[1]
    before = _stock(tea.variant_id)
    form = {k: v for k, v in data.items() if k != "line"}
    if "line" in data:
        form[f"refund-line-{tea.id}"] = data["line"]
    response = as_admin.post(f"/admin/orders/{order.id}/refund", data=form)
    assert response.status_code == 422
    assert error in response.get_data(as_text=True)
    assert _fresh(order).refunded_total == 0 and _stock(tea.variant_id) == before and outbox() == []


# ---------------------------------------------------------------- badges and attribution


def test_the_list_shows_payment_and_fulfilment_badges(as_admin):
    paid = _three_lines()
    pending = make_order()
    page = as_admin.get("/admin/orders").get_data(as_text=True)
    row = re.search(rf"<tr>(?:(?!</tr>).)*{paid.number}.*?</tr>", page, re.S).group(0)
    assert "Payment: </span>Paid" in row and "Fulfilment: </span>Unfulfilled" in row
    row = re.search(rf"<tr>(?:(?!</tr>).)*{pending.number}.*?</tr>", page, re.S).group(0)
    assert "Payment: </span>Pending" in row


def test_attribution_is_the_article_title_linked_to_the_article_and_its_editor(as_admin):
    article = _article()
    order = _three_lines(attribution="article:magnesium-for-back-pain")
    for url in ("/admin/orders", f"/admin/orders/{order.id}"):
        page = as_admin.get(url).get_data(as_text=True)
        assert '<a href="/blog/magnesium-for-back-pain">Magnesium for back pain</a>' in page
        assert f'href="/admin/articles/{article.id}"' in page
        assert ">article:magnesium-for-back-pain<" not in page and " article:magnesium" not in page


def test_a_draft_article_is_named_without_a_public_link_and_a_deleted_one_is_marked(as_admin):
    _article("not-yet", "Not yet out", publish=False)
    _three_lines(attribution="article:not-yet")
    _three_lines(attribution="article:gone-now")
    page = as_admin.get("/admin/orders").get_data(as_text=True)
    assert "Not yet out" in page and 'href="/blog/not-yet"' not in page
    assert "article:gone-now <span class=\"small\">(article gone)</span>" in page


def test_the_list_query_count_does_not_grow_with_orders_or_articles(as_admin, count_queries):
    product = make_product(price=1000, stock=500)
    _article()
    make_paid_order([(product.variants[0], 1)], attribution="article:magnesium-for-back-pain")
    as_admin.get("/admin/orders")
    with count_queries() as few:
        as_admin.get("/admin/orders")
    for n in range(6):
        _article(slug=f"another-{n}", title=f"Another {n}")
        make_paid_order([(product.variants[0], 2)], attribution=f"article:another-{n}")
    as_admin.get("/admin/orders")  # publishing re-reads the site's settings once; count a settled page
    with count_queries() as many:
        page = as_admin.get("/admin/orders").get_data(as_text=True)
    assert "Another 5" in page
    assert many.count == few.count, "\n".join(many.statements)


# ---------------------------------------------------------------- bulk actions


def test_bulk_mark_fulfilled_ships_each_ticked_order_without_tracking(as_admin):
    first, second, untouched = _three_lines(), _three_lines(), _three_lines()
    page = as_admin.post("/admin/orders/bulk", data={"ids": [first.id, second.id], "action": "fulfil"},
                         follow_redirects=True).get_data(as_text=True)
    assert first.number in page and "Marked fulfilled without tracking" in page
    assert [_fresh(o).status for o in (first, second, untouched)] == ["fulfilled", "fulfilled", "paid"]
    assert _fresh(first).shipments[0].tracking_number is None
    assert len(outbox()) == 2


def test_bulk_fulfil_reports_an_order_that_cannot_ship_and_ships_the_rest(as_admin):
    paid, pending = _three_lines(), make_order()
    page = as_admin.post("/admin/orders/bulk", data={"ids": [paid.id, pending.id], "action": "fulfil"},
                         follow_redirects=True).get_data(as_text=True)
    assert "cannot be fulfilled" in page
    assert (_fresh(paid).status, _fresh(pending).status) == ("fulfilled", "pending_payment")


@pytest.mark.parametrize("data", [{"action": "fulfil"}, {"ids": ["1"], "action": "explode"},
                                  {"ids": ["abc"], "action": "export"}])
def test_bulk_without_orders_or_with_a_bad_action_is_a_message(as_admin, data):
    response = as_admin.post("/admin/orders/bulk", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert "Tick the orders" in response.get_data(as_text=True) or "could not be done" in response.get_data(
        as_text=True)


def test_bulk_packing_slips_print_one_slip_per_order(as_admin):
    first, second = _three_lines(), _three_lines()
    page = as_admin.post("/admin/orders/bulk", data={"ids": [first.id, second.id], "action": "slips"}
                         ).get_data(as_text=True)
    assert page.count('class="packing-slip"') == 2 and first.number in page and second.number in page


def test_bulk_export_has_only_the_ticked_orders(as_admin):
    first, _other = _three_lines(), _three_lines()
    response = as_admin.post("/admin/orders/bulk", data={"ids": [first.id], "action": "export"})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {r["order_number"] for r in rows} == {first.number} and len(rows) == 3


def test_the_list_has_a_checkbox_per_order_inside_the_bulk_form(as_admin):
    order = _three_lines()
    page = as_admin.get("/admin/orders").get_data(as_text=True)
    form = page.split('action="/admin/orders/bulk"', 1)[1].split("</form>", 1)[0]
    assert f'name="ids" value="{order.id}"' in form and 'value="export"' in form and 'value="slips"' in form


# ---------------------------------------------------------------- CSV export


def test_csv_export_has_a_row_per_line_with_money_as_decimals_and_the_filters_apply(as_admin):
    order = _three_lines(email="ada@example.com")
    oats = order.lines[0]
    as_admin.post(f"/admin/orders/{order.id}/fulfil", data={f"ship-line-{oats.id}": "1",
                                                            **{f"ship-line-{line.id}": "0" for line in order.lines[1:]}})
    other = _three_lines(email="bob@example.com")
    response = as_admin.get(f"/admin/orders/export.csv?q=ada@example.com&start={date.today()}")
    assert response.mimetype == "text/csv" and response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["sku"] for r in rows] == [line.sku for line in order.lines]
    assert other.number not in response.get_data(as_text=True)
    first = rows[0]
    assert (first["order_number"], first["email"], first["currency"]) == (order.number, "ada@example.com", "USD")
    assert (first["item"], first["quantity"], first["quantity_shipped"], first["unit_price"], first["line_total"]) == (
        "Oats", "2", "1", "5.00", "10.00")
    assert (first["total"], first["payment_status"], first["fulfilment_status"]) == (
        f"{order.total / 100:.2f}", "paid", "partially_fulfilled")
    assert all(r["order_number"] == order.number for r in rows)  # order columns repeated on every line


def test_csv_export_neutralises_formulas(as_admin):
    order = make_paid_order([(make_product(title="=HYPERLINK(\"http://evil\")", price=500).variants[0], 1)],
                            email="+1@example.com")
    order.ship_name = "@SUM(A1)"
    order.ship_line1 = "-2+3"
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO(as_admin.get("/admin/orders/export.csv").get_data(as_text=True))))
    (row,) = rows
    assert row["item"] == "'=HYPERLINK(\"http://evil\")"
    assert (row["email"], row["ship_name"], row["ship_line1"]) == ("'+1@example.com", "'@SUM(A1)", "'-2+3")


def test_the_list_links_to_the_export_with_its_filters(as_admin):
    _three_lines()
    page = as_admin.get(f"/admin/orders?start={date.today()}&end={date.today()}").get_data(as_text=True)
    link = re.search(r'href="(/admin/orders/export\.csv[^"]*)"', page).group(1)
    assert f"start={date.today()}" in link and f"end={date.today()}" in link


# ---------------------------------------------------------------- packing slip


def test_the_packing_slip_has_address_skus_and_quantities_and_no_prices(as_admin):
    order = _three_lines()
    response = as_admin.get(f"/admin/orders/{order.id}/packing-slip")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"Order {order.number}" in page and "Ada Shopper" in page and "1 Test Street" in page
    assert "United States" in page
    for line in order.lines:
        assert line.sku in page
    assert re.search(r"Oats</th><td class=\"num\">2</td>", page)
    assert "$" not in page  # a slip travels in the parcel: no prices
    assert "css/site." in page and "admin-nav" not in page


def test_an_unknown_order_has_no_packing_slip(as_admin):
    assert as_admin.get("/admin/orders/999999/packing-slip").status_code == 404


# ---------------------------------------------------------------- shopper


def test_the_shoppers_order_page_says_how_much_has_shipped(as_admin, client):
    order = _three_lines()
    oats = order.lines[0]
    as_admin.post(f"/admin/orders/{order.id}/fulfil", data={
        f"ship-line-{oats.id}": "2", **{f"ship-line-{line.id}": "0" for line in order.lines[1:]},
        "fulfil-carrier": "dhl", "fulfil-tracking_number": "JD0140"})
    page = client.get(f"/orders/{order.public_token}").get_data(as_text=True)
    assert "Shipped 2 of 4 items" in page and "Paid" in page and "JD0140" in page


def test_each_parcels_email_links_answer(as_admin, client):
    from storefront.mail import html_part, text_part
    from tests.fixtures.mail import assert_links_answer

    order = _three_lines()
    oats, tea, honey = order.lines
    as_admin.post(f"/admin/orders/{order.id}/fulfil", data={
        f"ship-line-{oats.id}": "2", f"ship-line-{tea.id}": "0", f"ship-line-{honey.id}": "0",
        "fulfil-carrier": "dhl", "fulfil-tracking_number": "JD0140"})
    as_admin.post(f"/admin/orders/{order.id}/fulfil", data={
        f"ship-line-{tea.id}": "1", f"ship-line-{honey.id}": "1", "fulfil-carrier": ""})
    first, second = outbox()
    assert "Part of your order is on its way" in text_part(first) and "2 of 4 items" in html_part(first)
    assert "without a tracking number" in text_part(second) and "Part of" not in text_part(second)
    for message in (first, second):
        assert_links_answer(client, message, external_ok=lambda url: url.startswith("https://www.dhl.com/"))
