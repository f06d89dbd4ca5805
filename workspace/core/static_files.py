"""The static files' routes: content-hashed URLs cached for a year, and `/static/` itself, both
answered compressed from `core.assets` (which holds the manifest, the module graph and the
compression, and no route)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app

from workspace.core.assets import YEAR, file_response, manifest, module_preloads

bp = Blueprint("assets", __name__)


@bp.get("/assets/<version>/<path:filename>")
def hashed(version: str, filename: str) -> Response:
    """A static file under its content-hashed URL: cached for a year. An old version (a page
    cached before a deploy) still gets the current file, but only with a short cache life."""
    current = manifest(current_app).versions.get(filename)
    if current == version:
        return file_response(filename, YEAR, immutable=True)
    return file_response(filename, 300)


def _plain_static(filename: str) -> Response:
    """The unhashed `/static/<filename>` (links from scripts and old pages), compressed too."""
    return file_response(filename, current_app.get_send_file_max_age(filename) or 0)


def init_app(app: Flask) -> None:
    """Serve hashed and precompressed static files; make `module_preloads` available."""
    app.register_blueprint(bp)
    app.view_functions["static"] = _plain_static
    app.jinja_env.globals["module_preloads"] = module_preloads
