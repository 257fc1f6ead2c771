"""Record-relief drafts across jurisdictions: open the DOCX and PDF we produced and read them.

One fictional client with a conviction in each of 13 jurisdictions (federal included) is
assembled once, with PDFs; each row below then checks its own court's papers. Expected titles,
citations and caption styles are written out by hand from the jurisdiction data, so a change to
either the data or the drafting shows up here.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from docassemble.traffickingrelief import assemble
from docassemble.traffickingrelief.forums import load_forum
from tests.conftest import TODAY, case_of, docx_text, minimal_case

# code, court, case number, offence, statute, categories, expected title, citation, caption
ROWS = [
    ("US", "United States District Court for the District of Example", "1:19-cr-00001", "Identity document fraud",
     "18 U.S.C. § 1028", ["fraud"], "Motion to Vacate Judgment of Conviction", "18 U.S.C. § 3771A", "United States of America"),
    ("PA", "Court of Common Pleas of Example County", "CP-00-CR-0000001-2019", "Prostitution", "18 Pa.C.S. § 5902",
     ["prostitution"], "Motion to Vacate Conviction", "18 Pa.C.S. § 3019", "Commonwealth of Pennsylvania"),
    ("NY", "Criminal Court of the City of New York, Example County", "CR-000002-19EX", "Prostitution", "Penal Law § 230.00",
     ["prostitution"], "Motion to Vacate Judgment", "CPL 440.10(1)(i)", "People of the State of New York"),
    ("CA", "Superior Court of California, County of Example", "EX-2019-0003", "Prostitution", "Penal Code § 647(b)",
     ["prostitution"], "Petition for Vacatur Relief", "Cal. Penal Code § 236.14", "People of the State of California"),
    ("AZ", "Example County Justice Court", "JC-2019-0004", "Prostitution", "A.R.S. § 13-3214", ["prostitution"],
     "Application to Vacate Conviction", "A.R.S. § 13-909", "State of Arizona"),
    ("DC", "Superior Court of the District of Columbia", "2019-CMD-000005", "Solicitation", "D.C. Code § 22-2701",
     ["solicitation"], "Motion to Vacate Conviction and Expunge Criminal Records", "D.C. Code § 22-1844", "United States of America"),
    ("OR", "Circuit Court of the State of Oregon for Example County", "19CR00006", "Prostitution", "ORS 167.007",
     ["prostitution"], "Motion to Vacate Judgment of Conviction for Prostitution", "ORS 137.221", "State of Oregon"),
    ("WY", "Circuit Court of Example County, Wyoming", "CR-2019-0007", "Shoplifting", "Wyo. Stat. § 6-3-404",
     ["theft"], "Motion to Vacate Conviction", "Wyo. Stat. § 6-2-708(c)", "State of Wyoming"),
    ("VT", "Vermont Superior Court, Criminal Division, Example Unit", "19-CR-00008", "Retail theft", "13 V.S.A. § 2575",
     ["theft"], "Motion to Vacate Conviction", "13 V.S.A. § 2658", "State of Vermont"),
    ("NC", "Example County District Court", "19 CR 000009", "Misdemeanor larceny", "N.C. Gen. Stat. § 14-72",
     ["theft"], "Motion for Appropriate Relief", "15A-1416.1", "State of North Carolina"),
    ("MA", "Example District Court", "1901CR000010", "Sexual conduct for a fee", "G.L. c. 272, § 53A(a)",
     ["prostitution"], "Motion to Vacate", "M.G.L. c. 265, § 59", "Commonwealth of Massachusetts"),
    ("KY", "Example District Court", "19-M-00011", "Prostitution", "KRS 529.020", ["prostitution"],
     "Motion to Expunge Records", "KRS 529.160", "Commonwealth of Kentucky"),
    ("TN", "Criminal Court for Example County", "2019-CR-0012", "Prostitution", "Tenn. Code Ann. § 39-13-513",
     ["prostitution"], "Petition for Expunction", "Tenn. Code Ann. § 40-32-105", "State of Tennessee"),
]

DOCUMENTS = ("motion", "proposed-order", "declaration", "certificate-of-service", "seal-motion", "after-order-checklist")
# New York's filing set: a notice of motion, counsel's affirmation and a memorandum of law instead of the motion.
NY_MOVING = ("notice-of-motion", "attorney-affirmation", "memorandum-of-law")


def _documents(code: str) -> tuple[str, ...]:
    return NY_MOVING + DOCUMENTS[1:] if code == "NY" else DOCUMENTS


def _conviction(i, code, court, number, offence, statute, categories):
    return dict(minimal_case()["convictions"][0], id=f"c{i}", jurisdiction=code, court=court, case_number=number,
                offence=offence, statute=statute, offence_categories=categories, prosecutor_consent="obtained",
                county="Example")


def _case() -> dict:
    data = minimal_case()
    data["convictions"] = [_conviction(i, *row[:6]) for i, row in enumerate(ROWS)]
    # Tennessee sends every record to the court of the most recent conviction.
    data["convictions"].append(_conviction(len(ROWS), "TN", "General Sessions Court for Other County", "2017-GS-0099",
                                           "Prostitution", "Tenn. Code Ann. § 39-13-513", ["prostitution"]))
    data["convictions"][-1].update(conviction_date="2017-02-01", sentence_completed_on="2017-08-01", offence_date="2017-01-01",
                                   arrest_date="2017-01-01")
    # Ineligible: outside Pennsylvania's list; Minnesota has no statute. Not yet eligible: Kentucky, judgment 10 days ago.
    data["convictions"] += [
        _conviction(90, "PA", "Court of Common Pleas of Example County", "CP-00-CR-0000090-2019", "Retail theft",
                    "18 Pa.C.S. § 3929", ["theft"]),
        _conviction(91, "MN", "Example County District Court", "27-CR-19-91", "Prostitution", "Minn. Stat. § 609.324",
                    ["prostitution"]),
        dict(_conviction(92, "KY", "Other District Court", "26-M-00092", "Prostitution", "KRS 529.020", ["prostitution"]),
             conviction_date="2026-11-13", sentence_completed_on=None),
    ]
    data["requests"] = {"confidential_filing": True}
    return data


@pytest.fixture(scope="module")
def assembled(tmp_path_factory):
    out = tmp_path_factory.mktemp("drafts") / "out"
    return assemble(case_of(_case()), out, pdf=True, today=TODAY)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_motion_names_remedy_citation_caption_court_and_case_number(assembled, row):
    code, court, number, _, _, _, title, citation, caption = row
    folder = assembled.out_dir / "record_relief"
    moving = "notice-of-motion" if code == "NY" else "motion"
    text = docx_text(folder / f"{code}-1-{moving}.docx")
    assert title.upper() in text.upper()
    assert citation in text
    assert f"{caption}," in text
    forum = load_forum(code)  # the forum's own heading, "v." or "-against-", case-number label and party label
    heading = forum.value("caption.court_heading", court)
    assert (heading.format(court=court, county="Example") if heading else court) in text
    assert f"\n{forum.value('caption.versus', court)}\n" in text
    label = forum.value("caption.case_number_label", court)  # unknown: a placeholder, never a guess
    assert (f"{label} {number}" if label else f"[MISSING: case number label (not in the forum data)] {number}") in text
    assert number in text
    assert "DRAFT \u2014 for review by a licensed attorney" in text
    pdf = _flat("".join(page.extract_text() for page in PdfReader(folder / f"{code}-1-{moving}.pdf").pages))
    assert citation in pdf and number in pdf and caption in pdf


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_full_set_per_court(assembled, row):
    code = row[0]
    folder = assembled.out_dir / "record_relief"
    for kind in _documents(code):
        assert (folder / f"{code}-1-{kind}.docx").is_file(), kind
        assert (folder / f"{code}-1-{kind}.pdf").is_file(), kind
    order = docx_text(folder / f"{code}-1-proposed-order.docx")
    assert "[PROPOSED] ORDER GRANTING" in order and row[2] in order
    sworn = "affirm" if code == "NY" else "declare"  # the forum's filing set names the client's affirmation
    assert f"I, Rowan Fictional, {sworn}:" in docx_text(folder / f"{code}-1-declaration.docx")
    assert "CERTIFICATE OF SERVICE" in docx_text(folder / f"{code}-1-certificate-of-service.docx")


def test_tennessee_papers_go_to_the_court_of_the_most_recent_conviction(assembled):
    folder = assembled.out_dir / "record_relief"
    motion = docx_text(folder / "TN-1-motion.docx")
    assert motion.splitlines()[0] == "Criminal Court for Example County"  # the caption's court line
    assert "2019-CR-0012" in motion and "2017-GS-0099" in motion  # both records, one petition
    assert not (folder / "TN-2-motion.docx").exists()


def test_findings_language_from_the_data_reaches_the_order(assembled):
    order = docx_text(assembled.out_dir / "record_relief" / "CA-1-proposed-order.docx")
    assert "invalid due to legal defect" in order
    fl_absent = docx_text(assembled.out_dir / "record_relief" / "OR-1-proposed-order.docx")
    assert "[MISSING: findings the statute allows (e.g. legal defect) (not in the jurisdiction data)]" in fl_absent


def test_ineligible_and_not_yet_eligible_records_get_no_drafts_but_are_reported(assembled):
    folder = assembled.out_dir / "record_relief"
    assert not list(folder.glob("MN-*"))
    assert not (folder / "KY-2-motion.docx").exists()
    pa_motion = docx_text(folder / "PA-1-motion.docx")
    assert "CP-00-CR-0000090-2019" not in pa_motion
    report = json.loads(assembled.report_json.read_text(encoding="utf-8"))
    by_id = {s["record_id"]: s for s in report["screening"]}
    assert by_id["c90"]["status"] == "not_eligible" and by_id["c91"]["status"] == "not_eligible"
    assert by_id["c92"]["status"] == "not_yet_eligible"
    assert by_id["c92"]["earliest_filing_date"] == "2027-01-12"  # Nov 13 2026 + 60 days, counted by hand
    assert any("earliest filing date 2027-01-12" in w for w in report["warnings"])


def test_unknown_law_is_a_highlighted_placeholder_and_listed_in_the_report(assembled):
    from docx import Document

    motion = assembled.out_dir / "record_relief" / "PA-1-motion.docx"
    assert "[MISSING: standard of proof (not in the jurisdiction data)]" in docx_text(motion)
    highlighted = [run for p in Document(str(motion)).paragraphs for run in p.runs if run.text.startswith("[MISSING:")]
    assert highlighted and all('w:highlight w:val="yellow"' in run._r.xml for run in highlighted)
    report = json.loads(assembled.report_json.read_text(encoding="utf-8"))
    assert any(e["path"] == "PA:record_relief.standard_of_proof" for e in report["unknown_law"])
    assert all(e["source"] or e["note"] for e in report["unverified_law"])
    md = assembled.report_markdown.read_text(encoding="utf-8")
    assert "## Unknown law" in md and "PA:record_relief.standard_of_proof" in md


def test_report_lists_every_document_and_clause_source(assembled):
    report = json.loads(assembled.report_json.read_text(encoding="utf-8"))
    files = {d["file"] for d in report["documents"] if d["family"] == "record_relief"}
    assert len(files) == sum(len(_documents(row[0])) for row in ROWS) * 2
    assert all((assembled.out_dir / f).is_file() for f in files)
    citation = next(e for e in report["law_used"] if e["path"] == "US:record_relief.citation")
    assert citation["value"] == "18 U.S.C. § 3771A" and citation["verified"] is True
    assert "motion.introduction" in citation["clauses"]
    assert any("KY: venue:" in w for w in report["warnings"])


def test_a_clause_left_out_leaves_no_placeholder_behind(assembled):
    report = json.loads(assembled.report_json.read_text(encoding="utf-8"))
    consent_gaps = [m for m in report["missing_facts"] if m["label"] == "the prosecutor's written consent"]
    assert consent_gaps == []  # consent is recorded where required, and no other state asks for it


def test_a_value_that_ends_its_sentence_takes_the_clause_period():
    """Law text quoted from the data often ends with a period; the clause's own period is not doubled."""
    from docassemble.traffickingrelief.drafting import ClauseLibrary, Draft

    draft = Draft(family="record_relief", kind="seal_motion", title="Motion", template=Path("motion.docx"),
                  stem="x", group="g", library=ClauseLibrary.for_family("record_relief"))
    clause = {"id": "t", "text": "The law: {rule}. Next {other}."}
    assert str(draft.compose(clause, {"rule": "a court may seal the file.", "other": "line"})) == \
        "The law: a court may seal the file. Next line."
    assert str(draft.compose(clause, {"rule": "rule 5", "other": "line."})) == "The law: rule 5. Next line."
