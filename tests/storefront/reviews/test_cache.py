"""Only approving or removing a review (or changing an approved one) changes what public pages
show, so only those re-render the product's pages: they rewrite the product row, whose triggers
stamp the product's cache tags (narrow invalidation). A pending review, a rejection of one and
helpful votes keep every cached page. Checked through the ORM and as raw SQL (triggers see both)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from storefront.caching.version import CatalogVersion
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.reviews.services import moderate, vote_helpful
from tests.factories import make_product
from tests.storefront.reviews.helpers import add_review


def _stamps(product_id: int) -> tuple[int, int]:
    """The catalog version and the sequence last stamped on the product's tag."""
    db.session.expire_all()
    counter = db.session.scalar(select(CatalogVersion.counter).where(CatalogVersion.id == 1)) or 0
    tag_seq = db.session.scalar(
        text("SELECT seq FROM cache_tag WHERE tag = :tag"), {"tag": f"product:{product_id}"}
    )
    return counter, tag_seq or 0


@pytest.fixture
def product(app):
    return make_product("zinc", title="Zinc", price=900, stock=3)


def test_a_pending_review_a_rejection_and_votes_keep_the_version(product, admin_user):
    approved = add_review(product)
    before = _stamps(product.id)
    pending = add_review(product, status="pending", rating=1)
    moderate(pending, "reject", admin_user)
    vote_helpful(approved, "session:a")
    vote_helpful(approved, "user:3")
    db.session.execute(text("UPDATE review SET helpful_count = 40 WHERE id = :id"), {"id": approved.id})
    db.session.execute(text("UPDATE review SET body = 'Edited pending words, not shown.' WHERE id = :id"),
                       {"id": pending.id})
    db.session.commit()
    assert _stamps(product.id) == before


@pytest.mark.parametrize("how", ["orm", "sql"])
def test_approving_editing_removing_and_deleting_an_approved_review_bump_it(product, admin_user, how):
    review = add_review(product, status="pending", rating=2)
    steps = {
        "orm": [lambda: moderate(review, "approve", admin_user),
                lambda: (setattr(review, "body", "Edited after approval, still fine."), db.session.commit()),
                lambda: moderate(review, "remove", admin_user),
                lambda: moderate(review, "approve", admin_user),
                lambda: (db.session.delete(review), db.session.commit())],
        "sql": ["UPDATE review SET status = 'approved' WHERE id = :id",
                "UPDATE review SET body = 'Edited after approval, still fine.' WHERE id = :id",
                "UPDATE review SET status = 'removed' WHERE id = :id",
                "UPDATE review SET status = 'approved' WHERE id = :id",
                "DELETE FROM review WHERE id = :id"],
    }[how]
    review_id = review.id
    for step in steps:
        before = _stamps(product.id)
        if how == "orm":
            step()
        else:
            db.session.execute(text(step), {"id": review_id})
            db.session.commit()
        after = _stamps(product.id)
        assert after[1] > before[1], step  # the product's pages are re-rendered
    fresh = db.session.get(Product, product.id)
    assert (fresh.review_count, fresh.review_rating_sum) == (0, 0)
