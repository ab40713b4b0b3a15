"""Staff screens for the information pages (contact, delivery and returns, privacy, FAQ, ...)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from storefront.admin import bp
from storefront.admin.access import EDITORS, staff_required
from storefront.admin.forms import ConfirmForm, PageForm
from storefront.pages.models import SitePage
from storefront.pages.services import (
    PageError,
    delete_page,
    get_page_for_edit,
    new_standard_page,
    page_rows,
    save_page,
)


@bp.get("/pages")
@staff_required(*EDITORS)
def pages():
    return render_template("admin/pages/list.html", rows=page_rows())


@bp.route("/pages/new", methods=["GET", "POST"])
@staff_required(*EDITORS)
def page_new():
    return _page_form(None, new=True)


@bp.route("/pages/<slug:page_slug>", methods=["GET", "POST"])
@staff_required(*EDITORS)
def page_edit(page_slug: str):
    # A standard page not saved yet opens on its default text; saving stores it.
    page = get_page_for_edit(page_slug) or new_standard_page(page_slug)
    if page is None:
        abort(404)
    return _page_form(page, new=False)


def _page_form(page: SitePage | None, *, new: bool):
    form = PageForm()
    if request.method == "GET" and page is not None:
        form.title.data, form.slug.data, form.body.data = page.title, page.slug, page.body_source
    status = 200
    if form.validate_on_submit():
        try:
            saved = save_page(page if page is not None and page.id else None, form.title.data,
                              form.body.data or "", form.slug.data or "")
        except PageError as exc:
            form.slug.errors = [*form.slug.errors, str(exc)]
            status = 422
        else:
            flash(f"Page “{saved.title}” saved.", "success")
            return redirect(url_for("admin.page_edit", page_slug=saved.slug))
    elif request.method == "POST":
        status = 422
    stored = page is not None and page.id is not None
    return render_template(
        "admin/pages/form.html", form=form, page=page, new=new, stored=stored, confirm=ConfirmForm()
    ), status


@bp.post("/pages/<slug:page_slug>/delete")
@staff_required(*EDITORS)
def page_delete(page_slug: str):
    page = get_page_for_edit(page_slug)
    if page is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    delete_page(page)
    flash("Page deleted.", "success")
    return redirect(url_for("admin.pages"))
