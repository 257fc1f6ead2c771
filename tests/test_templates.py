"""The DOCX templates: in step with their generator, and every variable they use is supplied by the code."""
from __future__ import annotations

import dataclasses
import importlib.util
import zipfile
from pathlib import Path

import pytest
from docxtpl import DocxTemplate

from docassemble.traffickingrelief.family import select
from docassemble.traffickingrelief.rendering import jinja_environment
from docassemble.traffickingrelief.resources import TEMPLATES_DIR
from docassemble.traffickingrelief.screening import screen
from tests.conftest import TODAY, case_of, example_dict

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "tools" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


def _word_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")}


@pytest.mark.parametrize("name", sorted(GENERATOR.BUILDERS))
def test_committed_template_matches_its_generator(tmp_path, name):
    GENERATOR.main(tmp_path)
    assert _word_parts(TEMPLATES_DIR / "record_relief" / name) == _word_parts(tmp_path / name), \
        f"templates/{name} differs from tools/make_templates.py: run the script and commit the result"


def _example_drafts():
    case = case_of(example_dict())
    case = dataclasses.replace(case, convictions=tuple(c for c in case.convictions if c.jurisdiction == "PA"))
    [family] = select(["record_relief"])
    return family.build(case, screen(case, TODAY, ["record_relief"]), final=False)


def test_every_template_variable_is_supplied_and_every_supplied_value_is_used():
    drafts = _example_drafts()
    assert {d.template.name for d in drafts} == set(GENERATOR.BUILDERS)
    for draft in drafts:
        wanted = DocxTemplate(TEMPLATES_DIR / draft.template).get_undeclared_template_variables(jinja_environment())
        assert wanted == set(draft.context), (draft.kind, wanted ^ set(draft.context))


def test_templates_carry_no_personal_metadata():
    for name in GENERATOR.BUILDERS:
        props = DocxTemplate(TEMPLATES_DIR / "record_relief" / name).get_docx().core_properties
        assert props.author == "" and props.last_modified_by == ""
