"""Two members of staff (or a shopper and staff) cancelling one order at the same moment: the stock
it held goes back once, on SQLite as on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from storefront import create_app
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.orders.models import Order, OrderEvent
from storefront.orders.services import OrderError, abandon_checkout, cancel_order
from tests.factories import make_order, make_product, make_user

CANCELLERS = 6


def test_simultaneous_cancels_release_the_stock_once(app):
    admin = make_user("boss@example.com", role="admin")
    variant = make_product(price=1000, stock=5).variants[0]
    order = make_order([(variant, 3)])
    variant_id, order_id, admin_id = variant.id, order.id, admin.id
    racing = create_app({
        "LARDER_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": CANCELLERS + 2, "max_overflow": 0},
    })
    start = threading.Barrier(CANCELLERS)
    outcomes: list[str] = []

    def cancel(by_staff: bool) -> None:
        with racing.app_context():
            from storefront.accounts.models import User

            mine = db.session.get(Order, order_id)
            start.wait(timeout=30)
            try:
                if by_staff:
                    cancel_order(mine, db.session.get(User, admin_id), "duplicate order")
                    outcomes.append("cancelled")
                else:
                    outcomes.append("cancelled" if abandon_checkout(mine) else "refused")
            except OrderError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=cancel, args=(n % 2 == 0,)) for n in range(CANCELLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with racing.app_context():
        db.engine.dispose()

    assert sorted(outcomes) == ["cancelled"] + ["refused"] * (CANCELLERS - 1)
    db.session.expire_all()
    assert db.session.get(Variant, variant_id).stock == 5  # 2 left + the 3 held, once
    assert db.session.get(Order, order_id).status == "cancelled"
    cancelled_events = select(func.count()).select_from(OrderEvent).where(
        OrderEvent.order_id == order_id, OrderEvent.to_status == "cancelled")
    assert db.session.scalar(cancelled_events) == 1
