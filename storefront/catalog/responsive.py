"""Responsive product images: the srcset of an image with sized copies (catalog/images.py)."""

from __future__ import annotations

from collections.abc import Iterable

from storefront.catalog.images import sized_path
from storefront.templating import image_url

# How wide the product page shows its main image: the full phone width below the two-column
# breakpoint (48rem), half the page beside the buy box above it, never more than half the
# 72rem wrap.
GALLERY_SIZES = "(min-width: 72rem) 35rem, (min-width: 48rem) 50vw, 100vw"


def image_srcset(path: str | None, width: int | None, widths: Iterable[int] | None) -> str:
    """"url 320w, url 640w, ..., url <full>w", or "" when the image has no sized copies (an
    upload from before they were made, a vector demo image): the plain src is used then."""
    if not path or not widths:
        return ""
    candidates = [f"{image_url(sized_path(path, w))} {w}w" for w in sorted(widths)]
    if width:
        candidates.append(f"{image_url(path)} {width}w")
    return ", ".join(candidates)
