"""An article's live product cards are remembered like the shop's tiles (blog/__init__.py
`cta_live_card`): the article and its lite view each get their own, every reader their way back,
and a changed product is a new card."""

from __future__ import annotations

import re
from html import unescape

import pytest

from storefront.extensions import db
from tests.blog.helpers import make_article
from tests.factories import make_product

ARTICLE = "/blog/magnesium-for-back-pain"
CARD = ("live_card_markup", "magnesium-glycinate")


@pytest.fixture
def magnesium():
    return make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=20)


@pytest.fixture
def article(magnesium):
    return make_article("magnesium-for-back-pain", "Some reading first.\n\n[[product:magnesium-glycinate]]\n")


def _card(page: str) -> str:
    start = page.index('<article class="card product-card cta-card">')
    return page[start : page.index("</article>", start)]


def test_the_article_card_is_rendered_once_and_keeps_its_way_back(client, article, tile_renders):
    first = _card(client.get(ARTICLE).get_data(as_text=True))
    again = _card(client.get(ARTICLE + "?utm_source=mail").get_data(as_text=True))

    assert tile_renders == [CARD]
    assert 'name="next" value="/blog/magnesium-for-back-pain#cta-1"' in first
    assert unescape(re.search(r'name="next" value="([^"]*)"', again).group(1)) == f"{ARTICLE}?utm_source=mail#cta-1"
    assert "$19.99" in first and "Shop now" in first


def test_the_lite_view_has_its_own_card_without_the_form(client, article, tile_renders):
    client.get(ARTICLE)
    lite = _card(client.get(ARTICLE + "/lite").get_data(as_text=True))

    assert tile_renders == [CARD, CARD]
    assert 'target="_blank"' in lite and "add-to-cart" not in lite
    assert "(opens Larder in a new tab)" in lite


def test_a_sold_out_product_is_never_shown_from_the_memo(client, article, magnesium):
    assert "In stock" in _card(client.get(ARTICLE).get_data(as_text=True))

    magnesium.variants[0].stock = 3
    magnesium.variants[0].price = 2100
    db.session.commit()
    card = _card(client.get(ARTICLE).get_data(as_text=True))

    assert "Only 3 left" in card and "$21.00" in card and "$19.99" not in card
