"""URL slugs and heading anchors, made one way for products, collections, tags and articles.

python-slugify transliterates instead of dropping what is not ASCII: "Crème Brûlée" becomes
"creme-brulee" (a plain [a-z0-9] filter would make "cr-me-br-l-e"), "Магний" becomes "magnii" and
"抹茶" "mo-cha". Emoji and symbols have no transliteration, so a name made only of them is
spelled with their Unicode names ("🍵" -> "teacup-without-handle") rather than left empty.
Every slug made here matches SLUG_RE.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from slugify import slugify as _transliterate
from werkzeug.routing import BaseConverter

SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_RE = re.compile(rf"^{SLUG_PATTERN}$")


class SlugConverter(BaseConverter):
    """`<slug:slug>` in a route: any other spelling is a 404 before the view runs."""

    regex = SLUG_PATTERN


def slugify(text: str, max_length: int = 120, fallback: str = "") -> str:
    """Lowercase ASCII words joined by single hyphens, at most `max_length` characters (0: no
    limit), cut at a word boundary; `fallback` when nothing in the text can be spelled."""
    text = text or ""
    slug = _transliterate(text, max_length=max_length, word_boundary=True)
    if not slug:
        # Marks (variation selectors) and format characters (zero-width joiners) inside emoji
        # sequences have names too, but no meaning of their own.
        names = [
            unicodedata.name(ch, "")
            for ch in text
            if not ch.isspace() and unicodedata.category(ch)[0] not in "MC"
        ]
        slug = _transliterate(" ".join(names), max_length=max_length, word_boundary=True)
    return slug or fallback


def unique_slug(base: str, taken: Callable[[str], bool], max_length: int = 120) -> str:
    """`base`, or base-2, base-3... for the first that `taken` refuses, shortening the base so
    the suffix still fits within `max_length`."""
    slug, n = base, 1
    while taken(slug):
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
    return slug
