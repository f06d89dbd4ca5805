"""SQLCipher storage: one connection per request, numbered SQL migrations, plain SQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import sqlcipher3
from flask import Flask, current_app, g

from workspace.core.config import DB_FILE, DB_KEY_FILE, StartupError, read_secret

Connection = sqlcipher3.Connection
BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file."""

    number: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Return the packaged migrations in order; numbers must run 1, 2, 3… without gaps."""
    found = []
    for entry in resources.files("workspace.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.number)
    for expected, migration in enumerate(found, start=1):
        if migration.number != expected:
            raise RuntimeError(f"migration numbers must be consecutive: {migration.name}")
    return found


def connect(path: Path, key: bytes) -> Connection:
    """Open the encrypted database; the key is applied before any other statement."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        version = conn.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            raise StartupError(
                "this sqlcipher3 build has no SQLCipher; reinstall it with `make run`."
            )
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            raise StartupError(
                f"cannot open {path}: the key in {DB_KEY_FILE} is wrong for this database; "
                "restore the matching key file."
            ) from None
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.row_factory = sqlcipher3.Row
    except BaseException:
        conn.close()
        raise
    return conn


def schema_version(conn: Connection) -> int:
    """Return the applied migration number (PRAGMA user_version)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, available: list[Migration] | None = None) -> list[str]:
    """Apply pending migrations, each in its own transaction; return the names applied."""
    applied = []
    for migration in available if available is not None else migrations():
        if migration.number <= schema_version(conn):
            continue
        try:
            # executescript commits any open transaction first, so the script carries its own
            # BEGIN/COMMIT; user_version lives in the header and rolls back with the rest.
            conn.executescript(
                "BEGIN IMMEDIATE;\n"
                f"{migration.sql}\n;"
                f"PRAGMA user_version = {migration.number};\nCOMMIT;"
            )
        except Exception:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(migration.name)
    return applied


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """Run a block in one write transaction: all of it lands, or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def database_path(app: Flask) -> Path:
    """Return the database file inside the app's instance folder."""
    return Path(app.instance_path) / DB_FILE


def open_for_app(app: Flask) -> Connection:
    """Open the app's database, raising StartupError with the fix when it cannot."""
    path = database_path(app)
    key = read_secret(Path(app.instance_path), DB_KEY_FILE)
    if not path.exists():
        raise StartupError(f"{path} does not exist; run `pairbook init`.")
    return connect(path, key)


def get_db() -> Connection:
    """Return this request's connection, opening it on first use."""
    if "db" not in g:
        g.db = open_for_app(current_app)
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    """Close this request's connection, if any."""
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def check_startup(app: Flask) -> None:
    """Refuse to start unless the database opens with its key; apply pending migrations."""
    conn = open_for_app(app)
    try:
        migrate(conn)
    finally:
        conn.close()


def init_app(app: Flask) -> None:
    """Register per-request connection handling."""
    app.teardown_appcontext(close_db)
