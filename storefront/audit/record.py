"""Writing the log: one entry in the caller's transaction, so it commits (or rolls back) with the change."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from storefront.audit.models import AuditEntry
from storefront.extensions import db


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, enums as their value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# Kept beside the changed fields, never a change by itself: how to read the amounts.
CONTEXT_FIELDS = ("currency",)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose value differs (a field missing on one side counts as changed)."""
    b, a = _plain(dict(before)), _plain(dict(after))
    keys = [
        k for k in dict.fromkeys([*b, *a])
        if k not in CONTEXT_FIELDS and (b.get(k) != a.get(k) or (k in b) != (k in a))
    ]
    old, new = {k: b[k] for k in keys if k in b}, {k: a[k] for k in keys if k in a}
    if keys:
        for k in CONTEXT_FIELDS:
            if k in a or k in b:
                new[k] = a.get(k, b.get(k))
    return old, new


def actor_of(actor: object) -> tuple[int | None, str]:
    """(id, email) of a user object, or (None, a name) for the system, a CLI or a webhook."""
    email = getattr(actor, "email", None)
    if email is not None:
        return getattr(actor, "id", None), str(email)[:254]
    return None, str(actor or "system")[:254]


def record_change(
    actor: object,
    obj_type: str,
    obj_id: object,
    label: str,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    note: str = "",
    parent: tuple[str, object] | None = None,
    force: bool = False,
) -> AuditEntry | None:
    """Add an audit entry to the session (the caller commits it with the change).

    Only changed fields are kept; nothing is written when nothing changed, unless force
    (a refund or a deletion is worth a line even when no field is compared).
    """
    old, new = changed_fields(before, after)
    if not (old or new or force):
        return None
    # Reading an expired actor must not flush the caller's change early: its errors belong to
    # the caller's commit, where the service turns them into its own messages.
    with db.session.no_autoflush:
        actor_id, actor_email = actor_of(actor)
    entry = AuditEntry(
        actor_id=actor_id, actor_email=actor_email,
        object_type=obj_type[:40], object_id=str(obj_id)[:64], object_label=(label or "")[:200],
        action=action[:40], before=old, after=new, note=(note or "")[:200],
        parent_type=parent[0][:40] if parent else None, parent_id=str(parent[1])[:64] if parent else None,
    )
    db.session.add(entry)
    return entry
