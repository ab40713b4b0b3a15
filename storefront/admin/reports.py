"""What the dashboard shows: sales by day, top products, and what each article sells.

Each report is a fixed number of grouped queries over the period, whatever the number of
orders or articles. Money is net of refunds; the period is [start, end] in whole UTC days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from storefront.admin.models import CtaClickDaily
from storefront.extensions import db
from storefront.orders.models import REVENUE_STATUSES, Order, OrderLine
from storefront.orders.services import code_savings_by_source, orders_by_attribution

ARTICLE_PREFIX = "article:"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=UTC)

    @property
    def end_at(self) -> datetime:
        """Exclusive upper bound: midnight after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def period_from(start: date | None, end: date | None, today: date, default_days: int = 30, max_days: int = 366) -> Period:
    """A sane reporting period from optional form dates (swapped if reversed, capped in length)."""
    end = end or today
    start = start or end - timedelta(days=default_days - 1)
    if start > end:
        start, end = end, start
    if (end - start).days >= max_days:
        start = end - timedelta(days=max_days - 1)
    return Period(start, end)


@dataclass(frozen=True)
class DaySales:
    day: date
    orders: int
    revenue: int


def _revenue_statuses() -> list[str]:
    return [s.value for s in REVENUE_STATUSES]


def sales_by_day(period: Period) -> list[DaySales]:
    """Net revenue and paid orders for every day of the period (days without sales are zero)."""
    day = func.date(Order.paid_at)
    rows = db.session.execute(
        select(day.label("day"), func.count(Order.id), func.coalesce(func.sum(Order.total - Order.refunded_total), 0))
        .where(Order.status.in_(_revenue_statuses()), Order.paid_at >= period.start_at, Order.paid_at < period.end_at)
        .group_by(day)
    )
    found = {str(d)[:10]: (int(n), int(revenue)) for d, n, revenue in rows}
    return [DaySales(d, *found.get(d.isoformat(), (0, 0))) for d in period.days]


@dataclass(frozen=True)
class Totals:
    orders: int
    revenue: int

    @property
    def average(self) -> int:
        return self.revenue // self.orders if self.orders else 0


def totals(days: list[DaySales]) -> Totals:
    return Totals(sum(d.orders for d in days), sum(d.revenue for d in days))


@dataclass(frozen=True)
class TopProduct:
    slug: str
    title: str
    quantity: int
    revenue: int


def top_products(period: Period, limit: int = 10) -> list[TopProduct]:
    """Best sellers by units in paid orders of the period (line value before refunds)."""
    quantity = func.sum(OrderLine.quantity)
    rows = db.session.execute(
        select(OrderLine.product_slug, func.max(OrderLine.title), quantity,
               func.sum(OrderLine.quantity * OrderLine.unit_price))
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.status.in_(_revenue_statuses()), Order.paid_at >= period.start_at, Order.paid_at < period.end_at)
        .group_by(OrderLine.product_slug)
        .order_by(quantity.desc(), OrderLine.product_slug)
        .limit(limit)
    )
    return [TopProduct(slug, title, int(q), int(r)) for slug, title, q, r in rows]


@dataclass
class ArticleAttribution:
    slug: str
    title: str
    article_id: int | None
    views: int = 0
    clicks: int = 0
    carts: int = 0
    orders: int = 0
    revenue: int = 0
    code_orders: int = 0  # paid orders with a discount code applied from the article's code card
    code_saving: int = 0  # what those shoppers saved

    @property
    def conversion(self) -> float | None:
        """Orders per CTA click."""
        return self.orders / self.clicks if self.clicks else None


def attribution_table(period: Period) -> list[ArticleAttribution]:
    """Per article over the period: views, CTA clicks, carts, orders and net revenue, and the orders
    and saving of its discount code cards.

    Six grouped queries whatever the number of articles; articles with no activity are left out.
    """
    from blog.models import Article, ArticleView
    from blog.view_counter import flush_views
    from storefront.cart.models import Cart

    flush_views()  # views wait in Redis between flushes; staff see them all
    rows: dict[str, ArticleAttribution] = {}

    def row(slug: str) -> ArticleAttribution:
        if slug not in rows:
            rows[slug] = ArticleAttribution(slug=slug, title=slug, article_id=None)
        return rows[slug]

    views = db.session.execute(
        select(Article.slug, func.sum(ArticleView.views))
        .join(Article, Article.id == ArticleView.article_id)
        .where(ArticleView.day >= period.start, ArticleView.day <= period.end)
        .group_by(Article.slug)
    )
    for slug, n in views:
        row(slug).views = int(n or 0)
    clicks = db.session.execute(
        select(CtaClickDaily.article_slug, func.sum(CtaClickDaily.clicks))
        .where(CtaClickDaily.day >= period.start, CtaClickDaily.day <= period.end)
        .group_by(CtaClickDaily.article_slug)
    )
    for slug, n in clicks:
        row(slug).clicks = int(n or 0)
    carts = db.session.execute(
        select(Cart.attribution, func.count(Cart.id))
        .where(Cart.attribution.like(f"{ARTICLE_PREFIX}%"), Cart.created_at >= period.start_at,
               Cart.created_at < period.end_at)
        .group_by(Cart.attribution)
    )
    for attribution, n in carts:
        row(attribution.removeprefix(ARTICLE_PREFIX)).carts = int(n)
    for item in orders_by_attribution(period.start_at, period.end_at):
        if item.attribution and item.attribution.startswith(ARTICLE_PREFIX):
            entry = row(item.attribution.removeprefix(ARTICLE_PREFIX))
            entry.orders += item.orders
            entry.revenue += item.revenue
    for saved in code_savings_by_source(period.start_at, period.end_at):
        if saved.source.startswith(ARTICLE_PREFIX):
            entry = row(saved.source.removeprefix(ARTICLE_PREFIX))
            entry.code_orders += saved.orders
            entry.code_saving += saved.saving
    if rows:
        for article_id, slug, title in db.session.execute(
            select(Article.id, Article.slug, Article.title).where(Article.slug.in_(list(rows)))
        ):
            rows[slug].title, rows[slug].article_id = title, article_id
    return sorted(rows.values(), key=lambda r: (-r.revenue, -r.orders, -r.clicks, -r.views, r.slug))


# ---------------------------------------------------------------- the chart

# Where the axis labels sit, as fractions of the axis; the stylesheet places each by its class
# (`at-25` ...), since the Content-Security-Policy forbids inline style attributes.
TICK_FRACTIONS = (0, 25, 50, 75, 100)
NICE_STEPS = (1, 2, 2.5, 5, 10)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Tick:
    at: int  # percent along the axis: one of TICK_FRACTIONS
    value: object  # money in minor units (y axis) or a date (x axis)


@dataclass(frozen=True)
class Chart:
    """An SVG of bars in its own units (`width` x `height`, stretched to the box) and the axis
    values as data; the template writes the labels as HTML so they never stretch with it."""

    width: int
    height: int
    bars: list[Bar]
    max_value: int  # the best day
    axis_max: int  # the top of the money axis: a round amount at or above the best day
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    baseline: float


def nice_axis_step(peak: int, minimum: int = 100) -> int:
    """A round step (1, 2, 2.5 or 5 times a power of ten, in minor units, at least one major unit
    for a currency with cents) so that four steps reach the best day."""
    wanted = max(peak / (len(TICK_FRACTIONS) - 1), minimum)
    power = 1
    while power * 10 <= wanted:
        power *= 10
    return int(next(power * k for k in NICE_STEPS if power * k >= wanted))


def _date_ticks(days: list[DaySales]) -> list[Tick]:
    if not days:
        return []
    if len(days) < len(TICK_FRACTIONS):
        return [Tick(0, days[0].day)] + ([Tick(100, days[-1].day)] if len(days) > 1 else [])
    last = len(days) - 1
    return [Tick(at, days[round(at / 100 * last)].day) for at in TICK_FRACTIONS]


def sales_chart(days: list[DaySales], slot: int = 10, height: int = 100) -> Chart:
    """Bar geometry for an inline SVG of revenue per day (drawn on the server, no scripts),
    scaled to a round money axis, with the axis values to print beside it."""
    peak = max((d.revenue for d in days), default=0)
    step = nice_axis_step(peak)
    axis_max = step * (len(TICK_FRACTIONS) - 1)
    bars = []
    for i, d in enumerate(days):
        h = d.revenue / axis_max * height
        bars.append(Bar(x=round(i * slot + slot * 0.15, 2), y=round(height - h, 2), width=round(slot * 0.7, 2),
                        height=round(h, 2), label=d.day.isoformat(), value=d.revenue))
    y_ticks = [Tick(at, axis_max * at // 100) for at in TICK_FRACTIONS]
    return Chart(max(len(days), 1) * slot, height, bars, peak, axis_max, y_ticks, _date_ticks(days), height)
