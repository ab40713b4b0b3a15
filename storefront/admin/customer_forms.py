"""Forms of the customer pages: a search, and the two account actions, each with a tick box
that confirms it (works without JavaScript; a POST without the tick changes nothing)."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from storefront.accounts.models import Role
from storefront.forms import FlaskForm

ROLE_LABELS = {"customer": "Customer", "editor": "Editor (writes articles and pages)",
               "admin": "Admin (everything, including orders and customers)"}


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(r.value, ROLE_LABELS.get(r.value, r.value.capitalize())) for r in Role]


class CustomerSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Email or name", validators=[Optional(), Length(max=254)])
    role = SelectField("Role", choices=[], validators=[Optional()])


class RoleForm(FlaskForm):
    role = SelectField("New role", choices=[], validators=[DataRequired()])
    confirm = BooleanField("Yes, change the role and sign this person out everywhere",
                           validators=[DataRequired("Tick the box to confirm the change.")])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class ActiveForm(FlaskForm):
    confirm = BooleanField("Yes, I mean it", validators=[DataRequired("Tick the box to confirm.")])
