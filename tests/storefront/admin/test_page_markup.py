"""Staff pages with many forms (one per action or delete button): unique ids, no form inside a <p>."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from storefront.extensions import db
from tests.factories import make_paid_order


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.open: list[str] = []
        self.forms_in_paragraphs = 0

    def handle_starttag(self, tag, attrs):
        ident = dict(attrs).get("id")
        if ident:
            self.ids[ident] += 1
        if tag == "form" and "p" in self.open:
            self.forms_in_paragraphs += 1
        if tag in ("p", "form", "div", "section"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the page as served, with its CSRF fields
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _check(page: str) -> None:
    markup = _Markup()
    markup.feed(page)
    assert [i for i, n in markup.ids.items() if n > 1] == []
    assert markup.forms_in_paragraphs == 0


def test_order_page_with_every_action_has_unique_ids_and_no_form_inside_a_paragraph(as_admin, csrf_on):
    order = make_paid_order()
    order.needs_review = True
    order.review_reason = "Paid amount differs"
    db.session.commit()
    page = as_admin.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert page.count("<form") >= 4 + 1  # review, fulfil, refund, cancel (+ the header search)
    _check(page)


def test_product_page_with_a_delete_button_per_variant_image_and_certificate_has_unique_ids(as_admin, product, csrf_on):
    page = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 3  # the delete buttons' small forms
    _check(page)
