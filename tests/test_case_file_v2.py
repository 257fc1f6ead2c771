"""Case file version 2: a version 1 file still works (migrated on read, noted in the report), the CLI saves
the migrated file without touching the original, and the new fields reach the record-relief papers:
the district with the arresting agency (service list, checklist), fines and fees paid (schedule,
checklist), outstanding warrants (report), identifiers only in an order whose data requires them.

Fictional clients only.
"""
from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import yaml

from docassemble.traffickingrelief import assemble
from docassemble.traffickingrelief.cli import main
from docassemble.traffickingrelief.interview_support import CASE_FILE_VERSION
from docassemble.traffickingrelief.jurisdictions import Jurisdiction
from docassemble.traffickingrelief.migration import CURRENT_VERSION, migrate
from tests.conftest import TODAY, case_of, docx_text, example_dict, minimal_case

SSN = "000-12-3456"          # area 000 is never issued: plainly fictional
STATE_ID = "99999999Z"


def _v1(data: dict) -> dict:
    out = copy.deepcopy(data)
    out["case_file_version"] = 1
    return out


def _texts(folder) -> dict[str, str]:
    return {p.name: docx_text(p) for p in sorted(folder.glob("*.docx"))}


def test_version_2_is_current_and_the_interview_writes_it():
    assert CURRENT_VERSION == 2
    assert CASE_FILE_VERSION == 2


def test_a_version_1_file_is_read_as_version_2_without_changing_an_answer():
    v1 = _v1(example_dict())
    migrated, was = migrate(v1)
    assert was == 1 and migrated["case_file_version"] == 2 and v1["case_file_version"] == 1
    assert {k: v for k, v in migrated.items() if k != "case_file_version"} == \
           {k: v for k, v in v1.items() if k != "case_file_version"}
    assert list(migrated)[0] == "case_file_version"
    case = case_of(v1)
    assert case.migrated_from == 1 and case.as_dict()["case_file_version"] == 2
    assert case_of(example_dict()).migrated_from is None


def test_an_unknown_version_is_still_refused_by_field():
    data = minimal_case()
    data["case_file_version"] = 3
    try:
        case_of(data)
    except Exception as exc:  # CaseFileError
        assert "case_file_version: must be 2" in str(exc)
    else:
        raise AssertionError("version 3 was accepted")


def test_the_report_notes_a_migrated_file_and_the_drafts_do_not_change(tmp_path):
    old = assemble(case_of(_v1(minimal_case())), tmp_path / "v1", ["record_relief"], pdf=False, today=TODAY)
    new = assemble(case_of(minimal_case()), tmp_path / "v2", ["record_relief"], pdf=False, today=TODAY)
    notes = [w for w in old.report["warnings"] if "version 1" in w]
    assert len(notes) == 1 and "traffickingrelief migrate" in notes[0]
    assert not [w for w in new.report["warnings"] if "version 1" in w]
    assert any(i["text"] == notes[0] and i["severity"] == "note" for i in old.report["review_checklist"])
    assert _texts(old.out_dir / "record_relief") == _texts(new.out_dir / "record_relief")


def test_migrate_writes_beside_the_original_and_never_overwrites_unless_asked(tmp_path, capsys):
    original = tmp_path / "client-0042.yml"
    original.write_text(yaml.safe_dump(_v1(minimal_case()), sort_keys=False), encoding="utf-8")
    before = original.read_bytes()
    assert main(["migrate", str(original)]) == 0
    written = tmp_path / "client-0042.v2.yml"
    assert original.read_bytes() == before
    saved = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert saved["case_file_version"] == 2 and saved["convictions"] == minimal_case()["convictions"]
    assert case_of(saved).migrated_from is None
    # a second run refuses to replace the file it wrote; a version 2 file needs nothing
    assert main(["migrate", str(original)]) == 2
    assert main(["migrate", str(written)]) == 0
    assert "already version 2" in capsys.readouterr().out
    # JSON out, then in place only when asked
    assert main(["migrate", str(original), "--out", str(tmp_path / "c.json")]) == 0
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["case_file_version"] == 2
    assert main(["migrate", str(original), "--in-place"]) == 0
    assert yaml.safe_load(original.read_text(encoding="utf-8"))["case_file_version"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "client-0042.v2.yml", "client-0042.yml"]


def test_migrate_refuses_an_invalid_file_and_writes_nothing(tmp_path):
    bad = _v1(minimal_case())
    bad["convictions"][0]["conviction_date"] = "2019-13-40"
    path = tmp_path / "c.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["migrate", str(path)]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]


def test_district_fines_and_warrants_reach_the_papers_and_the_report(tmp_path):
    data = minimal_case(agency="Example City Police Department", district="5th District",
                        prosecuting_office="Example County District Attorney", fines_and_fees_paid="310.00",
                        fines_and_fees_outstanding="40.00")
    data["outstanding_warrants"] = [{"jurisdiction": "PA", "kind": "bench", "related_record": "c1"}]
    result = assemble(case_of(data), tmp_path / "out", ["record_relief"], pdf=False, today=TODAY)
    texts = _texts(result.out_dir / "record_relief")
    assert ("Example County District Attorney and Example City Police Department, 5th District (arresting agency)"
            in texts["PA-1-certificate-of-service.docx"])
    assert "guilty plea; fines and fees paid: $310.00; still owed: $40.00" in texts["PA-1-motion.docx"]
    checklist = texts["PA-1-after-order-checklist.docx"]
    assert "Send the order to the arresting agency: Example City Police Department, 5th District." in checklist
    assert "Fines and fees paid in case CP-00-CR-0000123-2018 (Prostitution): $310.00." in checklist
    assert any(w.startswith("PA: an outstanding bench warrant is recorded (outstanding_warrants[0])")
               for w in result.report["warnings"])


def test_a_warrant_naming_no_record_is_refused():
    data = minimal_case()
    data["outstanding_warrants"] = [{"jurisdiction": "PA", "related_record": "c9"}]
    try:
        case_of(data)
    except Exception as exc:
        assert "outstanding_warrants[0].related_record: no conviction or arrest has this id" in str(exc)
    else:
        raise AssertionError("accepted")


def _with_identifiers(data: dict) -> dict:
    data["client"]["identifiers"] = {"state_id_number": STATE_ID, "ssn": SSN}
    return data


def test_identifiers_stay_out_of_every_paper_where_the_data_requires_none(tmp_path):
    result = assemble(case_of(_with_identifiers(minimal_case())), tmp_path / "out", ["record_relief"], pdf=False,
                      today=TODAY)
    everything = "\n".join(_texts(result.out_dir / "record_relief").values()) + json.dumps(result.report)
    assert SSN not in everything and STATE_ID not in everything
    assert "identified as follows" not in everything


def test_identifiers_the_uniform_order_requires_are_in_the_order_only(tmp_path, monkeypatch):
    real_fact = Jurisdiction.fact

    def fact(self, key):
        found = real_fact(self, key)
        if self.code == "PA" and key == "record_relief.order_identifiers":
            return dataclasses.replace(found, value=["date_of_birth", "state_id_number", "fbi_number"],
                                       citation="Example Code § 1 (test)", tier="official")
        return found

    monkeypatch.setattr(Jurisdiction, "fact", fact)
    result = assemble(case_of(_with_identifiers(minimal_case())), tmp_path / "out", ["record_relief"], pdf=False,
                      today=TODAY)
    texts = _texts(result.out_dir / "record_relief")
    order = texts.pop("PA-1-proposed-order.docx")
    assert ("As Example Code § 1 (test) requires, the person whose records this order concerns is identified as "
            f"follows: date of birth: January 1, 1990; state identification number: {STATE_ID}; FBI number: "
            "[MISSING: FBI number].") in order
    assert SSN not in order  # not listed by the data, so never printed
    report = json.dumps(result.report)
    assert STATE_ID not in report and SSN not in report and "FBI number" in report
    assert all(STATE_ID not in text for text in texts.values())
    assert all(STATE_ID not in p.name for p in (result.out_dir).rglob("*"))


def test_the_interview_asks_the_version_2_record_questions_only_where_the_data_needs_them():
    """Every screen that asks a version 2 record question shows it through asks(jurisdiction, ...), and the
    answer codes are the case file schema's."""
    from docassemble.traffickingrelief.facts import case_file_schema
    interviews = Path(__file__).resolve().parents[1] / "interviews" / "tr_records.yml"
    gates = {"records[i].district": "arrest_details", "records[i].prosecuting_office": "prosecuting_office",
             "records[i].dismissed_on_motion_of": "dismissed_by", "records[i].fines_and_fees_paid": "fines_paid"}
    found = {}
    for block in yaml.safe_load_all(interviews.read_text(encoding="utf-8")):
        for f in (block or {}).get("fields", []) if isinstance(block, dict) else []:
            if f.get("field") in gates:
                found.setdefault(f["field"], []).append(block["id"])
                assert f.get("required") is False, (block["id"], f["field"])
                assert f["show if"] == {"code": f"asks(records[i].jurisdiction, '{gates[f['field']]}')"}, \
                    (block["id"], f["field"])
                if f["field"] == "records[i].dismissed_on_motion_of":
                    codes = [list(c.values())[0] for c in f["choices"]]
                    enum = case_file_schema()["$defs"]["arrest"]["properties"]["dismissed_on_motion_of"]["enum"]
                    assert codes[:-1] == [c for c in enum if c] and codes[-1] == "not_sure"
    assert set(found) == set(gates)
    assert all("record_attorney" in screens for screens in found.values())


def test_fines_paid_reach_the_order_only_where_the_law_refunds_them(tmp_path):
    from docassemble.traffickingrelief.jurisdictions import load_jurisdiction

    assert any("refund" in e for e in load_jurisdiction("VA").value("record_relief.relief_effects"))
    orders = {}
    for code, court in (("VA", "Circuit Court of Example County"), ("PA", "Court of Common Pleas of Example County")):
        data = minimal_case(jurisdiction=code, court=court, fines_and_fees_paid="180.00")
        result = assemble(case_of(data), tmp_path / code, ["record_relief"], pdf=False, today=TODAY)
        orders[code] = docx_text(result.out_dir / "record_relief" / f"{code}-1-proposed-order.docx")
    assert "(fines and fees paid in this case: $180.00)" in orders["VA"]
    assert "$180.00" not in orders["PA"]


def test_the_procedure_questions_follow_the_law_of_the_states_picked():
    from docassemble.traffickingrelief.interview_support import procedure_asks, procedure_sections
    from docassemble.traffickingrelief.jurisdictions import load_jurisdiction

    assert load_jurisdiction("US").fact("record_relief.response_window").known
    assert procedure_asks(["US"], "filing_date") and not procedure_asks(["NY", "PA"], "filing_date")
    assert load_jurisdiction("CT").fact("record_relief.victim_notice").known
    assert procedure_asks(["PA", "CT"], "victims") and not procedure_asks(["US"], "victims")
    assert not procedure_asks(None, "victims")
    assert procedure_sections("2026-12-15", "the complaining witness\n\n  a second witness ") == {
        "filing_date": "2026-12-15", "victims_to_notify": ["the complaining witness", "a second witness"]}
    data = minimal_case()
    data.update(procedure_sections("2026-12-15", "the complaining witness"))
    assert case_of(data).filing_date.isoformat() == "2026-12-15"
