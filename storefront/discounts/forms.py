"""The staff form for a discount code."""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from storefront.discounts.models import KIND_LABELS, DiscountKind
from storefront.forms import FlaskForm

CODE = Regexp(r"^\s*[A-Za-z0-9][A-Za-z0-9_-]{1,39}\s*$",
              message="2 to 40 letters, digits, '-' or '_' (no spaces).")


class DiscountForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired(message="Give the code."), Length(max=40), CODE],
                       description="Shoppers may type it in any case; it is stored in capitals.")
    note = StringField("Note for staff", validators=[Optional(), Length(max=200)])
    kind = SelectField("Gives", choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in DiscountKind])
    value = DecimalField("Amount (percent, or money off)", places=2, validators=[Optional(), NumberRange(min=0)],
                         description="10 for 10% off; 5.00 for $5.00 off. Not used for free delivery.")
    min_subtotal = DecimalField("Minimum subtotal", places=2, validators=[Optional(), NumberRange(min=0)])
    starts_at = DateTimeLocalField("Starts (UTC)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    ends_at = DateTimeLocalField("Ends (UTC)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    usage_limit = IntegerField("Uses in all", validators=[Optional(), NumberRange(min=1)],
                               description="Empty: no limit.")
    per_customer_limit = IntegerField("Uses per customer (email)", validators=[Optional(), NumberRange(min=1)])
    product_slugs = StringField("Only these products (slugs, comma-separated)", validators=[Optional(), Length(max=2000)])
    collection_slugs = StringField("Only these collections (slugs, comma-separated)",
                                   validators=[Optional(), Length(max=2000)])
    exclude_sale_items = BooleanField("Not on sale-priced items")
    active = BooleanField("Active", default=True)

    def validate(self, extra_validators=None) -> bool:
        # The amount depends on the kind, and an empty one must be caught too (Optional() would stop
        # a field validator before it runs): checked here, after the fields' own checks.
        valid = super().validate(extra_validators)
        if self.value.errors:
            return False
        kind = self.kind.data
        value = self.value.data if self.value.data is not None else Decimal(0)
        message = None
        if kind == DiscountKind.PERCENTAGE and not (1 <= value <= 100 and value == int(value)):
            message = "A percentage is a whole number from 1 to 100."
        elif kind == DiscountKind.FIXED and value <= 0:
            message = "Give the amount off."
        if message:
            self.value.errors = [*self.value.errors, message]
            return False
        return valid

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("The end must come after the start.")


def slug_list(raw: str | None) -> list[str]:
    return list(dict.fromkeys(s.strip().lower() for s in (raw or "").split(",") if s.strip()))
