"""`pairbook backup`, `restore` and `rekey`: consistent copies under load, safe key rotation."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import open_db
from workspace import create_app
from workspace.cli import init_instance, main
from workspace.core import config, db


def _run(instance: Path, *args: str) -> object:
    return CliRunner().invoke(main, list(args), env={"PAIRBOOK_INSTANCE": str(instance)})


def _rows(conn: db.Connection) -> set[str]:
    rows = conn.execute("SELECT key FROM app_meta WHERE key LIKE 'load-%'").fetchall()
    return {row[0] for row in rows}


def test_backup_under_write_load_restores_every_acknowledged_write(
    instance: Path, tmp_path: Path
) -> None:
    app = create_app({"TESTING": True, "INSTANCE": instance})
    acknowledged: list[str] = []
    stop = threading.Event()
    started = threading.Event()

    def write() -> None:
        conn = db.open_for_app(app)
        try:
            n = 0
            while not stop.is_set() and n < 20_000:
                with db.transaction(conn):
                    conn.execute(
                        "INSERT INTO app_meta (key, value) VALUES (?, 'x')", (f"load-{n}",)
                    )
                acknowledged.append(f"load-{n}")
                n += 1
                if n == 200:
                    started.set()
        finally:
            conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert started.wait(60), "the writer did not get going"
        before = set(acknowledged)
        result = _run(instance, "backup", str(tmp_path / "copy.db"))
        after = len(acknowledged)
        # The load goes on past the backup: the snapshot was taken in the middle of it.
        deadline = time.monotonic() + 60
        while len(acknowledged) < after + 100 and writer.is_alive():
            assert time.monotonic() < deadline, "the writer stalled"
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join(60)
    assert result.exit_code == 0, result.output
    assert "db_key" in result.output and "pepper" in result.output
    # Still encrypted: the copy is not an SQLite file anyone can read.
    assert not (tmp_path / "copy.db").read_bytes().startswith(b"SQLite format 3")
    # Restore into a fresh instance that has the same key.
    other = tmp_path / "other"
    init_instance(other)
    shutil.copy(instance / config.DB_KEY_FILE, other / config.DB_KEY_FILE)
    (other / config.DB_FILE).unlink()
    for suffix in ("-wal", "-shm"):
        (other / (config.DB_FILE + suffix)).unlink(missing_ok=True)
    restored = _run(other, "restore", str(tmp_path / "copy.db"))
    assert restored.exit_code == 0, restored.output
    conn = open_db(other)
    try:
        got = _rows(conn)
    finally:
        conn.close()
    assert before <= got, "acknowledged writes are missing from the backup"
    # One snapshot: what it has is a prefix of what was written, with no holes.
    assert got == {f"load-{n}" for n in range(len(got))}


def test_backup_refuses_to_overwrite(instance: Path, tmp_path: Path) -> None:
    (tmp_path / "copy.db").write_bytes(b"keep me")
    result = _run(instance, "backup", str(tmp_path / "copy.db"))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert (tmp_path / "copy.db").read_bytes() == b"keep me"


def test_restore_round_trip_and_refusals(instance: Path, tmp_path: Path) -> None:
    db_path = instance / config.DB_FILE
    conn = open_db(instance)
    conn.execute("INSERT INTO app_meta (key, value) VALUES ('load-kept', 'before')")
    conn.close()
    assert _run(instance, "backup", str(tmp_path)).exit_code == 0
    (copy,) = tmp_path.glob("pairbook-*.db")
    conn = open_db(instance)
    conn.execute("UPDATE app_meta SET value = 'after' WHERE key = 'load-kept'")
    conn.execute("INSERT INTO app_meta (key, value) VALUES ('load-later', 'x')")
    conn.close()

    # A running instance's database is not replaced without --force.
    running = create_app({"TESTING": True, "INSTANCE": instance})
    refused = _run(instance, "restore", str(copy))
    assert refused.exit_code == 1
    assert "running" in refused.output and "--force" in refused.output
    assert (
        open_db(instance)
        .execute("SELECT count(*) FROM app_meta WHERE key='load-later'")
        .fetchone()[0]
        == 1
    )
    running.extensions["pairbook_running_lock"].close()  # the server stops

    # A file that does not open with the key is refused and changes nothing.
    (tmp_path / "junk.db").write_bytes(b"\0" * 4096)
    bad = _run(instance, "restore", str(tmp_path / "junk.db"))
    assert bad.exit_code == 1
    assert "does not open" in bad.output
    assert db_path.exists()

    done = _run(instance, "restore", str(copy))
    assert done.exit_code == 0, done.output
    conn = open_db(instance)
    try:
        assert (
            conn.execute("SELECT value FROM app_meta WHERE key='load-kept'").fetchone()[0]
            == "before"
        )
        assert _rows(conn) == {"load-kept"}
    finally:
        conn.close()
    assert (instance / (config.DB_FILE + ".before-restore")).exists()
    create_app({"TESTING": True, "INSTANCE": instance})


def test_rekey_then_restart_opens_the_data_and_the_old_key_does_not(instance: Path) -> None:
    conn = open_db(instance)
    conn.execute("INSERT INTO app_meta (key, value) VALUES ('load-1', 'kept')")
    conn.close()
    old_key = config.read_secret(instance, config.DB_KEY_FILE)
    result = _run(instance, "rekey")
    assert result.exit_code == 0, result.output
    new_key = config.read_secret(instance, config.DB_KEY_FILE)
    assert new_key != old_key
    assert not (instance / db.OLD_KEY_FILE).exists()
    assert not (instance / db.NEW_KEY_FILE).exists()
    assert (instance / config.DB_KEY_FILE).stat().st_mode & 0o777 == 0o600
    app = create_app({"TESTING": True, "INSTANCE": instance})
    conn = db.open_for_app(app)
    try:
        assert conn.execute("SELECT value FROM app_meta WHERE key='load-1'").fetchone()[0] == "kept"
    finally:
        conn.close()
    with pytest.raises(config.StartupError, match="wrong"):
        db.connect(instance / config.DB_FILE, old_key)


def test_rekey_refused_while_running(instance: Path) -> None:
    app = create_app({"TESTING": True, "INSTANCE": instance})
    old_key = config.read_secret(instance, config.DB_KEY_FILE)
    result = _run(instance, "rekey")
    assert result.exit_code == 1
    assert "running" in result.output
    assert config.read_secret(instance, config.DB_KEY_FILE) == old_key
    db.open_for_app(app).close()


def test_interrupted_rekey_is_finished(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The rekey commits, then the process dies before db_key is replaced.
    real_replace = db.os.replace

    def crash(src: object, dst: object) -> None:
        if str(src).endswith(db.NEW_KEY_FILE):
            raise OSError("killed")
        real_replace(src, dst)

    monkeypatch.setattr(db.os, "replace", crash)
    assert _run(instance, "rekey").exit_code == 1
    monkeypatch.setattr(db.os, "replace", real_replace)
    assert (instance / db.OLD_KEY_FILE).exists() and (instance / db.NEW_KEY_FILE).exists()
    with pytest.raises(config.StartupError, match="pairbook rekey"):
        create_app({"TESTING": True, "INSTANCE": instance})
    assert _run(instance, "rekey").exit_code == 0
    create_app({"TESTING": True, "INSTANCE": instance})
