"""A product's certificates as one CSV cell (JSON), for the Shopify CSV's metafield column:

    [{"body": "Monash University Low FODMAP Certified", "licence_number": "MON-2025-0412",
      "serving": "2 capsules (1.1 g)", "valid_from": "2026-01-31", "valid_until": "2028-01-31",
      "evidence_url": "https://...", "listing_url": "https://..."}]

The serving is read into the certificate's structured serving (storefront.catalog.servings); an
unreadable one is an error. A certificate whose serving is text only (older data) exports it as
"serving_text", imported back as text.
An empty cell means no certificates; a file without the column leaves them as they are.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from storefront.catalog.models import Certification
from storefront.catalog.servings import parse_serving

MAX_CERTIFICATES = 20
TEXT_LIMITS = {"body": 120, "licence_number": 80}
URL_FIELDS = ("evidence_url", "listing_url")


class CertificatesError(ValueError):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def _date(item: dict, key: str, where: str, errors: list[str]) -> date | None:
    try:
        return date.fromisoformat(str(item.get(key) or ""))
    except ValueError:
        errors.append(f"{where}: {key} must be a date such as 2026-01-31")
        return None


def _texts(item: dict, where: str, errors: list[str]) -> dict[str, str]:
    values = {}
    for key, limit in TEXT_LIMITS.items():
        values[key] = str(item.get(key) or "").strip()
        if len(values[key]) > limit:
            errors.append(f"{where}: {key} is longer than {limit} characters")
    if not values["body"]:
        errors.append(f"{where}: body (the certifying body) is required")
    for key in URL_FIELDS:
        values[key] = str(item.get(key) or "").strip()
        if values[key] and (not values[key].startswith(("https://", "http://")) or len(values[key]) > 500):
            errors.append(f"{where}: {key} must be an http(s) address of at most 500 characters")
    return values


def _certificate(index: int, item: Any, errors: list[str]) -> dict | None:
    where = f"certificate {index}"
    if not isinstance(item, dict):
        errors.append(f"{where}: must be an object with body, valid_from, valid_until...")
        return None
    fields = _texts(item, where, errors)
    fields["valid_from"] = _date(item, "valid_from", where, errors)
    fields["valid_until"] = _date(item, "valid_until", where, errors)
    if fields["valid_from"] and fields["valid_until"] and fields["valid_until"] < fields["valid_from"]:
        errors.append(f"{where}: valid_until must be on or after valid_from")
    try:
        serving = parse_serving(str(item.get("serving") or ""))
    except ValueError as exc:
        errors.append(f"{where}: serving {exc}")
        serving = None
    # Older certificates whose serving text was never read as data export it as text only.
    note = str(item.get("serving_text") or "").strip()[:120]
    fields.update(serving.fields() if serving else {
        "serving_size_tested": note, "serving_quantity": None, "serving_unit": "",
        "serving_metric_quantity": None, "serving_metric_unit": ""})
    return fields


def certificates_from_csv(cell: str) -> list[dict]:
    """The cell as Certification column values, one dict each; CertificatesError lists problems."""
    if not (cell or "").strip():
        return []
    try:
        raw = json.loads(cell)
    except ValueError as exc:
        raise CertificatesError([f"is not valid JSON ({exc.msg} at character {exc.pos})"]) from None
    if not isinstance(raw, list):
        raise CertificatesError(["must be a JSON list of certificates"])
    if len(raw) > MAX_CERTIFICATES:
        raise CertificatesError([f"at most {MAX_CERTIFICATES} certificates"])
    errors: list[str] = []
    found = [c for i, item in enumerate(raw, 1) if (c := _certificate(i, item, errors)) is not None]
    if errors:
        raise CertificatesError(errors)
    return found


def certificates_to_csv(certificates: list[Certification]) -> str:
    if not certificates:
        return ""
    return json.dumps([
        {
            "body": c.body, "licence_number": c.licence_number,
            **({"serving": c.serving_text} if c.serving_quantity is not None else {"serving_text": c.serving_size_tested}),
            "valid_from": c.valid_from.isoformat(), "valid_until": c.valid_until.isoformat(),
            "evidence_url": c.evidence_url, "listing_url": c.listing_url,
        }
        for c in certificates
    ], ensure_ascii=False, sort_keys=True)
