"""The article editor's forms: the article with its references, and a reviewer's approval."""

from __future__ import annotations

from urllib.parse import urlsplit

from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from blog.services import MAX_REF_PUBLISHER, MAX_REF_TITLE, MAX_REF_URL, MAX_REFERENCES
from storefront.admin.forms import SLUG
from storefront.forms import FlaskForm

# Blank reference rows the editor always shows (without JavaScript, "Add a reference row" adds one).
BLANK_REFERENCE_ROWS = 2


def _http_url(form, field) -> None:
    value = (field.data or "").strip()
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError("Use a full web address starting with https:// (or http://).")


class ReferenceForm(Form):
    """One source: a blank row is ignored; a row with anything in it needs a title."""

    # No Optional(): it would stop the chain before validate_title sees an empty title.
    title = StringField("Title", validators=[Length(max=MAX_REF_TITLE)])
    publisher = StringField("Publisher", validators=[Optional(), Length(max=MAX_REF_PUBLISHER)])
    year = StringField("Year", validators=[Optional(), Regexp(r"^\d{4}$", message="Four digits, like 2021.")])
    url = StringField("Link", validators=[Optional(), Length(max=MAX_REF_URL), _http_url])

    def validate_title(self, field) -> None:
        if not (field.data or "").strip() and any((f.data or "").strip() for f in (self.publisher, self.year, self.url)):
            raise ValidationError("A reference needs a title.")

    @property
    def value(self) -> dict[str, str]:
        return {name: (getattr(self, name).data or "").strip() for name in ("title", "publisher", "year", "url")}


class ArticleForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("URL slug", validators=[Optional(), Length(max=160), SLUG],
                       description="Leave empty to derive it from the title.")
    dek = TextAreaField("Dek (standfirst)", validators=[Optional(), Length(max=400)])
    body = TextAreaField("Body (Markdown)", validators=[Optional(), Length(max=200_000)],
                         description="CTA shortcodes: [[product:slug]], [[products:a,b]], "
                                     "[[collection:slug]], [[shop-now:slug|Label]].")
    references = FieldList(FormField(ReferenceForm), min_entries=BLANK_REFERENCE_ROWS, max_entries=MAX_REFERENCES)
    tags = StringField("Tags", validators=[Optional(), Length(max=300)],
                       description="Comma-separated; “health” adds the medical disclaimer and needs a "
                                   "medical reviewer's approval before publishing.")
    author = SelectField("Author", choices=[], validate_choice=False)
    seo_title = StringField("SEO title", validators=[Optional(), Length(max=200)])
    seo_description = StringField("SEO description", validators=[Optional(), Length(max=320)])
    publish_at = DateTimeLocalField("Publish at (UTC)", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                    validators=[Optional()],
                                    description="Empty publishes now; a future time schedules the article.")
    picker_q = SearchField("Find a product to link", validators=[Optional(), Length(max=200)])
    # The version of the text this editor started from (see blog.review): a save or autosave
    # made from an older version is refused rather than overwriting the newer one.
    base_version = HiddenField(validators=[Optional(), Length(max=64)])

    def reference_values(self) -> list[dict[str, str]]:
        return [entry.form.value for entry in self.references if any(entry.form.value.values())]


class ApproveForm(FlaskForm):
    version = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    shown_as = SelectField("Shown to readers as", choices=[], validate_choice=False,
                           validators=[DataRequired(message="Choose the medical reviewer readers will see.")])
