"""Regenerate the README's legal-data status block from the data audit (docassemble.traffickingrelief.audit).

Run: .venv/bin/python tools/legal_data_status.py   (tests/test_readme.py fails when the block is stale)
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docassemble.traffickingrelief.audit import CHECK_TITLES, FAILING_CHECKS, audit  # noqa: E402
from docassemble.traffickingrelief.jurisdictions import coverage, coverage_summary, load_all  # noqa: E402

BEGIN, END = "<!-- legal-data-status:begin -->", "<!-- legal-data-status:end -->"


def _tiers(counts: dict[str, int]) -> str:
    return f"official {counts['official']}, copy {counts['copy']}, secondary {counts['secondary']}, none {counts['none']}"


def status_block() -> str:
    rows = coverage()
    counts = coverage_summary(rows)
    report = audit(load_all(), ())
    s = report["summary"]
    tiers_by_code = {r["code"]: r for r in report["jurisdictions"]}
    none = ", ".join(r["code"] for r in rows if r["record_relief"] is False)
    unknown = ", ".join(r["code"] for r in rows if r["record_relief"] is None)
    known = sum(s["known_facts_by_tier"].values())
    relief = s["remedy_record_relief_facts_by_tier"]
    share = s["remedy_record_relief_verified_share"]
    lines = [
        BEGIN,
        f"- Jurisdictions in the data set: **{s['jurisdictions']}** (50 states, DC and federal).",
        f"- With a trafficking-specific record-relief remedy: **{s['with_remedy']}**; "
        f"none found: **{counts['no_record_relief_found']}** ({none}); not determined: "
        f"**{counts['record_relief_unknown']}** ({unknown}).",
        f"- Remedy citations by tier: {_tiers(s['remedy_citations_by_tier'])}.",
        f"- Record-relief facts of the remedy jurisdictions (known values) by tier: {_tiers(relief)}"
        + (f" — **{share:.0%}** official or copy." if share is not None else "."),
        f"- All known facts ({known} of {counts['facts']}; the rest are unknown and "
        f"drafted as placeholders) by tier: {_tiers(s['known_facts_by_tier'])}.",
        "- Tiers: *official* = the legislature's, court's or agency's own text; *copy* = a verbatim code site; "
        "*secondary* = a summary or a reading not confirmed as current, never drafted as settled law; "
        "*none* = recalled or not read.",
        "- Audit (`traffickingrelief data-audit`): "
        + "; ".join(f"{CHECK_TITLES[c]}: {s[c]}" for c in FAILING_CHECKS + ("stale_copies",)) + ".",
        "",
        "| code | remedy | citation | citation tier | known facts: official / copy / secondary / none |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        remedy = "none found" if r["record_relief"] is False else (r["remedy"] or "not determined")
        tier = r["citation_tier"] if r["citation"] else "-"
        t = tiers_by_code[r["code"]]["known_facts_by_tier"]
        lines.append(f"| {r['code']} | {remedy} | {r['citation'] or '-'} | {tier} | "
                     f"{t['official']} / {t['copy']} / {t['secondary']} / {t['none']} |")
    lines.append(END)
    return "\n".join(lines)


def updated_readme(text: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: status_block(), text)


if __name__ == "__main__":
    argparse.ArgumentParser(description="Rewrite the README's legal-data status block from the data audit.").parse_args()
    readme = ROOT / "README.md"
    readme.write_text(updated_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print("README legal-data status updated")
