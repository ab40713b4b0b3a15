"""The Notify-me form's endpoint and the pages the alert emails link to. Thin: parse, call a
service, answer."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from storefront.alerts import bp
from storefront.alerts.forms import ConfirmForm, NotifyForm
from storefront.alerts.models import AlertStatus
from storefront.alerts.notices import anchor_of, flash_notice
from storefront.alerts.services import (
    AlertError,
    InStockNow,
    clean_ref,
    confirm,
    get_alert,
    subscribe,
    unsubscribe,
)
from storefront.alerts.tokens import alert_id_for_confirm, alert_id_for_unsubscribe
from storefront.catalog.models import Variant
from storefront.extensions import csrf, db, limiter
from storefront.site_urls import local_path

NOINDEX = {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}  # token pages


def _subscribe_limit() -> str:
    return current_app.config.get("ALERT_RATE_LIMIT", "10 per minute;60 per hour")


def _product_url(variant: Variant | None, ref: str | None) -> str:
    if variant is None:
        return url_for("catalog.all_products")
    values = {"ref": ref} if ref else {}
    return url_for("catalog.product", slug=variant.product.slug, **values) + "#notify"


@bp.post("/subscribe", endpoint="subscribe")
@limiter.limit(_subscribe_limit, methods=["POST"],
               error_message="Too many alert requests from here. Please wait a while and try again.")
def subscribe_view():
    form = NotifyForm()
    variant_id = form.variant()
    variant = db.session.get(Variant, variant_id) if variant_id else None
    ref = clean_ref(form.ref.data)
    back = local_path(form.next.data) or _product_url(variant, ref)
    if variant is None:
        return _form_page(form, None, "That product is not available any more.", 404)
    if not form.validate_on_submit():
        return _form_page(form, variant, None, 422)
    try:
        subscribe(form.email.data, variant.id, ref)
    except InStockNow as exc:
        # No form on the page any more to print the note by: an ordinary flash, on the product.
        flash_notice(f"{exc} You can buy it now.", None)
        return redirect(_product_url(variant, ref).removesuffix("#notify"), 303)
    except AlertError as exc:
        form.email.errors = [*form.email.errors, str(exc)]
        return _form_page(form, variant, None, 422)
    flash_notice(
        f"Check your inbox: we sent a link to {form.email.data.strip()} to confirm your alert for "
        f"{variant.product.title}. We will email you once when it is back.",
        anchor_of(back),
    )
    return redirect(back, 303)


def _form_page(form: NotifyForm, variant: Variant | None, problem: str | None, status: int):
    """The form again, on a page of its own, with what to fix (no script needed)."""
    return render_template("alerts/subscribe.html", form=form, variant=variant, problem=problem), status


def _bad_link():
    """A link that was altered, cut short in the mail client, or (confirm) older than a week."""
    return render_template("alerts/bad_link.html"), 404, NOINDEX


@bp.route("/confirm/<token>", methods=["GET", "POST"], endpoint="confirm")
def confirm_view(token: str):
    """GET shows a button; only its POST confirms. Mail scanners and link previews fetch every
    link in a message with GET: a GET that confirmed would let them opt an address in that its
    owner never confirmed, which is what double opt-in exists to prevent."""
    alert = get_alert(alert_id_for_confirm(token))
    if alert is None:
        return _bad_link()
    form = ConfirmForm()
    confirmed_now = form.validate_on_submit() and confirm(alert)
    return render_template(
        "alerts/confirm.html", alert=alert, form=form, token=token, confirmed_now=confirmed_now,
        statuses=AlertStatus,
    ), 200, NOINDEX


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"], endpoint="unsubscribe")
@csrf.exempt  # the signed token is the proof; RFC 8058 one-click POSTs come from mail clients, without cookies
def unsubscribe_view(token: str):
    """GET shows a button (scanners must not unsubscribe anyone); POST unsubscribes, whether from
    that button or from a mail client's one-click List-Unsubscribe-Post."""
    alert = get_alert(alert_id_for_unsubscribe(token))
    if alert is None:
        return _bad_link()
    done = request.method == "POST"
    if done:
        unsubscribe(alert)
    return render_template("alerts/unsubscribe.html", alert=alert, token=token, done=done), 200, NOINDEX
