"""`flask larder create-user` and `set-password`: accounts from the shell (the owner is emailed a
password change, never the password)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from storefront.accounts.models import Role
from storefront.accounts.services import AccountError, create_user, set_password


@click.command("create-user")
@click.option("--email", required=True, help="The account's email address.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.CUSTOMER.value, show_default=True)
@click.option("--name", default="", help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted (hidden) when not given.")
@with_appcontext
def create_user_command(email: str, role: str, name: str, password: str) -> None:
    """Create an account with a role (customer, editor or admin)."""
    try:
        user = create_user(email, password, role=role, name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role} {user.email}")


@click.command("set-password")
@click.option("--email", required=True, help="The account's email address.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted (hidden) when not given.")
@with_appcontext
def set_password_command(email: str, password: str) -> None:
    """Give an account a new password; every session of it ends and its owner is told by email."""
    try:
        user = set_password(email, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"New password set for {user.email}; they have been emailed about it.")
