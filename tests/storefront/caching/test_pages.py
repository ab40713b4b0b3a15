"""Conditional GET and the page cache never serve a stale price, stock or page to anyone."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from flask import g
from sqlalchemy import text

from storefront.caching.store import PageCache
from storefront.caching.version import CatalogVersion
from storefront.extensions import db
from storefront.state import larder_state
from tests.blog.helpers import make_article
from tests.factories import make_collection, make_product, make_user
from tests.fixtures.page_cache import deployed_app
from tests.fixtures.redis_server import redis_url


@pytest.fixture
def product():
    collection = make_collection("supplements")
    return make_product(
        "magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=20, collection=collection
    )


def revalidate(client, url, etag):
    return client.get(url, headers={"If-None-Match": etag})


def test_unchanged_page_is_answered_with_304(client, product):
    first = client.get("/products/magnesium-glycinate")
    assert first.status_code == 200
    assert first.headers["ETag"].startswith('W/"')
    again = revalidate(client, "/products/magnesium-glycinate", first.headers["ETag"])
    assert again.status_code == 304
    assert again.data == b""


def test_changed_price_changes_the_etag_and_the_page(client, product):
    first = client.get("/products/magnesium-glycinate")
    assert "$19.99" in first.get_data(as_text=True)
    product.variants[0].price = 2499
    db.session.commit()
    after = revalidate(client, "/products/magnesium-glycinate", first.headers["ETag"])
    assert after.status_code == 200
    assert after.headers["ETag"] != first.headers["ETag"]
    page = after.get_data(as_text=True)
    assert "$24.99" in page and "$19.99" not in page


def test_stock_change_by_raw_sql_update_changes_the_etag(client, product):
    """Checkout's conditional UPDATE bypasses the ORM; the database trigger still sees it."""
    first = client.get("/products/magnesium-glycinate")
    assert "In stock" in first.get_data(as_text=True)
    variant_id = product.variants[0].id
    db.session.execute(
        text("UPDATE variant SET stock = stock - :q WHERE id = :id AND stock >= :q"),
        {"q": 20, "id": variant_id},
    )
    db.session.commit()
    after = revalidate(client, "/products/magnesium-glycinate", first.headers["ETag"])
    assert after.status_code == 200
    assert "Sold out" in after.get_data(as_text=True)


def test_rolled_back_change_keeps_the_version(client, product):
    first = client.get("/products/magnesium-glycinate")
    db.session.execute(text("UPDATE variant SET price = 1 WHERE id = :id"), {"id": product.variants[0].id})
    db.session.rollback()
    assert revalidate(client, "/products/magnesium-glycinate", first.headers["ETag"]).status_code == 304


def test_one_transaction_moves_the_change_sequence_once(app, product):
    before = db.session.get(CatalogVersion, 1).seq
    db.session.expire_all()
    db.session.execute(text("UPDATE variant SET stock = stock + 1"))
    db.session.execute(text("UPDATE product SET brand = 'B'"))
    db.session.commit()
    db.session.expire_all()
    after = db.session.get(CatalogVersion, 1).seq
    stamped = db.session.scalar(text("SELECT seq FROM cache_tag WHERE tag = :t"), {"t": f"product:{product.id}"})
    dialect = db.session.get_bind().dialect.name
    assert after > before
    assert stamped == after
    if dialect == "postgresql":
        assert after == before + 1


def test_collection_page_changes_with_a_product_price(client, product):
    first = client.get("/collections/supplements")
    assert first.status_code == 200
    assert revalidate(client, "/collections/supplements", first.headers["ETag"]).status_code == 304
    product.variants[0].price = 999
    db.session.commit()
    after = revalidate(client, "/collections/supplements", first.headers["ETag"])
    assert after.status_code == 200
    assert "$9.99" in after.get_data(as_text=True)


def test_banner_change_changes_every_page(client, product):
    from storefront.site_settings import save_site_settings

    first = client.get("/")
    save_site_settings({"banner_text": "Free shipping this week"})
    after = revalidate(client, "/", first.headers["ETag"])
    assert after.status_code == 200
    assert "Free shipping this week" in after.get_data(as_text=True)


def test_session_change_changes_the_etag(client, product):
    """The page shows the cart count: a 304 must not keep an old count on screen."""
    first = client.get("/products/magnesium-glycinate")
    with client.session_transaction() as session:
        session["cart_count"] = 3
    after = revalidate(client, "/products/magnesium-glycinate", first.headers["ETag"])
    assert after.status_code == 200


def test_anonymous_pages_are_private_and_vary_on_cookie(client, product):
    response = client.get("/products/magnesium-glycinate")
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
    assert "Cookie" in response.headers["Vary"]
    assert response.headers["Last-Modified"]


def test_signing_in_changes_the_etag_then_the_signed_in_copy_revalidates(client, auth, product):
    user = make_user()
    first = client.get("/products/magnesium-glycinate")
    auth.login(user)
    response = revalidate(client, "/products/magnesium-glycinate", first.headers["ETag"])
    assert response.status_code == 200, "the anonymous copy says Sign in"
    assert "private" in response.headers["Cache-Control"]
    assert revalidate(client, "/products/magnesium-glycinate", response.headers["ETag"]).status_code == 304


def test_flashed_message_is_shown_not_cached(client, product):
    first = client.get("/products/magnesium-glycinate")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Added to your cart")]
    response = revalidate(client, "/products/magnesium-glycinate", first.headers["ETag"])
    assert response.status_code == 200
    assert "Added to your cart" in response.get_data(as_text=True)
    assert "ETag" not in response.headers


@pytest.fixture
def seconds_later(monkeypatch):
    """The page cache's clock two seconds on: the second of the last change is over."""
    from storefront.caching import version

    real = version.now
    monkeypatch.setattr(version, "now", lambda: real() + timedelta(seconds=2))


def test_if_modified_since_alone_gives_304_to_a_cookieless_crawler(app, product, seconds_later):
    crawler = app.test_client(use_cookies=False)
    first = crawler.get("/products/magnesium-glycinate")
    again = crawler.get(
        "/products/magnesium-glycinate", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 304


def test_missing_page_is_not_given_an_etag(client, product):
    response = client.get("/products/no-such-thing")
    assert response.status_code == 404
    assert "ETag" not in response.headers


class FakeRedis:
    def __init__(self):
        self.store = {}

    def get(self, key):
        return self.store.get(key)

    def mget(self, keys):
        return [self.store.get(key) for key in keys]

    def set(self, key, value, ex=None):
        self.store[key] = value.encode() if isinstance(value, str) else value


class DownRedis:
    def get(self, key):
        raise ConnectionError("redis is down")

    set = get


@pytest.fixture
def redis_cache(app):
    original = larder_state(app).page_cache
    cache = PageCache("redis://fake", ttl=60)
    cache._client = FakeRedis()
    larder_state(app).page_cache = cache
    yield cache
    larder_state(app).page_cache = original


def test_page_cache_serves_each_visitor_their_own_csrf_token(app, redis_cache, product):
    alice, bob = app.test_client(), app.test_client()
    first = alice.get("/products/magnesium-glycinate")
    assert first.headers["X-Larder-Cache"] == "miss"
    # The test's app context outlives requests (unlike a server's); forget alice's token.
    g.pop("csrf_token", None)
    second = bob.get("/products/magnesium-glycinate")
    assert second.headers["X-Larder-Cache"] == "hit"
    with alice.session_transaction() as s:
        alice_token = s["csrf_token"]
    with bob.session_transaction() as s:
        bob_token = s["csrf_token"]
    assert alice_token != bob_token
    for response in (first, second):
        body = response.get_data(as_text=True)
        assert "__larder_" not in body
        assert 'name="csrf_token" value="' in body


def test_page_cache_misses_after_a_price_change(app, client, redis_cache, product):
    client.get("/products/magnesium-glycinate")
    product.variants[0].price = 2999
    db.session.commit()
    response = client.get("/products/magnesium-glycinate")
    assert response.headers["X-Larder-Cache"] == "miss"
    assert "$29.99" in response.get_data(as_text=True)


def test_page_cache_hit_makes_one_query(app, client, redis_cache, product, count_queries):
    client.get("/products/magnesium-glycinate")
    db.session.remove()
    with count_queries() as counter:
        response = client.get("/products/magnesium-glycinate")
    assert response.headers["X-Larder-Cache"] == "hit"
    assert counter.count == 1


def test_redis_down_still_renders_the_page(app, client, product):
    original = larder_state(app).page_cache
    cache = PageCache("redis://127.0.0.1:1/0", ttl=60)
    cache._client = DownRedis()
    larder_state(app).page_cache = cache
    try:
        response = client.get("/products/magnesium-glycinate")
    finally:
        larder_state(app).page_cache = original
    assert response.status_code == 200
    assert "Magnesium Glycinate" in response.get_data(as_text=True)
    assert "__larder_" not in response.get_data(as_text=True)


def test_unreachable_real_redis_still_renders_the_page(app, client, product):
    original = larder_state(app).page_cache
    larder_state(app).page_cache = PageCache("redis://127.0.0.1:1/0", ttl=60)
    try:
        response = client.get("/products/magnesium-glycinate")
    finally:
        larder_state(app).page_cache = original
    assert response.status_code == 200


def test_without_redis_url_nothing_is_cached(client, product):
    response = client.get("/products/magnesium-glycinate")
    assert "X-Larder-Cache" not in response.headers


def test_missing_page_with_the_page_cache_on_shows_no_holes(app, client, redis_cache, product):
    with client.session_transaction() as session:
        session["cart_count"] = 2
    response = client.get("/products/no-such-thing")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "__larder_" not in page


def test_page_state_read_survives_a_dropped_database_connection(app, client, product):
    """The version read skips the pool's ping on PostgreSQL; a connection the server dropped
    (a restart, an idle timeout) costs one retry, never a failed page."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads the version through the app's own engine; nothing to drop")
    assert client.get("/products/magnesium-glycinate").status_code == 200
    version_engine = larder_state(app).version_engine
    with version_engine.connect() as connection:
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    db.session.commit()
    page = client.get("/products/magnesium-glycinate")
    assert page.status_code == 200
    assert "$19.99" in page.get_data(as_text=True)


# ---------------------------------------------------------------- the real Redis page cache

PAGE_CACHE_REDIS_URL = redis_url(15)


class _TokenFields(HTMLParser):
    """Every csrf_token value a page's forms would post."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[str] = []

    def handle_starttag(self, tag, attrs):
        fields = dict(attrs)
        if tag == "input" and fields.get("name") == "csrf_token":
            self.tokens.append(fields.get("value") or "")


def served_tokens(response) -> set[str]:
    parser = _TokenFields()
    parser.feed(response.get_data(as_text=True))
    return set(parser.tokens)


@pytest.fixture
def deployed(app):
    """The store as deployed behind Redis (tests/fixtures/page_cache.py)."""
    with deployed_app(app, PAGE_CACHE_REDIS_URL) as served:
        yield served


def _pages_with_forms():
    """A product page, an article with a product card and a listing: all carry add-to-cart forms."""
    collection = make_collection("supplements")
    product = make_product(
        "magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=20, collection=collection
    )
    make_article("shop", "Read this.\n\n[[product:magnesium-glycinate]]\n")
    return product.variants[0].id, ["/products/magnesium-glycinate", "/blog/shop", "/collections/supplements"]


def test_a_page_from_the_redis_cache_carries_the_visitors_own_csrf_token(app, deployed):
    variant_id, urls = _pages_with_forms()
    for url in urls:
        alice, bob = deployed.test_client(), deployed.test_client()
        first = alice.get(url)
        assert first.headers["X-Larder-Cache"] == "miss", url
        alice_tokens = served_tokens(first)
        assert len(alice_tokens) == 1, url

        second = bob.get(url)
        assert second.headers["X-Larder-Cache"] == "hit", url
        bob_tokens = served_tokens(second)
        assert len(bob_tokens) == 1, url
        assert bob_tokens != alice_tokens, f"{url}: bob was served alice's token"
        (alice_token,), (bob_token,) = alice_tokens, bob_tokens

        # Alice's token, sent from Bob's session, is refused: it belongs to another session.
        stolen = bob.post("/cart/add", data={"variant_id": variant_id, "quantity": 1, "csrf_token": alice_token})
        assert stolen.status_code == 400, url
        assert "Your form expired" in stolen.get_data(as_text=True)
        # The token printed in Bob's copy of the page works for Bob, and Alice's for Alice.
        for visitor, token in ((bob, bob_token), (alice, alice_token)):
            added = visitor.post("/cart/add", data={"variant_id": variant_id, "quantity": 1, "csrf_token": token})
            assert added.status_code == 302, f"{url}: the token in the served page was refused"
            assert "Added Magnesium Glycinate" in visitor.get("/cart").get_data(as_text=True)


def _set_changed_at(moment: float) -> None:
    db.session.execute(text("UPDATE catalog_version SET changed_at = :t WHERE id = 1"), {"t": moment})
    db.session.commit()


def test_a_second_change_within_the_same_second_is_not_answered_304(app, product, monkeypatch):
    """HTTP dates have whole seconds: a page served in the second of a change must not carry
    a Last-Modified that a later change in that same second would still satisfy."""
    from storefront.caching import version

    crawler = app.test_client(use_cookies=False)
    second = math.floor(version.now().timestamp()) - 2
    clock = {"at": second + 0.4}
    monkeypatch.setattr(version, "now", lambda: datetime.fromtimestamp(clock["at"], UTC))
    _set_changed_at(second + 0.2)  # a change at .2, the page served at .4
    first = crawler.get("/products/magnesium-glycinate")
    assert "$19.99" in first.get_data(as_text=True)

    product.variants[0].price = 2499
    db.session.commit()
    _set_changed_at(second + 0.6)  # the next change, still in the same second
    clock["at"] = second + 0.8
    again = crawler.get(
        "/products/magnesium-glycinate", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 200
    assert "$24.99" in again.get_data(as_text=True)


def test_a_certificate_lapsing_overnight_is_not_answered_304(app, monkeypatch, seconds_later):
    """No write happens when a certificate's last day ends; the page changes at midnight, so a
    crawler's If-Modified-Since from yesterday must get the page without the badge."""
    from storefront import clock
    from tests.factories import make_certification

    lapsing = make_product("lapsing", title="Lapsing")
    lapsing.certifications.append(make_certification(valid_until=clock.today()))
    db.session.commit()
    crawler = app.test_client(use_cookies=False)
    first = crawler.get("/products/lapsing")
    assert "badge-certified" in first.get_data(as_text=True)

    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=1))
    again = crawler.get("/products/lapsing", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 200
    assert "badge-certified" not in again.get_data(as_text=True)


def test_stored_pages_outlive_midnight_unless_a_certificate_starts_or_lapses(app, deployed, monkeypatch):
    """The keys change on the days a certificate starts or lapses, not every midnight: a store
    open past midnight keeps its stored pages (issue 20's mixed load lost a fifth of its hits
    at 00:00 UTC), and a page showing a certificate that lapsed overnight is never served."""
    from storefront import clock
    from tests.factories import make_certification

    day = clock.today()
    steady = make_product("steady", title="Steady Oats", price=1999)
    steady.certifications.append(make_certification(valid_from=day - timedelta(days=10), valid_until=day + timedelta(days=30)))
    lapsing = make_product("lapsing", title="Lapsing Rice")
    lapsing.certifications.append(make_certification(valid_from=day - timedelta(days=10), valid_until=day + timedelta(days=1)))
    db.session.commit()
    visitor = deployed.test_client()
    for url in ("/products/steady", "/products/lapsing"):
        assert visitor.get(url).headers["X-Larder-Cache"] == "miss"
        assert visitor.get(url).headers["X-Larder-Cache"] == "hit"

    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=1))  # midnight passed
    for url in ("/products/steady", "/products/lapsing"):
        page = visitor.get(url)
        assert page.headers["X-Larder-Cache"] == "hit", f"{url}: no certificate started or lapsed today"
        assert "badge-certified" in page.get_data(as_text=True)

    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=2))  # Lapsing Rice's last day is over
    page = visitor.get("/products/lapsing")
    assert page.headers["X-Larder-Cache"] == "miss"
    assert "badge-certified" not in page.get_data(as_text=True)
    assert "does not currently hold a valid Low FODMAP certification" in page.get_data(as_text=True)
    steady_page = visitor.get("/products/steady")
    assert "badge-certified" in steady_page.get_data(as_text=True)

    # A certificate starting on a later day changes the keys that morning.
    starting = make_product("starting", title="Starting Millet")
    starting.certifications.append(make_certification(valid_from=day + timedelta(days=3), valid_until=day + timedelta(days=60)))
    db.session.commit()
    assert "badge-certified" not in visitor.get("/products/starting").get_data(as_text=True)
    assert visitor.get("/products/starting").headers["X-Larder-Cache"] == "hit"
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(days=3))
    page = visitor.get("/products/starting")
    assert page.headers["X-Larder-Cache"] == "miss"
    assert "badge-certified" in page.get_data(as_text=True)


def test_stored_pages_and_fragments_live_a_day_not_ten_minutes(app, deployed):
    """Their tags and keys keep them from ever being served stale, so only memory bounds their
    life: a tail product visited once an hour is still a hit (PAGE_CACHE_TTL, a day by default)."""
    import redis

    make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=20,
                 collection=make_collection("supplements"))
    visitor = deployed.test_client()
    for url in ("/products/magnesium-glycinate", "/collections/supplements"):
        assert visitor.get(url).headers["X-Larder-Cache"] == "miss"
    store = redis.Redis.from_url(PAGE_CACHE_REDIS_URL, socket_connect_timeout=1)
    lives = {key: store.ttl(key) for key in store.scan_iter("larder:*")}
    assert sum(key.startswith(b"larder:page:") for key in lives) == 2
    assert any(key.startswith(b"larder:fragment:") for key in lives)
    assert all(23 * 3600 < seconds <= 24 * 3600 for seconds in lives.values()), lives
