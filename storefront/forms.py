"""The app's base form: Flask-WTF's FlaskForm, with a CSRF field that renders without an id.

Flask-WTF renders the hidden token as <input id="csrf_token" ...>; a page with several forms (one
small form per delete button, say) then repeats that id, which is invalid HTML. Nothing points at
the hidden field (no label, no script: admin.js finds it by name), so it gets no id at all. Every
form in the app derives from this class (tests/storefront/test_forms.py checks that).
"""

from __future__ import annotations

import flask_wtf
from wtforms.csrf.core import CSRFTokenField


class FlaskForm(flask_wtf.FlaskForm):
    class Meta:
        def render_field(self, field, render_kw):
            if isinstance(field, CSRFTokenField):
                render_kw = {"id": False, **render_kw}  # id=False: WTForms leaves the attribute out
            return super().render_field(field, render_kw)
