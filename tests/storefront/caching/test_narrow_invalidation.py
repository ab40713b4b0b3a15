"""A change to one product re-renders the pages showing it, and only those (issue 20).

Behind the real Redis page and fragment caches (database 10): a sale of the last unit of
product A, made with the conditional stock UPDATE checkout runs, and a price edit made by raw
SQL, re-render A's page, the listings carrying A, the home page showing it and the article whose
CTA sells it; product B's page, a collection without A and an article selling B stay cache hits
(and their ETags still get 304). Settings and the banner still re-render every page.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from blog.models import Article
from blog.services import ArticleDraft, save_article
from blog.versioned import JOURNAL_TAG
from storefront.caching.tags import ANY_TAG, collecting, depend_on
from storefront.catalog.availability import has_stock_clause
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.site_settings import save_site_settings
from tests.blog.helpers import make_article, make_author
from tests.factories import make_collection, make_product
from tests.fixtures.page_cache import served_fixture
from tests.fixtures.redis_server import redis_url

REDIS_URL = redis_url(10)
SOLD_OUT = 'stock-out">Sold out'

# Pages showing product A (its card or its page), and pages that do not.
SHOWING_A = {
    "a": "/products/magnesium-glycinate",
    "a_collection": "/collections/supplements",
    "all": "/products",
    "home": "/",
    "a_article": "/blog/sleep-guide",
}
NOT_SHOWING_A = {
    "b": "/products/zinc-picolinate",
    "b_collection": "/collections/minerals",
    "b_article": "/blog/zinc-notes",
}

served = served_fixture(REDIS_URL)


@pytest.fixture
def world():
    supplements = make_collection("supplements", title="Supplements")
    minerals = make_collection("minerals", title="Minerals")
    a = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=1, collection=supplements)
    b = make_product("zinc-picolinate", title="Zinc Picolinate", price=1299, stock=5, collection=minerals)
    make_article("sleep-guide", "Sleep well.\n\n[[product:magnesium-glycinate]]\n", title="Sleep Guide")
    make_article("zinc-notes", "Zinc.\n\n[[product:zinc-picolinate]]\n", title="Zinc Notes", days_ago=2)
    db.session.commit()
    return {"a": a.id, "a_variant": a.variants[0].id, "b": b.id}


def _warm(client) -> dict[str, str]:
    """Every page rendered once, then served from Redis; their ETags (taken once the visitor's
    session holds its CSRF token: the ETag covers the session)."""
    etags = {}
    for url in {**SHOWING_A, **NOT_SHOWING_A}.values():
        assert client.get(url).status_code == 200, url
    for name, url in {**SHOWING_A, **NOT_SHOWING_A}.items():
        again = client.get(url)
        assert again.headers["X-Larder-Cache"] == "hit", f"{url} was not stored"
        etags[name] = again.headers["ETag"]
    return etags


def _assert_untouched(client, etags: dict[str, str]) -> None:
    for name, url in NOT_SHOWING_A.items():
        page = client.get(url)
        assert page.headers["X-Larder-Cache"] == "hit", f"{url} shows no product A, yet it was rendered again"
        assert client.get(url, headers={"If-None-Match": etags[name]}).status_code == 304, url


def _assert_re_rendered(client, etags: dict[str, str], shows: str) -> None:
    for name, url in SHOWING_A.items():
        assert client.get(url, headers={"If-None-Match": etags[name]}).status_code == 200, (
            f"{url} shows product A: its old ETag must not be answered 304"
        )
        page = client.get(url)
        assert page.headers["X-Larder-Cache"] in ("miss", "hit"), url  # rendered by the first GET
        assert shows in page.get_data(as_text=True), f"{url} does not show {shows!r}"


def test_selling_the_last_unit_of_a_re_renders_only_the_pages_showing_a(app, served, world):
    client = served.test_client()
    etags = _warm(client)
    for url in SHOWING_A.values():
        assert SOLD_OUT not in client.get(url).get_data(as_text=True), url

    # Checkout's reservation: the conditional UPDATE (raw SQL, no ORM object touched).
    sold = db.session.execute(
        update(Variant)
        .where(Variant.id == world["a_variant"], has_stock_clause(1))
        .values(stock=Variant.stock - 1)
        .execution_options(synchronize_session=False)
    )
    assert sold.rowcount == 1
    db.session.commit()

    _assert_untouched(client, etags)
    for name, url in SHOWING_A.items():
        page = client.get(url, headers={"If-None-Match": etags[name]})
        assert page.status_code == 200, f"{url} answered 304 after A sold out"
        assert page.headers["X-Larder-Cache"] == "miss", f"{url} came stale from Redis"
        html = page.get_data(as_text=True)
        assert SOLD_OUT in html or "Sold out for now" in html, f"{url} does not say A is sold out"
    _assert_untouched(client, etags)


def test_a_raw_sql_price_edit_re_renders_only_the_pages_showing_a(app, served, world):
    client = served.test_client()
    etags = _warm(client)

    db.session.execute(text("UPDATE variant SET price = 2899 WHERE id = :v"), {"v": world["a_variant"]})
    db.session.commit()

    _assert_untouched(client, etags)
    _assert_re_rendered(client, etags, "$28.99")


def test_a_banner_change_re_renders_every_page(app, served, world):
    client = served.test_client()
    etags = _warm(client)

    save_site_settings({"banner_text": "Free delivery this week"})
    db.session.commit()

    for name, url in {**SHOWING_A, **NOT_SHOWING_A}.items():
        page = client.get(url, headers={"If-None-Match": etags[name]})
        assert page.status_code == 200, url
        assert page.headers["X-Larder-Cache"] == "miss", url
        assert "Free delivery this week" in page.get_data(as_text=True), url


def test_a_stock_move_no_page_shows_keeps_every_page(app, served, world):
    client = served.test_client()
    db.session.execute(text("UPDATE variant SET stock = 500 WHERE id = :v"), {"v": world["a_variant"]})
    db.session.commit()
    etags = _warm(client)

    db.session.execute(text("UPDATE variant SET stock = stock - 3 WHERE id = :v"), {"v": world["a_variant"]})
    db.session.commit()

    for name, url in {**SHOWING_A, **NOT_SHOWING_A}.items():
        assert client.get(url).headers["X-Larder-Cache"] == "hit", url
        assert client.get(url, headers={"If-None-Match": etags[name]}).status_code == 304, url


def test_a_read_of_a_product_table_nobody_declared_depends_on_every_product(app):
    """The safety net: SQL naming a product table, run while a page renders outside the
    catalog's declared reads, makes the page depend on every product write."""
    with app.test_request_context("/"):
        with collecting() as collector:
            db.session.execute(text("SELECT count(*) FROM variant")).scalar()
        assert collector.tags == {ANY_TAG}
        with collecting() as collector:
            depend_on("product:1")
            db.session.execute(text("SELECT count(*) FROM article")).scalar()
        assert collector.tags == {"product:1", JOURNAL_TAG}, "an undeclared article read depends on the journal"


def test_a_read_of_a_journal_table_nobody_declared_depends_on_every_journal_write(app):
    """The journal's tables have their own broad tag: a read of them nobody declared makes the
    page follow every journal write, never every product write."""
    with app.test_request_context("/"):
        with collecting() as collector:
            db.session.execute(text("SELECT count(*) FROM article JOIN author ON author.id = article.author_id")).scalar()
        assert collector.tags == {JOURNAL_TAG}
        with collecting() as collector:
            db.session.execute(text("SELECT count(*) FROM article_view")).scalar()
        assert collector.tags == set(), "article_view is written on every view and never versioned"



def _minerals_and_teas(zinc_stock: int, selenium_stock: int) -> dict[str, int]:
    """Zinc, Selenium Drops and Iron Bisglycinate (sold out) in Minerals, Mint Tea (sold out) in
    Teas; the last three certified and created in that order. Their variants' ids by name."""
    minerals = make_collection("minerals", title="Minerals")
    teas = make_collection("teas", title="Teas")
    make_product("zinc-picolinate", title="Zinc Picolinate", stock=zinc_stock, collection=minerals)
    products = {
        "selenium": make_product("selenium", title="Selenium Drops", stock=selenium_stock, certified=True,
                                 collection=minerals),
        "iron": make_product("iron-bisglycinate", title="Iron Bisglycinate", stock=0, certified=True,
                             collection=minerals),
        "mint": make_product("mint-tea", title="Mint Tea", stock=0, certified=True, collection=teas),
    }
    db.session.commit()
    return {name: product.variants[0].id for name, product in products.items()}


def _follow_restocks(client, url: str, shows: str, steps, hides: str | None = None) -> None:
    """Store `url` (showing `shows`, not `hides`), then for each step set a variant's stock by raw
    SQL and check the page: (variant id, units, "hit" or "miss", text, whether the page shows it, why)."""
    client.get(url)
    page = client.get(url)
    assert page.headers["X-Larder-Cache"] == "hit"
    assert shows in page.get_data(as_text=True)
    assert hides is None or hides not in page.get_data(as_text=True)
    for variant_id, units, cache, text_, shown, why in steps:
        db.session.execute(text("UPDATE variant SET stock = :n WHERE id = :v"), {"n": units, "v": variant_id})
        db.session.commit()
        page = client.get(url)
        assert page.headers["X-Larder-Cache"] == cache, why
        assert (text_ in page.get_data(as_text=True)) is shown, why


def test_you_may_also_like_follows_products_joining_and_leaving_it(app, served):
    """"You may also like" shows the first few matches of a query: a product coming back in
    stock in one of its collections may join it ("+collection:<id>"), one selling out leaves it
    (its own tag); one coming back elsewhere, sharing neither a collection nor a diet tag, cannot."""
    variants = _minerals_and_teas(zinc_stock=5, selenium_stock=1)
    _follow_restocks(served.test_client(), "/products/zinc-picolinate", "Selenium Drops", [
        (variants["mint"], 4, "hit", "Mint Tea", False, "mint tea shares nothing with zinc: it cannot join its strip"),
        (variants["iron"], 4, "miss", "Iron Bisglycinate", True, "iron, back in stock in minerals, joins the strip"),
        (variants["selenium"], 0, "miss", "Selenium Drops", False, "selenium, sold out, leaves it"),
    ], hides="Iron Bisglycinate")


def test_an_articles_alternative_to_a_sold_out_product_follows_only_its_collection(app, served):
    """A CTA whose product sold out offers the newest certified product of the same collection
    instead: a product coming back in stock there may take its place ("+collection:<id>"), and the
    alternative selling out gives way (its own tag); one coming back in another collection cannot
    change it, and the article stays a cache hit."""
    variants = _minerals_and_teas(zinc_stock=0, selenium_stock=3)
    make_article("zinc-notes", "Zinc.\n\n[[product:zinc-picolinate]]\n", title="Zinc Notes")
    _follow_restocks(served.test_client(), "/blog/zinc-notes", "Try Selenium Drops instead", [
        (variants["mint"], 4, "hit", "Try Selenium Drops instead", True,
         "mint tea is in another collection: it cannot be offered first"),
        (variants["iron"], 4, "miss", "Try Iron Bisglycinate instead", True, "iron, newer, back in minerals"),
        (variants["iron"], 0, "miss", "Try Selenium Drops instead", True, "iron sold out again"),
    ])


# ---------------------------------------------------------------- the journal

# Pages showing article X (its page, lite view, the journal's lists, the product page whose
# "Featured in" names it), and pages that do not: the shop's, and an article whose related
# articles are others (they share its topic; X does not).
SHOWING_X = {
    "x": "/blog/fibre-guide",
    "x_lite": "/blog/fibre-guide/lite",
    "journal": "/blog/",
    "x_topic": "/blog/tag/gut",
    "a": "/products/magnesium-glycinate",
}
NOT_SHOWING_X = {
    "b": "/products/zinc-picolinate",
    "b_collection": "/collections/minerals",
    "all": "/products",
    "home": "/",
    "y": "/blog/sleep-notes",
    "y_lite": "/blog/sleep-notes/lite",
    "y_topic": "/blog/tag/sleep",
}


@pytest.fixture
def journal():
    supplements = make_collection("supplements", title="Supplements")
    minerals = make_collection("minerals", title="Minerals")
    make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=5, collection=supplements)
    make_product("zinc-picolinate", title="Zinc Picolinate", price=1299, stock=5, collection=minerals)
    ada = make_author("ada-lovelace", "Ada Lovelace")
    ben = make_author("ben-ortiz", "Ben Ortiz")
    x = make_article("fibre-guide", "Fibre first.\n\n[[product:magnesium-glycinate]]\n", title="Fibre Guide",
                     tags=["Gut"], author=ada, days_ago=9)
    make_article("sleep-notes", "Sleep.\n\n[[product:zinc-picolinate]]\n", title="Sleep Notes", tags=["Sleep"],
                 author=ben, days_ago=1)
    for n in (2, 3, 4):
        make_article(f"sleep-part-{n}", "More sleep.", title=f"Sleep Part {n}", tags=["Sleep"], author=ben, days_ago=n)
    db.session.commit()
    return {"x": x.id, "ada": ada.id}


def _warm_journal(client) -> dict[str, str]:
    etags = {}
    for url in {**SHOWING_X, **NOT_SHOWING_X}.values():
        assert client.get(url).status_code == 200, url
    for name, url in {**SHOWING_X, **NOT_SHOWING_X}.items():
        again = client.get(url)
        assert again.headers["X-Larder-Cache"] == "hit", f"{url} was not stored"
        etags[name] = again.headers["ETag"]
    for url in SHOWING_X.values():
        assert "Fibre, Explained" not in client.get(url).get_data(as_text=True), url
    return etags


def _assert_x_re_rendered(client, etags: dict[str, str], shows: str) -> None:
    for name, url in SHOWING_X.items():
        page = client.get(url, headers={"If-None-Match": etags[name]})
        assert page.status_code == 200, f"{url} shows article X: its old ETag must not be answered 304"
        assert page.headers["X-Larder-Cache"] == "miss", f"{url} came stale from Redis"
        assert shows in page.get_data(as_text=True), f"{url} does not show {shows!r}"


def _assert_journal_edit_left_alone(client, etags: dict[str, str]) -> None:
    for name, url in NOT_SHOWING_X.items():
        page = client.get(url)
        assert page.headers["X-Larder-Cache"] == "hit", f"{url} does not show article X, yet it was rendered again"
        assert client.get(url, headers={"If-None-Match": etags[name]}).status_code == 304, url


def test_an_article_edit_in_the_editor_re_renders_only_the_pages_showing_it(app, served, journal):
    client = served.test_client()
    etags = _warm_journal(client)

    article = db.session.get(Article, journal["x"])
    result = save_article(article, ArticleDraft(source=article.body_source, title="Fibre, Explained"))
    assert not result.held_for_review

    _assert_x_re_rendered(client, etags, "Fibre, Explained")
    _assert_journal_edit_left_alone(client, etags)


def test_a_raw_sql_article_edit_re_renders_only_the_pages_showing_it(app, served, journal):
    client = served.test_client()
    etags = _warm_journal(client)

    db.session.execute(text("UPDATE article SET title = 'Fibre, Explained' WHERE id = :x"), {"x": journal["x"]})
    db.session.commit()

    _assert_x_re_rendered(client, etags, "Fibre, Explained")
    _assert_journal_edit_left_alone(client, etags)


def test_an_author_edit_re_renders_their_articles_and_the_journal_only(app, served, journal):
    client = served.test_client()
    etags = _warm_journal(client)

    db.session.execute(text("UPDATE author SET name = 'Ada King' WHERE id = :ada"), {"ada": journal["ada"]})
    db.session.commit()

    for name in ("x", "x_lite", "journal", "x_topic"):
        page = client.get(SHOWING_X[name], headers={"If-None-Match": etags[name]})
        assert page.status_code == 200 and page.headers["X-Larder-Cache"] == "miss", SHOWING_X[name]
        assert "Ada King" in page.get_data(as_text=True), SHOWING_X[name]
    # The product page's "Featured in" names articles, not their authors.
    assert client.get(SHOWING_X["a"]).headers["X-Larder-Cache"] == "hit"
    _assert_journal_edit_left_alone(client, etags)


def test_an_article_leaving_the_journal_leaves_the_lists_showing_it(app, served, journal):
    """Unpublishing X (its status: "journal+") drops it from the lists and the product page."""
    client = served.test_client()
    _warm_journal(client)

    db.session.execute(text("UPDATE article SET status = 'draft' WHERE id = :x"), {"x": journal["x"]})
    db.session.commit()

    assert client.get(SHOWING_X["x"]).status_code == 404
    for name in ("journal", "a"):
        page = client.get(SHOWING_X[name])
        assert page.headers["X-Larder-Cache"] == "miss", SHOWING_X[name]
        assert "/blog/fibre-guide" not in page.get_data(as_text=True), SHOWING_X[name]
    assert client.get(NOT_SHOWING_X["b"]).headers["X-Larder-Cache"] == "hit"



def _checks_made(client, url: str, count_queries) -> tuple[int, str, str]:
    """How many stale checks (the query on cache_tag) a GET of `url` made, its cache header and its HTML."""
    with count_queries() as counter:
        page = client.get(url)
    checks = sum("FROM cache_tag" in statement for statement in counter.statements)
    return checks, page.headers["X-Larder-Cache"], page.get_data(as_text=True)


def test_a_page_found_fresh_is_not_checked_again_until_the_next_write(app, served, world, count_queries):
    client = served.test_client()
    _warm(client)
    url = SHOWING_A["a"]
    # A write to B only: A's stored page must be checked once, then no more until the next write.
    db.session.execute(text("UPDATE variant SET price = 1399 WHERE product_id = :b"), {"b": world["b"]})
    db.session.commit()

    first, cache, _ = _checks_made(client, url, count_queries)
    assert (cache, first > 0) == ("hit", True)
    again, cache, html = _checks_made(client, url, count_queries)
    assert (cache, again) == ("hit", 0), "a page found fresh at this sequence was checked again"
    assert "$19.99" in html

    # The next write to A: the remembered check no longer answers, the page shows the new price.
    db.session.execute(text("UPDATE variant SET price = 2899 WHERE id = :v"), {"v": world["a_variant"]})
    db.session.commit()
    _, cache, html = _checks_made(client, url, count_queries)
    assert cache == "miss"
    assert "$28.99" in html and "$19.99" not in html
