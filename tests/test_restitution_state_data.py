"""State trafficking-restitution data added after the family: each entry read in a source, with its tier.
Iowa Code § 710A.4 (read in a third-party reproduction: tier "copy"). Every person here is fictional."""
from __future__ import annotations

import datetime as dt

from docassemble.traffickingrelief.jurisdictions import load_jurisdiction
from docassemble.traffickingrelief.screening import screen

from .conftest import case_of
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
