"""The audit log for staff: everything (admins), and one object's history.

Admins see every entry. Editors see only articles' histories (publishing is their work); the
rest names prices, refunds and customers' roles, which is admins' business.
"""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request, url_for
from flask_login import current_user

from storefront.admin import bp
from storefront.admin.access import EDITORS, staff_required
from storefront.audit.display import changes
from storefront.audit.queries import MAX_PAGE, AuditFilters, audit_page, history, object_types

EDITOR_TYPES = frozenset({"article"})
# Where an object is edited: (endpoint, URL argument). A variant's and a certificate's product is
# their parent; objects without a page of their own (users, until the customer pages) have none.
EDIT_PAGES = {
    "product": ("admin.product_edit", "product_id"),
    "article": ("admin.article_edit", "article_id"),
    "order": ("admin.order_detail", "order_id"),
}
TYPE_RE_MAX = 40


def _page_arg() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), MAX_PAGE))
    except ValueError:
        return 1


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat((request.args.get(name) or "").strip()[:10])
    except ValueError:
        return None


def edit_link(object_type: str, object_id: str, parent_type: str | None = None, parent_id: str | None = None):
    """The page where the object (or the object it belongs to) is edited, if it has one."""
    for kind, ident in ((object_type, object_id), (parent_type, parent_id)):
        if kind in EDIT_PAGES and ident and ident.isdigit():
            endpoint, arg = EDIT_PAGES[kind]
            return url_for(endpoint, **{arg: int(ident)})
    if object_type == "settings":
        return url_for("admin.settings")
    return None


def history_link(object_type: str, object_id: object) -> str:
    return url_for("admin.audit_history", object_type=object_type, object_id=str(object_id))


@bp.app_template_global("audit_history_url")
def _audit_history_url(object_type: str, object_id: object) -> str:
    """For every page with a "History" link (product, article, order, settings, a user)."""
    return history_link(object_type, object_id)


@bp.get("/audit")
def audit_log():
    filters = AuditFilters(
        object_type=(request.args.get("type") or "").strip()[:TYPE_RE_MAX],
        actor=(request.args.get("who") or "").strip()[:254],
        since=_date_arg("since"),
        until=_date_arg("until"),
        page=_page_arg(),
    )
    result = audit_page(filters)
    return render_template(
        "admin/audit.html", result=result, filters=filters, types=object_types(), changes=changes,
        edit_link=edit_link,
    )


@bp.get("/audit/<object_type>/<object_id>")
@staff_required(*EDITORS)
def audit_history(object_type: str, object_id: str):
    if len(object_type) > TYPE_RE_MAX or len(object_id) > 64:
        abort(404)
    if not current_user.is_admin and object_type not in EDITOR_TYPES:
        abort(403)
    result = history(object_type, object_id, _page_arg())
    label = result.entries[0].object_label if result.entries and result.entries[0].object_type == object_type else ""
    return render_template(
        "admin/audit_history.html", result=result, object_type=object_type, object_id=object_id,
        label=label, changes=changes, edit_link=edit_link(object_type, object_id),
    )
