"""The batched log handler: every line written, in order, redacted, and nothing left on close."""

from __future__ import annotations

import io
import logging
import threading
import time
from pathlib import Path
from typing import TextIO

import pytest

from workspace.core.logs import BatchedHandler, RedactingFormatter


def _batched(
    name: str, streams: list[TextIO], formatter: logging.Formatter | None = None, **options: object
) -> tuple[BatchedHandler, logging.Logger]:
    """A BatchedHandler on `streams` (one message per line) and a logger of its own."""
    handler = BatchedHandler(streams, **options)
    handler.setFormatter(formatter or logging.Formatter("%(message)s"))
    logger = logging.getLogger(f"pairbook-test.{name}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return handler, logger


def test_lines_from_many_threads_all_reach_every_stream_in_each_threads_order() -> None:
    first, second = io.StringIO(), io.StringIO()
    handler, logger = _batched("threads", [first, second], delay=0.001)

    def write(worker: int) -> None:
        for n in range(200):
            logger.info("w%d n%d", worker, n)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.flush()
    lines = first.getvalue().splitlines()
    assert second.getvalue() == first.getvalue()
    assert len(lines) == 1200
    for worker in range(6):
        mine = [line for line in lines if line.startswith(f"w{worker} ")]
        assert mine == [f"w{worker} n{n}" for n in range(200)]
    handler.close()


def test_the_writer_thread_writes_without_being_asked_and_stops_on_close() -> None:
    stream = io.StringIO()
    handler, logger = _batched("writer", [stream], delay=0.001)
    logger.info("soon")
    deadline = time.monotonic() + 5
    while "soon" not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.getvalue() == "soon\n"
    writer = handler._thread
    assert writer is not None and writer.is_alive()
    logger.info("queued before close")
    handler.close()
    assert not writer.is_alive()
    assert stream.getvalue() == "soon\nqueued before close\n"
    logger.info("after close")  # e.g. from a thread still finishing: written at once
    assert stream.getvalue().endswith("after close\n")


def test_close_writes_what_is_queued_and_closes_only_the_files_it_owns() -> None:
    owned, shared = io.StringIO(), io.StringIO()
    handler, logger = _batched("close", [owned, shared], owned=(owned,), delay=10)
    logger.info("one")
    logger.info("two")
    assert shared.getvalue() == ""  # still waiting for its burst
    handler.close()
    assert shared.getvalue() == "one\ntwo\n" and not shared.closed
    assert owned.closed


def test_links_are_cut_before_a_line_is_queued() -> None:
    stream = io.StringIO()
    handler, logger = _batched("redact", [stream], RedactingFormatter("%(message)s"))
    logger.info("see %s and /join/AbCdEfGh12345", "https://x.example/reset/Zz99Zz99Zz99")
    assert "AbCdEfGh12345" not in handler._lines[0] and "Zz99" not in handler._lines[0]
    handler.close()
    assert stream.getvalue() == "see <link removed> and <link removed>\n"


def test_a_broken_stream_does_not_stop_the_others() -> None:
    broken, working = io.StringIO(), io.StringIO()
    broken.close()
    handler, logger = _batched("broken", [broken, working])
    logger.info("still here")
    handler.close()
    assert working.getvalue() == "still here\n"


def test_a_close_while_a_burst_gathers_stops_the_writer_at_once() -> None:
    stream = io.StringIO()
    handler, logger = _batched("close-in-burst", [stream], delay=0.3)
    logger.info("gathering")
    time.sleep(0.1)  # the writer is in its burst's sleep now
    writer = handler._thread
    started = time.monotonic()
    handler.close()
    writer.join(timeout=5)
    assert not writer.is_alive() and time.monotonic() - started < 1.5
    assert stream.getvalue() == "gathering\n"


def test_a_line_logged_while_closing_comes_after_those_queued_before() -> None:
    stream = io.StringIO()
    handler, logger = _batched("order-at-close", [stream], delay=0.3)
    logger.info("first")
    time.sleep(0.05)  # the writer gathers its burst
    closing = threading.Thread(target=handler.close)
    closing.start()
    time.sleep(0.01)  # close has begun and waits for the writer
    logger.info("second")
    closing.join()
    assert stream.getvalue().splitlines() == ["first", "second"]


def test_a_line_logged_after_close_still_reaches_the_log_file(tmp_path: Path) -> None:
    path = tmp_path / "pairbook.log"
    log = open(path, "a", encoding="utf-8")  # noqa: SIM115 - the handler closes it
    handler, logger = _batched("after-close-file", [log], owned=(log,))
    logger.info("before")
    handler.close()
    assert log.closed
    logger.info("after close")  # e.g. a waitress thread finishing during logging.shutdown
    assert path.read_text("utf-8") == "before\nafter close\n"


def test_a_writer_that_cannot_start_fails_no_request_and_keeps_no_line_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()
    handler, logger = _batched("no-thread", [stream])

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    monkeypatch.setattr(handler, "handleError", lambda record: None)
    logger.info("queued")  # raises nothing to the caller
    assert handler._thread is None
    monkeypatch.undo()
    logger.info("next")
    handler.close()
    assert stream.getvalue() == "queued\nnext\n"
