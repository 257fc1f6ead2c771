"""Draft families are plug-ins: a family defined only here assembles through the API and the CLI and
appears in the report, and the core modules name no family."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document

from docassemble.traffickingrelief import (DraftFamily, Eligibility, Finding, Subject, assemble, register,
                                           registered_families, screen, unregister)
from docassemble.traffickingrelief.cli import main
from docassemble.traffickingrelief.drafting import ClauseLibrary, caption, signature_block
from docassemble.traffickingrelief.eligibility import ELIGIBLE, NOT_ELIGIBLE, OK, decide
from docassemble.traffickingrelief.forums import load_forum
from docassemble.traffickingrelief.jurisdictions import load_jurisdiction
from tests.conftest import TODAY, case_of, docx_text, minimal_case, write_case

PACKAGE = Path(__file__).resolve().parent.parent / "docassemble" / "traffickingrelief"


class PendingChargeNote(DraftFamily):
    """A test double: one short notice per pending charge, in a template made by the test."""

    name = "test_notice"
    title = "Test notice"

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def template_dir(self) -> Path:
        return self.folder

    @property
    def clauses(self) -> ClauseLibrary:
        return ClauseLibrary({"body": [{"id": "body.intro", "text": "{movant} gives notice under {citation}."}]},
                             "test_notice.yml")

    def screen(self, case, today):
        results = []
        for charge in case.pending_charges:
            j = load_jurisdiction(charge.jurisdiction)
            findings = [Finding(OK, "A test finding.", j.fact("record_relief.citation"))]
            if charge.offence == "Excluded":
                findings.append(Finding("bar", "The test family does not cover this offense."))
            status, earliest = decide(findings)
            results.append(Eligibility(self.name, Subject("pending_charge", charge.id, j.code, charge), j, status,
                                       tuple(findings), earliest, draftable=status == ELIGIBLE))
        return results

    def build(self, case, results, *, final):
        drafts = []
        for i, result in enumerate(r for r in results if r.draftable):
            d = self.draft("notice", "Test notice", "notice.docx", f"{result.jurisdiction.code}-{i + 1}-notice",
                           f"{result.jurisdiction.code}-{i + 1}")
            caption(d, forum=load_forum(result.jurisdiction.code), court=result.subject.item.court, county=None,
                    filer=case.client.filing_name, case_numbers=[result.subject.item.case_number],
                    title=d.fact("NOTICE", "title"), final=final)
            d.context.update(body=d.clauses("body", movant=d.context["movant"],
                                            citation=d.law_slot(result.jurisdiction, "record_relief.citation", "statute")),
                             signature=signature_block(d, case.preparer))
            drafts.append(d)
        return drafts

    def warnings(self, case, results, drafts):
        return ["Test family warning."] if drafts else []


def _template(folder: Path) -> None:
    doc = Document()
    for line in ("{{ draft_notice }}", "{{r court }}", "{{r prosecution }} {{r versus }} {{r movant }}, {{r movant_label }}",
                 "{{r case_number_label }} {{r case_numbers }}",
                 "{{r title }}", "{%p for p in body %}", "{{r p }}", "{%p endfor %}",
                 "{%p for line in signature %}", "{{r line }}", "{%p endfor %}"):
        doc.add_paragraph(line)
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(folder / "notice.docx")


@pytest.fixture
def plugin(tmp_path):
    _template(tmp_path / "templates")
    family = PendingChargeNote(tmp_path / "templates")
    register(family)
    yield family
    unregister(family.name)


def _case_with_charges():
    data = minimal_case()
    data["pending_charges"] = [
        {"id": "p1", "jurisdiction": "PA", "offence": "Loitering", "court": "Court of Common Pleas of Example County",
         "case_number": "CP-00-CR-0000999-2026"},
        {"id": "p2", "jurisdiction": "PA", "offence": "Excluded", "court": "Court of Common Pleas of Example County",
         "case_number": "CP-00-CR-0000998-2026"},
    ]
    return data


def test_a_family_defined_in_a_test_assembles_through_the_api_and_appears_in_the_report(plugin, tmp_path):
    assert plugin in registered_families()
    result = assemble(case_of(_case_with_charges()), tmp_path / "out", pdf=False, today=TODAY)
    report = result.report
    builtin = [f.name for f in registered_families() if f is not plugin]
    assert report["families"] == builtin + ["test_notice"]  # built-in families first, then plug-ins
    notices = [d for d in report["documents"] if d["family"] == "test_notice"]
    assert [d["file"] for d in notices] == ["test_notice/PA-1-notice.docx"]  # none for the barred charge
    text = docx_text(result.out_dir / "test_notice" / "PA-1-notice.docx")
    assert "Rowan Fictional gives notice under 18 Pa.C.S. § 3019" in text
    assert "CP-00-CR-0000999-2026" in text and "Attorney for Movant" in text  # the forum's party label
    screened = {(s["record_id"], s["status"]) for s in report["screening"]}
    assert {("p1", ELIGIBLE), ("p2", NOT_ELIGIBLE), ("c1", ELIGIBLE)} <= screened
    assert "Test family warning." in report["warnings"]
    citation = next(e for e in report["law_used"] if e["path"] == "PA:record_relief.citation")
    assert "PA-1-notice" in citation["documents"] and "body.intro" in citation["clauses"]


def test_families_can_be_chosen_and_screened_alone(plugin):
    results = screen(case_of(_case_with_charges()), TODAY, ["test_notice"])
    assert [(r.family, r.subject.kind, r.subject.id) for r in results] == [
        ("test_notice", "pending_charge", "p1"), ("test_notice", "pending_charge", "p2")]


def test_a_family_defined_in_a_test_runs_through_the_cli(plugin, tmp_path, capsys):
    case = write_case(tmp_path, _case_with_charges())
    assert main(["assemble", str(case), "--out", str(tmp_path / "out"), "--no-pdf", "--quiet",
                 "--families", "test_notice"]) == 0
    report = json.loads((tmp_path / "out" / "assembly-report.json").read_text(encoding="utf-8"))
    assert report["families"] == ["test_notice"]
    assert [d["file"] for d in report["documents"]] == ["test_notice/PA-1-notice.docx"]
    capsys.readouterr()
    assert main(["screen", str(case), "--families", "test_notice,record_relief"]) == 0
    out = capsys.readouterr().out
    assert "== Test notice" in out and "p2 pending charge in PA: not eligible" in out
    assert main(["jurisdictions", "--json"]) == 0
    assert "test_notice" in json.loads(capsys.readouterr().out)["summary"]["families"]


def test_jurisdiction_codes_are_checked_for_the_whole_case_whichever_families_run(plugin):
    data = _case_with_charges()
    data["pending_charges"][0]["jurisdiction"] = "ZZ"
    with pytest.raises(Exception) as raised:
        screen(case_of(data), TODAY, ["record_relief"])
    assert "pending_charges[0].jurisdiction: no jurisdiction data for this code" in str(raised.value)


CORE = ("assembly.py", "report.py", "cli.py", "drafting.py", "screening.py", "eligibility.py", "family.py")


@pytest.mark.parametrize("module", CORE)
def test_core_modules_name_no_family(module):
    text = (PACKAGE / module).read_text(encoding="utf-8").lower()
    for name in [f.name for f in registered_families()] + ["record relief", "record-relief", "vacatur",
                                                             "expunge", "t visa", "restitution"]:
        assert not re.search(re.escape(name), text), f"{module} names the family '{name}'"
