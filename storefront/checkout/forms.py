"""The checkout form: email and shipping address. Prices never come from here."""

from __future__ import annotations

from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from storefront.forms import FlaskForm

# Line breaks, NUL and other control characters never belong in an address (and PostgreSQL refuses NUL).
PLAIN_TEXT = Regexp(r"^[^\x00-\x1f\x7f]*$", message="Please remove the special characters.")

COUNTRIES = [
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
]


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
        "State / county (optional)", validators=[Optional(), Length(max=120), PLAIN_TEXT],
        render_kw={"autocomplete": "address-level1"},
    )
    postcode = StringField(
        "ZIP / postcode",
        validators=[
            DataRequired("Please enter the ZIP or postcode."),
            Length(max=20),
            Regexp(r"^[A-Za-z0-9 -]+$", message="Use only letters, digits, spaces and dashes."),
        ],
        render_kw={"autocomplete": "postal-code"},
    )
    country = SelectField("Country", choices=COUNTRIES, default="US", render_kw={"autocomplete": "country"})
    shipping_method = RadioField("Delivery", validators=[DataRequired("Please choose a delivery option.")])
