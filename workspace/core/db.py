"""SQLCipher storage: a small pool of warm connections, numbered SQL migrations, plain SQL.

A connection is opened and keyed once and then lent to one request at a time: its page cache
(decrypted pages) survives from one request to the next, so a request does not pay for opening,
keying and decrypting again. Each connection runs in autocommit mode (every statement, or a
`transaction` block, is its own transaction), so under WAL every request reads the latest commit
of any other thread; a connection is handed back only outside a transaction."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import sqlcipher3
from flask import Flask, current_app, g

from workspace.core.config import DB_FILE, DB_KEY_FILE, StartupError, read_secret

Connection = sqlcipher3.Connection
BUSY_TIMEOUT_MS = 5000
# Decrypted pages kept per connection (KiB; SQLite's default is 2,000).
CACHE_KIB = 8192
# Warm connections kept per app; more may be open at once, the extra ones are closed after use.
POOL_SIZE = 8
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class _TrackedConnection(sqlcipher3.Connection):
    """A connection that knows its open cursors: a cursor left half-read keeps its statement
    active, and with it the read snapshot it began with, so a pooled connection would go on
    seeing old data in the next request. `reset_cursors` closes them before the hand-back."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cursors: weakref.WeakSet[sqlcipher3.Cursor] = weakref.WeakSet()

    def cursor(self, *args: Any, **kwargs: Any) -> sqlcipher3.Cursor:  # noqa: D102
        cur = super().cursor(*args, **kwargs)
        self._cursors.add(cur)
        return cur

    def reset_cursors(self) -> None:
        """Close every cursor still open, ending any read snapshot a half-read one holds."""
        for cur in list(self._cursors):
            cur.close()


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


def _sha256_hex(value: str | bytes | None) -> str | None:
    """SQL's sha256_hex(text): the hex SHA-256 of its UTF-8 bytes (what a confirmation binds)."""
    if value is None:
        return None
    data = value.encode("utf-8") if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()


def connect(path: Path, key: bytes) -> Connection:
    """Open the encrypted database; the key is applied before any other statement."""
    conn = sqlcipher3.connect(
        str(path), isolation_level=None, check_same_thread=False, factory=_TrackedConnection
    )
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
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.create_function("sha256_hex", 1, _sha256_hex, deterministic=True)
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


@contextmanager
def snapshot(conn: Connection) -> Iterator[Connection]:
    """Run a block of reads on one snapshot of the database (a read transaction: every
    statement sees the same committed state; writers are not held up, WAL)."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        if conn.in_transaction:
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


class Pool:
    """Warm connections to one database, each keyed once and lent to one request at a time."""

    def __init__(self, path: Path, key: bytes, size: int = POOL_SIZE) -> None:
        self._path, self._key, self._size = path, key, size
        self._free: list[Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self.opened = 0

    def acquire(self) -> Connection:
        """A warm connection if one is free, else a new one."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the database pool is closed (the app is shutting down)")
            if self._free:
                return self._free.pop()
        conn = connect(self._path, self._key)
        with self._lock:
            self.opened += 1
        return conn

    def release(self, conn: Connection) -> None:
        """Take a connection back: a transaction left open is rolled back first, and a
        connection that cannot be cleaned, or one too many, is closed."""
        try:
            if isinstance(conn, _TrackedConnection):
                conn.reset_cursors()
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlcipher3.Error:
            conn.close()
            return
        with self._lock:
            if not self._closed and len(self._free) < self._size:
                self._free.append(conn)
                return
        conn.close()

    def drain(self) -> None:
        """Close the free connections but stay open: the next request opens a fresh one."""
        with self._lock:
            free, self._free = self._free, []
        for conn in free:
            conn.close()

    def close(self) -> None:
        """Close every free connection; those lent out are closed when they come back."""
        with self._lock:
            self._closed = True
            free, self._free = self._free, []
        for conn in free:
            conn.close()

    def idle(self) -> int:
        """How many warm connections wait to be lent."""
        with self._lock:
            return len(self._free)


def pool(app: Flask) -> Pool:
    """The app's pool, made on first use (the key file is read once)."""
    found = app.extensions.get("pairbook_db_pool")
    if found is None:
        with _POOL_LOCK:
            found = app.extensions.get("pairbook_db_pool")
            if found is None:
                path = database_path(app)
                if not path.exists():
                    raise StartupError(f"{path} does not exist; run `pairbook init`.")
                found = Pool(path, read_secret(Path(app.instance_path), DB_KEY_FILE))
                app.extensions["pairbook_db_pool"] = found
                # Closed with the app, or when the process ends (finalize runs at exit too).
                weakref.finalize(app, found.close)
    return found


_POOL_LOCK = threading.Lock()


def get_db() -> Connection:
    """Return this request's connection, lent from the app's pool on first use."""
    if "db" not in g:
        g.db = pool(current_app._get_current_object()).acquire()  # type: ignore[attr-defined]
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    """Hand this request's connection back to the pool, if it took one."""
    conn = g.pop("db", None)
    if conn is not None:
        pool(current_app._get_current_object()).release(conn)  # type: ignore[attr-defined]


def close_pool(app: Flask) -> None:
    """Close the app's warm connections (on shutdown)."""
    found = app.extensions.get("pairbook_db_pool")
    if found is not None:
        found.close()


def check_startup(app: Flask) -> None:
    """Refuse to start unless the database opens with its key; apply pending migrations."""
    hold_running_lock(app)
    try:
        conn = open_for_app(app)
    except StartupError as error:
        app.extensions.pop("pairbook_running_lock").close()
        if (Path(app.instance_path) / NEW_KEY_FILE).exists():
            raise StartupError(
                f"{error} A key rotation was interrupted: run `pairbook rekey` to finish it."
            ) from None
        raise
    try:
        migrate(conn)
    finally:
        conn.close()


def init_app(app: Flask) -> None:
    """Lend each request a pooled connection and take it back after the request."""
    app.teardown_appcontext(close_db)


# --- running, backup, restore, key rotation ---------------------------------------------

LOCK_FILE = DB_FILE + ".lock"
OLD_KEY_FILE = DB_KEY_FILE + ".old"
NEW_KEY_FILE = DB_KEY_FILE + ".new"


def hold_running_lock(app: Flask) -> None:
    """Hold a shared lock on the instance for as long as the app lives, so that restore and
    rekey can tell that it runs (its pooled connections may be open at any time)."""
    path = Path(app.instance_path) / LOCK_FILE
    try:
        fh = path.open("a+b")
    except OSError as error:
        raise StartupError(
            f"cannot open {path} ({error.strerror}); the instance folder must be writable."
        ) from None
    try:
        fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise StartupError(
            "the database is being restored or its key rotated; start again when that is done."
        ) from None
    app.extensions["pairbook_running_lock"] = fh


@contextmanager
def exclusive(folder: Path, *, force: bool = False) -> Iterator[None]:
    """Hold the instance for maintenance; refuse (unless ``force``) while a Pairbook runs on it."""
    fh = (folder / LOCK_FILE).open("a+b")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not force:
                raise StartupError(
                    f"a Pairbook is running on {folder}; stop it first (or use --force)."
                ) from None
        yield
    finally:
        fh.close()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_key_file(path: Path, key: bytes) -> None:
    """Write a key file atomically: a temporary file (0600), fsync, rename, fsync the folder."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _checked(path: Path, key: bytes) -> None:
    """Open a copy with its key and check every page, or raise StartupError."""
    conn = connect(path, key)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise StartupError(f"{path} is damaged ({result}).")


def backup(folder: Path, dest: Path) -> None:
    """Write a consistent copy of the database to ``dest``, encrypted with the same key.

    ``VACUUM INTO`` reads one snapshot while the app goes on writing (WAL), so the copy has every
    committed transaction up to its start, including those still in the WAL."""
    if dest.exists():
        raise StartupError(f"{dest} already exists; choose a new name.")
    key = read_secret(folder, DB_KEY_FILE)
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp")
    conn = connect(folder / DB_FILE, key)
    try:
        conn.execute("VACUUM INTO ?", (str(tmp),))
    finally:
        conn.close()
    try:
        tmp.chmod(0o600)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        _checked(tmp, key)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(dest.parent)


def restore(folder: Path, src: Path, *, force: bool = False) -> Path:
    """Put a backup in place of the instance's database; return where the old one was kept.

    The copy must open with the instance's current key (put the key that belongs with it in
    place first). Refused while a Pairbook runs on the instance, unless ``force``."""
    key = read_secret(folder, DB_KEY_FILE)
    if not src.is_file():
        raise StartupError(f"{src} is not a file.")
    target = folder / DB_FILE
    with exclusive(folder, force=force):
        tmp = folder / f".{DB_FILE}.restore.tmp"
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            while chunk := inp.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        try:
            _checked(tmp, key)
        except StartupError:
            tmp.unlink(missing_ok=True)
            raise StartupError(
                f"{src} does not open with {folder / DB_KEY_FILE}; put the key file that belongs "
                "with the backup in place first."
            ) from None
        kept = folder / (DB_FILE + ".before-restore")
        if target.exists():
            # Fold the old database's WAL into it, so that the copy kept is whole and no stale
            # WAL is left to be applied to the restored file.
            old = connect(target, key)
            try:
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                old.close()
            for suffix in ("-wal", "-shm"):
                (folder / (DB_FILE + suffix)).unlink(missing_ok=True)
            os.replace(target, kept)
        os.replace(tmp, target)
        _fsync_dir(folder)
    return kept


def rekey(folder: Path) -> None:
    """Rotate the database key: re-encrypt with a new random key, then swap the key files.

    The new key is written (atomically) to ``db_key.new`` and the current one copied to
    ``db_key.old`` before the database changes; ``PRAGMA rekey`` commits; then ``db_key.new``
    replaces ``db_key`` and ``db_key.old`` is removed. Run again after a crash: it finishes."""
    key_path = folder / DB_KEY_FILE
    new_path, old_path = folder / NEW_KEY_FILE, folder / OLD_KEY_FILE
    with exclusive(folder):
        finish_rekey(folder)
        old_key = read_secret(folder, DB_KEY_FILE)
        new_key = secrets.token_bytes(32)
        write_key_file(old_path, old_key)
        write_key_file(new_path, new_key)
        conn = connect(folder / DB_FILE, old_key)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
        os.replace(new_path, key_path)
        _fsync_dir(folder)
        _checked(folder / DB_FILE, new_key)
        old_path.unlink()
        _fsync_dir(folder)


def finish_rekey(folder: Path) -> None:
    """Finish or undo a rotation that was interrupted: keep whichever key opens the database."""
    new_path, old_path = folder / NEW_KEY_FILE, folder / OLD_KEY_FILE
    if not new_path.exists() and not old_path.exists():
        return
    for candidate in (folder / DB_KEY_FILE, new_path, old_path):
        if not candidate.exists():
            continue
        try:
            key = read_secret(folder, candidate.name)
            _checked(folder / DB_FILE, key)
        except StartupError:
            continue
        write_key_file(folder / DB_KEY_FILE, key)
        new_path.unlink(missing_ok=True)
        old_path.unlink(missing_ok=True)
        _fsync_dir(folder)
        return
    raise StartupError(f"no key file in {folder} opens the database; restore db_key from backup.")
