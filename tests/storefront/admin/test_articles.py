"""The article editor: save, preview without JavaScript, picker, publish rules, schedule,
revisions, the review queue and suggested products."""

from __future__ import annotations

import importlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from blog.models import Article
from blog.services import ArticleDraft, publish_article, save_article
from storefront.admin.articles import SUGGESTIONS_KEPT_SECONDS
from storefront.admin.models import ArticleRevision
from storefront.clock import now, today
from storefront.extensions import db
from tests.blog.helpers import approve, make_author
from tests.factories import make_certification, make_product

BODY = "Magnesium helps some people sleep.\n\n[[product:magnesium-glycinate]]\n"


def _form(**overrides):
    data = {"title": "Magnesium for sleep", "slug": "", "dek": "A short guide.", "body": BODY,
            "tags": "supplements", "author": "", "reviewer": "", "last_reviewed": "", "seo_title": "",
            "seo_description": "", "publish_at": "", "picker_q": "", "action": "save"}
    data.update(overrides)
    return data


def _article(slug="magnesium-for-sleep"):
    return db.session.scalar(select(Article).where(Article.slug == slug))


def test_editor_saves_a_draft(as_editor, product):
    response = as_editor.post("/admin/articles/new", data=_form())
    assert response.status_code == 302
    article = _article()
    assert article.status == "draft"
    assert [link.product_slug for link in article.product_links] == ["magnesium-glycinate"]


def test_preview_button_renders_live_cards_without_saving(as_editor, product):
    response = as_editor.post("/admin/articles/new", data=_form(action="preview"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "cta-card" in page and "Magnesium Glycinate" in page
    assert "Magnesium helps some people sleep." in page  # the source stays in the editor
    assert db.session.scalar(select(Article.id)) is None


def test_live_preview_endpoint_returns_html(as_editor, product):
    response = as_editor.post("/admin/articles/preview", data={"body": BODY, "slug": "x"})
    assert response.status_code == 200
    assert "Magnesium Glycinate" in response.get_json()["html"]


def test_picker_without_javascript_lists_shortcodes_and_keeps_the_text(as_editor, product):
    response = as_editor.post("/admin/articles/new", data=_form(action="pick", picker_q="magnesium", body="Draft text"))
    page = response.get_data(as_text=True)
    assert "[[product:magnesium-glycinate]]" in page
    assert "Draft text" in page


def test_picker_json_for_javascript(as_editor, product):
    data = as_editor.get("/admin/products/picker?q=glycinate&format=json").get_json()
    assert data["results"][0]["shortcode"] == "[[product:magnesium-glycinate]]"


def test_publishing_is_refused_for_an_unknown_product_naming_it(as_editor, product):
    as_editor.post("/admin/articles/new", data=_form(body="Try [[shop-now:no-such-thing|this]] today."))
    article = _article()
    response = as_editor.post(f"/admin/articles/{article.id}", data=_form(
        body="Try [[shop-now:no-such-thing|this]] today.", action="publish"), follow_redirects=True)
    assert "no-such-thing" in response.get_data(as_text=True)
    db.session.refresh(article)
    assert article.status == "draft"


def test_publishing_is_refused_for_an_archived_product(as_editor, product):
    as_editor.post("/admin/articles/new", data=_form())
    product.status = "archived"
    db.session.commit()
    article = _article()
    response = as_editor.post(f"/admin/articles/{article.id}", data=_form(action="publish"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "magnesium-glycinate" in page and "archived" in page
    db.session.refresh(article)
    assert article.status == "draft"


def test_publish_makes_the_article_public_with_its_card(as_editor, client, product):
    as_editor.post("/admin/articles/new", data=_form(action="publish"))
    article = _article()
    assert article.status == "published"
    page = client.get(f"/blog/{article.slug}").get_data(as_text=True)
    assert "Magnesium Glycinate" in page


def test_future_publish_date_schedules_the_article(as_editor, product):
    later = (now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    as_editor.post("/admin/articles/new", data=_form(action="publish", publish_at=later))
    assert _article().status == "scheduled"


def test_every_save_keeps_the_previous_version_and_any_can_be_restored(as_editor, product):
    as_editor.post("/admin/articles/new", data=_form(body="First version."))
    article = _article()
    as_editor.post(f"/admin/articles/{article.id}", data=_form(body="Second version."))
    as_editor.post(f"/admin/articles/{article.id}", data=_form(body="Third version."))
    revisions = list(db.session.scalars(select(ArticleRevision).order_by(ArticleRevision.id)))
    assert [r.body_source for r in revisions] == ["First version.", "Second version."]
    assert revisions[0].replaced_by == "editor@example.com"
    page = as_editor.get(f"/admin/articles/{article.id}/revisions").get_data(as_text=True)
    assert "First version." in page
    as_editor.post(f"/admin/articles/{article.id}/revisions/{revisions[0].id}/restore")
    db.session.refresh(article)
    assert article.body_source == "First version."
    kept = db.session.scalars(select(ArticleRevision.body_source).order_by(ArticleRevision.id.desc())).first()
    assert kept == "Third version."


def test_review_queue_lists_health_articles_reviewed_too_long_ago(client, auth, editor_user, reviewer_user, product):
    make_author("sam-ortiz", "Sam Ortiz", role="medical_reviewer", credentials="MD")
    old = save_article(None, ArticleDraft(source="Gut health.", title="Old health piece", tags=["health"],
                                          last_reviewed_at=now() - timedelta(days=400))).article
    approve(old)
    publish_article(old)
    fresh = save_article(None, ArticleDraft(source="Gut health.", title="Fresh health piece", tags=["health"],
                                            last_reviewed_at=now() - timedelta(days=10))).article
    approve(fresh)
    publish_article(fresh)
    recipe = save_article(None, ArticleDraft(source="Soup.", title="Old recipe", last_reviewed_at=now() - timedelta(days=900))).article
    publish_article(recipe)
    auth.login(editor_user)
    page = client.get("/admin/review-due").get_data(as_text=True)
    assert "Old health piece" in page
    assert "Fresh health piece" not in page and "Old recipe" not in page
    auth.logout()
    auth.login(reviewer_user)
    review = client.get(f"/admin/articles/{old.id}/review").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([0-9a-f]{64})"', review).group(1)
    client.post(f"/admin/articles/{old.id}/approve", data={"version": version, "shown_as": "sam-ortiz"})
    page = client.get("/admin/review-due").get_data(as_text=True)
    assert "Every health article has been reviewed" in page


def test_suggested_products_match_the_articles_words(as_editor, product):
    make_product("rice-crackers", title="Seeded Rice Crackers", ingredients="Rice, seeds")
    page = as_editor.post("/admin/articles/new", data=_form(action="preview", body="Why magnesium glycinate at night?")).get_data(as_text=True)
    suggestions = page.split('id="suggest-heading"')[1]
    assert "[[product:magnesium-glycinate]]" in suggestions
    assert "rice-crackers" not in suggestions


def test_suggestions_mark_products_whose_certificate_is_not_valid_today(as_editor, product):
    day = today()
    expired = make_product("magnesium-citrate", title="Magnesium Citrate")
    expired.certifications = [make_certification(valid_from=day - timedelta(days=400),
                                                 valid_until=day - timedelta(days=3))]
    make_product("magnesium-oxide", title="Magnesium Oxide")
    later = make_product("magnesium-malate", title="Magnesium Malate")
    later.certifications = [make_certification(valid_from=day + timedelta(days=5),
                                               valid_until=day + timedelta(days=300))]
    db.session.commit()
    page = as_editor.post("/admin/articles/new", data=_form(
        action="preview", body="Magnesium citrate, oxide, malate or glycinate?")).get_data(as_text=True)
    items = page.split('id="suggest-heading"')[1].split("</ul>")[0].split("<li>")[1:]
    by_slug = {re.search(r"\[\[product:([a-z-]+)\]\]", item).group(1): item for item in items}
    assert list(by_slug)[0] == "magnesium-glycinate"  # certified today: first, unmarked
    assert "not certified" not in by_slug["magnesium-glycinate"]
    ended = (day - timedelta(days=3)).isoformat()
    assert f"not certified today: certificate expired on {ended}" in by_slug["magnesium-citrate"]
    assert "not certified today: no Low FODMAP certificate" in by_slug["magnesium-oxide"]
    starts = (day + timedelta(days=5)).isoformat()
    assert f"certificate valid only from {starts}" in by_slug["magnesium-malate"]


def _saved_article_about_magnesium(as_editor) -> Article:
    response = as_editor.post("/admin/articles/new", data=_form(body="Why magnesium glycinate at night?"))
    assert response.status_code == 302
    return _article()


def _panel(page: str) -> str:
    return page.split('id="suggest-heading"')[1].split("</section>")[0]


def test_the_editor_comes_at_once_and_its_suggestions_apart(as_editor, product, fragment_store, count_queries):
    """With Redis, an editor whose suggestions were never ranked is not held up ranking the
    catalog (0.1-0.4 s at 100,000 products): its panel links them, and admin.js fetches them.
    Once ranked they are kept, and the next view shows them in the page."""
    article = _saved_article_about_magnesium(as_editor)
    fragment_store.flushdb()
    with count_queries() as counter:
        page = as_editor.get(f"/admin/articles/{article.id}").get_data(as_text=True)
    assert not [s for s in counter.statements if "@@" in s or "MATCH" in s], "the catalog was searched"
    assert "[[product:magnesium-glycinate]]" not in _panel(page)
    assert f'data-suggestions-src="/admin/articles/{article.id}/suggestions"' in page
    assert f'href="/admin/articles/{article.id}?suggest=1#suggest-heading"' in _panel(page)

    alone = as_editor.get(f"/admin/articles/{article.id}/suggestions")
    assert alone.status_code == 200
    assert "[[product:magnesium-glycinate]]" in _panel(alone.get_data(as_text=True))

    page = as_editor.get(f"/admin/articles/{article.id}").get_data(as_text=True)
    assert "[[product:magnesium-glycinate]]" in _panel(page)
    assert "data-suggestions-src" not in page


def test_a_ranking_of_suggestions_is_kept_ten_minutes(as_editor, product, fragment_store):
    """Its tags do not see a product's words change, so it is kept ten minutes, not the store's
    lifetime (a minute in these tests, a day in production)."""
    article = _saved_article_about_magnesium(as_editor)
    fragment_store.flushdb()
    assert as_editor.get(f"/admin/articles/{article.id}/suggestions").status_code == 200
    (key,) = fragment_store.scan_iter("larder:fragment:*")
    assert SUGGESTIONS_KEPT_SECONDS - 60 < fragment_store.ttl(key) <= SUGGESTIONS_KEPT_SECONDS == 600


def test_without_scripts_the_panels_link_ranks_the_suggestions(as_editor, product, fragment_store):
    article = _saved_article_about_magnesium(as_editor)
    fragment_store.flushdb()
    page = as_editor.get(f"/admin/articles/{article.id}?suggest=1").get_data(as_text=True)
    assert "[[product:magnesium-glycinate]]" in _panel(page)
    assert "Why magnesium glycinate at night?" in page  # the editor itself, not a panel alone


def test_the_panel_alone_says_when_no_product_shares_a_word(as_editor, product):
    response = as_editor.post("/admin/articles/new", data=_form(title="Sleep", body="Quiet evenings help."))
    assert response.status_code == 302
    panel = _panel(as_editor.get(f"/admin/articles/{_article('sleep').id}/suggestions").get_data(as_text=True))
    assert "No product shares words with this article." in panel


def test_the_suggestions_panel_is_for_editors(client, auth, customer_user, product):
    article = save_article(None, ArticleDraft(source="Magnesium glycinate.", title="Magnesium", dek="d"),
                           allow_unknown_products=True).article
    url = f"/admin/articles/{article.id}/suggestions"
    assert client.get(url).status_code in (302, 401)
    auth.login(customer_user)
    assert client.get(url).status_code in (302, 403, 404)
    assert client.get("/admin/articles/999999/suggestions").status_code in (302, 403, 404)


def test_suggestions_take_one_query(app, product, count_queries):
    from storefront.admin.articles import suggested_products

    for i in range(20):
        make_product(f"magnesium-{i}", title=f"Magnesium {i}", commit=False)
    db.session.commit()
    with count_queries() as c:
        found = suggested_products("Magnesium", "magnesium for cramps and sleep " * 10)
    # The search, and on PostgreSQL the search index's statistics (which words are common).
    assert c.count == (2 if db.engine.dialect.name == "postgresql" else 1)
    assert len(found) == 6


def test_words_most_products_hold_are_left_out_of_the_search_but_still_score(app, product, monkeypatch):
    """At 100,000 products every product says "low FODMAP": finding the products that share
    that word read the whole catalog for each editor view. The search finds products through
    the article's telling words and scores them on all of its words."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the share of products holding a word comes from PostgreSQL's statistics")
    import storefront.catalog.search as search

    # The module, not the package's attribute of the same name (the admin's views).
    articles = importlib.import_module("storefront.admin.articles")

    monkeypatch.setattr(search, "COMMON_WORD_PRODUCTS", 10)  # this small catalog counts as large
    for i in range(40):
        make_product(f"crackers-{i}", title=f"Low FODMAP Crackers {i}", commit=False)
    for i in range(6):
        make_product(f"magnesium-{i}", title=f"Magnesium Bisglycinate {i}, Low FODMAP", commit=False)
    db.session.commit()
    db.session.execute(text("ANALYZE product"))
    db.session.commit()
    assert search.telling_words(["fodmap", "crackers", "magnesium"], "postgresql") == ["magnesium"]
    assert search.telling_words(["fodmap", "crackers"], "postgresql", keep_at_least=1) == ["crackers"]

    searched = []
    real_clause = articles.any_word_clause
    monkeypatch.setattr(articles, "any_word_clause", lambda words, d: searched.append(words) or real_clause(words, d))
    # Products named for the telling word outrank those named for a common one at equal scores.
    found = articles.suggested_products("Magnesium", "magnesium and low fodmap crackers " * 10)
    assert searched == [["magnesium"]]  # one search, through the telling word only
    assert len(found) == 6 and all(s.slug.startswith("magnesium-") for s in found)
    scores = {s.slug: s.score for s in found}
    assert scores["magnesium-1"] == 3  # "magnesium" in its title, "crackers" nowhere
    # Too few products hold the telling words: every product sharing a word is scored.
    searched.clear()
    found = articles.suggested_products("Crackers", "crackers and low fodmap snacks " * 10)
    assert searched[-1] == articles.article_keywords("Crackers Crackers " + "crackers and low fodmap snacks " * 10)
    assert all(s.slug.startswith("crackers-") for s in found) and len(found) == 6


def test_kept_suggestions_skip_the_search_and_show_todays_facts(app, product, fragment_store, count_queries):
    """With Redis, which products are kept per set of words: a second view reads only them (no
    search over the catalog), and a renamed product or a certificate that lapsed shows at once."""
    from storefront.admin.articles import suggested_products

    make_product("magnesium-citrate", title="Magnesium Citrate")
    body = "magnesium for cramps and sleep " * 10
    with app.test_request_context():
        first = suggested_products("Magnesium", body)
    assert [s.slug for s in first] == ["magnesium-glycinate", "magnesium-citrate"] and first[0].certified
    with app.test_request_context(), count_queries() as c:
        again = suggested_products("Magnesium", body)
    product_reads = [s for s in c.statements if "FROM product" in s]
    assert len(product_reads) == 1 and "@@" not in product_reads[0] and "MATCH" not in product_reads[0]
    assert again == first

    db.session.execute(text("UPDATE product SET title = 'Magnesium Glycinate Night' WHERE id = :id"), {"id": product.id})
    db.session.commit()
    with app.test_request_context(), count_queries() as c:
        renamed = suggested_products("Magnesium", body)
    product_reads = [s for s in c.statements if "FROM product" in s]
    assert len(product_reads) == 1 and "MATCH" not in product_reads[0] and "@@" not in product_reads[0]
    assert [s.title for s in renamed] == ["Magnesium Glycinate Night", "Magnesium Citrate"]

    day = today()
    db.session.execute(text("UPDATE certification SET valid_until = :d WHERE product_id = :id"),
                       {"d": day - timedelta(days=1), "id": product.id})
    db.session.commit()
    with app.test_request_context():
        lapsed = {s.slug: s for s in suggested_products("Magnesium", body)}
    assert lapsed["magnesium-glycinate"].certificate_note == f"certificate expired on {(day - timedelta(days=1)).isoformat()}"


def test_a_hyphenated_word_of_the_article_still_finds_its_product(app):
    """The search index finds the candidates: a word it splits ("low-fodmap") must find them too."""
    from storefront.admin.articles import suggested_products

    make_product("granola-bites", title="Low-FODMAP Granola Bites")
    found = suggested_products("Breakfast", "low-fodmap breakfasts " * 10)
    assert [s.slug for s in found] == ["granola-bites"]


def test_drafts_can_be_deleted_but_published_articles_cannot(as_editor, product):
    as_editor.post("/admin/articles/new", data=_form(action="publish"))
    article = _article()
    page = as_editor.post(f"/admin/articles/{article.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Only drafts can be deleted" in page
    as_editor.post(f"/admin/articles/{article.id}/unpublish")
    as_editor.post(f"/admin/articles/{article.id}/delete")
    assert _article() is None


def test_editor_refuses_html_that_would_swallow_the_rest_naming_its_line(as_editor, client, product):
    body = "Intro.\n\n<textarea>\n\n## Dosage\n\nTake it at night.\n"
    response = as_editor.post("/admin/articles/new", data=_form(body=body, action="publish"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not saved:" in page
    assert "Line 3: &lt;textarea&gt; is not closed" in page
    assert "Take it at night." in page  # the editor keeps the text to fix
    assert _article() is None
    assert client.get("/blog/magnesium-for-sleep").status_code == 404
