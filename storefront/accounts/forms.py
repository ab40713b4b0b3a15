"""Account forms: labelled fields, clear messages."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from storefront.accounts.services import MIN_PASSWORD_LENGTH
from storefront.forms import FlaskForm

# NUL, line breaks and other control characters never belong in a name (and PostgreSQL refuses NUL).
PLAIN_TEXT = Regexp(r"^[^\x00-\x1f\x7f]*$", message="Please remove the special characters.")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Please enter your email."), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    password = PasswordField("Password", validators=[DataRequired("Please enter your password."), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class RegisterForm(FlaskForm):
    """Step one: who. The password is chosen from the link mailed to the address (step two), so
    the answer here is the same whether or not the address has an account."""

    name = StringField("Name (optional)", validators=[Optional(), Length(max=120), PLAIN_TEXT],
                       render_kw={"autocomplete": "name"})
    email = EmailField("Email", validators=[DataRequired("Please enter your email."), Email("Please enter a valid email address."), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class FinishRegistrationForm(FlaskForm):
    password = PasswordField(
        "Password",
        validators=[DataRequired("Please choose a password."),
                    Length(min=MIN_PASSWORD_LENGTH, max=200, message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")],
        render_kw={"autocomplete": "new-password"},
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField("Repeat password", validators=[DataRequired("Please repeat the password."), EqualTo("password", "The passwords do not match.")],
                            render_kw={"autocomplete": "new-password"})


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Please enter your email."), Email("Please enter a valid email address."), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Please choose a password."),
                    Length(min=MIN_PASSWORD_LENGTH, max=200, message=f"Use at least {MIN_PASSWORD_LENGTH} characters.")],
        render_kw={"autocomplete": "new-password"},
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField("Repeat new password", validators=[DataRequired("Please repeat the password."), EqualTo("password", "The passwords do not match.")],
                            render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(ResetPasswordForm):
    """The reset form's new password twice, after the current one (the template orders the fields)."""

    current_password = PasswordField("Current password",
                                     validators=[DataRequired("Please enter your current password."), Length(max=200)],
                                     render_kw={"autocomplete": "current-password"})


class EndSessionsForm(FlaskForm):
    """No fields: the CSRF token is what makes "sign out everywhere" a deliberate act of this page."""


class SendVerificationForm(FlaskForm):
    """No fields: the CSRF token makes "mail me a verification link" a deliberate act of this page."""
