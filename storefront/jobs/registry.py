"""Which function does each kind of outbox job. Packages register theirs at import time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register `fn(payload)` as the worker's code for outbox jobs of `kind`.

    It runs inside an app context with its own database session. Raise to have the job retried
    with backoff; the outbox guarantees it is never run again after it succeeded once.
    """

    def register(fn: Handler) -> Handler:
        if HANDLERS.get(kind, fn) is not fn:
            raise RuntimeError(f"Two handlers for outbox jobs of kind {kind!r}")
        HANDLERS[kind] = fn
        return fn

    return register


class UnknownJobKind(LookupError):
    pass


def handler_for(kind: str) -> Handler:
    try:
        return HANDLERS[kind]
    except KeyError:
        raise UnknownJobKind(f"No handler registered for outbox jobs of kind {kind!r}") from None
