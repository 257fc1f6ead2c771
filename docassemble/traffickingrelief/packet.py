"""One filing packet PDF from drafts and exhibit files: separators, stamps, bookmarks, labels and an exact index.

Why this shape: exhibit bundles whose table of contents drifts from the page numbers are a known
failure of packet tools. Here every input is opened and counted first, the index's own page count is
reserved from its line count (which never depends on page numbers), and only then is anything
numbered, so the index, the stamps, the bookmarks and the page labels all come from one layout.

Inputs are PDF, JPEG and PNG (embedded as they are: JPEG as DCT data, PNG as Flate data with its
predictor, so scans are never re-encoded), and DOCX (converted through LibreOffice). Each input is
checked by its content, not its name; a bad one is an ``ExhibitError`` naming the exhibit and the
problem, or with ``skip_bad=True`` it is left out and listed in the result. The packet is written to
a temporary file beside the target and renamed into place, so there is never a half-written packet.

Stamping is one appended content stream per page: a shared ``q`` before the page's own content, and
one small stream per distinct stamp text after it (text in Courier on a white box). The page's own
content is never parsed or re-rendered, which keeps a 500-page packet near the cost of a plain merge.
(A ``merge_page`` overlay per page parses and rewrites every page's content stream: issue 12 measured
such a stamp at about 0.75 s for 500 pages against 0.14 s for the plain merge.) Metadata: the packet carries only a generic title and
producer; each page loses its XMP metadata and piece info, its images and forms their XMP, and its
comments their authors and dates. Generated text (separators, index, stamps) uses the standard PDF
fonts, so a title character outside Windows-1252 prints there as "?" (bookmarks keep the full text).
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import struct
import tempfile
import textwrap
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject,
                           StreamObject)

from .errors import AssemblyError

MAX_FILE_BYTES = 200 * 1024 * 1024      # one exhibit file
MAX_IMAGE_PIXELS = 60_000_000           # a 600 dpi letter scan is about 34 million
MAX_IMAGE_SIDE = 20_000
LETTER = (612.0, 792.0)
IMAGE_MARGIN = 36.0                     # points around a scanned image on its page
STAMP_FONT_SIZE = 9.0
STAMP_MARGIN = 18.0
BATES_DIGITS = 6
PACKET_TITLE = "Filing packet"
PRODUCER = "traffickingrelief"

_STAMP_FONT = "/TRPacketStamp"
_COURIER_WIDTH = 0.6                    # every Courier glyph is 600/1000 em wide
_INDEX_COLUMNS = 78                     # Courier 10 pt across 6.5 inches
_INDEX_LINES_PER_PAGE = 46


# ---------------------------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class PacketItem:
    """One document in the packet. ``kind`` is "exhibit" (gets a separator page and a letter) or "draft"."""

    id: str                       # the case file's exhibit id, or the draft's stem: named in errors
    title: str                    # generic title shown on the separator, index and bookmark
    path: Path
    kind: str = "exhibit"
    letter: str | None = None     # "A", "B"...; exhibits without one get the next free letter
    date: dt.date | None = None
    group: str | None = None      # the index heading the item is listed under


@dataclass(frozen=True)
class PacketEntry:
    """Where an item landed: stamped page numbers (1-based) from its separator (if any) to its last page."""

    item: PacketItem
    letter: str | None
    first_page: int
    last_page: int
    content_first_page: int       # its own first page (after the separator)


@dataclass(frozen=True)
class BadExhibit:
    id: str
    problem: str


@dataclass(frozen=True)
class PacketResult:
    path: Path
    pages: int
    index_pages: tuple[int, int]  # first and last stamped page of the generated index
    entries: tuple[PacketEntry, ...]
    skipped: tuple[BadExhibit, ...] = ()

    def stamp(self, page: int, prefix: str | None = None) -> str:
        return stamp_text(page, self.pages, prefix)


class ExhibitError(AssemblyError):
    """One or more packet inputs cannot be used; ``problems`` names each by its id."""

    def __init__(self, problems: Sequence[BadExhibit]):
        self.problems = tuple(problems)
        listed = "; ".join(f"{p.id}: {p.problem}" for p in self.problems)
        super().__init__(f"{len(self.problems)} exhibit(s) cannot go into the packet: {listed}")


def stamp_text(page: int, total: int, prefix: str | None = None) -> str:
    """"Page 12 of 184", or with a prefix "TV-000012  Page 12 of 184" (Bates style)."""
    plain = f"Page {page} of {total}"
    return f"{bates(page, prefix)}  {plain}" if prefix else plain


def bates(page: int, prefix: str) -> str:
    return f"{prefix}{page:0{BATES_DIGITS}d}"


def build_packet(items: Iterable[PacketItem], out_path: str | Path, *, stamp_prefix: str | None = None,
                 skip_bad: bool = False, index_after: int = 0, index_title: str = "Exhibit Index",
                 title: str = PACKET_TITLE, soffice: str | None = None) -> PacketResult:
    """Write the packet to ``out_path`` atomically and return its layout.

    ``index_after`` is how many items come before the generated index (e.g. 1 to put a cover letter first).
    ``soffice`` is LibreOffice's executable, needed only for DOCX inputs.
    """
    items = list(items)
    _check_items(items, stamp_prefix)
    out_path = Path(out_path)
    scratch = Path(tempfile.mkdtemp(prefix="traffickingrelief-packet-"))
    try:
        with _no_full_collections():
            sources, bad = _open_all(items, scratch, soffice)
            if bad and not skip_bad:
                raise ExhibitError(bad)
            kept = [(item, src) for item, src in zip(items, sources) if src is not None]
            layout = _Layout.plan(kept, min(index_after, len(kept)), stamp_prefix, index_title)
            writer = _write(layout, stamp_prefix, title)
            _atomic_write(writer, out_path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return PacketResult(out_path, layout.total, layout.index_range, tuple(layout.entries), tuple(bad))


@contextmanager
def _no_full_collections():
    """Opening the inputs and copying their pages create many objects that all live until the packet is
    written. Python's cyclic collector would scan them again and again as they pile up (a fifth of a
    1,000-page build) and free almost nothing, so it pauses while the packet is built and written."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------------
# Opening and checking the inputs


@dataclass
class _Source:
    """An opened input: a PDF reader, or a scanned image to be placed on a page of its own."""

    pages: int
    reader: PdfReader | None = None
    image: "_Image | None" = None


@dataclass(frozen=True)
class _Image:
    width: int
    height: int
    dictionary: dict                # the image XObject's entries, stream data under "__streamdata__"


def _check_items(items: list[PacketItem], prefix: str | None) -> None:
    seen = set()
    for item in items:
        if item.kind not in ("exhibit", "draft"):
            raise AssemblyError(f"packet item {item.id}: kind must be 'exhibit' or 'draft'")
        if item.id in seen:
            raise AssemblyError(f"packet item {item.id}: the same id appears twice")
        seen.add(item.id)
    if prefix is not None and (not prefix or len(prefix) > 12 or not prefix.isascii() or not prefix.isprintable()):
        raise AssemblyError("stamp prefix: must be 1 to 12 printable ASCII characters")


def _open_all(items: list[PacketItem], scratch: Path, soffice: str | None):
    sources: list[_Source | None] = [None] * len(items)
    bad: list[BadExhibit] = []
    docx: dict[int, Path] = {}
    for i, item in enumerate(items):
        try:
            kind, data = _read_input(item.path)
            if kind == "docx":
                copy = scratch / f"item{i}.docx"  # neutral name: LibreOffice names its PDF after it
                copy.write_bytes(data)
                docx[i] = copy
            else:
                sources[i] = _open_pdf(data) if kind == "pdf" else _open_image(kind, data)
        except _Bad as exc:
            bad.append(BadExhibit(item.id, str(exc)))
    if docx:
        converted = _convert_docx(docx, scratch, soffice)
        for i, outcome in converted.items():
            if isinstance(outcome, _Bad):
                bad.append(BadExhibit(items[i].id, str(outcome)))
            else:
                sources[i] = outcome
    order = {item.id: n for n, item in enumerate(items)}
    bad.sort(key=lambda b: order[b.id])
    return sources, bad


def exhibit_problem(path: str | Path) -> str | None:
    """What the packet would refuse in this file (type by content, size, an encrypted or broken PDF, an
    image too large), in the words of its errors; None when it can go in. DOCX is checked by type only
    (its conversion needs LibreOffice). For checking an upload before any packet is built."""
    try:
        kind, data = _read_input(Path(path))
        if kind == "pdf":
            _open_pdf(data)
        elif kind in ("jpeg", "png"):
            _open_image(kind, data)
    except _Bad as exc:
        return str(exc)
    return None


class _Bad(Exception):
    """A problem with one input, worded for the person who supplied the file (never its contents)."""


def _read_input(path: Path) -> tuple[str, bytes]:
    try:
        if not Path(path).is_file():
            raise _Bad("file not found")
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise _Bad(f"file too large ({size // (1024 * 1024)} MB; at most {MAX_FILE_BYTES // (1024 * 1024)} MB)")
        data = Path(path).read_bytes()
    except OSError as exc:
        raise _Bad(f"file cannot be read ({exc.strerror or type(exc).__name__})") from None
    if not data:
        raise _Bad("file is empty")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf", data
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg", data
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", data
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx", data
    raise _Bad("unsupported file type (use PDF, JPEG, PNG or DOCX)")


def _open_pdf(data: bytes) -> _Source:
    from io import BytesIO

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise _Bad("encrypted PDF (save a copy without a password first)")
        count = len(reader.pages)
        for page in reader.pages:   # a page tree that cannot be walked fails here, not halfway through writing
            page.mediabox  # noqa: B018
    except _Bad:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        raise _Bad("corrupt PDF (it cannot be read)") from None
    if count == 0:
        raise _Bad("PDF has no pages")
    return _Source(pages=count, reader=reader)


def _check_image_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise _Bad("corrupt image (no size)")
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise _Bad(f"image too large ({width}x{height} pixels; at most {MAX_IMAGE_PIXELS // 1_000_000} million "
                   f"pixels and {MAX_IMAGE_SIDE} on a side)")


def _open_image(kind: str, data: bytes) -> _Source:
    image = _jpeg(data) if kind == "jpeg" else _png(data)
    return _Source(pages=1, image=image)


def _jpeg(data: bytes) -> _Image:
    """A JPEG's size and colour components from its frame header; the data is embedded unchanged."""
    pos, n = 2, len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            raise _Bad("corrupt image (not a readable JPEG)")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if pos + 10 > n:
                break
            bits, height, width, components = struct.unpack(">BHHB", data[pos + 4:pos + 10])
            _check_image_size(width, height)
            space = {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}.get(components)
            if space is None or bits != 8:
                raise _Bad("unsupported JPEG (colour format)")
            entries = {"/ColorSpace": NameObject(space), "/Filter": NameObject("/DCTDecode")}
            if components == 4 and b"Adobe" in data[:pos]:
                entries["/Decode"] = ArrayObject([NumberObject(v) for v in (1, 0) * 4])  # Adobe stores CMYK inverted
            return _Image(width, height, _image_dict(width, height, 8, entries, data))
        pos += 2 + length
    raise _Bad("corrupt image (not a readable JPEG)")


def _png(data: bytes) -> _Image:
    """A PNG's compressed rows embedded with the PNG predictor, which PDF readers undo themselves.

    Transparent or interlaced PNGs need decoding first: that is done with Pillow when it is installed
    (a docassemble server has it), flattening transparency onto white."""
    pos, header, idat, palette = 8, None, [], None
    try:
        while pos + 8 <= len(data):
            length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            if len(body) != length:
                raise _Bad("corrupt image (a PNG cut short)")
            if ctype == b"IHDR":
                header = struct.unpack(">IIBBBBB", body)
            elif ctype == b"PLTE":
                palette = body
            elif ctype == b"IDAT":
                idat.append(body)
            elif ctype == b"IEND":
                break
            pos += 12 + length
    except struct.error:
        raise _Bad("corrupt image (not a readable PNG)") from None
    if header is None or not idat:
        raise _Bad("corrupt image (not a readable PNG)")
    width, height, depth, colour, _compression, _filter, interlace = header
    _check_image_size(width, height)
    if colour in (4, 6) or interlace or depth == 16:
        return _png_with_pillow(data, width, height)
    if colour == 3:
        if not palette or len(palette) % 3:
            raise _Bad("corrupt image (PNG palette)")
        space = ArrayObject([NameObject("/Indexed"), NameObject("/DeviceRGB"), NumberObject(len(palette) // 3 - 1),
                             _byte_string(palette)])
        colors = 1
    elif colour in (0, 2):
        space, colors = NameObject("/DeviceGray" if colour == 0 else "/DeviceRGB"), 1 if colour == 0 else 3
    else:
        raise _Bad("corrupt image (unknown PNG colour type)")
    params = DictionaryObject({NameObject("/Predictor"): NumberObject(15), NameObject("/Colors"): NumberObject(colors),
                               NameObject("/BitsPerComponent"): NumberObject(depth),
                               NameObject("/Columns"): NumberObject(width)})
    entries = {"/ColorSpace": space, "/Filter": NameObject("/FlateDecode"), "/DecodeParms": params}
    return _Image(width, height, _image_dict(width, height, depth, entries, b"".join(idat)))


def _png_with_pillow(data: bytes, width: int, height: int) -> _Image:
    try:
        from PIL import Image
    except ImportError:
        raise _Bad("unsupported PNG (transparent, interlaced or 16-bit; save it as JPEG or plain PNG)") from None
    from io import BytesIO

    try:
        with Image.open(BytesIO(data)) as im:
            im.load()
            rgba = im.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise _Bad("corrupt image (not a readable PNG)") from None
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.split()[3])
    raw = zlib.compress(flat.tobytes(), 6)
    entries = {"/ColorSpace": NameObject("/DeviceRGB"), "/Filter": NameObject("/FlateDecode")}
    return _Image(width, height, _image_dict(width, height, 8, entries, raw))


def _image_dict(width: int, height: int, bits: int, entries: dict, stream: bytes) -> dict:
    return {"/Type": NameObject("/XObject"), "/Subtype": NameObject("/Image"), "/Width": NumberObject(width),
            "/Height": NumberObject(height), "/BitsPerComponent": NumberObject(bits), **entries,
            "__streamdata__": stream}


def _byte_string(data: bytes):
    from pypdf.generic import ByteStringObject

    return ByteStringObject(data)


def _convert_docx(docx: dict[int, Path], scratch: Path, soffice: str | None) -> dict[int, "_Source | _Bad"]:
    from .rendering import PdfConversionError, convert_to_pdf, libreoffice_binary

    binary = soffice or libreoffice_binary()
    if not binary:
        return {i: _Bad("DOCX needs LibreOffice to become PDF, and LibreOffice is not installed") for i in docx}
    out_dir = scratch / "pdf"
    out_dir.mkdir()
    failed: set[str] = set()
    try:
        convert_to_pdf(list(docx.values()), out_dir, binary)
    except PdfConversionError as exc:
        failed = set(exc.missing)
    except AssemblyError:
        return {i: _Bad("DOCX could not be converted to PDF") for i in docx}
    out: dict[int, _Source | _Bad] = {}
    for i, path in docx.items():
        if path.name in failed:
            out[i] = _Bad("DOCX could not be converted to PDF (is it a valid Word document?)")
            continue
        try:
            out[i] = _open_pdf((out_dir / (path.stem + ".pdf")).read_bytes())
        except (_Bad, OSError):
            out[i] = _Bad("DOCX could not be converted to PDF")
    return out


# ---------------------------------------------------------------------------------------------
# Layout: every page number is fixed here, before anything is written


@dataclass
class _Layout:
    placed: list[tuple[PacketItem, _Source, PacketEntry]]
    index_after: int
    index_pages: int
    total: int
    entries: list[PacketEntry] = field(default_factory=list)
    index_range: tuple[int, int] = (0, 0)
    index_title: str = "Exhibit Index"

    @classmethod
    def plan(cls, kept, index_after: int, prefix: str | None, index_title: str) -> "_Layout":
        letters = _letters([item for item, _ in kept])
        index_pages = _index_page_count(kept, letters, prefix)
        page = 1
        placed = []
        index_range = (0, 0)
        for n, (item, src) in enumerate(kept):
            if n == index_after:
                index_range = (page, page + index_pages - 1)
                page += index_pages
            separator = 1 if item.kind == "exhibit" else 0
            entry = PacketEntry(item, letters.get(item.id), page, page + separator + src.pages - 1, page + separator)
            placed.append((item, src, entry))
            page = entry.last_page + 1
        if index_after >= len(kept):
            index_range = (page, page + index_pages - 1)
            page += index_pages
        return cls(placed, index_after, index_pages, page - 1, [e for _, _, e in placed], index_range, index_title)


def _letters(items: list[PacketItem]) -> dict[str, str]:
    """Exhibit letters: the item's own, else the next unused one (A..Z, then AA, AB...)."""
    taken = {i.letter for i in items if i.letter}
    out, n = {}, 0
    for item in items:
        if item.kind != "exhibit":
            continue
        if item.letter:
            out[item.id] = item.letter
            continue
        while exhibit_letter(n) in taken:
            n += 1
        out[item.id] = exhibit_letter(n)
        taken.add(out[item.id])
    return out


def exhibit_letter(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _range_width(prefix: str | None) -> int:
    one = len(bates(1, prefix)) if prefix else 5
    return 2 * one + 1


def _index_rows(kept, letters, prefix: str | None, ranges: dict[str, tuple[int, int]] | None) -> list[tuple[str, str]]:
    """The index's lines. Their number depends only on titles and groups, never on page numbers, so the
    index's page count is known before the layout (``ranges`` None gives placeholder numbers)."""
    pages_w = _range_width(prefix)
    title_w = _INDEX_COLUMNS - 8 - 11 - pages_w - 2
    rows: list[tuple[str, str]] = []
    group = object()
    for item, _src in kept:
        if item.group != group:
            group = item.group
            if group:
                rows.append(("group", group))
        first, last = ranges[item.id] if ranges else (1, 1)
        span = _span(first, last, prefix)
        label = f"Ex. {letters[item.id]}" if item.id in letters else ""
        when = item.date.isoformat() if item.date else ""
        wrapped = textwrap.wrap(item.title, title_w) or [""]
        rows.append(("row", f"{label:<8}{wrapped[0]:<{title_w}} {when:<10} {span:>{pages_w}}"))
        rows += [("row", f"{'':<8}{more}") for more in wrapped[1:]]
    return rows


def _span(first: int, last: int, prefix: str | None) -> str:
    show = (lambda p: bates(p, prefix)) if prefix else str
    return show(first) if first == last else f"{show(first)}\u2013{show(last)}"


def _index_page_count(kept, letters, prefix) -> int:
    rows = len(_index_rows(kept, letters, prefix, None))
    return max(1, -(-rows // _INDEX_LINES_PER_PAGE))


# ---------------------------------------------------------------------------------------------
# Writing


def _write(layout: _Layout, prefix: str | None, title: str) -> PdfWriter:
    writer = PdfWriter()
    fonts = _Fonts(writer)
    stamper = _Stamper(writer, fonts, layout.total, prefix)
    cut = False
    for n, (item, src, entry) in enumerate(layout.placed):
        if n == layout.index_after:
            _add_index(writer, fonts, layout, prefix)
        if item.kind == "exhibit":
            _add_separator(writer, fonts, entry)
        try:
            cut |= _add_content(writer, src)
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
            raise ExhibitError([BadExhibit(item.id, "corrupt PDF (a page cannot be copied)")]) from None
        src.reader = None  # the pages are in the writer now: let the reader's parsed objects go
    if layout.index_after >= len(layout.placed):
        _add_index(writer, fonts, layout, prefix)
    _add_outline(writer, layout)
    for index, page in enumerate(writer.pages):
        stamper.stamp(page, index + 1)
    _label_pages(writer, layout.total, prefix)
    if cut:  # metadata streams cut loose would still be written: drop every object nothing refers to
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    writer.page_mode = "/UseOutlines"
    writer.metadata = None
    writer.add_metadata({"/Title": title, "/Producer": PRODUCER})
    return writer


def _bookmark(entry: PacketEntry) -> str:
    return f"Exhibit {entry.letter} \u2014 {entry.item.title}"


def _add_content(writer: PdfWriter, src: _Source) -> bool:
    """Copy the source's pages; True when metadata had to be cut out of objects already copied."""
    if src.image is not None:
        _add_image_page(writer, src.image)
        return False
    cut = False
    for page in src.reader.pages:
        cut |= _scrub_page(writer.add_page(page, excluded_keys=_PAGE_KEYS_DROPPED))
    return cut


# Left out when a page is copied (never copied at all, so no orphan object keeps them in the file).
_PAGE_KEYS_DROPPED = ("/Metadata", "/PieceInfo", "/LastModified", "/Thumb")


def _scrub_page(page) -> bool:
    """Drop what can name a person from the copied page: comment authors and dates, and the XMP metadata of its
    images and forms. True when a metadata stream was cut loose (the writer must then drop unreferenced objects)."""
    cut = False
    annots = page.get("/Annots")
    for ref in (annots.get_object() if annots is not None else ()):
        annot = ref.get_object()
        if not isinstance(annot, DictionaryObject) or annot.get("/Subtype") == "/Widget":
            continue  # a form field's /T is its field name, not an author
        for key in ("/T", "/M", "/CreationDate", "/Metadata"):
            if key in annot:
                cut |= key == "/Metadata"
                del annot[key]
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    for ref in (xobjects.get_object().values() if xobjects is not None else ()):
        xobject = ref.get_object()
        for key in ("/Metadata", "/PieceInfo"):
            if isinstance(xobject, DictionaryObject) and key in xobject:
                cut = True
                del xobject[key]
    return cut


def _add_image_page(writer: PdfWriter, image: _Image) -> None:
    """A letter-size page (landscape for a wide scan) with the image scaled to fit inside the margin."""
    width, height = LETTER if image.height >= image.width else LETTER[::-1]
    scale = min((width - 2 * IMAGE_MARGIN) / image.width, (height - 2 * IMAGE_MARGIN) / image.height)
    w, h = image.width * scale, image.height * scale
    x, y = (width - w) / 2, (height - h) / 2
    page = writer.add_blank_page(width, height)
    xobject = writer._add_object(StreamObject.initialize_from_dictionary(
        {NameObject(k): v for k, v in image.dictionary.items() if k != "__streamdata__"}
        | {"__streamdata__": image.dictionary["__streamdata__"]}))
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): xobject})})
    page[NameObject("/Contents")] = writer._add_object(_stream(f"q {w:.2f} 0 0 {h:.2f} {x:.2f} {y:.2f} cm /Im0 Do Q".encode()))


def _stream(data: bytes) -> DecodedStreamObject:
    s = DecodedStreamObject()
    s.set_data(data)
    return s


def _pdf_text(text: str) -> bytes:
    """A PDF literal string in WinAnsi (the standard fonts' encoding); other characters print as '?'."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


class _Fonts:
    """The standard fonts the generated pages use, each one indirect object shared by every page."""

    def __init__(self, writer: PdfWriter):
        def font(base: str):
            return writer._add_object(DictionaryObject({
                NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject(base), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))

        self.courier, self.helvetica, self.bold = font("/Courier"), font("/Helvetica"), font("/Helvetica-Bold")
        self.resources = DictionaryObject({NameObject("/Font"): DictionaryObject({
            NameObject("/F1"): self.helvetica, NameObject("/F2"): self.bold, NameObject("/F3"): self.courier})})


def _text_page(writer: PdfWriter, fonts: _Fonts, lines: list[tuple[str, float, float, float, str]]) -> None:
    """A letter page of text lines: (font, size, x, y, text)."""
    page = writer.add_blank_page(*LETTER)
    ops = [b"BT"]
    for font, size, x, y, text in lines:
        ops.append(f"{font} {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm ".encode() + _pdf_text(text) + b" Tj")
    ops.append(b"ET")
    page[NameObject("/Resources")] = fonts.resources
    page[NameObject("/Contents")] = writer._add_object(_stream(b"\n".join(ops)))


def _add_separator(writer: PdfWriter, fonts: _Fonts, entry: PacketEntry) -> None:
    lines = [("/F2", 28, 72, 480, f"Exhibit {entry.letter}")]
    for n, part in enumerate(textwrap.wrap(entry.item.title, 40)[:8]):
        lines.append(("/F1", 16, 72, 440 - 22 * n, part if n else f"\u2014 {part}"))
    if entry.item.date:
        lines.append(("/F1", 12, 72, 440 - 22 * min(8, len(textwrap.wrap(entry.item.title, 40))) - 8,
                      f"Dated {entry.item.date.isoformat()}"))
    _text_page(writer, fonts, lines)


def _add_index(writer: PdfWriter, fonts: _Fonts, layout: _Layout, prefix: str | None) -> None:
    kept = [(item, src) for item, src, _ in layout.placed]
    letters = {e.item.id: e.letter for e in layout.entries if e.letter}
    ranges = {e.item.id: (e.first_page, e.last_page) for e in layout.entries}
    rows = _index_rows(kept, letters, prefix, ranges)
    pages_w = _range_width(prefix)
    header = f"{'Exhibit':<8}{'Title':<{_INDEX_COLUMNS - 8 - 11 - pages_w - 2}} {'Date':<10} {'Pages':>{pages_w}}"
    first = True
    for start in range(0, max(len(rows), 1), _INDEX_LINES_PER_PAGE):
        heading = layout.index_title + ("" if first else " (continued)")
        lines = [("/F2", 16, 72, 730, heading), ("/F3", 10, 72, 700, header)]
        y = 684
        for style, text in rows[start:start + _INDEX_LINES_PER_PAGE]:
            lines.append(("/F2", 10, 72, y, text) if style == "group" else ("/F3", 10, 72, y, text))
            y -= 13
        _text_page(writer, fonts, lines)
        first = False


def _add_outline(writer: PdfWriter, layout: _Layout) -> None:
    """Bookmarks in packet order: each draft, the index, and each exhibit under "Exhibits" (after the pages exist)."""
    exhibits = None
    for n, (item, _src, entry) in enumerate(layout.placed):
        if n == layout.index_after:
            writer.add_outline_item(title=layout.index_title, page_number=layout.index_range[0] - 1)
        if item.kind == "exhibit":
            if exhibits is None:
                exhibits = writer.add_outline_item(title="Exhibits", page_number=entry.first_page - 1)
            writer.add_outline_item(title=_bookmark(entry), page_number=entry.first_page - 1, parent=exhibits)
        else:
            writer.add_outline_item(title=item.title, page_number=entry.first_page - 1)
    if layout.index_after >= len(layout.placed):
        writer.add_outline_item(title=layout.index_title, page_number=layout.index_range[0] - 1)


class _Stamper:
    """Adds the page stamp without touching the page's own content: ``q`` + content + ``Q`` + stamp."""

    def __init__(self, writer: PdfWriter, fonts: _Fonts, total: int, prefix: str | None):
        self.writer, self.fonts, self.total, self.prefix = writer, fonts, total, prefix
        self.push = writer._add_object(_stream(b"q\n"))
        self.overlays: dict[tuple, object] = {}

    def _overlay(self, text: str, box: tuple[float, float, float, float], rotate: int):
        key = (text, box, rotate)
        ref = self.overlays.get(key)
        if ref is None:
            x0, y0, x1, y1 = box
            matrix, width = {0: ((1, 0, 0, 1, x0, y0), x1 - x0), 90: ((0, 1, -1, 0, x1, y0), y1 - y0),
                             180: ((-1, 0, 0, -1, x1, y1), x1 - x0), 270: ((0, -1, 1, 0, x0, y1), y1 - y0)}[rotate]
            text_w = len(text) * STAMP_FONT_SIZE * _COURIER_WIDTH
            x, y = width - STAMP_MARGIN - text_w, STAMP_MARGIN
            cm = " ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in matrix)
            data = (f"\nQ q {cm} cm 1 g {x - 3:.2f} {y - 3:.2f} {text_w + 6:.2f} {STAMP_FONT_SIZE + 4:.2f} re f "
                    f"0 g BT {_STAMP_FONT} {STAMP_FONT_SIZE:g} Tf {x:.2f} {y:.2f} Td ").encode() + _pdf_text(text) + b" Tj ET Q\n"
            ref = self.overlays[key] = self.writer._add_object(_stream(data))
        return ref

    def stamp(self, page, number: int) -> None:
        box = tuple(float(v) for v in page.cropbox)
        rotate = int(page.get("/Rotate", 0) or 0) % 360
        overlay = self._overlay(stamp_text(number, self.total, self.prefix), box, rotate if rotate in (0, 90, 180, 270) else 0)
        contents = page.get("/Contents")
        parts = []
        if contents is not None:
            target = contents.get_object()
            parts = list(target) if isinstance(target, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([self.push, *parts, overlay])
        resources = page.get("/Resources")
        if resources is None:
            resources = page[NameObject("/Resources")] = DictionaryObject()
        resources = resources.get_object()
        if resources is self.fonts.resources:
            if _STAMP_FONT not in resources["/Font"]:
                resources["/Font"][NameObject(_STAMP_FONT)] = self.fonts.courier
            return
        font_dict = resources.get("/Font")
        if font_dict is None:
            font_dict = resources[NameObject("/Font")] = DictionaryObject()
        font_dict = font_dict.get_object()
        if _STAMP_FONT not in font_dict:
            font_dict[NameObject(_STAMP_FONT)] = self.fonts.courier


def _label_pages(writer: PdfWriter, total: int, prefix: str | None) -> None:
    """Page labels equal to the stamps: 1..N, or the zero-padded Bates numbers (a range per digit count)."""
    if not prefix:
        writer.set_page_label(0, total - 1, style="/D", start=1)
        return
    start = 1
    while start <= total:
        end = min(total, 10 ** len(str(start)) - 1)
        pad = "0" * (BATES_DIGITS - len(str(start)))
        writer.set_page_label(start - 1, end - 1, style="/D", prefix=prefix + pad, start=start)
        start = end + 1


def _atomic_write(writer: PdfWriter, out_path: Path) -> None:
    """Write beside the target and rename: the target is either the old file or the whole new packet."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".packet-", suffix=".pdf.tmp", dir=out_path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            writer.write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["BadExhibit", "ExhibitError", "PacketEntry", "PacketItem", "PacketResult", "bates", "build_packet",
           "exhibit_letter", "stamp_text"]
