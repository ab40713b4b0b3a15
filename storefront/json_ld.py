"""schema.org JSON-LD for <script> elements: shared by product pages and the publication."""

from __future__ import annotations

import json

from markupsafe import Markup


def to_script_json(data: dict) -> Markup:
    """JSON safe to place inside <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
