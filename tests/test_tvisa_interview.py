"""The T-visa interview module's Python (families/tvisa/interview.py) and the packet hand-off in the shared
assembly (interview_support.assemble_into with uploaded exhibits), without docassemble.

Every person and paper here is fictional; exhibit files are generated in the tests.
"""
from __future__ import annotations

import struct
import tempfile
import zlib
from pathlib import Path
from types import SimpleNamespace

from pypdf import PdfReader, PdfWriter

from docassemble.traffickingrelief.facts import parse_case
from docassemble.traffickingrelief.families.tvisa.interview import (
    exhibit_files, exhibit_upload_problem, exhibit_uploads, needs_translator, tvisa_carried, tvisa_rows_for, tvisa_sections,
    tvisa_wanted)
from docassemble.traffickingrelief.interview_support import assemble_into

from .test_packet import outline, text_pdf


def png_file(path: Path, width: int = 4, height: int = 3) -> Path:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x20\x90\xe0" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


class Upload:
    """Stands in for a DAFile: a stored file with its name, content type and path()."""

    def __init__(self, path: Path, filename: str, mimetype: str):
        self._path, self.filename, self.mimetype, self.number = path, filename, mimetype, 7

    def path(self) -> str:
        return str(self._path)


def listing(*items):
    return SimpleNamespace(elements=list(items))


def exhibit(upload, title, element, date="2024-02-03", complete=True):
    return SimpleNamespace(upload=listing(upload), title=title, element=element, date=date, complete=complete)


def base_case() -> dict:
    return {
        "case_file_version": 1,
        "client": {"legal_name": "Noa Fictional", "citizenship": "Examplestan", "preferred_language": "es",
                   "contact": {"city": "Exampleville", "safe_to_contact": False}},
        "trafficking": {"types": ["labor"], "coercion": True,
                        "periods": [{"start": "2021-02-01", "end": "2023-05-30", "place": "Example farm"}]},
        "law_enforcement_contacts": [{"agency": "Example Police Department", "cooperation": "gave a statement"}],
        "preparer": {"name": "Casey Counsel", "role": "attorney", "bar_number": "000001"},
    }


# -- the gate and the sections --------------------------------------------------------------


def test_the_gate_needs_a_non_citizen_who_asks():
    assert tvisa_wanted("not_us_citizen", "yes")
    assert not tvisa_wanted("not_us_citizen", "no")
    assert not tvisa_wanted("us_citizen", "yes")
    assert not tvisa_wanted("prefer_not_to_say", "yes")
    assert not tvisa_wanted(None, None)


def test_translator_only_when_the_language_is_not_english():
    assert needs_translator("es") and needs_translator(None, "es")
    assert not needs_translator("en") and not needs_translator(None, "en") and not needs_translator(None, None)


def test_closed_gate_answers_nothing_so_an_uploaded_case_file_keeps_its_sections():
    assert tvisa_sections(wanted=False, address=SimpleNamespace(street="2 Safe Rd")) == {}


def test_sections_from_the_answers(tmp_path):
    pdf = Upload(text_pdf(tmp_path / "a.pdf", 2, "pay"), "Noa pay stubs.pdf", "application/pdf")
    picture = Upload(png_file(tmp_path / "b.png"), "photo.png", "image/png")
    core = listing(SimpleNamespace(id="e1", title="Letter from a case manager", kind="service_provider_letter",
                                   complete=True))
    out = tvisa_sections(
        wanted=True,
        address=SimpleNamespace(in_care_of="Example Legal Clinic", street="2 Safe Office Rd", city="Exampleville",
                                state="TX", postal_code="00001"),
        translator=SimpleNamespace(name="Terry Translator", phone="555-0101"),
        family=listing(SimpleNamespace(name="Luis Fictional", relationship="child", date_of_birth="2015-03-03",
                                       complete=True),
                       SimpleNamespace(name="Half Done", complete=False)),
        family_choice="yes",
        exhibits=listing(exhibit(pdf, "Pay stubs", "victim"), exhibit(picture, "Photo of the farm", "not_sure", date=None),
                         exhibit(pdf, "Not finished", "victim", complete=False)),
        evidence_items=core)
    assert out["tvisa"] == {"safe_mailing_address": {"in_care_of": "Example Legal Clinic", "street": "2 Safe Office Rd",
                                                     "city": "Exampleville", "state": "TX", "postal_code": "00001"},
                            "translator": {"name": "Terry Translator", "phone": "555-0101"}}
    assert out["family_members"] == [{"name": "Luis Fictional", "relationship": "child", "date_of_birth": "2015-03-03"}]
    # the other papers first, as the shared questions gave them, then the uploads with neutral paths
    assert out["evidence"] == [
        {"id": "e1", "title": "Letter from a case manager", "kind": "service_provider_letter"},
        {"id": "x1", "title": "Pay stubs", "path": "exhibits/x1.pdf", "date": "2024-02-03", "elements": ["victim"]},
        {"id": "x2", "title": "Photo of the farm", "path": "exhibits/x2.png"},
    ]
    assert all("Noa" not in e.get("path", "") for e in out["evidence"])
    data = base_case() | out
    parse_case(data)  # valid against the schema
    files = exhibit_files(listing(exhibit(pdf, "Pay stubs", "victim"), exhibit(picture, "Photo", "hardship")), core)
    assert files == {"x1": pdf.path(), "x2": picture.path()}


def test_family_members_are_left_out_when_skipped():
    family = listing(SimpleNamespace(name="Luis Fictional", relationship="child", complete=True))
    out = tvisa_sections(wanted=True, family=family, family_choice="prefer_not_to_say")
    assert "family_members" not in out and "tvisa" not in out


def test_exhibit_ids_skip_ids_the_other_papers_use(tmp_path):
    pdf = Upload(text_pdf(tmp_path / "a.pdf", 1, "x"), "a.pdf", "application/pdf")
    core = listing(SimpleNamespace(id="x1", title="Already x1", complete=True))
    out = tvisa_sections(wanted=True, exhibits=listing(exhibit(pdf, "Pay", "victim")), evidence_items=core)
    assert [e["id"] for e in out["evidence"]] == ["x1", "x2"]


def test_quick_exit_finds_every_upload(tmp_path):
    pdf = Upload(text_pdf(tmp_path / "a.pdf", 1, "x"), "a.pdf", "application/pdf")
    half = SimpleNamespace(upload=listing(pdf), complete=False)  # uploaded, then left before finishing the screen
    assert len(exhibit_uploads(listing(exhibit(pdf, "Pay", "victim"), half))) == 2
    assert exhibit_uploads(None) == []


# -- upload checks ----------------------------------------------------------------------------


def test_good_uploads_pass(tmp_path):
    assert exhibit_upload_problem(text_pdf(tmp_path / "a.pdf", 1, "x"), "a.pdf", "application/pdf") is None
    assert exhibit_upload_problem(png_file(tmp_path / "b.png"), "b.png", "image/png") is None
    jpeg = tmp_path / "c.jpg"
    jpeg.write_bytes(bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffc0000b080001000101011100ffd9"))
    assert exhibit_upload_problem(jpeg, "c.jpg", "image/jpeg") is None


def test_a_renamed_file_is_refused_by_its_content(tmp_path):
    fake = tmp_path / "letter.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf at all")
    problem = exhibit_upload_problem(fake, "letter.pdf", "application/pdf")
    assert problem.startswith("letter.pdf: ") and "does not match its type" in problem
    # a PNG that claims to be a PDF (type and bytes disagree)
    problem = exhibit_upload_problem(png_file(tmp_path / "p.png"), "scan.pdf", "application/pdf")
    assert problem == "scan.pdf: the file's content does not match its type. Use a real PDF, JPEG, PNG or DOCX file."


def test_other_types_are_refused_by_their_type(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("plain text")
    assert exhibit_upload_problem(text, "notes.txt", "text/plain") == (
        "notes.txt: this kind of file cannot be used. Use a PDF, a JPEG or PNG picture, or a Word file (DOCX).")


def test_size_encryption_and_broken_files(tmp_path):
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    assert exhibit_upload_problem(big, "big.pdf", "application/pdf", max_bytes=1024 * 1024) == \
        "big.pdf: the file is too big. It can be at most 1 MB."
    writer = PdfWriter(clone_from=text_pdf(tmp_path / "plain.pdf", 1, "x"))
    writer.encrypt("secret")
    with open(tmp_path / "locked.pdf", "wb") as handle:
        writer.write(handle)
    assert exhibit_upload_problem(tmp_path / "locked.pdf", "locked.pdf", "application/pdf") == \
        "locked.pdf: the PDF has a password. Save a copy without a password, then upload that."
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    assert exhibit_upload_problem(broken, "broken.pdf", "application/pdf") == \
        "broken.pdf: we cannot open this file. It may be broken."
    assert exhibit_upload_problem(broken, "roto.pdf", "application/pdf", language="es") == \
        "roto.pdf: no podemos abrir este archivo. Puede estar dañado."
    # a path in the name never reaches the message, only the file's own name
    assert exhibit_upload_problem(broken, "C:\\Users\\x/../broken.pdf", None).startswith("broken.pdf: ")


# -- the screening card -------------------------------------------------------------------------


def test_rows_name_each_element_and_keep_the_core_reasons():
    [row] = tvisa_rows_for(base_case())
    assert row["draftable"] and row["offence"] == "T visa" and row["jurisdiction_name"]
    states = {e["code"]: e["state"] for e in row["elements"]}
    assert states == {"victim": "supported", "physical_presence": "needs_more", "compliance": "supported",
                      "hardship": "needs_more"}
    assert row["verdict"] == "needs_answer"
    assert any(r["citation"] for r in row["reasons"])


def test_no_row_for_a_citizen():
    data = base_case()
    data["client"]["citizenship"] = "United States"
    assert tvisa_rows_for(data) == []


# -- the packet through the shared assembly -----------------------------------------------------


class FileList(list):
    """Stands in for a DAFileList: appendObject() gives an item that copies a file in."""

    gathered = False

    def appendObject(self):
        item = SimpleNamespace()
        store = Path(tempfile.mkdtemp(dir=self.store))

        def initialize(filename):
            item.filename = filename

        def copy_into(path):
            item.stored = store / item.filename
            item.stored.write_bytes(Path(path).read_bytes())
        item.initialize, item.copy_into, item.commit = initialize, copy_into, lambda: None
        self.append(item)
        return item


def test_uploaded_exhibits_reach_the_packet_in_place_and_nothing_is_left_behind(tmp_path, monkeypatch):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    pdf = Upload(text_pdf(uploads / "000123", 3, "pay"), "pay.pdf", "application/pdf")
    picture = Upload(png_file(uploads / "000124", 40, 30), "farm.png", "image/png")
    exhibits = listing(exhibit(pdf, "Pay stubs", "victim"), exhibit(picture, "Photo of the farm", "physical_presence"))
    data = base_case() | tvisa_sections(wanted=True, exhibits=exhibits,
                                        address=SimpleNamespace(street="2 Safe Office Rd", city="Exampleville"))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    files = FileList()
    files.store = tmp_path / "store"
    files.store.mkdir()
    before = sorted(p.name for p in uploads.iterdir())
    result = assemble_into(data, files, families=["tvisa"], pdf=True, exhibits=exhibit_files(exhibits))
    by_name = {f["filename"]: f for f in result["files"]}
    assert by_name["t-visa-packet.pdf"]["family"] == "tvisa" and by_name["t-visa-packet-index.docx"]["format"] == "docx"
    [packet] = [f.stored for f in files if f.filename == "t-visa-packet.pdf"]
    reader = PdfReader(packet)
    text = [page.extract_text() for page in reader.pages]
    total = len(reader.pages)
    assert all(f"Page {n} of {total}" in t for n, t in enumerate(text, 1))
    assert any("pay page 3" in t for t in text)
    marks = {title: page for title, _, page in outline(reader)}
    [pay] = [page for title, page in marks.items() if "Pay stubs" in title]
    [photo] = [page for title, page in marks.items() if "Photo of the farm" in title]
    assert "Pay stubs" in text[pay - 1] and "pay page 1" in text[pay]  # the separator, then the exhibit
    assert "Photo of the farm" in text[photo - 1] and photo + 1 == total  # its separator, then the image page
    # the uploads were read where they are, and no copy or scratch folder outlives the run
    assert sorted(p.name for p in uploads.iterdir()) == before
    assert list(scratch.iterdir()) == []
    zip_names = __import__("zipfile").ZipFile([f.stored for f in files if f.filename == "drafts.zip"][0]).namelist()
    assert "t-visa-packet.pdf" in zip_names and len(zip_names) == len(set(zip_names))


def test_without_uploads_or_tvisa_no_packet_is_attempted(tmp_path):
    files = FileList()
    files.store = tmp_path
    data = base_case()
    data["client"]["citizenship"] = "United States"
    result = assemble_into(data, files, families=["tvisa"], pdf=False)
    assert not any(f["kind"] == "bundle" for f in result["files"])
    assert not any("packet" in w for w in result["warnings"])


# -- a case file uploaded into the interview keeps its T-visa facts ------------------------------


def tvisa_case_file() -> dict:
    data = base_case()
    data["evidence"] = [{"id": "e1", "title": "Fictional pay records", "path": "pay.pdf", "elements": ["victim"],
                         "language": "es"}]
    data["family_members"] = [{"name": "Luis Fictional", "relationship": "son"}]
    data["tvisa"] = {"safe_mailing_address": {"in_care_of": "Example Legal Clinic", "street": "2 Safe Office Rd",
                                              "city": "Exampleville"},
                     "translator": {"name": "Terry Translator", "languages": ["es"]},
                     "exhibit_order": ["e1"], "events": [{"date": "2021-01-15", "description": "Recruited"}]}
    return data


def test_an_uploaded_case_file_goes_through_whole():
    from docassemble.traffickingrelief.interview_support import build_case_file, prefill_from_case_file

    data = tvisa_case_file()
    p = prefill_from_case_file(data)
    assert tvisa_carried(p["carry_over"])
    rebuilt = build_case_file(client=p["client"], trafficking=p["trafficking"], records=p["records"],
                              le_contacts=p["le_contacts"], evidence_items=[dict(e, complete=True) for e in p["evidence_items"]],
                              preparer=p["preparer"], carry_over=p["carry_over"])
    assert rebuilt["tvisa"] == data["tvisa"] and rebuilt["family_members"] == data["family_members"]
    assert rebuilt["evidence"][0]["elements"] == ["victim"] and rebuilt["evidence"][0]["language"] == "es"
    # the module's own answers replace only what they answer; the exhibit order and the events stay
    out = tvisa_sections(wanted=True, translator=SimpleNamespace(name="Other Translator"), carry_over=p["carry_over"])
    assert out["tvisa"]["translator"] == {"name": "Other Translator"}
    assert out["tvisa"]["exhibit_order"] == ["e1"] and out["tvisa"]["safe_mailing_address"]["street"] == "2 Safe Office Rd"
    assert not tvisa_carried({}) and not tvisa_carried(None)
