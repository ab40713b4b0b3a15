"""The article editor: Markdown with server preview, product picker, suggestions, scheduling,
revisions and the medical review queue. Editors and admins."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from blog.models import Article, ArticleStatus
from blog.review import review_target
from blog.services import (
    ArticleDraft,
    ArticleValidationError,
    delete_article,
    preview_article,
    save_article,
)
from storefront.admin import bp
from storefront.admin.access import EDITORS, staff_required
from storefront.admin.article_forms import BLANK_REFERENCE_ROWS, ArticleForm
from storefront.admin.articles import (
    editor_review_status,
    kept_suggested_products,
    publish_as,
    restore_revision,
    review_due_articles,
    revisions_of,
    suggested_products,
    unpublish_as,
)
from storefront.admin.forms import ConfirmForm
from storefront.admin.models import ArticleRevision
from storefront.admin.queries import article_page, author_options
from storefront.admin.suggestion_ranking import (
    RETRY_AFTER_SECONDS,
    linked_slugs,
    panel_suggestions,
    rank_suggestions_later,
)
from storefront.catalog.admin_services import search_products_for_picker
from storefront.clock import as_utc
from storefront.extensions import db
from storefront.site_settings import get_site_settings

PER_PAGE = 25


def get_article_or_404(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        abort(404)
    return article


def _author_choices(form: ArticleForm) -> None:
    form.author.choices = [SelectChoice("", "— None —")] + [SelectChoice(slug, byline) for slug, byline in author_options()]


def _fill_from_article(form: ArticleForm, article: Article) -> None:
    """The editor starts from the version waiting for review when there is one, else the
    article's own text; base_version names it."""
    target = review_target(article)
    form.title.data = target.title
    form.slug.data = article.slug
    form.dek.data = target.dek
    form.body.data = target.body
    _fill_references(form, target.references)
    form.base_version.data = target.digest
    form.tags.data = ", ".join(t.name for t in article.tags)
    form.author.data = article.author.slug if article.author else ""
    form.seo_title.data = article.seo_title
    form.seo_description.data = article.seo_description
    if article.status == ArticleStatus.SCHEDULED and article.published_at:
        form.publish_at.data = article.published_at.replace(tzinfo=None)


def _fill_references(form: ArticleForm, references: list[dict[str, str]]) -> None:
    while len(form.references.entries):
        form.references.pop_entry()
    for ref in references:
        form.references.append_entry(ref)
    for _ in range(BLANK_REFERENCE_ROWS):
        form.references.append_entry()


@bp.get("/articles")
@staff_required(*EDITORS)
def articles():
    status = request.args.get("status", "")
    q = (request.args.get("q") or "").strip()[:200]
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    result = article_page(status, q, page)
    return render_template("admin/articles/list.html", result=result, status=status, q=q,
                           statuses=[s.value for s in ArticleStatus])


@bp.route("/articles/new", methods=["GET", "POST"])
@staff_required(*EDITORS)
def article_new():
    return _editor(None)


@bp.route("/articles/<int:article_id>", methods=["GET", "POST"])
@staff_required(*EDITORS)
def article_edit(article_id: int):
    return _editor(get_article_or_404(article_id))


def _editor(article: Article | None):
    """The editor page: GET shows the article, a POST's action previews, picks products, or
    saves (and publishes)."""
    form = ArticleForm()
    _author_choices(form)
    context = {"preview": None, "picker_results": None, "messages": [], "warnings": [], "pane": "write"}
    if request.method != "POST":
        if request.method == "GET" and article is not None:
            _fill_from_article(form, article)
            context["preview"] = preview_article(form.body.data or "", article.slug)
        elif article is None:
            _fill_references(form, [])
        # The page comes at once; suggestions not ranked yet are fetched apart (admin.js), or
        # ranked here when asked for (the panel's link, without scripts).
        return _render_editor(form, article, context, rank_now="suggest" in request.args)
    action = request.form.get("action", "save")
    if action == "preview":
        context["preview"] = _preview_of_form(form, article)
        context["pane"] = "preview"
    elif action == "add_reference":
        if len(form.references.entries) < form.references.max_entries:
            form.references.append_entry()
    elif action == "pick":
        context["picker_results"] = _picked_products(form)
    elif action in ("save", "publish"):
        return _save_from_form(article, form, context, publish=action == "publish")
    else:
        abort(400)
    return _render_editor(form, article, context)


def _preview_of_form(form: ArticleForm, article: Article | None):
    return preview_article(form.body.data or "", (form.slug.data or (article.slug if article else "preview")))


def _picked_products(form: ArticleForm) -> list:
    q = (form.picker_q.data or "").strip()[:200]
    return search_products_for_picker(q) if q else []


def _save_from_form(article: Article | None, form: ArticleForm, context: dict, *, publish: bool):
    """Save (and publish) the submitted article and go back to its editor; a form or article
    the blog refuses is shown again with its messages (422)."""
    if not form.validate():
        return _render_editor(form, article, context, 422)
    if article is not None and form.base_version.data and form.base_version.data != review_target(article).digest:
        # Someone (or this editor's autosave in another tab) saved a newer version meanwhile.
        context["conflict"] = review_target(article)
        form.base_version.data = context["conflict"].digest  # a second Save, made knowingly, wins
        return _render_editor(form, article, context, 409)
    try:
        result = _save(article, form)
    except ArticleValidationError as exc:
        context["messages"] = exc.messages
        return _render_editor(form, article, context, 422)
    article = result.article
    if publish and not result.held_for_review:
        if not _publish(article, form):
            return redirect(url_for("admin.article_edit", article_id=article.id))
    elif not result.held_for_review:
        flash("Saved.", "success")
    for warning in result.warnings:
        flash(warning, "warning")
    return redirect(url_for("admin.article_edit", article_id=article.id))


def _publish(article: Article, form: ArticleForm) -> bool:
    """Publish (or schedule) a just-saved article and say so; False when publishing was refused."""
    try:
        publish_as(current_user, article, at=_publish_moment(form))
    except ArticleValidationError as exc:
        flash("Saved, but not published:", "error")
        for message in exc.messages:
            flash(message, "error")
        return False
    flash("Scheduled." if article.status == ArticleStatus.SCHEDULED else "Published.", "success")
    return True


def _render_editor(
    form: ArticleForm, article: Article | None, context: dict, status: int = 200, rank_now: bool = True
):
    text = (form.title.data or "", form.body.data or "")
    linked = _linked_slugs(article)
    if rank_now or article is None:
        context["suggestions"] = suggested_products(*text, exclude=linked)
    else:
        context["suggestions"] = kept_suggested_products(*text, exclude=linked)
    context["review"] = editor_review_status(article) if article is not None else None
    context["preview_references"] = form.reference_values()
    return render_template(
        "admin/articles/edit.html", form=form, article=article, confirm=ConfirmForm(),
        revision_count=len(revisions_of(article)) if article is not None else 0, **context,
    ), status


def _linked_slugs(article: Article | None) -> list[str]:
    return linked_slugs(article) if article is not None else []


@bp.get("/articles/<int:article_id>/suggestions")
@staff_required(*EDITORS)
def article_suggestions(article_id: int):
    """The editor's "Suggested products" panel for the text the editor opens with (the version
    waiting for review, else the article's), alone: the editor page fetches it when the
    suggestions were not ranked yet (admin.js)."""
    article = get_article_or_404(article_id)
    found = panel_suggestions(article)
    if found is None:  # a worker is ranking them (saved a moment ago): come back, admin.js does
        panel = render_template("admin/articles/_suggestions.html", ranking=True, article=article, alone=True)
        return panel, 202, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return render_template("admin/articles/_suggestions.html", suggestions=found, article=article, alone=True)


def _publish_moment(form: ArticleForm) -> datetime | None:
    return as_utc(form.publish_at.data) if form.publish_at.data else None


def _text(field) -> str:
    return field.data or ""


def _draft(form: ArticleForm) -> ArticleDraft:
    """The submitted form as the blog saves it: an empty field clears its value, an empty slug
    keeps the article's (or makes one from the title)."""
    return ArticleDraft(
        source=_text(form.body),
        title=_text(form.title),
        dek=_text(form.dek),
        slug=_text(form.slug).strip() or None,
        author=_text(form.author),
        tags=[t for t in _text(form.tags).split(",") if t.strip()],
        references=form.reference_values(),
        seo_title=_text(form.seo_title),
        seo_description=_text(form.seo_description),
        edited_by_id=current_user.id,
        edited_by_email=current_user.email,
    )


def _save(article: Article | None, form: ArticleForm):
    result = save_article(article, _draft(form), allow_unknown_products=True)
    rank_suggestions_later(result.article)
    return result


@bp.post("/articles/preview")
@staff_required(*EDITORS)
def article_live_preview():
    """JSON for the editor's live preview (JavaScript); the Preview button needs no JS."""
    source = request.form.get("body", "")[:200_000]
    slug = (request.form.get("slug") or "preview")[:160]
    preview = preview_article(source, slug)
    return {"html": str(preview.html), "errors": preview.errors, "warnings": preview.warnings,
            "word_count": preview.word_count, "reading_minutes": preview.reading_minutes}


@bp.post("/articles/<int:article_id>/unpublish")
@staff_required(*EDITORS)
def article_unpublish(article_id: int):
    article = get_article_or_404(article_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    unpublish_as(current_user, article)
    flash("Back to draft: the article is no longer public.", "success")
    return redirect(url_for("admin.article_edit", article_id=article.id))


@bp.post("/articles/<int:article_id>/delete")
@staff_required(*EDITORS)
def article_delete(article_id: int):
    article = get_article_or_404(article_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if article.status != ArticleStatus.DRAFT:
        flash("Only drafts can be deleted: move the article back to draft first.", "error")
        return redirect(url_for("admin.article_edit", article_id=article.id))
    title = article.title
    delete_article(article)
    flash(f"“{title}” deleted.", "success")
    return redirect(url_for("admin.articles"))


@bp.get("/articles/<int:article_id>/revisions")
@staff_required(*EDITORS)
def article_revisions(article_id: int):
    article = get_article_or_404(article_id)
    return render_template("admin/articles/revisions.html", article=article, revisions=revisions_of(article),
                           confirm=ConfirmForm())


@bp.post("/articles/<int:article_id>/revisions/<int:revision_id>/restore")
@staff_required(*EDITORS)
def article_restore(article_id: int, revision_id: int):
    article = get_article_or_404(article_id)
    revision = db.session.get(ArticleRevision, revision_id)
    if revision is None or revision.article_id != article.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        restore_revision(article, revision)
    except ArticleValidationError as exc:
        flash("That version cannot be restored as it is:", "error")
        for message in exc.messages:
            flash(message, "error")
        return redirect(url_for("admin.article_revisions", article_id=article.id))
    flash("Version restored; the replaced text is kept as a revision.", "success")
    return redirect(url_for("admin.article_edit", article_id=article.id))


@bp.get("/review-due")
@staff_required(*EDITORS)
def review_due():
    days = int(get_site_settings().review_max_age_days or 365)
    return render_template("admin/articles/review_due.html", due=review_due_articles(days), days=days,
                           confirm=ConfirmForm())


from storefront.admin.views import article_review  # noqa: E402, F401  (review, approval, autosave)
