"""The staff home page."""

from __future__ import annotations

from flask import render_template

from storefront.admin import bp
from storefront.admin.access import EDITORS, staff_required


@bp.get("/")
@staff_required(*EDITORS)
def dashboard():
    return render_template("admin/dashboard.html")
