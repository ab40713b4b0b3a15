"""Error pages in the site's design, for browsers; JSON for API-style requests."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

MESSAGES = {
    400: ("Bad request", "We couldn't understand that request."),
    403: ("Not allowed", "You don't have permission to see this page."),
    404: ("Page not found", "We couldn't find that page. It may have moved or no longer exists."),
    405: ("Not allowed", "That action isn't available here."),
    413: ("Too large", "That upload is larger than we accept."),
    429: ("Slow down", "Too many attempts in a short time. Please wait a minute and try again."),
    500: ("Something went wrong", "Sorry, something broke on our side. Your cart is safe."),
}


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, ("Error", "Something went wrong."))
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "detail": detail or message}, code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def _untrusted_host(error: SecurityError):
        # A Host (or X-Forwarded-Host) not in TRUSTED_HOSTS: no URL can be built for this
        # request, so no page in the site's design either; a plain answer.
        return "Bad request: unknown host.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return _render(400, "Your form expired or was sent from elsewhere. Please go back, reload and try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        # abort(400, "message") shows the message; Werkzeug's generic texts are replaced by ours.
        custom = error.description != type(error).description
        return _render(error.code, error.description if error.code == 400 and custom else None)

    @app.errorhandler(InternalServerError)
    def _server_error(error):
        return _render(500)
