"""Static assets: fingerprinted URLs, precompressed files and far-future caching, via WhiteNoise.

Why WhiteNoise and URL fingerprints (not a `?v=hash` query): a content hash in the *path*
(`/static/css/site.3f2a1b9c0d.css`) lets every cache, proxies included, keep the file for a
year with `immutable`, and a changed file simply gets a new URL. WhiteNoise serves the files
from memory-mapped paths before Flask sees the request, with gzip (and brotli when the
`brotli` package is installed) variants chosen by Accept-Encoding.

No build step and no hashed copies in the repository: at start-up each file under static/ is
hashed, the hashed URL is registered with WhiteNoise pointing at a copy in
`<instance>/static-build/` next to its compressed variants, and `url_for('static', ...)`
returns the hashed URL. Unhashed URLs keep working with a short max-age.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from storefront.state import larder_state

HASH_LENGTH = 12
SHORT_MAX_AGE = 300  # unhashed URLs (e.g. linked by hand) may change under the same name


def _hashed_name(relative: str, digest: str) -> str:
    stem, dot, suffix = relative.rpartition(".")
    if not dot or "/" in suffix:
        return f"{relative}.{digest}"
    return f"{stem}.{digest}.{suffix}"


def _copy_and_compress(source: Path, target: Path, compressor: Compressor) -> None:
    """Copy a file into the build folder with its .gz/.br variants, atomically per file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)
    if compressor.should_compress(str(target)):
        for _ in compressor.compress(str(target)):
            pass


def build_static(static_root: Path, build_root: Path) -> dict[str, str]:
    """Copy static files into `build_root` (compressed) and return {name: hashed name}."""
    compressor = Compressor(quiet=True)
    manifest: dict[str, str] = {}
    for path in sorted(static_root.rglob("*")):
        if not path.is_file() or path.suffix in (".gz", ".br") or path.name.startswith("."):
            continue
        relative = path.relative_to(static_root).as_posix()
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
        hashed = _hashed_name(relative, digest)
        target = build_root / hashed
        if not target.exists():
            _copy_and_compress(path, target, compressor)
        manifest[relative] = hashed
    return manifest


class FingerprintedWhiteNoise(WhiteNoise):
    """Serves hashed URLs as immutable and plain URLs with a short max-age."""

    def __init__(self, application, manifest: dict[str, str], prefix: str, **kwargs) -> None:
        self.hashed_urls = {prefix + hashed for hashed in manifest.values()}
        super().__init__(application, max_age=SHORT_MAX_AGE, prefix=prefix, **kwargs)

    def immutable_file_test(self, path, url):
        return url in self.hashed_urls


def init_static_files(app: Flask) -> None:
    if app.static_folder is None or not app.config.get("STATIC_FINGERPRINTS", True):
        return
    static_root = Path(app.static_folder)
    build_root = Path(app.config.get("STATIC_BUILD_FOLDER") or Path(app.instance_path) / "static-build")
    manifest = build_static(static_root, build_root)
    prefix = (app.static_url_path or "/static").rstrip("/") + "/"
    whitenoise = FingerprintedWhiteNoise(app.wsgi_app, manifest, prefix)
    whitenoise.add_files(str(build_root), prefix=prefix)  # hashed names, with .gz/.br
    whitenoise.add_files(str(static_root), prefix=prefix)  # plain names
    app.wsgi_app = whitenoise
    larder_state(app).static_manifest = manifest

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.get(values["filename"], values["filename"])
