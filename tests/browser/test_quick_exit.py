"""Quick exit on a mid-interview screen: by the red button and by the Esc key.

For each, the test proves three things:
1. the browser ends on the neutral site the interview names (`tr_neutral_site`, read from
   interviews/tr_settings.yml and checked against the button's href). The network is closed here,
   so Playwright intercepts that host and answers with a tiny local page;
2. the interview session is gone on the server. Before exiting, the session key is read from the
   server's own Flask session (Redis, via the browser's `session` cookie), and PostgreSQL is shown to
   hold the answers under that key (`userdict`, `userdictkeys`). After exiting, no row for that key
   remains in either table, and the Flask session no longer points at it;
3. going Back does not show the previous answers: the page that comes back is a fresh session's
   first screen, and the fictional name typed earlier is nowhere in the page.
"""
from __future__ import annotations

import json
import re
import time
from urllib.parse import urlparse

import pytest

from helpers import ROOT, Interview, drive, flask_session, interview_ref, session_rows
from paths import NY_CASE, Case, plan_for

MID_SCREEN = "client_pseudonym"  # reached after the client's name was entered
NAME = "Quinn Exitcase"          # fictional
NEUTRAL_BODY = "<!doctype html><html><head><title>Neutral stand-in</title></head><body><p>Forecast</p></body></html>"


def neutral_site() -> str:
    source = (ROOT / "interviews" / "tr_settings.yml").read_text(encoding="utf-8")
    match = re.search(r"""tr_neutral_site\s*=\s*['"]([^'"]+)['"]""", source)
    assert match, "tr_neutral_site not found in interviews/tr_settings.yml"
    return match.group(1)


@pytest.mark.parametrize("how", ["button", "escape"])
def test_quick_exit_erases_the_session(server_url, page, how):
    site = neutral_site()
    host = urlparse(site).hostname
    neutral_hits: list[str] = []

    def fulfil(route):
        neutral_hits.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=NEUTRAL_BODY)

    page.context.route(re.compile(r"^https?://" + re.escape(host) + r"(:\d+)?(/.*)?$"), fulfil)

    it = Interview(page, server_url)
    it.start()
    case = Case(**{**NY_CASE.__dict__, "name": NAME})
    drive(it, plan_for(case), MID_SCREEN)
    it.expect_question(MID_SCREEN)

    exit_link = page.locator("#tr-quick-exit")
    assert exit_link.is_visible(), "no visible Quick exit button on a mid-interview screen"
    assert exit_link.get_attribute("data-tr-neutral").rstrip("/") == site.rstrip("/")
    assert "tr_quick_exit" in (exit_link.get_attribute("href") or "") or "action=" in exit_link.get_attribute("href")

    # diagnostics only: the interview's quick-exit script (data/static/quick_exit.js) defines trQuickExit
    script_src = page.evaluate(
        "() => Array.from(document.scripts).map(s => s.src).filter(s => /quick_exit/.test(s)).join(' ')")
    diag = (f"quick_exit.js {'loaded from ' + script_src if script_src else 'NOT referenced by the page'}, "
            f"window.trQuickExit is {page.evaluate('() => typeof window.trQuickExit')}")

    uid = it.session_uid()
    before = session_rows(uid)
    assert before["userdict"] > 0 and before["userdictkeys"] == 1, f"answers not stored as expected: {before}"
    cookie = next(c["value"] for c in page.context.cookies(server_url) if c["name"] == "session")

    if how == "button":
        exit_link.click()
    else:
        page.locator("#daMainQuestion").click()  # focus inside the page, as a person would have it
        page.keyboard.press("Escape")
    try:
        page.wait_for_url(lambda url: urlparse(url).hostname == host, timeout=10_000)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"quick exit by {how} did not reach {site} within 10 s (now at {page.url}); {diag}: {exc}")
    page.wait_for_load_state("load")
    assert page.url.rstrip("/") == site.rstrip("/"), f"ended on {page.url}, not {site}"
    assert neutral_hits, "the neutral site was never requested"
    assert page.title() == "Neutral stand-in"

    # the server erased the session; the erase request may finish just after the page has left, and
    # docassemble saves the Flask session (Redis) only at the end of that request, so poll both
    def pointed_at() -> bool:
        return flask_session(cookie).get("sessions", {}).get(interview_ref(), {}).get("uid") == uid

    deadline = time.monotonic() + 10
    after, still_pointed = session_rows(uid), pointed_at()
    while (after["userdict"] or after["userdictkeys"] or still_pointed) and time.monotonic() < deadline:
        time.sleep(0.2)
        after, still_pointed = session_rows(uid), pointed_at()
    assert after["userdict"] == 0 and after["userdictkeys"] == 0, \
        f"session {uid[:6]}... still stored after quick exit by {how}: {after}; {diag}"
    assert not still_pointed, "the browser's Flask session still points at the erased session"

    # Back: no previous answers
    page.go_back(wait_until="load")
    assert urlparse(page.url).hostname != host, "Back stayed on the neutral site"
    page.wait_for_function("() => window.daQuestionID && daQuestionID.id", timeout=15_000)
    qid = it.question_id()
    assert qid != MID_SCREEN, "Back showed the screen the person left"
    html = page.content()
    assert NAME not in html and NAME.split()[-1] not in html, "Back shows the erased answers"
    values = page.evaluate("() => Array.from(document.querySelectorAll('input, textarea')).map(e => e.value)")
    assert not any(NAME.split()[-1] in (v or "") for v in values)
    assert it.session_uid() != uid, "Back resumed the erased session"


def test_quick_exit_without_javascript_erases_the_session_and_its_files(server_url, browser, page, tmp_path):
    """Drafts made and a case file saved, then Quick exit from a browser with JavaScript off: the
    link alone erases the session, and every file the session stored is gone from the server's disk."""
    from helpers import stored_file_dirs
    from paths import DOWNLOAD_ID, walk

    site = neutral_site()
    host = urlparse(site).hostname
    it = Interview(page, server_url)
    it.start()
    walk(it, Case(**{**NY_CASE.__dict__, "name": NAME}))
    it.expect_question(DOWNLOAD_ID)
    save = page.locator("a.tr-save-later").get_attribute("href")
    saved = page.context.request.get(save if save.startswith("http") else server_url + save)
    assert saved.status == 200 and json.loads(saved.body())["client"]["legal_name"] == NAME
    uid = it.session_uid()
    dirs = stored_file_dirs(uid)
    assert len(dirs) >= 8 and all(d.is_dir() for d in dirs), dirs  # drafts, reports, ZIP, case file

    nojs = browser.new_context(java_script_enabled=False)
    try:
        nojs.add_cookies(page.context.cookies(server_url))
        nojs.route(re.compile(r"^https?://" + re.escape(host) + r"(:\d+)?(/.*)?$"),
                   lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_BODY))
        plain = nojs.new_page()
        plain.goto(server_url + "/run/forms/")
        link = plain.locator("a.tr-quick-exit")
        assert link.count() == 1, plain.content()[:2000]
        link.click()
        plain.wait_for_url(lambda url: urlparse(url).hostname == host, timeout=15_000)
        assert plain.title() == "Neutral stand-in"
    finally:
        nojs.close()
    after = session_rows(uid)
    assert after["userdict"] == 0 and after["userdictkeys"] == 0 and after["uploads"] == 0, after
    left = [d for d in dirs if d.exists()]
    assert not left, f"files of the erased session still on disk: {left}"
