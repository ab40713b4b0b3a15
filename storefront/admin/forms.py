"""Staff forms. Every form that changes something carries Flask-WTF's CSRF token."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FormField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from storefront.catalog.allergens import ALLERGENS
from storefront.catalog.forms import NutritionForm
from storefront.forms import FlaskForm
from storefront.orders.carriers import (
    CARRIERS,
    NAME_MAX,
    OTHER,
    URL_MAX,
    Tracking,
    TrackingError,
    build_tracking,
)
from storefront.slugs import SLUG_RE

SLUG = Regexp(SLUG_RE, message="Use lowercase letters, digits and single hyphens.")
ALLERGEN_STATUS = [
    SelectChoice("declared", "Declared: it contains exactly the allergens ticked below (none ticked: free of all)"),
    SelectChoice("unknown", "Not declared yet (never listed as “free from” anything)"),
]
ALLERGEN_CHOICES = [SelectChoice(a.slug, a.name) for a in ALLERGENS]
STATUS_CHOICES = [
    SelectChoice("active", "Active (in the shop)"),
    SelectChoice("draft", "Draft (hidden)"),
    SelectChoice("archived", "Archived"),
]


def finite_amount(form, field) -> None:
    """NaN, infinity and sums past a database integer are typing slips, never money (and never a 500)."""
    if field.data is not None and (not field.data.is_finite() or abs(field.data) >= 10_000_000):
        raise StopValidation("Enter an amount like 12.50.")


MONEY = [InputRequired(message="Enter a price."), finite_amount, NumberRange(min=0, max=1_000_000, message="The price cannot be negative.")]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token is needed."""


class ProductForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("URL slug", validators=[Optional(), Length(max=120), SLUG],
                       description="Used in links and CTAs; leave empty to derive it from the title.")
    brand = StringField("Brand", validators=[Optional(), Length(max=120)])
    summary = StringField("Summary", validators=[Optional(), Length(max=300)])
    description = TextAreaField("Description (Markdown)", validators=[Optional(), Length(max=20_000)])
    ingredients = TextAreaField("Ingredients", validators=[Optional(), Length(max=5_000)])
    allergens = StringField("Allergen notes", validators=[Optional(), Length(max=1_000)],
                            description="Shown under the list, e.g. “May contain: tree nuts.”")
    # Structured allergens (storefront/catalog/allergens.py): a radio always posts, so a form
    # without these fields (an old page, a script) is told apart from "none ticked".
    allergen_status = RadioField("Allergen information", choices=ALLERGEN_STATUS, default="unknown")
    contains = MultiCheckboxField("Contains (EU 14 + US 9 major allergens)", choices=ALLERGEN_CHOICES)

    def validate_contains(self, field) -> None:
        if field.data and self.allergen_status.data != "declared":
            raise ValidationError("Choose “Declared” to record the allergens ticked.")
    status = SelectField("Status", choices=STATUS_CHOICES, default="draft")
    seo_title = StringField("SEO title", validators=[Optional(), Length(max=200)])
    seo_description = StringField("SEO description", validators=[Optional(), Length(max=320)])
    tags = MultiCheckboxField("Diet tags", coerce=int, choices=[])
    collections = MultiCheckboxField("Collections (hand-picked)", coerce=int, choices=[])
    # Not named "nutrition": filled from Product.nutrition by nutrition_form_data, not by obj=.
    nutrition_facts = FormField(NutritionForm, label="Nutrition facts")


class VariantFields:
    sku = StringField("SKU", validators=[DataRequired(), Length(max=64)])
    option_label = StringField("Option", validators=[Optional(), Length(max=120)],
                               description="e.g. “120 capsules”; “Default” when there is one option.")
    price = DecimalField("Price", places=2, validators=MONEY)
    compare_at_price = DecimalField("Compare-at price", places=2,
                                    validators=[Optional(), finite_amount,
                                                NumberRange(min=0, message="The price cannot be negative.")])
    weight_grams = IntegerField("Weight (grams)", default=0, validators=[Optional(), NumberRange(min=0, max=1_000_000)])

    def validate_compare_at_price(self, field) -> None:
        if field.data is not None and self.price.data is not None and field.data <= self.price.data:
            raise ValidationError("A compare-at price must be higher than the price (or left empty).")


class NewProductForm(ProductForm, VariantFields):
    stock = IntegerField("Stock on hand", default=0, validators=[InputRequired(), NumberRange(min=0, max=10_000_000)])


class VariantForm(FlaskForm, VariantFields):
    pass


class NewVariantForm(FlaskForm, VariantFields):
    stock = IntegerField("Stock on hand", default=0, validators=[InputRequired(), NumberRange(min=0, max=10_000_000)])


class StockForm(FlaskForm):
    delta = IntegerField("Change (+ received, − removed)", validators=[
        InputRequired(message="Enter how many to add or remove."),
        NumberRange(min=-10_000_000, max=10_000_000)])
    reason = StringField("Reason", validators=[DataRequired(message="Say why the stock changes."), Length(max=200)])


class ImageForm(FlaskForm):
    image = FileField("Image file", validators=[FileRequired(message="Choose an image file.")],
                      description="PNG, JPEG, WebP or GIF up to 5 MB; stored as WebP, metadata removed.")
    alt = StringField("Alternative text", validators=[DataRequired(message="Describe the image for people who cannot see it."), Length(max=255)])


class CertificationForm(FlaskForm):
    body = StringField("Certifying body", validators=[DataRequired(), Length(max=120)],
                       default="Monash University Low FODMAP Certified")
    licence_number = StringField("Licence / certificate number", validators=[Optional(), Length(max=80)])
    serving_quantity = DecimalField("Serving tested: amount", places=3, validators=[
        Optional(), finite_amount, NumberRange(min=Decimal("0.001"), max=100_000)],
        description="e.g. 2 (capsules) or 30 (g)")
    serving_unit = StringField("Serving tested: unit", validators=[Optional(), Length(max=30)],
                               description="e.g. capsules, g, scoop, tbsp")
    serving_metric_quantity = DecimalField("Serving weight or volume", places=3, validators=[
        Optional(), finite_amount, NumberRange(min=Decimal("0.001"), max=100_000)],
        description="For a serving counted in units: what it weighs, e.g. 1.1 (g)")
    serving_metric_unit = SelectField("Weight or volume unit", choices=[SelectChoice("g", "g"), SelectChoice("ml", "ml")],
                                      default="g")
    listing_url = URLField("Certifier's listing URL", validators=[Optional(), URL(), Length(max=500)],
                           description="The product's page in the certifier's directory of certified products.")
    valid_from = DateField("Valid from", validators=[InputRequired(message="Enter a date.")])
    valid_until = DateField("Valid until", validators=[InputRequired(message="Enter a date.")])
    evidence_url = URLField("Evidence URL", validators=[Optional(), URL(), Length(max=500)])

    def validate_serving_quantity(self, field) -> None:
        if field.data is not None and not (self.serving_unit.data or "").strip():
            raise ValidationError("Say what the amount counts: capsules, g, scoops…")

    def validate_serving_metric_quantity(self, field) -> None:
        if field.data is not None and self.serving_quantity.data is None:
            raise ValidationError("Enter the serving's amount first.")

    def validate_valid_until(self, field) -> None:
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("“Valid until” must be on or after “valid from”.")


class DietTagForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    slug = StringField("Slug", validators=[Optional(), Length(max=64), SLUG])


class CollectionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("URL slug", validators=[Optional(), Length(max=120), SLUG])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2_000)])
    rule = StringField("Rule", validators=[Optional(), Length(max=120)],
                       description="“certified”, or “tag:vegan”; empty for a hand-picked list.")
    featured = BooleanField("Featured on the home page")
    position = IntegerField("Position", default=0, validators=[Optional(), NumberRange(min=0, max=10_000)])


class ImportForm(FlaskForm):
    file = FileField("Shopify product CSV", validators=[FileRequired(message="Choose a CSV file.")])


class SiteSettingsForm(FlaskForm):
    banner_enabled = BooleanField("Show the top banner")
    banner_text = StringField("Banner text", validators=[Optional(), Length(max=200)])
    banner_link = StringField("Banner link", validators=[Optional(), Length(max=300), Regexp(
        r"^(/[^/\\]|/$|https://)", message="Use a path on this site (/...) or an https:// address.")])
    tagline = StringField("Tagline", validators=[Optional(), Length(max=200)])
    trust_line = StringField("Delivery and returns line", validators=[Optional(), Length(max=200)],
                             description="Shown beside “Add to cart” on every product page; empty hides it.")
    review_max_age_days = IntegerField("Health articles need review after (days)",
                                       validators=[InputRequired(), NumberRange(min=30, max=3650)])


class PickerForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search

    q = SearchField("Search products", validators=[Optional(), Length(max=200)])


class DateRangeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter

    start = DateField("From", validators=[Optional()])
    end = DateField("To", validators=[Optional()])


def to_minor_units(value: Decimal | None, currency: str) -> int | None:
    from storefront.money import to_minor

    return None if value is None else to_minor(value.quantize(Decimal("0.01")), currency)




class CancelOrderForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired(message="Say why the order is cancelled."), Length(max=300)])


class FulfilForm(FlaskForm):
    """How the order went out: a known carrier and its number (the link is built), another carrier
    with the link staff paste, or no tracking. The rules live in orders.carriers.build_tracking."""

    carrier = SelectField("Carrier", default="", choices=[
        SelectChoice("", "No tracking (sent untracked)"),
        *(SelectChoice(c.code, c.name) for c in CARRIERS.values()),
        SelectChoice(OTHER, "Other carrier"),
    ])
    # Raw length is loose (labels print numbers in spaced groups); the number itself is checked after trimming.
    tracking_number = StringField("Tracking number", validators=[Optional(), Length(max=100, message="That is too long for a tracking number.")])
    other_carrier = StringField("Carrier name (other carrier only)", validators=[Optional(), Length(max=NAME_MAX)])
    tracking_url = StringField("Tracking link (other carrier only)", validators=[Optional(), Length(max=URL_MAX)],
                               description="The carrier's tracking page for this parcel, starting with https://.")

    tracking: Tracking | None = None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            self.tracking = build_tracking(self.carrier.data, self.tracking_number.data,
                                           self.other_carrier.data, self.tracking_url.data)
        except TrackingError as exc:
            getattr(self, exc.field).errors = [*getattr(self, exc.field).errors, str(exc)]
            return False
        return True


class RefundForm(FlaskForm):
    """Refund chosen line quantities (the page's refund-line-<id> inputs, priced on the server) or an
    amount. The amount box starts empty: a refund of the whole order is typed on purpose, never
    sent by a click on a pre-filled box."""

    # places=None: an amount is read as the currency has it (1.234 KWD, 5000 JPY), not cut to cents.
    amount = DecimalField("Or refund an amount", places=None, validators=[
        Optional(), finite_amount, NumberRange(min=Decimal("0.01"), message="Refund at least 0.01.")],
        description="Leave empty when refunding the items chosen above.")
    restock = BooleanField("Put the refunded items back in stock (returned goods)")
    # The refunded total the page showed: a form sent twice (double click, Back and resend) refunds once.
    seen = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(min=0, max=2**31 - 1)])


class BulkOrdersForm(FlaskForm):
    """The order list's checkboxes (name "ids") and the action button pressed (name "action")."""

    ids = SelectMultipleField("Orders", coerce=int, validate_choice=False)


class OrderFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter

    q = SearchField("Order number or email", validators=[Optional(), Length(max=254)])
    status = SelectField("Status", choices=[], validate_choice=False)
    start = DateField("Placed from", validators=[Optional()])
    end = DateField("Placed until", validators=[Optional()])
    # Sends review=1 (not WTForms' default "y") so a shared link reads ?review=1; the view
    # decides what counts as on, so any other value is simply "off", never an error.
    review = BooleanField("Needs review only", render_kw={"value": "1"})


class ClearReviewForm(FlaskForm):
    note = StringField("What was done", validators=[
        DataRequired(message="Say what was done about it (for the order's history)."), Length(max=200)],
        description="For example: refunded the difference, checked with Stripe. Kept in the order's history.")
    # The flag reason the page showed: a flag raised again since is not cleared unseen.
    seen_reason = StringField(widget=HiddenInput(), validators=[Optional(), Length(max=300)])


class ResolveUnmatchedPaymentForm(FlaskForm):
    note = StringField("What was done", validators=[
        DataRequired(message="Say what was done about this payment."), Length(max=300)],
        description="For example: refunded in Stripe, matched to order LD-… by hand.")


class PageForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the page a title."), Length(max=200)])
    slug = StringField("URL slug", validators=[Optional(), Length(max=120), SLUG],
                       description="The page's address is /pages/<slug>; left empty, it is made from the title.")
    body = TextAreaField("Text (Markdown)", validators=[Optional(), Length(max=100_000)],
                         render_kw={"rows": 20},
                         description="## for a heading, - for a list item, [text](https://…) for a link.")


class CollectionImageForm(FlaskForm):
    image = FileField("Tile image", validators=[FileRequired(message="Choose an image file.")],
                      description="PNG, JPEG, WebP or GIF up to 5 MB; cropped to 3:2 and stored as WebP, metadata removed.")
