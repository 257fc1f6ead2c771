"""Scaffold a NEW draft family's DOCX templates: python tools/make_templates.py FOLDER

The committed templates (templates/<family>/*.docx) are the source of truth, edited in Word by
clinics; this script is not a check on them. It writes a starter set with the house styles into a
folder given on the command line and never overwrites a file that exists, so a new family starts
from court-paper structure rather than a blank document. The record-relief templates were first
made with it.

What a starter template carries (keep these names when editing in Word; layout.py relies on them):
- styles: Normal (body; the forum's spacing is applied to it), "Court Name", "Caption Text" (caption
  table), "Heading 1" (document title) and "Heading 2" (section headings), both keep-with-next,
  "Body Text", "Numbered Paragraph", "Prayer Item", "Order Item", "Checklist Item" (each tied to a
  Word numbering definition: no hand-typed numbers), "Table Text", "Signature Block" and
  "Signature Line" (the line to sign on, with room above it; both keep-with-next, keep-lines-together);
- a caption table, a header with the draft notice, a footer with "Page X of Y" as PAGE/NUMPAGES fields.
Tags follow docxtpl: {{r x }} for inline rich text supplied by the code, {%p %} for paragraph loops
and conditions, {%tr %} for table rows.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt, RGBColor

FONT = "Times New Roman"

# name -> (format, text, indent left twips, hanging twips, symbol font); each list its own definition,
# so the order's recitals and its decretal paragraphs are both numbered from 1.
LISTS = {
    "Numbered Paragraph": ("decimal", "%1.", 0, -720, None),
    "Prayer Item": ("decimal", "(%1)", 1440, 720, None),
    "Order Item": ("decimal", "%1.", 0, -720, None),
    "Checklist Item": ("bullet", "\u2610", 360, 360, "Segoe UI Symbol"),
}


def _numbering(doc: Document) -> dict[str, int]:
    """Add one abstract numbering definition and one instance per list style; returns style -> numId."""
    numbering = doc.part.numbering_part.element
    next_abstract = 1 + max(int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum")))
    next_num = 1 + max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num")))
    first_num = numbering.find(qn("w:num"))
    ids = {}
    for offset, (style, (fmt, text, left, hanging, font)) in enumerate(LISTS.items()):
        abstract_id, num_id = next_abstract + offset, next_num + offset
        # Negative hanging = first-line indent: the number sits half an inch in, text follows at a tab.
        indent = (f'<w:ind w:left="{left}" w:hanging="{hanging}"/>' if hanging >= 0
                  else f'<w:ind w:left="{left}" w:firstLine="{-hanging}"/>')
        rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}"/></w:rPr>' if font else ""
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="singleLevel"/><w:name w:val="{style}"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:pStyle w:val="{_style_id(style)}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr>{indent}</w:pPr>{rpr}</w:lvl>'
            f'</w:abstractNum>')
        first_num.addprevious(abstract)
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'))
        ids[style] = num_id
    return ids


def _style_id(name: str) -> str:
    return name.replace(" ", "")


def _paragraph_style(doc, name: str, base: str = "Normal", *, single: bool = False, center: bool = False,
                     bold: bool = False, keep_next: bool = False, keep_lines: bool = False, after: float = 0,
                     before: float = 0, num_id: int | None = None):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base] if name != base else None
    style.quick_style = True
    rpr = style.element.rPr
    if rpr is not None:  # built-in headings carry theme fonts, colours and sizes: court papers use none
        style.element.remove(rpr)
    style.font.bold = bold or None
    style.font.color.rgb = RGBColor(0, 0, 0) if name.startswith("Heading") else None
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if single:
        fmt.line_spacing = 1.0
    if center:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.keep_with_next = keep_next or None
    fmt.keep_together = keep_lines or None
    if num_id is not None:
        num_pr = parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')
        ppr = style.element.get_or_add_pPr()
        ppr.append(num_pr)
        _reorder_ppr(ppr)
    return style


# pPr children in schema order (the ones these templates use).
_PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
              "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
              "w:spacing", "w:ind", "w:contextualSpacing", "w:jc", "w:outlineLvl", "w:rPr")


def _reorder_ppr(ppr) -> None:
    rank = {qn(t): i for i, t in enumerate(_PPR_ORDER)}
    children = sorted(ppr, key=lambda e: rank.get(e.tag, len(rank)))
    for child in children:
        ppr.append(child)


def _base() -> tuple[Document, dict[str, int]]:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    rfonts = normal.element.rPr.rFonts
    for attr in ("w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)
    normal.paragraph_format.line_spacing = 2.0
    normal.paragraph_format.space_after = Pt(0)
    ids = _numbering(doc)
    _paragraph_style(doc, "Court Name", single=True, center=True, bold=True, after=12)
    _paragraph_style(doc, "Caption Text", single=True)
    _paragraph_style(doc, "Heading 1", center=True, bold=True, keep_next=True, before=12, after=12)
    _paragraph_style(doc, "Heading 2", bold=True, keep_next=True, before=6)
    _paragraph_style(doc, "Body Text")
    for name in ("Numbered Paragraph", "Prayer Item", "Order Item"):
        _paragraph_style(doc, name, num_id=ids[name])
    _paragraph_style(doc, "Checklist Item", single=True, after=6, num_id=ids["Checklist Item"])
    _paragraph_style(doc, "Table Text", single=True)
    _paragraph_style(doc, "Signature Block", single=True, keep_next=True, keep_lines=True)
    _paragraph_style(doc, "Signature Line", "Signature Block", single=True, keep_next=True, keep_lines=True, before=24)
    for section in doc.sections:
        section.page_width, section.page_height = Inches(8.5), Inches(11)
        section.left_margin = section.right_margin = Inches(1)
        section.top_margin = section.bottom_margin = Inches(1)
        section.header_distance = section.footer_distance = Inches(0.5)
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run("{{ draft_notice }}")
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        _page_number_footer(section.footer.paragraphs[0])
    props = doc.core_properties
    props.author = props.last_modified_by = props.comments = props.keywords = props.subject = ""
    props.title = "traffickingrelief template"
    props.revision = 1
    return doc, ids


def _field(paragraph, instruction: str) -> None:
    """A real Word field (PAGE, NUMPAGES): begin, instruction, separate, placeholder result, end."""
    w = nsdecls("w")
    for xml in (f'<w:fldChar {w} w:fldCharType="begin"/>',
                f'<w:instrText {w} xml:space="preserve"> {instruction} </w:instrText>',
                f'<w:fldChar {w} w:fldCharType="separate"/>', f'<w:t {w}>1</w:t>', f'<w:fldChar {w} w:fldCharType="end"/>'):
        paragraph.add_run()._r.append(parse_xml(xml))


def _page_number_footer(paragraph) -> None:
    paragraph.style = "Footer"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")


def _para(doc, text: str = "", style: str = "Body Text", bold: bool = False):
    p = doc.add_paragraph(style=style)
    if text:
        p.add_run(text).bold = bold or None
    return p


def _borders(cell, **sides: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            edge = OxmlElement(f"w:{side}")
            for attr, value in (("w:val", sides[side]), ("w:sz", "6"), ("w:space", "0"), ("w:color", "auto")):
                edge.set(qn(attr), value)
            borders.append(edge)
    tc_pr.append(borders)


def _caption(doc) -> None:
    _para(doc, "{{r court }}", style="Court Name")
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Inches(3.5), Inches(3.0)
    _borders(left, right="single", bottom="single")
    left.paragraphs[0].style = right.paragraphs[0].style = "Caption Text"
    left.paragraphs[0].add_run("{{r prosecution }},")
    left.add_paragraph("v.", style="Caption Text").paragraph_format.left_indent = Inches(1)
    left.add_paragraph("{{r movant }},", style="Caption Text")
    left.add_paragraph("Defendant-Movant.", style="Caption Text").paragraph_format.left_indent = Inches(1)
    right.paragraphs[0].add_run("Case No. {{r case_numbers }}")
    right.paragraphs[0].paragraph_format.left_indent = Inches(0.2)
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    _para(doc)
    _para(doc, "{{r title }}", style="Heading 1")


def _loop(doc, items: str, line: str, style: str) -> None:
    _para(doc, "{%p for p in " + items + " %}")
    _para(doc, line, style=style)
    _para(doc, "{%p endfor %}")


def _signature(doc) -> None:
    _para(doc, "Dated: ____________________", style="Signature Block")
    _para(doc, "Respectfully submitted,", style="Signature Block")
    _para(doc, "______________________________", style="Signature Line")
    _para(doc, "{%p for line in signature %}")
    _para(doc, "{{r line }}", style="Signature Block")
    _para(doc, "{%p endfor %}")


def motion() -> Document:
    doc, _ = _base()
    _caption(doc)
    _loop(doc, "paragraphs", "{{r p }}", "Numbered Paragraph")
    _para(doc, "{%p if schedule %}")
    _para(doc, "Schedule of convictions and arrests", style="Heading 2")
    table = doc.add_table(rows=4, cols=5)
    table.style = "Table Grid"
    for row in table.rows:
        row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
        for cell in row.cells:
            cell.paragraphs[0].style = "Table Text"
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    for cell, head in zip(table.rows[0].cells, ("Case number", "Offence (statute)", "Date", "Disposition", "Sentence completed")):
        cell.paragraphs[0].add_run(head).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for row in schedule %}")
    for cell, key in zip(table.rows[2].cells, ("case_number", "offence", "date", "disposition", "sentence_completed")):
        cell.paragraphs[0].add_run("{{r row." + key + " }}")
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "WHEREFORE, Movant asks the Court to:")
    _loop(doc, "prayer", "{{r p }}", "Prayer Item")
    _signature(doc)
    return doc


def proposed_order() -> Document:
    doc, _ = _base()
    _caption(doc)
    _loop(doc, "paragraphs", "{{r p }}", "Numbered Paragraph")
    _para(doc, "IT IS ORDERED:", style="Heading 2")
    _loop(doc, "ordered", "{{r p }}", "Order Item")
    _loop(doc, "closing", "{{r p }}", "Body Text")
    _para(doc, "Dated: ____________________", style="Signature Block")
    _para(doc, "______________________________", style="Signature Line")
    _para(doc, "Judge", style="Signature Block")
    return doc


def declaration() -> Document:
    doc, _ = _base()
    _caption(doc)
    _para(doc, "I, {{r declarant }}, declare:")
    _loop(doc, "paragraphs", "{{r p }}", "Numbered Paragraph")
    _para(doc, "{{r attestation }}")
    _para(doc, "Date: ____________________   Place: ____________________", style="Signature Block")
    _para(doc, "______________________________", style="Signature Line")
    _para(doc, "{{r declarant }}", style="Signature Block")
    return doc


def certificate_of_service() -> Document:
    doc, _ = _base()
    _caption(doc)
    _loop(doc, "paragraphs", "{{r p }}", "Body Text")
    _signature(doc)
    return doc


def after_order_checklist() -> Document:
    doc, _ = _base()
    _para(doc, "AFTER THE ORDER: WHO TO NOTIFY", style="Heading 1")
    _para(doc, "{{r intro }}")
    _loop(doc, "items", "{{r p }}", "Checklist Item")
    return doc


BUILDERS = {
    "motion.docx": motion,
    "proposed_order.docx": proposed_order,
    "declaration.docx": declaration,
    "certificate_of_service.docx": certificate_of_service,
    "after_order_checklist.docx": after_order_checklist,
}


def main(out: Path) -> int:
    """Write the starter set into ``out``; refuse (exit 1) if any of the files already exists."""
    existing = [out / name for name in BUILDERS if (out / name).exists()]
    if existing:
        print("make_templates: not overwriting " + ", ".join(map(str, existing)), file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        build().save(out / name)
        print(out / name)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[0], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
