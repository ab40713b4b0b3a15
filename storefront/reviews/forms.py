"""The review form, the helpful vote and the staff's moderation buttons."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from storefront.forms import FlaskForm
from storefront.reviews.models import BODY_MAX, BODY_MIN, NAME_MAX, TITLE_MAX

RATING_CHOICES = [SelectChoice(5, "5 stars: excellent"), SelectChoice(4, "4 stars: good"),
                  SelectChoice(3, "3 stars: fine"), SelectChoice(2, "2 stars: poor"), SelectChoice(1, "1 star: bad")]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ReviewForm(FlaskForm):
    rating = RadioField("Your rating", choices=RATING_CHOICES, coerce=int,
                        validators=[InputRequired("Choose a rating from 1 to 5 stars.")])
    title = StringField("Title (optional)", filters=[_strip],
                        validators=[Optional(), Length(max=TITLE_MAX, message=f"Up to {TITLE_MAX} characters.")])
    body = TextAreaField(
        "Your review", filters=[_strip],
        description=f"Plain text, {BODY_MIN} to {BODY_MAX} characters. How did you use it, and how did it agree with you?",
        validators=[DataRequired("Write a few words about the product."),
                    Length(min=BODY_MIN, max=BODY_MAX,
                           message=f"Your review must be between {BODY_MIN} and {BODY_MAX} characters.")],
    )
    author_name = StringField(
        "Name shown with your review", filters=[_strip], description="For example your first name and an initial.",
        validators=[DataRequired("Give a name to show with your review."),
                    Length(max=NAME_MAX, message=f"Up to {NAME_MAX} characters.")],
    )


class HelpfulForm(FlaskForm):
    next = HiddenField()


class ModerateForm(FlaskForm):
    action = HiddenField()
    note = StringField("Note", filters=[_strip], validators=[Optional(), Length(max=300)])
