"""<title>: the page's title then the store name, once (storefront.templating.page_title)."""

from __future__ import annotations

import re

from storefront.extensions import db
from tests.factories import make_product


def _title(client, url: str) -> str:
    return re.search(r"<title>(.*?)</title>", client.get(url).get_data(as_text=True), re.S).group(1)


def test_a_product_seo_title_that_names_the_store_is_not_followed_by_it_again(client):
    product = make_product("magnesium", title="Magnesium")
    product.seo_title = "Magnesium Glycinate 200 mg | Larder"
    db.session.commit()
    assert _title(client, "/products/magnesium") == "Magnesium Glycinate 200 mg | Larder"


def test_other_titles_get_the_store_name_once(client):
    make_product("plain-rice", title="Plain Rice & Co")
    assert _title(client, "/products/plain-rice") == "Plain Rice &amp; Co · Larder"
    assert _title(client, "/cart") == "Your cart · Larder"
    assert _title(client, "/products/none-such") == "Page not found · Larder"


def test_a_title_that_only_contains_the_name_inside_a_word_still_gets_it(client):
    make_product("larderella", title="Larderella Crackers")
    assert _title(client, "/products/larderella") == "Larderella Crackers · Larder"


def test_the_lite_view_title_follows_the_same_rule(client, app):
    from tests.blog.helpers import make_article

    make_article("tea", title="Tea at Larder")
    make_article("oats", title="Oats")
    assert _title(client, "/blog/tea/lite") == "Tea at Larder"
    assert _title(client, "/blog/oats/lite") == "Oats · Larder"
