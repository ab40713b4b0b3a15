"""The migration adding 'one pending order per cart' keeps databases that already hold duplicates."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from storefront import create_app
from storefront.clock import now
from storefront.extensions import db
from storefront.orders.models import Order
from tests.test_migrations import empty_database_url  # noqa: F401


def _filler(column: sa.Column):
    """A value of the column's type for a NOT NULL column the test does not care about."""
    python_type = column.type.python_type
    if python_type is bool:
        return False
    if python_type is int:
        return 0
    if python_type is str:
        return ""
    return now()


def test_duplicate_pending_orders_of_a_cart_keep_the_newest_attached(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(
        {"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision="c9d0e1f2a3b4")  # the revision before the index
        # Rows are written to the tables as they are at that revision (reflected), not through the
        # Cart and Order models: the models have columns added by later revisions.
        carts = sa.Table("cart", sa.MetaData(), autoload_with=db.session.connection())

        def new_cart():
            return db.session.execute(sa.insert(carts).values(
                token=secrets.token_urlsafe(24), created_at=now(), updated_at=now()).returning(carts.c.id)).scalar_one()

        cart_id, other_id = new_cart(), new_cart()
        table = sa.Table("shop_order", sa.MetaData(), autoload_with=db.session.connection())

        def order(cart_id, status="pending_payment"):
            values = {column.name: _filler(column) for column in table.columns
                      if not column.nullable and column.server_default is None and not column.primary_key}
            values.update(email="a@example.com", currency="USD", cart_id=cart_id, status=status,
                          number=f"LD-{secrets.token_hex(4).upper()}", public_token=secrets.token_urlsafe(24))
            return db.session.execute(sa.insert(table).values(**values).returning(table.c.id)).scalar_one()

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
