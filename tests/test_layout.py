"""Court-paper layout: open the DOCX and the PDF we produce and check what a clerk would see."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from pypdf import PdfReader

from docassemble.traffickingrelief import layout
from docassemble.traffickingrelief.layout import DEFAULT_LAYOUT, SIGNATURE_STYLES, Layout
from docassemble.traffickingrelief.family import select
from docassemble.traffickingrelief.rendering import convert_to_pdf, jinja_environment
from docassemble.traffickingrelief.screening import screen
from tests.conftest import TODAY, case_of, minimal_case

# The shape of a forum profile's layout value (California: Cal. Rules of Court, rules 2.104-2.111).
PLEADING = Layout.from_dict({"font": "Times New Roman", "size_pt": 12, "line_spacing": 2.0,
                             "margins_in": {"top": 1.0, "bottom": 1.0, "left": 1.0, "right": 0.5},
                             "page_numbers": "bottom_center", "pleading_paper": {"lines": 28}, "paper": "letter"})


def _drafts(**conviction):
    case = case_of(minimal_case(**conviction))
    [family] = select(["record_relief"])
    return {d.kind: d for d in family.build(case, screen(case, TODAY, ["record_relief"]), final=False)}


def _render(draft, paper: Layout, out: Path) -> Path:
    """What render_docx does, with the layout applied to docxtpl's rendered document before saving."""
    template = DocxTemplate(draft.template)
    template.render(draft.context, jinja_environment(), autoescape=True)
    layout.apply(template.docx, paper)
    template.save(out)
    return out


@pytest.fixture(scope="module")
def drafts():
    return _drafts()


def _effective(paragraph, getter):
    """A paragraph property as Word resolves it: the paragraph's own, else its style chain's."""
    value = getter(paragraph.paragraph_format)
    style = paragraph.style
    while value is None and style is not None:
        value = getter(style.paragraph_format)
        style = style.base_style
    return value


def _keep_with_next(paragraph) -> bool:
    return bool(_effective(paragraph, lambda f: f.keep_with_next))


# ---------------------------------------------------------------------------------------------
# the Layout value


def test_layout_from_a_profile_value_and_the_stated_default():
    assert PLEADING.pleading_lines == 28 and PLEADING.margin("right") == 0.5 and PLEADING.from_rule
    assert Layout.from_dict(None) is DEFAULT_LAYOUT and not DEFAULT_LAYOUT.from_rule
    partial = Layout.from_dict({"font": None, "line_spacing": 1.5, "margins_in": {"left": 1.5}}, from_rule=True)
    assert (partial.font, partial.line_spacing, partial.margin("left"), partial.margin("top")) == ("Times New Roman", 1.5, 1.5, 1.0)


@pytest.mark.parametrize("field, value, message", [
    ("paper", "tabloid", "paper: 'tabloid'"),
    ("page_numbers", "top_left", "page_numbers: 'top_left'"),
    ("size_pt", 0, "size_pt"),
    ("margins_in", {"inside": 1.0}, "margins_in: unknown side(s) inside"),
])
def test_a_bad_layout_value_is_named(field, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Layout(**{field: value})


# ---------------------------------------------------------------------------------------------
# the DOCX


def test_docx_fonts_spacing_page_and_page_number_fields(tmp_path, drafts):
    paper = Layout(font="Times New Roman", size_pt=12, line_spacing=1.5,
                   margins_in={"top": 1.0, "bottom": 1.0, "left": 1.25, "right": 1.0},
                   page_numbers="bottom_right", paper="legal", from_rule=True)
    doc = Document(str(_render(drafts["motion"], paper, tmp_path / "motion.docx")))

    normal = doc.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    assert [fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")] == ["Times New Roman"] * 4
    assert normal.font.size.pt == 12 and normal.element.rPr.find(qn("w:szCs")).get(qn("w:val")) == "24"
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert defaults.get(qn("w:eastAsia")) == "Times New Roman" and defaults.get(qn("w:asciiTheme")) is None

    numbered = [p for p in doc.paragraphs if p.style.name == "Numbered Paragraph"]
    assert len(numbered) >= 3
    assert {_effective(p, lambda f: f.line_spacing) for p in numbered} == {1.5}
    signature = [p for p in doc.paragraphs if p.style.name in SIGNATURE_STYLES]
    assert {_effective(p, lambda f: f.line_spacing) for p in signature} == {1.0}  # blocks stay single

    section = doc.sections[0]
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 14.0)
    assert (section.left_margin.inches, section.right_margin.inches, section.top_margin.inches) == (1.25, 1.0, 1.0)
    footer = section.footer._element
    instructions = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    page_paragraph = next(p for p in section.footer.paragraphs if layout.has_page_field(p._p))
    assert page_paragraph.alignment == 2  # right


def test_docx_numbering_comes_from_word_not_typed_digits(tmp_path, drafts):
    doc = Document(str(_render(drafts["proposed_order"], DEFAULT_LAYOUT, tmp_path / "order.docx")))
    numbering = doc.part.numbering_part.element
    for style_name in ("Numbered Paragraph", "Order Item"):
        paragraphs = [p for p in doc.paragraphs if p.style.name == style_name]
        assert paragraphs, style_name
        assert not any(re.match(r"\s*\(?\d+[.)]", p.text) for p in paragraphs)
        num_id = doc.styles[style_name].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
        num = next(n for n in numbering.iterchildren(qn("w:num")) if n.get(qn("w:numId")) == num_id)
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = next(a for a in numbering.iterchildren(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
        assert abstract.find(f"{qn('w:lvl')}/{qn('w:numFmt')}").get(qn("w:val")) == "decimal"
    # The recitals and the decretal paragraphs are separate lists, so both start at 1.
    ids = {doc.styles[s].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
           for s in ("Numbered Paragraph", "Order Item")}
    assert len(ids) == 2


@pytest.mark.parametrize("kind", ["motion", "certificate_of_service", "proposed_order", "declaration"])
def test_signature_block_keeps_with_the_paragraph_before_it_and_headings_with_what_follows(tmp_path, drafts, kind):
    doc = Document(str(_render(drafts[kind], DEFAULT_LAYOUT, tmp_path / f"{kind}.docx")))
    paragraphs = doc.paragraphs
    first = next(i for i, p in enumerate(paragraphs) if p.style.name in SIGNATURE_STYLES)
    before = paragraphs[first - 1]
    assert before.text.strip() and before.style.name not in SIGNATURE_STYLES
    assert _keep_with_next(before), (kind, before.text)
    block = [p for p in paragraphs[first:] if p.style.name in SIGNATURE_STYLES]
    assert all(_keep_with_next(p) for p in block[:-1]) and not _keep_with_next(block[-1])
    assert all(_effective(p, lambda f: f.keep_together) for p in block)
    headings = [p for p in paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(_keep_with_next(p) for p in headings)


def test_pleading_paper_has_28_numbered_lines_on_an_exact_grid(tmp_path, drafts):
    doc = Document(str(_render(drafts["motion"], PLEADING, tmp_path / "motion.docx")))
    section = doc.sections[0]
    box = section.header._element.find(".//" + qn("w:txbxContent"))
    assert box is not None
    numbers = ["".join(t.text for t in p.iter(qn("w:t"))) for p in box.iter(qn("w:p"))]
    assert numbers == [str(n) for n in range(1, 29)]
    assert all(p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:right')}") is not None for p in box.iter(qn("w:p")))
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY and normal.line_spacing.pt == 24
    body_height_pt = section.page_height.pt - section.top_margin.pt - section.bottom_margin.pt
    assert abs(body_height_pt - 28 * 24) < 0.5
    assert section.left_margin.inches == 1.0 and section.right_margin.inches == 0.5


# ---------------------------------------------------------------------------------------------
# the PDF


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, drafts):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required for the PDF tests (./dev installs it)"  # fail, never skip
    out = tmp_path_factory.mktemp("pdf")
    docx = [_render(drafts["motion"], DEFAULT_LAYOUT, out / "motion-plain.docx"),
            _render(drafts["motion"], PLEADING, out / "motion-pleading.docx"),
            _render(drafts["declaration"], DEFAULT_LAYOUT, out / "declaration-plain.docx")]
    return {p.stem: p for p in convert_to_pdf(docx, out, soffice)}


def _font_dicts(page):
    fonts = (page.get("/Resources") or {}).get("/Font") or {}
    for ref in fonts.values():
        font = ref.get_object()
        yield font
        for descendant in font.get("/DescendantFonts") or []:
            yield descendant.get_object()


def test_pdf_fonts_are_embedded_and_times_is_liberation_serif(pdfs):
    for name, pdf in pdfs.items():
        names = set()
        for page in PdfReader(pdf).pages:
            for font in _font_dicts(page):
                if font.get("/Subtype") == "/Type0":
                    continue  # composite: its descendant carries the descriptor
                descriptor = font["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (name, font["/BaseFont"])
                names.add(str(font["/BaseFont"]).split("+")[-1])
        assert names and all(n.startswith("LiberationSerif") for n in names), (name, names)


def _pdftotext(pdf: Path, page: int | None = None, *options: str) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *options, *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_pdf_page_count_and_page_x_of_y(pdfs):
    for name, pdf in pdfs.items():
        count = len(PdfReader(pdf).pages)
        assert count >= 1
        for page in range(1, count + 1):
            assert f"Page {page} of {count}" in _pdftotext(pdf, page), (name, page)
    assert len(PdfReader(pdfs["motion-plain"]).pages) >= 2  # double-spaced motion runs over a page


def test_pdf_signature_never_alone_on_a_page(pdfs):
    pdf = pdfs["motion-plain"]
    reader = PdfReader(pdf)
    page = next(n for n in range(1, len(reader.pages) + 1) if "Respectfully submitted," in _pdftotext(pdf, n))
    text = " ".join(_pdftotext(pdf, page).split())
    assert "grant any other relief the Court finds just." in text  # the last prayer item shares its page


def test_pdf_pleading_line_numbers_sit_on_a_24_point_grid_left_of_the_text(pdfs):
    pdf = pdfs["motion-pleading"]
    pages = len(PdfReader(pdf).pages)
    for page in range(1, pages + 1):
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                           _pdftotext(pdf, page, "-bbox"))
        margin_numbers = {int(w): (float(y0), float(x1)) for x0, y0, x1, y1, w in words if w.isdigit() and float(x1) < 72}
        assert sorted(margin_numbers) == list(range(1, 29)), page
        tops = [margin_numbers[n][0] for n in range(1, 29)]
        assert all(abs((b - a) - 24) < 0.6 for a, b in zip(tops, tops[1:])), page
        assert abs(tops[0] - 72) < 24  # line 1 is at the top margin
        # Every line of the body, caption included, starts on the numbers' grid.
        body_tops = {round(float(y0), 1) for x0, y0, x1, y1, w in words
                     if float(x0) > 100 and tops[0] - 2 < float(y0) < tops[-1] + 2}  # the body, not the footer
        off_grid = [t for t in body_tops if min(abs(t - g) for g in tops) > 1.5]
        assert not off_grid, (page, off_grid[:5])


def test_a_document_without_page_numbers_or_house_styles_gets_them(tmp_path):
    """A clinic's own template may lack the footer field and the styles: layout still numbers pages."""
    doc = Document()
    doc.add_paragraph("Body text of a clinic's own template.")
    layout.apply(doc, PLEADING)
    doc.save(str(tmp_path / "plain.docx"))
    reopened = Document(str(tmp_path / "plain.docx"))
    footer = reopened.sections[0].footer
    assert [t.text.strip() for t in footer._element.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]
    assert "".join(t.text for t in footer._element.iter(qn("w:t"))) == "Page 1 of 1"
    assert reopened.sections[0].header._element.find(".//" + qn("w:txbxContent")) is not None


def test_pleading_lines_that_do_not_fit_the_paper_are_refused():
    with pytest.raises(ValueError, match="40 lines at 24 pt do not fit on letter paper"):
        layout.apply(Document(), Layout(pleading_lines=40))


def test_every_forum_profile_layout_applies_and_california_is_pleading_paper():
    from docassemble.traffickingrelief.forums import load_all_forums, load_forum

    for code, profile in sorted(load_all_forums().items()):
        paper = profile.layout()
        layout.apply(Document(), paper)  # raises on a layout that cannot be set
        assert paper.from_rule or paper == DEFAULT_LAYOUT, code
    california = load_forum("CA").layout()
    assert (california.pleading_lines, california.line_spacing, california.font) == (28, 2.0, "Times New Roman")
    assert california == PLEADING
