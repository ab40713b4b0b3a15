"""Medical review sign-off: a health article is published only in a version a reviewer approved,
and a published health article's later edits wait for approval while readers keep the approved one."""

from __future__ import annotations

import pytest

from blog.models import ArticleApproval
from blog.review import article_hash, review_state, review_target
from blog.services import (
    ApprovalRefused,
    ArticleDraft,
    ArticleValidationError,
    Reviewer,
    approve_article,
    publish_article,
    save_article,
)
from storefront.extensions import db
from tests.factories import make_user

TEXT = "Magnesium helps some muscles relax.\n\n## Doses\n\nStart low."


@pytest.fixture
def people(app, reviewer):
    return {"writer": make_user("writer@example.com", role="editor"),
            "reviewer": make_user("doc@example.com", role="reviewer"), "author": reviewer}


def _health_draft(people, source=TEXT, title="Magnesium and cramps"):
    return save_article(None, ArticleDraft(source=source, title=title, tags=["health"],
                                           edited_by_id=people["writer"].id, edited_by_email="writer@example.com")).article


def _approve(article, people, digest=None):
    return approve_article(article, digest or review_target(article).digest,
                           Reviewer(people["reviewer"].id, "doc@example.com", people["author"]))


def test_a_health_article_is_not_published_without_approval(people):
    article = _health_draft(people)
    with pytest.raises(ArticleValidationError, match="no reviewer has approved it yet"):
        publish_article(article)
    assert article.status == "draft" and not article.is_public


def test_an_article_without_the_health_tag_needs_no_approval(people):
    article = save_article(None, ArticleDraft(source="Soup.", title="Soup", tags=["recipes"])).article
    assert publish_article(article).is_public


def test_approval_records_who_and_when_and_sets_last_reviewed_and_the_reviewer(people):
    article = _health_draft(people)
    _approve(article, people)
    approval = db.session.scalar(db.select(ArticleApproval))
    assert (approval.reviewer_user_id, approval.reviewer_email) == (people["reviewer"].id, "doc@example.com")
    assert approval.content_hash == article_hash(article)
    assert article.last_reviewed_at is not None and article.reviewer.slug == people["author"].slug
    assert publish_article(article).is_public


def test_approval_covers_only_the_exact_version(people):
    article = _health_draft(people)
    _approve(article, people)
    save_article(article, ArticleDraft(source=TEXT + "\n\nOne more sentence.", title=article.title))
    with pytest.raises(ArticleValidationError, match="changed after the last approval"):
        publish_article(article)
    save_article(article, ArticleDraft(source=TEXT, title=article.title))  # back to the approved text
    assert publish_article(article).is_public


def test_references_are_part_of_the_approved_version(people):
    article = _health_draft(people)
    _approve(article, people)
    save_article(article, ArticleDraft(source=TEXT, title=article.title,
                                       references=[{"title": "A study", "url": "https://example.org/s"}]))
    with pytest.raises(ArticleValidationError, match="Medical review needed"):
        publish_article(article)


def test_an_approval_of_a_version_the_reviewer_did_not_see_is_refused(people):
    article = _health_draft(people)
    seen = review_target(article).digest
    save_article(article, ArticleDraft(source=TEXT + "\n\nChanged meanwhile.", title=article.title))
    with pytest.raises(ApprovalRefused, match="changed after you opened it"):
        _approve(article, people, digest=seen)
    assert db.session.scalar(db.select(ArticleApproval)) is None


def test_a_reviewer_cannot_approve_their_own_edit(people):
    article = save_article(None, ArticleDraft(source=TEXT, title="Own work", tags=["health"],
                                              edited_by_id=people["reviewer"].id)).article
    with pytest.raises(ApprovalRefused, match="You wrote this version"):
        _approve(article, people)


def test_a_later_edit_of_a_published_health_article_waits_while_the_approved_text_stays_public(people):
    article = _health_draft(people)
    _approve(article, people)
    publish_article(article)
    approved_html = article.body_html
    result = save_article(article, ArticleDraft(source="Entirely new advice.", title="Magnesium, revised",
                                                edited_by_id=people["writer"].id, edited_by_email="writer@example.com"))
    assert result.held_for_review
    db.session.expire_all()
    assert (article.title, article.body_source, article.body_html) == ("Magnesium and cramps", TEXT, approved_html)
    assert article.is_public
    state = review_state(article)
    assert (state.pending_title, state.pending_body, state.pending_by_email) == (
        "Magnesium, revised", "Entirely new advice.", "writer@example.com")
    assert publish_article(article).is_public  # re-publishing keeps the approved version live

    _approve(article, people)
    db.session.expire_all()
    assert (article.title, article.body_source) == ("Magnesium, revised", "Entirely new advice.")
    assert "Entirely new advice." in article.body_html
    assert not review_state(article).has_pending
    assert article.is_public


def test_the_writer_of_a_pending_edit_cannot_approve_it(people):
    article = _health_draft(people)
    _approve(article, people)
    publish_article(article)
    save_article(article, ArticleDraft(source="Reviewer's own change.", title=article.title,
                                       edited_by_id=people["reviewer"].id))
    with pytest.raises(ApprovalRefused, match="You wrote this version"):
        _approve(article, people)


def test_saving_the_approved_text_again_drops_the_pending_edit(people):
    article = _health_draft(people)
    _approve(article, people)
    publish_article(article)
    save_article(article, ArticleDraft(source="Draft idea.", title=article.title))
    assert review_state(article).has_pending
    save_article(article, ArticleDraft(source=TEXT, title=article.title))
    assert not review_state(article).has_pending


@pytest.mark.parametrize(("reference", "message"), [
    ({"title": "T", "year": "21"}, "year must be four digits"),
    ({"title": "T", "year": "２０２１"}, "year must be four digits"),
    ({"title": "T", "url": "javascript:alert(1)"}, r"http\(s\) address"),
    ({"title": "T", "url": "https://x.org/" + "a" * 600}, "link is too long"),
    ({"title": "T" * 301}, "title is too long"),
    ({"title": "T", "publisher": "P" * 201}, "publisher is too long"),
    ({"publisher": "Only a publisher"}, "needs a title"),
])
def test_bad_references_are_refused_naming_the_problem(app, reference, message):
    with pytest.raises(ArticleValidationError, match=message):
        save_article(None, ArticleDraft(source="x", title="Refs", references=[reference]))


def test_references_keep_title_publisher_year_and_link_and_drop_blank_rows(app):
    article = save_article(None, ArticleDraft(source="x", title="Refs", references=[
        {"title": " Magnesium fact sheet ", "publisher": "NIH", "year": "2022", "url": "https://ods.od.nih.gov/"},
        {"title": "", "publisher": "", "year": "", "url": ""},
    ])).article
    assert article.references == [{"title": "Magnesium fact sheet", "publisher": "NIH", "year": "2022",
                                   "url": "https://ods.od.nih.gov/"}]


def _article_page_queries(app, count_queries, slug) -> int:
    visitor = app.test_client(use_cookies=False)
    assert visitor.get(f"/blog/{slug}").status_code == 200
    db.session.remove()
    with count_queries() as counter:
        page = visitor.get(f"/blog/{slug}")
    assert page.status_code == 200
    return counter.count


def test_references_add_no_queries_to_the_article_page(app, count_queries):
    from tests.blog.helpers import make_article

    def refs(n):
        return [{"title": f"Study {i}", "publisher": "Journal", "year": "2020", "url": f"https://example.org/{i}"}
                for i in range(n)]

    make_article("one-ref", references=refs(1))
    make_article("many-refs", references=refs(40))
    assert _article_page_queries(app, count_queries, "one-ref") == _article_page_queries(app, count_queries, "many-refs")
    page = app.test_client().get("/blog/many-refs").get_data(as_text=True)
    assert page.count('rel="noopener nofollow"') >= 40 and "Study 39" in page
