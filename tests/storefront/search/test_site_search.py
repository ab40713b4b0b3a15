"""One search for the whole site: products and articles in their groups, typo tolerant, with a
fallback when nothing is asked or found, on the demo store (both databases)."""

from __future__ import annotations

import re

import pytest

from storefront.extensions import db
from storefront.search.vocabulary import correct, rebuild
from tests.blog.helpers import make_article, make_author
from tests.factories import make_product


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output


def group(html: str, name: str) -> str:
    found = re.search(rf'<section class="search-group" id="search-{name}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def product_links(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a href="/products/([^"?]+)"', html)


def article_links(html: str) -> list[str]:
    return re.findall(r'class="teaser-title"><a href="/blog/([^"?]+)"', html)


def test_back_pain_finds_the_magnesium_article(client, demo):
    html = client.get("/search?q=back+pain").get_data(as_text=True)
    assert "magnesium-for-back-pain" in article_links(group(html, "articles"))


def test_a_misspelling_finds_the_magnesium_products_and_says_so(client, demo):
    html = client.get("/search?q=magnesum").get_data(as_text=True)
    products = product_links(group(html, "products"))
    assert products and all("magnesium" in slug for slug in products[:2])
    assert "Showing results for <strong>“magnesium”</strong>" in html
    assert "magnesium-for-back-pain" in article_links(group(html, "articles"))


def test_magnesium_lists_products_and_articles_in_their_groups(client, demo):
    html = client.get("/search?q=magnesium").get_data(as_text=True)
    products, articles = group(html, "products"), group(html, "articles")
    assert 'id="search-products-heading">Products' in products
    assert 'id="search-articles-heading">Articles' in articles
    assert product_links(products)[0].startswith("magnesium")
    assert article_links(articles)[0] == "magnesium-for-back-pain"
    assert not product_links(articles) and not article_links(products)
    assert "Did you mean" not in html


def test_did_you_mean_links_a_close_word_when_results_are_few(client, app):
    make_product("mag", title="Magnesium Glycinate")
    make_product("bar", title="Oat Bar", description="A magnesum typo in the text.")
    html = client.get("/search?q=magnesum").get_data(as_text=True)
    assert product_links(html) == ["bar"]
    assert 'Did you mean: <a href="/search?q=magnesium">magnesium</a>?' in html


def test_empty_search_shows_help_and_what_to_browse(client, demo):
    html = client.get("/search").get_data(as_text=True)
    assert "Featured products" in html and "Collections" in html and "Latest articles" in html
    assert "(0)" not in html and 'class="facets"' not in html
    assert "Search by product name" in html


def test_a_search_finding_nothing_shows_the_fallback_not_empty_facets(client, demo):
    html = client.get("/search?q=zzzzqqq").get_data(as_text=True)
    assert "Nothing matched “zzzzqqq”" in html
    assert "Featured products" in html and product_links(html)
    assert "(0)" not in html and 'class="facets"' not in html


def test_articles_page_through_their_own_group(client, app):
    author = make_author()
    for n in range(7):
        make_article(f"fennel-{n}", "Fennel seeds, again.", title=f"Fennel note {n}", author=author.slug, days_ago=n + 1)
    first = client.get("/search?q=fennel").get_data(as_text=True)
    assert len(article_links(first)) == 5 and "Articles <span class=\"count\">(7)</span>" in first
    assert "apage=2" in first and "More articles" in first
    second = client.get("/search?q=fennel&apage=2").get_data(as_text=True)
    assert article_links(second) == ["fennel-5", "fennel-6"]
    assert client.get("/search?q=fennel&apage=zz").status_code == 200


def test_article_search_reads_tags_and_author_and_ranks_titles_first(client, app):
    author = make_author("ann-lee", "Ann Lee")
    make_article("in-body", "All about sourdough and more sourdough and sourdough.", title="Bread notes")
    make_article("in-title", "Plain words.", title="Sourdough basics")
    make_article("by-ann", "Plain words.", title="Soup", author=author.slug)
    assert article_links(client.get("/search?q=sourdough").get_data(as_text=True)) == ["in-title", "in-body"]
    assert article_links(client.get("/search?q=ann+lee").get_data(as_text=True)) == ["by-ann"]


def test_vocabulary_follows_saves_and_rebuilds(app):
    make_product("p", title="Peppermint Tea")
    assert correct(["pepermint"]) == ["peppermint"]
    assert correct(["peppermint"]) is None
    assert correct(["zzzz"]) is None
    assert rebuild() >= 2
    assert correct(["pepermint", "tea"]) == ["peppermint", "tea"]
    db.session.rollback()


def test_the_old_search_url_is_the_site_search(client, app):
    make_product("m", title="Magnesium Citrate")
    html = client.get("/search?q=magnesium").get_data(as_text=True)
    assert "Magnesium Citrate" in html and 'action="/search"' in html


def test_the_article_group_survives_the_fragment_cache(app):
    from storefront.search.articles import ArticleResults, search_articles

    make_article("oats", "Oats, slowly.", title="Oat guide", author=make_author().slug)
    found = search_articles("oat")
    assert found.total == 1 and ArticleResults.from_data(found.to_data()) == found
