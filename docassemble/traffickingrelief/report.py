"""The assembly report: what was produced, from which law, what is unverified and what is missing.

Written beside the drafts as JSON (for software) and Markdown (for the reviewing attorney). It is
how "unknown stays unknown" reaches a person: every placeholder and every unverified rule a draft
relies on is listed here.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from . import __version__
from .drafting import Draft
from .eligibility import STATUS_LABELS, Eligibility
from .facts import CaseFile
from .family import DraftFamily

REPORT_JSON = "assembly-report.json"
REPORT_MD = "assembly-report.md"
GENERATOR = "traffickingrelief"

DISCLAIMER = ("These are drafts for review by a licensed attorney. This software gives no legal advice; "
              "law marked unverified has not been checked against the statute's own text.")


def is_previous_output(folder: Path) -> bool:
    """True when ``folder`` is empty or holds a report this tool wrote (safe to replace)."""
    if not folder.is_dir():
        return False
    if not any(folder.iterdir()):
        return True
    try:
        return json.loads((folder / REPORT_JSON).read_text(encoding="utf-8")).get("generator") == GENERATOR
    except (OSError, ValueError, AttributeError):
        return False


def build_report(case: CaseFile, results: list[Eligibility], drafts: list[Draft], written: list[tuple[Draft, Path]],
                 families: tuple[DraftFamily, ...], review, today: dt.date, pdf_note: str) -> dict:
    root = written[0][1].parent.parent if written else None
    documents = []
    for draft, path in written:
        for file in (path, path.with_suffix(".pdf")):
            if file.is_file():
                documents.append({"file": str(file.relative_to(root)), "format": file.suffix[1:], "title": draft.title,
                                  "kind": draft.kind, "family": draft.family, "group": draft.group,
                                  "placeholders": len(draft.missing)})
    law: dict[str, dict] = {}
    for draft in drafts:
        for entry in draft.law_used.values():
            merged = law.setdefault(entry["path"], {**entry, "clauses": [], "documents": []})
            merged["clauses"] = sorted(set(merged["clauses"]) | set(entry["clauses"]))
            if draft.stem not in merged["documents"]:
                merged["documents"].append(draft.stem)
    law_used = sorted(law.values(), key=lambda e: e["path"])
    return {
        "generator": GENERATOR,
        "version": __version__,
        "generated_on": today.isoformat(),
        "status": "final" if review else "draft",
        "review": ({"attorney_name": review.attorney_name, "bar_number": review.bar_number,
                    "reviewed_on": review.reviewed_on.isoformat()} if review else None),
        "disclaimer": DISCLAIMER,
        "families": [f.name for f in families],
        "pdf": pdf_note,
        "documents": documents,
        "screening": [r.as_dict() for r in results],
        "law_used": law_used,
        "unverified_law": [e for e in law_used if e["value"] is not None and not e["verified"]],
        "unknown_law": [e for e in law_used if e["value"] is None],
        "missing_facts": [{"document": d.stem, **m} for d in drafts for m in d.missing if m["kind"] == "fact"],
        "warnings": _warnings(case, results, drafts, families, pdf_note),
        "jurisdiction_data": {r.jurisdiction.code: r.jurisdiction.data_as_of.isoformat() for r in results
                              if r.jurisdiction},
    }


def _warnings(case: CaseFile, results: list[Eligibility], drafts: list[Draft], families: tuple[DraftFamily, ...],
              pdf_note: str) -> list[str]:
    out: list[str] = []
    for family in families:
        mine = [r for r in results if r.family == family.name]
        out += family.warnings(case, mine, [d for d in drafts if d.family == family.name])
    if case.preparer.role != "attorney":
        out.append("The preparer is not an attorney: a licensed attorney must review and sign every court filing.")
    if "not produced" in pdf_note:
        out.append(pdf_note)
    return list(dict.fromkeys(out))


def render_markdown(report: dict) -> str:
    lines = [f"# Assembly report ({report['status']})", "", f"> {report['disclaimer']}", "",
             f"Generated on {report['generated_on']} by traffickingrelief {report['version']}. {report['pdf']}", ""]
    if report["review"]:
        r = report["review"]
        lines += [f"Reviewed by {r['attorney_name']} (bar no. {r['bar_number']}) on {r['reviewed_on']}.", ""]
    lines += ["## Documents", ""]
    lines += [f"- `{d['file']}`: {d['title']} ({d['group']}), {d['placeholders']} placeholder(s)" for d in report["documents"]
              ] or ["- none"]
    lines += ["", "## Screening", "", "| record | jurisdiction | result | earliest filing | reasons |", "|---|---|---|---|---|"]
    for s in report["screening"]:
        reasons = "<br>".join(f"{x['text']}" + (f" *[{x['citation']}{'' if x['verified'] else ', unverified'}]*"
                                                if x["citation"] else "") for x in s["reasons"])
        lines.append(f"| {s['record_id']} ({s['record_kind']}) | {s['jurisdiction']} | {STATUS_LABELS[s['status']]} | "
                     f"{s['earliest_filing_date'] or ''} | {reasons} |")
    lines += ["", "## Warnings", ""] + ([f"- {w}" for w in report["warnings"]] or ["- none"])
    lines += ["", "## Missing facts (placeholders in the drafts)", ""]
    lines += [f"- {m['document']}: {m['label']}" for m in report["missing_facts"]] or ["- none"]
    lines += ["", "## Unknown law (placeholders in the drafts)", ""]
    lines += [f"- `{e['path']}` ({e['label']}): {e['note'] or 'unknown'}" for e in report["unknown_law"]] or ["- none"]
    lines += ["", "## Unverified law used", ""]
    lines += [f"- `{e['path']}` = {json.dumps(e['value'], ensure_ascii=False)} (source: {e['source']}; as of {e['as_of']})"
              for e in report["unverified_law"]] or ["- none"]
    lines += ["", "## Every clause and its source", "", "| law | value | source | verified | clauses |", "|---|---|---|---|---|"]
    for e in report["law_used"]:
        value = "unknown" if e["value"] is None else json.dumps(e["value"], ensure_ascii=False)
        lines.append(f"| `{e['path']}` | {value.replace('|', '/')} | {e['source'] or ''} | {'yes' if e['verified'] else 'no'} | "
                     f"{', '.join(e['clauses'])} |")
    return "\n".join(lines) + "\n"
