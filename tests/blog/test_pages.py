"""The journal's public pages: article, lite view, index, tags, feed, sitemap, product link-back."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from blog.services import publish_article
from storefront.clock import now
from tests.blog.helpers import make_article
from tests.factories import make_collection, make_product

BODY = """Magnesium is a mineral.

## What it does

Muscles relax.

### In nerves

Signals calm down.

## How much

Not too much.
"""


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_article_page_carries_what_a_health_article_needs(client, author, reviewer):
    make_article(
        "magnesium", BODY, title="Magnesium and You", dek="What it does.", author=author,
        reviewer=reviewer, tags=["health"], last_reviewed_at=now(),
        references=[{"title": "Fact sheet", "publisher": "NIH", "url": "https://ods.od.nih.gov/"}],
    )
    html = client.get("/blog/magnesium").get_data(as_text=True)
    assert "<h1 id=\"article-title\">Magnesium and You</h1>" in html
    assert "What it does." in html
    assert "Maya Okafor" in html and "Medically reviewed by" in html and "Dr Helen Marsh" in html
    assert "Published <time" in html and "Last reviewed <time" in html
    assert "1 min read" in html
    assert 'href="#what-it-does"' in html and 'href="#in-nerves"' in html
    assert "Fact sheet" in html and "NIH" in html
    assert "For information, not medical advice." in html
    assert 'class="top-banner"' in html


def test_article_page_has_json_ld_open_graph_and_canonical(client, author, reviewer):
    make_article("magnesium", BODY, title="Magnesium", author=author, reviewer=reviewer)
    html = client.get("/blog/magnesium").get_data(as_text=True)
    graph = _json_ld(html)["@graph"]
    assert graph[0]["@type"] == "Article" and graph[0]["headline"] == "Magnesium"
    assert graph[0]["reviewedBy"]["name"] == "Dr Helen Marsh"
    assert graph[1]["@type"] == "BreadcrumbList"
    assert '<meta property="og:type" content="article">' in html
    # On the site's own address (SITE_URL), not the request's Host (the test client's "localhost").
    site = client.application.config["SITE_URL"]
    assert f'<link rel="canonical" href="{site}/blog/magnesium">' in html


def test_no_disclaimer_without_the_health_tag(client):
    make_article("recipe", tags=["recipes"])
    assert "For information, not medical advice." not in client.get("/blog/recipe").get_data(as_text=True)


def test_unknown_bad_draft_and_scheduled_articles_are_404(client):
    make_article("draft-one", status="draft")
    scheduled = make_article("later", status="draft")
    publish_article(scheduled, at=now() + timedelta(days=5))
    for url in ("/blog/nope", "/blog/draft-one", "/blog/later", "/blog/Bad_Slug",
                "/blog/draft-one/lite", "/blog/later/lite"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("url", ["/blog/Bad_Slug", "/blog/Bad_Slug/lite", "/blog/tag/Bad_Slug"])
def test_a_url_that_is_not_a_slug_is_404_even_if_a_row_is_spelled_so(client, url):
    """Article and tag URLs are slugs only: a row saved under another spelling is not served."""
    from storefront.extensions import db

    article = make_article("good-slug", tags=["good-tag"])
    article.slug = "Bad_Slug"
    article.tags[0].slug = "Bad_Slug"
    db.session.commit()
    assert client.get(url).status_code == 404


def test_scheduled_article_appears_once_its_time_has_come(client):
    article = make_article("soon", status="draft")
    publish_article(article, at=now() + timedelta(days=1))
    assert client.get("/blog/soon").status_code == 404
    article.published_at = now() - timedelta(minutes=1)
    from storefront.extensions import db

    db.session.commit()
    assert client.get("/blog/soon").status_code == 200


def test_related_articles_share_tags_first_then_recency_never_itself_or_drafts(client):
    make_article("main", tags=["health", "magnesium"], days_ago=10)
    make_article("both-tags", tags=["health", "magnesium"], days_ago=30)
    make_article("one-tag", tags=["magnesium"], days_ago=20)
    make_article("newest-untagged", days_ago=1)
    make_article("draft-shared", tags=["health", "magnesium"], status="draft")
    html = client.get("/blog/main").get_data(as_text=True)
    related = html[html.index("Related articles"):]
    links = re.findall(r'href="/blog/([a-z-]+)"', related)
    assert links == ["both-tags", "one-tag", "newest-untagged"]


def test_index_lists_public_articles_newest_first_and_paginates(client):
    for n in range(12):
        make_article(f"post-{n}", days_ago=n + 1)
    make_article("hidden", status="draft")
    first = client.get("/blog/").get_data(as_text=True)
    assert first.index("/blog/post-0") < first.index("/blog/post-1")
    assert "/blog/hidden" not in first
    assert "Page 1 of 2" in first
    second = client.get("/blog/?page=2").get_data(as_text=True)
    assert "/blog/post-11" in second and "/blog/post-0\"" not in second
    assert client.get("/blog/?page=3").status_code == 404
    assert client.get("/blog/?page=abc").status_code == 404


def test_page_number_in_other_digits_is_not_found(client):
    make_article("post-1")
    for page in ("²", "１", "٣"):  # str.isdigit() says yes to these, int() does not (or reads them differently)
        assert client.get("/blog/", query_string={"page": page}).status_code == 404


def test_tag_page_lists_only_tagged_articles(client):
    make_article("tagged", tags=["recipes"])
    make_article("other", tags=["health"])
    html = client.get("/blog/tag/recipes").get_data(as_text=True)
    assert "/blog/tagged" in html and "/blog/other" not in html
    assert client.get("/blog/tag/unknown").status_code == 404


def test_atom_feed_lists_public_articles(client):
    make_article("in-feed", title="In the feed")
    make_article("not-in-feed", status="draft")
    response = client.get("/blog/feed.xml")
    body = response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    assert "In the feed" in body and "not-in-feed" not in body


def test_sitemap_lists_public_articles(client):
    make_article("mapped")
    make_article("unmapped", status="draft")
    body = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"{client.application.config['SITE_URL']}/blog/mapped" in body and "unmapped" not in body


def test_product_page_lists_the_articles_featuring_it(client, count_queries):
    make_product("magnesium-glycinate")
    make_article("sells-it", "[[product:magnesium-glycinate]]\n", title="Sells it")
    make_article("draft-sells-it", "[[product:magnesium-glycinate]]\n", status="draft")
    html = client.get("/products/magnesium-glycinate").get_data(as_text=True)
    featured = html[html.index("Featured in"):]
    assert 'href="/blog/sells-it">Sells it</a>' in featured
    assert "draft-sells-it" not in featured


def test_lite_view_has_no_script_the_same_cards_and_a_way_back(client):
    make_product("magnesium-glycinate", title="Magnesium Glycinate")
    make_article("magnesium", "Hello\n\n[[product:magnesium-glycinate]]\n")
    response = client.get("/blog/magnesium/lite")
    html = response.get_data(as_text=True)
    assert "<script" not in html
    assert "Magnesium Glycinate" in html and "Shop now" in html
    assert "Go to full site" in html and 'href="/blog/magnesium"' in html
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "script-src 'none'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in client.get("/blog/magnesium").headers["Content-Security-Policy"]


def test_lite_view_buys_in_a_top_level_tab(client):
    """Framed on a partner's site, the store's session cookie (SameSite=Lax) is not sent, so an
    "Add to cart" form inside the frame cannot work: every way to buy opens the store in a new
    top-level tab, where the product page adds to the cart first-party."""
    collection = make_collection("supplements", title="Supplements")
    make_product("magnesium-glycinate", title="Magnesium Glycinate", collection=collection)
    make_article("magnesium", "Hello [a study](https://example.org/study)\n\n[[product:magnesium-glycinate]]\n\n"
                 "[[shop-now:magnesium-glycinate|Get it]]\n\n[[collection:supplements]]\n")
    html = client.get("/blog/magnesium/lite").get_data(as_text=True)
    assert "<form" not in html and "/cart/add" not in html
    store_links = [tag for tag in re.findall(r"<a\b[^>]*>", html)
                   if re.search(r'href="/(products|collections)/', tag)]
    assert len(store_links) >= 4  # card image, title, Shop now, shortcode, collection
    for tag in store_links:
        assert 'target="_blank"' in tag and 'rel="noopener"' in tag, tag
    assert "Shop now" in html and "Get it" in html
    assert '<base target="_blank">' in html  # the article's own links leave the frame too
    # The full article, first-party, keeps its one-click add.
    full = client.get("/blog/magnesium").get_data(as_text=True)
    assert 'action="/cart/add"' in full and 'target="_blank"' not in full


def test_each_page_view_is_counted(client):
    from blog.models import ArticleView
    from storefront.extensions import db

    article = make_article("counted")
    client.get("/blog/counted")
    client.get("/blog/counted/lite")
    assert db.session.get(ArticleView, (article.id, now().date())).views == 2


def test_a_page_answered_from_cache_still_counts_a_view(client):
    from blog.models import ArticleView
    from storefront.extensions import db

    article = make_article("cached")
    first = client.get("/blog/cached")
    again = client.get("/blog/cached", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert db.session.get(ArticleView, (article.id, now().date())).views == 2


def test_lite_view_policy_rides_on_a_not_modified_answer(client):
    make_article("cached")
    first = client.get("/blog/cached/lite")
    again = client.get("/blog/cached/lite", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert "frame-ancestors *" in again.headers["Content-Security-Policy"]
