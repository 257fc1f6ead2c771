"""User text is data, never code: template syntax, markup and any script come out literally."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from docassemble.traffickingrelief import assemble
from tests.conftest import TODAY, case_of, docx_text, minimal_case

NASTY = ["{{ x }}", "{% if true %}yes{% endif %}", "<b>&", "&amp;", "</w:t>", "{_{ y }_}", "{#c#}", "\u2603 \U0001F600",
         "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627", "O'Brien \"Q\"", "%}{%", "\\n"]

# Any printable text: no control characters (the case file rejects those by field) and no surrogates.
printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1, max_size=40,
).filter(lambda s: s.strip() == s and s.strip())
user_text = st.one_of(st.sampled_from(NASTY), printable, st.builds(lambda a, b: a + " " + b, st.sampled_from(NASTY), printable))


def assemble_with(tmp_path, name: str, narrative: str, court: str, connection: str):
    data = minimal_case(court=court, county=court, trafficking_connection=connection)  # PA's heading names the county
    data["client"]["legal_name"] = name
    data["trafficking"]["narrative"] = narrative
    out = tmp_path / "out"
    return assemble(case_of(data), out, pdf=False, today=TODAY)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=user_text, narrative=user_text, court=user_text, connection=user_text)
@example(name="{{ x }}", narrative="{% if %}", court="<b>&", connection="</w:t>&amp;")
def test_user_text_comes_out_literally_in_every_docx(tmp_path, name, narrative, court, connection):
    result = assemble_with(tmp_path, name, narrative, court, connection)
    files = {p.name.split("-", 2)[-1]: p for p in result.documents if p.suffix == ".docx"}
    motion, declaration = docx_text(files["motion.docx"]), docx_text(files["declaration.docx"])
    assert name in motion and court in motion and connection in motion
    assert narrative in declaration and name in declaration
    for path in files.values():  # every file opens
        docx_text(path)


def test_nasty_text_survives_pdf_conversion(tmp_path, soffice):
    name = "{{ x }} <b>& \u05e9\u05dc\u05d5\u05dd"
    data = minimal_case()
    data["client"]["legal_name"] = name
    result = assemble(case_of(data), tmp_path / "out", pdf=True, today=TODAY)
    motion_pdf = next(p for p in result.documents if p.name.endswith("-motion.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(motion_pdf).pages)
    assert "{{ x }} <b>&" in text


def test_user_text_in_the_report_is_data_too(tmp_path):
    result = assemble_with(tmp_path, "{{ x }}", "n", "{% raw %}", "c")
    report = json.loads(result.report_json.read_text(encoding="utf-8"))
    assert report["status"] == "draft"
    assert "{% raw %}" in docx_text(next(p for p in result.documents if p.name.endswith("-motion.docx")))
