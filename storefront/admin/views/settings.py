"""Site settings: the top banner, tagline and editorial review age."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from storefront.admin import bp
from storefront.admin.forms import SiteSettingsForm
from storefront.site_settings import get_site_settings, save_site_settings


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    current = get_site_settings()
    form = SiteSettingsForm()
    if request.method == "GET":
        form.banner_enabled.data = current.banner_enabled == "1"
        form.banner_text.data = current.banner_text
        form.banner_link.data = current.banner_link
        form.tagline.data = current.tagline
        form.trust_line.data = current.trust_line
        form.review_max_age_days.data = int(current.review_max_age_days or 365)
    if form.validate_on_submit():
        save_site_settings(
            {
                "banner_enabled": "1" if form.banner_enabled.data else "0",
                "banner_text": (form.banner_text.data or "").strip(),
                "banner_link": (form.banner_link.data or "").strip(),
                "tagline": (form.tagline.data or "").strip(),
                "trust_line": (form.trust_line.data or "").strip(),
                "review_max_age_days": str(form.review_max_age_days.data),
            },
            actor=current_user,
        )
        flash("Settings saved.", "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form), 422 if request.method == "POST" else 200
