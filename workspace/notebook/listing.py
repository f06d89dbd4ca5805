"""The notebook listing (`GET /api/v1/pairs/<id>/entries`) as JSON text, kept in memory per
notebook version.

A pair's tabs ask for the same listing again and again, and it is the server's largest answer
(hundreds of sealed entries). Its text depends only on rows whose every write moves the
notebook's `listing_version` in the same transaction (migration 0024's triggers), and on the
query (`types`, `since`); not on which member asks. So the text is built once per
(notebook, version, query) and kept, with its compressed forms, in a small LRU bounded in bytes
(`LISTING_CACHE_BYTES`). Nothing is kept that the database does not hold already: ciphertext and
metadata. The caller checks the reader's access on every request before asking here.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from workspace.core import db
from workspace.notebook import phase
from workspace.notebook import queries as notebook
from workspace.notebook.entries import entry_text
from workspace.pairs import queries as pairs
from workspace.sharing import signals

DEFAULT_BYTES = 32 * 1024 * 1024
Key = tuple[str, str, int, tuple[str, ...], str | None, int | None]


@dataclass
class Listing:
    """One listing's JSON text (UTF-8), its entity tag, and its compressed forms by encoding."""

    body: bytes
    etag: str
    packed: dict[str, bytes] = field(default_factory=dict)

    def size(self) -> int:
        """The bytes it holds."""
        return len(self.body) + sum(len(p) for p in self.packed.values())


class ListingCache:
    """Listings by (pair, notebook, version, types, since, newest), least recently used dropped
    first once they hold more than `limit` bytes; a newer version of a notebook drops the
    older."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[Key, Listing] = OrderedDict()
        self._newest: dict[str, int] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Key) -> Listing | None:
        """The kept listing, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Key, listing: Listing) -> None:
        """Keep a listing (not if a newer version of its notebook is kept already)."""
        notebook_id, version = key[1], key[2]
        with self._lock:
            newest = self._newest.get(notebook_id, version)
            if version < newest:
                return
            if version > newest:
                for old in [k for k in self._items if k[1] == notebook_id and k[2] < version]:
                    self._bytes -= self._items.pop(old).size()
            self._newest[notebook_id] = version
            if key in self._items:
                self._bytes -= self._items.pop(key).size()
            self._items[key] = listing
            self._bytes += listing.size()
            self._evict()

    def add_packed(self, key: Key, listing: Listing, encoding: str, packed: bytes) -> None:
        """Keep a compressed form beside the listing (if the listing is still kept)."""
        with self._lock:
            if self._items.get(key) is not listing or encoding in listing.packed:
                return
            listing.packed[encoding] = packed
            self._bytes += len(packed)
            self._evict()

    def held(self) -> int:
        """The bytes held now."""
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        """Forget every listing."""
        with self._lock:
            self._items.clear()
            self._newest.clear()
            self._bytes = 0

    def _evict(self) -> None:
        while self._bytes > self.limit and self._items:
            key, dropped = self._items.popitem(last=False)
            self._bytes -= dropped.size()
            if not any(k[1] == key[1] for k in self._items):
                self._newest.pop(key[1], None)


def cache(app: Flask | None = None) -> ListingCache:
    """The app's listing cache (one per app: tests build many apps on many databases)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("pairbook_listing")
    if found is None:
        found = app.extensions.setdefault(
            "pairbook_listing",
            ListingCache(int(app.config.get("LISTING_CACHE_BYTES", DEFAULT_BYTES))),
        )
    return found


def _confirmations(conn: db.Connection, notebook_id: str) -> dict[str, Any]:
    return {
        "confirmations": [
            {
                "entry_id": c["entry_id"],
                "user_id": c["user_id"],
                "revision": c["revision"],
                "confirmed_at": c["confirmed_at"],
                "sig": c["sig"],
            }
            for c in notebook.current_confirmations(conn, notebook_id)
        ],
        "earlier_confirmations": [
            {
                "entry_id": c["entry_id"],
                "user_id": c["user_id"],
                "revision": c["revision"],
                "confirmed_at": c["confirmed_at"],
                "author_id": c["author_id"],
                "key_version": c["key_version"],
                "ct_sha256": c["ct_sha256"],
                "sig": c["sig"],
            }
            for c in notebook.earlier_confirmations(conn, notebook_id)
        ],
    }


def build(
    conn: db.Connection,
    pair_id: str,
    book: Any,
    types: tuple[str, ...],
    since: str | None,
    newest: int | None = None,
) -> str:
    """The listing's JSON text from the database, as it stands (see list_entries); with
    `newest`, only the entries written last (that many, still oldest first)."""
    rows = notebook.entries(conn, book["id"], types)
    members = pairs.member_ids(conn, pair_id)
    # The phase needs every entry's metadata: a filtered listing cannot supply it.
    derived = notebook.derived_phase(conn, book["id"], members, None if types else rows)
    if newest is not None:
        rows = rows[-newest:]
    head = json.dumps(
        {
            "notebook_id": book["id"],
            "key_version": book["key_version"],
            **_confirmations(conn, book["id"]),
            "phase": phase.state(book, derived),
            "meeting_months": "meetings" in signals.shared(conn, pair_id),
        },
        separators=(",", ":"),
    )
    # With `since`, an entry unchanged since then comes without its envelope: the client holds
    # it opened already (checked against its revision), so a warm page downloads what changed.
    listed = ",".join(entry_text(r, sealed=since is None or r["updated_at"] > since) for r in rows)
    return f'{head[:-1]},"entries":[{listed}]}}'


def _key(
    pair_id: str,
    notebook_id: str,
    version: int,
    types: tuple[str, ...],
    since: str | None,
    newest: int | None,
) -> Key:
    return (pair_id, notebook_id, int(version), types, since, newest)


def listing(
    conn: db.Connection,
    pair: Any,
    types: tuple[str, ...],
    since: str | None,
    newest: int | None = None,
) -> tuple[Key, Listing] | None:
    """The listing of `pair`, as the guard returned it (pairs.access.my_pair: its row names the
    notebook and its version), or None when the pair has no notebook; from the cache when the
    notebook has not changed since the text was kept."""
    kept = cache()
    if pair["notebook_id"] is None:
        return None
    version = pair["notebook_listing_version"]
    key = _key(pair["id"], pair["notebook_id"], version, types, since, newest)
    found = kept.get(key)
    if found is not None:
        return key, found
    # Built on one snapshot and kept under the version read in it: the version of every row the
    # text is made of (a write since the guard's read gives a newer key, not a stale text).
    with db.snapshot(conn):
        book = pairs.notebook_for_pair(conn, pair["id"])
        if book is None:
            return None
        key = _key(pair["id"], book["id"], book["listing_version"], types, since, newest)
        body = build(conn, pair["id"], book, types, since, newest).encode("utf-8")
    made = Listing(body, hashlib.sha256(body).hexdigest()[:32])
    kept.put(key, made)
    return key, made


def packed(key: Key, found: Listing, encoding: str, pack: Callable[[bytes, str], bytes]) -> bytes:
    """The listing compressed with `encoding` (by `pack`), compressed once per listing kept."""
    ready = found.packed.get(encoding)
    if ready is None:
        ready = pack(found.body, encoding)
        cache().add_packed(key, found, encoding, ready)
    return ready
