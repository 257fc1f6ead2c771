"""An arrest-only federal case, end to end on the real server: the case file version 2 questions appear only
where the federal data needs them, and the answers reach the papers and the saved case file.

The federal law reaches arrests (so who moved to dismiss is asked), names no prosecuting office pattern (so
the office is asked), and gives no relief about fines (so fines paid are not asked). Every person, court,
agency and case number here is fictional.
"""
from __future__ import annotations

import json

import yaml

from helpers import Interview, document_text, drive, squash
from paths import DOWNLOAD_ID, SCREENING_ID, Case, plan_for

US_ARREST = Case(
    name="Noor Ficticia", state="US", court="United States District Court for the District of Example",
    county="Example", case_number="1:19-mj-00042", offence="Identity document fraud", statute="18 U.S.C. § 1028",
    categories=["fraud"], offence_class="felony",
    connection="The trafficker gave me the papers and made me carry them.",
)
AGENCY, DISTRICT = "Example Field Office", "Example Division"
OFFICE = "United States Attorney's Office for the District of Example"


def _record_answers(case: Case) -> dict:
    return {"records[i].kind": "arrest", "records[i].court": case.court, "records[i].county": case.county,
            "records[i].case_number": case.case_number, "records[i].offence": case.offence,
            "records[i].statute": case.statute, "records[i].offence_categories": case.categories,
            "?records[i].offence_class": case.offence_class, "?records[i].violent_choice": "no",
            "records[i].arrest_date": "2019-01-10", "records[i].agency": AGENCY, "records[i].district": DISTRICT,
            "records[i].prosecuting_office": OFFICE, "records[i].arrest_disposition": "dismissed",
            "records[i].disposition_date": "2019-06-03", "records[i].dismissed_on_motion_of": "prosecution",
            "records[i].connection_choice": "write_now", "records[i].trafficking_connection": case.connection,
            "?records[i].prosecutor_consent": case.consent}


def _get(it: Interview, href: str) -> bytes:
    url = href if href.startswith("http") else it.base_url + href
    response = it.page.context.request.get(url)
    assert response.status == 200, f"GET {url}: {response.status}"
    return response.body()


def test_federal_arrest_only_path(server_url, page, tmp_path):
    it = Interview(page, server_url)
    it.start()
    plan = plan_for(US_ARREST)
    plan["record_attorney"] = _record_answers(US_ARREST)
    # the federal law counts the government's response from filing: the intended filing date is asked
    plan["record_relief_procedure"] = {"record_relief_filing_date": "2026-12-15"}
    seen: dict[str, object] = {}

    def check(it: Interview, qid: str) -> None:
        if qid == "record_attorney":
            seen["asked"] = {name: it.has_field(name) for name in (
                "records[i].district", "records[i].prosecuting_office", "records[i].dismissed_on_motion_of",
                "records[i].fines_and_fees_paid")}
        if qid == "record_relief_procedure":
            seen["procedure"] = {name: it.has_field(name) for name in ("record_relief_filing_date",
                                                                       "record_relief_victims")}
        if qid == SCREENING_ID:
            seen["screening"] = squash(it.main.text_content())

    drive(it, plan, DOWNLOAD_ID, on_screen=check)
    # asked where the federal data needs them, and only there
    assert seen["asked"] == {"records[i].district": True, "records[i].prosecuting_office": True,
                             "records[i].dismissed_on_motion_of": True, "records[i].fines_and_fees_paid": False}
    assert US_ARREST.case_number in str(seen["screening"])
    assert seen["procedure"] == {"record_relief_filing_date": True, "record_relief_victims": False}

    files = {f.filename: f for f in it.download_all(tmp_path)}
    assert not any("Noor" in name or "Ficticia" in name for name in files)
    motion = squash(document_text(files["US-1-motion.docx"].path))
    assert "Motion to Expunge All Records of the Arrest".upper() in motion.upper()
    assert "Judgment of Conviction".upper() not in motion.upper() and "verdict" not in motion.lower()
    assert "dismissed (on the prosecution's motion)" in motion
    assert "Counted from filing on December 15, 2026" in motion  # the response window counts from the filing date
    certificate = squash(document_text(files["US-1-certificate-of-service.docx"].path))
    assert f"{OFFICE} and {AGENCY}, {DISTRICT} (arresting agency)" in certificate
    checklist = squash(document_text(files["US-1-after-order-checklist.docx"].path))
    assert f"Send the order to the arresting agency: {AGENCY}, {DISTRICT}." in checklist
    report = json.loads(files["assembly-report.json"].data)
    assert not any("version 1" in w for w in report["warnings"])

    # "Save to finish later" gives back a version 2 case file with the new answers
    saved = yaml.safe_load(_get(it, page.locator("a.tr-save-later").first.get_attribute("href")))
    assert saved["case_file_version"] == 2 and saved["filing_date"] == "2026-12-15"
    [arrest] = saved["arrests"]
    assert {k: arrest.get(k) for k in ("agency", "district", "prosecuting_office", "disposition",
                                        "dismissed_on_motion_of")} == {
        "agency": AGENCY, "district": DISTRICT, "prosecuting_office": OFFICE, "disposition": "dismissed",
        "dismissed_on_motion_of": "prosecution"}
    assert "convictions" not in saved and "fines_and_fees_paid" not in arrest
