"""Staff order pages: list, detail with history, fulfil, cancel (stock released), refund, clear a review flag;
and payments that arrived without an order, which staff settle with a note.

No staff_required here: the admin guard leaves these to admins (editors do not handle orders).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from storefront.admin import bp
from storefront.admin.forms import (
    BulkOrdersForm,
    CancelOrderForm,
    ClearReviewForm,
    ConfirmForm,
    FulfilForm,
    OrderFilterForm,
    RefundForm,
    ResolveUnmatchedPaymentForm,
)
from storefront.admin.order_export import csv_chunks
from storefront.admin.order_sources import article_sources
from storefront.admin.queries import (
    OrderFilters,
    filtered_orders,
    flagged_order_count,
    get_order_with_history,
    order_page,
    orders_with_lines,
)
from storefront.clock import now
from storefront.extensions import db
from storefront.money import format_money, to_minor
from storefront.orders.models import Order, OrderStatus
from storefront.orders.services import (
    OrderError,
    actor_label,
    cancel_order,
    clear_review,
    mark_fulfilled,
    refund_lines,
    refund_order,
    ship_lines,
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
BULK_ACTIONS = ("fulfil", "slips", "export")
MAX_BULK = 500  # more than a page of the list; a bigger export uses the filters' CSV link


def get_order_or_404(order_id: int) -> Order:
    order = get_order_with_history(order_id)
    if order is None:
        abort(404)
    return order


def _filters_from_request() -> tuple[OrderFilterForm, OrderFilters]:
    """The list's filters from the query string; the CSV export reads the same ones."""
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
    return form, filters


@bp.get("/orders")
def orders():
    form, filters = _filters_from_request()
    result = order_page(filters)
    return render_template("admin/orders/list.html", form=form, result=result,
                           bulk_form=BulkOrdersForm(formdata=None),
                           sources=article_sources(o.attribution for o in result.items),
                           export_args={k: v for k, v in request.args.items() if k != "page" and v},
                           flagged_count=flagged_order_count(),
                           unmatched_count=open_unmatched_count())


@bp.get("/orders/export.csv")
def orders_export():
    """Every order the list's filters match (all pages), one row per line."""
    _, filters = _filters_from_request()
    return _csv_response(filtered_orders(filters))


def _csv_response(stmt):
    filename = f"orders-{now().strftime('%Y%m%d-%H%M')}.csv"
    return Response(stream_with_context(csv_chunks(stmt)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/orders/bulk")
def orders_bulk():
    """The list's bulk actions on the ticked orders: mark fulfilled, print packing slips, export CSV."""
    form = BulkOrdersForm()
    action = request.form.get("action", "")
    if not form.validate_on_submit() or action not in BULK_ACTIONS:
        flash("That action could not be done; reload the list and try again.", "error")
        return redirect(url_for("admin.orders"))
    ids = sorted({i for i in form.ids.data or [] if 0 < i < 2**31})[:MAX_BULK]
    if not ids:
        flash("Tick the orders to act on first.", "error")
        return redirect(request.referrer if _is_order_list(request.referrer) else url_for("admin.orders"))
    if action == "export":
        return _csv_response(select(Order).where(Order.id.in_(ids)).order_by(Order.created_at.desc(), Order.id.desc()))
    if action == "slips":
        return _render_slips(orders_with_lines(ids))
    return _bulk_fulfil(orders_with_lines(ids))


def _is_order_list(url: str | None) -> bool:
    # Back to the filtered list the staff member came from, never to another site.
    return bool(url) and urlsplit(url).netloc in ("", request.host) and urlsplit(url).path == url_for("admin.orders")


def _bulk_fulfil(selected: list[Order]):
    done, refused = [], []
    for order in selected:
        try:
            mark_fulfilled(order, current_user)
        except OrderError as exc:
            refused.append(str(exc))
        else:
            done.append(order.number)
    if done:
        flash(f"Marked fulfilled without tracking: {', '.join(done)}. Each shopper is emailed.", "success")
    for message in refused:
        flash(message, "error")
    return redirect(url_for("admin.orders"))


def _render_slips(selected: list[Order]):
    return render_template("admin/orders/packing_slips.html", orders=selected)


@bp.get("/orders/<int:order_id>/packing-slip")
def order_packing_slip(order_id: int):
    return _render_slips([get_order_or_404(order_id)])


@bp.get("/orders/<int:order_id>")
def order_detail(order_id: int):
    return _render_order(get_order_or_404(order_id))


def _render_order(order: Order, status: int = 200, **forms):
    refund_form = forms.get("refund_form") or RefundForm(prefix="refund")
    # No amount is offered: staff choose lines or type an amount (#17: a pre-filled total got refunded by mistake).
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
        typed=request.form if status != 200 else {},
        fulfil_error=forms.get("fulfil_error"),
        refund_error=forms.get("refund_error"),
        sources=article_sources([order.attribution]),
        events=sorted(order.events, key=lambda e: (e.created_at, e.id)),
        can_fulfil=order.status in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED) and any(
            line.left_to_ship > 0 for line in order.lines),
        can_cancel=order.can_become(OrderStatus.CANCELLED) and order.fulfilment_status == "unfulfilled",
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


def _line_quantities(order: Order, prefix: str) -> dict[int, int] | None:
    """{line id: units} from the page's per-line boxes ("<prefix>-line-<id>"); None when none was sent.

    An empty box is 0; anything but a whole number is refused with the line named (never a 500).
    """
    found: dict[int, int] = {}
    for line in order.lines:
        raw = request.form.get(f"{prefix}-line-{line.id}")
        if raw is None:
            continue
        raw = raw.strip()
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
            raise OrderError(f"Enter a whole number of {line.title} ({line.sku}), from 0 up.")
        found[line.id] = int(raw or 0)
    return found or None


@bp.post("/orders/<int:order_id>/fulfil")
def order_fulfil(order_id: int):
    order = get_order_or_404(order_id)
    form = FulfilForm(prefix="fulfil")
    if not form.validate_on_submit():
        return _render_order(order, 422, fulfil_form=form)
    try:
        quantities = _line_quantities(order, "ship")
        shipped = ship_lines(order, current_user, quantities, form.tracking)
    except OrderError as exc:
        db.session.rollback()
        return _render_order(get_order_or_404(order_id), 422, fulfil_form=form, fulfil_error=str(exc))
    flash(f"Order {shipped.number}: shipped {shipped.shipped_count} of {shipped.item_count} items; "
          "the shopper is emailed this parcel's notice.", "success")
    return redirect(url_for("admin.order_detail", order_id=order.id))


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
        amount = _refund(order, form)
    except (OrderError, ValueError) as exc:
        db.session.rollback()
        return _render_order(get_order_or_404(order_id), 422, refund_form=form, refund_error=str(exc))
    flash(f"Refunded {format_money(amount, order.currency)} on order {order.number}.", "success")
    return redirect(url_for("admin.order_detail", order_id=order.id))


def _refund(order: Order, form: RefundForm) -> int:
    """Refund the chosen lines (priced on the server) or the typed amount; returns the amount refunded."""
    quantities = {k: v for k, v in (_line_quantities(order, "refund") or {}).items() if v}
    if quantities and form.amount.data is not None:
        raise OrderError("Refund either the items chosen or an amount, not both.")
    if quantities:
        _, amount = refund_lines(order, quantities, current_user, restock=form.restock.data,
                                 seen_refunded=form.seen.data)
        return amount
    if form.amount.data is None:
        raise OrderError("Choose the items to refund, or enter an amount.")
    if form.restock.data:
        raise OrderError("To put items back in stock, choose them (and how many) above.")
    # to_minor refuses fractions of a cent rather than rounding what staff typed.
    amount = to_minor(form.amount.data, order.currency or current_app.config["STORE_CURRENCY"])
    refund_order(order, amount, current_user, seen_refunded=form.seen.data)
    return amount


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
