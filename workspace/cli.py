"""The `pairbook` command: set up an instance and serve it."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from workspace.core import config, db


def _fail(error: Exception) -> None:
    click.echo(f"pairbook: {error}", err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """Pairbook: a privacy-first workspace for career-mentoring programmes."""
    # Everything the app writes (database, logs, outbox) is private to its owner.
    os.umask(0o077)


def init_instance(folder: Path) -> tuple[list[str], list[str]]:
    """Create the instance folder, its secrets and database; return (secrets made, migrations)."""
    created = config.ensure_secrets(folder)
    folder.chmod(0o700)
    for sub in ("logs", "outbox"):
        (folder / sub).mkdir(exist_ok=True)
    key = config.read_secret(folder, config.DB_KEY_FILE)
    conn = db.connect(folder / config.DB_FILE, key)
    try:
        applied = db.migrate(conn)
    finally:
        conn.close()
    for path in folder.glob(config.DB_FILE + "*"):
        path.chmod(0o600)
    return created, applied


@main.command()
def init() -> None:
    """Create the instance folder, secret keys and the encrypted database (safe to repeat)."""
    try:
        folder = config.instance_path()
        created, applied = init_instance(folder)
    except config.StartupError as error:
        _fail(error)
        return
    if not created and not applied:
        click.echo(f"Instance {folder} is already set up; nothing changed.")
        return
    for name in created:
        click.echo(f"Created {folder / name} (mode 0600).")
    for name in applied:
        click.echo(f"Applied migration {name}.")
    click.echo(f"Instance ready in {folder}.")


def _start_mail_sender(app: Any, every_seconds: float = 60.0) -> Any:
    """The one sender of this process: delivers queued email outside requests, woken when mail
    is queued and every `every_seconds` for retries."""
    from workspace.core.mail import Sender

    return Sender(app, every_seconds).start()


def _where_mail_goes(app: Any) -> str:
    from workspace.core.mail import outbox_folder

    if app.config.get("MAIL_SMTP_HOST"):
        return f"Email is sent over SMTP to {app.config['MAIL_SMTP_HOST']}."
    return (
        f"No SMTP server is set: email (invitation and reset links) is written as .eml files "
        f"to {outbox_folder(app)}/ (links are never logged)."
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
def serve(host: str, port: int, threads: int) -> None:
    """Serve Pairbook with waitress (bound to loopback unless told otherwise)."""
    from waitress import serve as waitress_serve

    from workspace import create_app

    try:
        app = create_app()
    except config.StartupError as error:
        _fail(error)
        return
    _start_mail_sender(app)
    click.echo(_where_mail_goes(app))
    click.echo(f"Pairbook is running at http://{host}:{port}/ (Ctrl+C to stop).")
    # A service manager stops the server with SIGTERM: leave through the same way as Ctrl+C,
    # so that the warm database connections are closed.
    before = signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="Pairbook")
    finally:
        signal.signal(signal.SIGTERM, before)
        db.close_pool(app)


def _app() -> Any:
    from workspace import create_app

    try:
        return create_app()
    except config.StartupError as error:
        _fail(error)


@main.command("create-organiser")
@click.argument("email")
def create_organiser_command(email: str) -> None:
    """Create an organiser account and print its one-time set-up link (also emailed)."""
    from workspace.accounts.queries import DEV_URL, create_organiser

    app = _app()
    try:
        path = create_organiser(app, email)
    except ValueError as error:
        _fail(error)
        return
    base = (app.config.get("BASE_URL") or DEV_URL).rstrip("/")
    click.echo(f"Set-up link for {email} (single use, valid 14 days):")
    click.echo(f"{base}{path}")


@main.command("send-mail")
@click.option("--now", "ignore_backoff", is_flag=True, help="Try every waiting message now.")
def send_mail(ignore_backoff: bool) -> None:
    """Deliver queued email that is due (the server also does this by itself)."""
    from workspace.core.mail import deliver_pending, run_jobs

    app = _app()
    run_jobs(app)
    click.echo(f"Sent {deliver_pending(app, now=ignore_backoff)} message(s).")
    click.echo(_where_mail_goes(app))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the details as JSON.")
@click.option("--if-missing", is_flag=True, help="Only create the demo if there is none yet.")
def demo(as_json: bool, if_missing: bool) -> None:
    """Create a demo programme with an organiser and pairs; print how to sign in."""
    from workspace.demo import create_demo, load_demo

    app = _app()
    details = load_demo(app)
    if details is None:
        details = create_demo(app)
    elif not if_missing:
        click.echo("A demo already exists in this instance; showing its details.", err=True)
    if as_json:
        click.echo(json.dumps(details, indent=2))
        return
    base = details["base_url"]
    click.echo("Pairbook demo (these accounts are for trying things out only):")
    click.echo(f"  Sign in at {base}/login")
    for account in details["accounts"]:
        click.echo(
            f"  {account['label']}: {account['email']} / passphrase: {account['passphrase']}"
        )
    click.echo("  Invitation links (open each in its own browser window or profile):")
    for invite in details["invitations"]:
        click.echo(f"  {invite['label']}: {base}{invite['path']}")
    for path in details.get("matching", []):
        click.echo(f"  Form pairs from the applications (as the organiser): {base}{path}")
    click.echo(f"  {_where_mail_goes(app)}")


@main.command()
@click.option("--server", required=True, help="The Pairbook address, e.g. https://pairbook.example")
@click.option("--email", required=True, help="Your sign-in email.")
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the ZIP archive.",
)
def export(server: str, email: str, out_path: str) -> None:
    """Download and decrypt all your data on this computer (asks for your passphrase)."""
    from memberclient.archive import build_archive
    from memberclient.client import Client, ClientError

    passphrase = click.prompt("Passphrase", hide_input=True)
    try:
        client = Client(server)
        client.login(email, passphrase)
        archive = build_archive(client)
        client.logout()
    except (ClientError, ValueError, OSError) as error:
        _fail(error)
        return
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(archive)
    click.echo(f"Wrote {out_path} ({len(archive)} bytes).")


@main.command()
@click.option(
    "--now", "at", default=None, help="Pretend it is this UTC time (ISO 8601), for checks."
)
def purge(at: str | None) -> None:
    """Delete what is due (notebooks past retention, expired invitations, old sessions and
    mail) and send the warnings that are due. Safe to run twice; prints counts only."""
    from datetime import UTC, datetime

    from workspace.core import clock
    from workspace.rights.purge import purge as run_purge

    app = _app()
    if at:
        try:
            target = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            _fail(ValueError(f"--now must be an ISO 8601 time, got {at!r}"))
            return
        clock.travel(target - clock.now())
    counts = run_purge(app)
    if not any(counts.values()):
        click.echo("Nothing to purge.")
        return
    for name, count in sorted(counts.items()):
        if count:
            click.echo(f"{name}: {count}")


@main.command()
@click.argument("dest", type=click.Path(path_type=Path))
def backup(dest: Path) -> None:
    """Write a consistent, still-encrypted copy of the database to DEST (safe while serving)."""
    import hashlib
    from datetime import UTC, datetime

    folder = config.instance_path()
    if dest.is_dir():
        dest = dest / f"pairbook-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.db"
    try:
        db.backup(folder, dest)
        key = config.read_secret(folder, config.DB_KEY_FILE)
    except (config.StartupError, OSError) as error:
        _fail(error)
        return
    fingerprint = hashlib.sha256(key).hexdigest()[:16]
    click.echo(f"Wrote {dest} ({dest.stat().st_size} bytes), encrypted.")
    click.echo(f"It opens only with {folder / config.DB_KEY_FILE} (fingerprint {fingerprint}).")
    click.echo(
        f"Keep copies of {config.DB_KEY_FILE} and {config.PEPPER_FILE} (sign-ins need it) "
        f"with the backup's records, stored apart from the backup itself; "
        f"{config.SECRET_KEY_FILE} is optional (a new one only makes open forms reload)."
    )


@main.command()
@click.argument("src", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the database even while a Pairbook runs.")
def restore(src: Path, force: bool) -> None:
    """Bring back a backup made by `pairbook backup` (it must open with the current db_key)."""
    folder = config.instance_path()
    try:
        kept = db.restore(folder, src, force=force)
    except (config.StartupError, OSError) as error:
        _fail(error)
        return
    click.echo(f"Restored {src} into {folder / config.DB_FILE}.")
    if kept.exists():
        click.echo(f"The database it replaced is kept as {kept}; delete it when all is well.")
    click.echo("Start Pairbook again (`pairbook serve`); pending migrations apply then.")


@main.command()
def rekey() -> None:
    """Rotate the database key (stop the server first); backups made before need the old key."""
    folder = config.instance_path()
    try:
        db.rekey(folder)
    except (config.StartupError, OSError) as error:
        _fail(error)
        return
    click.echo(f"The database now opens with the new key in {folder / config.DB_KEY_FILE}.")
    click.echo("Back that file up now; backups made before this need the key you kept with them.")
