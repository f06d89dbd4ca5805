"""Warm pooled connections: kept open and keyed once across requests, yet every request reads the
latest commit made on any other thread (WAL), and the pool closes cleanly."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import Flask, jsonify

from workspace import create_app
from workspace.core import config, db

_leaked: list[object] = []


def _app_with_probe(instance: Path) -> Flask:
    """The real app with three probe routes on the real pool: count rows, add one (holding the
    connection until told), and leave a cursor half-read on purpose."""
    app = create_app({"TESTING": True, "INSTANCE": instance})
    app.config["WTF_CSRF_ENABLED"] = False
    committed, release = threading.Event(), threading.Event()
    app.extensions["probe"] = (committed, release)

    @app.get("/probe/count")
    def count() -> object:
        conn = db.get_db()
        return jsonify(
            n=conn.execute("SELECT count(*) FROM app_meta WHERE key LIKE 'probe-%'").fetchone()[0],
            conn=id(conn),
        )

    @app.post("/probe/add/<name>")
    def add(name: str) -> object:
        conn = db.get_db()
        with db.transaction(conn):
            conn.execute("INSERT INTO app_meta (key, value) VALUES (?, 'x')", (f"probe-{name}",))
        committed.set()
        # Keep this connection lent out, so that the next request must use another one.
        assert release.wait(10)
        return jsonify(conn=id(conn))

    @app.get("/probe/leak")
    def leak() -> object:
        conn = db.get_db()
        cur = conn.execute("SELECT key FROM app_meta")
        cur.fetchone()
        _leaked.append(cur)  # half-read and still referenced after the request
        return jsonify(conn=id(conn))

    @app.post("/probe/abandon")
    def abandon() -> object:
        db.get_db().execute("BEGIN IMMEDIATE")
        raise RuntimeError("a view that never ends its transaction")

    return app


def _in_thread(fn: object) -> threading.Thread:
    thread = threading.Thread(target=fn)
    thread.start()
    return thread


def test_a_write_on_one_thread_is_seen_by_the_next_request_on_another(instance: Path) -> None:
    app = _app_with_probe(instance)
    committed, release = app.extensions["probe"]
    pool = db.pool(app)
    both_in = threading.Barrier(2)
    counts: list[dict[str, int]] = []

    # Warm two connections at once: both read the table, so both have its pages in their cache.
    @app.get("/probe/warm")
    def warm() -> object:
        conn = db.get_db()
        n = conn.execute("SELECT count(*) FROM app_meta").fetchone()[0]
        both_in.wait(10)
        return jsonify(n=n)

    warmers = [_in_thread(lambda: app.test_client().get("/probe/warm")) for _ in range(2)]
    for t in warmers:
        t.join(10)
    assert pool.opened == 2 and pool.idle() == 2

    writer_answer: list[dict[str, int]] = []
    writer = _in_thread(
        lambda: writer_answer.append(app.test_client().post("/probe/add/one").get_json())
    )
    assert committed.wait(10)
    reader = _in_thread(lambda: counts.append(app.test_client().get("/probe/count").get_json()))
    reader.join(10)
    release.set()
    writer.join(10)

    assert counts[0]["n"] == 1, "the other thread's warm connection saw the commit"
    assert counts[0]["conn"] != writer_answer[0]["conn"], "two connections were used"
    assert pool.opened == 2, "no connection was opened again: they stay warm"
    assert pool.idle() == 2


def test_a_half_read_cursor_does_not_keep_an_old_snapshot(instance: Path) -> None:
    app = _app_with_probe(instance)
    _committed, release = app.extensions["probe"]
    release.set()
    client = app.test_client()
    first = client.get("/probe/leak").get_json()["conn"]
    other = db.open_for_app(app)  # another writer, outside the pool
    try:
        other.execute("INSERT INTO app_meta (key, value) VALUES ('probe-late', 'x')")
    finally:
        other.close()
    answer = client.get("/probe/count").get_json()
    assert answer["conn"] == first, "the same warm connection served both requests"
    assert answer["n"] == 1
    _leaked.clear()


def test_a_transaction_left_open_is_rolled_back_before_the_next_request(instance: Path) -> None:
    app = _app_with_probe(instance)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    assert client.post("/probe/abandon").status_code == 500
    assert db.pool(app).idle() == 1
    conn = db.pool(app).acquire()
    try:
        assert not conn.in_transaction
    finally:
        db.pool(app).release(conn)
    # And the write lock was let go: another connection can write at once.
    other = db.open_for_app(app)
    try:
        other.execute("PRAGMA busy_timeout = 0")
        other.execute("INSERT INTO app_meta (key, value) VALUES ('probe-after', 'x')")
    finally:
        other.close()


def test_the_pool_is_keyed_once_and_closes_on_shutdown(instance: Path) -> None:
    app = _app_with_probe(instance)
    client = app.test_client()
    for _ in range(20):
        assert client.get("/probe/count").status_code == 200
    pool = db.pool(app)
    assert pool.opened == 1
    lent = pool.acquire()
    db.close_pool(app)
    assert pool.idle() == 0
    pool.release(lent)  # a connection lent out during shutdown is closed when it comes back
    with pytest.raises(Exception, match="closed"):
        lent.execute("SELECT 1")
    with pytest.raises(RuntimeError, match="closed"):
        pool.acquire()


def test_a_wrong_key_is_still_refused_at_startup(instance: Path) -> None:
    db.write_key_file(instance / config.DB_KEY_FILE, b"\x00" * 32)
    with pytest.raises(config.StartupError, match="wrong"):
        create_app({"TESTING": True, "INSTANCE": instance})


def test_pairbook_serve_closes_its_connections_when_stopped(instance: Path) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PAIRBOOK_INSTANCE": str(instance)}
    code = "from workspace.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # A session cookie that does not exist: it is looked up in the database.
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/", headers={"Cookie": "pb_sid=no-such-session"}
                )
                urllib.request.urlopen(request, timeout=5)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        wal = instance / (config.DB_FILE + "-wal")
        assert wal.exists(), "a warm connection holds the database open"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        # The last connection to close checkpoints the WAL and removes it: none was left open.
        assert not wal.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
