"""Back-in-stock alerts as business actions: subscribe, confirm, unsubscribe, and the workers'
halves (the confirmation email, the restock fan-out, the alert email).

Every email is an outbox job recorded in the transaction of the change that causes it, with a
key, so however often a form is posted or a job redelivered, each email goes out at most once.
"""

from __future__ import annotations

import re
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from storefront import jobs
from storefront.alerts.models import AlertStatus, StockAlert
from storefront.alerts.tokens import confirm_token, unsubscribe_token
from storefront.alerts.triggers import KIND as RESTOCKED
from storefront.catalog.availability import is_on_sale, why_not_sellable
from storefront.catalog.models import Variant
from storefront.clock import as_utc, now
from storefront.extensions import db
from storefront.mail import send_email
from storefront.site_urls import absolute_url_for

CONFIRMATION = "alerts.confirmation"  # outbox job kinds
ALERT = "alerts.back_in_stock"

# A pending alert asked for again after this long gets a new confirmation (the first was lost);
# sooner, asking again sends nothing.
RESEND_AFTER = timedelta(days=1)

REF_PATTERN = re.compile(r"^article:[a-z0-9-]{1,120}$")  # the cart's attribution shape


class AlertError(Exception):
    """A subscription that cannot be made; the message is for the reader."""


class InStockNow(AlertError):
    """Nothing to wait for: the variant can be bought right now."""


def clean_ref(ref: str | None) -> str | None:
    """An attribution in the cart's shape ("article:<slug>"), else None."""
    ref = (ref or "").strip()
    return ref if REF_PATTERN.match(ref) else None


def normalise_email(raw: str) -> str:
    """A valid address in canonical form (lower case); raises AlertError naming the problem."""
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AlertError(f"That email address is not valid: {error}") from None


def is_buyable(variant: Variant) -> bool:
    """The catalog's rule (availability.py): the product is on sale and one unit is in stock."""
    return why_not_sellable(is_on_sale(variant.product.status), variant.stock) is None


def _confirmation_key(alert: StockAlert) -> str:
    # One confirmation per alert per request round: the round is the moment it was (re)asked for.
    return f"stock-alert-confirm:{alert.id}:{as_utc(alert.requested_at):%Y%m%d%H%M%S%f}"


def subscribe(email: str, variant_id: int, ref: str | None = None) -> StockAlert:
    """Ask to hear when a sold-out variant is back; the address confirms by email first.

    One row per (email, variant): asking again finds it. A pending or active alert asked again
    sends nothing more (the form posted 100 times gives one row and one confirmation email); a
    notified or unsubscribed one (or one pending for a day) starts a new round with a new
    confirmation. The answer to the reader is the same in every case, so the form tells nobody
    who is subscribed.
    """
    address = normalise_email(email)
    variant = db.session.get(Variant, variant_id) if isinstance(variant_id, int) else None
    if variant is None or not is_on_sale(variant.product.status):
        raise AlertError("That product is not available any more.")
    if is_buyable(variant):
        raise InStockNow(f"Good news: {variant.product.title} is back in stock.")
    alert = _find(address, variant.id) or _create(address, variant.id)
    _ask(alert, clean_ref(ref))
    try:
        db.session.commit()
    except IntegrityError:
        # A twin request (same address, same variant, same moment) committed first: its row and
        # its one confirmation email stand; this one has nothing left to add.
        db.session.rollback()
        alert = _find(address, variant_id)
        if alert is None:
            raise
    return alert


def _ask(alert: StockAlert, attribution: str | None) -> None:
    """The alert asked for (again): a confirmation email once per round."""
    if not _waiting_quietly(alert):  # notified, unsubscribed, or pending for long: a fresh round
        alert.status = AlertStatus.PENDING.value
        alert.requested_at = now()
        alert.attribution = attribution or alert.attribution
        db.session.flush()
    elif attribution and alert.attribution is None:
        alert.attribution = attribution
    if alert.status == AlertStatus.PENDING:
        jobs.record(CONFIRMATION, {"alert_id": alert.id}, key=_confirmation_key(alert))


def _waiting_quietly(alert: StockAlert) -> bool:
    """Active, or pending since less than RESEND_AFTER (its confirmation is on its way)."""
    if alert.status == AlertStatus.ACTIVE:
        return True
    return alert.status == AlertStatus.PENDING and as_utc(alert.requested_at) > now() - RESEND_AFTER


def _find(email: str, variant_id: int) -> StockAlert | None:
    return db.session.scalar(
        select(StockAlert).where(StockAlert.email == email, StockAlert.variant_id == variant_id)
    )


def _create(email: str, variant_id: int) -> StockAlert:
    alert = StockAlert(email=email, variant_id=variant_id, status=AlertStatus.PENDING.value, requested_at=now())
    try:
        with db.session.begin_nested():  # a savepoint: a twin insert fails alone
            db.session.add(alert)
    except IntegrityError:
        found = _find(email, variant_id)
        if found is None:
            raise
        return found
    return alert


def get_alert(alert_id: int | None) -> StockAlert | None:
    return db.session.get(StockAlert, alert_id) if alert_id is not None else None


def confirm(alert: StockAlert) -> bool:
    """The address owner confirmed: the alert waits for the restock. Idempotent; False when
    there was nothing to confirm (already active, notified or unsubscribed).

    If the variant came back between the request and the confirmation, the alert is due at
    once: the restock job is recorded now (the trigger fired while nobody was waiting).
    """
    changed = db.session.execute(
        update(StockAlert)
        .where(StockAlert.id == alert.id, StockAlert.status == AlertStatus.PENDING)
        .values(status=AlertStatus.ACTIVE.value, confirmed_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed and is_buyable(alert.variant):
        jobs.record(RESTOCKED, {"variant_id": alert.variant_id})
    db.session.commit()
    db.session.refresh(alert)
    return bool(changed)


def unsubscribe(alert: StockAlert) -> None:
    """No more email about this variant to this address (idempotent)."""
    db.session.execute(
        update(StockAlert)
        .where(StockAlert.id == alert.id, StockAlert.status != AlertStatus.UNSUBSCRIBED)
        .values(status=AlertStatus.UNSUBSCRIBED.value, unsubscribed_at=now())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(alert)


def waiting_counts(variant_ids: list[int]) -> dict[int, int]:
    """Confirmed subscribers waiting per variant, for staff, in one query."""
    if not variant_ids:
        return {}
    rows = db.session.execute(
        select(StockAlert.variant_id, func.count())
        .where(StockAlert.variant_id.in_(variant_ids), StockAlert.status == AlertStatus.ACTIVE)
        .group_by(StockAlert.variant_id)
    )
    return {variant_id: count for variant_id, count in rows}


def waiting_by_product(product_ids: list[int]) -> dict[int, int]:
    """Confirmed subscribers waiting per product (all its variants), for a staff listing's page
    of rows, in one query."""
    if not product_ids:
        return {}
    rows = db.session.execute(
        select(Variant.product_id, func.count())
        .join(StockAlert, StockAlert.variant_id == Variant.id)
        .where(Variant.product_id.in_(product_ids), StockAlert.status == AlertStatus.ACTIVE)
        .group_by(Variant.product_id)
    )
    return {product_id: count for product_id, count in rows}


# ------------------------------------------------------------------ the workers' halves


def product_link(alert: StockAlert) -> str:
    """The product page, carrying the article the reader came from (the cart reads `ref`)."""
    values = {"slug": alert.variant.product.slug}
    if alert.attribution:
        values["ref"] = alert.attribution
    return absolute_url_for("catalog.product", **values)


def unsubscribe_link(alert: StockAlert) -> str:
    return absolute_url_for("alerts.unsubscribe", token=unsubscribe_token(alert.id))


def unsubscribe_headers(alert: StockAlert) -> dict[str, str]:
    """RFC 2369 + RFC 8058: mail clients show an "Unsubscribe" button that POSTs to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_link(alert)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@jobs.handler(CONFIRMATION)
def send_confirmation(payload: dict) -> None:
    """Email the link that confirms an alert (still pending: a confirmed one needs no mail)."""
    alert = get_alert(payload.get("alert_id"))
    if alert is None or alert.status != AlertStatus.PENDING:
        return
    store = current_app.config["STORE_NAME"]
    send_email(
        alert.email,
        f"Confirm your {store} back-in-stock alert",
        "stock_alert_confirm",
        headers=unsubscribe_headers(alert),
        alert=alert,
        product=alert.variant.product,
        variant=alert.variant,
        confirm_link=absolute_url_for("alerts.confirm", token=confirm_token(alert.id)),
        product_link=product_link(alert),
        unsubscribe_link=unsubscribe_link(alert),
    )


@jobs.handler(RESTOCKED)
def variant_restocked(payload: dict) -> None:
    """A variant became buyable (a database trigger, or a late confirmation, said so): claim each
    active alert (active -> notified, one conditional UPDATE each) and record one email per claim.

    A redelivered job or a second restock finds nothing active to claim; a variant sold out
    again (or taken off sale) before this ran alerts nobody and keeps them waiting.
    """
    variant = db.session.get(Variant, payload.get("variant_id"))
    if variant is None or not is_buyable(variant):
        return
    waiting = db.session.scalars(
        select(StockAlert.id).where(StockAlert.variant_id == variant.id, StockAlert.status == AlertStatus.ACTIVE)
    ).all()
    moment = now()
    for alert_id in waiting:
        claimed = db.session.execute(
            update(StockAlert)
            .where(StockAlert.id == alert_id, StockAlert.status == AlertStatus.ACTIVE)
            .values(status=AlertStatus.NOTIFIED.value, notified_at=moment)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            jobs.record(ALERT, {"alert_id": alert_id}, key=f"stock-alert:{alert_id}:{moment:%Y%m%d%H%M%S%f}")


@jobs.handler(ALERT)
def send_alert(payload: dict) -> None:
    """Email one subscriber that their variant is back (unless they unsubscribed meanwhile)."""
    alert = get_alert(payload.get("alert_id"))
    if alert is None or alert.status != AlertStatus.NOTIFIED:
        return
    product = alert.variant.product
    send_email(
        alert.email,
        f"Back in stock: {product.title}",
        "stock_alert",
        headers=unsubscribe_headers(alert),
        alert=alert,
        product=product,
        variant=alert.variant,
        product_link=product_link(alert),
        unsubscribe_link=unsubscribe_link(alert),
    )
