"""The audit log: who changed what (prices, stock, certifications, settings, roles, refunds,
publishing), when, and the values before and after. Core: imports no domain package, so every
room can record.

    from storefront import audit
    audit.record_change(current_user, "variant", v.id, v.sku, "variant.price", {"price": 1899}, {"price": 1699},
                        parent=("product", v.product_id))
    db.session.commit()   # the entry commits with the change, or not at all

Browsing: storefront.audit.queries (per object, and the whole log with filters).
"""

from __future__ import annotations

from storefront.audit.display import register_field_format
from storefront.audit.models import AuditEntry
from storefront.audit.record import changed_fields, record_change
from storefront.audit.tracking import track

__all__ = ["AuditEntry", "changed_fields", "record_change", "register_field_format", "track"]
