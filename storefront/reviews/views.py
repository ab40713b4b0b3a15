"""Writing a review (signed in, or from the email's signed link) and the helpful vote. Thin:
parse, call a service, answer."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from storefront.catalog.queries import get_active_product
from storefront.extensions import db, limiter
from storefront.orders.models import OrderLine
from storefront.reviews import bp
from storefront.reviews.forms import HelpfulForm, ReviewForm
from storefront.reviews.models import Review
from storefront.reviews.services import (
    AlreadyReviewed,
    Draft,
    ReviewError,
    eligibility_for_user,
    product_of_line,
    submit_review,
    suggested_name,
    vote_helpful,
)
from storefront.reviews.tokens import order_line_for_token
from storefront.site_urls import local_path

NOINDEX = {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}  # the token page
LIMIT_MESSAGE = "Too many reviews sent from here. Please wait a while and try again."


def _write_limit() -> str:
    return current_app.config.get("REVIEW_RATE_LIMIT", "5 per minute;20 per day")


def _vote_limit() -> str:
    return current_app.config.get("REVIEW_VOTE_RATE_LIMIT", "30 per minute")


@bp.route("/products/<slug:slug>/write", methods=["GET", "POST"], endpoint="write_account")
@limiter.limit(_write_limit, methods=["POST"], error_message=LIMIT_MESSAGE)
@login_required
def write_account(slug: str):
    """A signed-in customer reviews a product from one of their paid orders."""
    product = get_active_product(slug)
    if product is None:
        abort(404)
    eligible = eligibility_for_user(current_user.id, product)
    if eligible.line is None:
        return render_template("reviews/not_eligible.html", product=product,
                               already=eligible.already_reviewed), 403
    return _write(eligible.line, product, user_id=current_user.id, source="account",
                  action=url_for("reviews.write_account", slug=slug))


@bp.route("/write/<token>", methods=["GET", "POST"], endpoint="write")
@limiter.limit(_write_limit, methods=["POST"], error_message=LIMIT_MESSAGE)
def write_from_link(token: str):
    """Anyone holding the "How was it?" email's signed link reviews that order line's product."""
    line_id = order_line_for_token(token)
    line = db.session.get(OrderLine, line_id) if line_id else None
    product = product_of_line(line) if line is not None else None
    if line is None or product is None:
        return render_template("reviews/bad_link.html"), 404, NOINDEX
    user_id = current_user.id if current_user.is_authenticated else None
    response = _write(line, product, user_id=user_id, source="email", action=url_for("reviews.write", token=token))
    return (*response, NOINDEX) if isinstance(response, tuple) else response


def _write(line: OrderLine, product, *, user_id: int | None, source: str, action: str):
    form = ReviewForm()
    if not form.is_submitted():
        form.author_name.data = form.author_name.data or suggested_name(line)
    status = 200
    if form.validate_on_submit():
        draft = Draft(form.rating.data, form.body.data, form.author_name.data, form.title.data or "")
        try:
            submit_review(line, draft, user_id=user_id, source=source)
        except AlreadyReviewed as exc:
            return render_template("reviews/not_eligible.html", product=product, already=True,
                                   message=str(exc)), 409
        except ReviewError as exc:
            form.body.errors = [*form.body.errors, str(exc)]
            status = 422
        else:
            return render_template("reviews/thanks.html", product=product), 201
    elif form.is_submitted():
        status = 422
    return render_template("reviews/write.html", form=form, product=product, line=line, action=action), status


def _voter() -> str:
    """One vote per signed-in user, or per browser session for everyone else."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    if "review_voter" not in session:
        session["review_voter"] = secrets.token_urlsafe(16)
    return f"session:{session['review_voter']}"


@bp.post("/<int:review_id>/helpful", endpoint="helpful")
@limiter.limit(_vote_limit, error_message="Too many votes from here. Please wait a while.")
def helpful(review_id: int):
    review = db.session.get(Review, review_id)
    form = HelpfulForm()
    if review is None:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    back = local_path(form.next.data) or url_for("catalog.product", slug=review.product.slug) + f"#review-{review.id}"
    try:
        counted = vote_helpful(review, _voter())
    except ReviewError as exc:
        flash(str(exc), "error")
        return redirect(back, 303)
    flash("Thanks: your vote is counted." if counted else "You have already voted for this review.",
          "success" if counted else "info")
    return redirect(back, 303)
