"""Where the instance lives and how its secrets are made and read."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
DB_KEY_FILE = "db_key"
PEPPER_FILE = "pepper"
DB_FILE = "pairbook.db"


class StartupError(Exception):
    """The app cannot start; the message is one line that names the fix."""


def instance_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the instance folder: explicit argument, then $PAIRBOOK_INSTANCE, then ./instance."""
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get("PAIRBOOK_INSTANCE")
    if env:
        path = Path(env)
        if not path.is_absolute():
            raise StartupError(
                f"PAIRBOOK_INSTANCE must be an absolute path (got {env!r}); fix the variable."
            )
        return path
    return (Path.cwd() / "instance").resolve()


def _write_secret(path: Path, value: str) -> None:
    # O_EXCL so that a concurrent or repeated init can never overwrite an existing key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")


def ensure_secrets(folder: Path) -> list[str]:
    """Create missing secret files (mode 0600); return the names of those created."""
    folder.mkdir(parents=True, exist_ok=True)
    created = []
    for name in (SECRET_KEY_FILE, DB_KEY_FILE, PEPPER_FILE):
        path = folder / name
        if not path.exists():
            _write_secret(path, secrets.token_hex(32))
            created.append(name)
    return created


def read_secret(folder: Path, name: str) -> bytes:
    """Read a 32-byte hex secret from the instance folder or raise StartupError."""
    path = folder / name
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise StartupError(
            f"{path} is missing; run `pairbook init` "
            "(or point PAIRBOOK_INSTANCE at the right folder)."
        ) from None
    try:
        value = bytes.fromhex(text)
    except ValueError:
        value = b""
    if len(value) != 32:
        raise StartupError(f"{path} is not a 64-character hex key; restore it from your backup.")
    return value
