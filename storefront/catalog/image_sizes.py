"""The worker's half of an image upload: make the responsive sizes of a stored original.

The upload request stores the original and records IMAGE_SIZES in the same transaction as the
image row; a worker reads the original back from the media store, writes the copies and records
their widths on the row. Until then pages show the original alone (no srcset, never a broken one).
"""

from __future__ import annotations

from storefront import jobs
from storefront.catalog.images import make_sized_copies
from storefront.catalog.models import ProductImage
from storefront.extensions import db
from storefront.media import MediaMissing

IMAGE_SIZES = "catalog.image_sizes"


def record_image_sizes(image: ProductImage) -> None:
    """Ask for an uploaded image's sized copies, in the caller's transaction (the image row's)."""
    if not image.path.startswith("uploads/"):
        return
    db.session.flush()  # the row's id, for the payload
    # Keyed by the path, unique per upload: an id can come back after a delete, a path cannot.
    jobs.record(IMAGE_SIZES, {"image_id": image.id, "path": image.path}, key=f"image-sizes:{image.path}")


@jobs.handler(IMAGE_SIZES)
def make_image_sizes(payload: dict) -> None:
    """Write the sized copies and record their widths; a removed or replaced image needs none."""
    image = db.session.get(ProductImage, payload["image_id"])
    if image is None or image.path != payload["path"]:
        return
    try:
        widths = make_sized_copies(image.path)
    except MediaMissing:
        raise jobs.PermanentFailure(f"the original {image.path} is not in the media store") from None
    image.widths = list(widths) or None
