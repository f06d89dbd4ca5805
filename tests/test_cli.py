"""`pairbook init` and `pairbook serve`."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from workspace.cli import main
from workspace.core import clock, config

PAIRBOOK = [sys.executable, "-c", "from workspace.cli import main; main()"]


def test_init_creates_private_secrets_and_is_idempotent(tmp_path: Path) -> None:
    folder = tmp_path / "inst"
    runner = CliRunner()
    first = runner.invoke(main, ["init"], env={"PAIRBOOK_INSTANCE": str(folder)})
    assert first.exit_code == 0, first.output
    assert "Instance ready" in first.output
    for name in (config.SECRET_KEY_FILE, config.DB_KEY_FILE, config.PEPPER_FILE):
        mode = stat.S_IMODE((folder / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
        assert len(config.read_secret(folder, name)) == 32
    assert stat.S_IMODE((folder / config.DB_FILE).stat().st_mode) == 0o600
    snapshot = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}

    second = runner.invoke(main, ["init"], env={"PAIRBOOK_INSTANCE": str(folder)})
    assert second.exit_code == 0
    assert "nothing changed" in second.output
    for name in (config.SECRET_KEY_FILE, config.DB_KEY_FILE, config.PEPPER_FILE):
        assert (folder / name).read_bytes() == snapshot[name]


def test_keys_differ_between_instances(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("a", "b"):
        runner.invoke(main, ["init"], env={"PAIRBOOK_INSTANCE": str(tmp_path / name)})
    assert (tmp_path / "a" / config.DB_KEY_FILE).read_bytes() != (
        tmp_path / "b" / config.DB_KEY_FILE
    ).read_bytes()


def test_serve_without_init_fails_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve"], env={"PAIRBOOK_INSTANCE": str(tmp_path / "none")})
    assert result.exit_code == 1
    assert "pairbook init" in result.output
    assert "Traceback" not in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_on_loopback(instance: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PAIRBOOK_INSTANCE": str(instance)}
    proc = subprocess.Popen(
        [*PAIRBOOK, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    assert "Pairbook" in response.read().decode()
                    assert response.headers["Server"] == "Pairbook"
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "serve did not answer in 30 s"
                time.sleep(0.2)  # poll again, until the deadline above
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_create_organiser_prints_link(instance: Path) -> None:
    result = CliRunner().invoke(
        main, ["create-organiser", "boss@example.org"], env={"PAIRBOOK_INSTANCE": str(instance)}
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:5000/join/")
    assert link.rsplit("/", 1)[1] in (instance / "outbox" / "000001.eml").read_text()


def test_demo_creates_both_sides_and_is_stable(instance: Path) -> None:
    env = {"PAIRBOOK_INSTANCE": str(instance)}
    first = CliRunner().invoke(main, ["demo", "--json"], env=env)
    assert first.exit_code == 0, first.output
    details = json.loads(first.stdout)
    labels = [a["label"] for a in details["accounts"]]
    assert labels[0] == "Organiser" and len(labels) == 4
    assert len(details["invitations"]) == 8  # 4 + a Swedish and a plain-Finnish pair
    assert len(details["matching"]) == 1  # the recruiting programme's applications
    again = CliRunner().invoke(main, ["demo", "--json", "--if-missing"], env=env)
    assert json.loads(again.stdout) == details
    from memberclient.client import Client
    from workspace import create_app

    app = create_app({"INSTANCE": instance})
    organiser = Client.for_app(app)
    organiser.login(details["accounts"][0]["email"], details["accounts"][0]["passphrase"])
    mentor = Client.for_app(app)
    mentor.login(details["accounts"][1]["email"], details["accounts"][1]["passphrase"])
    (pair,) = mentor.pairs()
    view = mentor.sync_pair(pair["pair_id"])
    assert view.has_key and view.partner_joined and view.safety_number
    # The meeting dated last month states its month: the dashboard counts it there.
    listed = mentor.notebook(pair["pair_id"], ("meeting",))["entries"]
    assert [e["meeting_month"] for e in listed if e["meeting_month"]] == [
        (clock.now().date().replace(day=1) - timedelta(days=12)).isoformat()[:7]
    ]
    left = Client.for_app(app)  # the mentee whose mentor left keeps every entry
    left.login(details["accounts"][3]["email"], details["accounts"][3]["passphrase"])
    (kept,) = left.pairs()
    assert kept["partner"]["left"] and len(left.entries(kept["pair_id"])) == 3
    human = CliRunner().invoke(main, ["demo"], env=env)
    assert "Sign in at http://127.0.0.1:5000/login" in human.output
