#!/usr/bin/env python3
"""Fill Finnish translations into the catalogue from a JSON file {msgid: msgstr or [plurals]}.

Usage: scripts/po_fill.py translations.json   (then `make compile-messages`)
Used while writing new strings; the catalogue (.po) stays the source of truth.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "workspace/translations/fi/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    """Merge the given translations into the Finnish catalogue."""
    mapping = json.loads(Path(path).read_text("utf-8"))
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="fi")
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key and key in mapping:
            value = mapping[key]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)
    missing = [
        m.id
        for m in catalog
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    print(f"{len(missing)} untranslated", *missing, sep="\n")


if __name__ == "__main__":
    main(sys.argv[1])
