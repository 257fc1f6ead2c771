"""Forum profiles: every file matches the schema, all 52 exist, known oaths are cited and read, court levels
resolve by the court's name, and an unknown layout comes back as the stated default, flagged as such."""
from __future__ import annotations

import copy
import re

import pytest
import yaml

from docassemble.traffickingrelief.errors import UnknownJurisdictionError
from docassemble.traffickingrelief.forums import (FACT_KEYS, FORUMS_DIR, HEADING_SLOTS, OATH_SLOTS, ForumDataError,
                                                  _parse, coverage, load_all_forums, load_forum, schema_problems)
from docassemble.traffickingrelief.jurisdictions import TIERS, load_all
from docassemble.traffickingrelief.layout import DEFAULT_LAYOUT
from docassemble.traffickingrelief.resources import read_yaml

FILES = sorted(FORUMS_DIR.glob("*.yml"))
OATH_KEYS = ("oath.declaration", "oath.verification")
PAPER_TEXT_KEYS = ("caption.versus", "caption.case_number_label", "caption.court_heading") + OATH_KEYS
PROVENANCE = re.compile(r"https?://|www\.|\bper |not read|recalled|\bmemo\b|\bsource\b", re.IGNORECASE)


def every_fact(profile):
    """(key, fact) for the defaults and every level override."""
    yield from profile.defaults.items()
    for level in profile.levels:
        yield from level.facts.items()


def ny_data() -> dict:
    return read_yaml((FORUMS_DIR / "NY.yml").read_text(encoding="utf-8"))


def parse_dict(data: dict, name: str = "NY.yml"):
    return _parse(name, yaml.safe_dump(data, allow_unicode=True))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_matches_the_schema(path):
    assert schema_problems(read_yaml(path.read_text(encoding="utf-8")), path.name) == []


def test_all_52_jurisdictions_have_a_profile_matching_the_jurisdiction_data():
    profiles = load_all_forums()
    assert len(profiles) == 52
    jurisdictions = load_all()
    assert set(profiles) == set(jurisdictions)
    for code, profile in profiles.items():
        assert profile.kind == jurisdictions[code].kind, code
        assert profile.name == jurisdictions[code].name, code


def test_the_prosecuting_party_is_the_jurisdiction_datas_caption():
    jurisdictions = load_all()
    for code, profile in load_all_forums().items():
        assert profile.value("caption.prosecution") == jurisdictions[code].value("prosecution_caption"), code


def test_every_known_oath_carries_a_citation_a_source_and_a_real_tier():
    known = 0
    for code, profile in load_all_forums().items():
        for key, fact in every_fact(profile):
            if key not in OATH_KEYS:
                continue
            if fact.known:
                known += 1
                assert fact.citation, fact.path
                assert fact.tier in ("official", "copy", "secondary"), fact.path
                assert fact.source and fact.source.publisher, fact.path
                slots = set(re.findall(r"\{(\w+)\}", fact.value))
                assert slots <= set(OATH_SLOTS), (fact.path, slots)
            else:
                assert fact.tier == "none" and fact.note, fact.path
    assert known >= 20


@pytest.mark.parametrize("code, citation, words", [
    ("US", "28 U.S.C. § 1746(2)", "I declare under penalty of perjury that the foregoing is true and correct."),
    ("NY", "CPLR 2106(a)", "under the penalties of perjury under the laws of New York, which may include a fine or "
                           "imprisonment, that the foregoing is true"),
    ("CA", "Cal. Code Civ. Proc. § 2015.5", "under the laws of the State of California that the foregoing is true "
                                            "and correct"),
    ("FL", "Fla. Stat. § 92.525(2)", "Under penalties of perjury, I declare that I have read the foregoing {document} "
                                     "and that the facts stated in it are true."),
    ("PA", "Pa.R.Crim.P. 575(A)(2)(g)", "unsworn falsification to authorities under 18 Pa.C.S. § 4904"),
])
def test_the_oaths_of_the_test_forums_are_the_laws_words(code, citation, words):
    fact = load_forum(code).fact("oath.declaration")
    assert fact.citation == citation
    assert words in fact.value


def test_an_oath_nobody_has_read_stays_unknown_so_the_draft_shows_a_placeholder():
    fact = load_forum("MD").fact("oath.declaration")
    assert fact.value is None and fact.tier == "none"
    assert "1-304" in fact.note


def test_an_oath_read_only_in_a_summary_is_not_settled_and_says_what_it_exposes():
    fact = load_forum("TX").fact("oath.declaration")
    assert fact.citation == "Tex. Civ. Prac. & Rem. Code § 132.001(d)"
    assert fact.tier == "secondary" and not fact.settled
    assert {"birth_date", "address"} <= set(re.findall(r"\{(\w+)\}", fact.value))
    assert "notarized affidavit" in fact.note


def test_what_a_court_paper_prints_carries_no_provenance():
    for code, profile in load_all_forums().items():
        for key, fact in every_fact(profile):
            texts = [fact.citation or ""]
            if key in PAPER_TEXT_KEYS and fact.known:
                texts.append(fact.value)
            if key == "party_labels" and fact.known:
                texts += [label for pair in fact.value.values() for label in pair.values() if label]
            for text in texts:
                assert not PROVENANCE.search(text), (fact.path, text)


def test_every_fact_has_a_tier_and_every_unknown_a_note():
    for code, profile in load_all_forums().items():
        for key in FACT_KEYS:
            assert key in profile.defaults, (code, key)
        for key, fact in every_fact(profile):
            assert fact.tier in TIERS, fact.path
            if not fact.known or fact.source is None:
                assert fact.note, fact.path


@pytest.mark.parametrize("court, label, heading_start", [
    ("Criminal Court of the City of New York, Kings County", "Docket No.", "CRIMINAL COURT OF THE CITY OF NEW YORK"),
    ("Supreme Court of the State of New York, New York County", "Ind. No.", "SUPREME COURT OF THE STATE OF NEW YORK"),
    ("Westchester County Court", "Ind. No.", "COUNTY COURT OF THE STATE OF NEW YORK"),
    ("Town Court of Example", "Docket No.", None),
])
def test_new_york_levels_resolve_by_the_courts_name(court, label, heading_start):
    profile = load_forum("NY")
    assert profile.value("caption.case_number_label", court) == label
    heading = profile.value("caption.court_heading", court)
    assert (heading is None) if heading_start is None else heading.startswith(heading_start)
    # keys a level does not override come from the defaults
    assert profile.fact("oath.declaration", court) is profile.fact("oath.declaration")


def test_a_court_no_level_matches_gets_the_defaults():
    profile = load_forum("NY")
    assert profile.level_for("Family Court, Bronx County") is None
    assert profile.fact("caption.case_number_label", "Family Court, Bronx County") is profile.fact(
        "caption.case_number_label")
    assert profile.level_for(None) is None


def test_a_missing_key_is_an_unknown_fact_with_a_note():
    fact = load_forum("US").fact("caption.seal_line")
    assert fact.value is None and fact.tier == "none" and fact.note
    assert fact.path == "US:forum.caption.seal_line"


def test_codes_are_case_insensitive_and_an_unknown_code_is_refused():
    assert load_forum("ny") is load_forum("NY")
    with pytest.raises(UnknownJurisdictionError):
        load_forum("ZZ")


def test_an_unknown_layout_is_the_stated_default_flagged_as_such():
    layout = load_forum("US").layout()
    assert layout == DEFAULT_LAYOUT
    assert layout.from_rule is False
    assert (layout.font, layout.size_pt, layout.line_spacing, layout.page_numbers, layout.paper) == (
        "Times New Roman", 12, 2.0, "bottom_center", "letter")
    assert all(layout.margin(side) == 1.0 for side in ("top", "bottom", "left", "right"))
    assert layout.pleading_lines is None


def test_california_layout_comes_from_its_rule_with_pleading_paper():
    profile = load_forum("CA")
    layout = profile.layout("Superior Court of California, County of Alameda")
    assert layout.from_rule is True
    assert layout.pleading_lines == 28
    assert layout.margin("left") == 1.0 and layout.margin("right") == 0.5
    assert layout.size_pt >= 12
    assert "2.108" in profile.fact("layout").note


def test_court_headings_use_only_their_slots():
    for code, profile in load_all_forums().items():
        for key, fact in every_fact(profile):
            if key == "caption.court_heading" and fact.known:
                assert set(re.findall(r"\{(\w+)\}", fact.value)) <= set(HEADING_SLOTS), fact.path


def test_a_mandatory_official_form_is_listed_with_its_citation():
    forms = load_forum("FL").value("official_forms.record_relief")
    assert forms == [{"id": "3.9895", "title": "Human Trafficking: Sworn Statement; Petition; and Order to Expunge "
                                               "or Seal Records", "citation": "Fla. R. Crim. P. 3.9895"}]
    assert "official_form" in load_forum("FL").value("filing_set.record_relief")


def test_the_new_york_filing_set_is_a_notice_of_motion_with_an_affirmation():
    assert load_forum("NY").value("filing_set.record_relief")[:2] == ["notice_of_motion", "affirmation"]


def test_coverage_lists_every_jurisdiction_with_the_tiers_of_what_is_known():
    rows = {row["code"]: row for row in coverage()}
    assert len(rows) == 52
    assert rows["US"]["oath.declaration"] == ["copy"]
    assert rows["MD"]["oath.declaration"] is None
    assert rows["TX"]["oath.declaration"] == ["secondary"]
    assert rows["NY"]["caption.case_number_label"] == ["none", "official"]


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["default"]["oath"]["declaration"].update(value=None), "verified"),
    (lambda d: d["default"]["oath"]["declaration"].update(value="I swear. SSN {ssn}."), "value"),
    (lambda d: d["default"]["oath"]["declaration"].update(citation="CPLR 2106, https://example.invalid"), "citation"),
    (lambda d: d["default"]["caption"]["versus"].update(value="versus"), "versus"),
    (lambda d: d["default"]["layout"].update(value={"font": "Arial"}, verified="secondary",
                                              source={"publisher": "X Y", "url": None, "retrieved": None}), "layout"),
    (lambda d: d["levels"][0].update(matches=["criminal (court"]), "valid pattern"),
    (lambda d: d["default"]["filing_set"]["record_relief"].update(value=["brief"]), "filing_set"),
    (lambda d: d.update(code="PA"), "file name"),
])
def test_the_schema_refuses_broken_profiles(mutate, message):
    data = copy.deepcopy(ny_data())
    mutate(data)
    problems = schema_problems(data, "NY.yml")
    assert any(message in p for p in problems), problems
    with pytest.raises(ForumDataError):
        parse_dict(data)


def test_a_date_that_is_not_a_real_date_is_refused():
    data = copy.deepcopy(ny_data())
    data["default"]["oath"]["declaration"]["as_of"] = "2026-02-30"
    with pytest.raises(ForumDataError, match="real date"):
        parse_dict(data)


def test_text_that_is_not_yaml_is_refused_naming_the_file():
    with pytest.raises(ForumDataError, match="NY.yml: not valid YAML"):
        _parse("NY.yml", "default: [unclosed")


def test_derived_party_labels_follow_the_remedys_document_title():
    """Labels derived from the jurisdiction data's document title must change when the title does
    (a petition's movant is the Petitioner): a mismatch means the forum file is stale."""
    kinds = ("motion", "petition", "application")
    jurisdictions = load_all()
    for code, profile in load_all_forums().items():
        fact = profile.fact("party_labels")
        title = jurisdictions[code].value("record_relief.document_title") or ""
        kind = next((k for k in kinds if title.lower().startswith((k, f"uniform {k}"))), None)
        if fact.known and kind:
            assert list(fact.value) == [kind], (code, title, fact.value)


def test_what_a_formatting_rule_leaves_open_takes_the_stated_default():
    fact = load_forum("FL").fact("layout")
    assert fact.value["font"] is None and fact.value["line_spacing"] is None
    layout = load_forum("FL").layout()
    assert layout.from_rule is True
    assert (layout.font, layout.line_spacing) == (DEFAULT_LAYOUT.font, DEFAULT_LAYOUT.line_spacing)
    assert layout.size_pt == 12 and layout.pleading_lines is None
