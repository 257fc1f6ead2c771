"""The jurisdiction data: every file matches the schema, every value is sourced, and the known traps hold."""
from __future__ import annotations

import copy
import datetime as dt
import json
import re

import pytest

from docassemble.traffickingrelief.jurisdictions import (TIERS, Source, coverage_summary, load_all, load_jurisdiction,
                                                         parse_fact, schema_problems)
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


def test_every_known_value_has_a_source_or_a_note_and_every_unknown_a_note():
    for code, j in load_all().items():
        for fact in j.facts.values():
            assert fact.tier in TIERS, fact.path
            if fact.value is None or fact.source is None:
                assert fact.note, fact.path
            if fact.verified:
                assert fact.known and fact.source and (fact.source.url or fact.source.publisher), fact.path


def test_the_remedy_citation_is_clean_and_equals_the_value():
    for code, j in load_all().items():
        fact = j.fact("record_relief.citation")
        assert fact.citation == fact.value, code
        if fact.citation:
            assert not re.search(r"https?://|\([^)]*[a-z]{3}[^)]*\)|\bper\b|not read", fact.citation), code


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
    ("SC", "record_relief.citation", lambda v: "16-3-2020(F)" in v),        # 2024 Act No. 213 added expungement
])
def test_traps_from_the_research_memo(code, key, check):
    assert check(load_jurisdiction(code).value(key))


def _pa() -> dict:
    return read_yaml((JURISDICTIONS_DIR / "PA.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("breakage, expected", [
    (lambda d: d["record_relief"]["citation"].update(value=None, note=None) or d["record_relief"]["citation"].pop("note"),
     "'note' is a required property"),
    (lambda d: d["record_relief"]["nexus"].update(verified="official", source=None), "None is not of type 'object'"),
    (lambda d: d["record_relief"]["nexus"].update(verified=True), "True is not one of"),
    (lambda d: d["record_relief"]["nexus"].update(verified="secondary", source=None, note=None) or
     d["record_relief"]["nexus"].pop("note"), "'note' is a required property"),
    (lambda d: d["record_relief"]["nexus"].update(citation="18 Pa.C.S. § 3019 per the memo"), "does not match"),
    (lambda d: d["record_relief"]["nexus"].update(citation="https://example.invalid/3019"), "does not match"),
    (lambda d: d["record_relief"]["nexus"].pop("citation"), "'citation' is a required property"),
    (lambda d: d["record_relief"]["nexus"]["source"].pop("publisher"), "'publisher' is a required property"),
    (lambda d: d["record_relief"]["nexus"]["source"].update(url="legis.state.pa.us"), "does not match"),
    (lambda d: d["record_relief"]["nexus"]["source"].update(text_date="2026-13"), "does not match"),
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


def test_parse_fact_reads_citation_source_and_tier():
    node = {"value": "a direct result of", "citation": "18 Pa.C.S. § 3019(d)(1)",
            "source": {"publisher": "Justia", "url": "https://law.justia.com/codes/pennsylvania/title-18/",
                       "retrieved": "2026-11-01", "text_date": "2025-01-01"},
            "verified": "copy", "as_of": "2026-11-23", "effective": "2014-07-02", "note": "Fictional check."}
    fact = parse_fact("PA:record_relief.nexus", node)
    assert fact.citation == "18 Pa.C.S. § 3019(d)(1)" and fact.tier == "copy"
    assert fact.source == Source("Justia", "https://law.justia.com/codes/pennsylvania/title-18/", dt.date(2026, 11, 1),
                                 dt.date(2025, 1, 1))
    assert fact.known and fact.verified and fact.settled and fact.effective == dt.date(2014, 7, 2)
    data = json.loads(json.dumps(fact.as_dict()))
    assert data["source"]["text_date"] == "2025-01-01" and data["tier"] == "copy" and data["verified"] is True


@pytest.mark.parametrize("tier, value, settled", [("official", 1, True), ("copy", 1, True), ("secondary", 1, False),
                                                  ("none", 1, False), ("official", None, False)])
def test_only_known_official_or_copy_facts_are_settled(tier, value, settled):
    fact = parse_fact("X:k", {"value": value, "citation": None, "source": None, "verified": tier, "as_of": "2026-01-01"})
    assert fact.settled is settled
    assert fact.verified is (tier in ("official", "copy"))


def test_a_source_reads_as_a_short_human_form_and_cannot_change():
    source = Source("Pennsylvania General Assembly", "https://www.legis.state.pa.us/", dt.date(2026, 8, 11),
                    via="copy stored in GitHub repo example/example")
    assert str(source) == "Pennsylvania General Assembly, https://www.legis.state.pa.us/, retrieved 2026-08-11"
    fact = parse_fact("PA:k", {"value": 1, "citation": "18 Pa.C.S. § 3019", "source": {
        "publisher": "Pennsylvania General Assembly", "url": None, "retrieved": None}, "verified": "official",
        "as_of": "2026-01-01"})
    assert str(fact.source) == "Pennsylvania General Assembly" and fact.citation == "18 Pa.C.S. § 3019"
    assert not isinstance(fact.source, str)  # provenance is never mistaken for a citation
    with pytest.raises(AttributeError):
        source.url = "https://example.invalid/"


def test_unrecorded_optional_keys_come_back_unknown_and_unverified():
    fact = load_jurisdiction("PA").fact("record_relief.no_such_key")
    assert not fact.known and fact.tier == "none" and not fact.settled and fact.citation is None


def test_coverage_counts_known_facts_and_remedy_citations_by_tier():
    s = coverage_summary()
    assert sum(s["known_facts_by_tier"].values()) == s["facts_known"]
    assert s["known_facts_by_tier"]["official"] + s["known_facts_by_tier"]["copy"] == s["facts_verified"]
    assert sum(s["remedy_citations_by_tier"].values()) == s["with_record_relief"]
