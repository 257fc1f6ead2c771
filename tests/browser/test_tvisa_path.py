"""Tier 3: the T-visa path on the real server (issue 12). A fictional client who is not a U.S. citizen
asks for help with a T visa, gives a safe mailing address, uploads a PDF and a PNG made here (after a
file that only claims to be a PDF is refused, naming the file), and the papers are made by the
server's background task. The packet PDF is downloaded through the browser's session and read back
with pypdf: its page count, the stamp on every page and the bookmarks of both exhibits. axe-core checks
the module's screens; the uploads' names never reach the logs; Quick exit erases the uploaded exhibits.
"""
from __future__ import annotations

import re
import struct
import time
import zlib
from pathlib import Path
from urllib.parse import urlparse

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from helpers import CONTINUE, ROOT, Interview, session_rows, squash, stored_file_dirs
from paths import DOWNLOAD_ID, NY_CASE, walk

SAFE_STREET = "2 Safe Office Rd"
PDF_TITLE = "Pay stubs from the farm"
PNG_TITLE = "Photo of the bunkhouse"


def text_pdf(path: Path, pages: int, label: str) -> Path:
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


def png_file(path: Path, width: int = 60, height: int = 40) -> Path:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x30\xa0\x50" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def outline(reader: PdfReader) -> list[tuple[str, int]]:
    out = []

    def walk_items(items):
        for item in items:
            if isinstance(item, list):
                walk_items(item)
            else:
                out.append((item.title, reader.get_destination_page_number(item) + 1))
    walk_items(reader.outline)
    return out


def test_t_visa_path_uploads_two_exhibits_and_downloads_the_packet(server_url, page, tmp_path):
    fake = tmp_path / "not-really.pdf"
    fake.write_bytes(b"This is plain text with a PDF name.")
    uploads = [(text_pdf(tmp_path / "stubs.pdf", 2, "paystub"), PDF_TITLE, "victim"),
               (png_file(tmp_path / "bunkhouse.png"), PNG_TITLE, "physical_presence")]
    refused: list[str] = []
    done: list[str] = []
    more = iter(["True", "False"])

    def upload(it: Interview) -> None:
        n = len(done)
        field = it._control("tvisa_exhibits[i].upload").first
        if not refused:  # first a file whose bytes are not what its name says: refused, naming the file
            field.set_input_files(str(fake))
            it.answer({"tvisa_exhibits[i].title": "Wrong file", "tvisa_exhibits[i].element": "not_sure"})
            it.click(CONTINUE, expect="tvisa_exhibit")
            refused.append(" ".join(it.errors()) or it.main_text())
            field = it._control("tvisa_exhibits[i].upload").first
        path, title, element = uploads[n]
        field.set_input_files(str(path))
        it.answer({"tvisa_exhibits[i].title": title, "tvisa_exhibits[i].date": "2022-05-01",
                   "tvisa_exhibits[i].element": element})
        it.click(CONTINUE, timeout_ms=60_000)
        done.append(title)

    seen: dict[str, str] = {}
    blocking: dict[str, list] = {}

    def check(it: Interview, qid: str) -> None:
        if qid == "tvisa_screening":
            seen["screening"] = squash(it.main.text_content())
        if qid.startswith("tvisa_"):  # axe-core on each of the module's screens
            from test_accessibility import AXE, BLOCKING, axe_violations

            assert AXE.is_file(), AXE
            bad = [v for v in axe_violations(it.page) if v["impact"] in BLOCKING]
            if bad:
                blocking[qid] = bad

    it = Interview(page, server_url)
    it.start()
    walk(it, NY_CASE, on_screen=check, **{
        "client_immigration": {"client.immigration_choice": "not_us_citizen", "client.citizenship": "Examplestan"},
        "tvisa_help": {"tvisa_help_choice": "yes"},
        "tvisa_mailing_address": {"tvisa_address.in_care_of": "Example Legal Clinic", "tvisa_address.street": SAFE_STREET,
                                  "tvisa_address.city": "Exampleville", "tvisa_address.state": "NY",
                                  "tvisa_address.postal_code": "00001"},
        "tvisa_family_choice": {"tvisa_family_choice": "no"},
        "tvisa_exhibit_choice": {"tvisa_exhibit_choice": "yes"},
        "tvisa_exhibit": upload,
        "tvisa_exhibit_another": lambda it: it.click(next(more)),
        "tvisa_screening": CONTINUE,
    })
    it.expect_question(DOWNLOAD_ID)
    assert not blocking, blocking
    assert refused and "not-really.pdf" in refused[0] and "does not match its type" in refused[0], refused
    assert "What the trafficker did to you" in seen["screening"], seen
    it.assert_text("Papers for a T visa")

    files = {f.filename: f for f in it.download_all(tmp_path / "downloads")}
    assert {"cover-letter.docx", "cover-letter.pdf", "t-visa-packet.pdf", "NY-1-notice-of-motion.docx"} <= set(files), sorted(files)
    assert not any("stubs" in name or "bunkhouse" in name or "Marisol" in name for name in files)

    packet = PdfReader(files["t-visa-packet.pdf"].path)
    cover_pages = len(PdfReader(files["cover-letter.pdf"].path).pages)
    total = len(packet.pages)
    # cover letter, a one-page index, then each exhibit after its separator: 2 PDF pages and 1 image page
    assert total == cover_pages + 1 + (1 + 2) + (1 + 1), total
    texts = [p.extract_text() for p in packet.pages]
    assert all(f"Page {n} of {total}" in t for n, t in enumerate(texts, 1)), [t[-40:] for t in texts]
    marks = outline(packet)
    [pdf_mark] = [page_no for title, page_no in marks if PDF_TITLE in title]
    [png_mark] = [page_no for title, page_no in marks if PNG_TITLE in title]
    assert any("Cover letter" in title for title, _ in marks), marks
    assert "paystub page 1" in texts[pdf_mark] and "paystub page 2" in texts[pdf_mark + 1]
    assert png_mark + 1 == total and PNG_TITLE in texts[png_mark - 1]
    # the packet's metadata is neutral: no client name
    assert "Marisol" not in str(packet.metadata or {})
    # the uploaded files' own names never reach the server's logs
    logs = sorted((ROOT / ".da-state" / "log").glob("*.log"))
    assert logs, "no server logs to check"
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert not any(name in text for name in ("not-really", "stubs.pdf", "bunkhouse")), log.name

    # the refused upload was erased at once; the two exhibits stay with the session until Quick exit
    uid = it.session_uid()
    dirs = stored_file_dirs(uid)

    def stored_copies(data: bytes) -> list[Path]:
        return [p for d in dirs if d.exists() for p in d.rglob("*")
                if p.is_file() and p.stat().st_size == len(data) and p.read_bytes() == data]

    assert stored_copies(fake.read_bytes()) == []
    kept = [stored_copies(path.read_bytes()) for path, _, _ in uploads]
    assert all(kept), kept
    neutral = page.locator("a.tr-quick-exit").get_attribute("data-tr-neutral")
    host = urlparse(neutral).hostname
    page.context.route(re.compile(r"^https?://" + re.escape(host) + r"(:\d+)?(/.*)?$"),
                       lambda route: route.fulfill(status=200, content_type="text/html", body="<title>x</title>"))
    page.locator("#tr-quick-exit").click()
    page.wait_for_url(lambda url: urlparse(url).hostname == host, timeout=15_000)
    # the erase request may finish just after the page has left: poll
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (session_rows(uid)["uploads"] or any(any(d.rglob("*")) for d in dirs if d.exists())):
        time.sleep(0.2)
    assert session_rows(uid)["uploads"] == 0
    # (the refused upload's file went at once; docassemble re-creates its numbered folder, empty, after the
    # validation, so an empty folder may stay: no file of the session may)
    left = [p for d in dirs if d.exists() for p in d.rglob("*") if p.is_file()]
    assert not left, f"files of the erased session are still on disk: {left}"
    assert not any(p.exists() for copies in kept for p in copies), "an uploaded exhibit outlived Quick exit"
