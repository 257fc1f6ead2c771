"""The T-visa drafts' redacted copy (families/tvisa/redaction.py): A-number, Social Security numbers, dates of
birth and addresses masked in the drafts, never in the scanned exhibits. Every person here is fictional.
"""
from __future__ import annotations

import subprocess
import sys

import yaml
from docx import Document
from docx2python import docx2python

from docassemble.traffickingrelief import assemble
from docassemble.traffickingrelief.facts import parse_case
from docassemble.traffickingrelief.families.tvisa.redaction import (MASK, redact_docx, redact_text, redacted_copy,
                                                                    sensitive_values)

from .test_tvisa import TODAY, case_data, case_dir  # noqa: F401 (fixture)

SAFE_STREET = "2 Safe Office Rd"


def sensitive_case() -> dict:
    data = case_data()
    data["client"]["date_of_birth"] = "1994-05-17"
    data["family_members"][0]["location"] = "Example Town, Examplestan"
    data["trafficking"]["narrative"] = "They kept my card with 123-45-6789 and my papers (A 123 456 789)."
    return data


def test_values_come_from_the_case_file_longest_first():
    case = parse_case(sensitive_case())
    values = sensitive_values(case)
    assert "A123456789" in values and "May 17, 1994" in values and "1994-05-17" in values
    assert "2 Safe Office Rd, Exampleville, TX 00001" in values and SAFE_STREET in values
    assert "March 3, 2015" in values and "Example Town, Examplestan" in values  # a family member's
    assert values.index("2 Safe Office Rd, Exampleville, TX 00001") < values.index(SAFE_STREET)
    assert "Casey Counsel" not in values  # the preparer is not the client


def test_patterns_catch_numbers_typed_in_the_clients_words():
    text = "SSN 123-45-6789, or 123 45 6789; A-number A-123-456-789 or A123456789. Case CR-000123-19EX stays."
    out = redact_text(text, [])
    assert "6789" not in out and "456" not in out and out.count(MASK) == 4
    assert "CR-000123-19EX stays" in out


def test_a_value_split_across_runs_is_masked(tmp_path):
    source = tmp_path / "split.docx"
    document = Document()
    paragraph = document.add_paragraph("A-Number: ")
    paragraph.add_run("A1234")
    paragraph.add_run("56789").bold = True
    document.add_paragraph("Nothing to hide here.")
    document.save(str(source))
    target = tmp_path / "split-redacted.docx"
    assert redact_docx(source, target, ["A123456789"]) == 1
    text = docx2python(target).text
    assert "A123456789" not in text and "56789" not in text and f"A-Number: {MASK}" in text
    assert "Nothing to hide here." in text
    assert docx2python(source).text.count("56789") == 1  # the original is untouched


def test_redacted_copy_of_the_drafts(case_dir, tmp_path):  # noqa: F811 (fixture)
    data = sensitive_case()
    case = parse_case(data, base_dir=case_dir)
    result = assemble(case, tmp_path / "out", ["tvisa"], pdf=False, today=TODAY)
    drafts = result.out_dir / "tvisa"
    originals = {p.stem: docx2python(p).text for p in drafts.glob("*.docx")}
    assert "A123456789" in originals["cover-letter"] and SAFE_STREET in originals["cover-letter"]
    assert "March 3, 2015" in originals["supplement-a"]  # a family member's date of birth
    copies = redacted_copy(case, drafts, tmp_path / "redacted")
    assert sorted(p.name for p in copies) == sorted(f"{stem}-redacted.docx" for stem in originals)
    for path in copies:
        text = docx2python(path).text
        for value in ("A123456789", "May 17, 1994", "1994-05-17", SAFE_STREET, "00001", "March 3, 2015",
                      "123-45-6789", "Example Town, Examplestan"):
            assert value not in text, (path.name, value)
    cover = docx2python(tmp_path / "redacted" / "cover-letter-redacted.docx").text
    assert MASK in cover and "Ana Fictional" in cover and "Form I-914" in cover  # the rest is kept
    # the drafts themselves are not changed
    assert {p.stem: docx2python(p).text for p in drafts.glob("*.docx")} == originals


def test_packet_command_writes_the_redacted_copy(case_dir, tmp_path):  # noqa: F811 (fixture)
    data = sensitive_case()
    data["client"]["a_number"] = "A987654321"
    (case_dir / "case.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    cmd = [sys.executable, "-m", "docassemble.traffickingrelief.cli", "packet", str(case_dir / "case.yml"),
           "--out", str(tmp_path / "out"), "--skip-bad-exhibits", "--redacted-copy"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Redacted copy of" in done.stdout
    cover = docx2python(tmp_path / "out" / "redacted" / "cover-letter-redacted.docx").text
    assert "A987654321" not in cover and MASK in cover
