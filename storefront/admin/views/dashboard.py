"""The staff home page: sales, best sellers, stock, broken CTAs, what each article sells and,
for admins, orders and payments waiting for someone."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from storefront.admin import bp
from storefront.admin.access import EDITORS, staff_required
from storefront.admin.articles import review_due_articles
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
from storefront.catalog.admin_services import certification_warnings, low_stock_variants
from storefront.clock import today
from storefront.payments.unmatched import open_unmatched_count
from storefront.site_settings import get_site_settings


@bp.get("/")
@staff_required(*EDITORS)
def dashboard():
    from blog.services import broken_ctas

    form = DateRangeForm(request.args)
    valid = form.validate()
    period = period_from(form.start.data if valid else None, form.end.data if valid else None, today())
    form.start.data, form.end.data = period.start, period.end
    context = {
        "form": form,
        "period": period,
        "attribution": attribution_table(period),
        "broken": broken_ctas(),
        "review_due": len(review_due_articles(int(get_site_settings().review_max_age_days or 365))),
    }
    if current_user.is_admin:
        days = sales_by_day(period)
        context.update(
            days=days,
            totals=totals(days),
            chart=sales_chart(days),
            top=top_products(period),
            low_stock=low_stock_variants(),
            cert_warnings=len(certification_warnings(current_app.config["CERT_WARNING_DAYS"])),
            # Orders are admin work (editors never see them): what waits for someone, one COUNT each.
            flagged_orders=flagged_order_count(),
            unmatched_payments=open_unmatched_count(),
        )
    return render_template("admin/dashboard.html", **context)
