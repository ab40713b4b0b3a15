"""`flask larder create-user`, `set-role` and `set-password`: accounts from the shell (the owner is emailed a
password change, never the password)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from storefront import audit
from storefront.accounts.models import Role
from storefront.accounts.services import (
    AccountError,
    change_role,
    create_user,
    find_user,
    normalise_email,
    set_password,
)
from storefront.extensions import db

# Who the audit log names for changes made from the shell (no account is signed in there).
CLI_ACTOR = "command line (flask larder)"


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
    if user.role != Role.CUSTOMER.value:
        # A staff account is a role given: the audit log shows it, as a role change would.
        audit.record_change(CLI_ACTOR, "user", user.id, user.email, "user.role", {"role": None}, {"role": user.role})
        db.session.commit()
    click.echo(f"Created {user.role} {user.email}")


@click.command("set-role")
@click.option("--email", required=True, help="The account's email address.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@with_appcontext
def set_role_command(email: str, role: str) -> None:
    """Change an account's role; its sessions end and the audit log records the change."""
    user = find_user(normalise_email(email))
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    old = user.role
    try:
        change_role(user, role, actor=CLI_ACTOR)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{user.email} was {old}, is now {user.role}" if old != role else f"{user.email} is already {role}")


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
