"""Golden output of the bundled example: the report JSON and every DOCX's text.

Any change to what the demo produces must be deliberate: regenerate with
``TRAFFICKINGRELIEF_UPDATE_GOLDEN=1 ./dev test tests/test_golden.py`` and review the diff of
``tests/golden/`` in the commit. (Refactors such as moving a family onto the plug-in interface must
leave it untouched.)
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from docassemble.traffickingrelief import assemble, load_case
from docassemble.traffickingrelief.resources import EXAMPLES_DIR
from tests.conftest import TODAY, docx_text

GOLDEN = Path(__file__).resolve().parent / "golden"


def _produce(tmp_path: Path) -> tuple[dict, dict]:
    result = assemble(load_case(EXAMPLES_DIR / "example_case.yml"), tmp_path / "drafts", pdf=False, today=TODAY)
    texts = {d["file"]: docx_text(result.out_dir / d["file"]) for d in result.report["documents"]
             if d["format"] == "docx"}
    return result.report, texts


def test_demo_output_matches_golden(tmp_path):
    report, texts = _produce(tmp_path)
    report_text = json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    texts_text = json.dumps(texts, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("TRAFFICKINGRELIEF_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / "demo-report.json").write_text(report_text, encoding="utf-8")
        (GOLDEN / "demo-docx-text.json").write_text(texts_text, encoding="utf-8")
    assert report_text == (GOLDEN / "demo-report.json").read_text(encoding="utf-8")
    assert texts_text == (GOLDEN / "demo-docx-text.json").read_text(encoding="utf-8")
