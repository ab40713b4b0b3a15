"""The staff home page: sales, best sellers, stock, broken CTAs, what each article sells and,
for admins, orders and payments waiting for someone."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from storefront.admin import bp
from storefront.admin.access import EDITORS, staff_required
from storefront.admin.attention import (
    admin_only_items,
    broken_cta_items,
    certificate_items,
    flagged_order_items,
    pending_review_items,
    review_due_items,
)
from storefront.admin.forms import DateRangeForm
from storefront.admin.queries import flagged_order_count
from storefront.admin.reports import (
    attribution_table,
    period_from,
    sales_by_day,
    sales_chart,
    top_products,
    totals,
)
from storefront.catalog.admin_services import low_stock_variants
from storefront.clock import today
from storefront.site_settings import get_site_settings


@bp.get("/")
@staff_required(*EDITORS)
def dashboard():
    from blog.services import broken_ctas

    form = DateRangeForm(request.args)
    valid = form.validate()
    period = period_from(form.start.data if valid else None, form.end.data if valid else None, today())
    form.start.data, form.end.data = period.start, period.end
    broken = broken_ctas()
    review_due = review_due_items(int(get_site_settings().review_max_age_days or 365))
    reviews_waiting = pending_review_items()
    context = {
        "form": form,
        "period": period,
        "attribution": attribution_table(period),
        "broken": broken,
        "broken_links": broken_cta_items(broken),
        "review_due": review_due.total,
        "attention": [review_due, reviews_waiting],
    }
    if current_user.is_admin:
        days = sales_by_day(period)
        certificates = certificate_items(current_app.config["CERT_WARNING_DAYS"])
        # Orders are admin work (editors never see them): what waits for someone.
        flagged = flagged_order_items(flagged_order_count())
        context.update(
            days=days,
            totals=totals(days),
            chart=sales_chart(days),
            top=top_products(period),
            low_stock=low_stock_variants(),
            cert_warnings=certificates.total,
            flagged_orders=flagged.total,
            attention=[flagged, certificates, review_due, reviews_waiting],
            admin_items=admin_only_items(),
        )
    return render_template("admin/dashboard.html", **context)
