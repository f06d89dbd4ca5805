"""Recruitment's tables: a programme's recruitment row, its two calls, the sealed applications,
their copies (one per organiser) and the applicants' single-purpose links.

Every write to `recruitment`, `calls`, `applications`, `application_copies` and
`application_tokens` is here. The answers are sealed: the server holds the email, role, status and
timestamps in clear, never what the applicant wrote.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from datetime import timedelta
from typing import Any

from workspace.accounts.queries import token_hash
from workspace.core import clock, db

Row = Any
ROLES = ("mentor", "mentee")
STATUSES = ("new", "in_contact", "accepted", "waiting", "not_selected", "withdrawn", "paired")
CALL_FIELDS = (
    "offer",
    "length_text",
    "rhythm",
    "mode",
    "criteria",
    "contact_name",
    "contact_email",
    "closes_on",
    "pairs_by",
    "starts_on",
    "languages",
    "questions",
)
TOKEN_PURPOSES = ("status", "update")


# --- the programme's recruitment and its calls -----------------------------------------------


def by_slug(conn: db.Connection, slug: str) -> Row | None:
    """The recruitment row (with the programme's name, language and privacy fields) of a slug."""
    return conn.execute(
        "SELECT r.*, p.name, p.language, p.start_date, p.end_date, p.controller, "
        "p.privacy_contact, p.privacy_extra FROM recruitment r "
        "JOIN programmes p ON p.id = r.programme_id WHERE r.slug = ?",
        (slug,),
    ).fetchone()


def recruitment(conn: db.Connection, programme_id: str) -> Row | None:
    """The programme's recruitment row, if it recruits."""
    return conn.execute(
        "SELECT * FROM recruitment WHERE programme_id = ?", (programme_id,)
    ).fetchone()


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    return slug or "programme"


def ensure_recruitment(conn: db.Connection, programme_id: str, name: str) -> Row:
    """The programme's recruitment row, created with a slug from its name (and both calls as
    drafts) the first time. The caller holds the transaction."""
    row = recruitment(conn, programme_id)
    if row is not None:
        return row
    base = _slugify(name)
    slug = base
    while conn.execute("SELECT 1 FROM recruitment WHERE slug = ?", (slug,)).fetchone():
        slug = f"{base}-{secrets.token_hex(2)}"
    now = clock.iso()
    conn.execute(
        "INSERT INTO recruitment (programme_id, slug, created_at) VALUES (?, ?, ?)",
        (programme_id, slug, now),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO calls (programme_id, role, updated_at) VALUES (?, ?, ?)",
        [(programme_id, role, now) for role in ROLES],
    )
    return recruitment(conn, programme_id)


def set_keep_days(conn: db.Connection, programme_id: str, keep_days: int) -> None:
    """How many days after the programme starts non-paired applications are kept."""
    conn.execute(
        "UPDATE recruitment SET keep_days = ? WHERE programme_id = ?", (keep_days, programme_id)
    )


def call(conn: db.Connection, programme_id: str, role: str) -> Row | None:
    """One of the programme's calls."""
    return conn.execute(
        "SELECT * FROM calls WHERE programme_id = ? AND role = ?", (programme_id, role)
    ).fetchone()


def calls(conn: db.Connection, programme_id: str) -> list[Row]:
    """The programme's calls, mentors first."""
    return conn.execute(
        "SELECT * FROM calls WHERE programme_id = ? ORDER BY role = 'mentee', role",
        (programme_id,),
    ).fetchall()


def save_call(conn: db.Connection, programme_id: str, role: str, **fields: Any) -> None:
    """Write a call's public fields (`languages` and `questions` as Python lists). Unknown field
    names are a programming error."""
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown or role not in ROLES:
        raise ValueError(f"unknown call fields {sorted(unknown)} or role {role!r}")
    values = {
        k: json.dumps(v, ensure_ascii=False) if k in ("languages", "questions") else v
        for k, v in fields.items()
    }
    now = clock.iso()
    conn.execute(
        "INSERT OR IGNORE INTO calls (programme_id, role, updated_at) VALUES (?, ?, ?)",
        (programme_id, role, now),
    )
    if values:
        assignments = ", ".join(f"{k} = ?" for k in values)
        conn.execute(
            f"UPDATE calls SET {assignments}, updated_at = ? WHERE programme_id = ? AND role = ?",  # noqa: S608 (names from CALL_FIELDS)
            (*values.values(), now, programme_id, role),
        )


def set_call_state(conn: db.Connection, programme_id: str, role: str, state: str) -> None:
    """Open, close or return a call to draft (the caller checked it may open)."""
    if state not in ("draft", "open", "closed"):
        raise ValueError(state)
    conn.execute(
        "UPDATE calls SET state = ?, updated_at = ? WHERE programme_id = ? AND role = ?",
        (state, clock.iso(), programme_id, role),
    )


# --- applications ----------------------------------------------------------------------------


def programme_organiser_bundles(conn: db.Connection, programme_id: str) -> list[Row]:
    """The organisers with keys an application is sealed to: id, display name and bundle."""
    return conn.execute(
        "SELECT u.id, u.display_name, k.bundle FROM programme_organisers o "
        "JOIN users u ON u.id = o.user_id JOIN key_material k ON k.user_id = u.id "
        "WHERE o.programme_id = ? ORDER BY o.added_at",
        (programme_id,),
    ).fetchall()


def insert_application(
    conn: db.Connection,
    *,
    application_id: str,
    programme_id: str,
    role: str,
    email: str,
    language: str,
    bundle: str,
    copies: list[tuple[str, str]],
    source: str,
    status: str = "new",
    created_at: str | None = None,
    confirmed_at: str | None = None,
) -> None:
    """Store an application and its sealed copies (caller holds the transaction)."""
    now = clock.iso()
    conn.execute(
        "INSERT INTO applications (id, programme_id, role, email, language, status, source, "
        "bundle, created_at, updated_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            application_id,
            programme_id,
            role,
            email,
            language,
            status,
            source,
            bundle,
            created_at or now,
            now,
            confirmed_at,
        ),
    )
    conn.executemany(
        "INSERT INTO application_copies (application_id, recipient_id, sealed) VALUES (?, ?, ?)",
        [(application_id, recipient, sealed) for recipient, sealed in copies],
    )


def application(conn: db.Connection, application_id: str) -> Row | None:
    """One application by id."""
    return conn.execute("SELECT * FROM applications WHERE id = ?", (application_id,)).fetchone()


def sealed_copy(conn: db.Connection, application_id: str, recipient_id: str) -> str | None:
    """The sealed copy of an application addressed to one organiser, if there is one."""
    row = conn.execute(
        "SELECT sealed FROM application_copies WHERE application_id = ? AND recipient_id = ?",
        (application_id, recipient_id),
    ).fetchone()
    return row["sealed"] if row else None


def find_application(conn: db.Connection, programme_id: str, role: str, email: str) -> Row | None:
    """The application from this email for this role in this programme (case-insensitive)."""
    return conn.execute(
        "SELECT * FROM applications WHERE programme_id = ? AND role = ? "
        "AND lower(email) = lower(?)",
        (programme_id, role, email),
    ).fetchone()


def applications_for(
    conn: db.Connection,
    programme_id: str,
    recipient_id: str,
    role: str | None = None,
    status: str | None = None,
) -> list[Row]:
    """A programme's applications, oldest first, each with `sealed`: the recipient's copy, or
    NULL when none was sealed to them (an organiser added later, or a paired applicant)."""
    return conn.execute(
        "SELECT a.*, c.sealed FROM applications a LEFT JOIN application_copies c "
        "ON c.application_id = a.id AND c.recipient_id = ? WHERE a.programme_id = ? "
        "AND (? IS NULL OR a.role = ?) AND (? IS NULL OR a.status = ?) "
        "ORDER BY a.created_at, a.id",
        (recipient_id, programme_id, role, role, status, status),
    ).fetchall()


def counts_by_status(conn: db.Connection, programme_id: str, role: str) -> dict[str, int]:
    """How many applications of a role the programme has, per status (numbers only)."""
    rows = conn.execute(
        "SELECT status, count(*) AS n FROM applications WHERE programme_id = ? AND role = ? "
        "GROUP BY status",
        (programme_id, role),
    ).fetchall()
    return {r["status"]: r["n"] for r in rows}


def set_status(
    conn: db.Connection, programme_id: str, application_ids: list[str], status: str
) -> int:
    """Set the status of those applications that lie in the programme; return how many. `paired`
    also deletes the copies, links and bundle: a member keeps nothing of the application."""
    if status not in STATUSES:
        raise ValueError(status)
    ids = json.dumps(list(application_ids))
    inside = (
        "SELECT id FROM applications WHERE programme_id = ? "
        "AND id IN (SELECT value FROM json_each(?))"
    )
    if status == "paired":
        conn.execute(
            f"DELETE FROM application_copies WHERE application_id IN ({inside})",  # noqa: S608
            (programme_id, ids),
        )
        conn.execute(
            f"DELETE FROM application_tokens WHERE application_id IN ({inside})",  # noqa: S608
            (programme_id, ids),
        )
    return conn.execute(
        "UPDATE applications SET status = ?, updated_at = ?, "
        "bundle = CASE WHEN ? = 'paired' THEN NULL ELSE bundle END "
        "WHERE programme_id = ? AND id IN (SELECT value FROM json_each(?))",
        (status, clock.iso(), status, programme_id, ids),
    ).rowcount


def withdraw(conn: db.Connection, application_id: str) -> None:
    """The applicant withdraws: the organisers still see that they did, nothing else changes."""
    conn.execute(
        "UPDATE applications SET status = 'withdrawn', updated_at = ? WHERE id = ? "
        "AND status != 'paired'",
        (clock.iso(), application_id),
    )


def confirm_address(conn: db.Connection, application_id: str) -> None:
    """The applicant opened a link sent to the address: it is theirs."""
    conn.execute(
        "UPDATE applications SET confirmed_at = COALESCE(confirmed_at, ?) WHERE id = ?",
        (clock.iso(), application_id),
    )


def delete_application(conn: db.Connection, application_id: str) -> None:
    """An application and everything hanging off it (copies, links, notes cascade)."""
    conn.execute("DELETE FROM applications WHERE id = ?", (application_id,))


def replace_application(
    conn: db.Connection,
    old: Row,
    *,
    application_id: str,
    language: str,
    bundle: str,
    copies: list[tuple[str, str]],
) -> None:
    """A confirmed repeat: the new sealed answers take the earlier application's place (the
    sealed copies are bound to the new id). Status, source and the first date are kept, a
    withdrawn application comes back as new; the address is confirmed by the link just opened."""
    status = "new" if old["status"] == "withdrawn" else old["status"]
    delete_application(conn, old["id"])
    insert_application(
        conn,
        application_id=application_id,
        programme_id=old["programme_id"],
        role=old["role"],
        email=old["email"],
        language=language,
        bundle=bundle,
        copies=copies,
        source=old["source"],
        status=status,
        created_at=old["created_at"],
        confirmed_at=clock.iso(),
    )


# --- single-purpose links ----------------------------------------------------------------------


def create_token(
    conn: db.Connection,
    application_id: str,
    purpose: str,
    expires_at: str,
    pending: dict[str, Any] | None = None,
) -> str:
    """A link token for the applicant (returned once, stored as its hash)."""
    if purpose not in TOKEN_PURPOSES:
        raise ValueError(purpose)
    token = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO application_tokens (token_hash, application_id, purpose, pending, "
        "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            token_hash(token).hex(),
            application_id,
            purpose,
            json.dumps(pending, separators=(",", ":")) if pending is not None else None,
            clock.iso(),
            expires_at,
        ),
    )
    return token


def open_token(conn: db.Connection, token: str, purpose: str) -> Row | None:
    """The unexpired link of this purpose for a token, with its application's columns."""
    return conn.execute(
        "SELECT t.token_hash, t.purpose, t.pending, t.expires_at, a.* FROM application_tokens t "
        "JOIN applications a ON a.id = t.application_id "
        "WHERE t.token_hash = ? AND t.purpose = ? AND t.expires_at > ?",
        (token_hash(token).hex(), purpose, clock.iso()),
    ).fetchone()


def delete_token(conn: db.Connection, token_hash_hex: str) -> None:
    """A used single-use link."""
    conn.execute("DELETE FROM application_tokens WHERE token_hash = ?", (token_hash_hex,))


def delete_update_tokens(conn: db.Connection, application_id: str) -> None:
    """Earlier pending updates of an application (only the newest one can be confirmed)."""
    conn.execute(
        "DELETE FROM application_tokens WHERE application_id = ? AND purpose = 'update'",
        (application_id,),
    )


def delete_expired_tokens(conn: db.Connection, now: str) -> int:
    """Links past their date; return how many."""
    return conn.execute("DELETE FROM application_tokens WHERE expires_at <= ?", (now,)).rowcount


# --- retention ---------------------------------------------------------------------------------


def with_dates(conn: db.Connection) -> list[Row]:
    """Every application with its programme's start, name, language and the recruitment's
    keep_days (retention decides what is due)."""
    return conn.execute(
        "SELECT a.*, p.start_date, p.name AS programme_name, p.language AS programme_language, "
        "r.keep_days, r.slug FROM applications a JOIN programmes p ON p.id = a.programme_id "
        "JOIN recruitment r ON r.programme_id = a.programme_id",
    ).fetchall()


def mark_warned(conn: db.Connection, application_id: str) -> None:
    """The retention notice for this application was queued."""
    conn.execute(
        "UPDATE applications SET warned_at = ? WHERE id = ?", (clock.iso(), application_id)
    )


def expires(moment_iso: str, days: int) -> str:
    """A timestamp `days` after an ISO timestamp."""
    return clock.iso(clock.parse(moment_iso) + timedelta(days=days))
