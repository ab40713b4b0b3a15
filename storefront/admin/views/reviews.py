"""The review moderation queue: pending first; approve, reject or remove (editors and admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storefront.admin import bp
from storefront.admin.access import EDITORS, staff_required
from storefront.extensions import db
from storefront.reviews.forms import ModerateForm
from storefront.reviews.models import Review, ReviewStatus
from storefront.reviews.queries import moderation_queue
from storefront.reviews.services import ACTIONS, ReviewError, moderate

# Moderation is an editor's work (like articles): reviewers and admins too.
MODERATORS = EDITORS


def _page_number() -> int:
    raw = request.args.get("page", "")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 1


@bp.get("/reviews")
@staff_required(*MODERATORS)
def reviews():
    status = request.args.get("status") or None
    if status not in (None, *(s.value for s in ReviewStatus)):
        status = None
    return render_template("admin/reviews.html", queue=moderation_queue(status, _page_number()), status=status,
                           statuses=ReviewStatus, form=ModerateForm())


@bp.post("/reviews/<int:review_id>/moderate")
@staff_required(*MODERATORS)
def reviews_moderate(review_id: int):
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    form = ModerateForm()
    if not form.validate_on_submit() or form.action.data not in ACTIONS:
        abort(400)
    try:
        moderate(review, form.action.data, current_user, form.note.data or "")
    except ReviewError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Review by {review.author_name} of {review.product.title} {ACTIONS[form.action.data][2]}.", "success")
    return redirect(url_for("admin.reviews", status=request.args.get("status") or None) + f"#review-{review.id}", 303)
