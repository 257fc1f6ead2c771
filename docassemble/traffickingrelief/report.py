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
from .migration import migration_note

REPORT_JSON = "assembly-report.json"
REPORT_MD = "assembly-report.md"
GENERATOR = "traffickingrelief"

DISCLAIMER = ("These are drafts for review by a licensed attorney. This software gives no legal advice; "
              "law marked unverified has not been checked against the statute's own text.")


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
    sources = _number_sources(law_used)
    unsettled: dict[str, dict] = {}
    for draft in drafts:
        for u in draft.unsettled:
            unsettled.setdefault(u["fact"], {**u, "documents": []})["documents"].append(draft.stem)
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
        "sources": sources,
        "unverified_law": [e for e in law_used if e["value"] is not None and not e["verified"]],
        "unsettled_law": sorted(unsettled.values(), key=lambda u: u["fact"]),
        "unknown_law": [e for e in law_used if e["value"] is None],
        "missing_facts": [{"document": d.stem, **m} for d in drafts for m in d.missing if m["kind"] == "fact"],
        "warnings": _warnings(case, results, drafts, families, pdf_note),
        "review_checklist": review_checklist(drafts, _warnings(case, results, drafts, families, pdf_note)),
        "jurisdiction_data": {r.jurisdiction.code: r.jurisdiction.data_as_of.isoformat() for r in results
                              if r.jurisdiction},
    }


SEVERITIES = ("blocking", "warning", "note")


def _operative(draft: Draft, clauses: list[str]) -> bool:
    """Whether the paragraphs are operative: anything in a proposed order, a title, an oath, a prayer for relief
    or the relief itself."""
    return draft.kind == "proposed_order" or any(
        c in ("title", "oath", "effects") or "prayer" in c for c in clauses)


def review_checklist(drafts: list[Draft], warnings: list[str]) -> list[dict]:
    """What the reviewing attorney must do, by document and paragraph, most severe first.

    blocking: law the data does not know in an operative paragraph, or a fact missing from a paper that is
    filed; warning: other unknown law, and law to confirm (no official or verbatim source); note: the
    report's warnings, and facts missing from working papers that are not filed."""
    items = []
    for order, draft in enumerate(drafts):
        def where(path):
            return (draft.law_used.get(path) or {}).get("clauses", [])
        for m in draft.missing:
            clauses = where(m["fact"]) if m["fact"] else []
            if m["kind"] == "law":
                severity = "blocking" if _operative(draft, clauses) else "warning"
                text = f"Unknown law: {m['label']}."
            else:
                severity = "blocking" if draft.layout is not None else "note"
                text = f"Missing fact: {m['label']}."
            items.append({"severity": severity, "document": draft.stem, "paragraphs": clauses, "text": text,
                          "_order": order})
        for u in draft.unsettled:
            items.append({"severity": "warning", "document": draft.stem, "paragraphs": where(u["fact"]),
                          "text": f"Confirm {u['label']} (source tier: {u['tier']}); accept it by name "
                                  f"({u['fact']}) for a final set.", "_order": order})
    items += [{"severity": "note", "document": None, "paragraphs": [], "text": w, "_order": len(drafts)}
              for w in warnings]
    items.sort(key=lambda i: (SEVERITIES.index(i["severity"]), i["_order"]))
    return [{k: v for k, v in i.items() if k != "_order"} for i in items]


def _number_sources(law_used: list[dict]) -> list[dict]:
    """Every source once, numbered; each law entry refers to its source by ``source_ref``."""
    numbered: dict[str, dict] = {}
    for entry in law_used:
        source = entry.get("source")
        if not source:
            entry["source_ref"] = None
            continue
        key = json.dumps(source, sort_keys=True)
        numbered.setdefault(key, {"ref": len(numbered) + 1, **source})
        entry["source_ref"] = numbered[key]["ref"]
    return list(numbered.values())


def _source_text(source: dict) -> str:
    parts = [source["publisher"], source.get("url"),
             f"retrieved {source['retrieved']}" if source.get("retrieved") else None,
             f"text dated {source['text_date']}" if source.get("text_date") else None,
             f"read via {source['via']}" if source.get("via") else None]
    return ", ".join(p for p in parts if p)


def _warnings(case: CaseFile, results: list[Eligibility], drafts: list[Draft], families: tuple[DraftFamily, ...],
              pdf_note: str) -> list[str]:
    out: list[str] = [migration_note(case.migrated_from)] if case.migrated_from else []
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
        reasons = "<br>".join(f"{x['text']}" + (f" *[{x['citation']}{'' if x['verified'] else ', ' + x['tier'] + ' source'}]*"
                                                if x["citation"] else "") for x in s["reasons"])
        lines.append(f"| {s['record_id']} ({s['record_kind']}) | {s['jurisdiction']} | {STATUS_LABELS[s['status']]} | "
                     f"{s['earliest_filing_date'] or ''} | {reasons} |")
    lines += ["", "## Review checklist (most severe first)", "", "| severity | document | paragraph | to do |",
              "|---|---|---|---|"]
    for item in report.get("review_checklist", []):
        lines.append(f"| {item['severity']} | {item['document'] or '(whole set)'} | {', '.join(item['paragraphs'])} | "
                     f"{item['text'].replace('|', '/')} |")
    lines += ["", "## Warnings", ""] + ([f"- {w}" for w in report["warnings"]] or ["- none"])
    lines += ["", "## Missing facts (placeholders in the drafts)", ""]
    lines += [f"- {m['document']}: {m['label']}" for m in report["missing_facts"]] or ["- none"]
    lines += ["", "## Unknown law (placeholders in the drafts)", ""]
    lines += [f"- `{e['path']}` ({e['label']}): {e['note'] or 'unknown'}" for e in report["unknown_law"]] or ["- none"]
    lines += ["", "## Law to confirm ([CONFIRM: ...] in the drafts: no official or verbatim source)", ""]
    lines += [f"- `{u['fact']}` ({u['label']}; source tier: {u['tier']}) in {', '.join(u['documents'])}. "
              f"Accept it by name for a final set (`--accept-law {u['fact']}`) once checked."
              for u in report["unsettled_law"]] or ["- none"]
    lines += ["", "## Unverified law used", ""]
    lines += [f"- `{e['path']}` = {json.dumps(e['value'], ensure_ascii=False)} (tier {e['tier']}"
              + (f"; source [{e['source_ref']}]" if e["source_ref"] else "; no source") + f"; as of {e['as_of']})"
              for e in report["unverified_law"]] or ["- none"]
    lines += ["", "## Every clause and its law", "", "| law | value | citation | source | tier | clauses |",
              "|---|---|---|---|---|---|"]
    for e in report["law_used"]:
        value = "unknown" if e["value"] is None else json.dumps(e["value"], ensure_ascii=False)
        ref = f"[{e['source_ref']}]" if e["source_ref"] else ""
        lines.append(f"| `{e['path']}` | {value.replace('|', '/')} | {(e['citation'] or '').replace('|', '/')} | "
                     f"{ref} | {e['tier']} | {', '.join(e['clauses'])} |")
    lines += ["", "## Sources", ""]
    lines += [f"{s['ref']}. {_source_text(s)}" for s in report["sources"]] or ["- none"]
    return "\n".join(lines) + "\n"
