"""Tier 3: browser tests against a live docassemble server (see server/README.md).

Collected only when TRAFFICKINGRELIEF_BROWSER_TESTS is set, so the normal unit-test run never needs a
server, a browser or Playwright. When it is set, a server that does not answer is a failure, not a skip.

    bash server/start
    TRAFFICKINGRELIEF_BROWSER_TESTS=1 .venv-da/bin/python -m pytest tests/browser -q
    bash server/stop
"""
from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ENABLED = bool(os.environ.get("TRAFFICKINGRELIEF_BROWSER_TESTS"))
# test_multiserver.py needs the server in multi-server mode (`./dev test-multiserver`)
MULTISERVER = bool(os.environ.get("TRAFFICKINGRELIEF_MULTISERVER_TESTS"))

# Debian's chromium, headless as root, with no network access of its own (runtime doc §5).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = ROOT / ".da-state" / "screenshots"

if not ENABLED:
    collect_ignore_glob = ["*"]


def pytest_ignore_collect(collection_path: Path, config):  # noqa: ARG001 (pytest hook signature)
    """Skip collecting anything in tests/browser unless the browser tier is switched on."""
    if not ENABLED and HERE in (collection_path, *collection_path.parents):
        return True
    if not MULTISERVER and collection_path.name == "test_multiserver.py":
        return True
    return None


@pytest.fixture(scope="session")
def server_url() -> str:
    """Base URL of the running docassemble server (DA_URL); fails if it does not answer /health_check."""
    url = os.environ.get("DA_URL", "http://127.0.0.1:8089").rstrip("/")
    try:
        with urllib.request.urlopen(f"{url}/health_check", timeout=15) as response:
            status = response.status
    except (urllib.error.URLError, OSError) as exc:
        pytest.fail(f"docassemble server at {url} is not reachable ({exc}); start it with `bash server/start`")
    if status != 200:
        pytest.fail(f"docassemble server at {url} answered /health_check with HTTP {status}")
    return url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # imported here: the unit-test venv lacks Playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install chromium (never `playwright install`)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
