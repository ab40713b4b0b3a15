"""Product tiles remembered by content (storefront.catalog.card_html): rendered once, shown on
every page with that page's own way back and the visitor's own CSRF token, and never stale."""

from __future__ import annotations

import re
from html import unescape

import pytest

from storefront.catalog.card_html import MACROS
from storefront.extensions import db
from storefront.state import larder_state
from tests.factories import make_collection, make_product
from tests.fixtures.page_cache import deployed_app
from tests.fixtures.redis_server import redis_url

REDIS_URL = redis_url(3)  # this module's own: deployed_app empties it
TILE = ("product_card_markup", "magnesium-glycinate")


@pytest.fixture
def magnesium():
    collection = make_collection("supplements")
    return make_product(
        "magnesium-glycinate",
        title="Magnesium Glycinate",
        price=1999,
        stock=20,
        collection=collection,
    )


def _tile(page: str, slug: str) -> str:
    start = page.index(f'id="add-{slug}"')
    return page[
        page.rindex('<article class="card product-card"', 0, start) : page.index(
            "</article>", start
        )
    ]


def _next(tile: str) -> str:
    return unescape(re.search(r'name="next" value="([^"]*)"', tile).group(1))


def _token(tile: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', tile).group(1)


def test_a_tile_is_rendered_once_and_each_page_gets_its_own_way_back(client, magnesium, tile_renders):
    listing = client.get("/collections/supplements?sort=price&ref=x").get_data(as_text=True)
    everything = client.get("/products").get_data(as_text=True)

    assert tile_renders.count(TILE) == 1
    assert (
        _next(_tile(listing, "magnesium-glycinate"))
        == "/collections/supplements?sort=price#add-magnesium-glycinate"
    )
    assert _next(_tile(everything, "magnesium-glycinate")) == "/products#add-magnesium-glycinate"
    assert "__larder_tile" not in listing + everything


def test_each_visitor_gets_their_own_token_and_it_works(app, magnesium):
    """As deployed (CSRF checked, every request its own app context), the page stored by the first
    visitor and served to the second: the tile's token is each visitor's own, and it is accepted."""
    tokens = []
    with deployed_app(app, REDIS_URL) as served:
        for _ in range(2):
            tokens.append(_add_from_the_listing(served.test_client(), magnesium))
    assert tokens[0] != tokens[1]


def _post_add(visitor, tile: str, magnesium):
    """The tile's own add form, posted as a browser without JavaScript would."""
    fields = {"csrf_token": _token(tile), "variant_id": magnesium.variants[0].id, "quantity": 1, "next": _next(tile)}
    return visitor.post("/cart/add", data=fields)


def _add_from_the_listing(visitor, magnesium) -> str:
    tile = _tile(visitor.get("/products").get_data(as_text=True), "magnesium-glycinate")
    added = _post_add(visitor, tile, magnesium)
    assert added.status_code in (302, 303)
    assert added.headers["Location"].endswith("/products#add-magnesium-glycinate")
    assert "data-cart-count>1<" in visitor.get("/cart").get_data(as_text=True)
    return _token(tile)


def test_a_changed_card_is_a_new_tile(client, magnesium, tile_renders):
    assert "$19.99" in _tile(client.get("/products").get_data(as_text=True), "magnesium-glycinate")

    magnesium.variants[0].price = 2450
    magnesium.variants[0].stock = 0
    db.session.commit()
    page = client.get("/products").get_data(as_text=True)

    assert "$24.50" in page and "$19.99" not in page
    assert "Sold out" in page
    assert tile_renders.count(TILE) == 2


def test_the_heading_level_is_part_of_what_is_remembered(client, magnesium):
    listing = client.get("/products").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)

    assert '<h2 class="card-title"><a href="/products/magnesium-glycinate">' in listing
    assert '<h3 class="card-title"><a href="/products/magnesium-glycinate">' in home


def test_the_shopper_who_just_added_sees_the_notice_at_the_tile_and_others_do_not(
    app, client, magnesium
):
    client.get("/products")  # the tile is remembered without a notice
    tile = _tile(client.get("/products").get_data(as_text=True), "magnesium-glycinate")
    _post_add(client, tile, magnesium)

    noticed = _tile(client.get("/products").get_data(as_text=True), "magnesium-glycinate")
    later = _tile(client.get("/products").get_data(as_text=True), "magnesium-glycinate")
    other = _tile(app.test_client().get("/products").get_data(as_text=True), "magnesium-glycinate")

    assert "cart-notice-inline is-added" in noticed
    assert "cart-notice-inline" not in later and "cart-notice-inline" not in other


def test_templates_that_may_change_get_no_memo(app, client, magnesium, tile_renders, monkeypatch):
    monkeypatch.setattr(app.jinja_env, "auto_reload", True)
    client.get("/products")
    client.get("/products")

    assert tile_renders == []
    # Nor are the macros kept: an edited template shows on the next request.
    memo = larder_state(app).tiles
    assert memo.macros(MACROS) is not memo.macros(MACROS)
