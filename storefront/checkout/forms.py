"""The checkout form: email and shipping address. Prices never come from here."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from storefront.forms import FlaskForm
from storefront.orders.addresses import COUNTRIES, AddressProblems, PostalAddress, check_address

# Line breaks, NUL and other control characters never belong in an address (and PostgreSQL refuses NUL).
PLAIN_TEXT = Regexp(r"^[^\x00-\x1f\x7f]*$", message="Please remove the special characters.")


class CheckoutForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Please enter your email address."), Email("Please enter a valid email address."), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    name = StringField(
        "Full name",
        validators=[DataRequired("Please enter the name for delivery."), Length(max=120), PLAIN_TEXT],
        render_kw={"autocomplete": "name"},
    )
    line1 = StringField(
        "Address",
        validators=[DataRequired("Please enter the street address."), Length(max=200), PLAIN_TEXT],
        render_kw={"autocomplete": "address-line1"},
    )
    line2 = StringField(
        "Apartment, suite (optional)", validators=[Optional(), Length(max=200), PLAIN_TEXT],
        render_kw={"autocomplete": "address-line2"},
    )
    city = StringField(
        "City", validators=[DataRequired("Please enter the city."), Length(max=120), PLAIN_TEXT],
        render_kw={"autocomplete": "address-level2"},
    )
    region = StringField(
        "State / province / county", validators=[Optional(), Length(max=120), PLAIN_TEXT],
        render_kw={"autocomplete": "address-level1"},
        description="Needed for the United States, Canada and Australia.",
    )
    # Whether a postcode is needed, and its shape, depend on the country: check_address says.
    postcode = StringField(
        "ZIP / postcode",
        validators=[
            Optional(),
            Length(max=20),
            Regexp(r"^[A-Za-z0-9 -]+$", message="Use only letters, digits, spaces and dashes."),
        ],
        render_kw={"autocomplete": "postal-code"},
    )
    country = SelectField("Country", choices=COUNTRIES, default="US", render_kw={"autocomplete": "country"})
    shipping_method = RadioField("Delivery", validators=[DataRequired("Please choose a delivery option.")])
    # Consent is asked, never assumed: unticked unless the shopper ticks it (default=False also on a re-render).
    # (the note saying what we send is in the template: it names the configured delay). Not "Email
    # me ...": a label containing "Email" would make the email field's label ambiguous.
    remind_me = BooleanField("Send me a reminder if I don't finish", default=False)

    address: PostalAddress | None = None  # the checked, normalised address once validate() passed

    def _typed(self, name: str) -> str:
        return (self[name].data or "").strip()

    def validate(self, extra_validators=None) -> bool:
        """The fields' own rules, then the address against its country's (every problem at once)."""
        valid = super().validate(extra_validators)
        if self.country.errors:
            return False
        typed = {name: self._typed(name) for name in ("line1", "line2", "city", "postcode", "region", "name")}
        try:
            self.address = check_address(PostalAddress(country=self.country.data, **typed))
        except AddressProblems as problems:
            for name, message in problems.errors.items():
                if not self[name].errors:  # "please enter the city" once, not twice
                    self[name].errors.append(message)
            return False
        return valid
