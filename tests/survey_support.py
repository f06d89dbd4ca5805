"""Helpers shared by the survey tests: a programme with several registered pairs, the clock
moved to a survey's day, and the survey's mail with its links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import Flask

from memberclient.client import Client
from tests.helpers import PASSPHRASE, new_organiser, new_pair, sql
from workspace.core import clock, mail
from workspace.surveys import queries

LINK = re.compile(r"(/surveys/[A-Za-z0-9_-]+|/survey/[A-Za-z0-9_-]+)")


@dataclass
class Cohort:
    """A programme with its organiser and pairs: members[email] is a signed-in client."""

    programme_id: str
    organiser: Client
    pair_ids: list[str]
    members: dict[str, Client]
    roles: dict[str, str]


def member_email(role: str, n: int) -> str:
    return f"{role}{n}@example.org"


def cohort(app: Flask, pairs: int = 4) -> Cohort:
    """`pairs` pairs in one programme (mid-point in 60 days), everyone registered."""
    organiser = new_organiser(app)
    programme_id = None
    pair_ids, members, roles = [], {}, {}
    for n in range(1, pairs + 1):
        setup = new_pair(
            app, organiser, member_email("mentor", n), member_email("mentee", n), programme_id
        )
        programme_id = setup.programme_id
        pair_ids.append(setup.pair_id)
        for role, link in (("mentor", setup.mentor_link), ("mentee", setup.mentee_link)):
            person = Client.for_app(app)
            person.register(link, f"{PASSPHRASE} {role}{n}", f"{role.title()} {n}")
            members[member_email(role, n)] = person
            roles[member_email(role, n)] = role
    return Cohort(programme_id or "", organiser, pair_ids, members, roles)


def run_jobs(app: Flask) -> None:
    """What the sender does before each delivery pass."""
    mail.run_jobs(app)


def travel_to(day: date) -> None:
    """Move the clock to noon (Finnish time, about) of `day`."""
    today = date.fromisoformat(queries.today())
    clock.travel(timedelta(days=(day - today).days))


def mid_date(instance: Path, programme_id: str) -> date:
    row = sql(instance, "SELECT mid_date FROM programmes WHERE id = ?", programme_id)[0]
    return date.fromisoformat(row[0])


def survey_id(instance: Path, programme_id: str, kind: str) -> str:
    return sql(
        instance, "SELECT id FROM surveys WHERE programme_id = ? AND kind = ?", programme_id, kind
    )[0][0]


def member_password(email: str) -> str:
    role, n = email.split("@")[0].rstrip("0123456789"), email.split("@")[0][-1]
    return f"{PASSPHRASE} {role}{n}"
