"""Regenerate the starter DOCX templates in templates/ (run: python tools/make_templates.py).

The DOCX files are the templates clinics edit in Word; this script is their reviewable source, so a
change to layout or tags shows up in a diff. tests/test_templates.py checks the committed files
still match it. Tags follow docxtpl: {{r x }} for inline rich text supplied by the code,
{%p %} for paragraph loops and conditions, {%tr %} for table rows.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Inches, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "templates" / "record_relief"


def _base() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    for section in doc.sections:
        section.left_margin = section.right_margin = Inches(1)
        section.top_margin = section.bottom_margin = Inches(1)
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run("{{ draft_notice }}")
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    props = doc.core_properties
    props.author = props.last_modified_by = props.comments = props.keywords = props.subject = ""
    props.title = "traffickingrelief template"
    props.revision = 1
    return doc


def _para(doc, text: str = "", bold: bool = False, center: bool = False, space_after: int = 6):
    p = doc.add_paragraph()
    if text:
        p.add_run(text).bold = bold
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(space_after)
    return p


def _caption(doc) -> None:
    _para(doc, "{{r court }}", bold=True, center=True, space_after=12)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("{{r prosecution }},")
    left.add_paragraph("v.").paragraph_format.left_indent = Inches(1)
    left.add_paragraph("{{r movant }},")
    left.add_paragraph("Defendant-Movant.").paragraph_format.left_indent = Inches(1)
    right.paragraphs[0].add_run("Case No. {{r case_numbers }}")
    _para(doc)
    _para(doc, "{{r title }}", bold=True, center=True, space_after=12)


def _loop(doc, items: str, line: str) -> None:
    _para(doc, "{%p for p in " + items + " %}")
    _para(doc, line)
    _para(doc, "{%p endfor %}")


def _signature(doc) -> None:
    _para(doc, "Dated: ____________________")
    _para(doc, "Respectfully submitted,")
    _para(doc, "______________________________", space_after=0)
    _para(doc, "{%p for line in signature %}")
    _para(doc, "{{r line }}", space_after=0)
    _para(doc, "{%p endfor %}")


def motion() -> Document:
    doc = _base()
    _caption(doc)
    _loop(doc, "paragraphs", "{{ loop.index }}. {{r p }}")
    _para(doc, "{%p if schedule %}")
    _para(doc, "Schedule of convictions and arrests", bold=True)
    table = doc.add_table(rows=4, cols=5)
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, ("Case number", "Offence (statute)", "Date", "Disposition", "Sentence completed")):
        cell.paragraphs[0].add_run(head).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for row in schedule %}")
    for cell, key in zip(table.rows[2].cells, ("case_number", "offence", "date", "disposition", "sentence_completed")):
        cell.paragraphs[0].add_run("{{r row." + key + " }}")
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "WHEREFORE, Movant asks the Court to:")
    _loop(doc, "prayer", "({{ loop.index }}) {{r p }}")
    _signature(doc)
    return doc


def proposed_order() -> Document:
    doc = _base()
    _caption(doc)
    _loop(doc, "paragraphs", "{{ loop.index }}. {{r p }}")
    _para(doc, "IT IS ORDERED:", bold=True)
    _loop(doc, "ordered", "{{ loop.index }}. {{r p }}")
    _loop(doc, "closing", "{{r p }}")
    _para(doc, "Dated: ____________________")
    _para(doc, "______________________________", space_after=0)
    _para(doc, "Judge")
    return doc


def declaration() -> Document:
    doc = _base()
    _caption(doc)
    _para(doc, "I, {{r declarant }}, declare:")
    _loop(doc, "paragraphs", "{{ loop.index }}. {{r p }}")
    _para(doc, "{{r attestation }}")
    _para(doc, "Date: ____________________   Place: ____________________")
    _para(doc, "______________________________", space_after=0)
    _para(doc, "{{r declarant }}")
    return doc


def certificate_of_service() -> Document:
    doc = _base()
    _caption(doc)
    _loop(doc, "paragraphs", "{{r p }}")
    _signature(doc)
    return doc


def after_order_checklist() -> Document:
    doc = _base()
    _para(doc, "AFTER THE ORDER: WHO TO NOTIFY", bold=True, center=True, space_after=12)
    _para(doc, "{{r intro }}")
    _loop(doc, "items", "\u2610 {{r p }}")
    return doc


BUILDERS = {
    "motion.docx": motion,
    "proposed_order.docx": proposed_order,
    "declaration.docx": declaration,
    "certificate_of_service.docx": certificate_of_service,
    "after_order_checklist.docx": after_order_checklist,
}


def main(out: Path = OUT) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        build().save(out / name)
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
