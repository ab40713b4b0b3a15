import pytest

from storefront import create_app


def test_production_refuses_default_secret_and_demo_gateway(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError) as error:
        create_app({"LARDER_ENV": "production", "PAYMENT_GATEWAY": "demo", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    message = str(error.value)
    assert "SECRET_KEY" in message and "demo payment gateway" in message


def test_production_starts_with_real_settings():
    app = create_app(
        {
            "LARDER_ENV": "production",
            "SECRET_KEY": "a-real-secret-from-the-environment",
            "PAYMENT_GATEWAY": "stripe",
            "STRIPE_SECRET_KEY": "sk_test_x",
            "STRIPE_WEBHOOK_SECRET": "whsec_x",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SITE_URL": "https://shop.example.com",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_without_a_site_url_refuses_to_start():
    settings = {"SITE_URL": None, "LARDER_ENV": "production", "SECRET_KEY": "a-real-secret-from-the-environment",
                "STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x",
                "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with pytest.raises(RuntimeError, match="SITE_URL must be the site's absolute address"):
        create_app(settings)


def test_unknown_environment_is_a_clear_error():
    with pytest.raises(RuntimeError, match="Unknown LARDER_ENV"):
        create_app({"LARDER_ENV": "staging-ish"})


def test_postgres_urls_use_psycopg3():
    from storefront.config import normalise_database_url

    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_production_without_database_url_refuses_to_start(tmp_path):
    """The SQLite fallback is for development: production must not quietly start on it."""
    with pytest.raises(RuntimeError, match="DATABASE_URL must be set"):
        create_app(
            {
                "LARDER_ENV": "production",
                "SECRET_KEY": "a-real-secret-from-the-environment",
                "PAYMENT_GATEWAY": "stripe",
                "STRIPE_SECRET_KEY": "sk_test_x",
                "STRIPE_WEBHOOK_SECRET": "whsec_x",
                "SQLALCHEMY_DATABASE_URI": None,  # DATABASE_URL not in the environment
                "INSTANCE_PATH": str(tmp_path),
            }
        )


def test_instance_path_setting_holds_the_fallback_database(tmp_path):
    """INSTANCE_PATH (LARDER_INSTANCE_PATH in the environment) is where the SQLite fallback lives."""
    app = create_app({"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": None, "INSTANCE_PATH": str(tmp_path)})
    assert app.instance_path == str(tmp_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'larder.db'}"
