"""The media store interface, the same on the uploads folder and on an S3 bucket (moto's server)."""

from __future__ import annotations

import urllib.request

import pytest

from storefront.media import (
    IMMUTABLE,
    LocalStore,
    MediaMissing,
    MediaUnavailable,
    S3Store,
    build_store,
)
from tests.fixtures.processes import free_port


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path, app):
    if request.param == "local":
        return LocalStore(tmp_path / "uploads")
    return request.getfixturevalue("s3_bucket").store()


def test_an_object_reads_back_as_written_and_a_rewrite_replaces_it(store):
    store.save("ab12.webp", b"first", "image/webp")
    assert store.read("ab12.webp") == b"first"
    store.save("ab12.webp", b"second", "image/webp")
    assert store.read("ab12.webp") == b"second"


def test_a_missing_object_is_reported_and_deleting_it_is_harmless(store):
    with pytest.raises(MediaMissing):
        store.read("nothing.webp")
    store.delete("nothing.webp")
    store.save("gone.webp", b"x", "image/webp")
    store.delete("gone.webp")
    with pytest.raises(MediaMissing):
        store.read("gone.webp")


@pytest.mark.parametrize("key", ["../secret.webp", "a/b.webp", "", ".hidden", "x.webp/../../y", "name with space.webp"])
def test_a_key_that_is_not_a_plain_file_name_is_refused(store, key):
    with pytest.raises(ValueError):
        store.save(key, b"x", "image/webp")
    with pytest.raises(ValueError):
        store.url(key)


def test_local_objects_are_served_by_the_app_for_a_year(app, client, tmp_path):
    from storefront.media import use_store

    local = LocalStore(tmp_path / "uploads")
    use_store(app, local)
    try:
        local.save("ab12.webp", b"RIFF-webp", "image/webp")
        with app.test_request_context():
            assert local.url("ab12.webp") == "/uploads/ab12.webp"
            assert local.url("ab12.webp", external=True) == app.config["SITE_URL"] + "/uploads/ab12.webp"
        response = client.get("/uploads/ab12.webp")
        assert response.status_code == 200 and response.data == b"RIFF-webp"
        cache = response.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
        assert client.get("/uploads/missing.webp").status_code == 404
        assert client.get("/uploads/..%2Fconfig.py").status_code == 404
    finally:
        use_store(app, None)


def test_s3_objects_are_public_on_the_bucket_with_a_year_long_immutable_cache(s3_bucket):
    store = s3_bucket.store()
    store.save("ab12.webp", b"RIFF-webp", "image/webp")
    url = store.url("ab12.webp")
    assert url == f"{s3_bucket.endpoint_url}/{s3_bucket.bucket}/uploads/ab12.webp"
    with urllib.request.urlopen(url, timeout=5) as answer:
        assert answer.status == 200 and answer.read() == b"RIFF-webp"
        assert answer.headers["Cache-Control"] == IMMUTABLE
        assert answer.headers["Content-Type"] == "image/webp"


def test_old_upload_links_redirect_to_the_bucket(app, client, s3_bucket):
    from storefront.media import use_store

    use_store(app, s3_bucket.store())
    try:
        response = client.get("/uploads/ab12.webp")
        assert response.status_code == 301
        assert response.headers["Location"] == f"{s3_bucket.public_url}/uploads/ab12.webp"
    finally:
        use_store(app, None)


def test_the_configuration_chooses_the_store(s3_bucket, tmp_path):
    assert isinstance(build_store({"UPLOAD_FOLDER": str(tmp_path)}), LocalStore)
    config = {"UPLOAD_FOLDER": str(tmp_path), "MEDIA_S3_BUCKET": s3_bucket.bucket,
              "MEDIA_S3_ENDPOINT_URL": s3_bucket.endpoint_url, "MEDIA_S3_REGION": "us-east-1",
              "MEDIA_PUBLIC_URL": "https://cdn.example.com/"}
    store = build_store(config)
    assert isinstance(store, S3Store)
    # Pages link the CDN; the objects go to the bucket, with credentials from boto3's env chain.
    assert store.url("ab12.webp") == "https://cdn.example.com/uploads/ab12.webp"
    store.save("ab12.webp", b"x", "image/webp")
    assert "uploads/ab12.webp" in s3_bucket.object_keys()
    without_cdn = build_store({**config, "MEDIA_PUBLIC_URL": None})
    assert without_cdn.url("ab12.webp") == f"{s3_bucket.public_url}/uploads/ab12.webp"


def test_aws_bucket_addresses_without_a_cdn():
    from storefront.media.stores import default_public_url

    assert default_public_url("shop", None, "eu-west-1") == "https://shop.s3.eu-west-1.amazonaws.com"
    assert default_public_url("shop", None, None) == "https://shop.s3.amazonaws.com"


def test_an_unreachable_bucket_is_reported_as_unavailable(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    store = S3Store.from_settings("shop", endpoint_url=f"http://127.0.0.1:{free_port()}", region="us-east-1")
    with pytest.raises(MediaUnavailable, match="could not be reached"):
        store.save("ab12.webp", b"x", "image/webp")


def test_copy_uploads_moves_a_one_server_shop_into_the_bucket(app, s3_bucket, tmp_path):
    from storefront.media import use_store

    folder = tmp_path / "uploads"
    local = LocalStore(folder)
    local.save("ab12.webp", b"original", "image/webp")
    local.save("ab12-320w.webp", b"small", "image/webp")
    (folder / ".ab12.webp.tmp").write_bytes(b"half written")
    runner = app.test_cli_runner()

    refused = runner.invoke(args=["larder", "copy-uploads"])
    assert refused.exit_code != 0 and "MEDIA_S3_BUCKET is not set" in refused.output

    app.config["UPLOAD_FOLDER"], previous = str(folder), app.config["UPLOAD_FOLDER"]
    use_store(app, s3_bucket.store())
    try:
        for _ in range(2):  # re-running writes the same objects
            result = runner.invoke(args=["larder", "copy-uploads"])
            assert result.exit_code == 0 and "Copied 2 files" in result.output
    finally:
        app.config["UPLOAD_FOLDER"] = previous
        use_store(app, None)
    assert s3_bucket.object_keys() == {"uploads/ab12.webp", "uploads/ab12-320w.webp"}
    assert s3_bucket.store().read("ab12.webp") == b"original"
