"""Vendored front-end files are exactly what their notes say."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_vendored_htmx_matches_recorded_hash() -> None:
    folder = ROOT / "static/vendor/htmx"
    note = (folder / "VERSION.md").read_text()
    recorded = re.search(r"SHA-256 of `htmx.min.js`: `([0-9a-f]{64})`", note)
    assert recorded
    assert hashlib.sha256((folder / "htmx.min.js").read_bytes()).hexdigest() == recorded.group(1)
    assert "version **2." in note
    assert (folder / "LICENSE").exists()


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    pattern = re.compile(r"<script>|<script [^>]*>[^<]+</script>|\son[a-z]+=|\sstyle=|<style")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if pattern.search(path.read_text())
    ]
    assert offenders == []
