"""Staff screens for discount codes: the list (uses, revenue, status), the form, and each code's uses."""

from __future__ import annotations

from datetime import UTC

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from storefront.admin import bp
from storefront.admin.access import ADMIN_ONLY, staff_required
from storefront.admin.forms import to_minor_units
from storefront.admin.order_sources import article_sources
from storefront.clock import as_utc
from storefront.discounts.forms import DiscountForm, slug_list
from storefront.discounts.models import Discount, DiscountKind, DiscountRedemption
from storefront.discounts.queries import problem_of
from storefront.discounts.services import DiscountSaveError, describe, normalise_code, save_discount
from storefront.extensions import db
from storefront.money import to_decimal
from storefront.orders.models import REVENUE_STATUSES, Order


def _revenue_clause():
    return Order.status.in_([s.value for s in REVENUE_STATUSES])


@bp.get("/discounts")
@staff_required(*ADMIN_ONLY)
def discounts():
    """Every code with its uses, the revenue and saving of its paid orders, and its status: three queries."""
    codes = list(db.session.scalars(select(Discount).order_by(Discount.active.desc(), Discount.code)))
    uses = dict(db.session.execute(
        select(DiscountRedemption.discount_id, func.count(DiscountRedemption.id)).group_by(DiscountRedemption.discount_id)
    ).all())
    paid = {row[0]: (int(row[1]), int(row[2])) for row in db.session.execute(
        select(DiscountRedemption.discount_id, func.sum(Order.total - Order.refunded_total), func.sum(DiscountRedemption.amount))
        .join(Order, Order.id == DiscountRedemption.order_id).where(_revenue_clause())
        .group_by(DiscountRedemption.discount_id)
    )}
    rows = [(d, describe(d), problem_of(d), uses.get(d.id, 0), *paid.get(d.id, (0, 0))) for d in codes]
    return render_template("admin/discounts/list.html", rows=rows)


@bp.route("/discounts/new", methods=["GET", "POST"])
@staff_required(*ADMIN_ONLY)
def discount_new():
    return _discount_form(None)


@bp.route("/discounts/<int:discount_id>/edit", methods=["GET", "POST"])
@staff_required(*ADMIN_ONLY)
def discount_edit(discount_id: int):
    return _discount_form(_discount_or_404(discount_id))


@bp.get("/discounts/<int:discount_id>")
@staff_required(*ADMIN_ONLY)
def discount_detail(discount_id: int):
    discount = _discount_or_404(discount_id)
    redemptions = db.session.execute(
        select(DiscountRedemption, Order).join(Order, Order.id == DiscountRedemption.order_id)
        .where(DiscountRedemption.discount_id == discount.id).order_by(DiscountRedemption.id.desc()).limit(200)
    ).all()
    sources = article_sources(r.source for r, _ in redemptions)
    return render_template("admin/discounts/detail.html", discount=discount, summary=describe(discount),
                           problem=problem_of(discount), redemptions=redemptions, sources=sources)


@bp.get("/discounts/code/<code>")
@staff_required(*ADMIN_ONLY)
def discount_by_code(code: str):
    discount = db.session.scalar(select(Discount).where(Discount.code == normalise_code(code)))
    if discount is None:
        abort(404)
    return redirect(url_for("admin.discount_detail", discount_id=discount.id))


def _discount_or_404(discount_id: int) -> Discount:
    discount = db.session.get(Discount, discount_id)
    if discount is None:
        abort(404)
    return discount


def _fill(form: DiscountForm, discount: Discount, currency: str) -> None:
    form.code.data, form.note.data, form.kind.data = discount.code, discount.note, discount.kind
    form.value.data = (discount.value if discount.kind == DiscountKind.PERCENTAGE
                       else to_decimal(discount.value, currency))
    form.min_subtotal.data = to_decimal(discount.min_subtotal, currency)
    form.starts_at.data = as_utc(discount.starts_at).replace(tzinfo=None) if discount.starts_at else None
    form.ends_at.data = as_utc(discount.ends_at).replace(tzinfo=None) if discount.ends_at else None
    form.usage_limit.data, form.per_customer_limit.data = discount.usage_limit, discount.per_customer_limit
    form.product_slugs.data = ", ".join(discount.product_slugs or [])
    form.collection_slugs.data = ", ".join(discount.collection_slugs or [])
    form.exclude_sale_items.data, form.active.data = discount.exclude_sale_items, discount.active


def _values(form: DiscountForm, currency: str) -> dict:
    kind = form.kind.data
    raw = form.value.data
    if kind == DiscountKind.PERCENTAGE:
        value = int(raw or 0)
    elif kind == DiscountKind.FIXED:
        value = to_minor_units(raw, currency) or 0
    else:
        value = 0
    return {
        "code": form.code.data, "note": (form.note.data or "").strip(), "kind": kind, "value": value,
        "min_subtotal": to_minor_units(form.min_subtotal.data, currency) or 0,
        "starts_at": form.starts_at.data.replace(tzinfo=UTC) if form.starts_at.data else None,
        "ends_at": form.ends_at.data.replace(tzinfo=UTC) if form.ends_at.data else None,
        "usage_limit": form.usage_limit.data, "per_customer_limit": form.per_customer_limit.data,
        "product_slugs": slug_list(form.product_slugs.data), "collection_slugs": slug_list(form.collection_slugs.data),
        "exclude_sale_items": bool(form.exclude_sale_items.data), "active": bool(form.active.data),
    }


def _discount_form(discount: Discount | None):
    currency = current_app.config["STORE_CURRENCY"]
    form = DiscountForm()
    if request.method == "GET" and discount is not None:
        _fill(form, discount, currency)
    status = 200
    if form.validate_on_submit():
        try:
            saved = save_discount(discount, _values(form, currency), current_user)
        except DiscountSaveError as error:
            form.code.errors = [*form.code.errors, str(error)]
            status = 422
        else:
            flash(f"Code {saved.code} saved.", "success")
            return redirect(url_for("admin.discount_detail", discount_id=saved.id))
    elif request.method == "POST":
        status = 422
    return render_template("admin/discounts/form.html", form=form, discount=discount), status
