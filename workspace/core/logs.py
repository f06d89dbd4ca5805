"""One log line per request, to the instance log and stderr, never with secrets."""

from __future__ import annotations

import collections
import logging
import re
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

from flask import Flask, Response, g, request

LOGGER_NAME = "pairbook"
# A second net under "never log a link": whatever a message says, links and token paths are cut.
_SECRETS = re.compile(r"https?://\S+|/(?:join|reset|recover|rsvp|unsubscribe)/[A-Za-z0-9_-]{8,}")


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces every link and token path with a placeholder (the record
    itself is left as it was)."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted line, with links cut."""
        return _SECRETS.sub("<link removed>", super().format(record))


class BatchedHandler(logging.Handler):
    """Formats each line on the caller's thread and writes them from a thread of its own, a
    burst at a time, with one write per stream. Under waitress's threads the lines written
    under the handler's lock, twice per request, were a quarter of a request's CPU: every write
    gave up the GIL and woke the threads queued on the lock. Lines are written within `delay`
    seconds, and at once by `flush` (logging.shutdown calls it at exit, `close` too)."""

    def __init__(
        self, streams: list[TextIO], *, owned: tuple[TextIO, ...] = (), delay: float = 0.02
    ) -> None:
        super().__init__()
        self.streams, self.owned, self.delay = streams, owned, delay
        self._lines: collections.deque[str] = collections.deque()
        self._wake = threading.Event()
        self._writing = threading.Lock()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._starting = threading.Lock()

    def handle(self, record: logging.LogRecord) -> logging.LogRecord | bool:
        """Filter and emit without the handler's lock: a deque takes lines from any thread."""
        passed = self.filter(record)
        if passed:
            self.emit(record)
        return passed

    def emit(self, record: logging.LogRecord) -> None:
        """Queue the formatted line; the writer thread is woken once per burst."""
        try:
            self._lines.append(self.format(record))
            if self._closed:  # after close (or during it): written now, behind what was queued
                self.flush()
                return
            if self._thread is None:
                self._start()
            if not self._wake.is_set():
                self._wake.set()
        except Exception:  # noqa: BLE001 - logging's own rule: report, never raise
            self.handleError(record)

    def _start(self) -> None:
        with self._starting:
            if self._thread is None:
                thread = threading.Thread(target=self._run, name="pairbook-log", daemon=True)
                thread.start()
                self._thread = thread

    def _run(self) -> None:
        # Checked before each wait too: a close during the sleep below had its wake cleared.
        while not self._closed:
            self._wake.wait()
            if self._closed:  # close() writes what is left, without waiting for the burst
                return
            # A burst gathers for a moment: one write for all its lines.
            time.sleep(self.delay)
            # Cleared before draining: a line queued after the drain wakes the next round.
            self._wake.clear()
            self.flush()

    def flush(self) -> None:
        """Write every queued line now."""
        lines = []
        with self._writing:
            while self._lines:
                lines.append(self._lines.popleft())
            if lines:
                self._write(lines)

    def _write(self, lines: list[str]) -> None:
        text = "\n".join(lines) + "\n"
        for stream in self.streams:
            try:
                if stream in self.owned and stream.closed:
                    # A line logged after close (a thread still finishing at exit): the file is
                    # opened again for it, as logging.FileHandler does.
                    name = getattr(stream, "name", None)
                    if isinstance(name, str):
                        with open(name, "a", encoding="utf-8") as again:
                            again.write(text)
                    continue
                stream.write(text)
                stream.flush()
            except (OSError, ValueError):  # a closed stderr must not stop the other stream
                pass

    def close(self) -> None:
        """Write what is queued, stop the writer thread and close the files this handler opened."""
        self._closed = True
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        self.flush()
        with self._writing:  # not while a late line is being written to them
            for stream in self.owned:
                stream.close()
        super().close()


def flush() -> None:
    """Write every queued log line now (before reading the log file)."""
    for handler in logging.getLogger(LOGGER_NAME).handlers:
        handler.flush()


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
    log = open(log_file, "a", encoding="utf-8")  # noqa: SIM115 - the handler closes it
    handler = BatchedHandler([log, sys.stderr], owned=(log,))
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
