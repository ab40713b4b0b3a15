"""Staff order pages: list, detail with history, fulfil, cancel (stock released), refund, clear a review flag;
and payments that arrived without an order, which staff settle with a note.

No staff_required here: the admin guard leaves these to admins (editors do not handle orders).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from storefront.admin import bp
from storefront.admin.forms import (
    CancelOrderForm,
    ClearReviewForm,
    ConfirmForm,
    FulfilForm,
    OrderFilterForm,
    RefundForm,
    ResolveUnmatchedPaymentForm,
)
from storefront.admin.queries import (
    OrderFilters,
    flagged_order_count,
    get_order_with_history,
    order_page,
)
from storefront.extensions import db
from storefront.money import format_money, to_decimal, to_minor
from storefront.orders.models import Order, OrderStatus
from storefront.orders.services import (
    OrderError,
    actor_label,
    cancel_order,
    clear_review,
    mark_fulfilled,
    refund_order,
)
from storefront.payments.models import UnmatchedPayment
from storefront.payments.unmatched import (
    UnmatchedPaymentError,
    open_unmatched_count,
    open_unmatched_payments,
    resolve_unmatched_payment,
    resolved_unmatched_payments,
)

PER_PAGE = 25


def get_order_or_404(order_id: int) -> Order:
    order = get_order_with_history(order_id)
    if order is None:
        abort(404)
    return order


@bp.get("/orders")
def orders():
    form = OrderFilterForm(request.args)
    form.status.choices = [SelectChoice("", "Any")] + [
        SelectChoice(s.value, s.value.replace("_", " ").capitalize()) for s in OrderStatus
    ]
    valid = form.validate()
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    # Only the value the checkbox sends turns the filter on; the box shows what was applied.
    form.review.data = request.args.get("review") == "1"
    filters = OrderFilters(
        q=(request.args.get("q") or "").strip()[:254],
        status=request.args.get("status", ""),
        start=form.start.data if valid else None,
        end=form.end.data if valid else None,
        page=page,
        needs_review=form.review.data,
    )
    return render_template("admin/orders/list.html", form=form, result=order_page(filters),
                           flagged_count=flagged_order_count(),
                           unmatched_count=open_unmatched_count())


@bp.get("/orders/<int:order_id>")
def order_detail(order_id: int):
    return _render_order(get_order_or_404(order_id))


def _render_order(order: Order, status: int = 200, **forms):
    currency = order.currency
    refund_form = forms.get("refund_form") or RefundForm(prefix="refund")
    if refund_form.amount.data is None and order.refundable_amount > 0:
        refund_form.amount.data = to_decimal(order.refundable_amount, currency)
    refund_form.seen.data = order.refunded_total
    refund_form.seen.raw_data = None  # show today's figure, not the one a refused form sent
    review_form = forms.get("review_form") or ClearReviewForm(prefix="review")
    review_form.seen_reason.data = order.review_reason
    review_form.seen_reason.raw_data = None  # the reason on screen now, not the one a refused form sent
    return render_template(
        "admin/orders/detail.html",
        order=order,
        confirm=ConfirmForm(),
        cancel_form=forms.get("cancel_form") or CancelOrderForm(prefix="cancel"),
        fulfil_form=forms.get("fulfil_form") or FulfilForm(prefix="fulfil"),
        refund_form=refund_form,
        review_form=review_form,
        events=sorted(order.events, key=lambda e: (e.created_at, e.id)),
        can_fulfil=order.can_become(OrderStatus.FULFILLED),
        can_cancel=order.can_become(OrderStatus.CANCELLED),
    ), status


def _act_on_order(order: Order, action, success: str):
    """Run a staff action on the order, flash its refusal or `success`, and go back to the order."""
    try:
        action()
    except OrderError as exc:
        flash(str(exc), "error")
    else:
        flash(success, "success")
    return redirect(url_for("admin.order_detail", order_id=order.id))


@bp.post("/orders/<int:order_id>/fulfil")
def order_fulfil(order_id: int):
    order = get_order_or_404(order_id)
    form = FulfilForm(prefix="fulfil")
    if not form.validate_on_submit():
        return _render_order(order, 422, fulfil_form=form)
    return _act_on_order(
        order,
        lambda: mark_fulfilled(order, current_user, form.tracking),
        f"Order {order.number} marked fulfilled; the shopper is emailed the shipping notice.",
    )


@bp.post("/orders/<int:order_id>/cancel")
def order_cancel(order_id: int):
    order = get_order_or_404(order_id)
    form = CancelOrderForm(prefix="cancel")
    if not form.validate_on_submit():
        return _render_order(order, 422, cancel_form=form)
    return _act_on_order(
        order,
        lambda: cancel_order(order, current_user, form.reason.data.strip()),
        f"Order {order.number} cancelled; its stock is back on sale.",
    )


@bp.post("/orders/<int:order_id>/refund")
def order_refund(order_id: int):
    order = get_order_or_404(order_id)
    form = RefundForm(prefix="refund")
    if not form.validate_on_submit():
        return _render_order(order, 422, refund_form=form)
    try:
        # to_minor refuses fractions of a cent rather than rounding what staff typed.
        amount = to_minor(form.amount.data, order.currency or current_app.config["STORE_CURRENCY"])
        refund_order(order, amount, current_user, seen_refunded=form.seen.data)
    except (OrderError, ValueError) as exc:
        form.amount.errors = [*form.amount.errors, str(exc)]
        db.session.rollback()
        return _render_order(get_order_or_404(order_id), 422, refund_form=form)
    flash(f"Refunded {format_money(amount, order.currency)} on order {order.number}.", "success")
    return redirect(url_for("admin.order_detail", order_id=order.id))


@bp.post("/orders/<int:order_id>/review")
def order_clear_review(order_id: int):
    order = get_order_or_404(order_id)
    form = ClearReviewForm(prefix="review")
    if not form.validate_on_submit():
        return _render_order(order, 422, review_form=form)
    seen = form.seen_reason.data if form.seen_reason.raw_data else None
    return _act_on_order(
        order,
        lambda: clear_review(order, current_user, form.note.data, seen_reason=seen),
        f"Order {order.number} marked as reviewed.",
    )


# ------------------------------------------------------------------ payments without an order


@bp.get("/orders/unmatched-payments")
def orders_unmatched():
    return _render_unmatched()


def _render_unmatched(status: int = 200, failed: tuple[int, ResolveUnmatchedPaymentForm] | None = None):
    open_payments = open_unmatched_payments()
    # One form per payment, prefixed by its id so the fields on the page have distinct ids.
    forms = {p.id: ResolveUnmatchedPaymentForm(prefix=f"resolve-{p.id}", formdata=None) for p in open_payments}
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
    return render_template(
        "admin/orders/unmatched.html",
        open_payments=open_payments,
        open_count=open_unmatched_count(),
        forms=forms,
        resolved=resolved_unmatched_payments(),
    ), status


@bp.post("/orders/unmatched-payments/<int:payment_id>/resolve")
def orders_unmatched_resolve(payment_id: int):
    if db.session.get(UnmatchedPayment, payment_id) is None:
        abort(404)
    form = ResolveUnmatchedPaymentForm(prefix=f"resolve-{payment_id}")
    if not form.validate_on_submit():
        return _render_unmatched(422, (payment_id, form))
    try:
        resolve_unmatched_payment(payment_id, actor_label(current_user), form.note.data)
    except UnmatchedPaymentError as exc:
        flash(str(exc), "error")
    else:
        flash("Payment marked resolved; your note is kept with it.", "success")
    return redirect(url_for("admin.orders_unmatched"))
