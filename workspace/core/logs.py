"""One log line per request, to the instance log and stderr, never with secrets."""

from __future__ import annotations

import logging
import os
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


class LineHandler(logging.Handler):
    """Writes each formatted line to a file descriptor with one write(2), without the handler's
    lock: a line appended (O_APPEND) lands whole, and no request waits on the lock while
    another's line is written (under waitress's threads, that wait was a tenth of a request)."""

    def __init__(self, fd: int, *, owned: bool) -> None:
        super().__init__()
        self.fd, self.owned = fd, owned

    def handle(self, record: logging.LogRecord) -> logging.LogRecord | bool:
        """Filter and emit, unlocked (emit needs no lock: see above)."""
        passed = self.filter(record)
        if passed:
            self.emit(record)
        return passed

    def emit(self, record: logging.LogRecord) -> None:
        """Write the line."""
        try:
            data = (self.format(record) + "\n").encode("utf-8", "backslashreplace")
            while data:
                data = data[os.write(self.fd, data) :]
        except Exception:  # noqa: BLE001 - logging's own rule: report, never raise
            self.handleError(record)

    def close(self) -> None:
        """Close the file (not stderr)."""
        if self.owned and self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        super().close()


def _stderr_handler() -> logging.Handler:
    try:
        sys.stderr.flush()
        return LineHandler(sys.stderr.fileno(), owned=False)
    except (AttributeError, OSError, ValueError):  # a stand-in without a descriptor (tests)
        return logging.StreamHandler(sys.stderr)


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
    file_fd = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
    for handler in (LineHandler(file_fd, owned=True), _stderr_handler()):
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
