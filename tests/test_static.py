"""Vendored front-end files are exactly what their notes say."""

from __future__ import annotations

import hashlib
import os
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


def test_module_graph_follows_every_static_import(tmp_path: Path) -> None:
    """Relative, absolute and multi-line imports and re-exports; not dynamic imports."""
    from workspace.core.assets import module_graph

    (tmp_path / "js" / "lib").mkdir(parents=True)
    (tmp_path / "js" / "main.js").write_text(
        'import { a,\n  b } from "./lib/a.js";\nimport "/static/js/side.js";\n'
        'const later = () => import("./lazy.js");\n'
    )
    (tmp_path / "js" / "lib" / "a.js").write_text(
        'export { c } from "../c.js";\nexport const a = 1;\n'
    )
    for name in ("c.js", "side.js", "lazy.js"):
        (tmp_path / "js" / name).write_text("export const x = 1;\n")
    graph = module_graph(str(tmp_path), "js/main.js")
    assert graph == ("js/main.js", "js/lib/a.js", "js/side.js", "js/c.js")


def test_notebook_pages_preload_their_whole_module_graph() -> None:
    from workspace.core.assets import module_graph

    graph = module_graph(str(ROOT / "static"), "js/notebook/main.js")
    # index.js re-exports the crypto modules, which import _primitives.js in turn.
    for module in ("js/crypto/entry.js", "js/crypto/_primitives.js", "js/storage/drafts.js"):
        assert module in graph
    # Every import any module of the graph makes is in the graph too.
    for module in graph:
        for spec in re.findall(
            r'^(?:import|export|\}).*\bfrom "([^"]+)";$',
            (ROOT / "static" / module).read_text(),
            re.M,
        ):
            target = (
                (Path("/static") / module).parent / spec if spec.startswith(".") else Path(spec)
            )
            assert os.path.normpath(target).removeprefix("/static/") in graph, (module, spec)


JS_CRYPTO = ROOT / "static" / "js" / "crypto"


def test_browser_crypto_mirrors_the_python_package_file_for_file() -> None:
    """static/js/crypto/ is the protocol only: each file has its namesake in crypto/, and
    index.js stands for crypto/__init__.py."""
    python = {path.stem for path in (ROOT / "crypto").glob("*.py")} - {"__init__"}
    browser = {path.stem for path in JS_CRYPTO.glob("*.js")} - {"index"}
    assert browser == python, browser ^ python


def test_only_the_browser_primitives_call_webcrypto_and_only_random_draws() -> None:
    def users(pattern: str) -> set[str]:
        return {p.name for p in JS_CRYPTO.glob("*.js") if re.search(pattern, p.read_text())}

    assert users(r"\bsubtle\b") == {"_primitives.js"}
    assert users(r"getRandomValues") == {"_random.js"}
    # Nothing outside the protocol: no page code, no storage, no network.
    assert users(r'from "(?!\./)|\bfetch\(|indexedDB|document\.') == set()
