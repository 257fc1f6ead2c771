"""Gate for the tier-2 engine tests: collected only when TRAFFICKINGRELIEF_ENGINE_TESTS is set.

The ordinary unit-test run (a venv without docassemble) passes through this folder and collects
nothing from it, so it never imports docassemble; this file itself imports only the standard library.
Run them with: TRAFFICKINGRELIEF_ENGINE_TESTS=1 .venv-engine/bin/python -m pytest tests/engine -q
(set up with: bash tests/engine/setup-venv). See README.md here.
"""
import os
import sys
from pathlib import Path

ENABLED = bool(os.environ.get("TRAFFICKINGRELIEF_ENGINE_TESTS"))

# Relative to this folder: ignore everything in it unless enabled.
collect_ignore_glob = [] if ENABLED else ["*"]

if ENABLED:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

    import pytest

    @pytest.fixture(scope="session", autouse=True)
    def _engine_prepared():
        """Load docassemble's engine once per session (about 2 to 3 s)."""
        import harness

        harness.prepare()
        yield

    def pytest_terminal_summary(terminalreporter):
        if "harness" in sys.modules:
            t = sys.modules["harness"].timings()
            if t:
                terminalreporter.write_line(
                    "engine harness: prepare {prepare_seconds:.2f} s (docassemble import {import_seconds:.2f} s)".format(**t)
                )
