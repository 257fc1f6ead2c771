"""Private by default, and usable on a phone, on the real server:
- the address bar and the tab title never name the package on any screen (docassemble's `dispatch`
  gives the neutral /run/forms/ address, and pushState records that address in the history);
- at 390 px wide, the screening and download screens scroll only down, never sideways (the lawyer's
  part opened);
- "Download all" is a ZIP holding exactly the files listed on the download screen;
- an age left blank stays unknown through "Save to finish later" and a new start from that file.
All people are fictional.
"""
from __future__ import annotations

import io
import json
import zipfile

from helpers import CONTINUE, Interview, b64name
from paths import DOWNLOAD_ID, NY_CASE, REVIEW_ID, SCREENING_ID, plan_for, walk

PHONE = {"width": 390, "height": 844}
OVERFLOW_JS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const limit = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > limit + 1)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + String(e.className).split(' ')[0]);
  return {scroll: document.documentElement.scrollWidth, width: limit, wide: wide.slice(0, 8)};
}"""


def _get(it: Interview, href: str) -> bytes:
    url = href if href.startswith("http") else it.base_url + href
    response = it.page.context.request.get(url)
    assert response.status == 200, f"GET {url}: {response.status}"
    return response.body()


def test_phone_width_private_address_and_the_zip(server_url, browser, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        it = Interview(page, server_url)
        it.start()
        widths: dict[str, dict] = {}
        addresses: list[tuple[str, str, str]] = []

        def check(it: Interview, qid: str) -> None:
            addresses.append((qid, it.page.url, it.page.title()))
            if qid in (SCREENING_ID, DOWNLOAD_ID):
                widths[qid] = it.page.evaluate(OVERFLOW_JS)

        walk(it, NY_CASE, on_screen=check)
        for qid, url, title in addresses:
            assert "traffickingrelief" not in url.lower() and "docassemble" not in url.lower(), (qid, url)
            assert "/run/forms/" in url, (qid, url)
            assert "traffick" not in title.lower() and title, (qid, title)
        assert page.evaluate("() => history.length") >= 10
        assert set(widths) == {SCREENING_ID, DOWNLOAD_ID}
        for qid, w in widths.items():
            assert w["scroll"] <= w["width"] and not w["wide"], f"{qid} overflows at 390 px: {w}"

        # Download all: one ZIP with every file the screen lists, byte for byte
        zip_href = page.locator("a.tr-download-all").get_attribute("href")
        archive = zipfile.ZipFile(io.BytesIO(_get(it, zip_href)))
        listed = {d.filename: d for d in it.download_all(tmp_path) if d.filename != "drafts.zip"}
        assert sorted(archive.namelist()) == sorted(listed), (archive.namelist(), sorted(listed))
        for name, download in listed.items():
            assert archive.read(name) == download.data, f"{name} in the ZIP differs from its own link"
        assert {"NY-1-notice-of-motion.docx", "NY-1-notice-of-motion.pdf", "assembly-report.html", "assembly-report.docx",
                "assembly-report.json"} <= set(listed)
        html = archive.read("assembly-report.html").decode("utf-8")
        assert html.startswith("<!doctype html>") and "Screening" in html
    finally:
        context.close()


def test_a_skipped_age_stays_unknown_through_export_and_import(server_url, page, tmp_path):
    it = Interview(page, server_url)
    it.start()
    seen: list[str] = []
    walk(it, NY_CASE, on_screen=lambda it, qid: seen.append(qid))
    assert "trafficking_when" in seen  # the age box was there, and left blank
    save = page.locator("a.tr-save-later").get_attribute("href")
    first = json.loads(_get(it, save))
    assert "age_at_start" not in first.get("trafficking", {}), first.get("trafficking")
    path = tmp_path / "case-file.json"
    path.write_text(json.dumps(first), encoding="utf-8")

    def upload(it: Interview) -> None:
        it.page.set_input_files(f'#daform input[type=file][name="{b64name("case_file_upload")}"]', str(path))
        it.click(CONTINUE)

    again = Interview(page, server_url)
    again.start()
    plan = plan_for(NY_CASE)
    plan["start_mode"] = {"start_mode": "upload_case_file"}
    plan["case_file_upload"] = upload
    from helpers import drive

    drive(again, plan, REVIEW_ID)
    again.assert_text("When and where: from 2017-02-01 to 2020-08-31 in Example City, Example State")
    second = json.loads(_get(again, page.locator("a.tr-save-later").get_attribute("href")))
    assert "age_at_start" not in second.get("trafficking", {}), second.get("trafficking")
    assert second["trafficking"]["periods"] == first["trafficking"]["periods"]
    assert second["client"]["legal_name"] == NY_CASE.name


def test_screening_names_a_skipped_answer_and_takes_it_now(server_url, page):
    """The link to the trafficking was skipped: the verdict says an answer is missing (not that the law
    data is short), its button asks that question now, and screening comes back with the answer in."""
    from helpers import drive

    it = Interview(page, server_url)
    it.start()
    plan = plan_for(NY_CASE)
    skipped = {k: v for k, v in plan["record_attorney"].items() if k != "records[i].trafficking_connection"}
    plan["record_attorney"] = {**skipped, "records[i].connection_choice": "prefer_not_to_say"}
    drive(it, plan, SCREENING_ID)
    it.assert_text("Needs an answer", "We need one more answer to check this case.",
                   "How this case is linked to the trafficking.")
    assert "law data" not in it.main_text()
    button = page.locator("a.tr-answer-now")
    assert button.count() == 1 and button.get_attribute("role") == "button"
    it._submit(lambda: button.click(), "Answer it now", "record_attorney", None)
    assert "traffickingrelief" not in page.url
    it.answer({"records[i].connection_choice": "write_now",
               "records[i].trafficking_connection": "The trafficker sent me to that street."})
    it.click(CONTINUE)
    it.expect_question(SCREENING_ID)
    text = it.main_text()
    assert "Needs an answer" not in text and "How this case is linked" not in text, text


def test_a_rejected_upload_is_erased_from_the_server(server_url, page, tmp_path):
    from helpers import drive, stored_file_dirs

    bad = tmp_path / "case-file.json"
    bad.write_text('{"client": {"legal_name": "Pat Rejected"}, "convictions": "not a list"}', encoding="utf-8")
    it = Interview(page, server_url)
    it.start()
    plan = plan_for(NY_CASE)
    plan["start_mode"] = {"start_mode": "upload_case_file"}

    def upload(it: Interview) -> None:
        it.page.set_input_files(f'#daform input[type=file][name="{b64name("case_file_upload")}"]', str(bad))
        it.click(CONTINUE)

    plan["case_file_upload"] = upload
    drive(it, plan, "upload_problems")
    assert "Pat Rejected" not in it.main_text()  # problems name fields, never the file's text
    dirs = stored_file_dirs(it.session_uid())
    assert dirs, "the upload was never stored"
    assert not [d for d in dirs if (d / "file").exists()], f"the rejected upload is still on disk: {dirs}"


def test_the_papers_are_made_in_the_background_with_progress_shown(server_url, page):
    """No page waits on LibreOffice: "Make the papers" answers at once with a progress screen that
    refreshes itself while the server's Celery worker assembles, then the download screen comes."""
    import time

    from paths import WAITING_ID, wait_for_papers

    it = Interview(page, server_url)
    it.start()
    walk(it, NY_CASE, until=REVIEW_ID)
    t0 = time.perf_counter()
    it.click(CONTINUE, expect=WAITING_ID)
    answered = time.perf_counter() - t0
    it.assert_text("Making your papers")
    assert page.locator("#daquestion [role=progressbar]").count() == 1
    shown = wait_for_papers(it)
    it.expect_question(DOWNLOAD_ID)
    assert shown and all(0 <= p <= 100 for p in shown) and shown == sorted(shown), shown
    assert answered < 2.0, f"'Make the papers' took {answered:.1f} s to answer"
    assert page.locator("a.tr-download-all").count() == 1
