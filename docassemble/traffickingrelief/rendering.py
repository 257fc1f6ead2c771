"""DOCX rendering with docxtpl, and PDF conversion with LibreOffice headless.

User text is data, never template code: templates render with autoescape on, every value goes
through one finaliser that escapes XML and turns braces into character references (docxtpl
rewrites ``{_{`` into ``{{`` after rendering, which would otherwise alter a literal name), and
nothing user-supplied is ever compiled as Jinja. Metadata is reset so no file carries client data.
"""
from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections import OrderedDict
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import jinja2
from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docxtpl import DocxTemplate
from markupsafe import Markup

from .docx_package import DeflatedParts, save_package
from .errors import AssemblyError
from .layout import Layout, StyleIndex, apply as apply_layout, apply_pages, apply_styles
from .output import stop_guard

if TYPE_CHECKING:
    from .warm_pdf import PdfSession

DRAFT_NOTICE = "DRAFT \u2014 for review by a licensed attorney"


def _xml_text(text: str) -> str:
    return escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


# Run properties in the order the OOXML schema requires (Word rejects out-of-order rPr children).
_RUN_PROPERTIES = (("bold", "<w:b/><w:bCs/>"), ("caps", "<w:caps/>"), ("highlight", '<w:highlight w:val="yellow"/>'))


class Text:
    """Inline rich text (runs of plain or highlighted text) for docxtpl's ``{{r ... }}`` tags.

    Built from text, never from markup: every run is escaped when the XML is produced.
    """

    def __init__(self, *parts: "str | Text | None"):
        self.runs: list[tuple[str, frozenset[str]]] = []
        for part in parts:
            self.append(part)

    def append(self, part: "str | Text | None", *props: str) -> "Text":
        if isinstance(part, Text):
            self.runs += [(text, own | frozenset(props)) for text, own in part.runs]
        elif part:
            self.runs.append((str(part), frozenset(props)))
        return self

    def __add__(self, other: "str | Text") -> "Text":
        return Text(self, other)

    def __str__(self) -> str:
        return "".join(text for text, _ in self.runs)

    def __html__(self) -> str:
        return "".join(_run_xml(text, props) for text, props in self.runs)

    def styled(self, *props: str) -> "Text":
        """The same runs with Word formatting added: "bold", "caps" (All Caps; the data keeps its casing)."""
        return Text().append(self, *props)

    @classmethod
    def placeholder(cls, label: str) -> "Text":
        """A highlighted ``[MISSING: label]`` marker that a reviewer cannot overlook."""
        return cls().append(f"[MISSING: {label}]", "bold", "highlight")

    @classmethod
    def confirm(cls, value: "Text") -> "Text":
        """A highlighted ``[CONFIRM: value]``: law the data holds without an official or verbatim source."""
        return cls().append("[CONFIRM: ", "bold", "highlight").append(value, "highlight").append("]", "bold", "highlight")

    @classmethod
    def join(cls, items: Iterable["str | Text"], sep: str = ", ") -> "Text":
        out = cls()
        for i, item in enumerate(items):
            if i:
                out.append(sep)
            out.append(item)
        return out


def _run_xml(text: str, props: frozenset[str]) -> str:
    """One run; a newline in the text is a line break (a two-line court heading)."""
    rpr = "".join(xml for name, xml in _RUN_PROPERTIES if name in props)
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{_xml_text(line)}</w:t>' for line in text.split("\n"))
    return f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}{body}</w:r>"


def _finalize(value: Any) -> Any:
    if hasattr(value, "__html__"):
        return value
    return Markup(_xml_text("" if value is None else str(value)))


@lru_cache(maxsize=1)
def jinja_environment() -> jinja2.Environment:
    """Autoescaping, strict environment: a template naming a variable the code does not supply fails."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize)


def render_docx(template: Path, context: dict, out_path: Path, title: str, layout: Layout | None = None) -> Path:
    """Render one template to ``out_path``; ``title`` is the generic document type (no client data).

    ``layout`` (the forum's fonts, spacing, margins, page numbers, pleading paper) is applied after the
    text is in, so one Word-edited template serves every forum. The template is parsed and compiled once
    per process (``compiled_template``) and filled for every document made from it."""
    if not template.is_file():
        raise AssemblyError(f"template {template.parent.name}/{template.name} is missing")
    compiled = compiled_template(template)
    if compiled is None:  # a template this cache does not handle (footnotes): the plain docxtpl path
        return _render_plain(template, context, out_path, title, layout)
    return compiled.fill(context, out_path, title, layout)


def _render_plain(template: Path, context: dict, out_path: Path, title: str, layout: Layout | None) -> Path:
    doc = DocxTemplate(template)
    try:
        doc.render(context, jinja_environment(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise AssemblyError(f"template {template.parent.name}/{template.name} failed to render: {exc.message}") from None
    if layout is not None:
        apply_layout(doc.docx, layout)
    scrub_metadata(doc.docx.core_properties, title)
    doc.save(out_path)
    return out_path


def _jinja_source(xml: str) -> str:
    """What docxtpl hands Jinja for a part: each paragraph on a line of its own (for error line numbers)."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


_DOCXTPL_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
"""The core properties ``DocxTemplate.render_properties`` sets, in its order."""


class CompiledTemplate:
    """One DOCX template read, cleaned up for Jinja and compiled once, then filled for many documents.

    A fill does what ``DocxTemplate.render`` does, step for step and with docxtpl's own helpers, minus the
    work that does not depend on the document: the package is parsed once (each fill starts from a copy of
    the template's body and puts fresh header and footer parts in), the Jinja templates are compiled once,
    and the styles with a forum's layout applied are kept per layout. docxtpl's core-property rendering is
    not repeated, because ``scrub_metadata`` overwrites every property it renders. Every part of the output is
    byte for byte what a fresh docxtpl render gives (tests/test_template_cache.py). Fills of one template
    take turns (a lock), since they share the package.
    """

    def __init__(self, path: Path):
        self.name = f"{path.parent.name}/{path.name}"
        tpl = DocxTemplate(path)
        tpl.init_docx()
        env = jinja_environment()
        self._tpl = tpl
        self._part = tpl.docx.part
        self._root = copy.deepcopy(tpl.docx.element)
        try:
            self._body = env.from_string(_jinja_source(tpl.patch_xml(tpl.get_xml())))
            self._stories = []
            for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
                for rel_key, part in tpl.get_headers_footers(uri):
                    xml = tpl.get_part_xml(part)
                    self._stories.append((rel_key, part, tpl.get_headers_footers_encoding(xml),
                                          env.from_string(_jinja_source(tpl.patch_xml(xml)))))
        except jinja2.TemplateError as exc:
            raise AssemblyError(f"template {self.name} failed to render: {exc.message}") from None
        self._styles_part = self._part._styles_part
        self._styles = {None: (self._styles_part.element, None)}
        rels = self._part.rels  # restored before each fill: the layout may add a footer part and its relationship
        self._rels = (dict(rels), dict(rels._target_parts_by_rId))
        changing = {id(self._part), *(id(part) for _, part, _, _ in self._stories)}
        self._unchanged = DeflatedParts(part for part in self._part.package.iter_parts()
                                        if id(part) not in changing and part.content_type != CT.OPC_CORE_PROPERTIES)
        self._lock = threading.Lock()

    @staticmethod
    def supports(path: Path) -> bool:
        """Footnotes are rendered by docxtpl in place in the shared package, and a template without core properties
        gets a fresh, dated part each time: such templates take the plain path."""
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        return "docProps/core.xml" in names and not any("footnotes" in name for name in names)

    def _finish(self, template: jinja2.Template, context: dict) -> str:
        """The tail of docxtpl's ``render_xml_part``: render, then undo its line breaks, escapes and listings."""
        try:
            xml = template.render(context)
        except jinja2.TemplateError as exc:
            raise AssemblyError(f"template {self.name} failed to render: {exc.message}") from None
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if not any(c in xml for c in "\t\a\n\f"):  # resolve_listing only rewrites these characters
            return xml
        return self._tpl.resolve_listing(xml)

    def _laid_out_styles(self, layout: Layout | None):
        """The styles element with ``layout`` applied, and an index of its styles (both kept per layout)."""
        key = None if layout is None else repr(layout)
        kept = self._styles.get(key)
        if kept is None:
            self._styles_part._element = copy.deepcopy(self._styles[None][0])
            apply_styles(self._tpl.docx, layout)
            kept = self._styles[key] = (self._styles_part.element, StyleIndex(self._tpl.docx))
        return kept

    def fill(self, context: dict, out_path: Path, title: str, layout: Layout | None = None) -> Path:
        with self._lock:
            tpl = self._tpl
            root = copy.deepcopy(self._root)
            self._part._element = root
            tpl.docx = DocxDocument(root, self._part)
            tpl.pic_map, tpl.docx_ids_index, tpl.is_rendered, tpl.is_saved = {}, 1000, True, False
            rels = self._part.rels
            rels.clear()
            rels.update(self._rels[0])
            rels._target_parts_by_rId.clear()
            rels._target_parts_by_rId.update(self._rels[1])
            for rel_key, part, _, _ in self._stories:  # back to the template's own header and footer parts
                rels[rel_key]._target = part
            tpl.current_rendering_part = self._part
            tree = tpl.fix_tables(self._finish(self._body, context))
            tpl.fix_docpr_ids(tree)
            tpl.map_tree(tree)
            for rel_key, part, encoding, template in self._stories:
                tpl.current_rendering_part = part
                tpl.map_headers_footers_xml(rel_key, self._finish(template, context).encode(encoding))
            if layout is None:
                self._styles_part._element = self._styles[None][0]
            else:
                self._styles_part._element, index = self._laid_out_styles(layout)
                apply_pages(tpl.docx, layout, index)
            properties = tpl.docx.core_properties
            for name in _DOCXTPL_RENDERED_PROPERTIES:  # overwritten below; setting them keeps docxtpl's element order
                setattr(properties, name, getattr(properties, name))
            scrub_metadata(properties, title)
            save_package(self._part.package, out_path, self._unchanged)
        return out_path


_COMPILED: OrderedDict[tuple, CompiledTemplate | None] = OrderedDict()
_COMPILED_LOCK = threading.Lock()
MAX_COMPILED_TEMPLATES = 64


def compiled_template(path: Path) -> CompiledTemplate | None:
    """The compiled form of a template, made on first use and kept while the file is unchanged (its
    modification time and size are part of the key, so a template edited in Word is read afresh)."""
    path = Path(path).resolve()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _COMPILED_LOCK:
        if key in _COMPILED:
            _COMPILED.move_to_end(key)
            return _COMPILED[key]
    compiled = CompiledTemplate(path) if CompiledTemplate.supports(path) else None
    with _COMPILED_LOCK:
        compiled = _COMPILED.setdefault(key, compiled)
        while len(_COMPILED) > MAX_COMPILED_TEMPLATES:
            _COMPILED.popitem(last=False)
    return compiled


def scrub_metadata(props, title: str) -> None:
    """Leave only generic, client-free metadata in a document's core properties."""
    for name in ("author", "last_modified_by", "comments", "keywords", "subject", "category",
                 "content_status", "identifier", "language", "version"):
        setattr(props, name, "")
    props.title = title
    props.revision = 1


# ---------------------------------------------------------------------------------------------
# PDF


def libreoffice_binary() -> str | None:
    """The LibreOffice executable, if installed (``TRAFFICKINGRELIEF_SOFFICE`` overrides)."""
    override = os.environ.get("TRAFFICKINGRELIEF_SOFFICE")
    if override is not None:
        return override or None
    return shutil.which("soffice") or shutil.which("libreoffice")


class PdfConversionError(AssemblyError):
    """Some DOCX got no PDF. ``missing`` names those documents (file names, never client data);
    the DOCX themselves are complete, so a caller may keep them and report the gap."""

    def __init__(self, message: str, missing: list[str]):
        self.missing = list(missing)
        super().__init__(message)


PDF_TIMEOUT_SECONDS = 300

# LibreOffice is started by this small guard, not by the run itself. The guard puts LibreOffice in a
# session (and process group) of its own and waits on a pipe from the run: end of file there means
# the run finished, gave up (timeout, Ctrl-C) or died, even by SIGKILL, since the kernel closes the
# pipe. Then the guard kills LibreOffice's whole group (the launcher, oosplash and soffice.bin) and
# deletes the throwaway profile. When LibreOffice ends by itself, the guard still kills whatever is
# left in its group, so no LibreOffice process outlives a conversion.
_LO_GUARD = r"""
import os, shutil, signal, subprocess, sys, threading
profile, cmd = sys.argv[1], sys.argv[2:]
lo = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                      start_new_session=True)

def end(code):
    try:
        os.killpg(lo.pid, signal.SIGKILL)
    except OSError:
        pass
    shutil.rmtree(profile, ignore_errors=True)
    os._exit(code)

def watch():
    sys.stdin.buffer.read()
    end(125)

threading.Thread(target=watch, daemon=True).start()
# Wait without reaping: while the leader is an unreaped zombie its group id cannot be reused.
info = os.waitid(os.P_PID, lo.pid, os.WEXITED | os.WNOWAIT)
end(info.si_status if info.si_code == os.CLD_EXITED else 124)
"""


def convert_to_pdf(docx_files: list[Path], out_dir: Path, binary: str,
                   timeout: float = PDF_TIMEOUT_SECONDS) -> list[Path]:
    """Convert DOCX files to PDF in one headless LibreOffice run with a throwaway profile.

    LibreOffice runs contained (see ``_LO_GUARD``): on timeout, Ctrl-C, SIGTERM or the run's death
    its whole process group is killed and its profile removed. Every DOCX must get a PDF; those
    that did not are named in a PdfConversionError.
    """
    if not docx_files:
        return []
    profile = tempfile.mkdtemp(prefix="traffickingrelief-lo-")
    cmd = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nolockcheck",
           "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)]
    try:
        _run_contained(cmd, profile, timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdfs = [out_dir / (f.stem + ".pdf") for f in docx_files]
    missing = [f.name for f, pdf in zip(docx_files, pdfs) if not _is_pdf(pdf)]
    if missing:
        raise PdfConversionError(f"LibreOffice made no PDF for {len(missing)} of {len(docx_files)} document(s): "
                                 + ", ".join(missing), missing)
    return pdfs


def convert_folder_to_pdf(docx_files: list[Path], out_dir: Path, binary: str, session: "PdfSession | None" = None,
                          timeout: float = PDF_TIMEOUT_SECONDS) -> list[Path]:
    """Like ``convert_to_pdf``, in the run's warm LibreOffice when ``session`` has one (``warm_pdf``), else (or when
    the warm path is not available) in one LibreOffice process for the folder."""
    if session is not None:
        missing = session.convert(docx_files, out_dir, binary, timeout)
        if missing is not None:
            pdfs = [out_dir / (f.stem + ".pdf") for f in docx_files]
            missing = [f.name for f, pdf in zip(docx_files, pdfs) if f.name in missing or not _is_pdf(pdf)]
            if missing:
                raise PdfConversionError(f"LibreOffice made no PDF for {len(missing)} of {len(docx_files)} "
                                         "document(s): " + ", ".join(missing), missing)
            return pdfs
    return convert_to_pdf(docx_files, out_dir, binary, timeout)


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False


def _run_contained(cmd: list[str], profile: str, timeout: float) -> None:
    scratch = os.path.join(profile, "tmp")  # LibreOffice's own temp files (copies of documents) die with the profile
    os.makedirs(scratch, exist_ok=True)
    env = {**os.environ, "HOME": profile, "TMPDIR": scratch, "TMP": scratch, "TEMP": scratch}
    try:
        guard = subprocess.Popen([sys.executable, "-S", "-c", _LO_GUARD, profile, *cmd], stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                 start_new_session=True)
    except OSError as exc:
        raise AssemblyError(f"PDF conversion with LibreOffice failed to start ({type(exc).__name__})") from None
    try:
        guard.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_guard(guard)  # closing the pipe makes it kill LibreOffice's group and remove the profile
        raise AssemblyError(f"PDF conversion with LibreOffice took longer than {timeout:g} s and was stopped") from None
    except BaseException:  # KeyboardInterrupt, or SIGTERM turned into an exception by the caller
        stop_guard(guard)
        raise
    finally:
        guard.stdin.close()


def scrub_pdf_metadata(pdf_path: Path, title: str) -> None:
    """Rewrite a PDF's document information with generic values only (replacing the file whole)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    tmp = pdf_path.with_name(pdf_path.name + ".tmp")
    try:
        writer = PdfWriter(clone_from=PdfReader(pdf_path))
        writer.metadata = None
        writer.add_metadata({"/Title": title, "/Producer": "traffickingrelief (LibreOffice)"})
        with open(tmp, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, pdf_path)
    except (PyPdfError, ValueError, KeyError) as exc:
        tmp.unlink(missing_ok=True)
        raise PdfConversionError(f"the PDF of {pdf_path.stem} could not be read ({type(exc).__name__})",
                                 [pdf_path.with_suffix(".docx").name]) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
