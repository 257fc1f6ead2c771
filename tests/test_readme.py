"""The README's promises: its set-up commands exist, and its legal-data status matches the data."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_legal_data_status_block_is_current():
    spec = importlib.util.spec_from_file_location("legal_data_status", ROOT / "tools" / "legal_data_status.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert module.status_block() in readme, "run: .venv/bin/python tools/legal_data_status.py"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./dev demo" in readme and "./dev test" in readme
    assert "./dev test" in ci
