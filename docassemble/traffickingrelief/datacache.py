"""The bundled data files compiled once: parsed and validated at first use, then read back as JSON.

Parsing 52 jurisdiction files with a YAML parser and checking each against its JSON Schema takes seconds;
reading the already-validated result back takes milliseconds. The cache key is a hash of every source
file's name and bytes, the schema, the code that reads and checks them, and this module's format, so an
edited data file (or a new release) compiles afresh and stale data is never read. The schema checks stay
where they belong: a cache miss validates, and the tests and ``data-audit`` always validate the sources themselves.

Where the cache lives: ``TRAFFICKINGRELIEF_CACHE_DIR`` if set, else the user's cache folder
(``$XDG_CACHE_HOME`` or ``~/.cache``), never the package folder, which on a server may be read-only and
in a checkout would end up in a wheel. When no folder is writable the compiled data lives in memory for the
process only. The file is JSON, not pickle, so a cache file can never run code; it is written to a
temporary name and renamed, so a reader sees the whole file or none.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

FORMAT = "1"
"""Bump when the compiled form of any data set changes shape, so older cache files are ignored."""

ENV_DIR = "TRAFFICKINGRELIEF_CACHE_DIR"
_APP = "docassemble.traffickingrelief"


def cache_dir() -> Path | None:
    """The folder for compiled data, or None when there is no usable one (then memory only)."""
    configured = os.environ.get(ENV_DIR)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache" if Path.home() != Path("/") else None)
    return Path(base) / _APP if base else None


def source_key(name: str, files: Sequence[Path], extra: Sequence[Path] = ()) -> str:
    """A hash of the data set's name, each file's name and bytes, and the files it is validated against."""
    digest = hashlib.sha256(f"{FORMAT}\0{name}\0".encode())
    for path in [*files, *extra]:
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read(path: Path, key: str) -> list | None:
    try:
        with open(path, encoding="utf-8") as handle:
            stored = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key or not isinstance(stored.get("items"), list):
        return None
    return stored["items"]


def _write(folder: Path, name: str, key: str, items: list) -> None:
    """Atomically replace the data set's cache file; older versions of it are removed. Failures are ignored:
    the cache only saves time."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "items": items}, handle, ensure_ascii=False, separators=(",", ":"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, folder / f"{name}-{key[:40]}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in folder.glob(f"{name}-*.json"):
            if old.name != f"{name}-{key[:40]}.json":
                old.unlink(missing_ok=True)
    except OSError:
        pass


_MEMORY: dict[str, list] = {}


def compiled(name: str, files: Sequence[Path], compile_one: Callable[[Path], Any],
             extra: Sequence[Path] = ()) -> list:
    """``compile_one(path)`` for each file (plain JSON-ready data, validated), from the cache when every source
    is unchanged. ``extra`` are files the result also depends on (a schema, the module that validates).
    Errors from ``compile_one`` propagate and nothing is cached."""
    files = sorted(files)
    here = Path(__file__)
    key = source_key(name, files, [*extra, here, here.with_name("resources.py")])  # the YAML reader's rules count too
    if key in _MEMORY:
        return _MEMORY[key]
    folder = cache_dir()
    items = _read(folder / f"{name}-{key[:40]}.json", key) if folder else None
    if items is None:
        items = [compile_one(path) for path in files]
        # A round trip through JSON, so a fresh compile and a cache hit hand back exactly the same data.
        items = json.loads(json.dumps(items, ensure_ascii=False))
        if folder:
            _write(folder, name, key, items)
    _MEMORY[key] = items
    return items
