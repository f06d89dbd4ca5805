"""Module preloads: a page names its entry ES module and gets `<link rel="modulepreload">` for
the whole static import graph, so a phone fetches every module at once instead of discovering
them one import at a time."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

from flask import Flask, current_app, url_for

# Static imports and re-exports (`import … from "x"`, `export … from "x"`, `import "x"`);
# dynamic `import("x")` is left out on purpose: those modules are loaded only when needed.
_STATIC_IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^;'"()]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']""",
    re.MULTILINE,
)


def _resolve(spec: str, importer: PurePosixPath) -> PurePosixPath | None:
    """A specifier as a path under static/, or None for anything outside it."""
    if spec.startswith("/static/"):
        return PurePosixPath(spec.removeprefix("/static/"))
    if spec.startswith(("./", "../")):
        parts: list[str] = []
        for part in (importer.parent / spec).parts:
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            elif part != ".":
                parts.append(part)
        return PurePosixPath(*parts)
    return None


@lru_cache(maxsize=32)
def module_graph(static_folder: str, entry: str) -> tuple[str, ...]:
    """Every module `entry` imports, directly or not, entry first (paths under static/)."""
    root = Path(static_folder)
    seen: list[str] = []
    pending = [PurePosixPath(entry)]
    while pending:
        module = pending.pop(0)
        if str(module) in seen:
            continue
        seen.append(str(module))
        source = (root / module).read_text(encoding="utf-8")
        for match in _STATIC_IMPORT.finditer(source):
            target = _resolve(match.group(1) or match.group(2), module)
            if target is not None and (root / target).is_file():
                pending.append(target)
    return tuple(seen)


def module_preloads(entry: str) -> list[str]:
    """URLs of `entry`'s module graph, for `<link rel="modulepreload">`."""
    if current_app.debug:
        module_graph.cache_clear()
    folder = current_app.static_folder or ""
    return [url_for("static", filename=path) for path in module_graph(folder, entry)]


def init_app(app: Flask) -> None:
    """Make `module_preloads` available to templates."""
    app.jinja_env.globals["module_preloads"] = module_preloads
