"""Store-wide settings editable by staff (the top banner and friends), with safe defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields

from flask import has_request_context, request
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from storefront.extensions import db


class SiteSetting(db.Model):
    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


@dataclass
class SiteSettings:
    banner_enabled: str = "1"
    banner_text: str = "Low FODMAP Certified. Shop Now For Gut Health"
    banner_link: str = "/collections/low-fodmap-certified"
    tagline: str = "Certified low-FODMAP foods and supplements, chosen with care."
    review_max_age_days: str = "365"

    @property
    def show_banner(self) -> bool:
        return self.banner_enabled == "1" and bool(self.banner_text.strip())


SETTING_KEYS = tuple(f.name for f in fields(SiteSettings))


def get_site_settings() -> SiteSettings:
    """The settings with stored values over defaults; read once per request."""
    # Cached on the request itself (not on g, whose app context may outlive a request).
    in_request = has_request_context()
    cache = request.environ if in_request else {}
    if in_request and "larder.site_settings" not in cache and "larder.page_state" not in cache:
        # The page-state read brings the settings along with the catalog version, in one
        # statement outside any transaction: a page that needs nothing else from the database
        # (an empty cart) then costs one round trip, not a checkout, BEGIN, SELECT, ROLLBACK.
        from storefront.http_cache import page_state

        page_state()
    if "larder.site_settings" in cache:
        return cache["larder.site_settings"]
    # Read again in the session after a change in this request (the page-state read is once
    # per request), so a page shows settings just saved.
    rows = db.session.execute(select(SiteSetting.key, SiteSetting.value))
    stored = {key: value for key, value in rows}
    settings = SiteSettings(**{k: v for k, v in stored.items() if k in SETTING_KEYS})
    cache["larder.site_settings"] = settings
    return settings


def save_site_settings(values: dict[str, str]) -> None:
    """Store the given settings (unknown keys are refused)."""
    unknown = set(values) - set(SETTING_KEYS)
    if unknown:
        raise KeyError(f"Unknown settings: {', '.join(sorted(unknown))}")
    for key, value in values.items():
        row = db.session.get(SiteSetting, key) or SiteSetting(key=key)
        row.value = value
        db.session.add(row)
    db.session.commit()
    if has_request_context():
        request.environ.pop("larder.site_settings", None)
