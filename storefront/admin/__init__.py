"""The staff workspace at /admin: catalog, articles, orders and what each article sells."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from storefront.admin.access import guard_admin_request, refuse_nul_bytes  # noqa: E402

bp.before_request(guard_admin_request)
bp.before_request(refuse_nul_bytes)

from storefront.admin.views import (  # noqa: E402, F401
    articles,
    audit,
    catalog,
    customers,
    dashboard,
    discounts,
    jobs,
    orders,
    pages,
    reviews,
    settings,
)


def init_app(app) -> None:
    """Article revisions and the CTA click counter."""
    from storefront.admin.articles import connect_revisions
    from storefront.admin.tracking import init_tracking

    init_tracking(app)
    connect_revisions()
