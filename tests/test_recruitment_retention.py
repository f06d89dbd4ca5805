"""Retention of applications: a non-paired application is gone `keep_days` after the programme
starts, and its notice mail came two weeks before; a paired applicant keeps nothing of the
application on the server; the purge is safe to run twice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from memberclient.client import Client
from memberclient.recruitment import Applicant
from tests.helpers import new_organiser, open_db, outbox_texts, sql
from tests.support.recruiting import mentee_answers, recruiting_programme
from workspace.core import clock
from workspace.recruitment import queries
from workspace.rights.purge import purge


@pytest.fixture(autouse=True)
def _reset_clock() -> object:
    yield
    clock.reset()


def _notices(instance: Path) -> list[str]:
    # The purge delivers the mail it queued.
    subjects = ("will be deleted on", "poistetaan")
    return [t for t in outbox_texts(instance) if any(s in t.split("\n")[1] for s in subjects)]


def test_a_non_paired_application_is_deleted_after_its_notice(app: Flask, instance: Path) -> None:
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser, name="Spring", language="en", keep_days=30)
    applicant = Applicant(Client.for_app(app))
    waiting = applicant.apply(rec.slug, "mentee", "wait@example.org", mentee_answers(), "en")
    paired = applicant.apply(rec.slug, "mentor", "pair@example.org", {"name": "P", "capacity": 1})
    sql(instance, "UPDATE applications SET status = 'waiting' WHERE email = 'wait@example.org'")
    conn = open_db(instance)
    with app.test_request_context():
        assert queries.set_status(conn, rec.programme_id, [paired["application_id"]], "paired") == 1
        conn.commit()
    conn.close()
    # A member keeps nothing of the application once paired: no copies, no bundle, no link.
    assert sql(instance, "SELECT count(*) FROM application_copies")[0][0] == 1
    assert (
        sql(instance, "SELECT bundle FROM applications WHERE id = ?", paired["application_id"])[0][
            0
        ]
        is None
    )
    assert (
        sql(
            instance,
            "SELECT count(*) FROM application_tokens WHERE application_id = ?",
            paired["application_id"],
        )[0][0]
        == 0
    )

    due = rec.starts_on + timedelta(days=30)
    clock.travel((due - timedelta(days=15)) - clock.now().date())
    assert purge(app).get("application retention notices", 0) == 0
    assert _notices(instance) == []
    clock.travel(timedelta(days=1))
    assert purge(app)["application retention notices"] == 1
    assert purge(app).get("application retention notices", 0) == 0, "only one notice"
    (notice,) = _notices(instance)
    assert "To: wait@example.org" in notice and due.strftime("%B %-d, %Y") in notice
    assert "Olga Organiser, olga@example.org" in notice
    clock.travel(timedelta(days=13))
    assert purge(app).get("applications past retention", 0) == 0
    assert (
        sql(instance, "SELECT count(*) FROM applications WHERE id = ?", waiting["application_id"])[
            0
        ][0]
        == 1
    )
    clock.travel(timedelta(days=1))
    result = purge(app)
    assert result["applications past retention"] == 1
    assert result["records of paired applications"] == 1
    again = purge(app)
    assert again.get("applications past retention", 0) == 0
    assert again.get("records of paired applications", 0) == 0
    assert sql(instance, "SELECT count(*) FROM applications")[0][0] == 0
    assert sql(instance, "SELECT count(*) FROM application_copies")[0][0] == 0
    assert len(_notices(instance)) == 1, "no notice to the paired applicant"


def test_the_notice_comes_first_even_when_the_purge_was_not_run(app: Flask, instance: Path) -> None:
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser, keep_days=10)
    Applicant(Client.for_app(app)).apply(rec.slug, "mentee", "late@example.org", mentee_answers())
    clock.travel(timedelta(days=400))
    result = purge(app)
    assert result["application retention notices"] == 1
    assert result.get("applications past retention", 0) == 0
    assert len(_notices(instance)) == 1
    clock.travel(timedelta(days=14))
    assert purge(app)["applications past retention"] == 1
    assert sql(instance, "SELECT count(*) FROM applications")[0][0] == 0
