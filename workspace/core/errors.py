"""Error pages in the site layout, without internals."""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from workspace.core.jsonapi import ApiError, RequestRefused, error_response, is_api_request

MESSAGES = {
    400: (_l("Something in the request was wrong"), _l("Go back, reload the page and try again.")),
    403: (_l("You do not have access"), _l("This page is not available to your account.")),
    404: (_l("Page not found"), _l("The page does not exist, or you do not have access to it.")),
    405: (_l("That action is not possible here"), _l("Go back and use the buttons on the page.")),
    413: (_l("Too much data"), _l("What you sent is too large. Make it shorter and try again.")),
    429: (_l("Too many attempts"), _l("Please wait a moment and try again.")),
    500: (_l("Something went wrong on our side"), _l("Nothing was saved. Please try again later.")),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    """Render the error page for an HTTP status code."""
    title, hint = MESSAGES.get(code) or MESSAGES[400 if 400 <= code < 500 else 500]
    return render_template("errors/error.html", code=code, title=title, hint=detail or hint), code


def init_app(app: Flask) -> None:
    """Register the handlers: JSON under /api/, pages in the layout elsewhere."""

    @app.errorhandler(ApiError)
    def _api(error: ApiError) -> Response:
        return error_response(error.status, error.message, **error.extra)

    @app.errorhandler(RequestRefused)
    def _refused(error: RequestRefused) -> tuple[str, int] | Response:
        if is_api_request():
            return error_response(error.status, error.message)
        return render_error(error.status, error.message)

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int] | Response:
        if is_api_request():
            # `reason` lets a script tell this refusal apart: it fetches a fresh token and
            # retries once (static/js/lib/api.js), as a page kept on the device may hold an old one.
            return error_response(
                400, str(_l("The security token is missing or old. Reload.")), reason="csrf"
            )
        hint = _l("Your session expired or the form was old. Reload the page and try again.")
        return render_error(400, str(hint))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        # A client error without its own text (416 for a bad Range, 431, 415…) keeps its code
        # with the general wording; it is never reported as a server error.
        code = error.code if error.code is not None else 500
        title, hint = MESSAGES.get(code) or MESSAGES[400 if 400 <= code < 500 else 500]
        if code == 429:
            from workspace.core.limits import retry_after

            seconds = retry_after()
            if is_api_request():
                response = error_response(code, str(hint), retry_after=seconds)
            else:
                response = make_response(render_error(code))
            response.headers["Retry-After"] = str(seconds)
            return response
        if is_api_request():
            response = error_response(code, str(title))
        else:
            response = make_response(render_error(code))
        # Keep the headers a client needs to recover (Allow for 405, Retry-After for 429,
        # Content-Range for 416).
        for name in ("Allow", "Retry-After", "Content-Range"):
            value = error.get_response().headers.get(name)
            if value:
                response.headers[name] = value
        return response

    @app.errorhandler(InternalServerError)
    def _server(_error: InternalServerError) -> tuple[str, int] | Response:
        if is_api_request():
            return error_response(500, str(MESSAGES[500][1]))
        return render_error(500)
