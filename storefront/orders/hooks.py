"""What other rooms do when an order is fulfilled, without orders importing them.

A room above orders (reviews: the "How was it?" email) registers a listener from its init_app;
services.ship_lines calls each one inside the transaction that ships the last parcel, so a job a
listener records commits (or rolls back) with the shipment.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

FULFILLED_KEY = "larder.orders.on_fulfilled"
Listener = Callable[[object], None]


def on_order_fulfilled(app: Flask, listener: Listener) -> None:
    listeners = app.extensions.setdefault(FULFILLED_KEY, [])
    if listener not in listeners:
        listeners.append(listener)


def order_fulfilled(order) -> None:
    for listener in current_app.extensions.get(FULFILLED_KEY, ()):
        listener(order)
