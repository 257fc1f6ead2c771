"""State data for the money families added after them, each entry read in a source, with an honest tier:
Iowa's trafficking restitution section (a third-party reproduction: "copy"); Kansas's compensation program
(the Attorney General's own release: "official") and the division that runs it (a news-wire reproduction:
"secondary"). Every person here is fictional."""
from __future__ import annotations

import datetime as dt

from docassemble.traffickingrelief.jurisdictions import load_jurisdiction
from docassemble.traffickingrelief.screening import screen

from .conftest import case_of
from .test_compensation import claim_case
from .test_restitution import loss_case


def test_iowa_restitution_rests_on_its_trafficking_section_and_says_it_is_not_a_formula():
    j = load_jurisdiction("IA")
    citation, formula = j.fact("restitution.citation"), j.fact("restitution.formula")
    assert citation.value == "Iowa Code § 710A.4" and citation.tier == "copy" and citation.source.url
    assert formula.value["rule"] == "other" and formula.tier == "copy" and "HF 1036" in formula.note
    data = loss_case(prosecution={"jurisdiction": "IA", "defendant": "Sam Invented"})
    [result] = screen(case_of(data), dt.date(2026, 11, 30), ["restitution"])
    texts = {f.text for f in result.findings}
    assert "Restitution to the victim is ordered under Iowa Code § 710A.4." in texts
    assert any(t.startswith("How the amount is measured: restitution under Iowa Code chapter 910") for t in texts)


def test_kansas_compensation_program_and_agency_are_sourced_and_reach_the_cover_letter(tmp_path):
    from docassemble.traffickingrelief.assembly import assemble

    from .conftest import docx_text

    j = load_jurisdiction("KS")
    program, agency = j.fact("compensation.program"), j.fact("compensation.agency")
    assert program.tier == "official" and program.source.url.startswith("https://www.ag.ks.gov/")
    assert agency.tier == "secondary" and agency.source.url  # a wire-service reprint: sourced, never settled
    assemble(case_of(claim_case(crime_jurisdiction="KS")), tmp_path / "out", ["compensation"], pdf=False,
             today=dt.date(2026, 11, 30))
    letter = docx_text(tmp_path / "out/compensation/KS-compensation-cover-letter.docx")
    assert "Kansas Crime Victims Compensation program (Crime Victims Compensation Board)" in letter
    assert "Division of Crime Victims Compensation" in letter and "http" not in letter
