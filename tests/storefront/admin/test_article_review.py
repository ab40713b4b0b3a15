"""The editor and the medical reviewer over HTTP: publishing a health article is refused until a
reviewer approves that exact version; a later edit waits while readers keep the approved text;
references are edited in rows and shown to readers; autosave never overwrites a newer version."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from blog.models import Article, ArticleApproval
from blog.review import review_target
from storefront.extensions import db
from tests.blog.helpers import make_author

BODY = "Magnesium helps some muscles relax.\n\n[[product:magnesium-glycinate]]\n"


def _form(**overrides):
    data = {"title": "Magnesium for cramps", "slug": "", "dek": "What helps.", "body": BODY,
            "tags": "health, supplements", "author": "", "seo_title": "", "seo_description": "",
            "publish_at": "", "picker_q": "", "action": "save"}
    data.update(overrides)
    return data


def _article(slug="magnesium-for-cramps"):
    return db.session.scalar(select(Article).where(Article.slug == slug))


def _version(client, article) -> str:
    page = client.get(f"/admin/articles/{article.id}/review").get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="([0-9a-f]{64})"', page).group(1)


@pytest.fixture
def medic(app):
    return make_author("sam-ortiz", "Dr Sam Ortiz", role="medical_reviewer", credentials="MD")


def _approve(client, auth, reviewer_user, article):
    auth.logout()
    auth.login(reviewer_user)
    response = client.post(f"/admin/articles/{article.id}/approve",
                           data={"version": _version(client, article), "shown_as": "sam-ortiz"})
    auth.logout()
    return response


def test_publishing_a_health_article_is_refused_saying_why(as_editor, product):
    response = as_editor.post("/admin/articles/new", data=_form(action="publish"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Saved, but not published" in page
    assert "Medical review needed" in page and "no reviewer has approved it yet" in page
    assert "Not approved yet" in page  # the banner says what is waiting
    assert _article().status == "draft"


def test_after_a_reviewers_approval_the_article_goes_live_with_last_reviewed(client, auth, editor_user,
                                                                            reviewer_user, medic, product):
    auth.login(editor_user)
    client.post("/admin/articles/new", data=_form())
    article = _article()
    response = _approve(client, auth, reviewer_user, article)
    assert response.status_code == 302
    approval = db.session.scalar(select(ArticleApproval))
    assert approval.reviewer_email == "reviewer@example.com" and approval.approved_at is not None
    auth.login(editor_user)
    page = client.post(f"/admin/articles/{article.id}", data=_form(action="publish"), follow_redirects=True).get_data(as_text=True)
    assert "Published." in page
    public = client.get("/blog/magnesium-for-cramps").get_data(as_text=True)
    assert "Last reviewed" in public and "Medically reviewed by" in public and "Dr Sam Ortiz" in public


def test_a_later_body_edit_waits_and_the_approved_version_stays_public(client, auth, editor_user, reviewer_user,
                                                                      medic, product):
    auth.login(editor_user)
    client.post("/admin/articles/new", data=_form())
    article = _article()
    _approve(client, auth, reviewer_user, article)
    auth.login(editor_user)
    client.post(f"/admin/articles/{article.id}", data=_form(action="publish"))
    edited = _form(body="Brand new advice on cramps.\n\n[[product:magnesium-glycinate]]\n", action="publish",
                   base_version=review_target(article).digest)
    page = client.post(f"/admin/articles/{article.id}", data=edited, follow_redirects=True).get_data(as_text=True)
    assert "pending revision" in page and "waiting for a medical reviewer" in page
    assert "Brand new advice" in page  # the editor keeps working on the waiting text
    public = client.get("/blog/magnesium-for-cramps").get_data(as_text=True)
    assert "Magnesium helps some muscles relax." in public and "Brand new advice" not in public

    review = client.get(f"/admin/articles/{article.id}/review").get_data(as_text=True)
    assert "What changed in the body" in review and "Only a user with the reviewer role" in review
    _approve(client, auth, reviewer_user, article)
    public = client.get("/blog/magnesium-for-cramps").get_data(as_text=True)
    assert "Brand new advice" in public and "Magnesium helps some muscles relax." not in public


def test_a_reviewer_cannot_approve_their_own_edit(as_reviewer, medic, product):
    as_reviewer.post("/admin/articles/new", data=_form())
    article = _article()
    page = as_reviewer.post(f"/admin/articles/{article.id}/approve",
                            data={"version": _version(as_reviewer, article), "shown_as": "sam-ortiz"},
                            follow_redirects=True).get_data(as_text=True)
    assert "another reviewer must approve it" in page
    assert db.session.scalar(select(ArticleApproval)) is None


def test_an_approval_of_an_outdated_version_is_refused(client, auth, editor_user, reviewer_user, medic, product):
    auth.login(editor_user)
    client.post("/admin/articles/new", data=_form())
    article = _article()
    auth.logout()
    auth.login(reviewer_user)
    seen = _version(client, article)
    auth.logout()
    auth.login(editor_user)
    client.post(f"/admin/articles/{article.id}", data=_form(body="Changed while the reviewer read."))
    auth.logout()
    auth.login(reviewer_user)
    page = client.post(f"/admin/articles/{article.id}/approve", data={"version": seen, "shown_as": "sam-ortiz"},
                       follow_redirects=True).get_data(as_text=True)
    assert "The text changed after you opened it" in page
    assert db.session.scalar(select(ArticleApproval)) is None


def test_an_approval_needs_a_reviewer_shown_to_readers(as_reviewer, editor_user, medic, product):
    from blog.services import ArticleDraft, save_article

    article = save_article(None, ArticleDraft(source="Gut.", title="Gut", tags=["health"])).article
    page = as_reviewer.post(f"/admin/articles/{article.id}/approve", data={"version": _version(as_reviewer, article)},
                            follow_redirects=True).get_data(as_text=True)
    assert "Choose the medical reviewer readers will see" in page


def test_references_are_saved_from_rows_and_shown_to_readers_as_a_list(as_editor, product):
    data = _form(tags="supplements", action="publish", **{
        "references-0-title": "Magnesium fact sheet", "references-0-publisher": "NIH",
        "references-0-year": "2022", "references-0-url": "https://ods.od.nih.gov/factsheets/Magnesium/",
        "references-1-title": "Cramps review", "references-1-publisher": "Cochrane", "references-1-year": "2020",
        "references-1-url": "https://doi.org/10.1002/14651858.CD009402.pub3"})
    as_editor.post("/admin/articles/new", data=data)
    assert [r["title"] for r in _article().references] == ["Magnesium fact sheet", "Cramps review"]
    public = as_editor.get("/blog/magnesium-for-cramps").get_data(as_text=True)
    listing = re.search(r'<section class="references".*?</section>', public, re.S).group(0)
    assert listing.count("<li>") == 2 and "<ol>" in listing
    assert '<a href="https://ods.od.nih.gov/factsheets/Magnesium/" rel="noopener nofollow">Magnesium fact sheet</a>' in listing
    assert "NIH" in listing and "2022" in listing


def test_bad_reference_rows_are_shown_with_their_messages(as_editor, product):
    response = as_editor.post("/admin/articles/new", data=_form(**{
        "references-0-title": "", "references-0-publisher": "NIH", "references-0-year": "22",
        "references-0-url": "ftp://example.org/x"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A reference needs a title." in page and "Four digits, like 2021." in page
    assert "starting with https://" in page
    assert _article() is None


def test_add_a_reference_row_without_javascript_keeps_the_text(as_editor, product):
    page = as_editor.post("/admin/articles/new", data=_form(action="add_reference", **{
        "references-0-title": "Kept", "references-1-title": "", })).get_data(as_text=True)
    assert 'name="references-2-title"' in page and 'value="Kept"' in page
    assert "Magnesium helps some muscles relax." in page
    assert _article() is None


def test_the_editor_shows_write_and_preview_tabs_and_a_reader_width_preview(as_editor, product):
    page = as_editor.post("/admin/articles/new", data=_form(action="preview")).get_data(as_text=True)
    assert re.search(r'id="pane-preview"[^>]*checked', page)  # the Preview button opens the preview tab
    assert 'class="journal editor-reader"' in page and 'class="prose article-body editor-preview-body"' in page


def test_a_save_from_an_outdated_version_is_refused_showing_both(as_editor, product):
    as_editor.post("/admin/articles/new", data=_form())
    article = _article()
    old = review_target(article).digest
    as_editor.post(f"/admin/articles/{article.id}", data=_form(body="Saved in another tab.", base_version=old))
    response = as_editor.post(f"/admin/articles/{article.id}", data=_form(body="My stale text.", base_version=old))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Saved in another tab." in page and "My stale text." in page
    db.session.expire_all()
    assert _article().body_source == "Saved in another tab."


# ------------------------------------------------------------------------------------ autosave


def _autosave(client, article, body, base):
    return client.post(f"/admin/articles/{article.id}/autosave",
                       data={"title": article.title, "dek": "What helps.", "body": body, "base_version": base})


def test_autosave_saves_a_draft_and_returns_the_new_version(as_editor, product):
    as_editor.post("/admin/articles/new", data=_form())
    article = _article()
    response = _autosave(as_editor, article, "Typed a little more.", review_target(article).digest)
    assert response.status_code == 200
    db.session.expire_all()
    assert _article().body_source == "Typed a little more."
    assert response.get_json()["version"] == review_target(_article()).digest


def test_autosave_never_overwrites_a_newer_version(as_editor, product):
    as_editor.post("/admin/articles/new", data=_form())
    article = _article()
    started_from = review_target(article).digest
    assert _autosave(as_editor, article, "Saved from the laptop.", started_from).status_code == 200
    response = _autosave(as_editor, article, "Typed on the phone.", started_from)
    assert response.status_code == 409
    answer = response.get_json()
    assert answer["server"]["body"] == "Saved from the laptop." and answer["yours"]["body"] == "Typed on the phone."
    assert answer["server"]["version"] == review_target(article).digest
    db.session.expire_all()
    assert _article().body_source == "Saved from the laptop."


def test_autosave_keeps_drafts_only(as_editor, product):
    as_editor.post("/admin/articles/new", data=_form(tags="supplements", action="publish"))
    article = _article()
    assert article.is_public
    response = _autosave(as_editor, article, "Half-typed sentence", review_target(article).digest)
    assert response.status_code == 409 and response.get_json()["refused"]
    db.session.expire_all()
    assert _article().body_source == BODY


def test_autosave_reports_text_it_cannot_save(as_editor, product):
    as_editor.post("/admin/articles/new", data=_form())
    article = _article()
    response = as_editor.post(f"/admin/articles/{article.id}/autosave",
                              data={"title": "", "body": "x", "base_version": review_target(article).digest})
    assert response.status_code == 422 and "Title is required" in response.get_json()["errors"]
