"""The house rules of docs/ARCHITECTURE.md, checked on the source: layers run one way, there are
no import circles, every table is written by its one owning module, and routes hold no SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "workspace"

# Which module writes each table (docs/ARCHITECTURE.md lists the same).
OWNERS = {
    "app_meta": "workspace.core.db",
    "users": "workspace.accounts.queries",
    "key_material": "workspace.accounts.queries",
    "invitations": "workspace.accounts.queries",
    "recovery_grants": "workspace.accounts.queries",
    "sessions": "workspace.accounts.sessions",
    "programmes": "workspace.organiser.programmes",
    "programme_organisers": "workspace.organiser.programmes",
    "pairs": "workspace.pairs.queries",
    "pair_members": "workspace.pairs.queries",
    "pair_departures": "workspace.pairs.queries",
    "notebook_keys": "workspace.pairs.queries",
    "key_shares": "workspace.pairs.queries",
    "pins": "workspace.pairs.queries",
    "notebooks": "workspace.notebook.queries",
    "entries": "workspace.notebook.queries",
    "confirmations": "workspace.notebook.queries",
    "listing_clock": "workspace.notebook.queries",
    "consents": "workspace.sharing.signals",
    "flags": "workspace.flags.queries",
    "flag_messages": "workspace.flags.queries",
    "audit_log": "workspace.core.audit",
    "outbox": "workspace.core.mail",
    "retention_notices": "workspace.rights.retention",
    "recruitment": "workspace.recruitment.queries",
    "calls": "workspace.recruitment.queries",
    "applications": "workspace.recruitment.queries",
    "application_copies": "workspace.recruitment.queries",
    "application_tokens": "workspace.recruitment.queries",
    "application_notes": "workspace.recruitment.applicants",
    "applicant_mailings": "workspace.recruitment.applicants",
    "carried_confirmations": "workspace.rights.departures",
    "departure_removals": "workspace.rights.departures",
    "pair_notices": "workspace.rights.departures",
    "outbox_attachments": "workspace.core.mail",
    "events": "workspace.communication.queries",
    "event_invitees": "workspace.communication.queries",
    "rsvp_links": "workspace.communication.queries",
    "message_templates": "workspace.communication.plan_queries",
    "message_schedule": "workspace.communication.plan_queries",
    "message_sends": "workspace.communication.plan_queries",
    "notifications": "workspace.communication.notify_queries",
    "notification_settings": "workspace.communication.notify_queries",
    "mail_preferences": "workspace.communication.notify_queries",
    "group_consents": "workspace.communication.notify_queries",
    "matching_criteria": "workspace.matching.queries",
    "orientation_material": "workspace.orientation.queries",
    "orientation_links": "workspace.orientation.queries",
    "orientation_done": "workspace.orientation.queries",
    "planning_items": "workspace.planning.queries",
    "planning_notes": "workspace.planning.queries",
    "signal_summary": "workspace.sharing.summary",
    "signal_months": "workspace.sharing.summary",
    "signal_stale": "workspace.sharing.summary",
    "surveys": "workspace.surveys.queries",
    "survey_questions": "workspace.surveys.queries",
    "survey_sends": "workspace.surveys.queries",
    "survey_responses": "workspace.surveys.queries",
    "survey_links": "workspace.surveys.queries",
    "survey_answers": "workspace.surveys.queries",
}
# The app factory, each area's list of its blueprints (workspace/<area>/__init__.py) and the
# command line sit above every area's modules; nothing in an area imports them.
TOP = {"workspace", "workspace.cli", "workspace.demo"} | {
    f"workspace.{p.name}" for p in APP.iterdir() if (p / "__init__.py").exists()
}
WRITE = re.compile(
    r"\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)"
)
SQL = re.compile(r"\b(?:SELECT\b.*\bFROM|INSERT\b.*\bINTO|UPDATE\b.*\bSET|DELETE\s+FROM)\b", re.S)


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(folder: Path) -> dict[str, Path]:
    return {_name(p): p for p in sorted(folder.rglob("*.py"))}


MODULES = {**_modules(APP), **_modules(ROOT / "crypto"), **_modules(ROOT / "memberclient")}


def _imports(path: Path) -> set[str]:
    """Every project module that `path` imports, at any depth of the file (a deferred import
    inside a function still ties the two modules together)."""
    found: set[str] = set()
    package = _name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names = [f"{module}.{alias.name}" for alias in node.names]
            if not any(n in MODULES for n in names):
                names.append(module)
        else:
            continue
        found.update(n for n in names if n in MODULES)
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _is_route(name: str) -> bool:
    return "Blueprint(" in MODULES[name].read_text("utf-8")


def _area(name: str) -> str:
    return name.split(".")[1] if name.startswith("workspace.") and name.count(".") >= 2 else ""


def _strings(path: Path) -> list[tuple[int, str]]:
    """Each string literal (adjacent literals joined, as Python joins them) with its line."""
    tree = ast.parse(path.read_text("utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_the_rules_see_the_whole_app() -> None:
    """The checks below look at real modules (a typo in a path would make them pass vacuously)."""
    assert {"workspace.core.db", "workspace.notebook.queries", "memberclient.client"} <= set(
        MODULES
    )
    routes = [m for m in MODULES if m.startswith("workspace.") and _is_route(m)]
    assert len(routes) >= 10, routes
    assert GRAPH["workspace.notebook.api"], "the import walk found nothing"


def test_no_import_circles() -> None:
    """Depth-first search for a back edge; the message names the circle."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                circle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import circle: " + " → ".join(circle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


def test_layers_run_one_way() -> None:
    """routes → domain/queries → core/crypto: no domain or query module imports a route module,
    core imports no area, crypto imports nothing of the app, and the member client and the
    server never import each other (the command line may use the client: it acts as a member)."""
    wrong = []
    for name, targets in GRAPH.items():
        for target in targets:
            if name in TOP and target in TOP:
                continue
            if target in TOP:
                wrong.append(f"{name} imports {target} (only the command line may)")
            elif name.startswith("crypto") and not target.startswith("crypto"):
                wrong.append(f"{name} imports {target}: crypto/ imports nothing of the app")
            elif name.startswith("memberclient") and target.startswith("workspace"):
                wrong.append(f"{name} imports the server's {target}")
            elif (
                name.startswith("workspace")
                and target.startswith("memberclient")
                and name not in TOP
            ):
                wrong.append(f"{name} imports the member client's {target}")
            elif name.startswith("workspace.core") and _area(target) not in ("", "core"):
                wrong.append(f"{name} (core) imports the area module {target}")
            elif target.startswith("workspace.") and _is_route(target) and not _is_route(name):
                if name not in TOP:
                    wrong.append(f"{name} (domain/queries) imports the route module {target}")
            elif _is_route(name) and _is_route(target) and name != target:
                wrong.append(f"{name} imports the route module {target}: share a domain module")
    assert wrong == [], "\n".join(sorted(wrong))


def test_every_table_is_written_by_its_owner_only() -> None:
    tables = set(re.findall(r"CREATE TABLE (\w+)", _migrations()))
    assert tables == set(OWNERS), "update OWNERS and docs/ARCHITECTURE.md for new tables"
    wrong = []
    for name, path in MODULES.items():
        if not name.startswith("workspace"):
            continue
        for line, text in _strings(path):
            for table in WRITE.findall(text):
                if table in OWNERS and OWNERS[table] != name:
                    wrong.append(f"{name}:{line} writes {table} (owned by {OWNERS[table]})")
    assert wrong == [], "\n".join(wrong)


def test_routes_hold_no_sql() -> None:
    """Route functions call named query functions; the SQL lives in the areas' query modules."""
    wrong = [
        f"{name}:{line}: {text[:60]!r}"
        for name in MODULES
        if name.startswith("workspace") and _is_route(name)
        for line, text in _strings(MODULES[name])
        if SQL.search(text)
    ]
    assert wrong == [], "\n".join(wrong)


def test_the_owner_check_catches_a_stray_write() -> None:
    """The pattern itself finds writes in the shapes the code uses."""
    samples = [
        "INSERT INTO entries (id) VALUES (?)",
        "INSERT OR IGNORE INTO programme_organisers (a) VALUES (?)",
        "UPDATE notebooks SET phase_override = NULL",
        "DELETE FROM key_shares WHERE id = ?",
    ]
    assert [WRITE.findall(s) for s in samples] == [
        ["entries"],
        ["programme_organisers"],
        ["notebooks"],
        ["key_shares"],
    ]
    assert SQL.search("SELECT * FROM pairs WHERE id = ?")
    assert not SQL.search("Select the pairs you want to update.")


def _migrations() -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted((APP / "migrations").glob("*.sql")))
