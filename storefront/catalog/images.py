"""Product image uploads: refuse anything that is not a plain raster image, store a clean WebP
in the media store (storefront/media: the uploads folder or an S3 bucket).

Every upload is decoded by Pillow and re-encoded from its raw pixels, so no metadata (EXIF,
GPS, XMP, ICC, comments) from the original survives. SVG is refused outright: it is a
document that can carry scripts, not a picture.
"""

from __future__ import annotations

import io
import logging
import re
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from storefront.media import MediaStore, MediaUnavailable, check_key, media_store

log = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # 40 megapixels: any real product photo; bombs are far larger
DEFAULT_MAX_SIDE = 1600  # longest side of the stored image
WEBP_QUALITY = 82
# Camera EXIF, an ICC profile and editor XMP stay well under this; more is a payload, not a photo.
MAX_METADATA_BYTES = 512 * 1024
# Markup or code hidden in metadata: the signature of polyglot files meant to be served back
# as HTML/PHP/SVG somewhere. A product photo never carries it.
HOSTILE_METADATA = re.compile(
    rb"<\s*(?:script|html|svg|iframe|object|embed)\b|<\?php|javascript:|\bon(?:error|load)\s*=", re.IGNORECASE
)


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message says why, for the staff member."""


class ImageNotStored(ImageRejected):
    """The image was fine but the media store did not take it (unreachable): staff try again."""


# Smaller copies made by the worker after upload, for srcset: a phone's full-width image, a
# tablet's, a desktop gallery's. Only widths below the image's own are made (never an upscale).
SIZED_WIDTHS = (320, 640, 1024)


@dataclass(frozen=True)
class StoredImage:
    path: str  # "uploads/<name>.webp", what ProductImage.path holds
    width: int
    height: int
    widths: tuple[int, ...] = ()  # the smaller copies stored beside it (sized_path), once made


def sized_path(path: str, width: int) -> str:
    """Where the copy of `path` at `width` pixels is: "uploads/ab12.webp" -> "uploads/ab12-320w.webp"."""
    stem, dot, ext = path.rpartition(".")
    return f"{stem}-{width}w.{ext}" if dot else f"{path}-{width}w"


def _looks_like_svg(head: bytes, filename: str) -> bool:
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return filename.lower().endswith((".svg", ".svgz")) or lowered.startswith((b"<?xml", b"<svg", b"<!doctype svg"))


def read_upload(stream: BinaryIO, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The upload's bytes, refusing empty, oversized and SVG files before any decoding."""
    data = stream.read(max_bytes + 1)
    if not data:
        raise ImageRejected("The file is empty.")
    if len(data) > max_bytes:
        raise ImageRejected(f"The image is larger than {max_bytes // (1024 * 1024)} MB.")
    if _looks_like_svg(data[:256], filename or ""):
        raise ImageRejected("SVG files are not accepted (they can carry scripts). Upload a PNG, JPEG or WebP.")
    return data


def _metadata_bytes(value) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "replace")
    if isinstance(value, dict | list | tuple):
        return b"".join(_metadata_bytes(v) for v in (value.values() if isinstance(value, dict) else value))
    return b""


def check_metadata(info: dict) -> None:
    """Refuse images whose metadata is oversized or hides markup or code."""
    blobs = [_metadata_bytes(value) for key, value in info.items() if key not in ("dpi", "gamma", "transparency")]
    if sum(len(b) for b in blobs) > MAX_METADATA_BYTES:
        raise ImageRejected("The image carries an unusually large amount of metadata; export it again without it.")
    if any(HOSTILE_METADATA.search(b) for b in blobs):
        raise ImageRejected("The image's metadata contains markup or code; it looks crafted, not photographed.")


def clean_image(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS, max_side: int = DEFAULT_MAX_SIDE) -> Image.Image:
    """Decode, check dimensions, apply orientation, drop metadata and shrink to max_side."""
    try:
        with warnings.catch_warnings():
            # Pillow warns (then errors) about decompression bombs; treat any warning as fatal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
                width, height = probe.size
                if width < 1 or height < 1 or width * height > max_pixels:
                    raise ImageRejected(
                        f"The image is {width}×{height} pixels; the limit is {max_pixels // 1_000_000} megapixels."
                    )
                probe.verify()
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as img:
                img.seek(0)
                img.load()
                check_metadata(img.info)
                img = ImageOps.exif_transpose(img)
                mode = "RGBA" if img.mode in ("RGBA", "LA", "P", "PA") else "RGB"
                pixels = img.convert(mode)
    except ImageRejected:
        raise
    except UnidentifiedImageError:
        raise ImageRejected("That file is not an image we can read. Upload a PNG, JPEG, WebP or GIF.") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("The image's dimensions are too large to process safely.") from None
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError, MemoryError):
        raise ImageRejected("The image is damaged or has unreadable metadata.") from None
    # A brand-new image from raw pixels: nothing of the original's metadata comes along.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    clean.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return clean


def media_key(path: str) -> str:
    """The store's key of an uploaded image's path: "uploads/ab12.webp" -> "ab12.webp"."""
    return check_key(Path(path.removeprefix("uploads/")).name)


def _save(store: MediaStore, path: str, image: Image.Image) -> None:
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    try:
        store.save(media_key(path), buffer.getvalue(), "image/webp")
    except MediaUnavailable as exc:
        raise ImageNotStored(f"The image could not be saved just now ({exc}) Please try again.") from exc


def store_product_image(
    stream: BinaryIO,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = DEFAULT_MAX_SIDE,
    store: MediaStore | None = None,
) -> StoredImage:
    """Validate an uploaded image and store it as a metadata-free WebP under a new key.

    Only the original is written here; its smaller copies are the worker's job
    (make_sized_copies), so the upload request does not resize three times while staff wait."""
    image = clean_image(read_upload(stream, filename, max_bytes), max_pixels, max_side)
    path = f"uploads/{uuid.uuid4().hex}.webp"
    _save(store or media_store(), path, image)
    return StoredImage(path=path, width=image.width, height=image.height)


def make_sized_copies(path: str, store: MediaStore | None = None) -> tuple[int, ...]:
    """Read a stored original and write its copies at each of SIZED_WIDTHS below its width.

    Idempotent: the copies' keys follow from the original's, so running it again rewrites the
    same objects. Raises MediaMissing when the original is gone."""
    store = store or media_store()
    with Image.open(io.BytesIO(store.read(media_key(path))), formats=("WEBP",)) as original:
        original.load()
        image = original.copy()
    widths = tuple(w for w in SIZED_WIDTHS if w < image.width)
    for width in widths:
        copy = image.resize((width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS)
        _save(store, sized_path(path, width), copy)
    return widths


def delete_stored_image(path: str, widths: Iterable[int] = SIZED_WIDTHS, store: MediaStore | None = None) -> None:
    """Remove an uploaded image and its sized copies (static demo images are never touched).

    Every possible copy is removed, not only those recorded: the worker may have written them
    after the row was read. Called after the row's removal is committed, so a store that does
    not answer leaves an unlinked object behind (logged), never a failed request."""
    if not path.startswith("uploads/"):
        return
    store = store or media_store()
    try:
        for each in (path, *(sized_path(path, w) for w in sorted({*widths, *SIZED_WIDTHS}))):
            store.delete(media_key(each))
    except MediaUnavailable as exc:
        log.warning("Could not delete %s and its sizes from the media store: %s", path, exc)


# Home page collection tiles: one 3:2 size, so the tile's width/height attributes are exact.
COLLECTION_IMAGE_SIZE = (720, 480)


def store_collection_image(
    stream: BinaryIO, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES, store: MediaStore | None = None
) -> StoredImage:
    """Validate an upload like a product image, crop it to the tile's 3:2 and store it as WebP."""
    image = clean_image(read_upload(stream, filename, max_bytes))
    tile = ImageOps.fit(image, COLLECTION_IMAGE_SIZE, Image.Resampling.LANCZOS)
    path = f"uploads/{uuid.uuid4().hex}.webp"
    _save(store or media_store(), path, tile)
    return StoredImage(path=path, width=tile.width, height=tile.height)
