"""Pairbook: a privacy-first workspace for career-mentoring programmes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from workspace.accounts import sessions as auth
from workspace.core import (
    assets,
    compress,
    config,
    db,
    errors,
    fragments,
    i18n,
    jsonapi,
    limits,
    logs,
    mail,
    security,
    static_files,
)

ROOT = Path(__file__).resolve().parent.parent


class PairbookFlask(Flask):
    """Flask, but unhandled errors are logged by route pattern: paths can carry tokens."""

    def log_exception(self, exc_info: Any) -> None:  # noqa: D102
        from flask import request

        rule = request.url_rule.rule if request.url_rule else "<unmatched>"
        self.logger.error("Unhandled error on %s %s", request.method, rule, exc_info=exc_info)

    def url_for(self, endpoint: str, /, **values: Any) -> str:  # noqa: D102
        # A static file's address carries its content hash, so browsers may keep it for a year.
        options = {k: v for k, v in values.items() if v is not None}
        if endpoint == "static" and options.keys() == {"filename"}:
            hashed = assets.hashed_url(self, options["filename"])
            if hashed is not None:
                return hashed
        return super().url_for(endpoint, **values)


def _trust_proxies(app: Flask) -> None:
    """Read the client address and scheme from PROXY_HOPS trusted proxies' X-Forwarded-* headers."""
    hops = app.config.setdefault("PROXY_HOPS", 0)
    if not isinstance(hops, int) or isinstance(hops, bool) or hops < 0:
        raise config.StartupError(
            f"PAIRBOOK_PROXY_HOPS must be a whole number of proxies (got {hops!r}); fix it."
        )
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The Host header is left as the proxy passes it: X-Forwarded-Host would let a client
        # choose the address written into emailed links.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app for one instance folder.

    ``test_config`` may set ``INSTANCE`` (the instance folder) and any Flask setting.
    Raises :class:`config.StartupError` when the instance is not usable.
    """
    test_config = dict(test_config or {})
    folder = config.instance_path(test_config.pop("INSTANCE", None))
    app = PairbookFlask(
        __name__,
        instance_path=str(folder),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(
        SECRET_KEY=config.read_secret(folder, config.SECRET_KEY_FILE),
        PEPPER=config.read_secret(folder, config.PEPPER_FILE),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="pb_session",
        WTF_CSRF_TIME_LIMIT=None,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        SESSION_COOKIE_SECURE=False,
    )
    app.config.from_prefixed_env("PAIRBOOK")
    app.config.update(test_config)

    logs.init_app(app)
    db.check_startup(app)
    db.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    app.before_request(jsonapi.refuse_invalid_text)
    auth.init_app(app)
    limits.init_app(app)
    mail.init_app(app)
    fragments.init_app(app)
    compress.init_app(app)
    _trust_proxies(app)
    app.config.setdefault("BASE_URL", None)
    app.config.setdefault("ACCESSIBILITY_EMAIL", "accessibility@pairbook.invalid")

    from workspace import (
        accounts,
        communication,
        flags,
        notebook,
        organiser,
        pairs,
        public,
        recruitment,
        rights,
        sharing,
    )

    for area in (
        public,
        accounts,
        pairs,
        notebook,
        sharing,
        flags,
        organiser,
        rights,
        recruitment,
        communication,
    ):
        for blueprint in area.blueprints():
            app.register_blueprint(blueprint)
    from workspace import matching

    for blueprint in matching.blueprints():
        app.register_blueprint(blueprint)
    from workspace import orientation

    for blueprint in orientation.blueprints():
        app.register_blueprint(blueprint)
    from workspace import planning

    for blueprint in planning.blueprints():
        app.register_blueprint(blueprint)
    from workspace import surveys

    for blueprint in surveys.blueprints():
        app.register_blueprint(blueprint)
    return app
