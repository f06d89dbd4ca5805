"""Leaving keeps the partner's record; replacing a member; pausing a pair (issue 18, finding 2)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from memberclient.client import Client, ClientError, Entry
from tests.helpers import PASSPHRASE, Pair, dump_database, login_browserless, open_db
from workspace.core import clock
from workspace.rights.purge import purge

MENTOR_PASS = PASSPHRASE + " mentor"
MENTEE_PASS = PASSPHRASE + " mentee"


@pytest.fixture(autouse=True)
def _reset_clock() -> object:
    yield
    clock.reset()


def six_meetings(pair: Pair) -> dict[str, Entry]:
    """The run that broke: an agreement both confirmed, goals, and six meetings, some the mentor
    created and the mentee edited."""
    mentor, mentee = pair.mentor, pair.mentee
    made = {"agreement": mentor.add_entry(pair.id, "agreement", {"goals": "AgreedWords"})}
    mentor.confirm(pair.id, made["agreement"])
    mentee.confirm(pair.id, mentee.entries(pair.id, ("agreement",))[0])  # type: ignore[arg-type]
    made["mentor_goal"] = mentor.add_entry(pair.id, "goal", {"title": "MentorGoal"})
    made["mentee_goal"] = mentee.add_entry(pair.id, "goal", {"title": "MenteeGoal"})
    for i in range(4):
        made[f"mentor_meeting_{i}"] = mentor.add_entry(
            pair.id, "meeting", {"notes": f"MentorMeeting{i}"}
        )
    for i in range(2):
        made[f"mentee_meeting_{i}"] = mentee.add_entry(
            pair.id, "meeting", {"notes": f"MenteeMeeting{i}"}
        )
    # The mentee adds to one of the mentor's meetings; the mentor edits one of the mentee's.
    mentee.entries(pair.id)
    first = next(
        e
        for e in mentee.entries(pair.id)
        if isinstance(e, Entry) and e.entry_id == made["mentor_meeting_0"].entry_id
    )
    made["mentor_meeting_0"] = mentee.edit_entry(
        pair.id, first, {**first.body, "notes": "MentorMeeting0 + MenteeAddition"}
    )
    mentor.entries(pair.id)
    theirs = next(
        e
        for e in mentor.entries(pair.id)
        if isinstance(e, Entry) and e.entry_id == made["mentee_meeting_1"].entry_id
    )
    made["mentee_meeting_1"] = mentor.edit_entry(
        pair.id, theirs, {**theirs.body, "notes": "MenteeMeeting1 + MentorAddition"}
    )
    made["mentor_eval"] = mentor.add_entry(pair.id, "evaluation", {"learned": "MentorEval"})
    return made


def _fresh_mentee(app: Flask) -> Client:
    fresh = Client.for_app(app)
    fresh.login("mentee@example.org", MENTEE_PASS)
    return fresh


def _meetings(client: Client, pair_id: str) -> list[str]:
    return sorted(
        e.body["notes"]
        for e in client.entries(pair_id)
        if isinstance(e, Entry) and e.type == "meeting"
    )


def test_leaving_with_the_defaults_keeps_every_entry_and_both_confirmations(
    app: Flask, pair: Pair, instance: Path
) -> None:
    made = six_meetings(pair)
    mentor_id = pair.mentor.user_id or ""
    pair.mentor.delete_account(MENTOR_PASS)
    # Nothing of the mentor's account is left (their id, their address).
    text = dump_database(instance)
    assert mentor_id not in text and "mentor@example.org" not in text
    mentee = _fresh_mentee(app)
    entries = mentee.entries(pair.id)
    assert all(isinstance(e, Entry) for e in entries)
    assert _meetings(mentee, pair.id) == [
        "MenteeMeeting0",
        "MenteeMeeting1 + MentorAddition",
        "MentorMeeting0 + MenteeAddition",
        "MentorMeeting1",
        "MentorMeeting2",
        "MentorMeeting3",
    ]
    by_id = {e.entry_id: e for e in entries if isinstance(e, Entry)}
    assert by_id[made["mentor_goal"].entry_id].author_id == "former-member"
    assert by_id[made["mentor_eval"].entry_id].body["learned"] == "MentorEval"
    agreement = by_id[made["agreement"].entry_id]
    assert agreement.author_id == "former-member" and agreement.body["goals"] == "AgreedWords"
    # The agreement both confirmed stays confirmed by both: the mentee, and the former member.
    assert mentee.carried_confirmations(pair.id) == {
        (agreement.entry_id, mentee.user_id, agreement.revision),
        (agreement.entry_id, "former-member", agreement.revision),
    }
    assert mentee.departure_removals(pair.id) == {}
    # Told by mail, naming the programme, and by a notice on the pair's pages.
    conn = open_db(instance)
    mails = conn.execute(
        "SELECT subject, body FROM outbox WHERE to_addr = 'mentee@example.org' "
        "AND subject LIKE '%left%'"
    ).fetchall()
    conn.close()
    assert len(mails) == 1
    assert "stays in your notebook" in mails[0]["body"]
    assert "Test programme" in mails[0]["body"] or "programme" in mails[0]["body"]
    web = app.test_client()
    web.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(web, "mentee@example.org", MENTEE_PASS)
    for url in (f"/pairs/{pair.id}", f"/pairs/{pair.id}/notebook"):
        page = web.get(url).get_data(as_text=True)
        assert "Your mentor left Pairbook on" in page, url
    # An edit after the departure moves past what was carried: nothing false stays listed.
    moved = mentee.edit_entry(pair.id, agreement, {"goals": "NewWords"})
    assert moved.revision == agreement.revision + 1
    assert mentee.carried_confirmations(pair.id) == set()


def test_taking_meetings_away_gives_the_partner_a_grace_period(
    app: Flask, pair: Pair, instance: Path
) -> None:
    made = six_meetings(pair)
    with pytest.raises(ClientError) as caught:
        pair.mentor.delete_account(MENTOR_PASS, keep={"meeting": "no"})  # type: ignore[dict-item]
    assert caught.value.status == 400
    assert pair.mentor.user_id and pair.mentor.user_id in dump_database(instance)
    pair.mentor.delete_account(MENTOR_PASS, keep={"meeting": False, "goal": True})
    mentee = _fresh_mentee(app)
    removals = mentee.departure_removals(pair.id)
    # The meetings the mentor created go, including the one the mentee added to.
    mentor_made = {made[f"mentor_meeting_{i}"].entry_id for i in range(4)}
    assert set(removals) == mentor_made
    day = next(iter(removals.values()))
    # Until then the mentee reads (and can download) all six.
    assert len(_meetings(mentee, pair.id)) == 6
    web = app.test_client()
    web.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(web, "mentee@example.org", MENTEE_PASS)
    page = web.get(f"/pairs/{pair.id}").get_data(as_text=True)
    assert "They asked for the meetings they logged to be removed" in page
    assert "/account/data" in page
    purge(app)
    assert len(_meetings(mentee, pair.id)) == 6
    clock.travel(timedelta(days=29))  # the last day the mail promised
    assert clock.now().date().isoformat() < day
    purge(app)
    assert len(_meetings(_fresh_mentee(app), pair.id)) == 6
    clock.travel(timedelta(days=1))
    assert clock.now().date().isoformat() == day
    counts = purge(app)
    assert counts["entries a departed member took with them"] == 4
    mentee = _fresh_mentee(app)
    assert _meetings(mentee, pair.id) == ["MenteeMeeting0", "MenteeMeeting1 + MentorAddition"]
    assert mentee.departure_removals(pair.id) == {}
    # Goals were kept.
    kinds = {e.type for e in mentee.entries(pair.id) if isinstance(e, Entry)}
    assert "goal" in kinds and "agreement" in kinds
