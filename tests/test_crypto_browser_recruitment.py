"""Sealed applications across languages (docs/PROTOCOL.md §12, "Applications"): what the
browser's static/js/recruitment/sealing.js seals, Python's memberclient/recruitment.py opens as
an organiser, and the other way round; a copy opens for its organiser only."""

from __future__ import annotations

from typing import Any

import pytest

import crypto
from memberclient import recruitment
from tests.test_crypto_browser import crypto_page, static_origin  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

ANSWERS = {
    "name": "Äijä ✓ Ada",
    "languages": ["fi", "en"],
    "field": "ohjelmistokehitys",
    "themes": ["cv", "networking", "other"],
    "themes_other": "verkostot 🌱",
    "mode": "either",
    "place": "Tampere",
    "times": ["weekday_evening"],
    "capacity": 2,
    "about": "Pitkä teksti " * 300,
    "q:q1": "vastaus",
    "q:q2": ["a", "b"],
}

SEAL = """async ({programmeId, organisers, answers}) => {
  const s = await import('/js/recruitment/sealing.js');
  return s.sealApplication({programmeId, role: 'mentor', answers, organisers});
}"""

OPEN = """async ({app, programmeId, secrets}) => {
  const p = await import('/js/crypto/index.js');
  const enc = await import('/js/crypto/_codec.js');
  const s = await import('/js/recruitment/sealing.js');
  const me = await p.identityFromPrivate(
    secrets.user_id, enc.hexToBytes(secrets.x), enc.hexToBytes(secrets.ed));
  const answers = await s.openApplication(me, app, programmeId);
  let wrongProgramme = 'opened';
  try {
    await s.openApplication(me, app, 'other-programme');
  } catch (e) { wrongProgramme = e.name; }
  let badAnswers = 'sealed';
  try {
    await s.sealApplication({programmeId, role: 'mentee', answers: {capacity: 2}, organisers: []});
  } catch (e) { badAnswers = e.name; }
  return {answers, wrongProgramme, badAnswers};
}"""


def _organiser(user_id: str) -> crypto.Identity:
    return crypto.new_identity(user_id)


def test_browser_seals_an_application_python_organisers_open(crypto_page: Any) -> None:  # noqa: F811
    alice, bob, eve = _organiser("u-alice"), _organiser("u-bob"), _organiser("u-eve")
    organisers = [{"user_id": o.user_id, "bundle": o.bundle().to_json()} for o in (alice, bob)]
    made = crypto_page.evaluate(
        SEAL, {"programmeId": "prog-1", "organisers": organisers, "answers": ANSWERS}
    )
    assert set(made) == {"application_id", "bundle", "copies"}
    crypto.verify_bundle(made["bundle"], made["application_id"])
    assert [c["recipient_id"] for c in made["copies"]] == ["u-alice", "u-bob"]
    for me in (alice, bob):
        sealed = next(c["sealed"] for c in made["copies"] if c["recipient_id"] == me.user_id)
        app = {**made, "sealed": sealed, "role": "mentor"}
        assert recruitment.open_application(me, app, "prog-1") == ANSWERS
        with pytest.raises(crypto.CryptoError):
            recruitment.open_application(me, {**app, "role": "mentee"}, "prog-1")
        with pytest.raises(crypto.CryptoError):
            recruitment.open_application(me, app, "prog-2")
    with pytest.raises(crypto.CryptoError):
        recruitment.open_application(eve, {**made, "sealed": made["copies"][0]["sealed"]}, "prog-1")
    # Nothing of the answers is visible in what the browser would send.
    assert "Tampere" not in str(made) and "ohjelmistokehitys" not in str(made)


def test_python_seals_an_application_the_browser_opens(crypto_page: Any) -> None:  # noqa: F811
    alice = _organiser("u-alice")
    made = recruitment.seal_application(
        "prog-1", "mentor", ANSWERS, [{"user_id": "u-alice", "bundle": alice.bundle().to_json()}]
    )
    app = {**made, "sealed": made["copies"][0]["sealed"], "role": "mentor"}
    secrets = {
        "user_id": "u-alice",
        "x": alice.x25519_private.hex(),
        "ed": alice.ed25519_seed.hex(),
    }
    result = crypto_page.evaluate(OPEN, {"app": app, "programmeId": "prog-1", "secrets": secrets})
    assert result == {
        "answers": ANSWERS,
        "wrongProgramme": "CryptoError",
        "badAnswers": "TypeError",
    }


OPEN_ALL = """async ({apps, programmeId, secrets}) => {
  document.body.dataset.programmeId = programmeId;
  const Real = window.Worker;
  let started = 0;
  let fromWorkers = 0;
  window.Worker = class extends Real {
    constructor(...args) {
      super(...args);
      started += 1;
      this.addEventListener('message', (e) => { fromWorkers += e.data.opened?.length ?? 0; });
    }
  };
  const p = await import('/js/crypto/index.js');
  const enc = await import('/js/crypto/_codec.js');
  const common = await import('/js/recruitment/applicants-common.js');
  const identity = await p.identityFromPrivate(
    secrets.user_id, enc.hexToBytes(secrets.x), enc.hexToBytes(secrets.ed));
  const opened = await common.openAll({identity}, apps);
  window.Worker = Real;
  return {opened: Object.fromEntries(opened), started, fromWorkers};
}"""


@pytest.mark.parametrize("count", [10, 90])
def test_open_all_opens_each_copy_or_gives_null_in_workers_or_here(
    crypto_page: Any,  # noqa: F811
    count: int,
) -> None:
    """A long list is opened in workers, a short one on the page's thread; either way every copy
    sealed to me opens, and a tampered copy, one sealed to someone else and a missing one are
    null."""
    alice, eve = _organiser("u-alice"), _organiser("u-eve")
    apps = []
    for n in range(count):
        answers = {**ANSWERS, "name": f"Applicant {n}", "about": "x"}
        to = eve if n == 1 else alice
        made = recruitment.seal_application(
            "prog-1", "mentor", answers, [{"user_id": to.user_id, "bundle": to.bundle().to_json()}]
        )
        sealed = made["copies"][0]["sealed"]
        if n == 2:
            sealed = {**sealed, "ct": sealed["ct"][:-4] + "AAAA"}
        apps.append({**made, "sealed": None if n == 3 else sealed, "role": "mentor"})
    secrets = {
        "user_id": "u-alice",
        "x": alice.x25519_private.hex(),
        "ed": alice.ed25519_seed.hex(),
    }
    result = crypto_page.evaluate(
        OPEN_ALL, {"apps": apps, "programmeId": "prog-1", "secrets": secrets}
    )
    assert (result["started"] > 0) == (count >= 64)
    # In workers, every sealed copy was opened there (none left to the page's fallback).
    assert result["fromWorkers"] == (count - 1 if count >= 64 else 0)
    opened = result["opened"]
    assert set(opened) == {a["application_id"] for a in apps}
    for n, app in enumerate(apps):
        if n in (1, 2, 3):
            assert opened[app["application_id"]] is None, n
        else:
            assert opened[app["application_id"]]["name"] == f"Applicant {n}"
