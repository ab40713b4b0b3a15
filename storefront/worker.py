"""The worker's and beat's entry point: `celery -A storefront.worker worker` (or `beat`)."""

from storefront import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
