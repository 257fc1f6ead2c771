"""The certification path on the real server: a fictional client who is not a U.S. citizen, with one
police contact, asks for help with the forms; the screening screen explains the three requests with
their sources; the drafts are downloaded through the browser's session and the I-918 Supplement B
request letter is opened (addressee, the official's title, the pre-filled facts), with the follow-up
log's CSV beside its DOCX. Also: the module's screens in Spanish with axe-core on each, and "Answer it
now" when the client's country is missing. Every person, agency and number here is fictional.
"""
from __future__ import annotations

import csv
import io

from helpers import CONTINUE, Interview, document_text, squash
from paths import DOWNLOAD_ID, ES_CASE, NY_CASE, walk
from test_accessibility import AXE, BLOCKING, axe_violations
from test_paths import assert_no_client_data_in_names, by_name

AGENCY = "Example City Police Department"
OFFICER = "Lt. Dana Example"
TITLE = "Commander, Special Victims Unit"
ADDRESS = "100 Sample Street, Example City, NY 10000"
REPORT = "EC-2021-0042"
HELP = "gave a recorded statement and named the recruiter in a photo lineup"

CERTIFICATION_PLAN = {
    "client_immigration": {"client.immigration_choice": "not_us_citizen", "client.citizenship": "Honduras"},
    "certification_choice": {"certification_choice": "yes"},
    "le_contact_choice": {"le_contact_choice": "yes"},
    "le_contact_item": {"le_contacts[i].agency": AGENCY, "le_contacts[i].officer": OFFICER,
                        "le_contacts[i].report_number": REPORT, "le_contacts[i].contact_date": "2021-07-02",
                        "le_contacts[i].cooperation": HELP},
    "le_contacts_another": "False",
    "certification_contact_details": {"le_contacts[i].title": TITLE, "le_contacts[i].address": ADDRESS,
                                      "le_contacts[i].agency_level": "local",
                                      "le_contacts[i].crimes_text": "trafficking\ninvoluntary servitude",
                                      "le_contacts[i].sent_choice": "no"},
    "certification_screening": CONTINUE,
}


def test_a_non_citizen_with_one_police_contact_gets_the_request_letters(server_url, page, tmp_path):
    it = Interview(page, server_url)
    it.start()
    seen: dict[str, str] = {}

    def check(it: Interview, qid: str) -> None:
        if qid == "certification_screening":
            seen["screening"] = squash(it.main.text_content())
            seen["sources"] = it.main.locator("details.tr-lawyer a[href^='http']").count()

    visited = walk(it, NY_CASE, on_screen=check, **CERTIFICATION_PLAN)
    it.expect_question(DOWNLOAD_ID)
    assert visited.index("certification_choice") < visited.index("certification_contact_details") \
        < visited.index("certification_screening"), visited

    screening = seen["screening"]
    for words in (AGENCY, "T visa form (I-914 Supplement B)", "U visa form (I-918 Supplement B)", "Continued Presence",
                  "Ready We can write a letter that asks for it.", "For the lawyer: the law and its sources",
                  "8 C.F.R. § 214.14(c)(2)(i)", "Next: we will make draft letters"):
        assert words in screening, f"{words!r} not on the screening screen:\n{screening}"
    assert "What is missing" not in screening, screening
    assert seen["sources"] >= 1, "no link to a source in the lawyer's part"

    it.assert_text("Letters to ask the police for immigration forms", "Request letter for Form I-918 Supplement B",
                   "Spreadsheet (CSV)")
    files = it.download_all(tmp_path)
    assert_no_client_data_in_names(files, NY_CASE)
    letter = squash(document_text(by_name(files, "le1-u_supplement_b-request-letter.docx").path))
    # the addressee block, in order: the official, the title, the agency, the address
    addressee = f"{OFFICER} {TITLE} {AGENCY} {ADDRESS}"
    assert addressee in letter, letter[:1500]
    assert f"Dear {OFFICER}:" in letter
    for fact in (NY_CASE.name, "born May 17, 1994", f"Your case or report number: {REPORT}", HELP,
                 "trafficking and involuntary servitude", "8 C.F.R. § 214.14(c)(2)(i)",
                 "DRAFT — for review by a licensed attorney"):
        assert fact in letter, f"{fact!r} not in the I-918 Supplement B letter:\n{letter[:3000]}"
    assert "http" not in letter  # citations only, no source notes
    worksheet = squash(document_text(by_name(files, "le1-u_supplement_b-officer-worksheet.docx").path))
    assert NY_CASE.name in worksheet and REPORT in worksheet and AGENCY in worksheet
    log = list(csv.DictReader(io.StringIO(by_name(files, "follow-up-log.csv").data.decode("utf-8"))))
    assert len(log) == 3 and {row["Agency"] for row in log} == {AGENCY}
    assert {row["Date sent"] for row in log} == {"not sent yet"}
    assert by_name(files, "NY-1-notice-of-motion.docx")  # record relief drafts from the same intake


def test_the_certification_screens_in_spanish_pass_axe(server_url, page):
    assert AXE.is_file(), f"{AXE} missing: server/start installs axe-core with npm"
    it = Interview(page, server_url)
    it.start(lang="es")
    headings: dict[str, str] = {}
    found: dict[str, list] = {}

    def check(it: Interview, qid: str) -> None:
        if qid.startswith("certification_") or qid == DOWNLOAD_ID:
            headings[qid] = it.heading()
            bad = [v for v in axe_violations(it.page) if v["impact"] in BLOCKING]
            if bad:
                found[qid] = bad

    walk(it, ES_CASE, on_screen=check, **CERTIFICATION_PLAN)
    assert not found, found
    assert headings["certification_choice"].startswith("¿Quiere ayuda para pedirle a la policía"), headings
    assert headings["certification_contact_details"] == f"Más sobre {AGENCY}", headings
    assert headings["certification_screening"] == "Lo que encontramos: formularios de la policía", headings
    it.assert_text("Cartas para pedirle a la policía formularios de inmigración", "Hoja de cálculo (CSV)")


def test_answer_it_now_asks_for_the_missing_country(server_url, page):
    it = Interview(page, server_url)
    it.start()
    plan = {**CERTIFICATION_PLAN, "client_immigration": {"client.immigration_choice": "not_us_citizen"}}
    walk(it, NY_CASE, until="certification_screening", **plan)
    it.assert_text("We need your country or your immigration status to check this.")
    link = it.page.locator("#daquestion a.tr-answer-now")
    it._submit(lambda: link.click(), "Answer it now", "client_immigration", None)
    it.next({"client.citizenship": "Honduras"}, expect="certification_screening")
    it.assert_text("Ready We can write a letter that asks for it.")
    assert "We need your country" not in squash(it.main.text_content())
