"""The DOCX templates, which clinics edit in Word: every variable supplied, valid Jinja, Word's run
splitting survived, the review diff, and the scaffold for a new family."""
from __future__ import annotations

import copy
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docxtpl import DocxTemplate
from jinja2 import nodes

from docassemble.traffickingrelief.family import select
from docassemble.traffickingrelief.rendering import jinja_environment, render_docx
from docassemble.traffickingrelief.resources import TEMPLATES_DIR
from docassemble.traffickingrelief.screening import screen
from tests.conftest import TODAY, case_of, docx_text, example_dict

ROOT = Path(__file__).resolve().parent.parent
ALL_TEMPLATES = sorted(TEMPLATES_DIR.rglob("*.docx"))
RECORD_RELIEF = sorted(p.name for p in (TEMPLATES_DIR / "record_relief").glob("*.docx"))


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _example_drafts():
    """The example's drafts: Pennsylvania's motion set first, then New York's notice-of-motion set (which alone
    uses the notice and affirmation templates)."""
    case = case_of(example_dict())
    [family] = select(["record_relief"])
    drafts = family.build(case, screen(case, TODAY, ["record_relief"]), final=False)
    return sorted(drafts, key=lambda d: not d.group.startswith("PA"))


def test_every_template_variable_is_supplied_and_every_supplied_value_is_used():
    drafts = _example_drafts()
    assert {d.template.name for d in drafts} == set(RECORD_RELIEF)
    for draft in drafts:
        wanted = DocxTemplate(TEMPLATES_DIR / draft.template).get_undeclared_template_variables(jinja_environment())
        assert wanted == set(draft.context), (draft.kind, wanted ^ set(draft.context))


def test_templates_carry_no_personal_metadata():
    for path in ALL_TEMPLATES:
        props = DocxTemplate(path).get_docx().core_properties
        assert props.author == "" and props.last_modified_by == "", path.name


# ---------------------------------------------------------------------------------------------
# Jinja validity

_BLOCK_TAGS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw"}


def _tags(source: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"{%.*?%}|{{.*?}}", source, flags=re.DOTALL)]


def _unclosed_tag(source: str) -> str | None:
    """The innermost block tag left open (what 'unexpected end of template' is about)."""
    stack = []
    for tag in _tags(source):
        words = tag.strip("{%}- \n").split()
        word = words[0] if words else ""
        if word in _BLOCK_TAGS:
            stack.append(tag)
        elif word.startswith("end") and stack:
            stack.pop()
    return stack[-1] if stack else None


def _tag_on_line(source: str, lineno: int) -> str:
    line = source.splitlines()[lineno - 1] if 0 < lineno <= len(source.splitlines()) else ""
    tags = _tags(line)
    return tags[0] if tags else line[:80]


def jinja_problems(path: Path) -> list[str]:
    """Jinja errors in a template, each naming the template, the part and the offending tag.

    Checks exactly what rendering compiles: docxtpl's preprocessed XML of the body, headers and footers,
    parsed by the project's environment; filters and tests must exist in it.
    """
    env = jinja_environment()
    template = DocxTemplate(path)
    template.init_docx()
    parts = [("body", template.patch_xml(template.get_xml()))]
    for uri, kind in ((template.HEADER_URI, "header"), (template.FOOTER_URI, "footer")):
        parts += [(kind, template.patch_xml(template.get_part_xml(part))) for _, part in template.get_headers_footers(uri)]
    problems = []
    for where, xml in parts:
        source = re.sub(r"({%|{{)", r"\n\1", xml)  # one tag per line: an error's line number names its tag
        try:
            tree = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            tag = (_unclosed_tag(source) if "end of template" in exc.message else None) or _tag_on_line(source, exc.lineno)
            problems.append(f"{path.name} ({where}): {exc.message} at {tag}")
            continue
        for node in tree.find_all((nodes.Filter, nodes.Test)):
            kind, known = ("filter", env.filters) if isinstance(node, nodes.Filter) else ("test", env.tests)
            if node.name not in known:
                problems.append(f"{path.name} ({where}): unknown {kind} '{node.name}' at {_tag_on_line(source, node.lineno)}")
    return problems


@pytest.mark.parametrize("path", ALL_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES_DIR)))
def test_template_jinja_is_valid(path):
    assert jinja_problems(path) == []


def _edit_paragraph(src: Path, dst: Path, old: str, new: str) -> None:
    """Copy a template with one paragraph's text replaced (as a clinic might mistype it)."""
    doc = Document(str(src))
    matches = [p for p in doc.paragraphs if p.text == old]
    assert matches, f"{old!r} not in {src.name}"
    paragraph = matches[-1]
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)
    paragraph.runs[0].text = new
    doc.save(str(dst))


def test_jinja_check_names_template_and_tag_for_unbalanced_tags(tmp_path):
    broken = tmp_path / "motion.docx"
    _edit_paragraph(TEMPLATES_DIR / "record_relief" / "motion.docx", broken, "{%p endif %}", "Schedule ends here")
    problems = jinja_problems(broken)
    assert len(problems) == 1 and problems[0].startswith("motion.docx (body): ")
    assert "{% if schedule %}" in problems[0] or "{%p if schedule %}" in problems[0], problems


def test_jinja_check_names_a_stray_end_tag(tmp_path):
    broken = tmp_path / "declaration.docx"
    _edit_paragraph(TEMPLATES_DIR / "record_relief" / "declaration.docx", broken,
                    "I, {{r declarant }}, declare:", "I, {{r declarant }}, declare:{% endif %}")
    problems = jinja_problems(broken)
    assert len(problems) == 1 and "declaration.docx (body)" in problems[0] and "{% endif %}" in problems[0], problems


def test_jinja_check_names_an_unknown_filter(tmp_path):
    broken = tmp_path / "proposed_order.docx"
    _edit_paragraph(TEMPLATES_DIR / "record_relief" / "proposed_order.docx", broken, "Judge", "{{ judge_name|shout }}")
    problems = jinja_problems(broken)
    assert problems == ["proposed_order.docx (body): unknown filter 'shout' at {{ judge_name|shout }}"]


# ---------------------------------------------------------------------------------------------
# Word round trip: Word splits a tag across runs with proofing marks between them


def _word_split(paragraph_element) -> int:
    """Split every run holding a Jinja tag into runs of one or two characters, with w:proofErr marks, a
    _GoBack bookmark and rsid attributes between them, as Word leaves a tag after a clinic edits near it.
    Returns the number of runs split."""
    split = 0
    for run in list(paragraph_element.iter(qn("w:r"))):
        texts = run.findall(qn("w:t"))
        if len(texts) != 1 or not re.search(r"{{|{%|}}|%}", texts[0].text or ""):
            continue
        text, rpr = texts[0].text, run.find(qn("w:rPr"))
        pieces = [text[:1]] + [text[i:i + 2] for i in range(1, len(text), 2)]  # splits "{{" and "}}" too
        marks = [f'<w:proofErr {nsdecls("w")} w:type="{t}"/>' for t in ("spellStart", "spellEnd", "gramStart", "gramEnd")]
        marks.append(f'<w:bookmarkStart {nsdecls("w")} w:id="9{split}" w:name="_GoBack"/>')  # Word's last-edit mark
        for n, piece in enumerate(pieces):
            new_run = parse_xml(f'<w:r {nsdecls("w")} w:rsidR="00A{n:05d}"><w:t xml:space="preserve"></w:t></w:r>')
            if rpr is not None:
                new_run.insert(0, copy.deepcopy(rpr))
            new_run.find(qn("w:t")).text = piece
            run.addprevious(new_run)
            if n + 1 < len(pieces):
                run.addprevious(parse_xml(marks[n % len(marks)]))
        run.getparent().remove(run)
        split += 1
    return split


@pytest.mark.parametrize("name", RECORD_RELIEF)
def test_template_saved_by_word_with_split_runs_renders_the_same(tmp_path, name):
    draft = next(d for d in _example_drafts() if d.template.name == name)
    original = render_docx(draft.template, draft.context, tmp_path / "original.docx", draft.title)

    family = tmp_path / "templates" / "record_relief"
    family.mkdir(parents=True)
    doc = Document(str(TEMPLATES_DIR / draft.template))
    stories = [doc.element.body] + [s.header._element for s in doc.sections] + [s.footer._element for s in doc.sections]
    assert sum(_word_split(p) for story in stories for p in story.iter(qn("w:p"))) > 2
    doc.save(str(family / name))
    assert jinja_problems(family / name) == []

    resplit = render_docx(family / name, draft.context, tmp_path / "split.docx", draft.title)
    assert docx_text(resplit) == docx_text(original)
    styles = [[p.style.name for p in Document(str(f)).paragraphs] for f in (original, resplit)]
    assert styles[0] == styles[1]


# ---------------------------------------------------------------------------------------------
# Review diff and scaffold


def test_template_diff_shows_wording_tags_styles_and_layout(tmp_path):
    scaffold = _tool("make_templates")
    assert scaffold.main(tmp_path / "a") == 0
    old = tmp_path / "a" / "declaration.docx"
    doc = Document(str(old))
    p = next(p for p in doc.paragraphs if p.text == "I, {{r declarant }}, declare:")
    p.runs[0].text = "I, {{r declarant }}, state under penalty of perjury:"
    doc.add_paragraph("{{r clinic_letterhead }}", style="Body Text")
    doc.styles["Normal"].paragraph_format.line_spacing = 1.5
    doc.sections[0].left_margin = doc.sections[0].left_margin * 5 // 4
    new = tmp_path / "new.docx"
    doc.save(str(new))

    diff = _tool("template_diff")
    text = diff.diff(old.read_bytes(), new.read_bytes(), "old", "new")
    assert "-body [Body Text] I, {{r declarant }}, declare:" in text
    assert "+body [Body Text] I, {{r declarant }}, state under penalty of perjury:" in text
    assert "+body [Body Text] {{r clinic_letterhead }}" in text
    assert "section 1 footer [Footer] Page {PAGE} of {NUMPAGES}" not in text.replace(" section 1 footer", "")  # unchanged
    assert "style 'Normal' line spacing: 2.0 -> 1.5" in text
    assert "section 1 left margin: 1.00in -> 1.25in" in text
    assert diff.diff(old.read_bytes(), old.read_bytes()) == ""

    cli = subprocess.run([sys.executable, str(ROOT / "tools" / "template_diff.py"), str(old), str(new)],
                         capture_output=True, text=True)
    assert cli.returncode == 1 and "state under penalty of perjury" in cli.stdout


def test_template_diff_against_git_head(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(TEMPLATES_DIR / "record_relief" / "certificate_of_service.docx", repo / "t.docx")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    for cmd in (["init", "-q"], ["add", "t.docx"], ["commit", "-q", "-m", "t"]):
        subprocess.run(git + cmd, cwd=repo, check=True)
    diff = _tool("template_diff")
    assert diff.main([str(repo / "t.docx")]) == 0
    doc = Document(str(repo / "t.docx"))
    doc.add_paragraph("Served by first-class mail.")
    doc.save(str(repo / "t.docx"))
    assert diff.main([str(repo / "t.docx")]) == 1


def test_scaffold_writes_a_new_family_and_never_overwrites(tmp_path):
    scaffold = _tool("make_templates")
    out = tmp_path / "new_family"
    assert scaffold.main(out) == 0
    written = sorted(p.name for p in out.glob("*.docx"))
    assert written == sorted(scaffold.BUILDERS)
    for path in out.glob("*.docx"):
        assert jinja_problems(path) == []
    before = (out / "motion.docx").read_bytes()
    (out / "motion.docx").write_bytes(before + b"")
    assert scaffold.main(out) == 1
    assert (out / "motion.docx").read_bytes() == before
