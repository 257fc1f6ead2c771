"""The T-visa family: screening on the four elements, the papers, the exhibit order, and the packet.

Every person, document and address here is fictional; exhibit files are generated in the tests.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from docx2python import docx2python
from pypdf import PdfReader

from docassemble.traffickingrelief import assemble
from docassemble.traffickingrelief.errors import CaseFileError
from docassemble.traffickingrelief.facts import parse_case
from docassemble.traffickingrelief.families.tvisa import PACKET_NAME, build_packet_for_case
from docassemble.traffickingrelief.families.tvisa.exhibits import ordered_exhibits
from docassemble.traffickingrelief.jurisdictions import load_jurisdiction
from docassemble.traffickingrelief.packet import ExhibitError
from docassemble.traffickingrelief.screening import screen

from .test_packet import text_pdf

TODAY = dt.date(2026, 11, 30)
UNSAFE_STREET = "1 Unsafe Home St"


def case_data() -> dict:
    return {
        "case_file_version": 2,
        "client": {"legal_name": "Ana Fictional", "citizenship": "Examplestan", "preferred_language": "es",
                   "a_number": "A123456789",
                   "contact": {"street": UNSAFE_STREET, "city": "Exampleville", "state": "TX", "postal_code": "00000",
                               "safe_to_contact": False}},
        "trafficking": {"types": ["labor"], "coercion": True, "fraud": True, "ended_on": "2023-05-30",
                        "sought_services_on": "2023-07-01",
                        "periods": [{"start": "2021-02-01", "end": "2023-05-30", "place": "Example County farm"}]},
        "law_enforcement_contacts": [{"agency": "Example Police Department", "contact_date": "2023-08-15",
                                      "cooperation": "gave a statement"}],
        "family_members": [{"name": "Luis Fictional", "relationship": "son", "date_of_birth": "2015-03-03"},
                           {"name": "Rosa Fictional", "relationship": "mother"},
                           {"name": "Tio Fictional", "relationship": "uncle"}],
        "evidence": [
            {"id": "e1", "title": "Fictional pay records", "path": "pay.pdf", "elements": ["victim"], "date": "2022-01-01"},
            {"id": "e2", "title": "Fictional letter from a counselor", "path": "letter.pdf", "elements": ["hardship"],
             "language": "es"},
            {"id": "e3", "title": "Fictional police receipt", "path": "receipt.pdf", "elements": ["compliance"]},
            {"id": "e4", "title": "Fictional Form I-914", "path": "form.pdf", "kind": "uscis_form"},
            {"id": "e5", "title": "Fictional declaration", "path": "decl.pdf", "kind": "declaration"},
            {"id": "e6", "title": "Fictional photo", "elements": ["physical_presence"]},
        ],
        "tvisa": {"safe_mailing_address": {"in_care_of": "Example Legal Clinic", "street": "2 Safe Office Rd",
                                           "city": "Exampleville", "state": "TX", "postal_code": "00001"},
                  "translator": {"name": "Terry Translator", "address": "3 Example Ave", "languages": ["es"]},
                  "events": [{"date": "2021-01-15", "description": "Recruited with a promise of farm work"}]},
        "preparer": {"name": "Casey Counsel", "role": "attorney", "bar_number": "000001", "organisation": "Example Clinic"},
    }


@pytest.fixture
def case_dir(tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    for name, pages in (("pay", 2), ("letter", 1), ("receipt", 3), ("form", 2), ("decl", 4)):
        text_pdf(folder / f"{name}.pdf", pages, name)
    return folder


def make_case(folder: Path, data: dict | None = None):
    return parse_case(data or case_data(), base_dir=folder)


def texts(folder: Path) -> dict[str, str]:
    return {p.stem: docx2python(p).text for p in sorted(folder.glob("*.docx"))}


def tvisa_results(case, today=TODAY):
    return [r for r in screen(case, today) if r.family == "tvisa"]


# ---------------------------------------------------------------------------------------------
# Screening


def test_screening_finds_each_element_with_its_citation(case_dir):
    [result] = tvisa_results(make_case(case_dir))
    assert result.subject.kind == "client" and result.draftable
    cited = {f.fact.citation for f in result.findings if f.fact}
    assert {"8 C.F.R. § 214.202(a)", "8 C.F.R. § 214.202(b)", "8 C.F.R. § 214.202(c)", "8 C.F.R. § 214.202(d)"} <= cited
    by_citation = {f.fact.citation: f for f in result.findings if f.fact and f.kind != "warn"}
    assert by_citation["8 C.F.R. § 214.202(a)"].kind == "ok"        # labor trafficking by fraud and coercion
    assert by_citation["8 C.F.R. § 214.202(c)"].kind == "ok"        # a statement to the police
    assert by_citation["8 C.F.R. § 214.202(d)"].kind == "ok"        # e2 is marked for hardship
    assert result.status == "eligible"


def test_missing_support_sends_to_review(case_dir):
    data = case_data()
    data["law_enforcement_contacts"] = []
    data["evidence"] = [e for e in data["evidence"] if "hardship" not in e.get("elements", [])]
    [result] = tvisa_results(make_case(case_dir, data))
    assert result.status == "needs_review"
    assert "evidence of extreme hardship upon removal" in result.missing_facts
    assert any("help to law enforcement" in m for m in result.missing_facts)


def test_minor_exemption_comes_from_the_data(case_dir):
    data = case_data()
    data["law_enforcement_contacts"] = []
    data["trafficking"]["age_at_start"] = 16
    [result] = tvisa_results(make_case(case_dir, data))
    exemption = next(f for f in result.findings if f.fact and f.fact.path == "US:tvisa.minor_exemption_age")
    assert exemption.kind == "ok" and exemption.fact.citation == "8 C.F.R. § 214.202(c)(1)"


def test_no_result_for_a_citizen_or_without_trafficking(case_dir):
    data = case_data()
    data["client"]["citizenship"] = "United States"
    assert tvisa_results(make_case(case_dir, data)) == []
    data = case_data()
    del data["trafficking"]
    assert tvisa_results(make_case(case_dir, data)) == []


def test_stale_filing_data_is_a_warning(case_dir):
    address = load_jurisdiction("US").fact("tvisa.filing_address")
    later = address.as_of + dt.timedelta(days=400)
    [result] = tvisa_results(make_case(case_dir), today=later)
    stale = [f.text for f in result.warnings if "last checked" in f.text]
    assert any("filing address" in t and address.as_of.isoformat() in t for t in stale)
    [fresh] = tvisa_results(make_case(case_dir), today=address.as_of)
    assert not any("last checked" in f.text for f in fresh.warnings)


# ---------------------------------------------------------------------------------------------
# Papers


@pytest.fixture
def drafts(case_dir, tmp_path):
    result = assemble(make_case(case_dir), tmp_path / "out", families=["tvisa"], pdf=False, today=TODAY)
    return result, texts(tmp_path / "out" / "tvisa")


def test_the_set_of_papers(drafts):
    result, docs = drafts
    assert sorted(docs) == ["cover-letter", "declaration-outline", "evidence-checklist", "exhibit-index", "supplement-a",
                            "translator-certificate-declaration", "translator-certificate-exhibit-f"]
    for text in docs.values():
        assert "DRAFT" in text
        assert "http" not in text and "www." not in text and " per " not in text
        assert UNSAFE_STREET not in text   # the home address is not marked safe: it never appears


def test_cover_letter(drafts):
    _, docs = drafts
    letter = docs["cover-letter"]
    j = load_jurisdiction("US")
    assert j.value("tvisa.filing_office") in letter
    for line in j.value("tvisa.filing_address").splitlines():
        assert line in letter
    assert "[CONFIRM: " + j.value("tvisa.filing_office") in letter  # read only in a secondary copy
    assert "in care of Example Legal Clinic, 2 Safe Office Rd, Exampleville, TX 00001" in letter
    assert "8 U.S.C. § 1101(a)(15)(T); 8 C.F.R. § 214.202" in letter
    assert "A123456789" in letter and "The filing fee is $0." in letter
    assert re.search(r"Exhibit A: Fictional Form I-914.*Exhibit B: Fictional declaration", letter, flags=re.S)


def test_unsafe_contact_gives_a_placeholder(case_dir, tmp_path):
    data = case_data()
    del data["tvisa"]["safe_mailing_address"]
    assemble(make_case(case_dir, data), tmp_path / "o", families=["tvisa"], pdf=False, today=TODAY)
    letter = texts(tmp_path / "o" / "tvisa")["cover-letter"]
    assert "[MISSING: the applicant's safe mailing address]" in letter and UNSAFE_STREET not in letter


def test_declaration_outline_is_a_chronology_with_places_for_the_clients_words(drafts):
    _, docs = drafts
    outline = docs["declaration-outline"]
    dates = ["January 15, 2021", "February 1, 2021", "May 30, 2023", "July 1, 2023", "August 15, 2023"]
    positions = [outline.index(d) for d in dates]
    assert positions == sorted(positions)
    assert outline.count("[CLIENT'S WORDS: ") == 4  # one marked place per element
    for element in ("(a)", "(b)", "(c)", "(d)"):
        assert f"8 C.F.R. § 214.202{element}" in outline
    assert "preferred language is Spanish" in outline and "8 C.F.R. § 103.2(b)(3)" in outline


def test_evidence_checklist(drafts):
    _, docs = drafts
    checklist = docs["evidence-checklist"]
    assert "needed (Spanish)" in checklist and "no file named" in checklist
    assert "Translator: Terry Translator" in checklist


def test_checklist_marks_an_element_without_evidence(case_dir, tmp_path):
    data = case_data()
    data["evidence"] = [e for e in data["evidence"] if "hardship" not in e.get("elements", [])]
    assemble(make_case(case_dir, data), tmp_path / "o", families=["tvisa"], pdf=False, today=TODAY)
    checklist = texts(tmp_path / "o" / "tvisa")["evidence-checklist"]
    assert "[MISSING: evidence for: Extreme hardship involving unusual and severe harm upon removal]" in checklist


def test_supplement_a_categories_from_data(drafts):
    _, docs = drafts
    sheet = docs["supplement-a"]
    assert re.search(r"Luis Fictional\s+son\s+(\[CONFIRM: )?T-3", sheet)
    assert re.search(r"Rosa Fictional\s+mother\s+(\[CONFIRM: )?T-4 if the applicant is under 21", sheet)
    assert "[MISSING: Supplement A category for Tio Fictional (attorney to decide)]" in sheet
    assert "8 U.S.C. § 1101(a)(15)(T)(ii)" in sheet


def test_translator_certificates(drafts):
    _, docs = drafts
    exhibit = docs["translator-certificate-exhibit-f"]
    assert ("I, Terry Translator, certify that I am competent to translate from Spanish into English, and that the "
            "attached English translation of Exhibit F, Fictional letter from a counselor is complete and accurate."
            in exhibit)
    assert "8 C.F.R. § 103.2(b)(3)" in exhibit and "3 Example Ave" in exhibit
    assert "the declaration of Ana Fictional" in docs["translator-certificate-declaration"]


# ---------------------------------------------------------------------------------------------
# Exhibit order


def test_exhibit_order_forms_declaration_then_elements(case_dir):
    order = [(x.letter, x.evidence.id) for x in ordered_exhibits(make_case(case_dir))]
    assert order == [("A", "e4"), ("B", "e5"), ("C", "e1"), ("D", "e6"), ("E", "e3"), ("F", "e2")]


def test_exhibit_order_override(case_dir):
    data = case_data()
    data["tvisa"]["exhibit_order"] = ["e2", "e1"]
    order = [x.evidence.id for x in ordered_exhibits(make_case(case_dir, data))]
    assert order == ["e2", "e1", "e4", "e5", "e6", "e3"]
    data["tvisa"]["exhibit_order"] = ["nope"]
    with pytest.raises(CaseFileError, match=r"tvisa\.exhibit_order\[0\]: no evidence with this id"):
        ordered_exhibits(make_case(case_dir, data))


# ---------------------------------------------------------------------------------------------
# Packet (drafts stand in as generated PDFs, so no LibreOffice is needed here)


def fake_drafts(folder: Path) -> Path:
    drafts = folder / "drafts"
    drafts.mkdir()
    text_pdf(drafts / "cover-letter.pdf", 2, "cover")
    text_pdf(drafts / "translator-certificate-exhibit-f.pdf", 1, "certificate")
    return drafts


def test_packet_order_ranges_and_index(case_dir, tmp_path):
    case = make_case(case_dir)
    built = build_packet_for_case(case, fake_drafts(tmp_path), tmp_path / "packet", stamp_prefix="TV-")
    packet = built.packet
    assert built.unattached == ("e6",)
    # cover 2, index 1, A form 1+2, B declaration 1+4, C pay 1+2, E receipt 1+3, F letter 1+1, its certificate 1
    assert [(e.item.id, e.letter, e.first_page, e.last_page) for e in packet.entries] == [
        ("cover-letter", None, 1, 2), ("e4", "A", 4, 6), ("e5", "B", 7, 11), ("e1", "C", 12, 14), ("e3", "E", 15, 18),
        ("e2", "F", 19, 20), ("e2 translator's certificate", None, 21, 21)]
    reader = PdfReader(tmp_path / "packet" / PACKET_NAME)
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) == packet.pages == 21
    index = pages[2]
    for letter, first, last in re.findall(r"^Ex\. ([A-Z]) .*TV-(\d{6})\u2013TV-(\d{6})$", index, flags=re.M):
        assert pages[int(first) - 1].startswith(f"Exhibit {letter}")
        assert f"TV-{int(last):06d}  Page {int(last)} of 21" in pages[int(last) - 1]
    assert "Victim of a severe form of trafficking in persons" in index and "Forms" in index
    assert dict(reader.metadata) == {"/Title": "Application packet", "/Producer": "traffickingrelief"}
    # the DOCX index carries the same ranges, and says which exhibit is not in the packet
    sheet = docx2python(built.index).text
    assert "TV-000012\u2013TV-000014" in sheet and "not in the packet" in sheet


def test_packet_bad_exhibit_is_named_and_can_be_skipped(case_dir, tmp_path):
    (case_dir / "receipt.pdf").write_bytes(b"%PDF-1.7 this is not really a PDF")
    case = make_case(case_dir)
    drafts = fake_drafts(tmp_path)
    with pytest.raises(ExhibitError, match="e3: corrupt PDF"):
        build_packet_for_case(case, drafts, tmp_path / "packet")
    assert not (tmp_path / "packet" / PACKET_NAME).exists()
    built = build_packet_for_case(case, drafts, tmp_path / "packet", skip_bad=True)
    assert [(b.id, b.problem.split(" (")[0]) for b in built.packet.skipped] == [("e3", "corrupt PDF")]
    assert "e3" not in {e.item.id for e in built.packet.entries}


@pytest.mark.skipif(not shutil.which("soffice"), reason="the packet command renders the drafts to PDF with LibreOffice")
def test_packet_command_end_to_end(case_dir, tmp_path):
    data = case_data()
    (case_dir / "case.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (case_dir / "receipt.pdf").unlink()
    cmd = [sys.executable, "-m", "docassemble.traffickingrelief.cli", "packet", str(case_dir / "case.yml"),
           "--out", str(tmp_path / "out")]
    failed = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert failed.returncode == 1 and "e3: file not found" in failed.stderr
    assert not (tmp_path / "out" / "packet" / PACKET_NAME).exists()
    done = subprocess.run(cmd + ["--skip-bad-exhibits", "--stamp-prefix", "TV-"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Left out: exhibit e3: file not found" in done.stdout
    reader = PdfReader(tmp_path / "out" / "packet" / PACKET_NAME)
    first = reader.pages[0].extract_text()
    assert "Vermont Service Center" in first and f"TV-000001  Page 1 of {len(reader.pages)}" in first


def test_unknown_citizenship(case_dir):
    data = case_data()
    del data["client"]["citizenship"]
    [result] = tvisa_results(make_case(case_dir, data))  # the case file holds T-visa facts: screened, for review
    assert result.status == "needs_review" and "the client's citizenship" in result.missing_facts
    for key in ("tvisa", "evidence"):
        del data[key]
    assert tvisa_results(make_case(case_dir, data)) == []  # nothing points to a T visa


@pytest.mark.parametrize("path", ["../outside.pdf", "/etc/hostname", "link.pdf"])
def test_exhibit_paths_stay_inside_the_case_folder(case_dir, tmp_path, path):
    text_pdf(tmp_path / "outside.pdf", 1, "outside")
    (case_dir / "link.pdf").symlink_to(tmp_path / "outside.pdf")
    data = case_data()
    data["evidence"][0]["path"] = path
    with pytest.raises(CaseFileError, match=r"evidence\[0\]\.path: must name a file inside the case file's folder"):
        build_packet_for_case(make_case(case_dir, data), fake_drafts(tmp_path), tmp_path / "packet")
    assert not (tmp_path / "packet" / PACKET_NAME).exists()


def test_packet_command_refuses_bad_input_before_writing(case_dir, tmp_path):
    from docassemble.traffickingrelief.cli import main

    data = case_data()
    data["evidence"][0]["path"] = "../outside.pdf"
    (case_dir / "case.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["packet", str(case_dir / "case.yml"), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()
