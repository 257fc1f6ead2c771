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
import tempfile
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any, Iterable

import jinja2
from docxtpl import DocxTemplate
from markupsafe import Markup

from .errors import AssemblyError

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
    def join(cls, items: Iterable["str | Text"], sep: str = ", ") -> "Text":
        out = cls()
        for i, item in enumerate(items):
            if i:
                out.append(sep)
            out.append(item)
        return out


def _run_xml(text: str, props: frozenset[str]) -> str:
    rpr = "".join(xml for name, xml in _RUN_PROPERTIES if name in props)
    return (f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}"
            f'<w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r>')


def _finalize(value: Any) -> Any:
    if hasattr(value, "__html__"):
        return value
    return Markup(_xml_text("" if value is None else str(value)))


@lru_cache(maxsize=1)
def jinja_environment() -> jinja2.Environment:
    """Autoescaping, strict environment: a template naming a variable the code does not supply fails."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize)


def render_docx(template: Path, context: dict, out_path: Path, title: str) -> Path:
    """Render one template to ``out_path``; ``title`` is the generic document type (no client data)."""
    if not template.is_file():
        raise AssemblyError(f"template {template.parent.name}/{template.name} is missing")
    doc = DocxTemplate(template)
    try:
        doc.render(context, jinja_environment(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise AssemblyError(f"template {template.parent.name}/{template.name} failed to render: {exc.message}") from None
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


def convert_to_pdf(docx_files: list[Path], out_dir: Path, binary: str) -> list[Path]:
    """Convert DOCX files to PDF in one headless LibreOffice run with a throwaway profile.

    The profile lives in a temporary folder deleted afterwards, so nothing of the run outlives it.
    """
    if not docx_files:
        return []
    with tempfile.TemporaryDirectory(prefix="traffickingrelief-lo-") as profile:
        cmd = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)]
        try:
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
                                  env={**os.environ, "HOME": profile})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise AssemblyError(f"PDF conversion with LibreOffice failed to run ({type(exc).__name__})") from None
    pdfs = [out_dir / (f.stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.is_file()]
    if proc.returncode != 0 or missing:
        raise AssemblyError(f"PDF conversion with LibreOffice failed (exit {proc.returncode}; "
                            f"not produced: {', '.join(missing) or 'none'})")
    return pdfs


def scrub_pdf_metadata(pdf_path: Path, title: str) -> None:
    """Rewrite a PDF's document information with generic values only."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pdf_path))
    writer.metadata = None
    writer.add_metadata({"/Title": title, "/Producer": "traffickingrelief (LibreOffice)"})
    with open(pdf_path, "wb") as fh:
        writer.write(fh)
