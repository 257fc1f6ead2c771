"""Each draft family's interview module adds questions (a gate such as "Is a charge still open?").
Every test path through the whole interview must answer them, so each module keeps here, in
``<family>.py``, the answers for a case that does not need that family:

    ENGINE_DEFAULTS = {"variable": value}        # tests/engine: answers by variable name
    BROWSER_DEFAULTS = {"question_id": step}     # tests/browser: plan steps by question id

A path that exercises the family overrides them. Loaded by file path, so both the engine venv and
the server venv (which do not install the tests) can read them.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _modules():
    for path in sorted(HERE.glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"interview_plans_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module


def engine_defaults() -> dict:
    out: dict = {}
    for module in _modules():
        out.update(getattr(module, "ENGINE_DEFAULTS", {}))
    return out


def browser_defaults() -> dict:
    out: dict = {}
    for module in _modules():
        out.update(getattr(module, "BROWSER_DEFAULTS", {}))
    return out
