"""Certification requests to law enforcement (T and U Supplement B, Continued Presence): screening per
agency and request type, the request letters, the officer's worksheets and the follow-up log, for
fictional cases with state, local and federal agencies; bad and missing input."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re

import pytest

from docassemble.traffickingrelief import assemble, screen
from docassemble.traffickingrelief.errors import CaseFileError
from docassemble.traffickingrelief.families.certification.follow_up import follow_up_csv
from docassemble.traffickingrelief.families.certification.screening import match_crimes
from docassemble.traffickingrelief.jurisdictions import load_jurisdiction
from tests.conftest import case_of, docx_text

TODAY = dt.date(2026, 11, 30)

LOCAL_PD = {
    "agency": "Example City Police Department", "agency_level": "local",
    "officer": "Lt. Dana Example", "title": "Commander, Special Victims Unit",
    "address": "100 Sample Street, Example City, CA 90000", "report_number": "EC-2021-0042",
    "contact_date": "2021-07-02",
    "cooperation": "gave a recorded statement and identified the recruiter in a photo lineup",
    "qualifying_crimes": ["trafficking", "involuntary servitude"],
}
STATE_AG = {
    "agency": "Office of the Example State Attorney General", "agency_level": "state",
    "officer": "Jordan Placeholder", "title": "Chief, Human Trafficking Unit",
    "address": "1 Capitol Way, Example, TX 78700",
    "cooperation": "testified before the grand jury",
    "qualifying_crimes": ["attempted kidnapping", "wage theft"],
}
FEDERAL = {
    "agency": "Example Field Office, Homeland Security Investigations", "agency_level": "federal",
    "officer": "Special Agent Morgan Sample", "title": "Group Supervisor",
    "address": "200 Federal Plaza, Example, NY 10000", "report_number": "HSI-EX-0007",
    "cooperation": "met with agents twice and provided text messages from the trafficker",
}


def base_case(*contacts: dict, **client) -> dict:
    return {
        "case_file_version": 2,
        "client": {"legal_name": "Rosa Ficticia", "date_of_birth": "1996-02-10", "citizenship": "Guatemala",
                   "a_number": "A012345678", **client},
        "trafficking": {"types": ["labor"], "periods": [{"start": "2019-01-01", "end": "2021-06-30",
                                                         "place": "Example City, California"}],
                        "force": True, "coercion": True},
        "law_enforcement_contacts": [copy.deepcopy(c) for c in contacts],
        "preparer": {"name": "Casey Counsel", "role": "attorney", "bar_number": "000001", "bar_state": "CA",
                     "organisation": "Example Clinic", "address": "5 Clinic Road, Example City, CA 90001"},
    }


def results_of(data: dict, today: dt.date = TODAY):
    return {r.subject.id: r for r in screen(case_of(data), today, ["certification"])}


def run(data: dict, tmp_path, today: dt.date = TODAY):
    result = assemble(case_of(data), tmp_path / "out", ["certification"], pdf=False, today=today)
    texts = {d["file"].split("/")[-1].removesuffix(".docx"): docx_text(result.out_dir / d["file"])
             for d in result.report["documents"] if d["format"] == "docx"}
    return result, texts


# --------------------------------------------------------------------------------------------------
# Screening


def test_each_agency_gets_one_result_per_request_type_with_its_reasons():
    results = results_of(base_case(LOCAL_PD, FEDERAL))
    assert sorted(results) == ["le1-continued_presence", "le1-t_supplement_b", "le1-u_supplement_b",
                               "le2-continued_presence", "le2-t_supplement_b", "le2-u_supplement_b"]
    assert all(r.subject.kind == "certification" and r.draftable for r in results.values())
    t = results["le1-t_supplement_b"].as_dict()
    assert any("optional" in x["text"] for x in t["reasons"])
    u = results["le1-u_supplement_b"].as_dict()
    listed = next(x for x in u["reasons"] if "statutory list" in x["text"])
    assert "trafficking, involuntary servitude" in listed["text"]
    assert listed["citation"] == "8 U.S.C. § 1101(a)(15)(U)"
    assert any("required" in x["text"] and x["citation"] == "8 C.F.R. § 214.14(c)(2)(i)" for x in u["reasons"])
    cp = results["le1-continued_presence"].as_dict()
    assert any("Only law enforcement can request" in x["text"] for x in cp["reasons"])


def test_a_crime_off_the_statutory_list_goes_to_review_and_attempts_match_the_listed_crime(tmp_path):
    result = results_of(base_case(STATE_AG))["le1-u_supplement_b"]
    assert result.status == "needs_review" and result.draftable
    texts = [f.text for f in result.findings]
    assert any("statutory list: kidnapping" in t for t in texts)
    assert any("similar activity" in t for t in texts)
    _, texts = run(base_case(STATE_AG), tmp_path)
    letter = texts["le1-u_supplement_b-request-letter"]
    assert "The qualifying criminal activity: kidnapping." in letter  # the listed crime, in the list's words
    assert "Your agency's investigation also covered: wage theft." in letter  # never called qualifying
    assert match_crimes(["Sexual  Assault", "Conspiracy to commit peonage", "robbery"],
                        load_jurisdiction("US").value("certification.u_supplement_b.qualifying_crimes")) == (
        ["sexual assault", "peonage"], ["robbery"])


def test_no_immigration_path_means_no_requests_and_says_why(tmp_path):
    unknown = base_case(LOCAL_PD)
    for key in ("citizenship", "a_number"):
        del unknown["client"][key]
    assert results_of(unknown) == {}
    result, texts = run(unknown, tmp_path)
    assert texts == {}
    assert any("not screened" in w and "citizenship" in w for w in result.report["warnings"])
    assert results_of(base_case(LOCAL_PD, citizenship="United States")) == {}


def test_a_request_already_answered_is_not_drafted_again_but_stays_in_the_log(tmp_path):
    contact = dict(FEDERAL, certification_requests=[
        {"kind": "u_supplement_b", "sent_on": "2026-06-01", "response": "signed", "response_on": "2026-07-15"},
        {"kind": "t_supplement_b", "sent_on": "2026-10-01", "response": "pending"},
        {"kind": "continued_presence", "sent_on": "2026-09-01", "response": "declined", "response_on": "2026-10-20"}])
    results = results_of(base_case(contact))
    assert not results["le1-u_supplement_b"].draftable and results["le1-u_supplement_b"].status == "eligible"
    assert not results["le1-continued_presence"].draftable
    assert results["le1-t_supplement_b"].draftable  # pending: a follow-up copy is drafted
    result, texts = run(base_case(contact), tmp_path)
    assert "le1-u_supplement_b-request-letter" not in texts
    log = texts["follow-up-log"]
    assert "October 1, 2026" in log and "October 31, 2026" in log  # sent + 30 days (certification.follow_up_days)
    assert "signed" in log and "July 15, 2026" in log and "declined" in log
    assert "within the 6 months before the petition is filed" in log.replace("[CONFIRM: 6]", "6")
    assert any("30 days after a request is sent" in w and "not law" in w for w in result.report["warnings"])


# --------------------------------------------------------------------------------------------------
# The U letter and worksheet (local police)


def test_u_letter_is_addressed_to_the_official_and_names_the_listed_crime(tmp_path):
    _, texts = run(base_case(LOCAL_PD), tmp_path)
    letter = texts["le1-u_supplement_b-request-letter"]
    lines = letter.splitlines()
    start = lines.index("Lt. Dana Example")
    assert lines[start:start + 4] == ["Lt. Dana Example", "Commander, Special Victims Unit",
                                      "Example City Police Department", "100 Sample Street, Example City, CA 90000"]
    assert "Dear Lt. Dana Example:" in letter
    assert "Re: Request for Form I-918, Supplement B, U Nonimmigrant Status Certification" in letter
    assert "Your case or report number: EC-2021-0042" in letter
    assert "The qualifying criminal activity: trafficking and involuntary servitude." in letter
    assert "on the list in [CONFIRM: 8 U.S.C. § 1101(a)(15)(U)]" in letter  # read only in summaries
    assert "(8 C.F.R. § 214.14(c)(2)(i))" in letter  # the requirement, from the instructions' verbatim copy
    assert "gave a recorded statement and identified the recruiter in a photo lineup" in letter
    assert "edition [MISSING: current edition of the form" in letter  # no edition is invented
    assert "Attorney for Rosa Ficticia" in letter and "Casey Counsel" in letter
    assert "DRAFT" in letter
    assert not re.search(r"https?://|www\.|\bper\b|not read", letter)


def test_u_worksheet_is_titled_as_a_worksheet_and_prefills_the_case_facts(tmp_path):
    _, texts = run(base_case(LOCAL_PD), tmp_path)
    sheet = texts["le1-u_supplement_b-officer-worksheet"]
    title = sheet.splitlines()[0]
    assert title.startswith("OFFICER'S WORKSHEET FOR ") and title.endswith("(NOT THE OFFICIAL FORM)")
    assert "This worksheet is not the official form." in sheet
    for label, value in (("Full legal name", "Rosa Ficticia"), ("Date of birth", "February 10, 1996"),
                         ("A-Number (if any)", "A012345678"), ("Agency", "Example City Police Department"),
                         ("Official's title", "Commander, Special Victims Unit"),
                         ("Case or report number", "EC-2021-0042"),
                         ("Activity on the statutory list", "trafficking and involuntary servitude"),
                         ("When", "January 1, 2019 to June 30, 2021"), ("Where", "Example City, California"),
                         ("First contact with the agency", "July 2, 2021")):
        assert f"{label}\n{value}" in sheet, label
    assert "[CONFIRM: 8 U.S.C. § 1101(a)(15)(U)]" in sheet


# --------------------------------------------------------------------------------------------------
# The T letter (federal agency): cooperation, the minor and trauma exemptions


def test_t_letter_to_a_federal_agency_states_the_optional_declaration_and_the_help_given(tmp_path):
    _, texts = run(base_case(FEDERAL), tmp_path)
    letter = texts["le1-t_supplement_b-request-letter"]
    assert "Special Agent Morgan Sample\nGroup Supervisor\nExample Field Office, Homeland Security Investigations" in letter
    assert "Re: Request for Form I-914, Supplement B, Declaration for Trafficking Victim" in letter
    assert "This declaration is [CONFIRM: optional] evidence" in letter
    assert "([CONFIRM: 8 U.S.C. § 1101(a)(15)(T)(i)])" in letter
    assert "a formal investigation or prosecution is not required" in letter
    assert "What Rosa Ficticia did to help your agency: met with agents twice" in letter
    assert "labor trafficking" in letter and "force and coercion" in letter


def test_t_letter_for_a_minor_explains_the_exemption_instead_of_cooperation(tmp_path):
    minor = base_case(dict(FEDERAL, cooperation=None), date_of_birth="2004-05-01")  # 14 when it began
    result = results_of(minor)["le1-t_supplement_b"]
    assert result.status == "eligible"
    assert any("minor exemption" in f.text for f in result.findings)
    assembled, texts = run(minor, tmp_path)
    letter = texts["le1-t_supplement_b-request-letter"]
    assert "was [CONFIRM: under 18 years of age] when the trafficking began" in letter
    assert "did to help your agency" not in letter
    assert not any(m["label"] == "what the client did to help this agency"
                   for m in assembled.report["missing_facts"] if m["document"].startswith("le1-t_"))
    assert "Age when the trafficking began\n14" in texts["le1-t_supplement_b-officer-worksheet"]
    cp = texts["le1-continued_presence-request-letter"]
    assert "[MISSING" not in cp and "did to help your agency" not in cp  # help is not a condition of the CP letter
    assert "The agency and the officer" in texts["le1-continued_presence-officer-worksheet"]


def test_t_letter_explains_the_trauma_exemption_in_the_case_files_words(tmp_path):
    data = base_case(dict(LOCAL_PD, cooperation=None))
    data["trafficking"].update(unable_to_cooperate_due_to_trauma=True,
                               trauma_explanation="Her clinician advised against interviews during treatment.")
    _, texts = run(data, tmp_path)
    letter = texts["le1-t_supplement_b-request-letter"]
    assert ("was [CONFIRM: unable to cooperate because of physical or psychological trauma] "
            "([CONFIRM: 8 U.S.C. § 1101(a)(15)(T)(i)]): Her clinician advised against interviews during treatment.") in letter


def test_missing_help_and_missing_official_become_placeholders_and_review(tmp_path):
    data = base_case({"agency": "Example County Sheriff", "agency_level": "local"})
    results = results_of(data)
    assert results["le1-t_supplement_b"].status == "needs_review"
    assert "what the client did to help this agency" in results["le1-u_supplement_b"].missing_facts
    result, texts = run(data, tmp_path)
    letter = texts["le1-u_supplement_b-request-letter"]
    assert "[MISSING: certifying official's name]" in letter and "[MISSING: agency's mailing address]" in letter
    assert "Dear Certifying Official:" in letter
    assert "[MISSING: what the client did to help this agency]" in letter
    labels = {(m["document"], m["label"]) for m in result.report["missing_facts"]}
    assert ("le1-u_supplement_b-request-letter", "certifying official's title") in labels


# --------------------------------------------------------------------------------------------------
# Continued Presence: a request to law enforcement, worded neutrally on who submits


_ASSERTS_A_ROUTE = re.compile(r"only federal|submit (it )?directly|directly to|cannot submit|may not submit|must "
                              r"(submit|go through)|is barred|not allowed|state and local agencies", re.I)


@pytest.mark.parametrize("contact", [LOCAL_PD, STATE_AG, FEDERAL], ids=["local", "state", "federal"])
def test_continued_presence_letter_asks_law_enforcement_and_asserts_no_route(contact, tmp_path):
    _, texts = run(base_case(contact), tmp_path)
    letter = texts["le1-continued_presence-request-letter"]
    assert f"Dear {contact['officer']}:" in letter
    assert "Re: Request that your agency request [CONFIRM: Continued Presence]" in letter
    assert ("We ask that your agency request [CONFIRM: Continued Presence] for Rosa Ficticia, or ask a federal "
            "law-enforcement partner to request it, in whichever way your agency's procedures provide.") in letter
    assert "Rosa Ficticia cannot apply for it, and neither can I." in letter
    assert "([CONFIRM: 22 U.S.C. § 7105(c)(3)])" in letter
    assert not _ASSERTS_A_ROUTE.search(letter)
    assert not _ASSERTS_A_ROUTE.search(texts["le1-continued_presence-officer-worksheet"])
    assert "Form I-9" not in letter.split("Enclosures")[1]  # no supplement to enclose for CP


def test_continued_presence_warns_of_the_conflict_only_for_non_federal_agencies():
    results = results_of(base_case(LOCAL_PD, FEDERAL))
    assert any("conflict" in f.text for f in results["le1-continued_presence"].warnings)
    assert not any("conflict" in f.text for f in results["le2-continued_presence"].warnings)


# --------------------------------------------------------------------------------------------------
# Data, staleness, the CSV log


def test_the_data_carries_no_invented_edition_and_every_fact_has_tier_and_as_of():
    us = load_jurisdiction("US")
    facts = {k: f for k, f in us.facts.items() if k.startswith("certification.")}
    assert len(facts) >= 20
    for key in ("certification.t_supplement_b.edition", "certification.u_supplement_b.edition"):
        assert facts[key].value is None and "uscis.gov" in facts[key].note
    assert facts["certification.continued_presence.state_local_submission"].value is None
    assert facts["certification.u_supplement_b.qualifying_crimes"].citation == "8 U.S.C. § 1101(a)(15)(U)"
    assert {"trafficking", "involuntary servitude", "peonage"} <= set(facts["certification.u_supplement_b.qualifying_crimes"].value)
    assert all(f.tier in ("official", "copy", "secondary", "none") and f.as_of for f in facts.values())


def test_a_stale_as_of_date_is_a_warning(tmp_path):
    later = dt.date(2028, 1, 15)
    result = results_of(base_case(LOCAL_PD), later)["le1-u_supplement_b"]
    assert any("last checked on 2026-11-30" in f.text for f in result.warnings)
    assert result.status == "eligible"  # a warning, not a bar
    assembled, _ = run(base_case(LOCAL_PD), tmp_path, today=later)
    assert any("more than a year ago" in w for w in assembled.report["warnings"])
    fresh = results_of(base_case(LOCAL_PD))["le1-u_supplement_b"]
    assert not any("last checked" in f.text for f in fresh.findings)


def test_follow_up_log_exports_as_csv_with_safe_cells():
    contact = dict(LOCAL_PD, agency="=HYPERLINK(1)",
                   certification_requests=[{"kind": "u_supplement_b", "sent_on": "2026-11-02", "response": "pending"}])
    case = case_of(base_case(contact))
    rows = list(csv.reader(io.StringIO(follow_up_csv(case, screen(case, TODAY, ["certification"])))))
    assert rows[0] == ["Request", "Agency", "Date sent", "Follow-up due", "Response", "Response date"]
    u_row = next(r for r in rows if r[0].startswith("Form I-918"))
    assert u_row == ["Form I-918, Supplement B, U Nonimmigrant Status Certification", "'=HYPERLINK(1)",
                     "November 2, 2026", "December 2, 2026", "pending", ""]
    assert len(rows) == 4


def test_the_family_offers_the_csv_beside_its_drafts():
    from docassemble.traffickingrelief.family import select
    family = select(["certification"])[0]
    case = case_of(base_case(LOCAL_PD))
    results = screen(case, TODAY, ["certification"])
    drafts = family.build(case, results, final=False)
    exports = family.exports(case, results, drafts)
    assert list(exports) == ["follow-up-log.csv"] and exports["follow-up-log.csv"].startswith("Request,Agency,")
    assert family.exports(case, [], []) == {}


def test_assembly_writes_the_csv_beside_the_drafts_and_lists_it(tmp_path):
    contact = dict(FEDERAL, certification_requests=[{"kind": "t_supplement_b", "sent_on": "2026-10-01"}])
    result, _ = run(base_case(contact), tmp_path)
    entry = next(d for d in result.report["documents"] if d["format"] == "csv")
    assert entry["file"] == "certification/follow-up-log.csv" and entry["family"] == "certification"
    text = (result.out_dir / entry["file"]).read_text(encoding="utf-8")
    assert ["Form I-914, Supplement B, Declaration for Trafficking Victim", FEDERAL["agency"], "October 1, 2026",
            "October 31, 2026", "awaiting answer", ""] in list(csv.reader(io.StringIO(text)))
    assert "certification/follow-up-log.csv" in result.report_markdown.read_text(encoding="utf-8")
    again = assemble(case_of(base_case(contact)), tmp_path / "out", ["certification"], pdf=False, today=TODAY)
    assert again.kept == ()  # the tool's own CSV is replaced, never taken for a user's file


# --------------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize("change, field", [
    (lambda c: c["law_enforcement_contacts"][0].update(agency_level="city"), "law_enforcement_contacts[0].agency_level"),
    (lambda c: c["law_enforcement_contacts"][0].pop("agency"), "law_enforcement_contacts[0].agency: required"),
    (lambda c: c["law_enforcement_contacts"][0].update(certification_requests=[{"kind": "i-912"}]),
     "law_enforcement_contacts[0].certification_requests[0].kind"),
    (lambda c: c["law_enforcement_contacts"][0].update(certification_requests=[{"kind": "t_supplement_b",
                                                                                "sent_on": "2026-02-30"}]),
     "law_enforcement_contacts[0].certification_requests[0].sent_on: not a date"),
    (lambda c: c["trafficking"].update(unable_to_cooperate_due_to_trauma="yes"),
     "trafficking.unable_to_cooperate_due_to_trauma"),
])
def test_bad_input_names_the_field_and_writes_nothing(change, field, tmp_path):
    data = base_case(LOCAL_PD)
    change(data)
    with pytest.raises(CaseFileError) as error:
        assemble(case_of(data), tmp_path / "out", ["certification"], pdf=False, today=TODAY)
    assert field in str(error.value)
    assert "Example City" not in str(error.value)  # never the client's text
    assert not (tmp_path / "out").exists()


def test_pdfs_carry_the_addressee_and_the_worksheet_title(tmp_path):
    from pypdf import PdfReader

    result = assemble(case_of(base_case(STATE_AG)), tmp_path / "out", ["certification"], pdf=True, today=TODAY)
    pdfs = {d["file"] for d in result.report["documents"] if d["format"] == "pdf"}
    assert len(pdfs) == 7  # three letters, three worksheets, the log
    letter = " ".join(p.extract_text() for p in PdfReader(result.out_dir / "certification/le1-u_supplement_b-request-letter.pdf").pages)
    assert "Jordan Placeholder" in letter and "Chief, Human Trafficking Unit" in letter and "1 Capitol Way" in letter
    sheet = PdfReader(result.out_dir / "certification/le1-t_supplement_b-officer-worksheet.pdf").pages[0].extract_text()
    assert "WORKSHEET" in sheet.upper() and "NOT THE OFFICIAL FORM" in sheet.upper()


def test_user_text_comes_out_literally(tmp_path):
    contact = dict(LOCAL_PD, agency="{{ agency }} & <b>Unit</b>", cooperation="{% if x %}named {{ y }}{% endif %}")
    _, texts = run(base_case(contact), tmp_path)
    letter = texts["le1-u_supplement_b-request-letter"]
    assert "{{ agency }} & <b>Unit</b>" in letter
    assert "{% if x %}named {{ y }}{% endif %}" in letter
