"""Catalog fixtures: moto's S3 server for the media store's tests."""

from tests.fixtures.object_store import object_store, s3_bucket  # noqa: F401
