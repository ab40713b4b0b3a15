"""The staff queue at /admin/reviews: pending first; approve, reject, remove with CSRF; audited;
editors and admins; customers never."""

from __future__ import annotations

import re

from sqlalchemy import select

from storefront.audit.models import AuditEntry
from storefront.extensions import db
from storefront.reviews.models import Review
from tests.factories import make_product
from tests.storefront.reviews.helpers import add_review


def _token(client) -> str:
    html = client.get("/admin/reviews").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_the_queue_lists_pending_first(as_editor):
    product = make_product("zinc", title="Zinc", price=900, stock=3)
    add_review(product, status="approved", name="Published Pat", days_ago=1)
    add_review(product, status="pending", name="Waiting Wanda", days_ago=3)
    html = as_editor.get("/admin/reviews").get_data(as_text=True)
    assert html.index("Waiting Wanda") < html.index("Published Pat")
    only = as_editor.get("/admin/reviews?status=approved").get_data(as_text=True)
    assert "Published Pat" in only and "Waiting Wanda" not in only
    assert as_editor.get("/admin/reviews?status=bogus&page=x").status_code == 200


def test_approving_publishes_it_and_is_audited(as_editor, client, editor_user):
    product = make_product("zinc", title="Zinc", price=900, stock=3)
    review = add_review(product, status="pending", rating=4, name="Waiting Wanda")
    assert "Waiting Wanda" not in client.get("/products/zinc").get_data(as_text=True)
    response = as_editor.post(f"/admin/reviews/{review.id}/moderate",
                              data={"csrf_token": _token(as_editor), "action": "approve"})
    assert response.status_code == 303
    as_editor.get(response.headers["Location"])  # the flash, shown on the queue
    db.session.expire_all()
    stored = db.session.get(Review, review.id)
    assert (stored.status, stored.moderated_by) == ("approved", "editor@example.com")
    assert stored.moderated_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "review"))
    assert (entry.action, entry.before, entry.after, entry.actor_email) == (
        "approve", {"status": "pending"}, {"status": "approved"}, "editor@example.com")
    page = client.get("/products/zinc").get_data(as_text=True)
    assert "Waiting Wanda" in page and "4.0 out of 5, 1 review" in page


def test_removing_takes_it_down_with_the_reason(as_admin, client):
    product = make_product("zinc", title="Zinc", price=900, stock=3)
    review = add_review(product, name="Claims Carl")
    as_admin.post(f"/admin/reviews/{review.id}/moderate",
                  data={"csrf_token": _token(as_admin), "action": "remove", "note": "A medical claim"},
                  follow_redirects=True)  # the flash is shown on the queue, not on the product page
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "removed"
    assert "Claims Carl" not in client.get("/products/zinc").get_data(as_text=True)
    assert "A medical claim" in as_admin.get("/admin/reviews").get_data(as_text=True)


def test_a_made_up_action_or_review_changes_nothing(as_admin):
    # CSRF is off in tests; tests/storefront/test_csrf.py refuses a tokenless post to every route.
    review = add_review(make_product("zinc", title="Zinc", price=900, stock=3), status="pending")
    assert as_admin.post(f"/admin/reviews/{review.id}/moderate",
                         data={"csrf_token": _token(as_admin), "action": "publish"}).status_code == 400
    assert as_admin.post("/admin/reviews/99999/moderate",
                         data={"csrf_token": _token(as_admin), "action": "approve"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "pending"


def test_a_move_not_offered_is_flashed_not_a_500(as_admin):
    review = add_review(make_product("zinc", title="Zinc", price=900, stock=3), status="pending")
    response = as_admin.post(f"/admin/reviews/{review.id}/moderate",
                             data={"csrf_token": _token(as_admin), "action": "remove"}, follow_redirects=True)
    assert response.status_code == 200 and "cannot be removed" in response.get_data(as_text=True)


def test_customers_are_refused(client, auth, customer_user):
    auth.login(customer_user)
    assert client.get("/admin/reviews").status_code == 403


def test_the_dashboard_counts_reviews_waiting(as_editor):
    product = make_product("zinc", title="Zinc", price=900, stock=3)
    add_review(product, status="pending")
    add_review(product, status="pending")
    html = as_editor.get("/admin/").get_data(as_text=True)
    assert "2 reviews wait for moderation" in html
