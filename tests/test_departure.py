"""Leaving keeps the partner's record; replacing a member; pausing a pair (issue 18, finding 2)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from memberclient.client import Client, ClientError, Entry
from tests.conftest import csrf_token
from tests.helpers import (
    PASSPHRASE,
    PRIVACY,
    Pair,
    deliver_mail,
    dump_database,
    login_browserless,
    meeting_notes,
    open_db,
    outbox_texts,
)
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
    assert meeting_notes(mentee, pair.id) == [
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
    # (The programme's language is Finnish: so is its mail.)
    conn = open_db(instance)
    mails = conn.execute(
        "SELECT subject, body FROM outbox WHERE to_addr = 'mentee@example.org' AND subject = ?",
        ("Parisi on lähtenyt Pairbookista",),
    ).fetchall()
    conn.close()
    assert len(mails) == 1
    assert "Spring programme" in mails[0]["body"]
    assert (
        "jää muistikirjaasi" in mails[0]["body"] and PRIVACY["privacy_contact"] in mails[0]["body"]
    )
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
    assert len(meeting_notes(mentee, pair.id)) == 6
    web = app.test_client()
    web.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(web, "mentee@example.org", MENTEE_PASS)
    page = web.get(f"/pairs/{pair.id}").get_data(as_text=True)
    assert "They asked for the meetings they logged to be removed" in page
    assert "/account/data" in page
    purge(app)
    assert len(meeting_notes(mentee, pair.id)) == 6
    clock.travel(timedelta(days=29))  # the last day the mail promised
    assert clock.now().date().isoformat() < day
    purge(app)
    assert len(meeting_notes(_fresh_mentee(app), pair.id)) == 6
    clock.travel(timedelta(days=1))
    assert clock.now().date().isoformat() == day
    counts = purge(app)
    assert counts["entries a departed member took with them"] == 4
    mentee = _fresh_mentee(app)
    assert meeting_notes(mentee, pair.id) == ["MenteeMeeting0", "MenteeMeeting1 + MentorAddition"]
    assert mentee.departure_removals(pair.id) == {}
    # Goals were kept.
    kinds = {e.type for e in mentee.entries(pair.id) if isinstance(e, Entry)}
    assert "goal" in kinds and "agreement" in kinds


def _organiser(app: Flask) -> FlaskClient:
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    return org


def test_a_replaced_member_joins_the_same_notebook_and_reads_its_history(
    app: Flask, pair: Pair, instance: Path
) -> None:
    made = six_meetings(pair)
    pair.mentor.delete_account(MENTOR_PASS)
    org = _organiser(app)
    page = org.get(f"/organiser/programmes/{pair.programme_id}").get_data(as_text=True)
    url = f"/organiser/pairs/{pair.id}/mentor/replace"
    assert url in page and "Invite a new mentor" in page
    # Only an empty place can be filled; the mentee's place is taken.
    assert org.get(f"/organiser/pairs/{pair.id}/mentee/replace").status_code == 404
    form = org.get(url).get_data(as_text=True)
    token = csrf_token(org, url)
    assert "Email of the new member" in form
    # Bad input: a clear error at the field, nothing changed.
    bad = org.post(url, data={"csrf_token": token, "email": "not an address"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    same = org.post(url, data={"csrf_token": token, "email": "mentee@example.org"})
    assert same.status_code == 400
    assert org.post(url, data={"email": "new@example.org"}).status_code == 400  # no CSRF token
    assert "new@example.org" not in dump_database(instance)
    done = org.post(url, data={"csrf_token": token, "email": "new@example.org"})
    assert done.status_code == 303
    deliver_mail(app)
    link = (
        next(t for t in outbox_texts(instance) if t.startswith("To: new@example.org"))
        .split("/join/")[1]
        .split()[0]
    )
    # The mentee is told (mail and notice) that someone new is coming.
    mentee = _fresh_mentee(app)
    told = [t for t in outbox_texts(instance) if t.startswith("To: mentee@example.org")]
    assert any("Pariinne on kutsuttu uusi jäsen" in t for t in told)
    newcomer = Client.for_app(app)
    newcomer.register(f"/join/{link}", PASSPHRASE + " newcomer", "Uusi")
    # The remaining member's client renews the key (the leaver held the old one), then gives the
    # newcomer a share of every version: the history's key and the new one.
    view = mentee.sync_pair(pair.id)
    assert view is not None
    newcomer.sync_pair(pair.id)
    conn = open_db(instance)
    shares = conn.execute(
        "SELECT from_user, to_user, accepted_at FROM key_shares WHERE to_user = ? "
        "ORDER BY key_version",
        (newcomer.user_id,),
    ).fetchall()
    books = conn.execute("SELECT count(*) FROM notebooks").fetchone()[0]
    conn.close()
    assert books == 1
    assert [(s["from_user"], bool(s["accepted_at"])) for s in shares] == [
        (mentee.user_id, True),
        (mentee.user_id, True),
    ]
    history = newcomer.entries(pair.id)
    assert all(isinstance(e, Entry) for e in history)
    assert len([e for e in history if isinstance(e, Entry) and e.type == "meeting"]) == 6
    agreement = next(e for e in history if isinstance(e, Entry) and e.type == "agreement")
    assert (
        agreement.body["goals"] == "AgreedWords"
        and agreement.entry_id == made["agreement"].entry_id
    )
    # The newcomer writes, and the mentee reads it: one notebook for the new pair.
    newcomer.add_entry(pair.id, "meeting", {"notes": "FirstWithNewMentor"})
    assert "FirstWithNewMentor" in meeting_notes(mentee, pair.id)
    page = org.get(f"/organiser/programmes/{pair.programme_id}").get_data(as_text=True)
    assert "Invite a new mentor" not in page


def test_pause_and_resume_are_told_to_both_and_enforced(
    app: Flask, pair: Pair, instance: Path
) -> None:
    meeting = pair.mentor.add_entry(pair.id, "meeting", {"notes": "BeforePause"})
    org = _organiser(app)
    url = f"/organiser/pairs/{pair.id}/pause"
    token = csrf_token(org, url)
    assert org.post(url, data={}).status_code == 400  # no CSRF token: nothing changes
    assert pair.mentee.add_entry(pair.id, "meeting", {"notes": "StillOpen"})
    assert org.post(url, data={"csrf_token": token}).status_code == 303
    assert org.post(url, data={"csrf_token": token}).status_code == 404  # paused already
    with pytest.raises(ClientError) as caught:
        pair.mentee.add_entry(pair.id, "meeting", {"notes": "WhilePaused"})
    assert caught.value.status == 409
    assert "keskeyttänyt tämän parin" in caught.value.body["message"]  # Finnish by default
    with pytest.raises(ClientError) as caught:
        pair.mentor.edit_entry(pair.id, meeting, {"notes": "EditedWhilePaused"})
    assert caught.value.status == 409
    # Reading still works, and the pages say why nothing can change.
    assert "BeforePause" in meeting_notes(pair.mentee, pair.id)
    web = app.test_client()
    web.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(web, "mentor@example.org", MENTOR_PASS)
    for path in (f"/pairs/{pair.id}", f"/pairs/{pair.id}/notebook/meetings"):
        text = web.get(path).get_data(as_text=True)
        assert "Your organiser has paused this pair." in text, path
    assert 'data-read-only="true"' in web.get(f"/pairs/{pair.id}/notebook").get_data(as_text=True)
    deliver_mail(app)
    for who in ("mentor", "mentee"):
        mails = [t for t in outbox_texts(instance) if t.startswith(f"To: {who}@example.org")]
        assert any("on keskeytetty" in t and "Spring programme" in t for t in mails), who
    page = org.get(f"/organiser/programmes/{pair.programme_id}").get_data(as_text=True)
    assert "Resume pair" in page
    resume = f"/organiser/pairs/{pair.id}/resume"
    assert org.post(resume, data={"csrf_token": token}).status_code == 303
    pair.mentee.add_entry(pair.id, "meeting", {"notes": "AfterResume"})
    deliver_mail(app)
    for who in ("mentor", "mentee"):
        mails = [t for t in outbox_texts(instance) if t.startswith(f"To: {who}@example.org")]
        assert any("Mentorointiparinne jatkuu" in t for t in mails), who
    text = web.get(f"/pairs/{pair.id}").get_data(as_text=True)
    assert "Your organiser has paused this pair." not in text
    assert "resumed your pair on" in text


def test_the_leavers_confirmation_of_the_partners_agreement_is_carried(
    app: Flask, pair: Pair
) -> None:
    agreement = pair.mentor.add_entry(pair.id, "agreement", {"goals": "MentorWrote"})
    pair.mentor.confirm(pair.id, agreement)
    pair.mentee.confirm(pair.id, pair.mentee.entries(pair.id, ("agreement",))[0])  # type: ignore[arg-type]
    pair.mentee.delete_account(MENTEE_PASS)
    mentor = Client.for_app(app)
    mentor.login("mentor@example.org", MENTOR_PASS)
    kept = mentor.entries(pair.id, ("agreement",))[0]
    assert isinstance(kept, Entry) and kept.author_id == mentor.user_id  # not re-sealed
    assert mentor.verified_confirmations(pair.id) == {(kept.entry_id, mentor.user_id, 1)}
    assert mentor.carried_confirmations(pair.id) == {(kept.entry_id, "former-member", 1)}


def test_the_phase_stays_where_the_confirmed_agreement_put_it(app: Flask, pair: Pair) -> None:
    agreement = pair.mentor.add_entry(pair.id, "agreement", {"goals": "MentorWrote"})
    pair.mentor.confirm(pair.id, agreement)
    pair.mentee.confirm(pair.id, pair.mentee.entries(pair.id, ("agreement",))[0])  # type: ignore[arg-type]
    assert pair.mentee.notebook(pair.id)["phase"]["derived"] == "working"
    pair.mentor.delete_account(MENTOR_PASS)
    assert _fresh_mentee(app).notebook(pair.id)["phase"]["derived"] == "working"


def test_a_notice_is_dismissed_by_its_member_only(app: Flask, pair: Pair, instance: Path) -> None:
    pair.mentor.delete_account(MENTOR_PASS)
    web = app.test_client()
    web.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(web, "mentee@example.org", MENTEE_PASS)
    conn = open_db(instance)
    (notice_id,) = conn.execute("SELECT id FROM pair_notices").fetchone()
    conn.close()
    url = f"/pairs/{pair.id}/notices/{notice_id}/dismiss"
    token = csrf_token(web, f"/pairs/{pair.id}")
    assert web.post(url, data={}).status_code == 400  # no CSRF token
    assert (
        web.post(
            f"/pairs/{pair.id}/notices/n_nothing/dismiss", data={"csrf_token": token}
        ).status_code
        == 404
    )
    other = app.test_client()
    login_browserless(other, "org@example.org", PASSPHRASE)
    assert other.post(url, data={"csrf_token": csrf_token(other)}).status_code == 404
    assert "Your mentor left Pairbook" in web.get(f"/pairs/{pair.id}").get_data(as_text=True)
    done = web.post(url, data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/pairs/{pair.id}")
    assert "Your mentor left Pairbook" not in web.get(f"/pairs/{pair.id}").get_data(as_text=True)
    assert web.post(url, data={"csrf_token": token}).status_code == 404  # once


def test_replacing_a_removed_member_ends_their_access_and_invites_the_newcomer(
    app: Flask, pair: Pair, instance: Path
) -> None:
    pair.mentee.add_entry(pair.id, "meeting", {"notes": "MenteeWrote"})
    org = _organiser(app)
    token = csrf_token(org, f"/organiser/pairs/{pair.id}/mentee/remove")
    org.post(f"/organiser/pairs/{pair.id}/mentee/remove", data={"csrf_token": token})
    page = org.get(f"/organiser/programmes/{pair.programme_id}").get_data(as_text=True)
    assert "Invite a new mentee" in page
    form = org.get(f"/organiser/pairs/{pair.id}/mentee/replace").get_data(as_text=True)
    assert "loses their read-only access now" in form
    done = org.post(
        f"/organiser/pairs/{pair.id}/mentee/replace",
        data={"csrf_token": token, "email": "newmentee@example.org"},
    )
    assert done.status_code == 303
    with pytest.raises(ClientError) as caught:
        pair.mentee.entries(pair.id)
    assert caught.value.status == 404  # the removed member is out of the pair now, and told
    deliver_mail(app)
    told = [t for t in outbox_texts(instance) if t.startswith("To: mentee@example.org")]
    assert any("lukuoikeutesi" in t and "Spring programme" in t for t in told)
    conn = open_db(instance)
    roles = conn.execute(
        "SELECT m.role, u.email, m.accepted_at FROM pair_members m "
        "JOIN users u ON u.id = m.user_id WHERE m.pair_id = ? ORDER BY m.role",
        (pair.id,),
    ).fetchall()
    conn.close()
    assert [(r[0], r[1], r[2] is None) for r in roles] == [
        ("mentee", "newmentee@example.org", True),
        ("mentor", "mentor@example.org", False),
    ]
