"""What a background job was for, in staff's words: "Order LD-7Q2 (ada@example.com)" rather than
{"order_id": 42}. Rows named in the payloads are loaded with one query per kind of row for the
whole page, so the page's query count does not grow with the number of failed jobs."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from storefront.accounts.models import User
from storefront.extensions import db
from storefront.jobs import OutboxJob
from storefront.orders.models import Order


@dataclass(frozen=True)
class Described:
    summary: str
    link: str | None = None


def _ids(jobs: list[OutboxJob], key: str) -> set[int]:
    return {job.payload[key] for job in jobs if isinstance(job.payload.get(key), int)}


def describe_payloads(jobs: list[OutboxJob]) -> dict[int, Described]:
    """job id -> what it was for."""
    order_ids, user_ids = _ids(jobs, "order_id"), _ids(jobs, "user_id")
    orders = {o.id: o for o in db.session.scalars(select(Order).where(Order.id.in_(order_ids)))} if order_ids else {}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    described = {}
    for job in jobs:
        payload = job.payload or {}
        order, user = orders.get(payload.get("order_id")), users.get(payload.get("user_id"))
        if order is not None:
            described[job.id] = Described(f"Order {order.number} ({order.email})",
                                          url_for("admin.order_detail", order_id=order.id))
        elif user is not None:
            described[job.id] = Described(f"Account {user.email}")
        else:
            described[job.id] = Described(_plain(payload))
    return described


def _plain(payload: dict) -> str:
    """The payload as "key: value" pairs, shortened: kinds this page knows nothing about."""
    if not payload:
        return "—"
    text = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in payload.items())
    return text if len(text) <= 160 else text[:159] + "…"
