"""Audit a change a service makes and commits itself: capture the fields now, record the
difference when the session flushes (inside the same commit).

    audit.track(current_user, article, ("status", "published_at"), "article", article.title, "article.publish")
    publish_article(article)   # its commit writes the article and the entry together
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from storefront.audit.record import record_change

WATCHES = "audit_watches"


@dataclass
class _Watch:
    actor: object
    obj: Any
    fields: tuple[str, ...]
    obj_type: str
    label: str
    action: str
    before: dict[str, Any]
    parent: tuple[str, object] | None


def track(
    actor: object, obj: Any, fields: Iterable[str], obj_type: str, label: str, action: str,
    *, parent: tuple[str, object] | None = None,
) -> None:
    """Record the named fields' change on obj at the next flush of the current session."""
    from storefront.extensions import db

    names = tuple(fields)
    watch = _Watch(actor, obj, names, obj_type, label, action, {n: getattr(obj, n) for n in names}, parent)
    db.session().info.setdefault(WATCHES, []).append(watch)


@event.listens_for(Session, "before_flush")
def _record_watched(session: Session, _context, _instances) -> None:
    # A watch waits until its fields have changed: a service may autoflush (run a query)
    # before it sets them; the commit ends every watch (after_commit below).
    waiting = []
    for w in session.info.get(WATCHES, ()):
        after = {n: getattr(w.obj, n) for n in w.fields}
        if record_change(w.actor, w.obj_type, getattr(w.obj, "id", None), w.label, w.action, w.before, after,
                         parent=w.parent) is None:
            waiting.append(w)
    if WATCHES in session.info:
        session.info[WATCHES] = waiting


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_watches(session: Session, *_args) -> None:
    # Committed: recorded or unchanged. Rolled back: a refused change leaves nothing to record later.
    session.info.pop(WATCHES, None)
