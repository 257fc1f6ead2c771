"""The legal-data audit: each check catches a deliberately broken fact, and the shipped data passes the CI checks."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from docassemble.traffickingrelief.audit import FAILING_CHECKS, audit, render_audit_text
from docassemble.traffickingrelief.jurisdictions import Jurisdiction, load_all, parse_fact

AS_OF = "2026-11-30"
PA_OFFICIAL = {"publisher": "Pennsylvania General Assembly",
               "url": "https://www.legis.state.pa.us/cfdocs/legis/LI/consCheck.cfm?txtType=HTM&ttl=18&div=0&chpt=30",
               "retrieved": AS_OF}


def fact(value="a direct result of", citation="18 Pa.C.S. § 3019(d)(1)", source=None, tier="official", **extra):
    node = {"value": value, "citation": citation, "source": PA_OFFICIAL if source is None else source,
            "verified": tier, "as_of": AS_OF, **extra}
    return node


def jurisdiction(code="PA", name="Pennsylvania", kind="state", **facts) -> Jurisdiction:
    unread = {"source": None, "verified": "none", "note": "Fixture: not read."}
    nodes = {"record_relief.available": {**fact(value=True), **unread},
             "record_relief.citation": {**fact(value="18 Pa.C.S. § 3019", citation="18 Pa.C.S. § 3019"), **unread},
             **{k.replace("__", "."): v for k, v in facts.items()}}
    return Jurisdiction(code=code, name=name, kind=kind, data_as_of=dt.date(2026, 11, 30),
                        facts={k: parse_fact(f"{code}:{k}", v) for k, v in nodes.items()})


def findings(j: Jurisdiction, check: str, used=("record_relief.available", "record_relief.citation",
                                                "record_relief.nexus")) -> list[dict]:
    others = {"PA": jurisdiction(), "WV": jurisdiction("WV", "West Virginia"), "VA": jurisdiction("VA", "Virginia")}
    [row] = [r for r in audit({**others, j.code: j}, used)["jurisdictions"] if r["code"] == j.code]
    return row[check]


def keys(items: list[dict]) -> list[str]:
    return [i["key"] for i in items]


def test_a_clean_official_fact_raises_nothing():
    j = jurisdiction(record_relief__nexus=fact())
    for check in FAILING_CHECKS + ("stale_copies", "unused_facts"):
        assert findings(j, check) == [], check


@pytest.mark.parametrize("source, tier", [
    ({"publisher": "Justia", "url": "https://law.justia.com/codes/pennsylvania/title-18/", "retrieved": AS_OF}, "copy"),
    ({"publisher": "LawServer", "url": "https://www.lawserver.com/law/state/pennsylvania/pa-laws/x", "retrieved": None},
     "copy"),
    ({"publisher": "FindLaw", "url": "https://codes.findlaw.com/pa/title-18-pacsa-crimes-and-offenses/", "retrieved": None},
     "copy"),
    ({"publisher": "Pennsylvania General Assembly", "url": "https://github.com/example/pa-code/blob/main/18.md",
      "retrieved": AS_OF, "via": "copy stored in GitHub repo example/pa-code (18.md)"}, "copy"),
])
def test_copies_that_name_the_jurisdiction_belong_to_it(source, tier):
    assert findings(jurisdiction(record_relief__nexus=fact(source=source, tier=tier)), "mismatched_sources") == []


@pytest.mark.parametrize("code, name, url", [
    ("PA", "Pennsylvania", "https://law.justia.com/codes/ohio/title-29/"),                      # another state's page
    ("VA", "Virginia", "https://getpocketlaw.com/law/state_virgin_islands/section-19-2-327-16"),  # Virgin Islands
    ("VA", "Virginia", "https://lawserver.com/law/state/west-virginia/wv-code/61-14-7"),      # West Virginia
    ("PA", "Pennsylvania", "https://lawserver.com/?p=29776988"),                              # names nobody
    ("PA", "Pennsylvania", "https://example-blog.invalid/pennsylvania-vacatur"),              # not a code site
    ("PA", "Pennsylvania", "https://law.lis.virginia.gov/vacode/19.2-327.18/"),               # another state's official host
])
def test_a_verified_source_from_elsewhere_is_a_mismatch(code, name, url):
    source = {"publisher": "Some site", "url": url, "retrieved": None}
    j = jurisdiction(code, name, record_relief__nexus=fact(source=source, tier="copy"))
    assert keys(findings(j, "mismatched_sources")) == ["record_relief.nexus"]


def test_official_hosts_follow_the_state_domain_rule_and_the_table():
    for code, name, url in [("VA", "Virginia", "https://law.lis.virginia.gov/vacode/19.2-327.18/"),
                            ("MI", "Michigan", "https://legislature.mi.gov/Laws/MCL"),
                            ("NY", "New York", "https://www.nycourts.gov/Reporter/3dseries/2019/2019_29126.htm"),
                            ("IN", "Indiana", "https://in.gov/cji/victim-services/"),  # the state domain itself
                            ("IA", "Iowa", "https://state.ia.us/government/ag/")]:
        source = {"publisher": "x", "url": url, "retrieved": None}
        assert findings(jurisdiction(code, name, record_relief__nexus=fact(source=source)), "mismatched_sources") == []


def test_a_source_without_url_needs_a_publisher_that_names_the_jurisdiction():
    bare = {"publisher": "a code book", "url": None, "retrieved": None}
    named = {"publisher": "Pennsylvania Consolidated Statutes (print edition)", "url": None, "retrieved": None}
    assert keys(findings(jurisdiction(record_relief__nexus=fact(source=bare)), "mismatched_sources")) == [
        "record_relief.nexus"]
    assert findings(jurisdiction(record_relief__nexus=fact(source=named)), "mismatched_sources") == []


def test_secondary_facts_are_not_held_to_the_source_rule():
    source = {"publisher": "Freedom Network USA", "url": "https://freedomnetworkusa.org/?p=5993", "retrieved": None}
    assert findings(jurisdiction(record_relief__nexus=fact(source=source, tier="secondary")),
                    "mismatched_sources") == []


@pytest.mark.parametrize("broken", [
    fact(value="a direct result of (per FNUSA)"),
    fact(value="a direct result of; subsection (e) not read"),
    fact(value="see https://example.invalid/statute"),
    fact(value="recalled from the memo"),
    fact(value="a direct result of [check]"),
    fact(citation="RCW 9.94A.640(3) (felonies)"),
    fact(value={"scope": "listed", "statutes": ["Md. Code, Crim. Law § 8-103 (misdemeanor)"], "description": "Listed."}),
    fact(value={"scope": "listed", "statutes": ["18 Pa.C.S. § 5902"], "description": "Only § 5902, per the memo."}),
])
def test_a_note_inside_a_value_or_citation_is_caught(broken):
    assert keys(findings(jurisdiction(record_relief__nexus=broken), "notes_in_values")) == ["record_relief.nexus"]


def test_a_citation_valued_fact_carries_its_value_as_citation_and_no_remark():
    remark = jurisdiction(affirmative_defence__citation=fact(value="La. R.S. 14:46.2 (immunity, as amended in 2022)",
                                                             citation="La. R.S. 14:46.2 (immunity, as amended in 2022)"))
    assert keys(findings(remark, "notes_in_values")) == ["affirmative_defence.citation"]
    other = jurisdiction(restitution__citation=fact(value="18 Pa.C.S. § 1106", citation="18 Pa.C.S. § 3019"))
    assert keys(findings(other, "citation_not_value")) == ["restitution.citation"]
    same = jurisdiction(restitution__citation=fact(value="18 Pa.C.S. § 1106", citation="18 Pa.C.S. § 1106"))
    assert findings(same, "citation_not_value") == []


def test_clean_values_with_pinpoints_and_practice_notes_pass():
    clean = fact(value={"scope": "listed", "statutes": ["18 Pa.C.S. § 3503(b)(1)", "Md. Code, Crim. Law § 5-601"],
                        "description": "Only criminal trespass (§ 3503) and possession (§ 5-601)."},
                 citation="18 Pa.C.S. § 3019(d)(1)-(2)")
    notes = fact(value=["The subsection on hearings was not read; read it before filing."])
    j = jurisdiction(record_relief__nexus=clean, record_relief__practice_notes=notes)
    assert findings(j, "notes_in_values") == []


def test_a_summary_marked_official_or_copy_is_caught():
    summary = {"publisher": "CSG Clean Slate Clearinghouse",
               "url": "https://cleanslateclearinghouse.org/policies/pa-c-1/", "retrieved": None}
    j = jurisdiction(record_relief__nexus=fact(source=summary, tier="copy"))
    assert keys(findings(j, "summary_marked_verified")) == ["record_relief.nexus"]
    honest = jurisdiction(record_relief__nexus=fact(source=summary, tier="secondary"))
    assert findings(honest, "summary_marked_verified") == []


def test_a_verified_fact_without_a_source_is_caught():
    j = jurisdiction(record_relief__nexus={**fact(), "source": None})
    assert keys(findings(j, "verified_without_source")) == ["record_relief.nexus"]


def test_a_copy_more_than_a_year_older_than_its_as_of_date_is_stale():
    old = {**PA_OFFICIAL, "text_date": "2024-12-31"}
    recent = {**PA_OFFICIAL, "text_date": "2026-01-15"}
    assert keys(findings(jurisdiction(record_relief__nexus=fact(source=old)), "stale_copies")) == [
        "record_relief.nexus"]
    assert findings(jurisdiction(record_relief__nexus=fact(source=recent)), "stale_copies") == []


def test_facts_outside_the_used_keys_are_listed_as_unused():
    j = jurisdiction(record_relief__nexus=fact(), record_relief__fees=fact(value="none"))
    assert keys(findings(j, "unused_facts")) == ["record_relief.fees"]


def test_the_report_is_json_ready_and_counts_tiers_and_failures():
    j = jurisdiction(record_relief__nexus=fact(value="x (per FNUSA)", tier="copy"),
                     record_relief__hearing=fact(value="none stated", tier="secondary"),
                     record_relief__citation=fact(value="18 Pa.C.S. § 3019", citation="18 Pa.C.S. § 3019"))
    report = audit({"PA": j}, [])
    assert json.loads(json.dumps(report)) == report
    s = report["summary"]
    assert s["known_facts_by_tier"] == {"official": 1, "copy": 1, "secondary": 1, "none": 1}
    assert s["remedy_citations_by_tier"]["official"] == 1
    assert s["remedy_record_relief_facts_by_tier"]["secondary"] == 1
    assert s["notes_in_values"] == 1 and s["failing"] == 1 and s["unused_facts"] == 4
    text = render_audit_text(report)
    assert "note written inside a value or citation: 1 (fails CI)" in text
    assert "record_relief.nexus" in text and "Remedy citations by tier: official 1" in text


def test_the_shipped_data_passes_every_check_that_fails_ci():
    """A mismatched source, a note inside a value, a summary or sourceless fact marked verified: CI fails."""
    report = audit(load_all(), [])
    found = {check: [(r["code"], item["key"]) for r in report["jurisdictions"] for item in r[check]]
             for check in FAILING_CHECKS}
    assert found == {check: [] for check in FAILING_CHECKS}
