"""Uploaded media (product and collection images) in one store every server shares.

    store = media_store()
    store.save("ab12.webp", data, "image/webp")   # written once, never overwritten
    store.url("ab12.webp")                       # what pages link

Two stores behind one small interface: `LocalStore`, the instance's uploads folder (the
embedded default, served by the app at /uploads/<key>), and `S3Store`, an S3-compatible bucket
(AWS, MinIO, moto) that pages link directly, or through a CDN in front of it (MEDIA_PUBLIC_URL).
The store is S3 when MEDIA_S3_BUCKET is set. Credentials come from boto3's own chain
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role), never from Larder.

Keys are versioned: every upload gets a new random name, and its sized copies are named after
it, so an object never changes once written. That is what lets it be cached for a year with
`immutable`: a replaced image is a new key, hence a new URL.
"""

from __future__ import annotations

from flask import Flask, current_app

from storefront.media.stores import (
    IMMUTABLE,
    LocalStore,
    MediaError,
    MediaMissing,
    MediaStore,
    MediaUnavailable,
    S3Store,
    check_key,
)

__all__ = [
    "IMMUTABLE", "LocalStore", "MediaError", "MediaMissing", "MediaStore", "MediaUnavailable", "S3Store",
    "build_store", "check_key", "media_store", "use_store",
]

EXTENSION_KEY = "larder_media"


def build_store(config) -> MediaStore:
    """The store the configuration names: S3 when MEDIA_S3_BUCKET is set, else the uploads folder."""
    bucket = config.get("MEDIA_S3_BUCKET")
    if not bucket:
        return LocalStore(config["UPLOAD_FOLDER"])
    return S3Store.from_settings(
        bucket,
        endpoint_url=config.get("MEDIA_S3_ENDPOINT_URL"),
        region=config.get("MEDIA_S3_REGION"),
        public_url=config.get("MEDIA_PUBLIC_URL"),
    )


def media_store(app: Flask | None = None) -> MediaStore:
    """The app's store, built from its config on first use (a boto3 client is not free to make)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(EXTENSION_KEY)
    if store is None:
        store = app.extensions[EXTENSION_KEY] = build_store(app.config)
    return store


def use_store(app: Flask, store: MediaStore | None) -> None:
    """Replace the app's store (tests); None goes back to the configured one on next use."""
    if store is None:
        app.extensions.pop(EXTENSION_KEY, None)
    else:
        app.extensions[EXTENSION_KEY] = store
