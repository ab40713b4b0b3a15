"""Catalog fixtures: moto's S3 server for the media store's tests, and which tiles were rendered."""

from tests.fixtures.object_store import object_store, s3_bucket  # noqa: F401
from tests.fixtures.pieces import magnesium_product, zinc_product  # noqa: F401
from tests.fixtures.tiles import tile_renders  # noqa: F401
