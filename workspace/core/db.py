"""SQLCipher storage: one connection per request, numbered SQL migrations, plain SQL."""

from __future__ import annotations

import fcntl
import os
import re
import secrets
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
    """Return the packaged migrations in order; each number once, rising (a number may be
    left out: areas built in parallel are given their numbers in advance)."""
    found = []
    for entry in resources.files("workspace.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.number)
    for before, migration in zip(found, found[1:], strict=False):
        if migration.number == before.number:
            raise RuntimeError(f"two migrations have the same number: {migration.name}")
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
    """Register per-request connection handling."""
    app.teardown_appcontext(close_db)


# --- running, backup, restore, key rotation ---------------------------------------------

LOCK_FILE = DB_FILE + ".lock"
OLD_KEY_FILE = DB_KEY_FILE + ".old"
NEW_KEY_FILE = DB_KEY_FILE + ".new"


def hold_running_lock(app: Flask) -> None:
    """Hold a shared lock on the instance for as long as the app lives, so that restore and
    rekey can tell that it runs (connections are per request: none may be open right now)."""
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
