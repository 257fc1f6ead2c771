"""Tier 2: run interviews/engine_probe.yml through docassemble's own engine (see harness.py).

Regenerate the probe template with: .venv-engine/bin/python tests/engine/test_probe.py --write-template
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TEMPLATE = REPO / "templates" / "engine_probe.docx"
sys.path.insert(0, str(HERE))

import harness  # noqa: E402

ANSWERS = {"probe_name": "Ada Lovelace-Probe", "probe_choice": "keep_going"}
PATH = ["probe_name_question", "probe_choice_question", "probe_end_screen"]


def write_probe_template(path: Path = TEMPLATE) -> None:
    """The probe's DOCX template: one Jinja tag per answer (docxtpl syntax, as docassemble renders it)."""
    from docx import Document

    doc = Document()
    doc.add_heading("Engine probe", level=1)
    doc.add_paragraph("Name: {{ probe_name }}")
    doc.add_paragraph("Choice: {{ probe_choice }}")
    props = doc.core_properties
    props.author = props.last_modified_by = props.comments = ""
    props.title = "traffickingrelief engine probe"
    doc.save(str(path))


def docx_text(path: Path) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_probe_template_has_the_tag():
    assert "{{ probe_name }}" in docx_text(TEMPLATE)


def test_probe_runs_to_the_end_and_renders_the_docx(tmp_path):
    run = harness.run_interview("engine_probe.yml", ANSWERS, out_dir=tmp_path)
    assert run.finished
    assert run.visited == PATH
    assert run.question_id == "probe_end_screen"
    assert run.value("probe_choice") == "keep_going"
    docx = run.attachment(".docx")
    assert docx.parent == tmp_path
    text = docx_text(docx)
    assert "Name: Ada Lovelace-Probe" in text
    assert "Choice: keep_going" in text
    assert "{{" not in text


def test_probe_pdf_attachment(tmp_path):
    if harness._libreoffice_binary() is None:
        pytest.fail("LibreOffice is not installed: run bash tests/engine/setup-venv")
    from pypdf import PdfReader

    run = harness.run_interview("engine_probe.yml", ANSWERS, out_dir=tmp_path)
    pdf = run.attachment(".pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "Ada Lovelace-Probe" in text


def test_stop_at_a_question_before_the_end(tmp_path):
    run = harness.run_interview("engine_probe.yml", {"probe_name": "Grace"}, stop_at={"probe_choice_question"},
                                out_dir=tmp_path)
    assert not run.finished
    assert run.visited == PATH[:2]
    assert run.question_id == "probe_choice_question"
    assert run.attachments == []


def test_missing_answer_names_the_variable_and_the_question(tmp_path):
    with pytest.raises(harness.MissingAnswer) as caught:
        harness.run_interview("engine_probe.yml", {"probe_name": "Grace"}, out_dir=tmp_path)
    err = caught.value
    assert err.variable == "probe_choice"
    assert err.question_id == "probe_choice_question"
    assert err.visited == PATH[:2]
    assert "'probe_choice'" in str(err) and "probe_choice_question" in str(err)


def test_callback_answers_what_the_dict_does_not(tmp_path):
    asked = []

    def on_question(variable, question, user_dict):
        asked.append((variable, question.id))
        return "take_a_break" if variable == "probe_choice" else harness.NO_ANSWER

    run = harness.run_interview("engine_probe.yml", {"probe_name": "Grace"}, on_question=on_question,
                                out_dir=tmp_path)
    assert asked == [("probe_choice", "probe_choice_question")]
    assert run.finished and run.value("probe_choice") == "take_a_break"
    assert "Choice: take_a_break" in docx_text(run.attachment(".docx"))


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-template"]:
        write_probe_template()
        print(f"wrote {TEMPLATE}")
    else:
        sys.exit("usage: python tests/engine/test_probe.py --write-template")
