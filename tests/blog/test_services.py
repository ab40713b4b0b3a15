"""Saving, publishing, previewing and counting articles through the blog's services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from blog.models import ArticleProductLink, ArticleStatus, ArticleView
from blog.services import (
    ArticleDraft,
    ArticleValidationError,
    article_saving,
    broken_ctas,
    preview_article,
    publish_article,
    record_article_view,
    save_article,
    unpublish_article,
)
from storefront.clock import now, today
from storefront.extensions import db
from tests.blog.helpers import make_article
from tests.factories import make_collection, make_product


def _links(article):
    return db.session.scalars(
        select(ArticleProductLink.product_slug)
        .where(ArticleProductLink.article_id == article.id)
        .order_by(ArticleProductLink.position)
    ).all()


def test_save_renders_once_and_stores_ctas_headings_and_words(app):
    make_product("magnesium-glycinate")
    result = save_article(None, ArticleDraft(
        source="Intro words here.\n\n## Forms\n\n[[product:magnesium-glycinate]]\n",
        title="Magnesium",
    ))
    article = result.article
    assert article.slug == "magnesium"
    assert article.status == ArticleStatus.DRAFT
    assert "<!--cta:0-->" in article.body_html
    assert article.cta_blocks == [
        {"kind": "product", "slugs": ["magnesium-glycinate"], "label": None, "line": 5}
    ]
    assert article.headings == [{"level": 2, "text": "Forms", "anchor": "forms"}]
    assert article.word_count == 4
    assert result.warnings == []


def test_unknown_product_slug_is_refused_naming_it(app):
    with pytest.raises(ArticleValidationError) as error:
        save_article(None, ArticleDraft(source="Text\n\n[[product:no-such-thing]]\n", title="T"))
    assert any("no-such-thing" in m and "line 3" in m for m in error.value.messages)


def test_unknown_collection_slug_is_refused_naming_it(app):
    with pytest.raises(ArticleValidationError) as error:
        save_article(None, ArticleDraft(source="[[collection:ghosts]]\n", title="T"))
    assert "Unknown collection 'ghosts'" in error.value.messages[0]


def test_malformed_shortcode_is_refused_with_its_line_number(app):
    with pytest.raises(ArticleValidationError) as error:
        save_article(None, ArticleDraft(source="One\n\nTwo\n\n[[product:broken\n", title="T"))
    assert error.value.messages[0].startswith("Line 5:")


def test_draft_may_keep_unknown_slugs_as_warnings_when_asked(app):
    result = save_article(
        None, ArticleDraft(source="[[product:coming-soon]]\n", title="T"), allow_unknown_products=True
    )
    assert "coming-soon" in result.warnings[0]
    assert _links(result.article) == ["coming-soon"]


def test_published_article_never_keeps_unknown_slugs(app):
    article = make_article("live")
    with pytest.raises(ArticleValidationError):
        save_article(article, ArticleDraft(source="[[product:gone]]\n", title="Live"), allow_unknown_products=True)


def test_links_are_rebuilt_on_every_save(app):
    for slug in ("a", "b", "c"):
        make_product(slug)
    article = make_article("links", "[[products:a,b]]\n")
    assert _links(article) == ["a", "b"]
    save_article(article, ArticleDraft(source="[[shop-now:c]] and more\n\n[[product:a]]\n", title="Links"))
    assert _links(article) == ["c", "a"]


def test_publishing_is_refused_while_a_cta_points_at_an_archived_product(app):
    make_product("old-thing", status="archived")
    result = save_article(None, ArticleDraft(source="[[product:old-thing]]\n", title="T"))
    assert "archived" in result.warnings[0]
    with pytest.raises(ArticleValidationError) as error:
        publish_article(result.article)
    assert "old-thing" in error.value.messages[0]
    assert result.article.status == ArticleStatus.DRAFT


def test_publishing_in_the_future_schedules(app):
    article = make_article("later", status="draft")
    publish_article(article, at=now() + timedelta(days=5))
    assert article.status == ArticleStatus.SCHEDULED
    assert not article.is_public


def test_unpublish_hides_the_article(app):
    article = make_article("gone-soon")
    unpublish_article(article)
    assert not article.is_public


def test_health_tag_turns_on_the_disclaimer(app):
    article = make_article("healthy", tags=["Health", "supplements"], status="draft")
    assert article.has_disclaimer
    assert sorted(article.tag_slugs) == ["health", "supplements"]
    save_article(article, ArticleDraft(source=article.body_source, title=article.title, tags=["recipes"]))
    assert not article.has_disclaimer


def test_a_published_health_article_keeps_its_health_tag(app):
    article = make_article("healthy", tags=["health"])
    with pytest.raises(ArticleValidationError, match="keeps its “health” tag"):
        save_article(article, ArticleDraft(source=article.body_source, title=article.title, tags=["recipes"]))
    assert article.has_disclaimer


def test_bad_references_and_duplicate_slugs_are_refused(app):
    make_article("taken")
    with pytest.raises(ArticleValidationError) as error:
        save_article(None, ArticleDraft(source="x", title="Taken", references=[{"title": "", "url": "javascript:x"}]))
    messages = " | ".join(error.value.messages)
    assert "already uses the slug 'taken'" in messages
    assert "Reference 1 needs a title" in messages
    assert "http(s)" in messages


def test_saving_an_existing_article_signals_before_changing_it(app):
    article = make_article("signalled", "Old words.")
    seen = []

    def receiver(sender, **kwargs):
        seen.append(sender.body_source)

    article_saving.connect(receiver)
    try:
        save_article(article, ArticleDraft(source="New words.", title=article.title))
    finally:
        article_saving.disconnect(receiver)
    assert seen == ["Old words."]


def test_preview_fills_cards_and_reports_problems_without_saving(app):
    make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1899)
    with app.test_request_context("/admin/articles/preview"):
        preview = preview_article("Hi\n\n[[product:magnesium-glycinate]]\n\n[[product:nope]]\n\n[[bad")
    assert "Magnesium Glycinate" in preview.html
    assert "$18.99" in preview.html
    assert any("nope" in e for e in preview.errors)
    assert any(e.startswith("Line 7") for e in preview.errors)
    assert "[[bad" not in preview.html


def test_view_counter_upserts_one_row_per_article_and_day(app):
    article = make_article("counted")
    for _ in range(3):
        record_article_view(article.id)
    row = db.session.get(ArticleView, (article.id, today()))
    assert row.views == 3


def test_broken_ctas_lists_sold_out_archived_and_missing_targets(app):
    make_product("fine")
    make_product("empty", stock=0)
    gone = make_product("gone")
    collection = make_collection("teas")
    make_article("shop", "[[products:fine,empty,gone]]\n\n[[collection:teas]]\n")
    gone.status = "archived"
    db.session.delete(collection)
    db.session.commit()
    found = {(b.slug, b.problem) for b in broken_ctas()}
    assert found == {("empty", "sold-out"), ("gone", "unavailable"), ("teas", "missing")}


def test_drafts_are_not_checked_for_broken_ctas(app):
    make_product("empty", stock=0)
    make_article("draft", "[[product:empty]]\n", status="draft")
    assert broken_ctas() == []


def test_an_absurdly_long_article_is_refused(app):
    with pytest.raises(ArticleValidationError) as error:
        save_article(None, ArticleDraft(source="word " * 50_000, title="Long"))
    assert "too long" in error.value.messages[0]


def test_scheduled_article_reads_as_published_once_its_moment_has_come(app):
    article = make_article("soon", status="draft")
    publish_article(article, at=now() + timedelta(hours=1))
    assert article.display_status == ArticleStatus.SCHEDULED
    article.published_at = now() - timedelta(minutes=1)
    assert article.display_status == ArticleStatus.PUBLISHED
