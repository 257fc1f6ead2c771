"""Affirmative-defense family: screening of pending charges against each jurisdiction's trafficking-victim
defense, and the notice, declaration outline and proposed jury instruction it drafts, for fictional
clients in several states and in federal court."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from pypdf import PdfReader

from docassemble.traffickingrelief import assemble, screen
from docassemble.traffickingrelief.errors import CaseFileError
from docassemble.traffickingrelief.families.affirmative_defense.screening import notice_deadline, screen_charge
from docassemble.traffickingrelief.jurisdictions import Fact, load_jurisdiction
from tests.conftest import TODAY, case_of, docx_text, minimal_case, write_case

FAMILY = ["affirmative_defense"]


def charge(code: str, **fields) -> dict:
    base = {"id": f"{code.lower()}1", "jurisdiction": code, "offence": "Prostitution",
            "court": "Example County Court", "county": "Example", "case_number": f"{code}-CR-2026-0042",
            "next_court_date": "2027-02-01", "offence_date": "2026-06-01",
            "trafficking_connection": "The trafficker sent the client to the place of arrest."}
    base.update(fields)
    return base


def case_with(*charges: dict) -> dict:
    data = minimal_case()
    data["convictions"] = []
    data["pending_charges"] = list(charges)
    return data


def run(tmp_path, *charges: dict):
    result = assemble(case_of(case_with(*charges)), tmp_path / "out", families=FAMILY, pdf=False, today=TODAY)
    by_id = {r.subject.id: r for r in result.screening}
    return result, by_id


def text(result, name: str) -> str:
    return docx_text(result.out_dir / "affirmative_defense" / name)


def test_washington_prostitution_charge_gets_notice_declaration_and_pattern_based_instruction(tmp_path):
    result, by_id = run(tmp_path, charge("WA", statute="RCW 9A.88.030", offence_categories=["prostitution"],
                                         court="Spokane County District Court", county="Spokane"))
    assert by_id["wa1"].status == "eligible" and by_id["wa1"].draftable
    files = sorted(d["file"] for d in result.report["documents"])
    assert files == ["affirmative_defense/WA-1-declaration.docx", "affirmative_defense/WA-1-jury-instruction.docx",
                     "affirmative_defense/WA-1-notice.docx"]
    notice = text(result, "WA-1-notice.docx")
    assert "State of Washington" in notice and "Rowan Fictional" in notice and "Defendant." in notice
    assert "WA-CR-2026-0042" in notice and "Spokane County District Court" in notice
    assert "intends to raise the affirmative defense provided by RCW 9A.88.040 to the charge of Prostitution " \
           "(RCW 9A.88.030)" in notice
    assert "The trafficker sent the client to the place of arrest." in notice
    assert "et seq.." not in notice  # the elements' closing period is not doubled
    assert "Attorney for Defendant" in notice
    instruction = text(result, "WA-1-jury-instruction.docx")
    assert "FOR ATTORNEY REVIEW" in instruction and "Pattern instruction: WPIC 19.04.06." in instruction
    assert "The defendant has the burden of proving this defense by a preponderance of the evidence." in instruction
    assert "it will be your duty to return a verdict of not guilty" in instruction
    declaration = text(result, "WA-1-declaration.docx")
    assert "I am the Defendant in this case." in declaration
    assert "[MISSING: the client's own words on part 1 of the defense]" in declaration  # never invented
    assert "under penalty of perjury under the laws of the State of Washington" in declaration


def test_the_pdf_carries_the_same_citation_and_caption(tmp_path, soffice):
    data = case_with(charge("WA", statute="RCW 9A.88.030", offence_categories=["prostitution"],
                            court="Spokane County District Court"))
    result = assemble(case_of(data), tmp_path / "out", families=FAMILY, pdf=True, today=TODAY)
    pdf = result.out_dir / "affirmative_defense" / "WA-1-notice.pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "RCW 9A.88.040" in text and "WA-CR-2026-0042" in text and "Rowan Fictional" in text


def test_federal_charge_uses_18_usc_28_with_sealing_and_no_invented_burden_or_pattern(tmp_path):
    result, by_id = run(tmp_path, charge("US", offence="Possession of false identification",
                                         statute="18 U.S.C. § 1028", offence_categories=["false_identification"],
                                         court="United States District Court for the District of Example",
                                         case_number="1:26-cr-00042"))
    assert by_id["us1"].draftable
    notice = text(result, "US-1-notice.docx")
    assert "United States of America" in notice and "Case No. 1:26-cr-00042" in notice
    assert "United States District Court for the District of Example" in notice
    assert "human trafficking defense (duress) provided by 18 U.S.C. § 28" in notice
    assert "Defendant moves under 18 U.S.C. § 28(c)" in notice
    assert "22 U.S.C. § 7102" in notice
    instruction = text(result, "US-1-jury-instruction.docx")
    assert "[MISSING: pattern jury instruction" in instruction
    assert "[MISSING: who bears the burden on the defense" in instruction
    assert "verdict of not guilty" not in instruction  # no verdict sentence without a known burden
    unknown = {e["path"] for e in result.report["unknown_law"]}
    assert {"US:affirmative_defence.pattern_instruction", "US:affirmative_defence.burden"} <= unknown
    citation = next(e for e in result.report["law_used"] if e["path"] == "US:affirmative_defence.citation")
    assert citation["verified"] and citation["tier"] == "official"
    declaration = text(result, "US-1-declaration.docx")
    assert "I declare under penalty of perjury that the foregoing is true and correct." in declaration


def test_colorado_warns_that_a_failed_defence_bars_record_relief(tmp_path):
    result, by_id = run(tmp_path, charge("CO", statute="C.R.S. § 18-7-201", offence_categories=["prostitution"],
                                         court="Denver County Court", county="Denver"))
    r = by_id["co1"]
    assert r.draftable
    warning = next(f for f in r.warnings if "bars record relief" in f.text)
    assert warning.fact.path == "CO:record_relief.failed_defence_bars_relief" and warning.fact.value is True
    assert any("Raising this defense at trial and losing bars record relief later under Colorado" in w
               for w in result.report["warnings"])
    notice = text(result, "CO-1-notice.docx")
    assert "People of the State of Colorado" in notice and "Denver County Court" in notice
    assert "C.R.S. § 18-7-201.3" in notice
    assert "[CONFIRM:" in notice  # the Colorado text was read only in a secondary source


def test_idaho_also_warns_about_a_failed_defence(tmp_path):
    _, by_id = run(tmp_path, charge("ID", court="Ada County Magistrate Court", county="Ada"))
    assert any("bars record relief" in f.text and f.fact.path == "ID:record_relief.failed_defence_bars_relief"
               for f in by_id["id1"].warnings)


def test_wisconsin_covers_any_offense_and_puts_the_burden_on_the_state(tmp_path):
    result, by_id = run(tmp_path, charge("WI", offence="Retail theft", statute="Wis. Stat. § 943.50",
                                         offence_categories=["theft"], court="Milwaukee County Circuit Court",
                                         county="Milwaukee"))
    assert by_id["wi1"].status == "eligible"
    instruction = text(result, "WI-1-jury-instruction.docx")
    assert "Wis. Stat. § 939.46(1m)" in instruction
    assert "940.302(2)" in instruction and "948.051" in instruction
    assert "If the prosecution has not met its burden" in instruction
    assert "[CONFIRM: Wis JI-Criminal 791]" in instruction  # read only in a filed proposal


def test_texas_excluded_offences_and_effective_date_are_flagged(tmp_path):
    result, by_id = run(tmp_path, charge("TX", offence="Theft", statute="Tex. Penal Code § 31.03",
                                         offence_categories=["theft"], offence_date="2025-06-01",
                                         court="Harris County Criminal Court at Law No. 1", county="Harris"))
    r = by_id["tx1"]
    assert r.status == "needs_review"  # offense before the defense took effect (Dec. 4, 2025)
    assert any("before the defense took effect (2025-12-04)" in f.text for f in r.reasons)
    assert any("art. 42A.054(a)" in f.text for f in r.warnings)
    instruction = text(result, "TX-1-jury-instruction.docx")
    assert "Tex. Penal Code § 8.09" in instruction
    assert "would have compelled a reasonable person in the defendant's circumstances" in instruction


def test_south_dakota_and_iowa_limit_the_defence_to_listed_charges(tmp_path):
    _, by_id = run(tmp_path,
                   charge("SD", statute="SDCL § 22-23-1", offence_categories=["prostitution"]),
                   charge("IA", id="ia1", offence="Burglary", statute="Iowa Code § 713.1",
                          offence_categories=["burglary"]),
                   charge("IA", id="ia2", offence="Human trafficking", statute="Iowa Code § 710A.2",
                          offence_categories=["trafficking"]))
    assert by_id["sd1"].status == "eligible" and by_id["sd1"].draftable
    assert by_id["ia1"].status == "not_eligible" and not by_id["ia1"].draftable
    assert any("outside the charges the defense covers" in f.text for f in by_id["ia1"].reasons)
    assert by_id["ia2"].draftable


def test_georgia_and_oregon_defences_come_from_their_codes(tmp_path):
    result, by_id = run(tmp_path,
                        charge("GA", offence_categories=["prostitution"], statute="O.C.G.A. § 16-6-9",
                               court="Fulton County State Court", county="Fulton"),
                        charge("OR", offence="Theft in the third degree", offence_categories=["theft"],
                               court="Multnomah County Circuit Court", county="Multnomah"))
    assert by_id["ga1"].draftable and by_id["or1"].draftable
    ga = text(result, "GA-1-jury-instruction.docx")
    assert "O.C.G.A. § 16-3-6" in ga and "16-5-46(c)" in ga
    assert "State of Georgia" in text(result, "GA-1-notice.docx")
    oregon = text(result, "OR-1-notice.docx")
    assert "ORS 163.269" in oregon and "Multnomah County Circuit Court" in oregon
    assert any("person crimes" in f.text for f in by_id["or1"].warnings)  # the exclusion to confirm


def test_a_defence_known_only_from_a_summary_prints_for_confirmation_and_an_unread_citation_as_missing(tmp_path):
    result, by_id = run(tmp_path, charge("IL", offence_categories=["prostitution"], court="Circuit Court of Cook County"))
    assert by_id["il1"].draftable
    notice = text(result, "IL-1-notice.docx")
    assert "[MISSING: citation for statute providing the defense" in notice
    assert "[CONFIRM: affirmative defense]" in notice


def test_arkansas_lists_the_charges_its_defence_covers(tmp_path):
    result, by_id = run(tmp_path,
                        charge("AR", id="ar1", offence="Forgery", statute="Ark. Code Ann. § 5-37-201",
                               offence_categories=["forgery"], court="Pulaski County District Court"),
                        charge("AR", id="ar2", offence="Robbery", statute="Ark. Code Ann. § 5-12-102",
                               offence_categories=["robbery"], court="Pulaski County Circuit Court"))
    assert by_id["ar1"].status == "eligible" and by_id["ar1"].draftable
    assert by_id["ar2"].status == "not_eligible" and not by_id["ar2"].draftable
    notice = text(result, "AR-1-notice.docx")
    assert "Ark. Code Ann. § 5-2-210" in notice and "Forgery (Ark. Code Ann. § 5-37-201)" in notice


def test_california_violent_charges_are_excluded_and_unknown_violence_needs_review(tmp_path):
    _, by_id = run(tmp_path, charge("CA", id="ca1", offence="Robbery", offence_categories=["robbery"], violent=True),
                   charge("CA", id="ca2", offence="Burglary", offence_categories=["burglary"]))
    assert by_id["ca1"].status == "not_eligible"
    assert by_id["ca2"].status == "needs_review"
    assert "whether the pending charge is violent" in by_id["ca2"].missing_facts


def test_immunity_and_unknown_law_are_screened_with_their_source_and_get_no_notice(tmp_path):
    result, by_id = run(tmp_path, charge("WY", court="Laramie County Circuit Court"),
                        charge("NY", court="Criminal Court of the City of New York"))
    wy, ny = by_id["wy1"], by_id["ny1"]
    assert not wy.draftable and not ny.draftable
    assert "immunity rather than a defense" in wy.reasons[0].text
    assert wy.reasons[0].fact.citation == "Wyo. Stat. § 6-2-708(a)" and wy.reasons[0].fact.tier == "copy"
    assert "is not known" in ny.reasons[0].text and ny.reasons[0].fact.path == "NY:affirmative_defence.available"
    assert result.report["documents"] == []
    assert any("no defense papers drafted" in w for w in result.report["warnings"])


def test_missing_facts_become_placeholders_never_guesses(tmp_path):
    result, by_id = run(tmp_path, charge("WA", statute="RCW 9A.88.030", offence_categories=["prostitution"],
                                         case_number=None, trafficking_connection=None))
    assert "how the pending charge connects to the trafficking" in by_id["wa1"].missing_facts
    notice = text(result, "WA-1-notice.docx")
    assert "[MISSING: case number]" in notice
    assert "[MISSING: how the pending charge connects to the trafficking]" in notice


def test_user_text_is_data_not_markup(tmp_path):
    result, _ = run(tmp_path, charge("WA", statute="RCW 9A.88.030", offence_categories=["prostitution"],
                                     trafficking_connection="He said {{ x }} & <b>now</b>"))
    assert "He said {{ x }} & <b>now</b>" in text(result, "WA-1-notice.docx")


def test_a_case_without_pending_charges_gets_nothing_from_this_family():
    assert screen(case_of(minimal_case()), TODAY, FAMILY) == []


def test_bad_input_names_the_field_and_writes_nothing(tmp_path):
    missing_offence = charge("WA")
    del missing_offence["offence"]
    cases = {"a": (case_with(missing_offence), "pending_charges[0]"),
             "b": (case_with(charge("ZZ")), "pending_charges[0].jurisdiction"),
             "c": (case_with(charge("WA", arraignment_date="2026-02-30")), "pending_charges[0].arraignment_date")}
    for name, (data, field) in cases.items():
        path = write_case(tmp_path, data, f"{name}.json")
        with pytest.raises(Exception) as raised:
            assemble(path, tmp_path / name, families=FAMILY, pdf=False, today=TODAY)
        assert field in str(raised.value), str(raised.value)
        assert not (tmp_path / name).exists() or not any((tmp_path / name).iterdir())
    with pytest.raises(CaseFileError):
        case_of(cases["a"][0])


def _with_deadline(code: str, rule) -> object:
    """The real jurisdiction with a notice-deadline rule swapped in (no state in the data sets one yet)."""
    j = load_jurisdiction(code)
    path = "affirmative_defence.notice_deadline"
    fact = Fact(path=f"{code}:{path}", value=rule, citation="Example R. Crim. P. 12", source=None, tier="none",
                as_of=dt.date(2026, 11, 30))
    return dataclasses.replace(j, facts={**j.facts, path: fact})


def test_notice_deadline_counts_from_the_event_the_rule_names(monkeypatch):
    data = case_with(charge("WA", statute="RCW 9A.88.030", offence_categories=["prostitution"],
                            arraignment_date="2026-11-02", next_court_date="2027-01-15"))
    pending = case_of(data).pending_charges[0]
    after_arraignment = _with_deadline("WA", {"days": 30, "relation": "after", "event": "arraignment",
                                              "description": "within 30 days after arraignment"})
    before_trial = _with_deadline("WA", {"days": 10, "relation": "before", "event": "trial",
                                         "description": "at least 10 days before trial"})
    assert notice_deadline(pending, after_arraignment) == dt.date(2026, 12, 2)
    assert notice_deadline(pending, before_trial) == dt.date(2027, 1, 5)
    module = "docassemble.traffickingrelief.families.affirmative_defense.screening.load_jurisdiction"
    monkeypatch.setattr(module, lambda code: after_arraignment)
    due = next(f for f in screen_charge(pending, case_of(data), TODAY).findings if f.fact and
               f.fact.path == "WA:affirmative_defence.notice_deadline")
    assert due.until == dt.date(2026, 12, 2) and "2026-12-02" in due.text
    late = screen_charge(pending, case_of(data), dt.date(2026, 12, 10)).findings
    assert any("has passed" in f.text for f in late)
    no_date = dataclasses.replace(pending, arraignment_date=None)
    missing = screen_charge(no_date, case_of(data), TODAY)
    assert "arraignment date" in missing.missing_facts


def test_every_jurisdiction_has_the_section_with_honest_tiers():
    from docassemble.traffickingrelief.jurisdictions import load_all
    keys = ("available", "remedy_name", "citation", "kind", "scope", "offences", "burden", "notice_rule",
            "notice_deadline", "elements", "pattern_instruction")
    jurisdictions = load_all()
    assert len(jurisdictions) == 52
    for j in jurisdictions.values():
        for k in keys:
            fact = j.fact(f"affirmative_defence.{k}")
            assert fact.note != "Not recorded in the jurisdiction data.", f"{j.code} lacks affirmative_defence.{k}"
            if fact.value is None:
                assert fact.tier == "none" and fact.note
            if fact.verified:
                assert fact.source is not None
    us = jurisdictions["US"]
    assert us.value("affirmative_defence.citation") == "18 U.S.C. § 28"
    assert us.fact("affirmative_defence.citation").tier == "official"


def test_an_unknown_notice_deadline_is_a_placeholder_and_a_report_entry(tmp_path):
    result, _ = run(tmp_path, charge("WA", statute="RCW 9A.88.030", offence_categories=["prostitution"]))
    notice = text(result, "WA-1-notice.docx")
    assert "within the time the law and the court's rules allow ([MISSING: deadline for notice of the defense" \
           in notice
    assert "WA:affirmative_defence.notice_deadline" in {e["path"] for e in result.report["unknown_law"]}


def test_a_known_notice_deadline_is_written_in_words_with_its_date(tmp_path, monkeypatch):
    rule = {"days": 30, "relation": "after", "event": "arraignment", "description": "within 30 days after arraignment"}
    with_rule = _with_deadline("WA", rule)
    monkeypatch.setattr("docassemble.traffickingrelief.families.affirmative_defense.screening.load_jurisdiction",
                        lambda code: with_rule)
    result, _ = run(tmp_path, charge("WA", statute="RCW 9A.88.030", offence_categories=["prostitution"],
                                     arraignment_date="2026-11-02"))
    notice = text(result, "WA-1-notice.docx")
    # the stand-in rule was read nowhere (tier none): printed for confirmation, never as settled law
    assert "within the time [CONFIRM: Example R. Crim. P. 12] allows ([CONFIRM: within 30 days after " \
           "arraignment]); it is due on or before December 2, 2026." in notice
    assert "'days'" not in notice and "the law and the court's rules allow" not in notice


def test_no_deadline_in_the_data_adds_no_sentence(tmp_path, monkeypatch):
    none = _with_deadline("WA", "none")
    monkeypatch.setattr("docassemble.traffickingrelief.families.affirmative_defense.screening.load_jurisdiction",
                        lambda code: none)
    result, _ = run(tmp_path, charge("WA", statute="RCW 9A.88.030", offence_categories=["prostitution"]))
    notice = text(result, "WA-1-notice.docx")
    assert "within the time" not in notice
    assert "WA:affirmative_defence.notice_deadline" not in {e["path"] for e in result.report["unknown_law"]}


def test_colorados_notice_rule_is_screened_with_its_citation_and_the_date_stays_a_placeholder(tmp_path):
    result, by_id = run(tmp_path, charge("CO", statute="C.R.S. § 18-7-201", offence_categories=["prostitution"],
                                         court="Denver County Court", county="Denver"))
    [finding] = [f for f in by_id["co1"].warnings if f.fact and f.fact.path == "CO:affirmative_defence.notice_rule"]
    assert "35 days before trial for a felony trial, or 7 days before trial for a non-felony trial" in finding.text
    assert finding.fact.citation == "Colo. R. Crim. P. 16" and finding.fact.tier == "copy"
    assert finding.fact.source.url.startswith("https://")
    notice = text(result, "CO-1-notice.docx")
    assert "[MISSING: deadline for notice of the defense" in notice  # the court sets it: never computed here
    assert "casetext" not in notice.lower()  # provenance stays in the report
