"""Product reviews from people who bought: written signed in or from the "How was it?" email's
signed link, moderated by staff, shown on the product page and (their average) on product cards.

    models.py      Review (one per product per order line) and ReviewVote (one per voter)
    aggregate.py   triggers keeping product.review_count / review_rating_sum from approved reviews
    services.py    eligibility, writing, moderation, helpful votes, the "How was it?" email
    tokens.py      the email's signed link
    queries.py     what the product page and the staff queue read
    views.py       the write form and the vote

The room sits above orders (it must know who bought what) and beside checkout and accounts; the
catalog never imports it: the product page gets its reviews through storefront.hooks, and cards
read the product's own review columns. The staff queue is in storefront/admin/views/reviews.py.
"""

from flask import Blueprint, request

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 6 else 1


def _sort_and_page() -> tuple[str, int]:
    """The reviews' sort and page this request asks for, normalised (one of SORTS; 1 to MAX_PAGE)."""
    from storefront.reviews.queries import DEFAULT_SORT, MAX_PAGE, SORTS

    sort = request.args.get("reviews", "")
    return (sort if sort in SORTS else DEFAULT_SORT), min(_page_number(request.args.get("reviews_page")), MAX_PAGE)


def _product_reviews(product) -> dict:
    """The product page's reviews block: one query, whatever the number of reviews."""
    from storefront.reviews.queries import SORTS, approved_reviews
    from storefront.reviews.structured_data import reviews_json_ld

    page = approved_reviews(product, *_sort_and_page())
    return {"reviews": page, "review_sorts": SORTS, "json_ld": reviews_json_ld(product, page.reviews)}


def init_app(app) -> None:
    from storefront.hooks import register_product_extra
    from storefront.orders.hooks import on_order_fulfilled
    from storefront.reviews.services import record_review_request

    # The page's pieces are kept per sort and page asked for (storefront.hooks).
    register_product_extra(app, _product_reviews, varies_with=lambda: list(_sort_and_page()))
    on_order_fulfilled(app, record_review_request)


from storefront.reviews import aggregate, views  # noqa: E402, F401
