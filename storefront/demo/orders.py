"""Demo shop activity from orders.json, so a fresh `make run` has a dashboard to read.

Orders go through the same models and lifecycle as real ones: lines copied from today's catalog,
totals from Order.add_up, payment, fulfilment, refunds and cancellation through the same `apply_*`
helpers (so every order has its OrderEvent history and demo-gateway Payment rows). Next to them:
the carts the articles started, and daily article views and CTA clicks, so the attribution table
reads views -> clicks -> carts -> orders -> revenue.

Idempotent: orders are found by number (DEMO-...), carts by token, daily counters by (article, day);
only what is missing is added, dated back from the day the demo was first seeded, so running
seed-demo again (even days later) changes nothing.
"""

from __future__ import annotations

import json
import random
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from storefront import jobs
from storefront.cart.models import Cart, CartLine
from storefront.catalog.models import Product, ProductStatus, Variant
from storefront.clock import as_utc, now
from storefront.demo import DEMO_DIR
from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import Order, OrderLine, OrderStatus
from storefront.orders.services import apply_cancel, apply_payment, apply_refund
from storefront.orders.shipping import ShippingMethod, shipping_method
from storefront.payments.models import Payment, PaymentKind, PaymentStatus
from storefront.payments.registry import get_gateway

DEMO_FILE = DEMO_DIR / "orders.json"
DEMO_NUMBER_PREFIX = "DEMO-"
DEMO_EMAIL_DOMAIN = "@demo.larder.example"
DEMO_CART_PREFIX = "demo-"
GATEWAY = "demo"
STAFF = "demo-staff"
ARTICLE_PREFIX = "article:"


class DemoDataError(ValueError):
    """An entry of the demo data file that cannot be built; the message names it."""


@dataclass
class DemoReport:
    created: int = 0
    existing: int = 0
    carts: int = 0
    view_days: int = 0
    click_days: int = 0
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.created} orders created, {self.existing} already present, {self.carts} carts, "
            f"{self.view_days} article-days of views and {self.click_days} of CTA clicks added"
        )
        return text + (f", {len(self.skipped)} skipped" if self.skipped else "")


def load_demo_activity(path: Path = DEMO_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_demo_orders(data: dict, progress: Callable[[int], None] = lambda n: None) -> DemoReport:
    """Create the demo orders, carts and article traffic in `data` that do not exist yet."""
    report = DemoReport()
    entries = data.get("orders", [])
    anchor = anchor_day(entries)
    clock = now()
    existing = set(db.session.scalars(select(Order.number).where(Order.number.like(f"{DEMO_NUMBER_PREFIX}%"))))
    variants = _variants_by_sku(data)
    for entry in entries:
        number = str(entry.get("number", "?"))
        if number in existing:
            report.existing += 1
        else:
            try:
                with jobs.muted("demo orders are history; their made-up shoppers get no email"):
                    build_demo_order(entry, anchor, variants, clock)
                    db.session.commit()  # one order at a time: a bad entry never leaves half an order
                report.created += 1
                report.carts += 1
            except DemoDataError as exc:
                db.session.rollback()
                report.skipped.append(str(exc))
        progress(1)
    traffic = data.get("traffic", {})
    report.carts += _seed_abandoned_carts(traffic, anchor, variants, clock, report)
    days = int(data.get("days", 30))
    carts_per_day = _carts_per_day(entries, traffic, anchor)
    report.view_days, report.click_days = _seed_traffic(traffic, anchor, days, carts_per_day, clock)
    db.session.commit()
    return report


def anchor_day(entries: list[dict]) -> date:
    """The day the demo was first seeded (every days_ago counts back from it); today on a first run."""
    days_ago = {e.get("number"): e.get("days_ago") for e in entries if isinstance(e.get("days_ago"), int)}
    if days_ago:
        row = db.session.execute(
            select(Order.number, Order.created_at).where(Order.number.in_(list(days_ago))).order_by(Order.id).limit(1)
        ).first()
        if row is not None:
            return as_utc(row.created_at).date() + timedelta(days=days_ago[row.number])
    return now().date()


# ---------------------------------------------------------------- orders


def build_demo_order(entry: dict, anchor: date, variants: dict[str, Variant], clock: datetime) -> Order:
    """One order from the data file, walked through the lifecycle to its status (no commit)."""
    number = str(entry.get("number", "?"))
    try:
        return _build(entry, number, anchor, variants, clock)
    except DemoDataError:
        raise
    except KeyError as exc:
        raise DemoDataError(f"{number}: missing field {exc}") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise DemoDataError(f"{number}: {exc}") from exc


def _build(entry: dict, number: str, anchor: date, variants: dict[str, Variant], clock: datetime) -> Order:
    """Check the entry, place its order as the shopper did, then walk it to its status."""
    email, method, target, attribution = _checked_entry(entry, number)
    placed = _at(anchor, entry["days_ago"], entry.get("hour", 12), clock)
    cart = Cart(
        token=f"{DEMO_CART_PREFIX}{number.lower()}",
        attribution=attribution,
        created_at=placed - timedelta(minutes=12),
        updated_at=placed,
    )
    db.session.add(cart)
    order = _placed_order(entry, number, email, method, attribution, placed, variants)
    charge = Payment(
        gateway=GATEWAY,
        amount=order.total,
        currency=order.currency,
        provider_session_id=f"demo_cs_{secrets.token_hex(8)}",
        created_at=placed,
        updated_at=placed,
    )
    order.payments.append(charge)
    db.session.add(order)
    db.session.flush()
    order.cart_id = cart.id
    last = _walk_to(target, order, charge, entry, placed, clock)
    if order.status != target:
        raise DemoDataError(f"{number}: ended up {order.status}, not {target.value}")
    order.updated_at = last
    return order


def _checked_entry(entry: dict, number: str) -> tuple[str, ShippingMethod, OrderStatus, str | None]:
    """(email, shipping method, target status, attribution) of an entry, or why it cannot be built."""
    if not number.startswith(DEMO_NUMBER_PREFIX) or len(number) > 20:
        raise DemoDataError(f"{number}: demo order numbers start with {DEMO_NUMBER_PREFIX} (20 characters at most)")
    email = entry["email"].strip().lower()
    if not email.endswith(DEMO_EMAIL_DOMAIN):
        raise DemoDataError(f"{number}: demo emails must end with {DEMO_EMAIL_DOMAIN}, not {email!r}")
    method = shipping_method(entry["shipping"])
    if method is None:
        raise DemoDataError(f"{number}: unknown shipping method {entry['shipping']!r}")
    target = OrderStatus(entry["status"])
    attribution = entry.get("attribution") or None
    if attribution is not None and not attribution.startswith(ARTICLE_PREFIX):
        raise DemoDataError(f"{number}: attribution must look like 'article:<slug>' or be null")
    return email, method, target, attribution


def _placed_order(
    entry: dict,
    number: str,
    email: str,
    method: ShippingMethod,
    attribution: str | None,
    placed: datetime,
    variants: dict[str, Variant],
) -> Order:
    """The order as checkout would have placed it: address, lines copied from the catalog, totals."""
    address = entry["address"]
    order = Order(
        status=OrderStatus.PENDING_PAYMENT.value,  # set now: the "placed" event records it
        number=number,
        email=email,
        ship_name=entry["name"],
        ship_line1=address["line1"],
        ship_line2=address.get("line2", ""),
        ship_city=address["city"],
        ship_region=address.get("region", ""),
        ship_postcode=address["postcode"],
        ship_country=address.get("country", "US"),
        shipping_method=method.code,
        shipping_label=method.label,
        currency=current_app.config["STORE_CURRENCY"],
        attribution=attribution,
        gateway=GATEWAY,
        created_at=placed,
    )
    for item in entry["lines"]:
        order.lines.append(_demo_line(item, number, variants))
    if not order.lines:
        raise DemoDataError(f"{number}: an order needs at least one line")
    order.add_up(method.rate)
    order.note("shopper", "Order placed (demo data: no stock reserved)").created_at = placed
    return order


def _demo_line(item: dict, number: str, variants: dict[str, Variant]) -> OrderLine:
    variant = variants.get(item["sku"])
    if variant is None or variant.product.slug != item["product"]:
        raise DemoDataError(f"{number}: no variant {item['sku']!r} of product {item['product']!r} in the catalog")
    if variant.product.status != ProductStatus.ACTIVE:
        raise DemoDataError(f"{number}: product {item['product']!r} is not on sale")
    quantity = int(item["quantity"])
    if quantity <= 0:
        raise DemoDataError(f"{number}: quantity of {item['sku']} must be positive")
    line = OrderLine.copy_of(variant, quantity)
    # A historical demo order never reserved stock, so its lines hold no variant: cancelling or
    # reconciling it later must not "release" (add) stock it never took.
    line.variant_id = None
    return line


def _walk_to(
    target: OrderStatus, order: Order, charge: Payment, entry: dict, placed: datetime, clock: datetime
) -> datetime:
    """Take a placed order through the lifecycle to its target status; returns its last change."""
    if target == OrderStatus.CANCELLED:
        last = min(placed + timedelta(minutes=25), clock)
        with _dated(order, last):
            apply_cancel(order, "shopper", entry.get("note") or "Payment cancelled by the shopper")
        charge.updated_at = last
        return last
    if target == OrderStatus.PENDING_PAYMENT:
        return placed
    last = min(placed + timedelta(minutes=3), clock)
    with _dated(order, last):
        if not apply_payment(order, order.total, order.currency, "demo-gateway", session_id=charge.provider_session_id):
            raise DemoDataError(f"{order.number}: the demo payment was not accepted")
    order.paid_at = last
    charge.updated_at = last
    refunding = target in (OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED)
    if target == OrderStatus.FULFILLED or (refunding and entry.get("shipped", True)):
        last = min(placed + timedelta(days=1, hours=2), clock)
        with _dated(order, last):
            order.set_status(OrderStatus.FULFILLED, STAFF, "Marked fulfilled")
    if refunding:
        last = min(last + timedelta(days=2), clock)
        _refund(order, charge, target, entry, last)
    return last


def _refund(order: Order, charge: Payment, target: OrderStatus, entry: dict, at: datetime) -> None:
    """A refund through the demo gateway, recorded the way staff refunds are (Payment row + apply_refund)."""
    amount = entry.get("refund", order.total if target == OrderStatus.REFUNDED else None)
    if not isinstance(amount, int):
        raise DemoDataError(f"{order.number}: a {target.value} order needs a refund amount in minor units")
    full = amount == order.total
    if not 0 < amount <= order.total or full != (target == OrderStatus.REFUNDED):
        raise DemoDataError(
            f"{order.number}: refund {amount} ({format_money(amount, order.currency)}) does not make it "
            f"{target.value} (total {order.total}, {format_money(order.total, order.currency)})"
        )
    result = get_gateway(GATEWAY).refund(charge, amount, f"larder-refund-{order.number}-0-{amount}")
    order.payments.append(
        Payment(
            gateway=GATEWAY,
            kind=PaymentKind.REFUND.value,
            status=PaymentStatus.SUCCEEDED.value,
            amount=amount,
            currency=order.currency,
            provider_refund_id=result.refund_id,
            created_at=at,
            updated_at=at,
        )
    )
    with _dated(order, at):
        apply_refund(order, amount, STAFF, reason=entry.get("note") or "")


@contextmanager
def _dated(order: Order, moment: datetime) -> Iterator[None]:
    """Date the events a lifecycle step adds at the (past) moment it happened."""
    before = len(order.events)
    yield
    for event in order.events[before:]:
        event.created_at = moment


def _at(anchor: date, days_ago: int, hour: int, clock: datetime) -> datetime:
    if not isinstance(days_ago, int) or days_ago < 0 or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ValueError(f"days_ago must be a whole number >= 0 and hour 0-23 (got {days_ago!r}, {hour!r})")
    moment = datetime.combine(anchor - timedelta(days=days_ago), time(hour), tzinfo=UTC)
    return min(moment, clock)  # "today at 18:00" seeded at 09:00 happened just now, not in the future


def _variants_by_sku(data: dict) -> dict[str, Variant]:
    skus = {line.get("sku") for entry in data.get("orders", []) for line in entry.get("lines", [])}
    skus |= {spec.get("cart_sku") for spec in data.get("traffic", {}).values()}
    skus.discard(None)
    if not skus:
        return {}
    rows = db.session.scalars(
        select(Variant)
        .where(Variant.sku.in_(sorted(skus)))
        .options(selectinload(Variant.product).selectinload(Product.variants))
    )
    return {variant.sku: variant for variant in rows}


# ---------------------------------------------------------------- traffic


def _seed_abandoned_carts(
    traffic: dict, anchor: date, variants: dict[str, Variant], clock: datetime, report: DemoReport
) -> int:
    """Carts an article's CTA started that never became an order (one line each, no owner)."""
    wanted: dict[str, tuple[str, int, Variant | None]] = {}
    for slug, spec in traffic.items():
        for days_ago in spec.get("abandoned_carts_days_ago", []):
            wanted[f"{DEMO_CART_PREFIX}{slug}-{days_ago}"[:64]] = (slug, days_ago, variants.get(spec.get("cart_sku")))
    if not wanted:
        return 0
    present = set(db.session.scalars(select(Cart.token).where(Cart.token.in_(list(wanted)))))
    added = 0
    for token, (slug, days_ago, variant) in wanted.items():
        if token in present:
            continue
        if variant is None:
            report.skipped.append(f"abandoned carts of {slug}: no variant {traffic[slug].get('cart_sku')!r}")
            continue
        try:
            started = _at(anchor, days_ago, 10 + (len(slug) + days_ago) % 12, clock)
        except (TypeError, ValueError) as exc:
            report.skipped.append(f"abandoned carts of {slug}: {exc}")
            continue
        cart = Cart(token=token, attribution=f"{ARTICLE_PREFIX}{slug}", created_at=started, updated_at=started)
        cart.lines.append(CartLine(variant_id=variant.id, quantity=1))
        db.session.add(cart)
        added += 1
    return added


def _carts_per_day(entries: list[dict], traffic: dict, anchor: date) -> Counter:
    """(article slug, day) -> carts started, so no day shows more carts than CTA clicks."""
    counts: Counter = Counter()
    for entry in entries:
        attribution = entry.get("attribution") or ""
        if attribution.startswith(ARTICLE_PREFIX) and isinstance(entry.get("days_ago"), int):
            counts[(attribution.removeprefix(ARTICLE_PREFIX), anchor - timedelta(days=entry["days_ago"]))] += 1
    for slug, spec in traffic.items():
        for days_ago in spec.get("abandoned_carts_days_ago", []):
            counts[(slug, anchor - timedelta(days=days_ago))] += 1
    return counts


def _seed_traffic(traffic: dict, anchor: date, days: int, carts: Counter, clock: datetime) -> tuple[int, int]:
    """Daily views and CTA clicks of each published demo article, from its publication on.

    The counters belong to the blog (article_view) and the staff area (cta_click_daily); they are
    written through their tables, and skipped if absent, so the orders load without the blog.
    """
    tables = db.metadata.tables
    article, views_t, clicks_t = tables.get("article"), tables.get("article_view"), tables.get("cta_click_daily")
    if article is None or not traffic:
        return 0, 0
    first = anchor - timedelta(days=days - 1)
    published = db.session.execute(
        select(article.c.id, article.c.slug, article.c.published_at).where(
            article.c.slug.in_(list(traffic)), article.c.status == "published", article.c.published_at.is_not(None)
        )
    ).all()
    view_rows: list[dict] = []
    click_rows: list[dict] = []
    have_views: set = set()
    have_clicks: set = set()
    if views_t is not None and published:
        have_views = set(
            db.session.execute(
                select(views_t.c.article_id, views_t.c.day).where(
                    views_t.c.article_id.in_([a.id for a in published]), views_t.c.day >= first
                )
            ).all()
        )
    if clicks_t is not None and published:
        have_clicks = set(
            db.session.execute(
                select(clicks_t.c.article_slug, clicks_t.c.day).where(
                    clicks_t.c.article_slug.in_([a.slug for a in published]), clicks_t.c.day >= first
                )
            ).all()
        )
    for article_id, slug, published_at in published:
        spec = traffic[slug]
        launch = as_utc(published_at).date()
        for offset in range(days):
            day = anchor - timedelta(days=offset)
            if day < launch or day > clock.date():
                continue
            views = _daily_views(spec, slug, day, (day - launch).days, offset, clock)
            clicks = max(round(views * float(spec.get("click_rate", 0.05)) * _jitter(f"{slug}:{day}:clicks")),
                         carts[(slug, day)])
            if views_t is not None and (article_id, day) not in have_views:
                view_rows.append({"article_id": article_id, "day": day, "views": views})
            if clicks_t is not None and clicks and (slug, day) not in have_clicks:
                click_rows.append({"day": day, "article_slug": slug, "clicks": clicks})
    if view_rows:
        db.session.execute(insert(views_t), view_rows)
    if click_rows:
        db.session.execute(insert(clicks_t), click_rows)
    return len(view_rows), len(click_rows)


def _daily_views(spec: dict, slug: str, day: date, since_launch: int, offset: int, clock: datetime) -> int:
    """Believable, repeatable traffic: quieter weekends, a bump in the first days after publication."""
    views = float(spec.get("views_per_day", 50))
    views *= 0.7 if day.weekday() >= 5 else 1.0
    views *= (2.0, 1.6, 1.3)[since_launch] if since_launch < 3 else 1.0
    views *= _jitter(f"{slug}:{day}:views")
    if offset == 0:  # today is not over yet
        views *= max((clock - datetime.combine(clock.date(), time(), tzinfo=UTC)).total_seconds() / 86400, 0.05)
    return max(1, round(views))


def _jitter(key: str) -> float:
    return random.Random(key).uniform(0.8, 1.2)
