"""Shared fixtures: fictional case builders and readers for the DOCX/PDF files we produce."""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from docx import Document

from docassemble.traffickingrelief.facts import parse_case
from docassemble.traffickingrelief.resources import EXAMPLES_DIR, read_yaml

TODAY = dt.date(2026, 11, 23)

# The engine tier (docassemble.base) and the browser tier (a live server) run in their own environments;
# the unit run collects them only when asked to.
collect_ignore = [name for name, flag in (("engine", "TRAFFICKINGRELIEF_ENGINE_TESTS"),
                                          ("browser", "TRAFFICKINGRELIEF_BROWSER_TESTS")) if not os.environ.get(flag)]
EXAMPLE_CASE = EXAMPLES_DIR / "example_case.yml"



def example_dict() -> dict:
    return read_yaml(EXAMPLE_CASE.read_text(encoding="utf-8"))


def minimal_case(**conviction) -> dict:
    """A fictional one-conviction case; keyword arguments override the conviction's fields."""
    record = {
        "id": "c1", "jurisdiction": "PA", "court": "Court of Common Pleas of Example County",
        "case_number": "CP-00-CR-0000123-2018", "offence": "Prostitution", "statute": "18 Pa.C.S. § 5902",
        "offence_categories": ["prostitution"], "offence_class": "misdemeanor", "violent": False,
        "offence_date": "2018-01-10", "arrest_date": "2018-01-10", "conviction_date": "2018-03-01",
        "disposition": "guilty plea", "sentence": "probation", "sentence_completed_on": "2019-03-01",
        "affirmative_defence_at_trial": "not_raised",
        "trafficking_connection": "The trafficker sent the client to the place of arrest.",
        "prosecutor_consent": "obtained",
    }
    record.update(conviction)
    return {
        "case_file_version": 2,
        "client": {"legal_name": "Rowan Fictional", "date_of_birth": "1990-01-01"},
        "trafficking": {"types": ["sex"], "periods": [{"start": "2016-01-01", "end": "2019-12-31", "place": "Example City"}],
                        "coercion": True, "narrative": "An invented account for tests."},
        "convictions": [record],
        "preparer": {"name": "Casey Counsel", "role": "attorney", "bar_number": "000001", "organisation": "Example Clinic"},
    }


def case_of(data: dict):
    return parse_case(copy.deepcopy(data))


def docx_text(path: Path) -> str:
    """All text of a DOCX: body paragraphs, table cells, headers."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def write_case(tmp_path: Path, data: dict, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def soffice() -> str:
    """LibreOffice is a declared test dependency (.ci/run and ./dev install it): fail, never skip, without it."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    assert binary, "LibreOffice is required for the PDF tests (apt-get install libreoffice-writer-nogui)"
    return binary
