"""How an entry reads on a staff page: field names in words, money through storefront.money."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storefront.audit.models import AuditEntry
from storefront.money import format_money

# Fields holding integer minor units. The entry's "currency" field (orders) says which currency;
# otherwise the store's.
MONEY_FIELDS = frozenset({"price", "compare_at_price", "amount", "refunded_total", "refund"})
# Fields whose owner says how to read them (e.g. the catalog's nutrition facts), by name.
_FORMATS: dict[str, Callable[[Any], str]] = {}


def register_field_format(name: str, describe: Callable[[Any], str]) -> None:
    """Let a room say how a structured field of its reads in the log (called from its init_app)."""
    _FORMATS[name] = describe


def _value(name: str, value: Any, currency: str | None) -> str:
    if value is None or value == "":
        return "—"
    if name in _FORMATS:
        return _FORMATS[name](value)
    if name in MONEY_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value, currency)
    if isinstance(value, dict | list):
        return _compact(value)
    return str(value)


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_compact(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_compact(v) for v in value)
    return str(value)


def changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field, before, after) in words, one per changed field."""
    before, after = entry.before or {}, entry.after or {}
    currency = after.get("currency") or before.get("currency")
    names = [n for n in dict.fromkeys([*before, *after]) if n != "currency"]
    return [
        (n.replace("_", " "), _value(n, before.get(n), currency), _value(n, after.get(n), currency))
        for n in names
    ]
