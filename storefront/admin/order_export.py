"""Orders as CSV, one row per line with the order's columns repeated, streamed a batch at a time.

Money is a decimal amount in the order's currency with the code beside it ("12.50", "USD"), never minor
units. Any cell a spreadsheet would read as a formula (starting = + - @, or a tab or carriage return)
is prefixed with a quote, so an email or an address typed by a shopper cannot run in staff's Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy.orm import selectinload

from storefront.extensions import db
from storefront.money import to_decimal
from storefront.orders.models import Order

BATCH = 200
HEADER = [
    "order_number", "placed_at", "paid_at", "email", "payment_status", "fulfilment_status", "order_status",
    "currency", "subtotal", "shipping", "total", "refunded", "ship_name", "ship_line1", "ship_line2",
    "ship_city", "ship_region", "ship_postcode", "ship_country", "shipping_method", "attribution",
    "sku", "item", "option", "quantity", "quantity_shipped", "quantity_refunded", "unit_price", "line_total",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell as text, neutralised when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def order_rows(order: Order) -> Iterator[list[str]]:
    def money(minor: int) -> str:
        return str(to_decimal(minor, order.currency))

    head = [
        order.number, order.created_at.isoformat(), order.paid_at.isoformat() if order.paid_at else "",
        order.email, order.payment_state.value, order.fulfilment_status, order.status, order.currency,
        money(order.subtotal), money(order.shipping_total), money(order.total), money(order.refunded_total),
        order.ship_name, order.ship_line1, order.ship_line2, order.ship_city, order.ship_region,
        order.ship_postcode, order.ship_country, order.shipping_method, order.attribution or "",
    ]
    for line in order.lines:
        yield [safe_cell(v) for v in (*head, line.sku, line.title, line.option_label, line.quantity,
                                        line.quantity_shipped, line.quantity_refunded, money(line.unit_price),
                                        money(line.line_total))]


def csv_chunks(stmt) -> Iterator[str]:
    """The CSV text in chunks: the header, then one chunk per batch of orders (lines loaded per batch)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    yield _drain(buffer)
    result = db.session.scalars(stmt.options(selectinload(Order.lines)).execution_options(yield_per=BATCH))
    for batch in result.partitions():
        for order in batch:
            writer.writerows(order_rows(order))
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
