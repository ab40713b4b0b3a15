"""The "Notify me" form: an address and the variant, plus where the reader came from."""

from __future__ import annotations

from wtforms import EmailField, HiddenField
from wtforms.validators import DataRequired, Email, Length

from storefront.forms import FlaskForm


class NotifyForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Please enter your email address."),
                    Email("Please enter a valid email address, like name@example.com."), Length(max=254)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email"},
    )
    variant_id = HiddenField()
    ref = HiddenField()
    next = HiddenField()

    def variant(self) -> int | None:
        raw = (self.variant_id.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) < 12 else None


class ConfirmForm(FlaskForm):
    """The confirm page's button: a POST, so a mail scanner's GET confirms nothing."""
