"""Court-paper layout: a forum's font, spacing, margins, paper, page numbers and pleading paper.

``apply(document, layout)`` changes a rendered python-docx ``Document`` in place. It runs after
docxtpl has rendered, not on the template, because one template per document kind serves every
forum and clinics edit those templates in Word: the layout is forum data (the forum profile's
``layout`` Fact), and applying it afterwards touches only styles, page geometry, headers and
footers, never wording. A clinic's letterhead and wording survive, and the templates need no layout
tags that Word would split or drop.

The layout lives in styles, as a Word user would set it: the Normal style carries the body spacing,
and the templates' single-spaced styles (caption, tables, signature block, header and footer) stay
single. Direct formatting a clinic adds to a paragraph wins, as it does in Word.

Pleading paper (Cal. Rules of Court, rule 2.108): lines one and one-half or double spaced and numbered
at the left margin, separated from the text by a vertical line, numbered from 1 on each page, at
least three per vertical inch. The numbers are a text box anchored to the page in the header (VML, so
Word and LibreOffice both place it; a ``w:framePr`` frame in a header is ignored by LibreOffice), one
number a line at the same exact pitch as every body line, so the numbers line up with the lines of
type; the bottom margin is set so that exactly ``pleading_lines`` lines fit on a page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any, Mapping

from docx.blkcntnr import BlockItemContainer
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt
from docx.text.paragraph import Paragraph

PAPER_SIZES_IN = {"letter": (8.5, 11.0), "legal": (8.5, 14.0), "a4": (8.27, 11.69)}
PAGE_NUMBER_POSITIONS = {"bottom_center": WD_ALIGN_PARAGRAPH.CENTER, "bottom_right": WD_ALIGN_PARAGRAPH.RIGHT}
MARGIN_SIDES = ("top", "bottom", "left", "right")

# Style names the templates use (tools/make_templates.py creates them; a clinic keeps them when editing).
SIGNATURE_STYLES = ("Signature Block", "Signature Line")  # the line to sign on has room above it
SINGLE_SPACED_STYLES = ("Court Name", "Caption Text", "Table Text", *SIGNATURE_STYLES, "Checklist Item",
                        "Header", "Footer")
HEADER_FOOTER_DISTANCE_IN = 0.5


@dataclass(frozen=True)
class Layout:
    """A forum's paper layout. ``from_rule`` is False when the values are the stated default."""

    font: str = "Times New Roman"
    size_pt: float = 12
    line_spacing: float = 2.0
    margins_in: Mapping[str, float] = field(default_factory=lambda: {side: 1.0 for side in MARGIN_SIDES})
    page_numbers: str | None = "bottom_center"
    pleading_lines: int | None = None
    paper: str = "letter"
    from_rule: bool = False

    def __post_init__(self):
        problems = []
        if not self.font:
            problems.append("font: empty")
        if not self.size_pt or self.size_pt <= 0:
            problems.append(f"size_pt: not a positive size ({self.size_pt!r})")
        if not self.line_spacing or self.line_spacing <= 0:
            problems.append(f"line_spacing: not a positive multiple ({self.line_spacing!r})")
        if self.paper not in PAPER_SIZES_IN:
            problems.append(f"paper: {self.paper!r} is not one of {', '.join(PAPER_SIZES_IN)}")
        if self.page_numbers is not None and self.page_numbers not in PAGE_NUMBER_POSITIONS:
            problems.append(f"page_numbers: {self.page_numbers!r} is not one of {', '.join(PAGE_NUMBER_POSITIONS)}")
        if self.pleading_lines is not None and self.pleading_lines <= 0:
            problems.append(f"pleading_lines: not a positive count ({self.pleading_lines!r})")
        unknown = set(self.margins_in) - set(MARGIN_SIDES)
        if unknown:
            problems.append(f"margins_in: unknown side(s) {', '.join(sorted(unknown))}")
        if problems:
            raise ValueError("layout: " + "; ".join(problems))

    def margin(self, side: str) -> float:
        value = self.margins_in.get(side)
        return 1.0 if value is None else float(value)

    @property
    def line_pitch_pt(self) -> float:
        """The height of one body line: font size times the spacing multiple (24 pt for 12 pt double)."""
        return self.size_pt * self.line_spacing

    @classmethod
    def from_dict(cls, value: Mapping[str, Any] | None, from_rule: bool = True) -> "Layout":
        """From a forum profile's ``layout`` value (docs: /work/coord/FORUM_PROFILE.md); None gives the default.

        A key that is missing or null takes the default's value.
        """
        if value is None:
            return DEFAULT_LAYOUT
        pleading = value.get("pleading_paper")
        known = {
            "font": value.get("font"),
            "size_pt": value.get("size_pt"),
            "line_spacing": value.get("line_spacing"),
            "margins_in": {**DEFAULT_LAYOUT.margins_in, **{k: v for k, v in (value.get("margins_in") or {}).items()
                                                            if v is not None}},
            "page_numbers": value.get("page_numbers", DEFAULT_LAYOUT.page_numbers),
            "pleading_lines": (pleading or {}).get("lines") if isinstance(pleading, Mapping) else pleading,
            "paper": value.get("paper"),
        }
        defaults = {k: getattr(DEFAULT_LAYOUT, k) for k in ("font", "size_pt", "line_spacing", "paper")}
        return cls(**{k: (defaults[k] if v is None and k in defaults else v) for k, v in known.items()},
                   from_rule=from_rule)


DEFAULT_LAYOUT = Layout()
"""Used when a forum's formatting rule is unknown: Times New Roman 12, double spaced, 1" margins,
page numbers at the bottom center, US letter. The assembly report says it is a default."""


def apply(document, layout: Layout) -> None:
    """Give a rendered document the forum's layout (fonts, spacing, page, page numbers, pleading paper,
    keep-together)."""
    apply_styles(document, layout)
    apply_pages(document, layout)


def apply_styles(document, layout: Layout) -> None:
    """The part of the layout that lives in the styles (fonts, spacing, keep-with-next of headings and
    signature blocks). It reads and writes nothing else, so a template's laid-out styles can be kept and
    reused for every document rendered from it with the same layout."""
    _fonts(document, layout)
    _spacing(document, layout)
    _keep_styles_together(document)


def apply_pages(document, layout: Layout, styles: StyleIndex | None = None) -> None:
    """The part of the layout that lives in the rendered text: page geometry, page numbers, pleading
    numbers, and keeping each signature block with what precedes it. Reads the styles (through ``styles``,
    an index of them that may be kept across documents), never changes them."""
    styles = StyleIndex(document) if styles is None else styles
    for section in document.sections:
        _page(section, layout)
        if layout.page_numbers:
            _page_numbers(document, section, PAGE_NUMBER_POSITIONS[layout.page_numbers], styles)
        if layout.pleading_lines:
            _pleading_numbers(document, section, layout)
    _keep_signatures_together(document, styles)


# ---------------------------------------------------------------------------------------------
# fonts and spacing

_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_font(rpr, font: str) -> None:
    """Name the font for every script (Latin, East Asian, complex script); theme fonts would win otherwise."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def _set_size(style, size_pt: float) -> None:
    """Size for Latin and complex-script text (w:sz and w:szCs, which follows it in the schema)."""
    style.font.size = Pt(size_pt)
    rpr = style.element.rPr
    for old in rpr.findall(qn("w:szCs")):
        rpr.remove(old)
    size_cs = OxmlElement("w:szCs")
    size_cs.set(qn("w:val"), str(round(size_pt * 2)))
    rpr.find(qn("w:sz")).addnext(size_cs)


def _fonts(document, layout: Layout) -> None:
    normal = document.styles["Normal"]
    _set_font(normal.element.get_or_add_rPr(), layout.font)
    _set_size(normal, layout.size_pt)
    # Document defaults too, so text outside any style (and East Asian/complex runs) gets the same face.
    default_rpr = document.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if default_rpr is not None:
        for child in list(default_rpr):
            if child.tag in (qn("w:rFonts"), qn("w:sz"), qn("w:szCs")):
                default_rpr.remove(child)
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), layout.font)
        default_rpr.insert(0, fonts)
        _insert_sizes_in_order(default_rpr, layout.size_pt)
    # Styles that take Word's theme fonts (the look of a blank Word document) get the forum's font;
    # a style naming a concrete font on purpose (a symbol font, a letterhead face) keeps it.
    for style in document.styles:
        rpr = style.element.rPr
        rfonts = None if rpr is None else rpr.rFonts
        if rfonts is not None and any(rfonts.get(qn(a)) for a in _THEME_FONT_ATTRS):
            _set_font(rpr, layout.font)


# Run-property children that come after w:sz/w:szCs in the schema (CT_RPr sequence).
_AFTER_SIZES = ("w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _insert_sizes_in_order(rpr, size_pt: float) -> None:
    later = [rpr.find(qn(tag)) for tag in _AFTER_SIZES]
    anchor = next((e for e in later if e is not None), None)
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(round(size_pt * 2)))
        if anchor is None:
            rpr.append(element)
        else:
            anchor.addprevious(element)


def _spacing(document, layout: Layout) -> None:
    """Body spacing on Normal; single-spaced styles stay single.

    On pleading paper every line of the body sits on the numbered grid: one exact pitch for every style
    (rule 2.108(1) wants the lines one and one-half or double spaced; a single-spaced caption would
    also shift every later line off its number) and no space before or after paragraphs. Headers and
    footers sit outside the grid and stay single.
    """
    pleading = bool(layout.pleading_lines)
    normal = document.styles["Normal"].paragraph_format
    if pleading:
        normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.line_spacing = Pt(layout.line_pitch_pt)
    else:
        normal.line_spacing = layout.line_spacing
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        fmt = style.paragraph_format
        outside_body = style.name in ("Header", "Footer")
        if pleading and not outside_body:
            if fmt.line_spacing is not None:
                fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                fmt.line_spacing = Pt(layout.line_pitch_pt)
            fmt.space_before = fmt.space_after = Pt(0)
        elif style.name in SINGLE_SPACED_STYLES:
            fmt.line_spacing = 1.0


# ---------------------------------------------------------------------------------------------
# page


def _page(section, layout: Layout) -> None:
    """Paper size and margins; on pleading paper the bottom margin makes exactly the numbered lines fit."""
    width, height = PAPER_SIZES_IN[layout.paper]
    section.page_width, section.page_height = Inches(width), Inches(height)
    top, bottom = layout.margin("top"), layout.margin("bottom")
    if layout.pleading_lines:
        bottom = height - top - layout.pleading_lines * layout.line_pitch_pt / 72
        if bottom < HEADER_FOOTER_DISTANCE_IN:
            raise ValueError(f"layout: {layout.pleading_lines} lines at {layout.line_pitch_pt:g} pt do not fit on "
                             f"{layout.paper} paper below a {top:g} in top margin")
    section.top_margin, section.bottom_margin = Inches(top), Inches(bottom)
    section.left_margin, section.right_margin = Inches(layout.margin("left")), Inches(layout.margin("right"))
    section.header_distance = Inches(min(HEADER_FOOTER_DISTANCE_IN, top / 2))
    section.footer_distance = Inches(min(HEADER_FOOTER_DISTANCE_IN, bottom / 2))


def _field_runs(paragraph, instruction: str) -> None:
    """A real Word field (begin, instruction, separate, placeholder result, end) the viewer computes."""
    w = nsdecls("w")
    for xml in (f'<w:fldChar {w} w:fldCharType="begin"/>',
                f'<w:instrText {w} xml:space="preserve"> {instruction} </w:instrText>',
                f'<w:fldChar {w} w:fldCharType="separate"/>', f'<w:t {w}>1</w:t>', f'<w:fldChar {w} w:fldCharType="end"/>'):
        paragraph.add_run()._r.append(parse_xml(xml))


def has_page_field(part_element) -> bool:
    """True when a header/footer holds a PAGE field (complex or simple)."""
    instructions = [t.text or "" for t in part_element.iter(qn("w:instrText"))]
    instructions += [f.get(qn("w:instr"), "") for f in part_element.iter(qn("w:fldSimple"))]
    return any(i.split()[:1] == ["PAGE"] for i in instructions)


def _story(document, section, kind: str):
    """The section's default header or footer as it will be saved.

    docxtpl swaps rendered headers and footers in as new parts behind python-docx's back, so
    ``section.header`` would still edit the unrendered copy; this reads the live part through the
    relationship, and falls back to python-docx (which creates the part) when there is none.
    """
    reference = section._sectPr.find(qn(f"w:{kind}Reference"))
    if reference is None or reference.get(qn("w:type"), "default") != "default":
        story = getattr(section, kind)
        story.is_linked_to_previous = False
        return story
    element = document.part.rels[reference.get(qn("r:id"))].target_part.element
    return BlockItemContainer(element, document._body)


def _add_styled_paragraph(story, style_name: str, styles: StyleIndex):
    paragraph = story.add_paragraph()
    style_id = styles.style_id(style_name)
    if style_id is not None:
        paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
    return paragraph


def _page_numbers(document, section, alignment, styles: StyleIndex) -> None:
    """'Page X of Y' in the footer unless the template's footer already numbers pages; either way aligned."""
    footer = _story(document, section, "footer")
    numbered = [p for p in footer.paragraphs if has_page_field(p._p)]
    if not numbered:
        paragraph = _add_styled_paragraph(footer, "Footer", styles)
        paragraph.add_run("Page ")
        _field_runs(paragraph, "PAGE")
        paragraph.add_run(" of ")
        _field_runs(paragraph, "NUMPAGES")
        numbered = [paragraph]
    for paragraph in numbered:
        paragraph.alignment = alignment


_VML_NS = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'


def _pleading_numbers(document, section, layout: Layout) -> None:
    """Numbers 1..N in a page-anchored text box in the header, left of the text, with a double rule."""
    pitch_pt = layout.line_pitch_pt
    width_pt, gap_pt = 30.0, 8.0
    left_pt = max(section.left_margin.pt - width_pt - gap_pt, 0)
    top_pt = section.top_margin.pt
    height_pt = pitch_pt * layout.pleading_lines
    font = escape(layout.font, quote=True)
    pitch_twips = round(pitch_pt * 20)
    lines = "".join(
        f'<w:p><w:pPr><w:pBdr><w:right w:val="double" w:sz="4" w:space="4" w:color="auto"/></w:pBdr>'
        f'<w:spacing w:before="0" w:after="0" w:line="{pitch_twips}" w:lineRule="exact"/><w:jc w:val="right"/></w:pPr>'
        f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'
        f'<w:sz w:val="{round(layout.size_pt * 2)}"/></w:rPr><w:t>{number}</w:t></w:r></w:p>'
        for number in range(1, layout.pleading_lines + 1))
    style = (f"position:absolute;margin-left:{left_pt:g}pt;margin-top:{top_pt:g}pt;width:{width_pt:g}pt;"
             f"height:{height_pt:g}pt;z-index:-251658240;mso-position-horizontal-relative:page;"
             f"mso-position-vertical-relative:page")
    box = parse_xml(
        f'<w:p {nsdecls("w")} {_VML_NS}><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr>'
        f'<w:r><w:pict><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        f'<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f'<v:shape id="PleadingLineNumbers" o:spid="_x0000_s1025" type="#_x0000_t202" style="{style}" '
        f'filled="f" stroked="f"><v:textbox inset="0,0,0,0"><w:txbxContent>{lines}</w:txbxContent></v:textbox>'
        f'</v:shape></w:pict></w:r></w:p>')
    _story(document, section, "header")._element.append(box)


# ---------------------------------------------------------------------------------------------
# keep-together


def _is_heading(style) -> bool:
    return style.type == WD_STYLE_TYPE.PARAGRAPH and (style.name.startswith("Heading") or style.name == "Title")


def _keep_styles_together(document) -> None:
    """Headings stay with what follows; a signature block stays whole."""
    for style in document.styles:
        if _is_heading(style):
            style.paragraph_format.keep_with_next = True
    for style in document.styles:
        if style.name in SIGNATURE_STYLES:
            style.paragraph_format.keep_with_next = style.paragraph_format.keep_together = True


class StyleIndex:
    """The style facts the page layout asks for, read once: python-docx walks every style of the styles part for
    each lookup, and Word's default set has hundreds. Valid while the styles' names and ids do not change
    (the layout changes formatting only), so a template's index serves every document made from it."""

    def __init__(self, document):
        self._styles = document.styles
        default = self._styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._default_name = None if default is None else default.name
        self.names: set[str] = set()
        self._paragraph_names: dict[str, str | None] = {}
        for style in self._styles:  # the first style with an id is the one the id means
            self.names.add(style.name)
            self._paragraph_names.setdefault(
                style.style_id, style.name if style.type == WD_STYLE_TYPE.PARAGRAPH else self._default_name)
        self._ids: dict[str, str] = {}

    def paragraph_style_name(self, p) -> str | None:
        """``Paragraph(p).style.name`` as python-docx gives it: an unknown or non-paragraph style id, or none,
        means the default paragraph style."""
        style_id = p.style  # CT_P.style: the pStyle value, or None
        return self._default_name if style_id is None else self._paragraph_names.get(style_id, self._default_name)

    def style_id(self, name: str) -> str | None:
        """The id of the style with this (UI) name, or None when the document has none."""
        if name not in self.names:
            return None
        if name not in self._ids:
            self._ids[name] = self._styles[name].style_id
        return self._ids[name]


def _keep_signatures_together(document, styles: StyleIndex) -> None:
    """A signature block stays with the paragraph before it (and its blank lines), and does not chain onward."""
    style_name = styles.paragraph_style_name
    body = [Paragraph(p, document._body) if p.tag == qn("w:p") else None for p in document.element.body.iterchildren()
            if p.tag in (qn("w:p"), qn("w:tbl"))]
    is_signature = [p is not None and style_name(p._p) in SIGNATURE_STYLES for p in body]
    for i, paragraph in enumerate(body):
        if not is_signature[i]:
            continue
        if i == 0 or not is_signature[i - 1]:
            j = i - 1
            while j >= 0 and body[j] is not None and not is_signature[j]:
                body[j].paragraph_format.keep_with_next = True
                if body[j].text.strip():
                    break
                j -= 1
        if i + 1 == len(body) or not is_signature[i + 1]:
            paragraph.paragraph_format.keep_with_next = False  # the block ends here: no chain onward
