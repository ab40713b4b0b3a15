"""Medical review of articles (reviewers approve an exact version) and the editor's autosave.

Editors may read what waits for review; only users with the reviewer role approve, admins
included only if they hold that role (see access.reviewers_only).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from blog.models import Author
from blog.services import (
    ArticleDraft,
    ArticleValidationError,
    Reviewer,
    preview_article,
)
from storefront.admin import bp
from storefront.admin.access import EDITORS, REVIEWERS, reviewers_only, staff_required
from storefront.admin.article_forms import ApproveForm
from storefront.admin.articles import (
    AutosaveConflict,
    AutosaveRefused,
    approvals_of,
    approve_as,
    autosave_draft,
    editor_review_status,
    medical_reviewers,
    source_diff,
)
from storefront.admin.views.articles import get_article_or_404
from storefront.extensions import db


def _approve_form(article) -> ApproveForm:
    form = ApproveForm()
    form.shown_as.choices = [SelectChoice("", "— Choose —")] + [
        SelectChoice(a.slug, a.byline) for a in medical_reviewers()
    ]
    if request.method == "GET" and article.reviewer is not None:
        form.shown_as.data = article.reviewer.slug
    return form


@bp.get("/articles/<int:article_id>/review")
@staff_required(*EDITORS)
def article_review(article_id: int):
    """The version waiting for sign-off, as readers would see it, with what changed."""
    article = get_article_or_404(article_id)
    status = editor_review_status(article)
    form = _approve_form(article)
    form.version.data = status.target.digest
    diff = source_diff(article.body_source or "", status.target.body) if status.pending else None
    return render_template(
        "admin/articles/review.html", article=article, status=status, form=form, diff=diff,
        preview=preview_article(status.target.body, article.slug), approvals=approvals_of(article),
        can_approve=current_user.has_role(*REVIEWERS),
    )


@bp.post("/articles/<int:article_id>/approve")
@reviewers_only
def article_approve(article_id: int):
    article = get_article_or_404(article_id)
    form = _approve_form(article)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("admin.article_review", article_id=article.id))
    shown_as = db.session.scalar(select(Author).where(Author.slug == form.shown_as.data))
    if shown_as is None:
        flash("Choose a medical reviewer from the list.", "error")
        return redirect(url_for("admin.article_review", article_id=article.id))
    try:
        approve_as(current_user, article, form.version.data, Reviewer(current_user.id, current_user.email, shown_as))
    except ArticleValidationError as exc:
        for message in exc.messages:
            flash(message, "error")
        return redirect(url_for("admin.article_review", article_id=article.id))
    flash("Approved: this version may be published" + (" and is now live." if article.is_public else "."), "success")
    return redirect(url_for("admin.article_edit", article_id=article.id))


def _limited(name: str, limit: int) -> str:
    value = request.form.get(name, "")
    if len(value) > limit:
        abort(413)
    return value


@bp.post("/articles/<int:article_id>/autosave")
@staff_required(*EDITORS)
def article_autosave(article_id: int):
    """JSON for the editor's autosave (JavaScript): 200 with the new version, 409 with the
    newer version when the draft changed elsewhere, 422 when the text cannot be saved."""
    article = get_article_or_404(article_id)
    base = request.form.get("base_version", "")[:64]
    draft = ArticleDraft(
        source=_limited("body", 200_000), title=_limited("title", 200), dek=_limited("dek", 400),
        edited_by_id=current_user.id, edited_by_email=current_user.email,
    )
    try:
        version = autosave_draft(article, base, draft)
    except AutosaveConflict as exc:
        theirs = exc.current
        return {"conflict": True, "message": "This article was changed elsewhere after you opened it.",
                "server": {"title": theirs.title, "dek": theirs.dek, "body": theirs.body, "version": theirs.digest},
                "yours": {"title": draft.title, "dek": draft.dek, "body": draft.source}}, 409
    except AutosaveRefused as exc:
        return {"refused": True, "message": str(exc)}, 409
    except ArticleValidationError as exc:
        return {"errors": exc.messages}, 422
    return {"version": version, "saved": True}
