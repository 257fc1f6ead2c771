"""New York's filing set for a CPL 440.10(1)(i) vacatur: notice of motion, counsel's affirmation and memorandum
of law (the forum profile's filing_set), with the client's own affirmation, the proposed order and the
certificate of service. Every legal value asserted here is read from the data, never written into the test.

Fictional clients only.
"""
from __future__ import annotations

import re

from docassemble.traffickingrelief import assemble
from docassemble.traffickingrelief.forums import load_forum
from docassemble.traffickingrelief.jurisdictions import load_jurisdiction
from tests.conftest import TODAY, case_of, docx_text, minimal_case

CRIMINAL_COURT = "Criminal Court of the City of New York, Example County"
SUPREME_COURT = "Supreme Court of the State of New York, Example County"


def _ny_case(court: str = CRIMINAL_COURT, **extra) -> dict:
    data = minimal_case(jurisdiction="NY", court=court, county="Example", case_number="CR-000777-20EX",
                        statute="Penal Law § 230.00", prosecutor_consent=None,
                        prosecuting_office="Example County District Attorney", **extra)
    data["trafficking"]["narrative"] = "He sent me to the apartment and kept the money."
    data["evidence"] = [{"id": "e1", "title": "Letter from Example Survivor Services", "kind": "service_provider_letter"}]
    return data


def _papers(tmp_path, data) -> dict[str, str]:
    result = assemble(case_of(data), tmp_path / "out", ["record_relief"], pdf=False, today=TODAY)
    return {p.name: docx_text(p) for p in sorted((result.out_dir / "record_relief").glob("*.docx"))}


def test_new_york_gets_notice_affirmation_and_memorandum_instead_of_a_motion(tmp_path):
    papers = _papers(tmp_path, _ny_case())
    assert sorted(papers) == ["NY-1-after-order-checklist.docx", "NY-1-attorney-affirmation.docx",
                              "NY-1-certificate-of-service.docx", "NY-1-declaration.docx",
                              "NY-1-memorandum-of-law.docx", "NY-1-notice-of-motion.docx", "NY-1-proposed-order.docx"]
    assert set(load_forum("NY").value("filing_set.record_relief")) == {"notice_of_motion", "affirmation",
                                                                       "memorandum_of_law"}


def test_the_notice_of_motion_says_what_is_moved_for_on_which_papers_and_to_whom(tmp_path):
    j, forum = load_jurisdiction("NY"), load_forum("NY")
    notice = _papers(tmp_path, _ny_case())["NY-1-notice-of-motion.docx"]
    title = j.value("record_relief.document_title")
    assert f"NOTICE OF {title}" in notice
    assert forum.value("caption.prosecution") + "," in notice and "\n-against-\n" in notice
    assert "Docket No. CR-000777-20EX" in notice
    assert ("PLEASE TAKE NOTICE that, upon the annexed affirmation of Casey Counsel, the affirmation of "
            "Defendant-Petitioner Rowan Fictional, the exhibits annexed to them, and the memorandum of law") in notice
    assert f"at {CRIMINAL_COURT}, on [MISSING: return date and time (when the motion is to be heard)]" in notice
    assert f"for an order under {j.value('record_relief.citation')}:" in notice
    assert f"granting the {title} and ordering:" in notice
    assert "TO: Example County District Attorney" in notice
    assert "Attorney for Defendant-Petitioner" in notice


def test_counsels_affirmation_gives_the_history_and_is_sworn_with_the_forums_oath(tmp_path):
    forum = load_forum("NY")
    affirmation = _papers(tmp_path, _ny_case())["NY-1-attorney-affirmation.docx"]
    assert "I, Casey Counsel, affirm:" in affirmation
    assert (f"As to case CR-000777-20EX (Prostitution): {CRIMINAL_COURT}; a conviction by plea; date of conviction: "
            "March 1, 2018; disposition: guilty plea; sentence: probation; sentence completed: March 1, 2019.") in affirmation
    assert "Annexed to this affirmation are: Exhibit A, Letter from Example Survivor Services." in affirmation
    assert "Prior applications for this relief: [MISSING: whether any prior application" in affirmation
    oath_start = forum.value("oath.declaration").split("{", 1)[0]
    assert oath_start and oath_start in affirmation and "[MISSING: oath" not in affirmation


def test_the_memorandum_argues_the_elements_and_the_standard_of_proof_from_the_data(tmp_path):
    j = load_jurisdiction("NY")
    memo = _papers(tmp_path, _ny_case())["NY-1-memorandum-of-law.docx"]
    for heading in ("PRELIMINARY STATEMENT", "STATEMENT OF FACTS", f"ARGUMENT: EACH ELEMENT OF "
                    f"{j.value('record_relief.citation')} IS MET", "CONCLUSION"):
        assert f"\n{heading}\n" in memo
    assert memo.index("PRELIMINARY STATEMENT") < memo.index("STATEMENT OF FACTS") < memo.index("ARGUMENT") \
        < memo.index("CONCLUSION") < memo.index("WHEREFORE")
    standard = j.value("record_relief.standard_of_proof")
    assert standard and f"must establish the grounds for relief by {standard}" in memo
    assert "Schedule of convictions and arrests" not in memo  # the notice of motion schedules the records
    assert "first sought services for victims of trafficking on" in memo


def test_the_clients_paper_is_an_affirmation_and_the_certificate_lists_the_set(tmp_path):
    papers = _papers(tmp_path, _ny_case())
    client = papers["NY-1-declaration.docx"]
    assert "AFFIRMATION OF Defendant-Petitioner IN SUPPORT OF" in client and "I, Rowan Fictional, affirm:" in client
    assert "I make this affirmation in support of my" in client
    assert ("I served a copy of the notice of motion, the affirmation of counsel, the affirmation of "
            "Defendant-Petitioner, the memorandum of law, and the proposed order") in papers["NY-1-certificate-of-service.docx"]


def test_no_paper_in_the_new_york_set_carries_provenance(tmp_path):
    for name, text in _papers(tmp_path, _ny_case()).items():
        assert not re.search(r"https?://|www\.|\bper\b|not read|retrieved", text, re.I), name


def test_an_advocates_set_leaves_the_attorney_to_be_named(tmp_path):
    data = _ny_case()
    data["preparer"] = {"name": "Avery Advocate", "role": "advocate"}
    papers = _papers(tmp_path, data)
    assert "I, [MISSING: the attorney's name], affirm:" in papers["NY-1-attorney-affirmation.docx"]
    assert "upon the annexed affirmation of [MISSING: the attorney's name]" in papers["NY-1-notice-of-motion.docx"]


def test_the_supreme_court_caption_numbers_the_indictment(tmp_path):
    notice = _papers(tmp_path, _ny_case(court=SUPREME_COURT))["NY-1-notice-of-motion.docx"]
    label = load_forum("NY").value("caption.case_number_label", SUPREME_COURT)
    assert label and f"{label} CR-000777-20EX" in notice


def test_other_jurisdictions_keep_their_motion(tmp_path):
    papers = _papers(tmp_path, minimal_case())
    assert "PA-1-motion.docx" in papers and not any("notice-of-motion" in n or "memorandum" in n for n in papers)
    assert "I, Rowan Fictional, declare:" in papers["PA-1-declaration.docx"]
