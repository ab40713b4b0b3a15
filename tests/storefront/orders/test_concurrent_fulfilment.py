"""Staff shipping (or refunding) the same line at the same moment: the order's lock makes them take
turns, so the last unit ships once and a returned unit goes back to stock once (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from storefront import create_app
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.orders.models import Order, Shipment
from storefront.orders.services import OrderError, refund_lines, ship_lines
from tests.factories import make_paid_order, make_product

RACERS = 4


def _race(app, action) -> list[str]:
    racing = create_app({
        "LARDER_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": RACERS + 2, "max_overflow": 0},
    })
    start = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def run() -> None:
        with racing.app_context():
            start.wait(timeout=30)
            try:
                action()
                outcomes.append("done")
            except OrderError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with racing.app_context():
        db.engine.dispose()
    return sorted(outcomes)


def test_the_last_unit_ships_once(app):
    order = make_paid_order([(make_product(price=1000, stock=5).variants[0], 1)])
    order_id, line_id = order.id, order.lines[0].id
    outcomes = _race(app, lambda: ship_lines(db.session.get(Order, order_id), "admin", {line_id: 1}))
    assert outcomes == ["done"] + ["refused"] * (RACERS - 1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Shipment)) == 1
    assert db.session.get(Order, order_id).lines[0].quantity_shipped == 1


def test_a_returned_unit_is_refunded_and_restocked_once(app):
    variant = make_product(price=1000, stock=5).variants[0]
    order = make_paid_order([(variant, 1)])
    order_id, line_id, variant_id = order.id, order.lines[0].id, variant.id
    db.session.expire_all()
    stock = db.session.get(Variant, variant_id).stock
    outcomes = _race(app, lambda: refund_lines(db.session.get(Order, order_id), {line_id: 1}, "admin",
                                               restock=True))
    assert outcomes == ["done"] + ["refused"] * (RACERS - 1)
    db.session.expire_all()
    assert db.session.get(Variant, variant_id).stock == stock + 1
    assert db.session.get(Order, order_id).refunded_total == 1000
