"""The filing packet (packet.py), read back from the PDF it writes.

Every exhibit here is generated in the test (fictional text pages, tiny images, a Word file): page
counts, the stamp on every page, bookmarks and their targets, the index against the stamps, page
labels, metadata, each kind of bad exhibit, and that no half-written packet is ever left.
"""
from __future__ import annotations

import base64
import datetime as dt
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject,
                           TextStringObject)

from docassemble.traffickingrelief import packet as packet_module
from docassemble.traffickingrelief.errors import AssemblyError
from docassemble.traffickingrelief.packet import ExhibitError, PacketItem, build_packet, stamp_text

AUTHOR = "Quinn Invented-Author"

# A 1x1 JPEG (progressive frame header, one grey component): the smallest JPEG viewers accept.
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////"
    "////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=")


def text_pdf(path: Path, pages: int, label: str, *, rotate: int = 0, author: str | None = AUTHOR) -> Path:
    """A fictional PDF whose page i reads "<label> page i", with an author, XMP and a commented annotation."""
    w = PdfWriter()
    font = w._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                           NameObject("/BaseFont"): NameObject("/Times-Roman")}))
    xmp = DecodedStreamObject()
    xmp.set_data(f"<x:xmpmeta><dc:creator>{author}</dc:creator></x:xmpmeta>".encode())
    xmp_ref = w._add_object(xmp)
    for i in range(pages):
        page = w.add_blank_page(612, 792)
        s = DecodedStreamObject()
        s.set_data(f"BT /F1 12 Tf 72 700 Td ({label} page {i + 1}) Tj ET".encode())
        page[NameObject("/Contents")] = w._add_object(s)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        page[NameObject("/Metadata")] = xmp_ref
        page[NameObject("/Annots")] = ArrayObject([w._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4), NameObject("/T"): TextStringObject(author or "x"),
            NameObject("/Contents"): TextStringObject("a note")}))])
        if rotate:
            page.rotate(rotate)
    if author:
        w.add_metadata({"/Author": author, "/Title": f"{author} statement", "/Creator": author})
    w.write(path)
    return path


def png(path: Path, width: int, height: int, colour: int = 2, pixel: bytes = b"\x10\x80\xf0") -> Path:
    """A PNG made by hand: 8-bit, colour type 0 (grey), 2 (RGB) or 6 (RGBA), each row filter 0."""
    channels = {0: 1, 2: 3, 6: 4}[colour]
    row = b"\x00" + pixel[:channels] * width

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))
    path.write_bytes(data)
    return path


def jpeg(path: Path, width: int = 1, height: int = 1) -> Path:
    data = bytearray(TINY_JPEG)
    sof = data.index(b"\xff\xc2")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    path.write_bytes(bytes(data))
    return path


def page_texts(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def outline(reader: PdfReader) -> list[tuple[str, int, int]]:
    """(title, depth, target page number 1-based) for every bookmark."""
    out = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((item.title, depth, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


@pytest.fixture
def exhibits(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    return [
        PacketItem("cover", "Cover letter", text_pdf(folder / "cover.pdf", 2, "cover"), kind="draft"),
        PacketItem("E1", "Fictional certification letter", text_pdf(folder / "e1.pdf", 3, "alpha"),
                   date=dt.date(2025, 3, 4), group="Victim of a severe form of trafficking"),
        PacketItem("E2", "Fictional photograph of a work site", jpeg(folder / "e2.jpg", 40, 30),
                   group="Victim of a severe form of trafficking"),
        PacketItem("E3", "Fictional scanned pay stub", png(folder / "e3.png", 20, 30), group="Extreme hardship"),
        PacketItem("E4", "Fictional rotated record", text_pdf(folder / "e4.pdf", 2, "delta", rotate=90),
                   group="Extreme hardship"),
    ]


def test_layout_pages_and_stamps(exhibits, tmp_path):
    out = tmp_path / "out" / "packet.pdf"
    result = build_packet(exhibits, out, index_after=1)
    # cover 2 + index 1 + (1 + 3) + (1 + 1) + (1 + 1) + (1 + 2)
    assert result.pages == 14 == len(PdfReader(out).pages)
    assert result.index_pages == (3, 3)
    assert [(e.item.id, e.letter, e.first_page, e.last_page) for e in result.entries] == [
        ("cover", None, 1, 2), ("E1", "A", 4, 7), ("E2", "B", 8, 9), ("E3", "C", 10, 11), ("E4", "D", 12, 14)]
    texts = page_texts(out)
    for number, text in enumerate(texts, start=1):
        assert text.strip().endswith(f"Page {number} of 14"), text
    assert "alpha page 3" in texts[6] and "delta page 2" in texts[13]
    assert texts[3].startswith("Exhibit A") and "Fictional certification letter" in texts[3]


def test_bates_prefix_labels_and_bookmarks(exhibits, tmp_path):
    out = tmp_path / "packet.pdf"
    result = build_packet(exhibits, out, stamp_prefix="TV-", index_after=1)
    reader = PdfReader(out)
    assert reader.page_labels == [f"TV-{n:06d}" for n in range(1, 15)]
    for number, text in enumerate(page_texts(out), start=1):
        assert f"TV-{number:06d}  Page {number} of 14" in text
    assert outline(reader) == [
        ("Cover letter", 0, 1), ("Exhibit Index", 0, 3), ("Exhibits", 0, 4),
        ("Exhibit A \u2014 Fictional certification letter", 1, 4),
        ("Exhibit B \u2014 Fictional photograph of a work site", 1, 8),
        ("Exhibit C \u2014 Fictional scanned pay stub", 1, 10),
        ("Exhibit D \u2014 Fictional rotated record", 1, 12)]
    assert reader.page_mode == "/UseOutlines"
    assert result.stamp(12, "TV-") == "TV-000012  Page 12 of 14"


def test_index_ranges_match_stamps_and_bookmarks(tmp_path):
    """Enough exhibits to need two index pages: every range the index prints is checked against the stamps."""
    folder = tmp_path / "in"
    folder.mkdir()
    items = [PacketItem(f"E{i}", f"Fictional exhibit {i} " + "with a long descriptive title " * (i % 3),
                        text_pdf(folder / f"e{i}.pdf", 1 + i % 4, f"ex{i}"), group=f"Element {i // 15 + 1}")
             for i in range(45)]
    out = tmp_path / "packet.pdf"
    result = build_packet(items, out, stamp_prefix="TV-")
    assert result.index_pages[1] - result.index_pages[0] >= 1  # the index runs over more than one page
    texts = page_texts(out)
    index_text = "\n".join(texts[result.index_pages[0] - 1:result.index_pages[1]])
    rows = re.findall(r"^Ex\. ([A-Z]+) .*?TV-(\d{6})(?:\u2013TV-(\d{6}))?$", index_text, flags=re.M)
    assert len(rows) == 45
    bookmarks = {title.split(" \u2014 ")[0]: page for title, depth, page in outline(PdfReader(out)) if depth == 1}
    for letter, first, last in rows:
        first, last = int(first), int(last or first)
        assert f"TV-{first:06d}  Page {first} of {result.pages}" in texts[first - 1]
        assert texts[first - 1].startswith(f"Exhibit {letter}\n")          # the range starts at the separator
        assert f"TV-{last:06d}  Page {last} of {result.pages}" in texts[last - 1]
        after = texts[last] if last < result.pages else ""
        assert last == result.pages or after.startswith("Exhibit ")      # and ends where the next one begins
        assert bookmarks[f"Exhibit {letter}"] == first
    assert result.pages == 1 + sum(1 + 1 + i % 4 for i in range(45)) + (result.index_pages[1] - result.index_pages[0])


def test_metadata_is_scrubbed(exhibits, tmp_path):
    out = tmp_path / "packet.pdf"
    build_packet(exhibits, out)
    reader = PdfReader(out)
    assert dict(reader.metadata) == {"/Title": "Filing packet", "/Producer": "traffickingrelief"}
    assert "/Metadata" not in reader.trailer["/Root"]
    for page in reader.pages:
        assert "/Metadata" not in page and "/PieceInfo" not in page
        for annot in page.get("/Annots") or []:
            assert "/T" not in annot.get_object()
    assert AUTHOR.encode() not in out.read_bytes()


def test_metadata_of_images_inside_a_pdf_is_dropped(tmp_path):
    """A scanner's PDF may tag its page image with XMP naming a person: that stream never reaches the packet."""
    w = PdfWriter()
    page = w.add_blank_page(612, 792)
    xmp = DecodedStreamObject()
    xmp.set_data(f"<x:xmpmeta><dc:creator>{AUTHOR}</dc:creator></x:xmpmeta>".encode())
    image = DecodedStreamObject()
    image.set_data(b"\x80" * 4)
    image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                  NameObject("/Width"): NumberObject(2), NameObject("/Height"): NumberObject(2),
                  NameObject("/ColorSpace"): NameObject("/DeviceGray"), NameObject("/BitsPerComponent"): NumberObject(8),
                  NameObject("/Metadata"): w._add_object(xmp)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/Im0"): w._add_object(image)})})
    contents = DecodedStreamObject()
    contents.set_data(b"q 100 0 0 100 72 600 cm /Im0 Do Q")
    page[NameObject("/Contents")] = w._add_object(contents)
    w.write(tmp_path / "scan.pdf")
    out = tmp_path / "packet.pdf"
    result = build_packet([PacketItem("S1", "Fictional scan", tmp_path / "scan.pdf")], out, stamp_prefix="TV-")
    data = out.read_bytes()
    assert AUTHOR.encode() not in data
    reader = PdfReader(out)
    assert result.pages == len(reader.pages) == 3
    assert "/Metadata" not in reader.pages[2]["/Resources"]["/XObject"]["/Im0"].get_object()
    assert [t.strip().splitlines()[-1] for t in page_texts(out)] == [f"TV-{n:06d}  Page {n} of 3" for n in (1, 2, 3)]
    assert dict(reader.metadata) == {"/Title": "Filing packet", "/Producer": "traffickingrelief"}
    assert [title for title, _, _ in outline(reader)] == ["Exhibit Index", "Exhibits", "Exhibit A \u2014 Fictional scan"]
    assert reader.page_labels == ["TV-000001", "TV-000002", "TV-000003"]


def test_images_become_pages(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    items = [PacketItem("grey", "Fictional grey scan", png(folder / "g.png", 50, 20, colour=0, pixel=b"\x40")),
             PacketItem("photo", "Fictional photo", jpeg(folder / "p.jpg", 300, 200))]
    out = tmp_path / "packet.pdf"
    build_packet(items, out)
    reader = PdfReader(out)
    landscape = reader.pages[4]  # index, separator, grey page, separator, photo page
    assert float(landscape.mediabox.width) > float(landscape.mediabox.height)
    image = landscape["/Resources"]["/XObject"]["/Im0"].get_object()
    assert (image["/Width"], image["/Height"], image["/Filter"]) == (300, 200, "/DCTDecode")
    assert image._data == jpeg(folder / "again.jpg", 300, 200).read_bytes()  # the JPEG is embedded unchanged


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler's pdftoppm renders the page")
def test_png_pixels_survive(tmp_path):
    """The PNG's rows go in with their predictor: a renderer shows the colour the PNG holds."""
    folder = tmp_path / "in"
    folder.mkdir()
    out = tmp_path / "packet.pdf"
    build_packet([PacketItem("p", "Fictional swatch", png(folder / "s.png", 40, 40, pixel=b"\x10\x80\xf0"))], out)
    subprocess.run(["pdftoppm", "-f", "3", "-l", "3", "-r", "20", str(out), str(tmp_path / "r")], check=True)
    ppm = next(tmp_path.glob("r*.ppm")).read_bytes()
    width, height = map(int, ppm.split(b"\n")[1].split())
    body = ppm[-width * height * 3:]
    middle = (height // 2 * width + width // 2) * 3
    assert all(abs(a - b) <= 8 for a, b in zip(body[middle:middle + 3], b"\x10\x80\xf0"))


def test_transparent_png(tmp_path):
    """A transparent PNG needs decoding: with Pillow (a docassemble server has it) it goes in flattened,
    without it the error says what to do."""
    path = png(tmp_path / "t.png", 10, 10, colour=6, pixel=b"\x10\x80\xf0\x80")
    item = PacketItem("T1", "Fictional transparent image", path)
    try:
        import PIL  # noqa: F401
    except ImportError:
        with pytest.raises(ExhibitError, match=r"T1: unsupported PNG \(transparent"):
            build_packet([item], tmp_path / "packet.pdf")
    else:
        assert build_packet([item], tmp_path / "packet.pdf").pages == 3


@pytest.mark.skipif(not shutil.which("soffice"), reason="DOCX exhibits convert through LibreOffice")
def test_docx_exhibit_converts(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("Fictional letter of support for an invented person.")
    doc.core_properties.author = AUTHOR
    doc.save(tmp_path / "letter.docx")
    out = tmp_path / "packet.pdf"
    result = build_packet([PacketItem("L1", "Fictional letter of support", tmp_path / "letter.docx")], out)
    texts = page_texts(out)
    assert result.pages == 3 and "Fictional letter of support for an invented person." in texts[2]
    assert AUTHOR.encode() not in out.read_bytes()


def test_docx_without_libreoffice_is_named(tmp_path, monkeypatch):
    from docx import Document

    Document().save(tmp_path / "letter.docx")
    monkeypatch.setenv("TRAFFICKINGRELIEF_SOFFICE", "")
    with pytest.raises(ExhibitError, match="L1: DOCX needs LibreOffice"):
        build_packet([PacketItem("L1", "Fictional letter", tmp_path / "letter.docx")], tmp_path / "packet.pdf")


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    folder.mkdir(exist_ok=True)
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF")
    encrypted = folder / "locked.pdf"
    w = PdfWriter(clone_from=PdfReader(text_pdf(folder / "plain.pdf", 1, "locked", author=None)))
    w.encrypt("fictional-password", algorithm="RC4-128")
    w.write(encrypted)
    unsupported = folder / "notes.pdf"
    unsupported.write_text("just some text, not a PDF")
    return {"missing": (folder / "nowhere.pdf", "file not found"),
            "corrupt": (corrupt, "corrupt PDF"),
            "encrypted": (encrypted, "encrypted PDF"),
            "huge": (jpeg(folder / "huge.jpg", 19_000, 19_000), "image too large"),
            "huge_png": (png(folder / "huge.png", 30_000, 1), "image too large"),
            "unsupported": (unsupported, "unsupported file type")}


@pytest.mark.parametrize("case", ["missing", "corrupt", "encrypted", "huge", "huge_png", "unsupported"])
def test_bad_exhibit_is_named_and_nothing_written(case, tmp_path, exhibits):
    path, problem = _bad_files(tmp_path / "bad")[case]
    out = tmp_path / "out" / "packet.pdf"
    with pytest.raises(ExhibitError) as err:
        build_packet([*exhibits, PacketItem("X9", "Fictional bad exhibit", path)], out)
    assert [(p.id, p.problem.split(" (")[0]) for p in err.value.problems] == [("X9", problem)]
    assert f"X9: {problem}" in str(err.value)
    assert str(path.name) not in str(err.value)  # the exhibit is named by its id, never by its file
    assert not out.parent.exists() or not any(out.parent.iterdir())  # no packet, no temporary file


def test_skip_bad_exhibits_builds_the_rest(tmp_path, exhibits):
    bad = _bad_files(tmp_path / "bad")
    items = [*exhibits[:2], *[PacketItem(name, f"Fictional {name}", path) for name, (path, _) in bad.items()], *exhibits[2:]]
    out = tmp_path / "packet.pdf"
    result = build_packet(items, out, skip_bad=True, index_after=1)
    assert [b.id for b in result.skipped] == list(bad)
    assert [e.item.id for e in result.entries] == ["cover", "E1", "E2", "E3", "E4"]
    assert [e.letter for e in result.entries[1:]] == ["A", "B", "C", "D"]
    assert result.pages == len(PdfReader(out).pages) == 14


def test_no_half_written_packet(tmp_path, exhibits, monkeypatch):
    out = tmp_path / "packet.pdf"
    out.write_bytes(b"the previous packet")

    def failing_write(self, stream):
        stream.write(b"%PDF-1.7 partial")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(PdfWriter, "write", failing_write)
    with pytest.raises(OSError):
        build_packet(exhibits, out)
    assert out.read_bytes() == b"the previous packet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "packet.pdf"]


def test_a_page_that_fails_to_copy_names_its_exhibit(tmp_path, exhibits, monkeypatch):
    """Damage found only while copying (after the layout is fixed) still names the exhibit, and writes nothing."""
    from pypdf.errors import PdfReadError

    real = PdfWriter.add_page

    def add_page(self, page, excluded_keys=()):
        if "delta" in (page.extract_text() or ""):
            raise PdfReadError("fictional damage")
        return real(self, page, excluded_keys)

    monkeypatch.setattr(PdfWriter, "add_page", add_page)
    out = tmp_path / "packet.pdf"
    with pytest.raises(ExhibitError, match=r"E4: corrupt PDF \(a page cannot be copied\)"):
        build_packet(exhibits, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_letters_from_the_case_are_kept_and_others_follow(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    items = [PacketItem("a", "Fictional one", text_pdf(folder / "a.pdf", 1, "a"), letter="B"),
             PacketItem("b", "Fictional two", text_pdf(folder / "b.pdf", 1, "b")),
             PacketItem("c", "Fictional three", text_pdf(folder / "c.pdf", 1, "c"))]
    result = build_packet(items, tmp_path / "p.pdf")
    assert [e.letter for e in result.entries] == ["B", "A", "C"]


def test_bad_arguments(tmp_path, exhibits):
    with pytest.raises(AssemblyError, match="stamp prefix"):
        build_packet(exhibits, tmp_path / "p.pdf", stamp_prefix="TV-\n")
    with pytest.raises(AssemblyError, match="E1: the same id appears twice"):
        build_packet([exhibits[1], exhibits[1]], tmp_path / "p.pdf")


def test_stamp_text():
    assert stamp_text(12, 184) == "Page 12 of 184"
    assert stamp_text(12, 184, "TV-") == "TV-000012  Page 12 of 184"
    assert packet_module.bates(7, "TV-") == "TV-000007"
