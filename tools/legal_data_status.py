"""Regenerate the README's legal-data status block from the jurisdiction data.

Run: .venv/bin/python tools/legal_data_status.py   (tests/test_readme.py fails when the block is stale)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docassemble.traffickingrelief.jurisdictions import coverage, coverage_summary  # noqa: E402

BEGIN, END = "<!-- legal-data-status:begin -->", "<!-- legal-data-status:end -->"


def status_block() -> str:
    rows = coverage()
    s = coverage_summary(rows)
    none = ", ".join(r["code"] for r in rows if r["record_relief"] is False)
    unknown = ", ".join(r["code"] for r in rows if r["record_relief"] is None)
    tiers = s["known_facts_by_tier"]
    cites = s["remedy_citations_by_tier"]
    lines = [
        BEGIN,
        f"- Jurisdictions in the data set: **{s['jurisdictions']}** (50 states, DC and federal).",
        f"- With a trafficking-specific record-relief remedy: **{s['with_record_relief']}**; "
        f"none found: **{s['no_record_relief_found']}** ({none}); not determined: **{s['record_relief_unknown']}** ({unknown}).",
        f"- Remedy citations read in the official text or a verbatim copy: **{s['citation_verified']}** of "
        f"{s['with_record_relief']} (official {cites['official']}, copy {cites['copy']}, secondary {cites['secondary']}, "
        f"none {cites['none']}).",
        f"- Legal facts recorded: {s['facts']}; known: {s['facts_known']}; verified: **{s['facts_verified']}** "
        f"(official {tiers['official']}, copy {tiers['copy']}; secondary, i.e. a summary or a reading not confirmed as current: {tiers['secondary']}, "
        f"recalled or not read: {tiers['none']}; {s['facts'] - s['facts_known']} unknown and drafted as placeholders).",
        "- Tiers: *official* = the legislature's, court's or agency's own text; *copy* = a verbatim code site; "
        "*secondary* = a summary or a reading not confirmed as current, never drafted as settled law; *none* = recalled or not read.",
        "",
        "| code | remedy | citation | citation tier | official + copy / known facts |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        remedy = "none found" if r["record_relief"] is False else (r["remedy"] or "not determined")
        tier = r["citation_tier"] if r["citation"] else "-"
        lines.append(f"| {r['code']} | {remedy} | {r['citation'] or '-'} | {tier} | {r['facts_verified']} / {r['facts_known']} |")
    lines.append(END)
    return "\n".join(lines)


def updated_readme(text: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: status_block(), text)


if __name__ == "__main__":
    readme = ROOT / "README.md"
    readme.write_text(updated_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print("README legal-data status updated")
