"""Court papers cite law by citation only: no URL, source note or research remark in any paper of any
jurisdiction's record-relief drafts (issue 7). One fictional conviction and one fictional arrest in every
jurisdiction with record relief are assembled; every DOCX is read back and scanned."""
from __future__ import annotations

import re

import pytest

from docassemble.traffickingrelief import assemble
from docassemble.traffickingrelief.jurisdictions import load_all
from tests.conftest import TODAY, case_of, docx_text, minimal_case

LEAKS = re.compile(r"https?://|www\.|\bper |not read|\bmemo\b|retrieved|secondary|copy stored|FNUSA|\brecalled\b",
                   re.I)
AVAILABLE = sorted(code for code, j in load_all().items() if j.value("record_relief.available") is True)


def _records(i: int, code: str) -> tuple[dict, dict]:
    j = load_all()[code]
    scope = j.value("record_relief.offences") or {}
    statute = (scope.get("statutes") or [None])[0]
    categories = (scope.get("categories") or ["prostitution"])[:1]
    conviction = dict(minimal_case()["convictions"][0], id=f"c{i}", jurisdiction=code, court=f"Example Court {code}",
                      case_number=f"{code}-0{i}", statute=statute, offence_categories=categories, county="Example",
                      prosecuting_office="Example County Prosecutor", conviction_date="2015-03-01",
                      sentence_completed_on="2015-09-01", offence_date="2015-01-10", arrest_date="2015-01-10")
    arrest = {"id": f"a{i}", "jurisdiction": code, "court": f"Example Court {code}", "case_number": f"{code}-A{i}",
              "offence": "Loitering", "statute": statute, "offence_categories": categories, "violent": False,
              "offence_class": "misdemeanor", "arrest_date": "2015-01-10", "disposition": "dismissed",
              "trafficking_connection": "She was arrested where the trafficker sent her.", "prosecutor_consent": "obtained"}
    return conviction, arrest


@pytest.fixture(scope="module")
def assembled(tmp_path_factory):
    data = minimal_case()
    pairs = [_records(i, code) for i, code in enumerate(AVAILABLE)]
    data["convictions"] = [c for c, _ in pairs]
    data["arrests"] = [a for _, a in pairs]
    data["pending_charges"] = []
    data["trafficking"].update(ended_on="2019-12-31", sought_services_on="2020-01-15", law_enforcement_requests="assisted")
    data["requests"] = {"confidential_filing": True}
    return assemble(case_of(data), tmp_path_factory.mktemp("leaks") / "out", ["record_relief"], pdf=False, today=TODAY)


def test_papers_of_most_jurisdictions_were_drafted(assembled):
    drafted = {d["group"].split("-")[0] for d in assembled.report["documents"]}
    assert len(drafted) >= len(AVAILABLE) * 3 // 4, sorted(set(AVAILABLE) - drafted)


def test_no_paper_carries_provenance(assembled):
    leaks = {}
    for doc in assembled.report["documents"]:
        text = docx_text(assembled.out_dir / doc["file"])
        found = sorted({m.group(0) for m in LEAKS.finditer(text)})
        if found:
            leaks[doc["file"]] = found
    assert leaks == {}


def test_no_declaration_speaks_of_the_client_in_the_third_person(assembled):
    """Every record's summary here says "She was arrested ..."; no declaration of any jurisdiction repeats it."""
    declarations = [d["file"] for d in assembled.report["documents"] if d["kind"] == "declaration"]
    assert declarations
    for name in declarations:
        body = docx_text(assembled.out_dir / name).split("declare:", 1)[-1]
        body = re.sub(r"\[(MISSING|CONFIRM): [^\]]*\]", "", body)  # placeholders name what is missing, in no one's voice
        body = re.sub(r"\bI am the \w+", "", re.sub(r"\"[^\"]*\"", "", body))
        assert not re.search(r"\b(she|her|hers|herself|the client|the movant|the petitioner)\b", body, re.I), name
