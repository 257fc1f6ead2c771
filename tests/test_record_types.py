"""Record relief by record type, across records, with procedure, elements and official forms.

Fictional clients only. Each case is assembled (DOCX only) and its papers are read back: the title,
the operative order text, the service list, the computed dates, the grouping and the worksheet for a
mandatory official form are asserted from the jurisdiction data's own values.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from docassemble.traffickingrelief import assemble
from docassemble.traffickingrelief.facts import parse_case
from docassemble.traffickingrelief.families.record_relief.record_types import record_type
from tests.conftest import TODAY, case_of, docx_text, minimal_case

US_COURT = "United States District Court for the District of Example"


def _us_record(i: int, kind: str = "conviction", **extra) -> dict:
    base = {"id": f"{kind[0]}{i}", "jurisdiction": "US", "court": US_COURT, "case_number": f"1:19-cr-0000{i}",
            "offence": "Identity document fraud", "statute": "18 U.S.C. § 1028", "offence_categories": ["fraud"],
            "violent": False, "arrest_date": "2019-01-10",
            "trafficking_connection": "She was arrested carrying papers the trafficker forged for her."}
    if kind == "conviction":
        base.update(conviction_date="2019-03-01", sentence_completed_on="2019-09-01", disposition="guilty plea",
                    affirmative_defence_at_trial="not_raised")
    base.update(extra)
    return base


def _case(convictions=(), arrests=(), **top) -> dict:
    data = minimal_case()
    data["convictions"] = list(convictions)
    data["arrests"] = list(arrests)
    data["trafficking"]["narrative"] = "He took my papers and told me what to carry."
    data.update(top)
    return data


def _assemble(tmp_path, data, today=TODAY):
    result = assemble(case_of(data), tmp_path / "out", ["record_relief"], pdf=False, today=today)
    folder = result.out_dir / "record_relief"
    return result, folder


def _screening(result) -> dict:
    return {s["record_id"]: s for s in result.report["screening"]}


# -- 1. relief by record type ------------------------------------------------------------------


@pytest.mark.parametrize("record, expected", [
    (dict(kind="conviction", disposition="guilty plea"), "conviction_plea"),
    (dict(kind="conviction", disposition_type="no_contest_plea"), "conviction_plea"),
    (dict(kind="conviction", disposition="found guilty after a jury trial"), "conviction_verdict"),
    (dict(kind="conviction", disposition_type="verdict", disposition="guilty plea"), "conviction_verdict"),
    (dict(kind="conviction", disposition=None), "conviction"),
    (dict(kind="conviction", disposition_type="deferred_adjudication"), "deferred_adjudication"),
    (dict(kind="arrest", disposition="not_prosecuted"), "arrest_no_charge"),
    (dict(kind="arrest", disposition="dismissed"), "dismissed"),
    (dict(kind="arrest", disposition="acquitted"), "acquitted"),
    (dict(kind="arrest", disposition="diversion"), "diversion"),
    (dict(kind="arrest", disposition=None), "arrest"),
    (dict(kind="conviction", juvenile_adjudication=True, disposition="guilty plea"), "juvenile_adjudication"),
])
def test_record_type_follows_the_disposition(record, expected):
    from docassemble.traffickingrelief.facts import Record

    assert record_type(Record(id="x", jurisdiction="US", offence="o", **record)) == expected


def test_federal_plea_verdict_and_arrest_each_get_their_own_title_and_order(tmp_path):
    data = _case(convictions=[_us_record(1), _us_record(2, disposition="found guilty by a jury")],
                 arrests=[_us_record(3, kind="arrest", disposition="not_prosecuted")])
    result, folder = _assemble(tmp_path, data)
    names = sorted(p.name for p in folder.glob("US-*-motion.docx"))
    assert names == ["US-1-motion.docx", "US-2-motion.docx", "US-3-motion.docx"]  # one route each
    plea_motion, plea_order = docx_text(folder / "US-1-motion.docx"), docx_text(folder / "US-1-proposed-order.docx")
    assert "MOTION TO VACATE JUDGMENT OF CONVICTION" in plea_motion.upper()
    for text in (plea_motion, plea_order):
        assert "verdict" not in text.lower() and "acquittal" not in text.lower()
    assert "vacate the conviction for cause" in plea_order
    verdict_order = docx_text(folder / "US-2-proposed-order.docx")
    assert "set aside the verdict and enter a judgment of acquittal" in verdict_order  # the data's words for a verdict
    arrest_motion, arrest_order = docx_text(folder / "US-3-motion.docx"), docx_text(folder / "US-3-proposed-order.docx")
    assert "Motion to Expunge All Records of the Arrest".upper() in arrest_motion.upper()
    for text in (arrest_motion, arrest_order, docx_text(folder / "US-3-declaration.docx")):
        assert "judgment of conviction" not in text.lower()
        assert "verdict" not in text.lower() and "acquittal" not in text.lower()
    assert "directly related to the person having been a victim of trafficking" in arrest_motion
    assert "expunge all records of the arrest" in arrest_order
    assert "an arrest without a charge" in arrest_order


def test_general_wording_that_names_a_conviction_is_a_placeholder_for_an_arrest(tmp_path):
    arrest = dict(_us_record(1, kind="arrest", disposition="dismissed"), jurisdiction="DC",
                  court="Superior Court of the District of Columbia", case_number="2019-CMD-000009", offence="Solicitation",
                  statute="D.C. Code § 22-2701", offence_categories=["solicitation"])
    result, folder = _assemble(tmp_path, _case(arrests=[arrest]))
    motion = docx_text(folder / "DC-1-motion.docx")
    assert "Motion to Vacate Conviction" not in motion
    assert "[MISSING: title of the motion for a dismissed charge" in motion
    assert any("does not fit a dismissed charge" in w for w in result.report["warnings"])


@pytest.mark.parametrize("code, record, status, words", [
    ("CO", dict(kind="arrest", disposition="dismissed"), "not_eligible", "does not cover arrests"),
    ("MI", dict(kind="conviction", juvenile_adjudication=True), "not_eligible", "does not cover juvenile adjudications"),
    ("US", dict(kind="conviction", disposition_type="deferred_adjudication"), "needs_review",
     "Whether the law covers this record type (deferred adjudication) is not known"),
])
def test_a_record_type_the_law_does_not_cover_is_screened_as_such(tmp_path, code, record, status, words):
    kind = record.pop("kind")
    item = dict(_us_record(1, kind=kind), jurisdiction=code, statute=None, **record)
    data = _case(**{("convictions" if kind == "conviction" else "arrests"): [item]})
    result, folder = _assemble(tmp_path, data)
    screened = _screening(result)[item["id"]]
    assert screened["status"] == status
    assert any(words in r["text"] for r in screened["reasons"])


# -- 2. the client's own voice -------------------------------------------------------------------

THIRD_PERSON_CLIENT = ("she", "her", "hers", "herself", "the movant", "the petitioner", "the client", "the defendant")


def _outside_quotes(text: str) -> str:
    import re

    text = re.sub(r"\[(MISSING|CONFIRM): [^\]]*\]", "", text)  # placeholders name what is missing, in no one's voice
    return re.sub(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d", "", text)


def _third_person_words(text: str) -> list[str]:
    """Third-person words for the client outside quotes ("I am the Petitioner" names the client's role, in the first person)."""
    import re

    found = []
    text = re.sub(r"\bI am the \w+", "", _outside_quotes(text))
    for phrase in THIRD_PERSON_CLIENT:
        found += re.findall(rf"\b{phrase}\b", text, flags=re.I)
    return found


def test_declarations_never_speak_of_the_client_in_the_third_person(tmp_path):
    """Every case file text here is a third-person summary about a woman ("She was arrested ..."), except the
    narrative, which is in her own words: the declarations must not carry a single 'she' or 'her'."""
    data = _case(convictions=[_us_record(1)], arrests=[_us_record(3, kind="arrest", disposition="dismissed")])
    data["trafficking"].update(means_description="threats to harm her sister", force=True)
    data["law_enforcement_contacts"] = [{"agency": "Example Police", "cooperation": "met investigators twice"}]
    ca = dict(_us_record(5), jurisdiction="CA", court="Superior Court of California, County of Example",
              statute="Penal Code § 647(b)", offence="Prostitution", offence_categories=["prostitution"])
    ny = dict(_us_record(6), jurisdiction="NY", court="Criminal Court of the City of New York, Example County",
              statute="Penal Law § 230.00", offence="Prostitution", offence_categories=["prostitution"])
    data["convictions"] += [ca, ny]
    result, folder = _assemble(tmp_path, data)
    declarations = sorted(folder.glob("*-declaration.docx"))
    assert len(declarations) == 4
    for path in declarations:
        text = docx_text(path)
        body = re.split(r"\b(?:declare|affirm):", text, maxsplit=1)[1]
        assert _third_person_words(body) == [], path.name
        assert "He took my papers" in body  # the client's own words are kept
        assert "[MISSING: in the declarant's own words: how this offense connects to the trafficking" in body
    motion = docx_text(folder / "US-1-motion.docx")
    assert '"She was arrested carrying papers the trafficker forged for her."' in motion  # quoted as the summary


def test_declaration_is_sworn_with_the_forums_oath(tmp_path):
    result, folder = _assemble(tmp_path, _case(convictions=[_us_record(1)]))
    text = docx_text(folder / "US-1-declaration.docx")
    assert "under penalty of perjury" in text and "[MISSING: oath" not in text


# -- 3. screening across records -------------------------------------------------------------------


def test_offense_off_the_statutory_list_is_not_eligible_names_other_remedies_and_gets_no_petition(tmp_path):
    data = minimal_case(statute="18 Pa.C.S. § 3929", offence="Retail theft", offence_categories=["theft"])
    result, folder = _assemble(tmp_path, data)
    screened = _screening(result)["c1"]
    assert screened["status"] == "not_eligible" and screened["drafts_produced"] is False
    text = " ".join(r["text"] for r in screened["reasons"])
    assert "outside the offenses the law lists" in text and "18 Pa.C.S. § 9122.1" in text
    assert not folder.exists() or not list(folder.glob("PA-*"))
    assert [d for d in result.report["documents"] if d["family"] == "record_relief"] == []


@pytest.mark.parametrize("pending, status, words", [
    (None, "needs_review", "does not say whether any charge is pending"),
    ([], "eligible", "No criminal charge is pending"),
    ([{"id": "p1", "jurisdiction": "WA", "offence": "Theft"}], "not_eligible", "pending criminal charge bars relief"),
])
def test_pending_charges_where_the_law_makes_them_a_bar(tmp_path, pending, status, words):
    record = minimal_case(jurisdiction="WA", court="Example County District Court", statute="RCW 9A.88.030",
                          offence_categories=["prostitution"])["convictions"][0]
    data = _case(convictions=[record])
    if pending is not None:
        data["pending_charges"] = pending
    result, _ = _assemble(tmp_path, data)
    screened = _screening(result)["c1"]
    assert any(words in r["text"] for r in screened["reasons"])
    if status == "not_eligible":
        assert screened["status"] == "not_eligible"
    else:
        assert screened["status"] != "not_eligible"
        assert ("whether any criminal charge is pending" in screened["missing_facts"]) == (pending is None)


def test_a_later_conviction_the_law_treats_as_a_bar(tmp_path):
    def tx(i, when):
        return dict(_us_record(i), jurisdiction="TX", statute="Tex. Penal Code § 43.02", court="Example County Court",
                    offence="Prostitution", offence_categories=["prostitution"], conviction_date=when)
    result, _ = _assemble(tmp_path, _case(convictions=[tx(1, "2018-01-01"), tx(2, "2019-01-01")]))
    screened = _screening(result)
    assert screened["c1"]["status"] == "not_eligible"
    assert any("A later conviction (Prostitution, 2019-01-01) bars relief." == r["text"] for r in screened["c1"]["reasons"])
    assert any("No later conviction is recorded." == r["text"] for r in screened["c2"]["reasons"])


@pytest.mark.parametrize("answer, status_in_motion", [
    (None, "[MISSING: whether the client helped law enforcement when asked, or why not]"),
    ("assisted", "helped law enforcement when asked (met investigators twice)"),
])
def test_condition_of_help_to_law_enforcement_is_screened_and_pleaded(tmp_path, answer, status_in_motion):
    record = dict(minimal_case()["convictions"][0], jurisdiction="TX", court="Example County Court at Law No. 1",
                  statute="Tex. Penal Code § 43.02", offence_categories=["prostitution"], case_number="TX-0001")
    data = _case(convictions=[record])
    data["law_enforcement_contacts"] = [{"agency": "Example Police", "cooperation": "met investigators twice"}]
    if answer:
        data["trafficking"]["law_enforcement_requests"] = answer
    result, folder = _assemble(tmp_path, data)
    screened = _screening(result)["c1"]
    texts = " ".join(r["text"] for r in screened["reasons"])
    assert "help given to law enforcement" in texts or "helped law enforcement" in texts
    assert ("whether the client helped law enforcement when asked" in screened["missing_facts"]) == (answer is None)
    assert screened["drafts_produced"] is True
    motion = docx_text(folder / "TX-1-motion.docx")
    assert "the condition of relief is met" in motion and status_in_motion in motion
    declaration = docx_text(folder / "TX-1-declaration.docx")
    assert ("When law enforcement asked me for help, I helped." in declaration) == (answer == "assisted")


# -- 4. procedure reaches the papers -------------------------------------------------------------------


def test_response_window_is_counted_from_the_filing_date_and_offices_are_served(tmp_path):
    record = _us_record(1, prosecuting_office="United States Attorney's Office for the District of Example",
                        agency="Example Field Office")
    data = _case(convictions=[record], filing_date="2027-01-04", victims_to_notify=["the victim named in count 2"])
    result, folder = _assemble(tmp_path, data)
    motion = docx_text(folder / "US-1-motion.docx")
    assert "the Government may respond within 30 days after filing" in motion
    assert "a response is due by February 3, 2027" in motion  # January 4 + 30 days, counted by hand
    assert "filed on or about January 4, 2027" in motion
    assert "Hearing:" in motion and "Fees:" in motion and "Confidentiality:" in motion
    certificate = docx_text(folder / "US-1-certificate-of-service.docx")
    assert "United States Attorney's Office for the District of Example" in certificate
    assert "Example Field Office (arresting agency)" in certificate
    assert "the victim named in count 2" in certificate


def test_filing_date_defaults_to_the_assembly_day(tmp_path):
    result, folder = _assemble(tmp_path, _case(convictions=[_us_record(1)]), today=dt.date(2027, 3, 1))
    assert "a response is due by March 31, 2027" in docx_text(folder / "US-1-motion.docx")


# -- 5. grouping by the statute's consolidation rule ------------------------------------------------------


def test_one_petition_for_several_cases_where_the_law_says_so(tmp_path):
    def fl(i, court):
        return dict(_us_record(i, kind="arrest", disposition="dismissed"), jurisdiction="FL", court=court,
                    statute=None, offence="Loitering", offence_categories=["loitering"], county="Example")
    data = _case(arrests=[fl(1, "County Court in and for Example County"), fl(2, "Circuit Court in and for Example County")])
    result, folder = _assemble(tmp_path, data)
    assert sorted({p.name.split("-")[1] for p in folder.glob("FL-*")}) == ["1"]


def test_one_set_per_court_by_default(tmp_path):
    data = _case(convictions=[_us_record(1), dict(_us_record(2), court="United States District Court for the District of Other")])
    result, folder = _assemble(tmp_path, data)
    assert (folder / "US-1-motion.docx").exists() and (folder / "US-2-motion.docx").exists()


# -- 6. argument from the statute's elements ------------------------------------------------------------------


def test_elements_map_to_facts_and_exhibit_letters(tmp_path):
    data = _case(convictions=[_us_record(1)])
    data["evidence"] = [{"id": "e1", "title": "Continued Presence letter (fictional)", "kind": "official_documentation"},
                        {"id": "e2", "title": "Docket sheet (fictional)", "kind": "court_record"},
                        {"id": "e3", "title": "Case manager's letter (fictional)", "kind": "service_provider_letter"}]
    data["trafficking"].update(ended_on="2019-12-31", sought_services_on="2020-02-15")
    result, folder = _assemble(tmp_path, data)
    motion = docx_text(folder / "US-1-motion.docx")
    assert "Exhibit A, Continued Presence letter (fictional)" in motion
    assert "Exhibit C, Case manager's letter (fictional)" in motion
    assert "see the declaration; Exhibit B, Docket sheet (fictional)" in motion
    assert "The trafficking ended on December 31, 2019" in motion and "on February 15, 2020" in motion
    missing = docx_text(_assemble(tmp_path / "b", _case(convictions=[_us_record(1)]))[1] / "US-1-motion.docx")
    assert "[MISSING: date the trafficking ended]" in missing and "[MISSING: exhibits showing victim status]" in missing


# -- 7. official forms -------------------------------------------------------------------------------------


def test_mandatory_official_form_gets_a_worksheet_never_a_paper_titled_as_the_form(tmp_path):
    arrest = dict(_us_record(1, kind="arrest", disposition="dismissed"), jurisdiction="FL", statute=None,
                  court="County Court in and for Example County", offence="Loitering", offence_categories=["loitering"])
    result, folder = _assemble(tmp_path, _case(arrests=[arrest]))
    worksheet = docx_text(folder / "FL-1-official-form-worksheet.docx")
    assert "WORKSHEET FOR OFFICIAL FORM 3.9895 (NOT THE FORM)" in worksheet
    assert "This is a worksheet, not the form. Fla. R. Crim. P. 3.9895 requires the official form" in worksheet
    assert not (folder / "FL-1-motion.docx").exists()  # the forum's filing set is the form and a certificate
    for path in folder.glob("FL-*.docx"):
        first_lines = docx_text(path).splitlines()[:6]
        assert not any(line.strip().upper().startswith("HUMAN TRAFFICKING: SWORN STATEMENT") for line in first_lines)
    assert any("worksheet for the form, not the form itself" in w for w in result.report["warnings"])


# -- the case file ----------------------------------------------------------------------------------------


def test_new_case_file_fields_are_optional_and_validated():
    data = _case(convictions=[_us_record(1, disposition_type="verdict", prosecuting_office="Example Office")],
                 filing_date="2027-01-04", victims_to_notify=["a victim"])
    case = parse_case(data)
    assert case.filing_date == dt.date(2027, 1, 4) and case.convictions[0].disposition_type == "verdict"
    from docassemble.traffickingrelief.errors import CaseFileError

    with pytest.raises(CaseFileError, match="disposition_type"):
        parse_case(_case(convictions=[_us_record(1, disposition_type="maybe")]))
    json.dumps(parse_case(minimal_case()).as_dict())  # a version 1 file without the new fields stays valid


def test_cli_filing_date_sets_the_papers_dates(tmp_path):
    from docassemble.traffickingrelief.cli import main
    from tests.conftest import write_case

    path = write_case(tmp_path, _case(convictions=[_us_record(1)]))
    assert main(["assemble", str(path), "--out", str(tmp_path / "out"), "--no-pdf", "--quiet",
                 "--filing-date", "2027-05-03"]) == 0
    motion = docx_text(tmp_path / "out" / "record_relief" / "US-1-motion.docx")
    assert "filed on or about May 3, 2027" in motion and "a response is due by June 2, 2027" in motion
    with pytest.raises(SystemExit):
        main(["assemble", str(path), "--out", str(tmp_path / "bad"), "--filing-date", "2027-02-30"])
    assert not (tmp_path / "bad").exists()


# -- the report, made for review ----------------------------------------------------------------------------


def test_review_checklist_by_document_and_paragraph_most_severe_first(tmp_path):
    result, folder = _assemble(tmp_path, _case(convictions=[_us_record(1)]))
    checklist = result.report["review_checklist"]
    order = ["blocking", "warning", "note"]
    assert [order.index(i["severity"]) for i in checklist] == sorted(order.index(i["severity"]) for i in checklist)
    blocking = [i for i in checklist if i["severity"] == "blocking"]
    # unknown law in the order's operative text, and the client's own words the declaration needs
    assert {"document": "US-1-proposed-order", "paragraphs": ["order.transmit"], "severity": "blocking",
            "text": "Unknown law: agencies to receive the order (not in the jurisdiction data)."} in blocking
    assert any(i["document"] == "US-1-declaration" and "own words" in i["text"] for i in blocking)
    # the federal standard of proof is read in the enacted 18 U.S.C. § 3771A(b)(4), so it asks for no confirmation;
    # Indiana's adult standard is still only a secondary reading and must be confirmed by name
    assert not any(i["text"].startswith("Confirm standard of proof") for i in checklist)
    indiana = _us_record(2, jurisdiction="IN", court="Marion Superior Court", case_number="49D01-1901-F6-000002",
                         statute="Ind. Code § 35-43-5-3")
    indiana_result, _ = _assemble(tmp_path / "in", _case(convictions=[indiana]))
    assert any(i["severity"] == "warning" and i["document"] == "IN-1-motion"
               and i["text"].startswith("Confirm standard of proof (source tier: secondary)")
               for i in indiana_result.report["review_checklist"])
    assert any(i["severity"] == "note" and i["document"] is None for i in checklist)
    markdown = result.report_markdown.read_text(encoding="utf-8")
    assert "## Review checklist (most severe first)" in markdown
    assert "| blocking | US-1-proposed-order | order.transmit |" in markdown


def test_no_gap_is_recorded_for_a_condition_the_law_does_not_set(tmp_path):
    result, folder = _assemble(tmp_path, _case(convictions=[_us_record(1)]))
    assert not any("law enforcement asked" in m["label"] for m in result.report["missing_facts"])


def test_victim_notice_and_the_countys_prosecutor_from_the_data(tmp_path):
    md = dict(minimal_case()["convictions"][0], jurisdiction="MD", court="District Court of Maryland for Example County",
              statute="Md. Code, Crim. Law § 11-303", offence_categories=["prostitution"], county="Example")
    ar = dict(minimal_case()["convictions"][0], id="c2", jurisdiction="AR", court="Example County Circuit Court",
              statute="Ark. Code Ann. § 5-70-102", offence_categories=["prostitution"], county="Example")
    data = _case(convictions=[md, ar], victims_to_notify=["the complaining witness in case 1"])
    result, folder = _assemble(tmp_path, data)
    motion = docx_text(folder / "MD-1-motion.docx")
    assert "Notice to victims: notice to any victim or victim's representative, mailed to the last known address" in motion
    assert "(Md. Rule 4-333.1(c)). Victims to notify: the complaining witness in case 1" in motion
    assert "the Prosecuting Attorney for Example County" in docx_text(folder / "AR-1-certificate-of-service.docx")


@pytest.mark.parametrize("code, court, statute, category, form_words", [
    ("AR", "Example County Circuit Court", "Ark. Code Ann. § 5-70-102", "prostitution", "Uniform Petition to Seal Records"),
    ("VA", "Example County Circuit Court", None, "prostitution", "Petition for Vacatur"),
    ("GA", "Superior Court of Example County", None, "prostitution", "Petition to vacate conviction"),
])
def test_no_freeform_paper_is_titled_as_a_mandatory_form(tmp_path, code, court, statute, category, form_words):
    record = dict(minimal_case()["convictions"][0], jurisdiction=code, court=court, statute=statute,
                  offence_categories=[category], county="Example")
    result, folder = _assemble(tmp_path, _case(convictions=[record]))
    files = sorted(p.name for p in folder.glob(f"{code}-1-*.docx"))
    assert f"{code}-1-official-form-worksheet.docx" in files, files
    assert f"{code}-1-motion.docx" not in files  # the form's own title would have headed a freeform paper
    for name in files:
        if name.endswith("official-form-worksheet.docx"):
            continue
        lines = docx_text(folder / name).splitlines()
        title_lines = [line for line in lines[:6] if line.strip()]
        assert not any(line.strip().upper().startswith(form_words.upper()) for line in title_lines), name


def test_a_conviction_of_unknown_kind_gets_no_trial_wording_and_a_question(tmp_path):
    result, folder = _assemble(tmp_path, _case(convictions=[_us_record(1, disposition=None)]))
    order = docx_text(folder / "US-1-proposed-order.docx")
    assert "verdict" not in order.lower() and "acquittal" not in order.lower()
    assert "whether the conviction followed a plea or a verdict" in _screening(result)["c1"]["missing_facts"]


def test_who_moved_to_dismiss_is_in_the_schedule(tmp_path):
    arrest = _us_record(3, kind="arrest", disposition="dismissed", dismissed_on_motion_of="prosecution")
    result, folder = _assemble(tmp_path, _case(arrests=[arrest]))
    assert "dismissed (on the prosecution's motion)" in docx_text(folder / "US-1-motion.docx")
