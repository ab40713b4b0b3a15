"""`flask larder copy-uploads`: move a one-server shop's uploads into the bucket before scaling out."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.media import LocalStore, MediaStore, media_store
from storefront.media.stores import check_key


def copy_uploads(folder: Path, store: MediaStore) -> int:
    """Copy every stored upload in `folder` into `store` under the same key; return how many.

    Safe to re-run: keys never change meaning, so a second copy writes the same objects."""
    copied = 0
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        try:
            key = check_key(path.name)
        except ValueError:  # temporary files, anything that is not an upload
            continue
        if path.is_file():
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            store.save(key, path.read_bytes(), content_type)
            copied += 1
    return copied


@click.command("copy-uploads")
@with_appcontext
def copy_uploads_command() -> None:
    """Copy UPLOAD_FOLDER's images into the S3 bucket MEDIA_S3_BUCKET names (run once, when moving
    from the uploads folder to the bucket; pages link the bucket as soon as it is configured)."""
    store = media_store()
    if isinstance(store, LocalStore):
        raise click.ClickException("MEDIA_S3_BUCKET is not set: the uploads folder is already the media store.")
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    click.echo(f"Copied {copy_uploads(folder, store)} files from {folder} to the bucket.")
