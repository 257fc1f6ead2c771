"""Render once, fill many: a template compiled once gives, byte for byte, what a fresh docxtpl render gave.

The reference below (with the layout functions this change rewrote, copied as they were) is the rendering
as it was before templates were compiled once (a fresh DocxTemplate
per document, the whole layout applied in its original order, python-docx's own save). With the clock
fixed, the ZIP files must be identical to the last byte, for every template of every family, with the
forum's layout, with pleading paper and with none, filled repeatedly and in between other templates.
"""
from __future__ import annotations

import threading
import time
import zipfile
from pathlib import Path

import jinja2
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate

from docassemble.traffickingrelief import layout as layout_module
from bench.cases import all_families_case
from docassemble.traffickingrelief import load_case, parse_case, registered_families, screen
from docassemble.traffickingrelief.errors import AssemblyError
from docassemble.traffickingrelief.layout import Layout
from docassemble.traffickingrelief.rendering import (CompiledTemplate, compiled_template, jinja_environment, render_docx,
                                                     scrub_metadata)
from docassemble.traffickingrelief.resources import EXAMPLES_DIR
from tests.conftest import TODAY

PLEADING = Layout.from_dict({"font": "Times New Roman", "size_pt": 12, "line_spacing": 2.0,
                             "margins_in": {"top": 1.0, "bottom": 1.0, "left": 1.0, "right": 0.5},
                             "page_numbers": "bottom_center", "pleading_paper": {"lines": 28}, "paper": "letter"})


def _old_keep_together(document) -> None:
    """layout._keep_together as it was (a python-docx style lookup per paragraph)."""
    for style in document.styles:
        if layout_module._is_heading(style):
            style.paragraph_format.keep_with_next = True
    for style in document.styles:
        if style.name in layout_module.SIGNATURE_STYLES:
            style.paragraph_format.keep_with_next = style.paragraph_format.keep_together = True
    body = [Paragraph(p, document._body) if p.tag == qn("w:p") else None for p in document.element.body.iterchildren()
            if p.tag in (qn("w:p"), qn("w:tbl"))]
    is_signature = [p is not None and p.style is not None and p.style.name in layout_module.SIGNATURE_STYLES
                    for p in body]
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
            paragraph.paragraph_format.keep_with_next = False


def _old_add_styled_paragraph(document, story, style_name: str):
    paragraph = story.add_paragraph()
    if style_name in {s.name for s in document.styles}:
        paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = document.styles[style_name].style_id
    return paragraph


def _old_page_numbers(document, section, alignment) -> None:
    footer = layout_module._story(document, section, "footer")
    numbered = [p for p in footer.paragraphs if layout_module.has_page_field(p._p)]
    if not numbered:
        paragraph = _old_add_styled_paragraph(document, footer, "Footer")
        paragraph.add_run("Page ")
        layout_module._field_runs(paragraph, "PAGE")
        paragraph.add_run(" of ")
        layout_module._field_runs(paragraph, "NUMPAGES")
        numbered = [paragraph]
    for paragraph in numbered:
        paragraph.alignment = alignment


def _old_apply(document, layout: Layout) -> None:
    layout_module._fonts(document, layout)
    layout_module._spacing(document, layout)
    for section in document.sections:
        layout_module._page(section, layout)
        if layout.page_numbers:
            _old_page_numbers(document, section, layout_module.PAGE_NUMBER_POSITIONS[layout.page_numbers])
        if layout.pleading_lines:
            layout_module._pleading_numbers(document, section, layout)
    _old_keep_together(document)


def reference_render(template: Path, context: dict, out_path: Path, title: str, layout: Layout | None) -> Path:
    doc = DocxTemplate(template)
    doc.render(context, jinja_environment(), autoescape=True)
    if layout is not None:
        _old_apply(doc.docx, layout)
    scrub_metadata(doc.docx.core_properties, title)
    doc.save(out_path)
    return out_path


@pytest.fixture
def fixed_clock(monkeypatch):
    """ZIP members carry the time of writing; with the clock fixed two renders can be compared byte for byte."""
    monkeypatch.setattr(time, "time", lambda: 1_790_000_000.0)


@pytest.fixture(scope="module")
def drafts():
    """One draft per template, from the bundled example and a case that every family drafts for."""
    out = {}
    for case in (load_case(EXAMPLES_DIR / "example_case.yml"), parse_case(all_families_case())):
        results = screen(case, TODAY)
        for family in registered_families():
            for draft in family.build(case, [r for r in results if r.family == family.name], final=False):
                out.setdefault(draft.template, draft)
    assert {t.parent.name for t in out} == {f.name for f in registered_families()}
    return list(out.values())


def test_every_template_filled_repeatedly_is_byte_identical_to_a_fresh_docxtpl_render(drafts, tmp_path, fixed_clock):
    compared = 0
    for round_ in range(2):  # the second round fills templates already compiled and laid out
        for i, draft in enumerate(drafts):
            for layout in (draft.layout, PLEADING, None):
                expected = reference_render(draft.template, draft.context, tmp_path / "expected.docx", draft.title, layout)
                ours = render_docx(draft.template, draft.context, tmp_path / f"ours-{round_}-{i}.docx", draft.title, layout)
                assert ours.read_bytes() == expected.read_bytes(), (draft.template.name, layout)
                compared += 1
    assert compared == 2 * 3 * len(drafts)


def test_the_same_fill_twice_gives_the_same_bytes(drafts, tmp_path, fixed_clock):
    draft = drafts[0]
    first = render_docx(draft.template, draft.context, tmp_path / "1.docx", draft.title, draft.layout).read_bytes()
    for other in drafts[1:4]:
        render_docx(other.template, other.context, tmp_path / "other.docx", other.title, PLEADING)
    assert render_docx(draft.template, draft.context, tmp_path / "2.docx", draft.title, draft.layout).read_bytes() == first


def test_each_template_is_compiled_once_and_again_after_it_is_edited(drafts, tmp_path):
    source = drafts[0].template
    copy = tmp_path / "templates" / "record_relief" / source.name
    copy.parent.mkdir(parents=True)
    copy.write_bytes(source.read_bytes())
    first = compiled_template(copy)
    assert compiled_template(copy) is first
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(tmp_path / "edited.docx", "w") as edited:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><w:r><w:t>Clinic letterhead line</w:t></w:r></w:p></w:body>")
            edited.writestr(item, data)
    copy.write_bytes((tmp_path / "edited.docx").read_bytes())
    assert compiled_template(copy) is not first
    out = render_docx(copy, drafts[0].context, tmp_path / "out.docx", "t", None)
    with zipfile.ZipFile(out) as archive:
        assert b"Clinic letterhead line" in archive.read("word/document.xml")


def test_a_failed_fill_names_the_template_and_leaves_the_next_fill_intact(drafts, tmp_path, fixed_clock):
    draft = drafts[0]
    broken = {k: v for k, v in draft.context.items() if k != sorted(draft.context)[0]}
    with pytest.raises(AssemblyError, match=f"template {draft.template.parent.name}/{draft.template.name} failed to render"):
        render_docx(draft.template, broken, tmp_path / "bad.docx", draft.title, draft.layout)
    ours = render_docx(draft.template, draft.context, tmp_path / "good.docx", draft.title, draft.layout)
    expected = reference_render(draft.template, draft.context, tmp_path / "expected.docx", draft.title, draft.layout)
    assert ours.read_bytes() == expected.read_bytes()


def test_fills_from_several_threads_take_turns(drafts, tmp_path, fixed_clock):
    draft = drafts[0]
    expected = reference_render(draft.template, draft.context, tmp_path / "expected.docx", draft.title, draft.layout)
    errors = []

    def fill(n):
        try:
            for k in range(3):
                out = render_docx(draft.template, draft.context, tmp_path / f"t{n}-{k}.docx", draft.title, draft.layout)
                assert out.read_bytes() == expected.read_bytes()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=fill, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_the_style_name_lookup_matches_python_docx(drafts):
    doc = DocxTemplate(drafts[0].template)
    doc.render(drafts[0].context, jinja2.Environment(autoescape=True, undefined=jinja2.Undefined), autoescape=True)
    document = doc.docx
    name_of = layout_module.StyleIndex(document).paragraph_style_name
    paragraphs = [Paragraph(p, document._body) for p in document.element.body.iter(qn("w:p"))]
    assert paragraphs
    for paragraph in paragraphs:
        assert name_of(paragraph._p) == paragraph.style.name
    # an id naming no style, and an id naming a character style, both mean the default paragraph style
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH).name
    character = next(s.style_id for s in document.styles if s.type == WD_STYLE_TYPE.CHARACTER)
    for style_id in ("NoSuchStyle", character):
        paragraphs[0]._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
        assert paragraphs[0].style.name == default == name_of(paragraphs[0]._p)


def test_a_template_without_a_footer_gets_its_page_numbers_the_same_way_every_time(drafts, tmp_path, fixed_clock):
    """The layout adds a footer part where a clinic's template has none; a later fill must not see the last one's."""
    draft = drafts[0]
    bare = tmp_path / "templates" / draft.template.parent.name / draft.template.name
    bare.parent.mkdir(parents=True)
    with zipfile.ZipFile(draft.template) as original, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as edited:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                start = data.index(b"<w:footerReference")
                data = data[:start] + data[data.index(b"/>", start) + 2:]
            edited.writestr(item, data)
    assert compiled_template(bare) is not None
    expected = reference_render(bare, draft.context, tmp_path / "expected.docx", draft.title, draft.layout)
    with zipfile.ZipFile(expected) as archive:
        assert sum(n.startswith("word/footer") for n in archive.namelist()) == 2  # the template's, and a new one
    for n in range(3):
        ours = render_docx(bare, draft.context, tmp_path / f"ours-{n}.docx", draft.title, draft.layout)
        assert ours.read_bytes() == expected.read_bytes()


def test_templates_this_cache_does_not_handle_take_the_plain_path(drafts, tmp_path):
    """Footnotes (rendered in place in the package) and a missing core-properties part (made fresh, dated, each time)."""
    for dropped, added in (("docProps/core.xml", None), (None, "word/footnotes.xml")):
        other = tmp_path / f"t-{dropped is None}.docx"
        with zipfile.ZipFile(drafts[0].template) as original, zipfile.ZipFile(other, "w") as edited:
            for item in original.infolist():
                if item.filename != dropped:
                    edited.writestr(item, original.read(item.filename))
            if added:
                edited.writestr(added, "<w:footnotes/>")
        assert CompiledTemplate.supports(other) is False and compiled_template(other) is None
    assert CompiledTemplate.supports(drafts[0].template) is True
