"""The legal-data audit (issue 8): how far each jurisdiction's law can be trusted, and what is wrong with it.

Per jurisdiction it counts known facts by verification tier and lists stale copies, sources that do not
belong to the jurisdiction, notes written inside values or citations, facts no draft or report uses, and
verified facts that stand on no usable source or only on a summary. ``audit()`` returns JSON-ready data and
``render_audit_text()`` the terminal view; the CLI's ``data-audit`` wraps the two, and CI fails when
``FAILING_CHECKS`` find anything in the shipped data.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from .jurisdictions import TIERS, VERIFIED_TIERS, Fact, Jurisdiction
from .resources import SOURCES_DIR, read_yaml

SOURCE_SITES = SOURCES_DIR / "source_sites.yml"
STALE_AFTER = dt.timedelta(days=365)
CHECKS = ("mismatched_sources", "notes_in_values", "summary_marked_verified", "verified_without_source",
          "citation_not_value", "stale_copies", "unused_facts")
FAILING_CHECKS = ("mismatched_sources", "notes_in_values", "summary_marked_verified", "verified_without_source",
                  "citation_not_value")
CHECK_TITLES = {
    "mismatched_sources": "source does not belong to the jurisdiction",
    "notes_in_values": "note written inside a value or citation",
    "summary_marked_verified": "only a summary, but marked official or copy",
    "verified_without_source": "marked official or copy with no usable source",
    "citation_not_value": "a citation-valued fact whose citation is not its value",
    "stale_copies": "text more than a year older than the as-of date",
    "unused_facts": "used by no draft or report",
}

# Remarks that belong in `note`, never in a value a paper may quote or a citation it cites.
_NOTE_WORDS = re.compile(r"https?://|www\.|\bper (?!year|day|week|month|hour|cent|annum|se\b)|\bnot read\b|"
                         r"\brecalled\b|\bmemo\b|\bunverified\b|\bnot (?:yet )?(?:checked|confirmed|verified)\b|"
                         r"\[|\]|\bTODO\b|\?\s*$", re.I)
# A parenthesised remark in a statute-list entry or a citation: "(felonies)", "(as it existed before ...)".
_PAREN_REMARK = re.compile(r"\([^)]*[A-Za-z]{3}[^)]*\)")
# Keys whose values are notes to the attorney by design (shown in the report, never cited in a paper).
NOTE_KEYS = ("record_relief.practice_notes",)


@lru_cache(maxsize=None)
def source_sites() -> dict:
    """The official-host, code-site and summary-site table (data/sources/source_sites.yml)."""
    return read_yaml(SOURCE_SITES.read_text(encoding="utf-8"))


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _on(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", text.lower()) if t]


def _name_tokens(j: Jurisdiction) -> list[str]:
    return _tokens(re.sub(r"\(.*\)", "", j.name))


def is_official_host(host: str, j: Jurisdiction) -> bool:
    """A host the jurisdiction's legislature, courts or agencies publish on."""
    if _on(host, source_sites()["official_hosts"].get(j.code, ())):
        return True
    if j.kind != "state":
        return False
    name, code = "".join(_name_tokens(j)), j.code.lower()
    return _on(host, (f"{name}.gov", f"{code}.gov", f"state.{code}.us"))  # in.gov itself, not only www.in.gov


def _names_in(tokens: list[str], j: Jurisdiction, others: Iterable[Jurisdiction]) -> bool:
    """The words of the jurisdiction's name appear, and not as the tail of a longer name (West Virginia)."""
    name = _name_tokens(j)
    longer = [_name_tokens(o) for o in others if o.code != j.code]
    longer = [n for n in longer if len(n) > len(name) and n[-len(name):] == name]
    for i in range(len(tokens) - len(name) + 1):
        if tokens[i:i + len(name)] == name and not any(tokens[max(0, i - len(n) + len(name)):i] == n[:-len(name)]
                                                       for n in longer):
            return True
    return len(name) > 1 and "".join(name) in tokens


def names_jurisdiction(url: str, j: Jurisdiction, others: Iterable[Jurisdiction]) -> bool:
    """The address names this jurisdiction: its name as words, or its code as a whole path segment."""
    parts = urlsplit(url)
    tokens = _tokens(f"{parts.hostname} {parts.path}")
    if _names_in(tokens, j, others):
        return True
    segments = [s.lower() for s in parts.path.split("/")]
    code = j.code.lower()
    return code in segments or any(s.endswith(f"-code-{code}") for s in segments) or (
        j.code == "US" and any(t in ("uscode", "usc") for t in tokens))


def source_problem(fact: Fact, j: Jurisdiction, others: Iterable[Jurisdiction]) -> str | None:
    """Why a verified fact's source does not belong to its jurisdiction, or None when it does."""
    source = fact.source
    if source is None:
        return None
    sites = source_sites()
    publisher_ok = (source.publisher in sites["official_publishers"].get(j.code, ())
                    or _names_in(_tokens(source.publisher), j, others))
    if not source.url:
        return None if publisher_ok else f"no URL, and '{source.publisher}' does not name {j.name}"
    if source.via and publisher_ok:
        return None  # a copy reached another way: the publisher it reproduces must be the jurisdiction's
    host = _host(source.url)
    if is_official_host(host, j):
        return None
    mirror = next((code for site, code in sites["state_mirrors"].items() if _on(host, [site])), None)
    if mirror:
        return None if mirror == j.code else f"{host} mirrors {mirror}, not {j.code}"
    if _on(host, sites["code_sites"]):
        if names_jurisdiction(source.url, j, others):
            return None
        return f"the {host} address does not name {j.name}"
    return f"{host} is neither an official host of {j.code} nor a known code site"


def _is_summary(fact: Fact) -> bool:
    return bool(fact.source and fact.source.url and _on(_host(fact.source.url), source_sites()["summary_sites"]))


def _strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def note_inside(fact: Fact, key: str) -> str | None:
    """The first remark found inside the fact's value or citation, quoted; None when both are clean."""
    if fact.citation and (_NOTE_WORDS.search(fact.citation) or _PAREN_REMARK.search(fact.citation)):
        return f"citation: {fact.citation}"
    if key in NOTE_KEYS:
        return None
    if key.endswith(".citation") and isinstance(fact.value, str) and _PAREN_REMARK.search(fact.value):
        return f"value: {fact.value}"
    for text in _strings(fact.value):
        if _NOTE_WORDS.search(text):
            return f"value: {text}"
    if isinstance(fact.value, dict):
        for entry in (fact.value.get("statutes") or []) + (fact.value.get("excluded_statutes") or []):
            if _PAREN_REMARK.search(entry) or _NOTE_WORDS.search(entry):
                return f"statute list entry: {entry}"
    return None


def _is_stale(fact: Fact) -> bool:
    return bool(fact.source and fact.source.text_date and fact.as_of - fact.source.text_date > STALE_AFTER)


def audit_jurisdiction(j: Jurisdiction, used_keys: set[str], others: Iterable[Jurisdiction]) -> dict:
    """One jurisdiction's figures and findings; each finding names the fact by key with its detail."""
    found: dict[str, list[dict]] = {check: [] for check in CHECKS}
    by_tier = dict.fromkeys(TIERS, 0)
    for key, fact in sorted(j.facts.items()):
        if fact.known:
            by_tier[fact.tier] += 1
        if key not in used_keys:
            found["unused_facts"].append({"key": key})
        note = note_inside(fact, key)
        if note:
            found["notes_in_values"].append({"key": key, "detail": note})
        if key.endswith(".citation") and fact.known and fact.citation != fact.value:
            found["citation_not_value"].append({"key": key, "detail": f"value {fact.value!r}, citation {fact.citation!r}"})
        if _is_stale(fact):
            found["stale_copies"].append({"key": key, "detail": f"text of {fact.source.text_date.isoformat()}, "
                                                                 f"as of {fact.as_of.isoformat()}"})
        if fact.tier not in VERIFIED_TIERS:
            continue
        if fact.source is None or not (fact.source.url or fact.source.publisher):
            found["verified_without_source"].append({"key": key, "detail": f"tier {fact.tier}, no source"})
            continue
        if _is_summary(fact):
            found["summary_marked_verified"].append({"key": key, "detail": f"tier {fact.tier} on a summary: "
                                                                           f"{fact.source.publisher}"})
        problem = source_problem(fact, j, others)
        if problem:
            found["mismatched_sources"].append({"key": key, "detail": problem})
    remedy = j.value("record_relief.available") is True
    relief = [f for k, f in j.facts.items() if k.startswith("record_relief.") and f.known]
    return {
        "code": j.code, "name": j.name, "data_as_of": j.data_as_of.isoformat(), "remedy": remedy,
        "known_facts_by_tier": by_tier,
        "record_relief_known_facts_by_tier": {t: sum(1 for f in relief if f.tier == t) for t in TIERS},
        "citation_tier": j.fact("record_relief.citation").tier if remedy else None,
        **found,
    }


def audit(jurisdictions: dict[str, Jurisdiction], used_keys: Iterable[str]) -> dict:
    """The whole audit, JSON-ready: totals, per-jurisdiction findings, and the count that fails CI."""
    used = set(used_keys)
    rows = [audit_jurisdiction(j, used, jurisdictions.values()) for _, j in sorted(jurisdictions.items())]
    remedies = [r for r in rows if r["remedy"]]

    def total(field: str, of: list[dict]) -> dict[str, int]:
        return {t: sum(r[field][t] for r in of) for t in TIERS}

    relief = total("record_relief_known_facts_by_tier", remedies)
    relief_known = sum(relief.values())
    summary = {
        "jurisdictions": len(rows),
        "with_remedy": len(remedies),
        "known_facts_by_tier": total("known_facts_by_tier", rows),
        "remedy_citations_by_tier": {t: sum(1 for r in remedies if r["citation_tier"] == t) for t in TIERS},
        "remedy_record_relief_facts_by_tier": relief,
        "remedy_record_relief_verified_share": round(
            (relief["official"] + relief["copy"]) / relief_known, 3) if relief_known else None,
        **{check: sum(len(r[check]) for r in rows) for check in CHECKS},
    }
    summary["failing"] = sum(summary[check] for check in FAILING_CHECKS)
    return {"summary": summary, "jurisdictions": rows}


def _tiers(counts: dict[str, int]) -> str:
    return ", ".join(f"{t} {counts[t]}" for t in TIERS)


def render_audit_text(report: dict) -> str:
    """The audit for a terminal: totals, then each jurisdiction's tiers and findings (unused keys counted)."""
    s = report["summary"]
    share = s["remedy_record_relief_verified_share"]
    lines = [
        f"Legal-data audit: {s['jurisdictions']} jurisdictions, {s['with_remedy']} with a record-relief remedy.",
        f"Known facts by tier: {_tiers(s['known_facts_by_tier'])}.",
        f"Remedy citations by tier: {_tiers(s['remedy_citations_by_tier'])}.",
        f"Record-relief facts of remedy jurisdictions by tier: {_tiers(s['remedy_record_relief_facts_by_tier'])}"
        + (f" ({share:.0%} official or copy)." if share is not None else "."),
    ]
    lines += [f"{CHECK_TITLES[c]}: {s[c]}" + (" (fails CI)" if c in FAILING_CHECKS and s[c] else "") for c in CHECKS]
    for r in report["jurisdictions"]:
        lines += ["", f"{r['code']} ({r['name']}), data as of {r['data_as_of']}: {_tiers(r['known_facts_by_tier'])}"
                  + (f"; remedy citation {r['citation_tier']}" if r["remedy"] else "; no remedy recorded")]
        for check in CHECKS:
            if check == "unused_facts":
                if r[check]:
                    lines.append(f"  {CHECK_TITLES[check]}: {len(r[check])} facts")
                continue
            by_detail: dict[str, list[str]] = {}
            for item in r[check]:
                by_detail.setdefault(item["detail"], []).append(item["key"])
            lines += [f"  {CHECK_TITLES[check]}: {detail}: {', '.join(keys)}" for detail, keys in by_detail.items()]
    return "\n".join(lines) + "\n"
