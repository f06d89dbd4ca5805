"""Static files: content-hashed URLs cached for a year, served precompressed, and module preloads.

`url_for("static", filename=…)` gives `/assets/<version>/<filename>`. A stylesheet, an image or
data has the hash of its own bytes as its version; every ES module has the hash of the whole
`js/` tree, because modules import each other by relative paths and must all resolve under one
prefix (an import map would need an inline script, which the CSP forbids). A page names its
entry module and gets `<link rel="modulepreload">` for the whole static import graph, under the
same URLs, so a phone fetches every module at once and each only once.

Answers are gzip or Brotli when the client accepts it: from the files `make install` writes
under `build/static/` (`python -m workspace.core.assets`), or compressed once in memory when
those are missing or out of date.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from flask import Flask, Response, abort, current_app, request, url_for
from werkzeug.security import safe_join

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency; gzip still works without it
    brotli = None

YEAR = 365 * 24 * 3600
COMPRESSIBLE = (".js", ".css", ".svg", ".json", ".txt", ".html", ".map", ".ico", ".webmanifest")
# Encodings in the order they are preferred, with the suffix of their precompressed file.
ENCODINGS = (("br", ".br"), ("gzip", ".gz")) if brotli else (("gzip", ".gz"),)

# Static imports and re-exports (`import … from "x"`, `export … from "x"`, `import "x"`);
# dynamic `import("x")` is left out on purpose: those modules are loaded only when needed.
_STATIC_IMPORT = re.compile(
    r"""^\s*(?:import|export)\b[^;'"()]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']""",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Manifest:
    """Every static file's content hash, and the version each one's URL carries."""

    digests: dict[str, str]
    versions: dict[str, str]


def _files(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root).as_posix())
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


def build_manifest(static_folder: str) -> Manifest:
    """Hash every file under `static_folder`: the version of a module is the `js/` tree's."""
    root = Path(static_folder)
    digests = {
        name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in _files(root)
    }
    tree = hashlib.sha256()
    for name, digest in digests.items():
        if name.startswith("js/"):
            tree.update(f"{name}\0{digest}\n".encode())
    js_version = tree.hexdigest()[:16]
    versions = {
        name: js_version if name.startswith("js/") else digest[:16]
        for name, digest in digests.items()
    }
    return Manifest(digests, versions)


_MANIFESTS: dict[str, Manifest] = {}
_LOCK = threading.Lock()


def manifest(app: Flask) -> Manifest:
    """The app's manifest, made once (again on every call in debug mode, as files change)."""
    folder = app.static_folder or ""
    if app.debug:
        # Files change while a developer works: hash again only when one of them has.
        stamp = max((p.stat().st_mtime_ns for p in Path(folder).rglob("*")), default=0)
        return _debug_manifest(folder, stamp)
    with _LOCK:
        found = _MANIFESTS.get(folder)
        if found is None:
            found = _MANIFESTS[folder] = build_manifest(folder)
    return found


@lru_cache(maxsize=4)
def _debug_manifest(folder: str, _stamp: int) -> Manifest:
    return build_manifest(folder)


def hashed_url(app: Flask, filename: str) -> str | None:
    """`/assets/<version>/<filename>`, or None for a file that is not there."""
    version = manifest(app).versions.get(filename)
    if version is None:
        return None
    return f"{app.config.get('APPLICATION_ROOT', '/').rstrip('/')}/assets/{version}/{filename}"


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


def module_preloads(*entries: str) -> list[str]:
    """URLs of the entries' module graphs, each module once, for `<link rel="modulepreload">`.

    A module a page loads with `import()` (its own view, say) is named as a further entry.
    """
    if current_app.debug:
        module_graph.cache_clear()
    folder = current_app.static_folder or ""
    paths = dict.fromkeys(path for entry in entries for path in module_graph(folder, entry))
    return [url_for("static", filename=path) for path in paths]


# --- serving ---------------------------------------------------------------------------------


def build_folder(static_folder: str) -> Path:
    """Where `make install` keeps the precompressed copies: build/static/ beside static/."""
    return Path(static_folder).parent / "build" / "static"


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=11)
    return gzip.compress(data, compresslevel=9, mtime=0)


def _precompressed_name(filename: str, digest: str, suffix: str) -> str:
    # The content hash is in the name, so a copy made before the file changed is never used.
    return f"{filename}.{digest[:16]}{suffix}"


@lru_cache(maxsize=512)
def _encoded(static_folder: str, filename: str, digest: str, encoding: str) -> bytes:
    """The file's bytes in `encoding`: the precompressed copy if there is one, else made now."""
    suffix = dict(ENCODINGS)[encoding]
    copy = build_folder(static_folder) / _precompressed_name(filename, digest, suffix)
    if copy.is_file():
        return copy.read_bytes()
    return _compress((Path(static_folder) / filename).read_bytes(), encoding)


def _chosen_encoding(filename: str) -> str | None:
    if not filename.endswith(COMPRESSIBLE):
        return None
    accepted = request.accept_encodings
    return next((name for name, _suffix in ENCODINGS if accepted[name] > 0), None)


def file_response(filename: str, max_age: int, *, immutable: bool = False) -> Response:
    """A static file, compressed if the client accepts it, with its ETag and caching."""
    app = current_app
    folder = app.static_folder or ""
    digest = manifest(app).digests.get(filename)
    if digest is None or safe_join(folder, filename) is None:
        abort(404)
    etag = digest[:32]
    encoding = _chosen_encoding(filename)
    if encoding:
        body = _encoded(folder, filename, digest, encoding)
        etag = f"{etag}-{encoding}"
    else:
        body = (Path(folder) / filename).read_bytes()
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if mimetype.startswith("text/") or mimetype in ("application/javascript", "image/svg+xml"):
        mimetype += "; charset=utf-8"
    response = Response(body, content_type=mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if filename.endswith(COMPRESSIBLE):
        response.vary.add("Accept-Encoding")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if immutable:
        response.cache_control.immutable = True
    return response.make_conditional(request)


def precompress(static_folder: str) -> int:
    """Write gzip and Brotli copies of every compressible file under build/static/ (run by
    `make install`); old copies are removed. Returns how many files were written."""
    out = build_folder(static_folder)
    digests = build_manifest(static_folder).digests
    wanted = set()
    written = 0
    for filename, digest in digests.items():
        if not filename.endswith(COMPRESSIBLE):
            continue
        data = (Path(static_folder) / filename).read_bytes()
        for encoding, suffix in ENCODINGS:
            name = _precompressed_name(filename, digest, suffix)
            wanted.add(name)
            target = out / name
            if target.is_file():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_compress(data, encoding))
            written += 1
    if out.is_dir():
        for old in out.rglob("*"):
            if old.is_file() and old.relative_to(out).as_posix() not in wanted:
                old.unlink()
    return written


def main() -> None:
    """`make install`: precompress the static files of this checkout."""
    static = str(Path(__file__).resolve().parent.parent.parent / "static")
    count = precompress(static)
    sys.stdout.write(f"precompressed {count} files into {build_folder(static)}\n")
