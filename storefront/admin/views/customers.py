"""Customers for admins: the list, one customer's page, and the two account actions.

Admins only (the blueprint guard's default, no `staff_required` opening it to editors): these
pages show people's emails, orders and spending, which editors writing articles do not need.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from storefront.admin import bp
from storefront.admin.customer_forms import ActiveForm, CustomerSearchForm, RoleForm, role_choices
from storefront.admin.customers import (
    CannotChangeOwnAccount,
    UnknownRole,
    change_role,
    customer_detail,
    customer_page,
    get_customer,
    set_active,
)


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        return 1


@bp.get("/customers")
def customers():
    form = CustomerSearchForm(request.args)
    form.role.choices = [SelectChoice("", "Any role"), *role_choices()]
    valid = form.validate()
    q = (form.q.data or "").strip() if valid else ""
    role = form.role.data if valid else ""
    return render_template("admin/customers/list.html", form=form, q=q,
                           result=customer_page(q=q, role=role or "", page=_page_number()))


def _customer_or_404(user_id: int):
    user = get_customer(user_id)
    if user is None:
        abort(404)
    return user


def _render_detail(user, role_form=None, active_form=None, status: int = 200):
    role_form = role_form or RoleForm(prefix="role", role=user.role)
    return render_template("admin/customers/detail.html", detail=customer_detail(user), role_form=role_form,
                           active_form=active_form or ActiveForm(prefix="active"),
                           is_self=user.id == current_user.id), status


@bp.get("/customers/<int:user_id>")
def customer(user_id: int):
    return _render_detail(_customer_or_404(user_id))


@bp.post("/customers/<int:user_id>/role")
def customer_role(user_id: int):
    user = _customer_or_404(user_id)
    form = RoleForm(prefix="role")
    if not form.validate():
        return _render_detail(user, role_form=form, status=400)
    try:
        changed = change_role(current_user, user, form.role.data)
    except (CannotChangeOwnAccount, UnknownRole) as error:
        flash(str(error), "error")
        return _render_detail(user, role_form=form, status=400)
    if changed:
        flash(f"{user.email} is now {user.role}; they were signed out everywhere.", "success")
    else:
        flash(f"{user.email} already was {user.role}: nothing changed.", "info")
    return redirect(url_for("admin.customer", user_id=user.id), 303)


@bp.post("/customers/<int:user_id>/deactivate")
def customer_deactivate(user_id: int):
    return _set_active(user_id, False)


@bp.post("/customers/<int:user_id>/reactivate")
def customer_reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    # Two URLs rather than a toggle: a page resubmitted from the history cannot undo the change.
    user = _customer_or_404(user_id)
    form = ActiveForm(prefix="active")
    if not form.validate():
        return _render_detail(user, active_form=form, status=400)
    try:
        changed = set_active(current_user, user, active)
    except CannotChangeOwnAccount as error:
        flash(str(error), "error")
        return _render_detail(user, active_form=form, status=400)
    if not changed:
        flash(f"{user.email} already was {'active' if active else 'deactivated'}: nothing changed.", "info")
    elif active:
        flash(f"{user.email} was reactivated: they can sign in again.", "success")
    else:
        flash(f"{user.email} was deactivated and signed out everywhere.", "success")
    return redirect(url_for("admin.customer", user_id=user.id), 303)
