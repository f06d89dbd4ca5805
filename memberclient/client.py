"""A Python client for the Pairbook API that acts as a real member: keys never leave it.

Built on `crypto/` (protocol v1). Tests and scripts use it; so does `pairbook export`.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import crypto

FORMER_MEMBER = crypto.FORMER_MEMBER
Transport = Callable[[str, str, dict[str, Any] | None, dict[str, str]], tuple[int, bytes]]


class ClientError(Exception):
    """The server refused a request."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body.get('error')}: {body.get('message')}")
        self.status = status
        self.code = body.get("error")
        self.body = body


class IntegrityError(Exception):
    """An entry from the server failed to open: tampered, moved or replayed. Never shown."""

    def __init__(self, entry_id: str) -> None:
        super().__init__(f"entry {entry_id} could not be verified")
        self.entry_id = entry_id


@dataclass(frozen=True)
class Entry:
    """One opened notebook entry."""

    entry_id: str
    type: str
    revision: int
    author_id: str
    created_by: str | None
    done: bool
    body: dict[str, Any]


@dataclass
class PairView:
    """What a member's client knows about a pair after syncing it."""

    pair_id: str
    notebook_id: str | None
    key_version: int | None
    has_key: bool
    partner_joined: bool
    safety_number: str | None
    verified: bool
    partner_verified: bool
    key_changed: bool
    raw: dict[str, Any] = field(repr=False, default_factory=dict)


def _urllib_transport(base_url: str) -> Transport:
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise ValueError("the server address must start with http:// or https://")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def send(
        method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(base_url + path, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with opener.open(req, timeout=60) as response:  # noqa: S310 (scheme checked above)
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    return send


def _flask_transport(app: Any) -> Transport:
    test_client = app.test_client()

    def send(
        method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        response = test_client.open(path, method=method, json=body, headers=headers)
        return response.status_code, response.get_data()

    return send


class Client:
    """One member (or organiser) talking to one Pairbook server."""

    def __init__(self, base_url: str = "", *, transport: Transport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._send = transport or _urllib_transport(self.base_url)
        self._csrf: str | None = None
        self.secrets: crypto.AccountSecrets | None = None
        self.user_id: str | None = None
        self.notebook_keys: dict[tuple[str, int], bytes] = {}
        self.notebooks: dict[str, tuple[str, int, str]] = {}  # pair -> (notebook, kv, partner)
        self.seen_revisions: dict[str, int] = {}

    @classmethod
    def for_app(cls, app: Any) -> Client:
        """A client that calls a Flask app in-process (no network)."""
        return cls(transport=_flask_transport(app))

    # --- plumbing ------------------------------------------------------------------------

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call the API; return the decoded JSON or raise ClientError."""
        headers = {"Accept": "application/json"}
        if method != "GET":
            if self._csrf is None:
                self._csrf = self.request("GET", "/api/v1/csrf")["csrf_token"]
            headers["X-CSRFToken"] = self._csrf
            headers["Content-Type"] = "application/json"
        status, raw = self._send(method, path, body, headers)
        try:
            decoded = json.loads(raw) if raw else {}
        except ValueError:
            decoded = {"error": "bad_response", "message": raw[:200].decode("utf-8", "replace")}
        if status >= 400:
            raise ClientError(status, decoded)
        return decoded

    def _require_secrets(self) -> crypto.AccountSecrets:
        if self.secrets is None:
            raise RuntimeError("sign in first")
        return self.secrets

    # --- accounts ------------------------------------------------------------------------

    def register(
        self, invite_url: str, passphrase: str, display_name: str, *, with_recovery: bool = True
    ) -> str | None:
        """Join through an invitation link; return the recovery code (show it once) or None."""
        token = urlsplit(invite_url).path.rstrip("/").rsplit("/", 1)[-1]
        info = self.request("POST", "/api/v1/invitations/inspect", {"token": token})
        secrets_, registration = crypto.create_account(
            passphrase, info["user_id"], with_recovery=with_recovery
        )
        body = {**registration.to_server_json(), "token": token, "display_name": display_name}
        result = self.request("POST", "/api/v1/register", body)
        self.secrets, self.user_id = secrets_, result["user_id"]
        return registration.recovery_code

    def login(self, email: str, passphrase: str) -> dict[str, Any]:
        """Derive keys locally, send only the auth key, then unlock the account."""
        kdf_json = self.request("POST", "/api/v1/prelogin", {"email": email})["kdf"]
        params = crypto.KdfParams.from_json(kdf_json)
        keys = crypto.derive_passphrase_keys(passphrase, params)
        result = self.request(
            "POST", "/api/v1/login", {"email": email, "auth_key": crypto.b64u_encode(keys.auth_key)}
        )
        self._csrf = None
        material = self.request("GET", "/api/v1/me/keys")
        self.secrets = crypto.open_key_material(keys.kek, material, result["user_id"])
        self.user_id = result["user_id"]
        return result

    def logout(self) -> None:
        """End the session on the server and forget every key."""
        self.request("POST", "/api/v1/logout")
        self.secrets, self.user_id, self._csrf = None, None, None
        self.notebook_keys.clear()

    def change_passphrase(self, current: str, new: str) -> None:
        """Re-wrap the account key under a new passphrase."""
        secrets_ = self._require_secrets()
        material = self.request("GET", "/api/v1/me/keys")
        old = crypto.derive_passphrase_keys(current, crypto.KdfParams.from_json(material["kdf"]))
        rewrap = crypto.rewrap_for_new_passphrase(secrets_, new)
        self.request(
            "POST",
            "/api/v1/me/passphrase",
            {
                "auth_key": crypto.b64u_encode(old.auth_key),
                "kdf": rewrap["kdf"],
                "new_auth_key": rewrap["auth_key"],
                "wrapped_account_key": rewrap["wrapped_account_key"],
            },
        )

    def recover(self, email: str, recovery_code: str, new_passphrase: str) -> None:
        """Use the recovery code to set a new passphrase, keeping every key."""
        recovery_auth = crypto.recovery_auth_from_code(recovery_code)
        grant = self.request(
            "POST",
            "/api/v1/recovery",
            {"email": email, "recovery_auth": crypto.b64u_encode(recovery_auth)},
        )
        material = {
            "recovery_wrapped_key": grant["recovery_wrapped_key"],
            "wrapped_x25519": grant["wrapped_x25519"],
            "wrapped_ed25519": grant["wrapped_ed25519"],
            "bundle": grant["bundle"],
        }
        secrets_ = crypto.recover_account(recovery_code, material, grant["user_id"])
        rewrap = crypto.rewrap_for_new_passphrase(secrets_, new_passphrase)
        self.request("POST", "/api/v1/recovery/complete", {"grant": grant["grant"], **rewrap})
        self._csrf = None
        self.secrets, self.user_id = secrets_, grant["user_id"]

    # --- pairing -------------------------------------------------------------------------

    def pairs(self) -> list[dict[str, Any]]:
        """My pairs."""
        return self.request("GET", "/api/v1/pairs")["pairs"]

    def sync_pair(self, pair_id: str) -> PairView:
        """Do every pairing step that is due: create, pin, share, accept. Never trusts a
        partner key that differs from the pinned one."""
        secrets_ = self._require_secrets()
        me = secrets_.identity
        data = self.request("GET", f"/api/v1/pairs/{pair_id}")
        partner = data["partner"]
        partner_bundle = (
            crypto.verify_bundle(partner["bundle"], partner["user_id"])
            if partner["bundle"]
            else None
        )
        key_changed = False
        if partner_bundle is not None:
            stored = data["my_pin"]
            if stored is None:
                pin = crypto.make_pin(me, partner_bundle, verified=False)
                self.request("POST", f"/api/v1/pairs/{pair_id}/pin", {"pin": pin})
            else:
                pinned = crypto.open_pin(me, stored["pin"], partner["user_id"]).bundle
                key_changed = not crypto.same_keys(pinned, partner_bundle)
        notebook = data["notebook"]
        if notebook is None:
            notebook_id = crypto.new_entry_id()
            key = crypto.new_notebook_key()
            wrapped = crypto.wrap_notebook_key(secrets_.account_key, notebook_id, 1, key)
            self.request(
                "POST",
                f"/api/v1/pairs/{pair_id}/notebook",
                {"notebook_id": notebook_id, "key_version": 1, "wrapped_key": wrapped},
            )
            return self.sync_pair(pair_id)
        nb, kv = notebook["notebook_id"], notebook["key_version"]
        self._unwrap_held(nb, notebook)
        if any(n == nb and version > kv for n, version in self.notebook_keys):
            # Key versions only go up: a server naming an older one than I hold would have me
            # write under a key that a member who left may have kept (§13, §15).
            raise IntegrityError(nb)
        if partner_bundle is not None and not key_changed:
            self._accept_shares(pair_id, nb, partner_bundle, data["pending_shares"])
        if notebook["rotation_due"] and (nb, kv) in self.notebook_keys:
            # A member left: draw the next key before anything is written or shared again (if
            # another device of mine won the race, the next look holds its key instead).
            self.rotate_key(pair_id, _synced=(nb, kv))
            return self.sync_pair(pair_id)
        key = self.notebook_keys.get((nb, kv))
        self.notebooks[pair_id] = (nb, kv, partner["user_id"] or FORMER_MEMBER)
        if partner_bundle is not None and not key_changed:
            # Every version I hold that my partner lacks: a newcomer reads the whole history.
            for version in notebook.get("versions_to_share", []):
                held = self.notebook_keys.get((nb, version))
                if held is None:
                    continue
                share = crypto.share_notebook_key(me, partner_bundle, nb, version, held)
                self.request(
                    "POST",
                    f"/api/v1/pairs/{pair_id}/shares",
                    {"to": partner["user_id"], "key_version": version, "share": share},
                )
        return PairView(
            pair_id=pair_id,
            notebook_id=nb,
            key_version=kv,
            has_key=key is not None,
            partner_joined=partner_bundle is not None,
            safety_number=crypto.format_safety_number(
                crypto.safety_number(me.bundle(), partner_bundle)
            )
            if partner_bundle
            else None,
            verified=bool(data["my_pin"] and data["my_pin"]["verified"]) and not key_changed,
            partner_verified=data["partner_verified"],
            key_changed=key_changed,
            raw=data,
        )

    def _unwrap_held(self, nb: str, notebook: dict[str, Any]) -> None:
        """Open my own wraps of every key version of the notebook."""
        account_key = self._require_secrets().account_key
        wraps = notebook.get("my_wrapped_keys") or (
            [{"key_version": notebook["key_version"], "wrapped_key": notebook["my_wrapped_key"]}]
            if notebook["my_wrapped_key"]
            else []
        )
        for wrap in wraps:
            version = wrap["key_version"]
            if (nb, version) not in self.notebook_keys:
                self.notebook_keys[(nb, version)] = crypto.unwrap_notebook_key(
                    account_key, nb, version, wrap["wrapped_key"]
                )

    def _accept_shares(
        self,
        pair_id: str,
        nb: str,
        partner_bundle: crypto.IdentityBundle,
        pending: list[dict[str, Any]],
    ) -> None:
        """Take every key version my partner shared with me that I do not hold yet (§6)."""
        secrets_ = self._require_secrets()
        for item in pending:
            version = item["key_version"]
            if (nb, version) in self.notebook_keys:
                continue
            key = crypto.accept_share(secrets_.identity, partner_bundle, item["share"], nb, version)
            wrapped = crypto.wrap_notebook_key(secrets_.account_key, nb, version, key)
            try:
                self.request(
                    "POST",
                    f"/api/v1/pairs/{pair_id}/shares/{item['share_id']}/accept",
                    {"wrapped_key": wrapped},
                )
            except ClientError as error:
                # The partner sent a newer share meanwhile: the next sync takes that one.
                if error.status != 404:
                    raise
                continue
            self.notebook_keys[(nb, version)] = key

    def rotate_key(
        self, pair_id: str, *, now: bool = False, _synced: tuple[str, int] | None = None
    ) -> bool:
        """Draw the notebook's next key (kv + 1) and store my wrap of it (docs/PROTOCOL.md §13):
        when the server says it is due, or `now` on my own choice. False if another device of
        mine (or my partner) rotated first; the next sync picks up the key it drew."""
        if _synced is None:
            due = (self.request("GET", f"/api/v1/pairs/{pair_id}")["notebook"] or {}).get(
                "rotation_due"
            )
            self.sync_pair(pair_id)
            if due:
                return True  # the sync drew the key that was due: that is the renewal asked for
            nb, kv, _partner = self.notebooks[pair_id]
        else:
            nb, kv = _synced
        key = crypto.new_notebook_key()
        wrapped = crypto.wrap_notebook_key(self._require_secrets().account_key, nb, kv + 1, key)
        try:
            self.request(
                "POST",
                f"/api/v1/pairs/{pair_id}/notebook/rotate",
                {"key_version": kv + 1, "wrapped_key": wrapped} | ({"now": True} if now else {}),
            )
        except ClientError as error:
            if error.status != 409:
                raise
            return False
        self.notebook_keys[(nb, kv + 1)] = key
        if _synced is None:
            self.sync_pair(pair_id)
        return True

    def mark_verified(self, pair_id: str) -> None:
        """ "We compared it": pin the partner's current keys and mark them verified."""
        me = self._require_secrets().identity
        data = self.request("GET", f"/api/v1/pairs/{pair_id}")
        partner = data["partner"]
        bundle = crypto.verify_bundle(partner["bundle"], partner["user_id"])
        pin = crypto.make_pin(me, bundle, verified=True)
        self.request("POST", f"/api/v1/pairs/{pair_id}/pin", {"pin": pin})

    def _pinned_partner(self, pair_id: str) -> crypto.IdentityBundle | None:
        """My partner's bundle as my own signed pin holds it (None before I pinned one)."""
        data = self.request("GET", f"/api/v1/pairs/{pair_id}")
        partner_id = data["partner"]["user_id"]
        if data["my_pin"] is None or not partner_id:
            return None
        me = self._require_secrets().identity
        try:
            return crypto.open_pin(me, data["my_pin"]["pin"], partner_id).bundle
        except crypto.CryptoError:
            return None  # a pin that does not open trusts nobody

    # --- notebook ------------------------------------------------------------------------

    def _notebook(self, pair_id: str) -> tuple[str, int, str, bytes]:
        if pair_id not in self.notebooks:
            self.sync_pair(pair_id)
        nb, kv, partner_id = self.notebooks[pair_id]
        key = self.notebook_keys.get((nb, kv))
        if key is None:
            raise RuntimeError("this member does not hold the notebook key yet")
        return nb, kv, partner_id, key

    def _open(self, pair_id: str, row: dict[str, Any]) -> Entry:
        if pair_id not in self.notebooks:
            self.sync_pair(pair_id)
        nb, _newest, partner_id = self.notebooks[pair_id]
        # Each entry is sealed under the key version the listing names for it (§13).
        kv = row.get("key_version", 1)
        key = self.notebook_keys.get((nb, kv))
        entry_id, revision = row["entry_id"], row["revision"]
        # Rebuild the context from what this entry must be; a replayed older revision or an
        # author outside the pair fails here even if the ciphertext itself is genuine.
        authors = (self.user_id, partner_id, FORMER_MEMBER)
        if row["author_id"] not in authors or revision < self.seen_revisions.get(entry_id, 0):
            raise IntegrityError(entry_id)
        ctx = crypto.EntryContext(nb, entry_id, row["type"], kv, revision, row["author_id"])
        try:
            if key is None:
                raise crypto.CryptoError
            body = crypto.open_entry(key, ctx, row["envelope"])
        except crypto.CryptoError:
            raise IntegrityError(entry_id) from None
        self.seen_revisions[entry_id] = revision
        return Entry(
            entry_id, row["type"], revision, row["author_id"], row["created_by"], row["done"], body
        )

    def notebook(self, pair_id: str, types: tuple[str, ...] = ()) -> dict[str, Any]:
        """The notebook's metadata (phase, confirmations) and raw entries (of `types` only)."""
        query = "&".join(f"type={quote(t)}" for t in types)
        return self.request(
            "GET", f"/api/v1/pairs/{pair_id}/entries" + (f"?{query}" if query else "")
        )

    def entries(self, pair_id: str, types: tuple[str, ...] = ()) -> list[Entry | IntegrityError]:
        """Every entry (of `types` only), opened; one that fails to open is an IntegrityError."""
        out: list[Entry | IntegrityError] = []
        for row in self.notebook(pair_id, types)["entries"]:
            try:
                out.append(self._open(pair_id, row))
            except IntegrityError as error:
                out.append(error)
        return out

    def add_entry(
        self, pair_id: str, entry_type: str, body: dict[str, Any], *, done: bool = False
    ) -> Entry:
        """Seal and store a new entry (agreement, goal, meeting, evaluation, summary)."""
        entry_id = crypto.new_entry_id()
        extra = self._stated_month(pair_id, entry_type, body)

        def send() -> Any:
            nb, kv, _partner, key = self._notebook(pair_id)
            ctx = crypto.EntryContext(nb, entry_id, entry_type, kv, 1, self.user_id or "")
            envelope = crypto.seal_entry(key, ctx, body)
            request = {"entry_id": entry_id, "type": entry_type, "envelope": envelope, "done": done}
            return self.request("POST", f"/api/v1/pairs/{pair_id}/entries", request | extra)

        return self._open(pair_id, self._newest_key(pair_id, send))

    def _newest_key(self, pair_id: str, send: Callable[[], Any]) -> Any:
        """`send()` a write sealed under the newest key I know; when the notebook has a newer
        one (it was renewed meanwhile), sync my keys and seal the same words again, once. A
        refused write stored nothing, so nothing is saved twice."""
        try:
            return send()
        except ClientError as error:
            if error.status != 409 or "key_version" not in error.body or "current" in error.body:
                raise
        self.sync_pair(pair_id)
        return send()

    def _stated_month(self, pair_id: str, entry_type: str, body: dict[str, Any]) -> dict[str, str]:
        """``{"meeting_month": "2026-11"}`` for a dated meeting while both members share their
        meetings with the organiser (docs/PROTOCOL.md §7.2), else nothing: only the month."""
        date = body.get("date")
        if entry_type != "meeting" or not isinstance(date, str):
            return {}
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])-\d{2}", date):
            return {}
        # The listing says whether both share; the summary is the smallest kind to ask for.
        if self.notebook(pair_id, ("summary",)).get("meeting_months") is not True:
            return {}
        return {"meeting_month": date[:7]}

    def edit_entry(
        self,
        pair_id: str,
        entry: Entry,
        body: dict[str, Any],
        *,
        done: bool | None = None,
    ) -> Entry:
        """Save a new revision over `entry` (`done` as it was unless given); ClientError 409 if
        someone saved first."""
        if done is None:
            done = entry.done
        revision = entry.revision + 1
        extra = self._stated_month(pair_id, entry.type, body)

        def send() -> Any:
            nb, kv, _partner, key = self._notebook(pair_id)
            ctx = crypto.EntryContext(
                nb, entry.entry_id, entry.type, kv, revision, self.user_id or ""
            )
            envelope = crypto.seal_entry(key, ctx, body)
            return self.request(
                "PUT",
                f"/api/v1/pairs/{pair_id}/entries/{entry.entry_id}",
                {"base_revision": entry.revision, "envelope": envelope, "done": done} | extra,
            )

        return self._open(pair_id, self._newest_key(pair_id, send))

    def delete_entry(self, pair_id: str, entry: Entry) -> None:
        """Delete a meeting for both members; ClientError 409 if it changed since `entry`."""
        self.request(
            "DELETE",
            f"/api/v1/pairs/{pair_id}/entries/{entry.entry_id}",
            {"revision": entry.revision},
        )

    def confirm(self, pair_id: str, entry: Entry) -> dict[str, Any]:
        """Confirm this exact revision of the agreement, signed with my identity key (§7.1)."""
        nb, _kv, _partner, _key = self._notebook(pair_id)
        rows = self.notebook(pair_id, (entry.type,))["entries"]
        row = next((r for r in rows if r["entry_id"] == entry.entry_id), None)
        if row is None or row["revision"] != entry.revision:
            # Signing what the server shows, not what I read, would confirm unread words.
            raise ClientError(409, {"error": "conflict", "message": "The entry changed."})
        ctx = crypto.EntryContext(
            nb, entry.entry_id, entry.type, row["key_version"], entry.revision, row["author_id"]
        )
        # The signed ciphertext must be the one that opens to exactly what the caller read.
        if self._open(pair_id, row).body != entry.body:
            raise ClientError(409, {"error": "conflict", "message": "The entry changed."})
        sig = crypto.sign_confirmation(self._require_secrets().identity, ctx, row["envelope"])
        return self.request(
            "POST",
            f"/api/v1/pairs/{pair_id}/entries/{entry.entry_id}/confirm",
            {"revision": entry.revision, "sig": sig},
        )

    def verified_confirmations(self, pair_id: str) -> set[tuple[str, str, int]]:
        """(entry_id, user_id, revision) of the current confirmations whose signatures verify
        with my own key or my pin of my partner; anything else the server lists is ignored."""
        listing = self.notebook(pair_id)
        nb, _kv, partner_id, _key = self._notebook(pair_id)
        signers: dict[str, crypto.IdentityBundle | crypto.Identity] = {
            self.user_id or "": self._require_secrets().identity
        }
        pinned = self._pinned_partner(pair_id)
        if pinned is not None and partner_id:
            signers[partner_id] = pinned
        rows = {r["entry_id"]: r for r in listing["entries"]}
        out = set()
        for c in listing["confirmations"]:
            row, signer = rows.get(c["entry_id"]), signers.get(c["user_id"])
            if row is None or signer is None or row["revision"] != c["revision"]:
                continue
            ctx = crypto.EntryContext(
                nb,
                row["entry_id"],
                row["type"],
                row["key_version"],
                row["revision"],
                row["author_id"],
            )
            try:
                crypto.verify_confirmation(signer, ctx, row["envelope"], c.get("sig"))
            except crypto.CryptoError:
                continue
            out.add((c["entry_id"], c["user_id"], c["revision"]))
        return out

    def set_phase(self, pair_id: str, phase: str | None) -> dict[str, Any]:
        """Move the phase by hand, or back to automatic with None."""
        return self.request("POST", f"/api/v1/pairs/{pair_id}/phase", {"phase": phase})

    # --- flags ---------------------------------------------------------------------------

    def _seal_copies(
        self,
        kind: str,
        programme_id: str,
        message_id: str,
        recipients: list[crypto.IdentityBundle],
        body: dict[str, Any],
    ) -> list[dict[str, Any]]:
        me = self._require_secrets().identity
        copies = []
        for bundle in recipients:
            ctx = crypto.SealContext(
                f"flag-{kind}", programme_id, message_id, me.user_id, bundle.user
            )
            copies.append(
                {"recipient_id": bundle.user, "sealed": crypto.seal_message(me, bundle, ctx, body)}
            )
        return copies

    def _organiser_bundles(self, pair_id: str) -> tuple[str, list[crypto.IdentityBundle]]:
        data = self.request("GET", f"/api/v1/pairs/{pair_id}/organisers")
        bundles = [crypto.verify_bundle(o["bundle"], o["user_id"]) for o in data["organisers"]]
        return data["programme_id"], bundles

    def raise_flag(self, pair_id: str, category: str, message: str | None = None) -> str:
        """Tell the programme's organisers about a problem; the message is sealed to each."""
        me = self._require_secrets().identity
        flag_id = crypto.new_entry_id()
        body: dict[str, Any] = {"flag_id": flag_id, "category": category}
        if message is not None:
            programme_id, organisers = self._organiser_bundles(pair_id)
            message_id = crypto.new_entry_id()
            body["message"] = {
                "message_id": message_id,
                "copies": self._seal_copies(
                    "report",
                    programme_id,
                    message_id,
                    [*organisers, me.bundle()],
                    {"text": message},
                ),
            }
        self.request("POST", f"/api/v1/pairs/{pair_id}/flags", body)
        return flag_id

    def _open_messages(
        self, flag: dict[str, Any], senders: dict[str, crypto.IdentityBundle]
    ) -> list[dict[str, Any]]:
        me = self._require_secrets().identity
        opened = []
        for message in flag["messages"]:
            sender = senders.get(message["sender_id"])
            ctx = crypto.SealContext(
                f"flag-{message['kind']}",
                flag["programme_id"],
                message["message_id"],
                message["sender_id"],
                me.user_id,
            )
            try:
                if sender is None:
                    raise crypto.CryptoError
                body = crypto.open_message(me, sender, ctx, message["sealed"])
                opened.append(
                    {
                        "kind": message["kind"],
                        "sender_id": message["sender_id"],
                        "text": body.get("text"),
                    }
                )
            except crypto.CryptoError:
                opened.append(
                    {
                        "kind": message["kind"],
                        "sender_id": message["sender_id"],
                        "error": "could not be verified",
                    }
                )
        return opened

    def my_flags(self, pair_id: str) -> list[dict[str, Any]]:
        """My flags for a pair with their messages opened (mine and the organisers' replies)."""
        _programme, organisers = self._organiser_bundles(pair_id)
        senders = {b.user: b for b in organisers}
        senders[self.user_id or ""] = self._require_secrets().identity.bundle()
        out = []
        for flag in self.request("GET", "/api/v1/me/flags")["flags"]:
            if flag["pair_id"] == pair_id:
                out.append({**flag, "opened": self._open_messages(flag, senders)})
        return out

    def programme_flags(self, programme_id: str) -> list[dict[str, Any]]:
        """(Organiser) the programme's flags with the messages sealed to me opened."""
        data = self.request("GET", f"/api/v1/organiser/programmes/{programme_id}/flags")
        organisers = {
            o["user_id"]: crypto.verify_bundle(o["bundle"], o["user_id"])
            for o in data["organisers"]
        }
        out = []
        for flag in data["flags"]:
            senders = dict(organisers)
            senders[flag["reporter_id"]] = crypto.verify_bundle(
                flag["reporter_bundle"], flag["reporter_id"]
            )
            out.append({**flag, "opened": self._open_messages(flag, senders)})
        return out

    def reply_to_flag(self, programme_id: str, flag: dict[str, Any], text: str) -> None:
        """(Organiser) a sealed reply the reporter sees; copies for every organiser too."""
        data = self.request("GET", f"/api/v1/organiser/programmes/{programme_id}/flags")
        recipients = [crypto.verify_bundle(o["bundle"], o["user_id"]) for o in data["organisers"]]
        recipients.append(crypto.verify_bundle(flag["reporter_bundle"], flag["reporter_id"]))
        message_id = crypto.new_entry_id()
        self.request(
            "POST",
            f"/api/v1/organiser/flags/{flag['flag_id']}/messages",
            {
                "kind": "reply",
                "message_id": message_id,
                "copies": self._seal_copies(
                    "reply", programme_id, message_id, recipients, {"text": text}
                ),
            },
        )

    # --- data rights ---------------------------------------------------------------------

    def server_data(self) -> dict[str, Any]:
        """Everything the server holds about me (notebook entries still sealed)."""
        return self.request("GET", "/api/v1/me/export")

    def carried_confirmations(self, pair_id: str) -> set[tuple[str, str, int]]:
        """(entry_id, user_id, revision) of confirmations a departure carried to re-sealed
        entries (the server's record, docs/PROTOCOL.md §13.1; user_id may be the former
        member), for entries still at that revision."""
        data = self.request("GET", f"/api/v1/pairs/{pair_id}/departure")
        return {(c["entry_id"], c["user_id"], c["revision"]) for c in data["carried_confirmations"]}

    def departure_removals(self, pair_id: str) -> dict[str, str]:
        """Entries a departed partner takes with them: entry id → the day they are removed."""
        data = self.request("GET", f"/api/v1/pairs/{pair_id}/departure")
        return {r["entry_id"]: r["remove_after"] for r in data["removals"]}

    def delete_account(self, passphrase: str, keep: dict[str, bool] | None = None) -> None:
        """Erase my account. Everything I wrote last is first re-sealed as the former member,
        so my partner can still read it without my id anywhere; `keep` (kinds "meeting",
        "goal" → False) takes what I created of a kind with me after a grace period."""
        secrets_ = self._require_secrets()
        kdf = self.request("GET", "/api/v1/me/keys")["kdf"]
        keys = crypto.derive_passphrase_keys(passphrase, crypto.KdfParams.from_json(kdf))
        reseal = []
        for row in self.request("GET", "/api/v1/me/reseal")["entries"]:
            pair_id = row["pair_id"]
            entry = self._open(pair_id, row)
            nb, kv, _partner, key = self._notebook(pair_id)
            ctx = crypto.EntryContext(
                nb, entry.entry_id, entry.type, kv, entry.revision + 1, FORMER_MEMBER
            )
            reseal.append(
                {
                    "entry_id": entry.entry_id,
                    "base_revision": entry.revision,
                    "envelope": crypto.seal_entry(key, ctx, entry.body),
                }
            )
        self.request(
            "POST",
            "/api/v1/me/delete",
            {
                "auth_key": crypto.b64u_encode(keys.auth_key),
                "reseal": reseal,
                **({"keep": keep} if keep is not None else {}),
            },
        )
        del secrets_
        self.secrets, self.user_id, self._csrf = None, None, None
        self.notebook_keys.clear()
