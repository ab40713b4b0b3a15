"""Adding from anywhere keeps the shopper where they were: JSON for the page's script, and without
JavaScript a redirect back to the card (only ever on this site) with the outcome printed there."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from storefront.admin.models import CtaClickDaily
from storefront.cart.models import Cart, CartLine
from storefront.extensions import db
from tests.blog.helpers import make_article
from tests.factories import make_collection, make_product
from tests.fixtures.page_cache import deployed_app
from tests.fixtures.redis_server import redis_url

JSON = {"Accept": "application/json"}
ARTICLE = "/blog/magnesium-for-back-pain"


@pytest.fixture
def magnesium():
    collection = make_collection("supplements")
    product = make_product(
        "magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=20, collection=collection
    )
    product.variants[0].option_label = "60 caps"
    db.session.commit()
    return product


@pytest.fixture
def article(magnesium):
    return make_article("magnesium-for-back-pain", "Some reading first.\n\n[[product:magnesium-glycinate]]\n")


def _lines() -> list[tuple[int, int]]:
    return [tuple(r) for r in db.session.execute(select(CartLine.variant_id, CartLine.quantity))]


def _post(client, variant_id, quantity=1, headers=None, **extra):
    return client.post("/cart/add", data={"variant_id": variant_id, "quantity": quantity, **extra}, headers=headers)


# ---------------------------------------------------------------- with JavaScript: JSON


def test_json_add_answers_the_line_the_count_and_where_to_go(client, magnesium):
    variant = magnesium.variants[0]
    _post(client, variant.id, 2, headers=JSON)
    response = _post(client, variant.id, 1, headers=JSON, ref="article:magnesium-for-back-pain")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["ok"] is True
    assert data["message"] == "Added 1 × Magnesium Glycinate to your cart."
    assert data["warning"] is None
    line = dict(data["line"])
    # The factory's product image, under its fingerprinted static name.
    assert re.fullmatch(r"/static/img/placeholder(\.[0-9a-f]+)?\.svg", line.pop("image_url"))
    assert line == {"title": "Magnesium Glycinate", "option_label": "60 caps", "quantity": 1, "line_quantity": 3}
    assert (data["cart_count"], data["cart_url"], data["checkout_url"]) == (3, "/cart", "/checkout")
    assert _lines() == [(variant.id, 3)]


def test_json_add_cut_short_by_stock_says_so(client):
    variant = make_product(title="Iron Bisglycinate", stock=3).variants[0]
    data = _post(client, variant.id, 5, headers=JSON).get_json()
    assert data["message"] == "Added 3 × Iron Bisglycinate to your cart."
    assert data["warning"] == "Only 3 of Iron Bisglycinate available, so your cart has 3."
    assert data["cart_count"] == 3


@pytest.mark.parametrize(
    "stock,quantity,status,message",
    [
        (0, 1, 409, "Sorry, Sencha Tea is sold out."),
        (20, 100, 422, "Please choose a quantity between 1 and 99."),
        (20, "two", 422, "Please choose a quantity between 1 and 99."),
    ],
)
def test_json_refusal_is_a_4xx_with_a_message(client, stock, quantity, status, message):
    variant = make_product(title="Sencha Tea", stock=stock).variants[0]
    response = _post(client, variant.id, quantity, headers=JSON)
    assert response.status_code == status
    data = response.get_json()
    assert (data["ok"], data["error"], data["cart_count"]) == (False, message, 0)
    assert _lines() == []


def test_json_unknown_variant_is_a_404_with_a_message(client):
    response = _post(client, 987654, headers=JSON)
    assert response.status_code == 404
    assert response.get_json()["error"] == "Sorry, we couldn't find that product. It may no longer be available."


def test_json_add_to_a_full_line_is_refused_not_reported_as_added(client):
    variant = make_product(title="Ginger Chews", stock=2).variants[0]
    assert _post(client, variant.id, 2, headers=JSON).status_code == 200
    response = _post(client, variant.id, 1, headers=JSON)
    assert response.status_code == 409
    data = response.get_json()
    assert data["error"] == "Only 2 of Ginger Chews available, so your cart has 2."
    assert data["cart_count"] == 2
    assert _lines() == [(variant.id, 2)]


def test_json_add_from_an_article_keeps_last_touch_attribution_and_counts_the_click(client, magnesium):
    variant = magnesium.variants[0]
    _post(client, variant.id, headers=JSON, ref="article:gut-guide")
    _post(client, variant.id, headers=JSON, ref="article:magnesium-for-back-pain")
    assert db.session.scalar(select(Cart.attribution)) == "article:magnesium-for-back-pain"
    clicks = {r[0]: r[1] for r in db.session.execute(select(CtaClickDaily.article_slug, CtaClickDaily.clicks))}
    assert clicks == {"gut-guide": 1, "magnesium-for-back-pain": 1}


def test_json_refusal_counts_no_click(client):
    variant = make_product(stock=0).variants[0]
    _post(client, variant.id, headers=JSON, ref="article:gut-guide")
    assert db.session.scalar(select(func.count(CtaClickDaily.id))) == 0


# ---------------------------------------------------------------- without JavaScript: where to go back


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " /blog",
        "javascript:alert(1)",
        "http:/blog",
        "blog/x",
        "",
        "/" + "a" * 1000,
    ],
)
def test_hostile_next_goes_to_the_cart(client, magnesium, next_url):
    response = _post(client, magnesium.variants[0].id, next=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/cart"
    assert "Added Magnesium Glycinate (quantity 1)." in client.get("/cart").get_data(as_text=True)


@pytest.mark.parametrize(
    "next_url", ["/blog/magnesium-for-back-pain#cta-1", "/collections/supplements?sort=price&page=2#add-x", "/"]
)
def test_local_next_is_where_the_shopper_goes_back(client, magnesium, next_url):
    response = _post(client, magnesium.variants[0].id, next=next_url)
    assert response.headers["Location"] == next_url


def test_refused_add_goes_back_too(client, magnesium):
    response = _post(client, magnesium.variants[0].id, "0", next=f"{ARTICLE}#cta-1")
    assert response.headers["Location"] == f"{ARTICLE}#cta-1"
    assert _lines() == []


def _add_box(page: str, anchor: str) -> str:
    match = re.search(rf'<div class="add-box" id="{anchor}">(.*?)</form>', page, re.S)
    assert match, f"no add box #{anchor} on the page"
    return match.group(1)


def _top_flashes(page: str) -> str:
    match = re.search(r'<div class="wrap flashes".*?</div>', page, re.S)
    return match.group(0) if match else ""


def test_article_cards_carry_their_way_back(client, article):
    page = client.get(ARTICLE).get_data(as_text=True)
    box = _add_box(page, "cta-1")
    assert f'name="next" value="{ARTICLE}#cta-1"' in box
    assert 'name="ref" value="article:magnesium-for-back-pain"' in box
    assert "data-add-to-cart" in box


def test_cards_in_a_row_each_have_their_own_anchor(client, magnesium):
    make_product("magnesium-citrate", title="Magnesium Citrate")
    make_article("row", "Two to compare.\n\n[[products:magnesium-glycinate,magnesium-citrate]]\n")
    page = client.get("/blog/row").get_data(as_text=True)
    assert 'name="next" value="/blog/row#cta-1-1"' in _add_box(page, "cta-1-1")
    assert 'name="next" value="/blog/row#cta-1-2"' in _add_box(page, "cta-1-2")


def test_listing_cards_come_back_to_the_same_filtered_page(client, magnesium):
    page = client.get("/collections/supplements?sort=price").get_data(as_text=True)
    box = _add_box(page, "add-magnesium-glycinate")
    assert 'name="next" value="/collections/supplements?sort=price#add-magnesium-glycinate"' in box


def test_product_page_comes_back_to_its_buy_box_without_counting_the_article_click_twice(client, magnesium):
    page = client.get("/products/magnesium-glycinate?ref=article:gut-guide").get_data(as_text=True)
    assert 'name="next" value="/products/magnesium-glycinate#buy"' in page
    assert 'id="buy"' in page and "data-add-to-cart" in page


def test_shopper_back_on_the_article_sees_what_was_added_at_the_card(client, article, magnesium):
    response = _post(client, magnesium.variants[0].id, next=f"{ARTICLE}#cta-1", ref="article:magnesium-for-back-pain")
    assert response.headers["Location"] == f"{ARTICLE}#cta-1"
    page = client.get(ARTICLE).get_data(as_text=True)
    box = _add_box(page, "cta-1")
    assert 'class="cart-notice-inline is-added" role="status"' in box
    assert "Added 1 × Magnesium Glycinate to your cart." in unescape(box)
    assert '<a href="/cart">View cart</a>' in box and '<a href="/checkout">Check out</a>' in box
    # Printed once, at the card: not again at the top of the page, where the reader is not.
    assert unescape(page).count("Added 1 × Magnesium Glycinate") == 1
    assert "Added" not in _top_flashes(page)
    assert re.search(r'data-cart-count>1<', page)
    assert db.session.scalar(select(Cart.attribution)) == "article:magnesium-for-back-pain"
    # Shown once: the next visit to the article is plain again.
    assert "cart-notice-inline" not in client.get(ARTICLE).get_data(as_text=True)


def test_refusal_without_javascript_is_shown_at_the_card(client, article, magnesium):
    _post(client, magnesium.variants[0].id, "500", next=f"{ARTICLE}#cta-1")
    box = _add_box(client.get(ARTICLE).get_data(as_text=True), "cta-1")
    assert 'class="cart-notice-inline is-refused"' in box
    assert "Please choose a quantity between 1 and 99." in box
    assert "View cart" not in box


def test_notice_for_a_card_no_longer_on_the_page_is_shown_in_the_notification(client, article, magnesium):
    """Sold out between reading and pressing: the card is now a fallback without a button, so the
    notification region (fixed to the screen's bottom) carries the message."""
    magnesium.variants[0].stock = 0
    db.session.commit()
    _post(client, magnesium.variants[0].id, next=f"{ARTICLE}#cta-1")
    page = client.get(ARTICLE).get_data(as_text=True)
    region = page.split('class="cart-notification-region"', 1)[1]
    assert '<section class="cart-notification is-refused"' in region
    assert "Sorry, Magnesium Glycinate is sold out." in region
    assert "data-cart-notification hidden" not in region


def test_product_page_add_without_javascript_shows_the_notification(client, magnesium):
    _post(client, magnesium.variants[0].id, 2, next="/products/magnesium-glycinate#buy")
    page = unescape(client.get("/products/magnesium-glycinate").get_data(as_text=True))
    region = page.split('class="cart-notification-region"', 1)[1]
    assert "Added 2 × Magnesium Glycinate to your cart." in region
    assert '<a class="button" href="/cart">View cart</a>' in region


def test_empty_notification_region_holds_nothing_personal(client, article):
    page = client.get(ARTICLE).get_data(as_text=True)
    region = page.split('class="cart-notification-region"', 1)[1].split("</section>", 1)[0]
    assert "data-cart-notification hidden" in region
    assert '<p class="visually-hidden" role="status" data-cart-live></p>' in region
    assert "href=" not in region


def test_other_flashes_still_show_at_the_top(client, article):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Signed out."), ("cart-added@cta-1", "Added 1 × Magnesium Glycinate to your cart.")]
    page = unescape(client.get(ARTICLE).get_data(as_text=True))
    assert "Signed out." in _top_flashes(page)
    assert "Added 1 × Magnesium Glycinate" not in _top_flashes(page)
    assert "Added 1 × Magnesium Glycinate" in _add_box(page, "cta-1")


# ---------------------------------------------------------------- the real Redis page cache

CACHE_REDIS_URL = redis_url(9)  # not the database other test modules empty


@pytest.fixture
def deployed(app):
    """The store as deployed behind Redis (tests/fixtures/page_cache.py)."""
    with deployed_app(app, CACHE_REDIS_URL) as served:
        yield served


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_notice_is_seen_by_its_shopper_and_never_cached_for_others(article, magnesium, deployed):
    alice, bob = deployed.test_client(), deployed.test_client()
    first = bob.get(ARTICLE)
    assert first.headers["X-Larder-Cache"] == "miss"  # the plain page is now in Redis

    page = alice.get(ARTICLE)
    assert page.headers["X-Larder-Cache"] == "hit"
    added = alice.post(
        "/cart/add",
        data={
            "variant_id": magnesium.variants[0].id,
            "quantity": 1,
            "csrf_token": _token(page.get_data(as_text=True)),
            "ref": "article:magnesium-for-back-pain",
            "next": f"{ARTICLE}#cta-1",
        },
    )
    assert added.headers["Location"] == f"{ARTICLE}#cta-1"

    # Alice is not served the stored copy: she sees her notice and her count.
    back = alice.get(ARTICLE)
    assert "X-Larder-Cache" not in back.headers and "ETag" not in back.headers
    text = unescape(back.get_data(as_text=True))
    assert "Added 1 × Magnesium Glycinate to your cart." in _add_box(text, "cta-1")
    assert "data-cart-count>1<" in text
    # The adding changed no catalog row, so the plain page stays cached for everyone else...
    for _ in range(2):
        other = bob.get(ARTICLE)
        assert other.headers["X-Larder-Cache"] == "hit"
        assert "cart-notice-inline" not in other.get_data(as_text=True)
        assert "Added 1 ×" not in unescape(other.get_data(as_text=True))
    # ... and Alice's next visit is served from it, with her count filled in and no notice.
    again = alice.get(ARTICLE)
    assert again.headers["X-Larder-Cache"] == "hit"
    assert "cart-notice-inline" not in again.get_data(as_text=True)
    assert "data-cart-count>1<" in again.get_data(as_text=True)


def test_a_page_first_rendered_with_a_notice_is_not_stored(article, magnesium, deployed):
    alice, bob = deployed.test_client(), deployed.test_client()
    with alice.session_transaction() as session:
        session["_flashes"] = [("cart-added@cta-1", "Added 1 × Magnesium Glycinate to your cart.")]
    assert "cart-notice-inline" in alice.get(ARTICLE).get_data(as_text=True)
    first = bob.get(ARTICLE)
    assert first.headers["X-Larder-Cache"] == "miss"
    assert "cart-notice-inline" not in first.get_data(as_text=True)


def test_json_add_with_an_expired_token_is_a_json_400(article, magnesium, deployed):
    client = deployed.test_client()
    response = client.post("/cart/add", data={"variant_id": magnesium.variants[0].id}, headers=JSON)
    assert response.status_code == 400
    assert "Your form expired" in response.get_json()["detail"]
