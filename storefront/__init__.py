"""Larder: a storefront for certified special-diet products whose articles sell."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from storefront.config import config_for, normalise_database_url

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI and error pages."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("LARDER_INSTANCE_PATH") or str(ROOT / "instance"),
    )
    overrides = config if isinstance(config, dict) else {}
    env_name = config if isinstance(config, str) else overrides.get("LARDER_ENV")
    config_class = config_for(env_name)
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.complete(app.config)
    # Validated before any default is filled in: production must never start on the SQLite
    # fallback because DATABASE_URL was forgotten.
    config_class.validate(app.config)
    register_database_url(app)

    register_extensions(app)
    register_models()
    register_url_converters(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_cli(app)
    register_caching(app)
    register_security_headers(app)
    register_static_files(app)
    return app


def register_database_url(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'larder.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if app.config.get("UPLOAD_FOLDER") is None:
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")


def register_extensions(app: Flask) -> None:
    from storefront.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    limiter.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from storefront.sqlite import enable_sqlite_pragmas

        with app.app_context():
            enable_sqlite_pragmas(db.engine)


def register_models() -> None:
    """Import every model module so metadata (and Alembic) sees all tables."""
    import storefront.accounts.models  # noqa: F401
    import storefront.caching.version  # noqa: F401
    import storefront.catalog.denormalise  # noqa: F401
    import storefront.catalog.models  # noqa: F401
    import storefront.catalog.search  # noqa: F401
    import storefront.site_settings  # noqa: F401
    from storefront.model_registry import import_domain_models

    import_domain_models()


def register_url_converters(app: Flask) -> None:
    from storefront.security import init_url_converters

    init_url_converters(app)


def register_blueprints(app: Flask) -> None:
    from storefront.model_registry import blueprints

    for blueprint in blueprints():
        app.register_blueprint(blueprint)


def register_template_helpers(app: Flask) -> None:
    from storefront.templating import init_templating

    init_templating(app)


def register_error_pages(app: Flask) -> None:
    from storefront.errors import init_error_pages

    init_error_pages(app)


def register_cli(app: Flask) -> None:
    from storefront.cli import larder
    from storefront.model_registry import init_packages

    init_packages(app)
    from storefront.catalog.bulk import seed_bulk

    larder.add_command(seed_bulk)
    app.cli.add_command(larder)


def register_caching(app: Flask) -> None:
    from storefront.caching import init_caching
    from storefront.site_settings import init_site_settings

    init_caching(app)
    init_site_settings(app)


def register_security_headers(app: Flask) -> None:
    from storefront.security import init_security

    init_security(app)


def register_static_files(app: Flask) -> None:
    from storefront.static_files import init_static_files

    init_static_files(app)
