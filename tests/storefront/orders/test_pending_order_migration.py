"""The migration adding 'one pending order per cart' keeps databases that already hold duplicates."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import insert, select

from storefront import create_app
from storefront.cart.models import Cart
from storefront.extensions import db
from storefront.orders.models import Order
from tests.test_migrations import empty_database_url  # noqa: F401


def test_duplicate_pending_orders_of_a_cart_keep_the_newest_attached(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(
        {"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision="c9d0e1f2a3b4")  # the revision before the index
        cart, other = Cart(), Cart()
        db.session.add_all([cart, other])
        db.session.flush()
        cart_id, other_id = cart.id, other.id

        def order(cart_id, status="pending_payment"):
            # A Core insert names only the columns given (and those with defaults), so columns later
            # migrations add to shop_order (nullable, no default) are not asked of this older schema.
            placed = db.session.execute(insert(Order.__table__).values(
                email="a@example.com", currency="USD", cart_id=cart_id, status=status))
            return placed.inserted_primary_key[0]

        old, older_cancelled, newest = order(cart_id), order(cart_id, "cancelled"), order(cart_id)
        alone = order(other_id)
        db.session.commit()

        upgrade()

        rows = dict(db.session.execute(select(Order.id, Order.cart_id)).all())
        statuses = dict(db.session.execute(select(Order.id, Order.status)).all())
        db.session.remove()
        db.engine.dispose()
    assert rows == {old: None, older_cancelled: cart_id, newest: cart_id, alone: other_id}
    assert set(statuses.values()) == {"pending_payment", "cancelled"}  # no order changed status
    assert statuses[old] == "pending_payment"
