"""The encrypted store: encryption at rest, keys, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlcipher3

from workspace import create_app
from workspace.core import config, db


def test_database_file_is_encrypted(instance: Path) -> None:
    raw = (instance / config.DB_FILE).read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(instance / config.DB_FILE).execute("SELECT * FROM sqlite_master").fetchall()


def test_database_needs_its_key(instance: Path) -> None:
    conn = sqlcipher3.connect(str(instance / config.DB_FILE))
    with pytest.raises(sqlcipher3.DatabaseError):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()
    key = config.read_secret(instance, config.DB_KEY_FILE)
    conn = db.connect(instance / config.DB_FILE, key)
    assert conn.execute("SELECT value FROM app_meta WHERE key='created_at'").fetchone()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == db.BUSY_TIMEOUT_MS
    conn.close()


def test_wrong_key_gives_clear_startup_error(instance: Path) -> None:
    (instance / config.DB_KEY_FILE).write_text("11" * 32)
    with pytest.raises(config.StartupError) as caught:
        create_app({"INSTANCE": instance})
    message = str(caught.value)
    assert "\n" not in message and "key" in message and "restore" in message


def test_missing_key_file_names_the_fix(instance: Path) -> None:
    (instance / config.DB_KEY_FILE).unlink()
    with pytest.raises(config.StartupError, match="pairbook init"):
        create_app({"INSTANCE": instance})


def test_missing_database_names_the_fix(instance: Path) -> None:
    (instance / config.DB_FILE).unlink()
    with pytest.raises(config.StartupError, match="pairbook init"):
        create_app({"INSTANCE": instance})


def test_missing_sqlcipher_is_detected(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = sqlcipher3.connect

    class PlainSqlite:
        """A connection that behaves like stock SQLite: no cipher_version."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            self._conn = real_connect(*args, **kwargs)

        def execute(self, sql: str, *params: object) -> object:
            if "cipher_version" in sql:
                return sqlite3.connect(":memory:").execute("SELECT 1 WHERE 0")
            return self._conn.execute(sql, *params)

        def close(self) -> None:
            self._conn.close()

    monkeypatch.setattr(db.sqlcipher3, "connect", PlainSqlite)
    with pytest.raises(config.StartupError, match="no SQLCipher"):
        create_app({"INSTANCE": instance})


def _fresh(tmp_path: Path) -> db.Connection:
    return db.connect(tmp_path / "m.db", bytes(32))


def test_migrations_apply_once(tmp_path: Path) -> None:
    conn = _fresh(tmp_path)
    applied = db.migrate(conn)
    assert applied == [m.name for m in db.migrations()]
    assert db.schema_version(conn) == db.migrations()[-1].number
    assert db.migrate(conn) == []
    assert db.schema_version(conn) == db.migrations()[-1].number


def test_failing_migration_leaves_previous_version(tmp_path: Path) -> None:
    conn = _fresh(tmp_path)
    good = db.migrations()
    db.migrate(conn, good)
    before = db.schema_version(conn)
    broken = db.Migration(
        before + 1,
        "broken.sql",
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);",
    )
    with pytest.raises(sqlcipher3.OperationalError):
        db.migrate(conn, [*good, broken])
    assert db.schema_version(conn) == before
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    assert not conn.in_transaction


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = _fresh(tmp_path)
    db.migrate(conn)
    with pytest.raises(RuntimeError), db.transaction(conn):
        conn.execute("INSERT INTO app_meta (key, value) VALUES ('a', 'b')")
        raise RuntimeError
    assert conn.execute("SELECT count(*) FROM app_meta WHERE key='a'").fetchone()[0] == 0
