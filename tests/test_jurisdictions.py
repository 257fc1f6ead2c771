"""The jurisdiction data: every file matches the schema, every value is sourced, and the known traps hold."""
from __future__ import annotations

import copy

import pytest

from docassemble.traffickingrelief.jurisdictions import coverage_summary, load_all, load_jurisdiction, schema_problems
from docassemble.traffickingrelief.resources import JURISDICTIONS_DIR, read_yaml

STATES = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
          "OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()
FILES = sorted(JURISDICTIONS_DIR.glob("*.yml"))


def test_every_state_dc_and_federal_has_exactly_one_file():
    assert sorted(p.stem for p in FILES) == sorted(STATES + ["DC", "US"])
    assert len(STATES) == 50


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_matches_the_schema(path):
    assert schema_problems(read_yaml(path.read_text(encoding="utf-8")), path.name) == []


def test_every_known_value_has_a_source_and_every_unknown_a_note():
    for code, j in load_all().items():
        for fact in j.facts.values():
            if fact.value is None:
                assert fact.note, fact.path
            else:
                assert fact.source and len(fact.source) > 3, fact.path
            if fact.verified:
                assert fact.value is not None and fact.source, fact.path


def test_where_no_statute_exists_the_data_says_so_and_drafts_nothing_from_it():
    for code in ("MN", "MO", "SD", "AK"):
        j = load_jurisdiction(code)
        assert j.value("record_relief.available") is False
        assert j.fact("record_relief.available").note
        assert j.value("record_relief.citation") is None


@pytest.mark.parametrize("code, key, check", [
    ("US", "record_relief.citation", lambda v: "3771A" in v),                 # the 2026 federal statute exists
    ("HI", "record_relief.available", lambda v: v is not True),               # § 712-1209.6 is no longer trafficking-specific
    ("PA", "record_relief.prosecutor_consent_required", lambda v: v is True),  # consent of the Commonwealth
    ("AR", "record_relief.remedy_name", lambda v: "seal" in v.lower()),        # sealing, not vacatur
    ("TX", "record_relief.remedy_name", lambda v: "nondisclosure" in v.lower()),
    ("RI", "record_relief.citation", lambda v: "11-67.1" in v),               # old ch. 11-67 was repealed
    ("TN", "record_relief.one_time_only", lambda v: v is True),
    ("CO", "record_relief.failed_defence_bars_relief", lambda v: v is True),
    ("KY", "record_relief.waiting_period", lambda v: v == {"days": 60, "from": "judgment"}),
])
def test_traps_from_the_research_memo(code, key, check):
    assert check(load_jurisdiction(code).value(key))


def _pa() -> dict:
    return read_yaml((JURISDICTIONS_DIR / "PA.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("breakage, expected", [
    (lambda d: d["record_relief"]["citation"].update(value=None, note=None) or d["record_relief"]["citation"].pop("note"),
     "'note' is a required property"),
    (lambda d: d["record_relief"]["citation"].update(source=None, verified=False), "None is not of type 'string'"),
    (lambda d: d["record_relief"]["nexus"].update(verified=True, source=None), "None is not of type 'string'"),
    (lambda d: d["record_relief"].pop("venue"), "'venue' is a required property"),
    (lambda d: d["record_relief"]["offences"]["value"].update(scope="most"), "is not valid under any of the given schemas"),
    (lambda d: d.update(code="XX"), "code does not match the file name"),
])
def test_schema_rejects_unsourced_or_malformed_data(breakage, expected):
    data = copy.deepcopy(_pa())
    breakage(data)
    assert any(expected in p for p in schema_problems(data, "PA.yml")), schema_problems(data, "PA.yml")


def test_coverage_summary_adds_up():
    s = coverage_summary()
    assert s["jurisdictions"] == 52
    assert s["with_record_relief"] + s["no_record_relief_found"] + s["record_relief_unknown"] == 52
    assert 0 < s["facts_verified"] <= s["facts_known"] <= s["facts"]
