"""Helpers for the back-in-stock tests: a sold-out product, a subscription through the form,
the emails' links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from storefront import jobs
from storefront.alerts.models import StockAlert
from storefront.extensions import db
from storefront.mail import html_part, outbox, text_part
from tests.factories import make_product

ARTICLE_REF = "article:magnesium-for-back-pain"


def sold_out_product(slug: str = "pumpkin-seeds", title: str = "Pumpkin Seeds", price: int = 899):
    return make_product(slug, title=title, price=price, stock=0)


def post_form(client, variant_id: int, email: str = "reader@example.com", ref: str | None = ARTICLE_REF,
              next_url: str = "/blog/magnesium-for-back-pain#cta-4"):
    data = {"email": email, "variant_id": str(variant_id), "next": next_url}
    if ref:
        data["ref"] = ref
    return client.post("/alerts/subscribe", data=data)


def messages_to(address: str, subject_part: str = "") -> list:
    return [m for m in outbox() if m["To"] == address and subject_part in m["Subject"]]


def link_in(message, path_part: str) -> str:
    """The first link of the plain-text part whose path contains `path_part`, as a local path."""
    for url in re.findall(r"https?://\S+", text_part(message)):
        if path_part in url:
            split = urlsplit(url)
            return split.path + (f"?{split.query}" if split.query else "")
    raise AssertionError(f"no {path_part} link in {text_part(message)!r}")


def confirm_by_email(client, address: str = "reader@example.com") -> None:
    """Follow the confirmation email's link and press its button, as the reader would."""
    [message] = messages_to(address, "Confirm")
    path = link_in(message, "/alerts/confirm/")
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my alert" in page.get_data(as_text=True)
    assert client.post(path, data={}).status_code == 200


def alerts_for(variant_id: int) -> list[StockAlert]:
    db.session.expire_all()
    return list(db.session.scalars(select(StockAlert).where(StockAlert.variant_id == variant_id)))


def run_workers() -> dict:
    """What the beat sweep + a worker do for rows written by database triggers."""
    return jobs.run_due_jobs()


__all__ = ["html_part", "text_part"]
