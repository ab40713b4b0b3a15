"""An article and its lite view kept per article version (blog/article_page.py): read once for
every URL of the article, each reader's token and way back filled in, and never stale after a
CTA product sells out (raw SQL), an edit, or with a notice for one reader."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import text

from storefront.extensions import db
from tests.blog.helpers import make_article
from tests.factories import make_discount

ARTICLE = "/blog/magnesium-for-back-pain"
ARTICLE_READ = re.compile(r"FROM article\b.*\bWHERE article\.slug", re.S)


@pytest.fixture
def article(magnesium_product):
    make_discount("WELCOME10")
    return make_article(
        "magnesium-for-back-pain",
        "Some reading first.\n\n[[product:magnesium-glycinate]]\n\nA code for you.\n\n[[discount:WELCOME10]]\n",
    )


def _get(client, url: str, count_queries) -> tuple[str, int]:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    reads = sum(1 for statement in counter.statements if ARTICLE_READ.search(statement))
    return response.get_data(as_text=True), reads


def _nexts(page: str) -> list[str]:
    return [unescape(v) for v in re.findall(r'name="next" value="([^"]*)"', page)]


def _tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]*)"', page))


def test_every_url_of_the_article_reads_it_once_and_every_form_keeps_its_way_back(client, article, count_queries):
    plain, reads_plain = _get(client, ARTICLE, count_queries)
    tracked, reads_tracked = _get(client, ARTICLE + "?utm_source=mail", count_queries)

    assert (reads_plain, reads_tracked) == (1, 0)
    # The product card's add form, then the code card's apply form after it.
    assert _nexts(plain) == [f"{ARTICLE}#cta-1", f"{ARTICLE}#cta-2"]
    assert _nexts(tracked) == [f"{ARTICLE}?utm_source=mail#cta-1", f"{ARTICLE}?utm_source=mail#cta-2"]
    assert len(_tokens(tracked)) == 1 and "hole" not in next(iter(_tokens(tracked)))
    assert "larder-" not in tracked.replace("larder-logo", "")
    assert "WELCOME10" in tracked and "$19.99" in tracked


def test_a_cta_product_sold_out_by_raw_sql_shows_at_once_and_another_product_keeps_it(
    client, article, magnesium_product, zinc_product, count_queries
):
    _get(client, ARTICLE, count_queries)
    db.session.execute(text("UPDATE variant SET stock = 0 WHERE product_id = :id"), {"id": zinc_product.id})
    db.session.commit()
    _, reads = _get(client, ARTICLE, count_queries)
    assert reads == 0  # zinc is not in the article

    db.session.execute(text("UPDATE variant SET stock = 0 WHERE product_id = :id"), {"id": magnesium_product.id})
    db.session.commit()
    page, reads = _get(client, ARTICLE, count_queries)
    assert reads == 1
    assert "Sold out" in page and "In stock" not in page


def test_an_edit_shows_at_once_in_the_article_and_its_lite_view(client, article, count_queries):
    _get(client, ARTICLE, count_queries)
    _get(client, ARTICLE + "/lite", count_queries)
    article.title = "Magnesium and back pain, reviewed"
    db.session.commit()

    assert "Magnesium and back pain, reviewed" in _get(client, ARTICLE, count_queries)[0]
    assert "Magnesium and back pain, reviewed" in _get(client, ARTICLE + "/lite", count_queries)[0]


def test_the_lite_view_is_its_own_piece_framable_and_without_forms(client, article, count_queries):
    _get(client, ARTICLE, count_queries)
    response = client.get(ARTICLE + "/lite?utm_source=partner")
    page = response.get_data(as_text=True)

    assert page.startswith("<!doctype html>")
    assert "X-Frame-Options" not in response.headers  # partners may frame it
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "script-src 'none'" in policy
    assert 'name="csrf_token"' not in page and "(opens Larder in a new tab)" in page
    assert _get(client, ARTICLE + "/lite", count_queries)[1] == 0


def test_every_view_is_counted_when_the_article_is_kept(client, app, article, count_queries):
    from blog.models import ArticleView
    from blog.view_counter import flush_views

    for _ in range(3):
        _get(client, ARTICLE + "?utm_source=mail", count_queries)
    flush_views()
    assert sum(v.views for v in db.session.scalars(db.select(ArticleView))) == 3


def test_a_notice_for_one_reader_is_never_kept_for_the_next(client, app, article, magnesium_product, count_queries):
    _get(client, ARTICLE, count_queries)
    added = client.post("/cart/add", data={
        "variant_id": magnesium_product.variants[0].id, "quantity": 1, "next": f"{ARTICLE}#cta-1",
        "ref": "article:magnesium-for-back-pain",
    })
    mine = client.get(added.headers["Location"]).get_data(as_text=True)
    assert 'class="cart-notice-inline is-added"' in mine

    for page in (app.test_client().get(ARTICLE).get_data(as_text=True), client.get(ARTICLE).get_data(as_text=True)):
        assert "cart-notice-inline" not in page


def test_an_unknown_article_is_a_404_and_nothing_is_kept(client, fragment_store):
    assert client.get("/blog/no-such-article").status_code == 404
    assert client.get("/blog/no-such-article/lite").status_code == 404
    assert not [key for key in fragment_store.scan_iter("larder:fragment:*")]
