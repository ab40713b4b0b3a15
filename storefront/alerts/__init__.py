"""Back-in-stock alerts: a reader who meets a sold-out product (its page, or a card in an article)
leaves an address, confirms it by email, and gets one alert when the variant can be bought again.

    models.py    StockAlert: one row per (email, variant), its status and where it came from
    triggers.py  database triggers that record an outbox job whenever a variant becomes buyable
    services.py  subscribe / confirm / unsubscribe, and the workers' halves (the emails)
    tokens.py    the signed links in the emails
    notices.py   the "check your inbox" note printed by the form the reader used
    views.py     the form's endpoint and the pages the emails link to
"""

from flask import Blueprint

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


def init_app(app) -> None:
    from storefront.alerts.notices import init_notices

    init_notices(app)


from storefront.alerts import views  # noqa: E402, F401
