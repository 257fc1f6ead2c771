"""Tier 2: the T-visa module (interviews/tr_tvisa.yml) through docassemble's own engine.

A fictional client who is not a U.S. citizen asks for help with a T visa: a safe mailing address, a
family member, two uploaded exhibits (a PDF and a PNG made here), then the download. The drafts are
opened with python-docx and the packet with pypdf. A Spanish run asks for the translator. Every person
and paper here is fictional.
"""
from __future__ import annotations

import json
import struct
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from test_traffickingrelief_interview import (STATUTES, base_answers, case_data, checkbox_answers, docx_text,  # noqa: E402
                                              drafts)

INTERVIEW = "traffickingrelief.yml"
SAFE_STREET = "2 Safe Office Rd"
HOME_STREET = "9 Private Home Ln"


def text_pdf(path: Path, pages: int, label: str) -> Path:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for n in range(pages):
        page = writer.add_blank_page(612, 792)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 14 Tf 72 700 Td ({label} page {n + 1}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    writer.write(path)
    return path


def png_file(path: Path, width: int = 30, height: int = 20) -> Path:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x30\xa0\x50" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def tvisa_answers(state: str = "NY", **overrides) -> dict:
    answers = base_answers(state, **{
        "records[i].statute": STATUTES[state], "client.immigration_choice": "not_us_citizen",
        "client.citizenship": "Examplestan", "client.street": HOME_STREET, "client.city": "Exampleville",
        "client.safe_to_contact_choice": "no",
        "le_contact_choice": "yes", "le_contacts[i].agency": "Example Police Department",
        "le_contacts[i].cooperation": "gave a statement", "le_contacts.there_is_another": False,
        "tvisa_help_choice": "yes",
        "tvisa_address.in_care_of": "Example Legal Clinic", "tvisa_address.street": SAFE_STREET,
        "tvisa_address.city": "Exampleville", "tvisa_address.state": "NY", "tvisa_address.postal_code": "00001",
        "tvisa_address_done": True, "tvisa_translator_done": True,
        "tvisa_family_choice": "yes", "tvisa_family[i].name": "Luis Fictional", "tvisa_family[i].relationship": "child",
        "tvisa_family.there_is_another": False,
        "tvisa_exhibit_choice": "yes", "tvisa_exhibits.there_is_another": iter([True, False]),
    })
    answers.update(overrides)
    return answers


EXHIBITS = [("Pay stubs from the farm", "victim", "2022-05-01"), ("Photo of the bunkhouse", "physical_presence", None)]


def walk_tvisa(answers: dict, tmp_path: Path, **kwargs):
    from docassemble.base.util import as_datetime

    tmp_path.mkdir(parents=True, exist_ok=True)
    files = {0: text_pdf(tmp_path / "exhibit-0.pdf", 3, "paystub"), 1: png_file(tmp_path / "exhibit-1.png")}
    names = {0: ("stubs.pdf", "application/pdf"), 1: ("bunkhouse.png", "image/png")}
    more = answers.pop("tvisa_exhibits.there_is_another")
    cb = checkbox_answers({"conviction_states": [answers["records[i].jurisdiction"]], "tr_other_states": [],
                           "records[i].offence_categories": ["prostitution"], "trafficking.documents": []})

    def on_question(variable, question, user_dict):
        from docassemble.base.util import DAFile, DAFileList

        if variable == "tvisa_exhibits.there_is_another":
            return next(more)
        if variable.startswith("tvisa_exhibits[") and variable.endswith(".upload"):
            n = int(variable.split("[")[1].split("]")[0])
            item = DAFile(f"{variable}[0]")
            item.initialize(filename=names[n][0])
            item.copy_into(str(files[n]))
            item.commit()
            item.mimetype = names[n][1]
            return DAFileList(variable, elements=[item], auto_gather=False, gathered=True)
        if variable.startswith("tvisa_exhibits["):
            n = int(variable.split("[")[1].split("]")[0])
            title, element, date = EXHIBITS[n]
            field = variable.rsplit(".", 1)[1]
            if field == "date":
                return as_datetime(date) if date else harness.NO_ANSWER
            return {"title": title, "element": element}.get(field, harness.NO_ANSWER)
        return cb(variable, question, user_dict)

    return harness.run_interview(INTERVIEW, answers, on_question=on_question, out_dir=tmp_path / "out", **kwargs)


def test_a_t_visa_case_reaches_the_drafts_and_the_packet(tmp_path):
    from pypdf import PdfReader

    run = walk_tvisa(tvisa_answers(), tmp_path)
    assert run.question_id == "download_drafts"
    tvisa_screens = [q for q in run.visited if q.startswith("tvisa_")]
    assert tvisa_screens == ["tvisa_help", "tvisa_mailing_address", "tvisa_family_choice", "tvisa_family_member",
                             "tvisa_family_another", "tvisa_exhibit_choice", "tvisa_exhibit", "tvisa_exhibit_another",
                             "tvisa_exhibit", "tvisa_exhibit_another", "tvisa_screening"]
    # the module's questions come after the facts the T-visa elements rest on
    assert run.visited.index("tvisa_help") > run.visited.index("preparer_details")
    assert "tvisa_translator" not in run.visited  # an English interview, no other language recorded

    data = case_data(run)
    assert data["tvisa"]["safe_mailing_address"]["street"] == SAFE_STREET
    assert data["family_members"] == [{"name": "Luis Fictional", "relationship": "child"}]
    uploads = [e for e in data["evidence"] if e["id"].startswith("x")]
    assert uploads == [{"id": "x1", "title": "Pay stubs from the farm", "path": "exhibits/x1.pdf",
                        "date": "2022-05-01", "elements": ["victim"]},
                       {"id": "x2", "title": "Photo of the bunkhouse", "path": "exhibits/x2.png",
                        "elements": ["physical_presence"]}]

    files = drafts(run)
    assert {"cover-letter.docx", "exhibit-index.docx", "declaration-outline.docx", "evidence-checklist.docx",
            "supplement-a.docx", "t-visa-packet.pdf", "t-visa-packet-index.docx"} <= set(files)
    assert "NY-1-notice-of-motion.docx" in files  # record relief is still drafted beside it
    assert all("Fictional" not in name and "stubs" not in name for name in files)

    cover = docx_text(files["cover-letter.docx"])
    assert "Form I-914" in cover and "Rowan Fictional" in cover
    assert SAFE_STREET in cover and HOME_STREET not in cover  # only the safe mailing address goes to USCIS
    assert "Exhibit A: Pay stubs from the farm" in cover and "Exhibit B: Photo of the bunkhouse" in cover
    assert "8 U.S.C. § 1101(a)(15)(T)" in cover or "8 C.F.R." in cover
    supplement = docx_text(files["supplement-a.docx"])
    assert "Luis Fictional" in supplement
    index = docx_text(files["t-visa-packet-index.docx"])
    assert "Pay stubs from the farm" in index and "set when the packet is built" not in index

    reader = PdfReader(files["t-visa-packet.pdf"])
    pages = [page.extract_text() for page in reader.pages]
    total = len(pages)
    assert all(f"Page {n} of {total}" in text for n, text in enumerate(pages, 1))
    assert sum("paystub page" in text for text in pages) == 3
    marks = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                marks.append((item.title, reader.get_destination_page_number(item) + 1))
    walk(reader.outline)
    [(_, pay)] = [m for m in marks if "Pay stubs from the farm" in m[0]]
    [(_, photo)] = [m for m in marks if "Photo of the bunkhouse" in m[0]]
    assert "paystub page 1" in pages[pay]  # its separator page, then the exhibit's own first page
    assert photo + 1 == total  # the image is the last page
    assert f"{pay + 1}" in index  # the index's page ranges are the packet's stamps

    report = json.loads(files["assembly-report.json"].read_text(encoding="utf-8"))
    assert any(d["file"].startswith("tvisa/") for d in report["documents"])


def test_no_t_visa_papers_when_the_user_says_no(tmp_path):
    answers = base_answers("NY", **{"records[i].statute": STATUTES["NY"], "client.immigration_choice": "not_us_citizen",
                                    "client.citizenship": "Examplestan", "tvisa_help_choice": "no"})
    run = harness.run_interview(INTERVIEW, answers, out_dir=tmp_path,
                                on_question=checkbox_answers({"conviction_states": ["NY"], "tr_other_states": [],
                                                              "records[i].offence_categories": ["prostitution"],
                                                              "trafficking.documents": []}))
    assert run.question_id == "download_drafts"
    assert [q for q in run.visited if q.startswith("tvisa_")] == ["tvisa_help"]
    files = drafts(run)
    assert "NY-1-notice-of-motion.docx" in files and "cover-letter.docx" not in files and "t-visa-packet.pdf" not in files
    assert "tvisa" not in case_data(run)


def test_spanish_path_asks_for_the_translator(tmp_path):
    answers = tvisa_answers(interview_language="es", **{
        "tvisa_translator.name": "Terry Traductora", "tvisa_translator.address": "3 Example Ave"})
    run = walk_tvisa(answers, tmp_path, stop_at={"tvisa_help"})
    assert run.status.question_text.strip() == "¿Quiere ayuda para pedir una visa T?"
    run = walk_tvisa(tvisa_answers(interview_language="es", **{
        "tvisa_translator.name": "Terry Traductora", "tvisa_translator.address": "3 Example Ave"}), tmp_path / "all",
        stop_at={"tvisa_screening"})
    assert "tvisa_translator" in run.visited
    assert run.status.question_text.strip() == "Lo que encontramos para la visa T"
    assert "Tenemos algo para esto" in run.status.subquestion_text
    run = walk_tvisa(tvisa_answers(interview_language="es", **{
        "tvisa_translator.name": "Terry Traductora", "tvisa_translator.address": "3 Example Ave"}), tmp_path / "end")
    assert run.question_id == "download_drafts"
    assert "Documentos para una visa T" in run.status.subquestion_text
    files = drafts(run)
    certificate = docx_text(files["translator-certificate-declaration.docx"])
    assert "Terry Traductora" in certificate and "Spanish" in certificate


def test_an_uploaded_case_file_with_a_t_visa_section_goes_through_whole(tmp_path):
    """The case file's T-visa facts are kept and not asked again; only the uploads are asked."""
    from docassemble.traffickingrelief.resources import read_yaml
    from test_traffickingrelief_interview import EXAMPLE, _upload

    data = read_yaml(EXAMPLE.read_text(encoding="utf-8"))
    data["client"]["citizenship"] = "Examplestan"
    data["evidence"][1].update({"elements": ["hardship"], "language": "es"})
    data["tvisa"] = {"safe_mailing_address": {"in_care_of": "Example Legal Clinic", "street": SAFE_STREET,
                                              "city": "Exampleville"},
                     "translator": {"name": "Terry Translator", "languages": ["es"]},
                     "events": [{"date": "2017-01-20", "description": "Offered restaurant work"}]}
    data["family_members"] = [{"name": "Luis Fictional", "relationship": "son"}]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    answers = {"interview_language": "en", "safety_answer": "safe", "user_role": "attorney",
               "start_mode": "upload_case_file", "tvisa_exhibit_choice": "no", "certification_choice": "no"}
    run = harness.run_interview(INTERVIEW, answers, on_question=_upload(path, "case.json"), out_dir=tmp_path / "out")
    assert run.question_id == "download_drafts"
    assert [q for q in run.visited if q.startswith("tvisa_")] == ["tvisa_exhibit_choice", "tvisa_screening"]
    exported = case_data(run)
    assert exported["tvisa"] == data["tvisa"] and exported["family_members"] == data["family_members"]
    assert exported["evidence"][1]["elements"] == ["hardship"] and exported["evidence"][1]["language"] == "es"
    files = drafts(run)
    assert SAFE_STREET in docx_text(files["cover-letter.docx"])
    assert "Terry Translator" in docx_text(files["translator-certificate-exhibit-a.docx"])
    assert "Luis Fictional" in docx_text(files["supplement-a.docx"])
    # no exhibit file came with the case file here, so the packet holds the drafts only and says so
    report = json.loads(files["assembly-report.json"].read_text(encoding="utf-8"))
    assert any("no file" in w for w in report["warnings"])
