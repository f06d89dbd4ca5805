"""What the benchmarks share: an instance with a real pair of 300 sealed meeting notes, bulk
synthetic pairs with realistic metadata, a waitress server in its own process, percentiles."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import crypto  # noqa: E402
from workspace import create_app  # noqa: E402
from workspace.cli import init_instance  # noqa: E402
from workspace.core import db  # noqa: E402

NOW = "2027-03-01T10:00:00Z"
LIMITS = {"RATELIMIT_AUTH": "100000 per minute", "RATELIMIT_ACCOUNT": "100000 per minute"}


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def load_note() -> str:
    """The machine's load average, to print beside every figure."""
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def meeting_body(n: int) -> dict[str, object]:
    """A typical meeting note (about 1 KiB)."""
    text = ("we practised interview answers and looked at the job ads in the field " * 2).strip()
    return {
        "schema": 1,
        "date": "2027-02-01",
        "mode": "in_person",
        "minutes": 60,
        "opening": text,
        "aim": text,
        "theme": f"Theme {n}",
        "notes": text * 2,
        "learned": text,
        "next_date": "2027-02-15",
        "next_topic": text,
    }


def fake_envelope(size: int = 1040) -> str:
    """A well-formed envelope of typical size (the server never opens it)."""
    return json.dumps(
        {
            "v": 1,
            "suite": 1,
            "kv": 1,
            "n": crypto.b64u_encode(os.urandom(12)),
            "ct": crypto.b64u_encode(os.urandom(size)),
        },
        separators=(",", ":"),
    )


@dataclass
class Real:
    """The real pair: its app, ids and a signed-in mentor cookie."""

    app: Any
    instance: Path
    programme_id: str
    pair_id: str
    cookie: str
    organiser_cookie: str


def real_pair(instance: Path, entries: int = 300) -> Real:
    """A fresh instance with a real pair whose notebook holds `entries` sealed meeting notes."""
    init_instance(instance)
    app = create_app({"INSTANCE": instance, **LIMITS})
    from tests.helpers import PASSPHRASE, joined_pair, login_browserless
    from workspace.accounts.sessions import SESSION_COOKIE

    setup, _org, mentor, _mentee = joined_pair(app)
    for n in range(entries):
        mentor.add_entry(setup.pair_id, "meeting", meeting_body(n))
    web = app.test_client()
    login_browserless(web, "mentor@example.org", PASSPHRASE + " mentor")
    org = app.test_client()
    login_browserless(org, "org@example.org", PASSPHRASE)
    return Real(
        app,
        instance,
        setup.programme_id,
        setup.pair_id,
        web.get_cookie(SESSION_COOKIE).value,
        org.get_cookie(SESSION_COOKIE).value,
    )


def bulk_pairs(instance: Path, programme_id: str, pairs: int, *, meetings: int = 8) -> None:
    """`pairs` synthetic pairs in the programme, in every state a real programme has: most share
    every signal; most have a confirmed agreement (two signed confirmations bound to its
    envelope); about `meetings` meetings each over several months; a fifth have begun their
    evaluations; one in twenty has an open flag."""
    conn = db.connect(instance / "pairbook.db", bytes.fromhex((instance / "db_key").read_text()))
    meeting = fake_envelope()
    agreement = fake_envelope(1800)
    agreement_sha = hashlib.sha256(agreement.encode()).hexdigest()
    signals = ("phase", "agreement", "meetings", "evaluation", "activity")
    with db.transaction(conn):
        for p in range(pairs):
            pid, nb, users = f"p_b{p}", f"n_b{p}", (f"u_b{p}a", f"u_b{p}b")
            conn.executemany(
                "INSERT INTO users (id, email, role, created_at) VALUES (?, ?, 'member', ?)",
                [(u, f"{u}@bench.test", NOW) for u in users],
            )
            conn.execute(
                "INSERT INTO pairs (id, programme_id, code, created_at) VALUES (?, ?, ?, ?)",
                (pid, programme_id, f"PB-B{p:05d}", NOW),
            )
            conn.executemany(
                "INSERT INTO pair_members (pair_id, user_id, role) VALUES (?, ?, ?)",
                [(pid, users[0], "mentor"), (pid, users[1], "mentee")],
            )
            conn.execute(
                "INSERT INTO notebooks (id, pair_id, key_version, created_at) VALUES (?, ?, 1, ?)",
                (nb, pid, NOW),
            )
            if p % 10 != 9:
                conn.executemany(
                    "INSERT INTO consents (pair_id, user_id, signal, decision, wording_sha, "
                    "decided_at) VALUES (?, ?, ?, 1, 'x', ?)",
                    [(pid, u, s, NOW) for u in users for s in signals],
                )
            rows = []
            if p % 5 != 4:
                rows.append((f"a_b{p}", nb, "agreement", users[0], agreement, 0, NOW))
            for i in range(meetings + p % 5 - 2):
                month = f"2027-{1 + i % 3:02d}-{1 + i % 27:02d}T10:00:00Z"
                rows.append((f"e_b{p}_{i}", nb, "meeting", users[i % 2], meeting, 0, month))
            if p % 5 == 0:
                rows.append((f"v_b{p}", nb, "evaluation", users[0], meeting, p % 10 == 0, NOW))
            conn.executemany(
                "INSERT INTO entries (id, notebook_id, entry_type, created_by, author_id, "
                "revision, envelope, size, done, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?, 1024, ?, ?, ?)",
                [(i, n, t, u, u, e, d, c, c) for i, n, t, u, e, d, c in rows],
            )
            if p % 5 != 4:
                conn.executemany(
                    "INSERT INTO confirmations (entry_id, user_id, revision, envelope_sha, sig, "
                    "confirmed_at) VALUES (?, ?, 1, ?, 'sig', ?)",
                    [(f"a_b{p}", u, agreement_sha, NOW) for u in users],
                )
            if p % 20 == 7:
                conn.execute(
                    "INSERT INTO flags (id, programme_id, pair_id, reporter_id, category, status, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, 'cancellations', 'new', ?, ?)",
                    (f"f_b{p}", programme_id, pid, users[1], NOW, NOW),
                )
    conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(code: str, port: int) -> subprocess.Popen[bytes]:
    """Run `code` (which serves on `port`) in its own Python process; wait until it answers."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
