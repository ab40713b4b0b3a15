"""Larder: a storefront for certified special-diet products whose articles sell."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from storefront.config import config_for, normalise_database_url

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI and error pages."""
    overrides = config if isinstance(config, dict) else {}
    env_name = config if isinstance(config, str) else overrides.get("LARDER_ENV")
    config_class = config_for(env_name)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=overrides.get("INSTANCE_PATH") or config_class.INSTANCE_PATH or str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.complete(app.config)
    # Validated before any default is filled in: production must never start on the SQLite
    # fallback because DATABASE_URL was forgotten.
    config_class.validate(app.config)
    register_database_url(app)

    register_extensions(app)
    register_models()
    register_background_work(app)
    register_url_converters(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_package_hooks(app)
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
    from storefront.transactions import init_transactions

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    limiter.init_app(app)
    init_transactions(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from storefront.sqlite import enable_sqlite_pragmas

        with app.app_context():
            enable_sqlite_pragmas(db.engine)
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from storefront.postgres import disable_jit

        with app.app_context():
            disable_jit(db.engine)


def register_models() -> None:
    """Import every model module so metadata (and Alembic) sees all tables."""
    import blog.models  # noqa: F401
    import storefront.accounts.models  # noqa: F401
    import storefront.admin.models  # noqa: F401
    import storefront.alerts.models  # noqa: F401
    import storefront.alerts.triggers  # noqa: F401  (restock triggers, installed by create_all)
    import storefront.audit.models  # noqa: F401  (and the session hooks of audit.track)
    import storefront.caching.version  # noqa: F401
    import storefront.cart.models  # noqa: F401
    import storefront.catalog.denormalise  # noqa: F401
    import storefront.catalog.models  # noqa: F401
    import storefront.catalog.search  # noqa: F401
    import storefront.discounts.models  # noqa: F401
    import storefront.jobs.models  # noqa: F401
    import storefront.orders.models  # noqa: F401
    import storefront.pages.models  # noqa: F401
    import storefront.payments.models  # noqa: F401
    import storefront.reviews.aggregate  # noqa: F401  (review models, and the triggers keeping product's review columns)
    import storefront.search.articles  # noqa: F401  (the article index, installed by create_all)
    import storefront.search.models  # noqa: F401
    import storefront.search.vocabulary  # noqa: F401  (keeps the vocabulary in step on save)
    import storefront.site_settings  # noqa: F401


def register_background_work(app: Flask) -> None:
    """The mail backend, then every package's outbox job handlers and schedules, then the queue
    (which reads the schedules)."""
    from storefront import jobs, mail

    mail.init_app(app)
    import storefront.accounts.emails  # noqa: F401  (accounts.email: links signed when sent)
    import storefront.admin.digest  # noqa: F401  (admin.staff_digest, weekly on beat)
    import storefront.alerts.services  # noqa: F401  (alerts: confirmation, variant restocked, back in stock)
    import storefront.catalog.image_sizes  # noqa: F401  (catalog.image_sizes)
    import storefront.checkout.reminders  # noqa: F401  (checkout.reminder)
    import storefront.mail.queue  # noqa: F401  (mail.send: account emails and other plain-data mail)
    import storefront.orders.services  # noqa: F401  (order confirmation, shipped, refunded, cancelled)
    import storefront.reviews.services  # noqa: F401  (reviews.request: the "How was it?" email)

    jobs.init_app(app)


def register_url_converters(app: Flask) -> None:
    from storefront.security import init_url_converters

    init_url_converters(app)


def register_blueprints(app: Flask) -> None:
    """The shop in the order a shopper meets it, then the staff area, then the publication."""
    import blog
    from storefront import (
        accounts,
        admin,
        alerts,
        cart,
        catalog,
        checkout,
        health,
        orders,
        pages,
        payments,
        reviews,
        search,
        seo,
    )

    app.register_blueprint(catalog.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(seo.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(cart.bp)
    app.register_blueprint(alerts.bp)
    app.register_blueprint(checkout.bp)
    app.register_blueprint(orders.bp)
    app.register_blueprint(reviews.bp)
    app.register_blueprint(payments.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(blog.bp)


def register_template_helpers(app: Flask) -> None:
    from storefront.templating import init_templating

    init_templating(app)


def register_error_pages(app: Flask) -> None:
    from storefront.errors import init_error_pages

    init_error_pages(app)


def register_package_hooks(app: Flask) -> None:
    """Each package's own hooks (cart cookie, product-page extras, shipping...)."""
    import blog
    from storefront import admin, alerts, cart, catalog, discounts, orders, pages, payments, reviews

    catalog.init_app(app)
    discounts.init_app(app)
    cart.init_app(app)
    alerts.init_app(app)
    payments.init_app(app)
    orders.init_app(app)
    reviews.init_app(app)
    admin.init_app(app)
    blog.init_app(app)
    pages.init_app(app)


def register_cli(app: Flask) -> None:
    """`flask larder ...`: every package's commands, listed here."""
    from blog.cli import check_ctas_command, flush_views_command, import_article_command
    from storefront.accounts.cli import create_user_command, set_password_command, set_role_command
    from storefront.admin.cli import import_products
    from storefront.checkout.cli import reconcile_payments_command
    from storefront.cli import larder
    from storefront.demo.cli import seed_bulk, seed_demo
    from storefront.jobs.cli import jobs_group
    from storefront.media.cli import copy_uploads_command
    from storefront.search.cli import search_group

    for command in (
        seed_demo,
        seed_bulk,
        create_user_command,
        set_password_command,
        set_role_command,
        reconcile_payments_command,
        import_products,
        import_article_command,
        check_ctas_command,
        flush_views_command,
        copy_uploads_command,
        jobs_group,
        search_group,
    ):
        larder.add_command(command)
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
