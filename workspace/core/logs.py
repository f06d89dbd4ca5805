"""One log line per request, to the instance log and stderr, never with secrets."""

from __future__ import annotations

import logging
import re
import sys
import time
from pathlib import Path

from flask import Flask, Response, g, request

LOGGER_NAME = "pairbook"
# A second net under "never log a link": whatever a message says, links and token paths are cut.
_SECRETS = re.compile(r"https?://\S+|/(?:join|reset|recover|rsvp|unsubscribe)/[A-Za-z0-9_-]{8,}")


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces every link and token path with a placeholder (the record
    itself is left as it was)."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted line, with links cut."""
        # The instance log and stderr share this formatter: format each record once.
        done = getattr(record, "_pairbook_line", None)
        if done is None:
            done = _SECRETS.sub("<link removed>", super().format(record))
            record._pairbook_line = done
        return done


def _configure(app: Flask) -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    log_dir = Path(app.instance_path) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = str(log_dir / "pairbook.log")
    # One app per instance folder, but tests build many: replace handlers rather than stack them.
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    fmt = RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    for handler in (
        logging.FileHandler(log_file, encoding="utf-8"),
        logging.StreamHandler(sys.stderr),
    ):
        handler.setFormatter(fmt)
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def init_app(app: Flask) -> None:
    """Attach the request logger to the app."""
    logger = _configure(app)
    request_log = logger.getChild("request")

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("request_started", time.perf_counter())
        # The route pattern, never the concrete path: paths and query strings can carry tokens.
        rule = request.url_rule.rule if request.url_rule else "<unmatched>"
        duration_ms = (time.perf_counter() - started) * 1000
        request_log.info("%s %s %d %.1fms", request.method, rule, response.status_code, duration_ms)
        return response


def event(name: str, **fields: str | int) -> None:
    """Log an application event (e.g. an authentication event) with only the given fields."""
    parts = " ".join(f"{key}={value}" for key, value in sorted(fields.items()))
    logging.getLogger(LOGGER_NAME).getChild("event").info("%s %s", name, parts)
