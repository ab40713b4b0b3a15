"""A product page's own HTML kept per product version (storefront.catalog.product_page): read
once for every URL of the product, each visitor's token, way back and article ref filled in,
and never stale after a sale, a price edit made by raw SQL, an approved review, or the next day.
Its reviews are kept with it, one copy per sort and page asked for."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from sqlalchemy import text

from storefront.extensions import db
from tests.factories import make_product
from tests.fixtures.page_cache import deployed_app
from tests.fixtures.redis_server import redis_url
from tests.storefront.reviews.helpers import add_review

REDIS_URL = redis_url(1)  # this module's own: deployed_app empties it
PRODUCT_READ = re.compile(r"FROM product\b.*\bWHERE product\.slug", re.S)


def _product_reads(counter) -> int:
    return sum(1 for statement in counter.statements if PRODUCT_READ.search(statement))


def _field(page: str, form_id: str, name: str) -> str | None:
    form = page[page.index(f'id="{form_id}"') :]
    form = form[: form.index("</form>")]
    found = re.search(rf'name="{name}" value="([^"]*)"', form)
    return unescape(found.group(1)) if found else None


def _get(client, url: str, count_queries) -> tuple[str, int]:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True), _product_reads(counter)


def test_every_url_of_a_product_reads_it_once_and_gets_its_own_ref_and_way_back(client, magnesium_product, count_queries):
    first, reads_first = _get(client, "/products/magnesium-glycinate?ref=magnesium-for-back-pain", count_queries)
    other, reads_other = _get(client, "/products/magnesium-glycinate?ref=sleep-guide&utm_source=news", count_queries)

    assert (reads_first, reads_other) == (1, 0)
    assert _field(first, "buy", "ref") == "magnesium-for-back-pain"
    assert _field(other, "buy", "ref") == "sleep-guide"
    assert _field(first, "buy", "next") == "/products/magnesium-glycinate#buy"
    assert _field(other, "buy", "next") == "/products/magnesium-glycinate?utm_source=news#buy"
    assert "larder-" not in first + other  # no hole left unfilled
    assert "$19.99" in other


def test_without_a_ref_the_buy_box_has_no_ref_field(client, magnesium_product, count_queries):
    _get(client, "/products/magnesium-glycinate?ref=magnesium-for-back-pain", count_queries)
    page, _ = _get(client, "/products/magnesium-glycinate", count_queries)
    assert _field(page, "buy", "ref") is None


def test_a_hostile_ref_is_escaped_and_cut_like_the_form_cuts_it(client, magnesium_product, count_queries):
    _get(client, "/products/magnesium-glycinate?ref=harmless", count_queries)
    hostile = '"><script>alert(1)</script>' + "x" * 200
    page, reads = _get(client, f"/products/magnesium-glycinate?ref={hostile}", count_queries)

    assert reads == 0
    assert "<script>alert(1)" not in page
    assert _field(page, "buy", "ref") == hostile[:120]


def test_the_last_unit_sold_shows_sold_out_and_the_notify_form_at_once(client, magnesium_product, zinc_product, count_queries):
    _get(client, "/products/magnesium-glycinate", count_queries)
    _get(client, "/products/zinc-picolinate?ref=zinc-guide", count_queries)

    db.session.execute(text("UPDATE variant SET stock = 0 WHERE product_id = :id"), {"id": magnesium_product.id})
    db.session.commit()

    page, reads = _get(client, "/products/magnesium-glycinate", count_queries)
    assert reads == 1
    assert "Sold out" in page and 'id="notify"' in page
    assert "Add to cart" not in page
    _, zinc_reads = _get(client, "/products/zinc-picolinate?ref=another", count_queries)
    assert zinc_reads == 0  # another product's sale leaves zinc_product's HTML as it was


def test_a_price_edited_by_raw_sql_shows_at_once(client, magnesium_product, count_queries):
    _get(client, "/products/magnesium-glycinate", count_queries)
    db.session.execute(text("UPDATE variant SET price = 2450 WHERE product_id = :id"), {"id": magnesium_product.id})
    db.session.commit()

    page, reads = _get(client, "/products/magnesium-glycinate", count_queries)
    assert reads == 1
    assert "$24.50" in page and "$19.99" not in page
    assert '"price": "24.50"' in page  # the JSON-LD offer too


def test_a_certificate_that_lapses_overnight_is_not_shown_the_next_day(client, magnesium_product, count_queries, monkeypatch):
    from storefront.catalog.models import Certification

    today = date.today()
    db.session.add(Certification(
        product_id=magnesium_product.id, body="Monash University", valid_from=today - timedelta(days=30), valid_until=today,
    ))
    db.session.commit()
    page, _ = _get(client, "/products/magnesium-glycinate", count_queries)
    assert "Certified by" in page

    tomorrow = today + timedelta(days=1)
    for module in ("storefront.catalog.product_page", "storefront.caching.version", "storefront.caching.pages"):
        monkeypatch.setattr(f"{module}.today", lambda: tomorrow)
    page, reads = _get(client, "/products/magnesium-glycinate", count_queries)
    assert reads == 1
    assert "Certified by" not in page
    assert "does not currently hold a valid Low FODMAP certification" in page


def test_a_notice_for_one_visitor_is_never_kept_for_the_next(client, app, magnesium_product, count_queries):
    db.session.execute(text("UPDATE variant SET stock = 0 WHERE product_id = :id"), {"id": magnesium_product.id})
    db.session.commit()
    _get(client, "/products/magnesium-glycinate", count_queries)
    response = client.post("/alerts/subscribe", data={
        "variant_id": magnesium_product.variants[0].id, "email": "reader@example.com", "next": "/products/magnesium-glycinate#notify",
    })
    assert response.status_code == 303

    mine = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check your inbox" in mine

    next_visitor = app.test_client().get("/products/magnesium-glycinate").get_data(as_text=True)
    assert "Check your inbox" not in next_visitor
    assert "Check your inbox" not in client.get("/products/magnesium-glycinate").get_data(as_text=True)


def test_an_unknown_product_is_a_404_and_nothing_is_kept(client, fragment_store):
    assert client.get("/products/no-such-thing").status_code == 404
    assert client.get("/products/no-such-thing").status_code == 404
    assert not list(fragment_store.scan_iter("larder:fragment:*"))


def test_as_deployed_two_visitors_get_their_own_token_and_both_adds_work(app, fragment_store):
    """CSRF checked, each request its own app context: the HTML kept by the first visitor's
    request carries the second visitor's own token, and the shop accepts it."""
    product = make_product("magnesium-glycinate", price=1999, stock=20)
    tokens = []
    with deployed_app(app, REDIS_URL) as served:
        for _ in range(2):
            visitor = served.test_client()
            page = visitor.get("/products/magnesium-glycinate?ref=sleep-guide").get_data(as_text=True)
            token = _field(page, "buy", "csrf_token")
            added = visitor.post("/cart/add", data={
                "csrf_token": token, "variant_id": product.variants[0].id, "quantity": 1,
                "next": _field(page, "buy", "next"), "ref": _field(page, "buy", "ref"),
            })
            assert added.status_code in (302, 303), added.get_data(as_text=True)[:500]
            assert "Magnesium" in visitor.get("/cart").get_data(as_text=True)
            tokens.append(token)
    assert tokens[0] != tokens[1]


# ---------------------------------------------------------------- reviews, kept with the page

def _review_titles(page: str) -> list[str]:
    return re.findall(r'class="review-title">.*?out of 5: ([^<]+)</h3>', page)


def _review_reads(counter) -> int:
    return sum(1 for statement in counter.statements if re.search(r"\bFROM review\b", statement))


def test_reviews_are_kept_with_the_page_and_an_approval_shows_at_once(client, magnesium_product, count_queries):
    add_review(magnesium_product, title="Calm nights", days_ago=2)
    waiting = add_review(magnesium_product, title="Easy on the gut", status="pending")
    client.get("/products/magnesium-glycinate?ref=magnesium-for-back-pain")

    with count_queries() as counter:
        page = client.get("/products/magnesium-glycinate?ref=sleep-guide").get_data(as_text=True)
    assert (_product_reads(counter), _review_reads(counter)) == (0, 0)
    assert _review_titles(page) == ["Calm nights"]
    assert "1 review" in page

    db.session.execute(text("UPDATE review SET status = 'approved' WHERE id = :id"), {"id": waiting.id})
    db.session.commit()
    page, reads = _get(client, "/products/magnesium-glycinate", count_queries)
    assert reads == 1
    assert _review_titles(page) == ["Easy on the gut", "Calm nights"]
    assert '"reviewCount": 2' in page  # the JSON-LD's rating too


def test_each_sort_of_the_reviews_is_its_own_copy(client, magnesium_product, count_queries):
    add_review(magnesium_product, title="Older but helpful", helpful=5, days_ago=9)
    add_review(magnesium_product, title="Newest", days_ago=1)

    newest, _ = _get(client, "/products/magnesium-glycinate", count_queries)
    helpful, _ = _get(client, "/products/magnesium-glycinate?reviews=helpful", count_queries)
    again, reads = _get(client, "/products/magnesium-glycinate?reviews=nonsense", count_queries)

    assert _review_titles(newest) == ["Newest", "Older but helpful"]
    assert _review_titles(helpful) == ["Older but helpful", "Newest"]
    assert '<option value="helpful" selected>' in helpful
    assert _review_titles(again) == _review_titles(newest) and reads == 0  # a made-up sort is the default's copy


def test_the_next_reviews_link_carries_each_visitors_own_arguments(client, magnesium_product, count_queries):
    for number in range(11):
        add_review(magnesium_product, title=f"Review {number}", days_ago=number)

    first, _ = _get(client, "/products/magnesium-glycinate?ref=sleep-guide", count_queries)
    other, reads = _get(client, "/products/magnesium-glycinate?ref=gut-guide&utm_source=news", count_queries)

    def more_reviews(page: str) -> str:
        return unescape(re.search(r'<a rel="next" href="([^"]+)">More reviews', page).group(1))

    assert reads == 0
    assert more_reviews(first) == "/products/magnesium-glycinate?ref=sleep-guide&reviews_page=2#reviews"
    assert more_reviews(other) == "/products/magnesium-glycinate?ref=gut-guide&utm_source=news&reviews_page=2#reviews"
    second, _ = _get(client, more_reviews(other), count_queries)
    assert _review_titles(second) == ["Review 10"]
    assert _field(second, "buy", "ref") == "gut-guide"
    assert "larder-" not in first + other + second
