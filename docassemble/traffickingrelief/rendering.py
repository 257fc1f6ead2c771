"""DOCX rendering with docxtpl, and PDF conversion with LibreOffice headless.

User text is data, never template code: templates render with autoescape on, every value goes
through one finaliser that escapes XML and turns braces into character references (docxtpl
rewrites ``{_{`` into ``{{`` after rendering, which would otherwise alter a literal name), and
nothing user-supplied is ever compiled as Jinja. Metadata is reset so no file carries client data.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any, Iterable

import jinja2
from docxtpl import DocxTemplate
from markupsafe import Markup

from .errors import AssemblyError
from .layout import Layout, apply as apply_layout
from .output import stop_guard

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
    text is in, so one Word-edited template serves every forum."""
    if not template.is_file():
        raise AssemblyError(f"template {template.parent.name}/{template.name} is missing")
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
        guard = subprocess.Popen([sys.executable, "-c", _LO_GUARD, profile, *cmd], stdin=subprocess.PIPE,
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
