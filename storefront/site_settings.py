"""Store-wide settings editable by staff (the top banner and friends), with safe defaults."""

from __future__ import annotations

from dataclasses import dataclass, fields

from flask import Flask, has_request_context
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from storefront import audit
from storefront.caching.registry import register_versioned_table
from storefront.caching.version import page_state, register_page_state_source
from storefront.extensions import db
from storefront.state import request_state


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
    # Shown beside the add-to-cart button: what a shopper wants settled before buying.
    trust_line: str = "Packed and dispatched within two working days. Unopened items can come back within 30 days."

    @property
    def show_banner(self) -> bool:
        return self.banner_enabled == "1" and bool(self.banner_text.strip())


SETTING_KEYS = tuple(f.name for f in fields(SiteSettings))


# Read with the catalog version, in its one statement outside any transaction: a page that
# needs nothing else from the database (an empty cart) then costs one round trip, not a
# checkout, BEGIN, SELECT, ROLLBACK.
PAGE_STATE_SOURCE = "site_settings"
STORED_SQL = 'SELECT "key", value FROM site_setting'


def _settings(stored: dict[str, str]) -> SiteSettings:
    return SiteSettings(**{k: v for k, v in stored.items() if k in SETTING_KEYS})


def _read_stored() -> SiteSettings:
    return _settings({key: value for key, value in db.session.execute(select(SiteSetting.key, SiteSetting.value))})


def get_site_settings() -> SiteSettings:
    """The settings with stored values over defaults; read once per request."""
    if not has_request_context():
        return _read_stored()
    state = request_state()
    if state.site_settings is None:
        # Read again in the session after a change in this request (the page state is read
        # once per request), so a page shows settings just saved.
        state.site_settings = (
            _read_stored() if state.site_settings_saved else _settings(page_state().source(PAGE_STATE_SOURCE))
        )
    return state.site_settings


def save_site_settings(values: dict[str, str], actor: object = None) -> None:
    """Store the given settings (unknown keys are refused); the audit log keeps what changed and who."""
    unknown = set(values) - set(SETTING_KEYS)
    if unknown:
        raise KeyError(f"Unknown settings: {', '.join(sorted(unknown))}")
    current = _read_stored()
    audit.record_change(actor, "settings", "site", "Site settings", "settings.update",
                        {k: getattr(current, k) for k in values}, values)
    for key, value in values.items():
        row = db.session.get(SiteSetting, key) or SiteSetting(key=key)
        row.value = value
        db.session.add(row)
    db.session.commit()
    if has_request_context():
        state = request_state()
        state.site_settings, state.site_settings_saved = None, True


def init_site_settings(app: Flask) -> None:
    """Every page shows the settings (the banner): they are read with the catalog version,
    and a change to them changes it."""
    register_versioned_table(app, "site_setting")
    register_page_state_source(app, PAGE_STATE_SOURCE, STORED_SQL)
