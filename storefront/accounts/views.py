"""Sign in, sign out (everywhere), register, change or reset a password, and the account's order history."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_fresh, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from storefront.accounts import bp
from storefront.accounts.forms import (
    ChangePasswordForm,
    EndSessionsForm,
    FinishRegistrationForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SendVerificationForm,
)
from storefront.accounts.services import (
    AccountError,
    WrongPasswordError,
    authenticate,
    change_password,
    end_all_sessions,
    register_customer,
    registration_for_token,
    request_password_reset,
    reset_password,
    send_verification,
    start_registration,
    user_for_reset_token,
)
from storefront.accounts.verification import verify_email
from storefront.extensions import limiter
from storefront.orders.services import get_user_order, orders_for_user
from storefront.site_urls import local_path


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a crafted ?next= never sends a shopper elsewhere."""
    return local_path(target) or url_for("accounts.account")


def _login_limit() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT", "10 per minute")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"],
               error_message="Too many sign-in attempts. Please wait a minute and try again.")
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            flash("That email and password do not match an account.", "error")
        else:
            login_user(user)
            flash("You are signed in.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    # The session is a signed cookie the server cannot recall: logout_user() alone would leave any
    # copy of it (or of a remember cookie) working. Rotating the user's session token kills every
    # copy, at the cost of signing the account out on its other devices too, which the account page
    # says. Signing out one device only would need a server-side session table read on every request.
    if current_user.is_authenticated:
        end_all_sessions(current_user._get_current_object())
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("catalog.home"))


def _register_limit() -> str:
    return current_app.config.get("REGISTER_RATE_LIMIT", "10 per hour")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"],
               error_message="Too many sign-ups from here. Please wait a while and try again.")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            start_registration(form.email.data, form.name.data or "")
        except AccountError as error:
            form.email.errors.append(str(error))
        else:
            # The same answer whether or not the address has an account (its owner is told by
            # email), so the form does not reveal who shops here.
            return redirect(url_for("accounts.registration_sent"))
    return render_template("accounts/register.html", form=form)


@bp.get("/register/sent")
def registration_sent():
    return render_template("accounts/register_sent.html")


@bp.route("/register/<token>", methods=["GET", "POST"], endpoint="finish_registration")
@limiter.limit(_register_limit, methods=["POST"],
               error_message="Too many sign-ups from here. Please wait a while and try again.")
def finish_registration_view(token: str):
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    found = registration_for_token(token)
    if found is None:
        flash("That link is invalid, has expired or was used already. "
              "If you have created your account, sign in; if not, please start again.", "error")
        return redirect(url_for("accounts.login"))
    email, name = found
    form = FinishRegistrationForm()
    if form.validate_on_submit():
        try:
            user = register_customer(email, form.password.data, name, email_proven=True)
        except AccountError as error:  # a weak password, or the address was taken meanwhile
            form.password.errors.append(str(error))
        else:
            login_user(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/finish_registration.html", form=form, email=email, token=token)


@bp.get("")
@login_required
def account():
    return render_template("accounts/account.html", orders=orders_for_user(current_user.id),
                           end_sessions_form=EndSessionsForm(), verify_form=SendVerificationForm())


@bp.post("/verify")
@limiter.limit(_login_limit, error_message="Too many attempts. Please wait a minute and try again.")
@login_required
def send_verification_view():
    if SendVerificationForm().validate_on_submit():
        if send_verification(current_user._get_current_object()):
            flash(f"We have sent a link to {current_user.email}. Open it to verify your address.", "success")
        else:
            flash("Your email address is verified already.", "info")
    return redirect(url_for("accounts.account"))


@bp.get("/verify/<token>", endpoint="verify_email")
def verify_email_view(token: str):
    # A GET, so the emailed link works in one click: it only records a proof the link itself
    # carries (signed for this account and address), and opening it twice changes nothing more.
    verified = verify_email(token)
    if verified is None:
        return render_template("accounts/verify_failed.html"), 400
    user, joined = verified
    return render_template("accounts/verified.html", user=user, joined=joined)


def _keep_this_browser_signed_in(user, fresh: bool | None = None) -> None:
    """After a token rotation, this browser's session (and remember cookie, if it had one) carry the
    new token, so only the other devices, still holding the old one, are signed out."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
    login_user(user, remember=remember, fresh=login_fresh() if fresh is None else fresh)


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"],
               error_message="Too many attempts. Please wait a minute and try again.")
@login_required
def change_password_view():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(user, form.current_password.data, form.password.data)
        except WrongPasswordError as error:
            form.current_password.errors.append(str(error))
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            _keep_this_browser_signed_in(user, fresh=True)  # the password was just typed
            flash("Your password was changed. Any other device signed in to your account was signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    if EndSessionsForm().validate_on_submit():
        user = current_user._get_current_object()
        end_all_sessions(user)
        _keep_this_browser_signed_in(user)
        flash("You are signed out on every other device.", "success")
    return redirect(url_for("accounts.account"))


@bp.get("/orders/<number>")
@login_required
def order(number: str):
    found = get_user_order(current_user.id, number[:20])
    if found is None:
        abort(404)
    return render_template("orders/order.html", order=found)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        # The same answer either way, so the form does not reveal who has an account.
        flash("If an account uses that email, we have sent it a link to reset the password.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"], endpoint="reset_password")
def reset_password_view(token: str):
    user = user_for_reset_token(token)
    if user is None:
        flash("That reset link is invalid or has expired. Please ask for a new one.", "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(user, form.password.data)
        except AccountError as error:
            form.password.errors.append(str(error))
        else:
            # The new password ended every session (a thief's copied cookie included); the person
            # who just proved they own the mailbox and chose it is signed in here with the new token.
            login_user(user)
            flash("Your password was changed and you are signed in. "
                  "Any other device signed in to your account was signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/reset_password.html", form=form, token=token)
