"""Smoke test: the installed package's stand-in interview runs in a real docassemble server."""
from __future__ import annotations

from playwright.sync_api import expect

INTERVIEW = "docassemble.traffickingrelief:data/questions/smoke.yml"


def test_smoke_interview_two_screens(server_url, page, screenshot_dir):
    page.goto(f"{server_url}/interview?i={INTERVIEW}")
    # the question area; with `debug: True` the page also carries the YAML source in #dasource
    question = page.get_by_role("main")

    expect(question.get_by_role("heading", name="Trafficking relief smoke test")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "smoke-1-welcome.png"), full_page=True)

    question.get_by_role("button", name="Continue").click()

    expect(question.get_by_role("heading", name="Smoke test complete")).to_be_visible()
    expect(question.get_by_text("moved to the second")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "smoke-2-complete.png"), full_page=True)
