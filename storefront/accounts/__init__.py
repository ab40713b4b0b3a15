"""Accounts: customers and staff, log-in (rate-limited), registration, password reset, order history."""

from flask import Blueprint

from storefront.extensions import db, login_manager

bp = Blueprint("accounts", __name__, url_prefix="/account")


@login_manager.user_loader
def load_user(user_id: str):
    from storefront.accounts.models import User

    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


def init_app(app) -> None:
    from storefront.accounts.cli import create_user_command
    from storefront.cli import larder

    if "create-user" not in larder.commands:
        larder.add_command(create_user_command)


from storefront.accounts import views  # noqa: E402, F401
