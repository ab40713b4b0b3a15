"""The two media stores: a local folder and an S3-compatible bucket, with one interface."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Protocol

from flask import Response, abort, redirect, send_from_directory, url_for

from storefront.site_urls import absolute_url_for

# Objects never change once written (keys are versioned), so every cache may keep them a year.
MAX_AGE = 31536000
IMMUTABLE = f"public, max-age={MAX_AGE}, immutable"
# A key is one flat file name: nothing that could climb out of a folder or a bucket prefix.
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,150}(\.[A-Za-z0-9]{1,10})?")
# Where uploads live in a bucket, so it can hold other things beside them.
S3_PREFIX = "uploads/"


class MediaError(Exception):
    """Something went wrong storing or reading media; the message is fit for staff."""


class MediaMissing(MediaError):
    """No object has this key."""


class MediaUnavailable(MediaError):
    """The store did not answer (bucket unreachable, credentials refused): try again later."""


def check_key(key: str) -> str:
    """`key` if it is a plain file name ("ab12.webp", "ab12-320w.webp"), else ValueError."""
    if not _KEY.fullmatch(key or ""):
        raise ValueError(f"not a media key: {key!r}")
    return key


class MediaStore(Protocol):
    def save(self, key: str, data: bytes, content_type: str) -> None:
        """Write an object (whole, or not at all); writing the same key again replaces it."""

    def read(self, key: str) -> bytes:
        """The object's bytes; MediaMissing if there is none."""

    def url(self, key: str, external: bool = False) -> str:
        """The address pages link (absolute when `external`, or when the store is elsewhere)."""

    def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error."""

    def response(self, key: str) -> Response:
        """What the app answers at /uploads/<key>: the file itself, or a redirect to the store."""


class LocalStore:
    """The instance's uploads folder: nothing to install, one machine only."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / check_key(key)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        target = self._path(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed: a reader never sees half an image.
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise MediaMissing(f"no stored file {key}") from None

    def url(self, key: str, external: bool = False) -> str:
        build = absolute_url_for if external else url_for
        return build("catalog.upload", filename=check_key(key))

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def response(self, key: str) -> Response:
        try:
            check_key(key)
        except ValueError:
            abort(404)
        response = send_from_directory(self.folder, key, max_age=MAX_AGE)
        response.cache_control.public = True
        response.cache_control.immutable = True
        return response


class S3Store:
    """An S3-compatible bucket; pages link its objects (or a CDN in front of it) directly."""

    def __init__(self, client, bucket: str, public_url: str) -> None:
        self.client = client
        self.bucket = bucket
        self.public_url = public_url.rstrip("/")

    @classmethod
    def from_settings(
        cls, bucket: str, *, endpoint_url: str | None = None, region: str | None = None, public_url: str | None = None
    ) -> S3Store:
        import boto3
        from botocore.config import Config

        options = {"connect_timeout": 5, "read_timeout": 30, "retries": {"max_attempts": 3, "mode": "standard"}}
        if endpoint_url:
            # MinIO, moto and most S3-compatible servers answer path-style addresses only.
            options["s3"] = {"addressing_style": "path"}
        client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                              config=Config(**options))
        return cls(client, bucket, public_url or default_public_url(bucket, endpoint_url, region))

    def _object(self, key: str) -> str:
        return S3_PREFIX + check_key(key)

    def save(self, key: str, data: bytes, content_type: str) -> None:
        self._call("store", key, self.client.put_object, Bucket=self.bucket, Key=self._object(key), Body=data,
                   ContentType=content_type, CacheControl=IMMUTABLE)

    def read(self, key: str) -> bytes:
        answer = self._call("read", key, self.client.get_object, Bucket=self.bucket, Key=self._object(key))
        return answer["Body"].read()

    def url(self, key: str, external: bool = False) -> str:
        return f"{self.public_url}/{self._object(key)}"

    def delete(self, key: str) -> None:
        self._call("delete", key, self.client.delete_object, Bucket=self.bucket, Key=self._object(key))

    def response(self, key: str) -> Response:
        # Old links to /uploads/<key> (a CSV export, an email) still lead to the image.
        try:
            target = self.url(key)
        except ValueError:
            abort(404)
        response = redirect(target, 301)
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
        return response

    def _call(self, what: str, key: str, operation, **arguments):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return operation(**arguments)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise MediaMissing(f"no stored object {key}") from None
            raise MediaUnavailable(f"The image store refused to {what} {key} ({code or exc}).") from exc
        except BotoCoreError as exc:
            raise MediaUnavailable(f"The image store could not be reached to {what} {key}.") from exc


def default_public_url(bucket: str, endpoint_url: str | None, region: str | None) -> str:
    """The bucket's own address, when no CDN is named: path-style on a custom endpoint."""
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{bucket}"
    if region and region != "us-east-1":
        return f"https://{bucket}.s3.{region}.amazonaws.com"
    return f"https://{bucket}.s3.amazonaws.com"
