"""Glue between the docassemble interview (interviews/tr_*.yml) and the assembly core.

The interview stays thin: its YAML asks questions and stores the answers on plain objects; this
module turns those answers into a case file (the same dict the CLI reads), fills the answers back
in from an uploaded case file, says which record questions a jurisdiction's data calls for,
prepares screening results for display, and runs the assembly. It holds no legal rule of its own:
every rule stays in the core (``screening.py``, the jurisdiction data).

This module never imports docassemble at module level, so it is unit-tested without it
(``tests/test_interview_support.py``). It reads interview objects by duck typing: an object's
answers are its instance ``__dict__`` (never ``getattr``, which on a docassemble ``DAObject``
would leave a pending "undefined" error behind), a list's items are its ``elements``.
Messages name fields, never the client's own text, and nothing here logs.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import tempfile
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from .assembly import assemble
from .eligibility import CONSENT, ELIGIBLE, NEEDS_REVIEW, NOT_YET_ELIGIBLE
from .errors import CaseFileError, TraffickingReliefError
from .facts import MAX_CASE_FILE_BYTES, parse_case, read_case_data
from .jurisdictions import coverage, load_all, load_jurisdiction
from .report import REPORT_JSON, REPORT_MD
from .resources import SOURCES_DIR, load_schema, read_yaml
from .screening import screen
from .sealed_files import SEALED_SUFFIX, new_file_key, one_time_download, seal, stored_file_download
from .server_redis import server_redis

__all__ = [
    "esc", "jurisdiction_choices", "jurisdiction_names", "jurisdiction_overview", "record_questions", "asks", "procedure_asks", "procedure_sections",
    "selected_codes", "build_case_file", "with_family_sections", "case_problems", "case_file_json", "read_case_file_upload",
    "prefill_from_case_file", "apply_prefill", "screening_rows", "any_draftable", "assemble_into",
    "record_summary", "display_date", "state_choices", "export_download", "EXPORT_FILENAME", "MAX_UPLOAD_BYTES",
    "new_file_key", "stored_file_download",
    "OFFENCE_CATEGORIES", "use_spanish_interface_words", "us_english", "reask_variable", "download_rows",
    "cases_without_papers", "valid_age", "progress_key", "progress_reporter", "read_progress", "interview_families", "erase_stored_files", "jurisdiction_code", "states_picked", "blocking_items", "report_html", "report_docx", "ZIP_NAME",
]

EXPORT_FILENAME = "case-file.json"
CASE_FILE_VERSION = load_schema("case_file.schema.json")["properties"]["case_file_version"]["const"]
MAX_UPLOAD_BYTES = MAX_CASE_FILE_BYTES  # the CLI's limit: one reader for both front doors

# Stable choice codes of the interview -> case-file values. Labels live in the YAML (translated).
YES, NO, NOT_SURE, PREFER_NOT = "yes", "no", "not_sure", "prefer_not_to_say"
WRITE_NOW = "write_now"
_TRI = {YES: True, NO: False}
_TYPE_CHOICES = {"labor": ["labor"], "sex": ["sex"], "both": ["labor", "sex"]}
US_CITIZEN, NOT_US_CITIZEN = "us_citizen", "not_us_citizen"
US_CITIZENSHIP = "United States"
UNKNOWN_CHOICE = "not_sure"  # offence class, defence, consent: "I don't know" -> None in the case file

# Official papers a survivor may hold: code -> the title written into the case file (and the drafts).
OFFICIAL_DOCUMENTS = {
    "t_visa_approval": "Form I-797 approval notice for T nonimmigrant status",
    "t_visa_pending": "Form I-797 receipt notice for a pending T visa application (Form I-914)",
    "continued_presence": "Continued Presence letter from federal law enforcement",
    "hhs_letter": "HHS certification or eligibility letter (Office on Trafficking in Persons)",
    "law_enforcement_declaration": "Form I-914 Supplement B declaration signed by a law enforcement agency",
}


def _schema_enum(*path: str) -> tuple:
    node = load_schema("case_file.schema.json")["$defs"]
    for key in path:
        node = node[key]
    return tuple(v for v in node["enum"] if v is not None)


OFFENCE_CATEGORIES = _schema_enum("offence_categories", "items")


# ---------------------------------------------------------------------------------------------
# Reading interview objects without docassemble


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """An answer stored on ``obj`` (a DAObject, a plain object or a mapping), or ``default``."""
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    try:
        return vars(obj).get(name, default)
    except TypeError:
        return default


def _items(seq: Any) -> list:
    """The items of a DAList (its ``elements``) or of a plain list, without triggering a gather."""
    if seq is None:
        return []
    if isinstance(seq, (list, tuple)):
        return list(seq)
    elements = _get(seq, "elements")
    return list(elements) if isinstance(elements, (list, tuple)) else []


def selected_codes(value: Any, order: Iterable[str] | None = None) -> list[str]:
    """Codes ticked in a checkbox answer (a DADict or dict of booleans, or a list), in ``order``."""
    if value is None:
        return []
    if not isinstance(value, (Mapping, list, tuple, set, frozenset)):
        elements = _get(value, "elements")
        value = elements if elements is not None else []
    if isinstance(value, Mapping):
        chosen = [str(k) for k, v in value.items() if v]
    else:
        chosen = [str(v) for v in value]
    if order is not None:
        order = list(order)
        rank = {code: i for i, code in enumerate(order)}
        chosen = sorted(set(chosen), key=lambda c: (rank.get(c, len(order)), c))
    return chosen


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any) -> str | None:
    """A date answer (docassemble's DADateTime, a date, or text) as YYYY-MM-DD; None when blank."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return dt.datetime.strptime(text[:19] if "T" in fmt else text, fmt).date().isoformat()
        except ValueError:
            continue
    return text  # parse_case reports it by field path


def _tri(choice: Any) -> bool | None:
    return _TRI.get(choice)


def _money_text(value: Any) -> str | None:
    """An amount as the case file writes money ("125.50"); None when blank or not an amount."""
    if value is None or str(value).strip() == "":
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("$", "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return str(amount) if amount >= 0 else None


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def valid_age(value: Any) -> bool:
    """``validate:`` for an optional age: blank (unknown, kept unknown) or a whole number 0 to 120.

    The field is text, not docassemble's integer type, which stores a blank answer as 0.
    """
    text = "" if value is None else str(value).strip()
    if not text or (text.isascii() and text.isdigit() and int(text) <= 120):
        return True
    from docassemble.base.util import validation_error, word

    validation_error(word("Write the age as a number, or leave it blank."))
    return False


def _prune(mapping: dict) -> dict:
    """Drop keys whose value is None or empty (absent means unknown in a case file)."""
    return {k: v for k, v in mapping.items() if v is not None and v != [] and v != {}}


# ---------------------------------------------------------------------------------------------
# Display helpers


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "[": "&#91;", "]": "&#93;",
            "*": "&#42;", "_": "&#95;", "`": "&#96;", "#": "&#35;", "\\": "&#92;", "|": "&#124;", "~": "&#126;",
            "$": "&#36;", "{": "&#123;", "}": "&#125;", "!": "&#33;", "=": "&#61;", "+": "&#43;", "-": "&#45;"}
_ESCAPE_RE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


def esc(value: Any) -> str:
    """Text (a user's answer, or data) made inert for a docassemble screen.

    Screens are Markdown with HTML and docassemble's own ``[FILE ...]``-style markup; every
    character any of those gives a meaning to becomes a character reference, and line breaks
    become spaces, so what a person typed always shows as typed and never as markup.
    """
    if value is None:
        return ""
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(value))
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def display_date(value: Any) -> str:
    """A stored date answer as YYYY-MM-DD for review screens ("" when blank)."""
    return _date(value) or ""


# ---------------------------------------------------------------------------------------------
# Jurisdictions: choices, the overview, and which record questions their data calls for


def jurisdiction_choices() -> list[dict]:
    """``[{code: name}, ...]`` for a docassemble ``choices: code:``: states and DC by name, federal last."""
    return [{code: name} for code, name in _jurisdiction_names()]


@lru_cache(maxsize=1)
def _jurisdiction_names() -> tuple[tuple[str, str], ...]:
    """Sorted once per process: the state screens show this list on every request that draws them."""
    rows = sorted(coverage(), key=lambda r: (r["kind"] == "federal", r["name"]))
    return tuple((r["code"], r["name"]) for r in rows)


def jurisdiction_code(value: Any) -> str | None:
    """The jurisdiction code for a picked or typed state (its code or its name, any case), else None."""
    if value is None:
        return None
    text = str(value).strip()
    known = load_all()
    if text.upper() in known:
        return text.upper()
    by_name = {j.name.casefold(): code for code, j in known.items()}
    return by_name.get(text.casefold())


def states_picked(first: Any, others: Any = None) -> list[str]:
    """The states chosen on the state screen: the first one, then any others, each once, in order."""
    out = []
    for value in [first, *selected_codes(others)]:
        code = jurisdiction_code(value)
        if code and code not in out:
            out.append(code)
    return out


def state_choices(codes: Iterable[str]) -> list[list]:
    """``[[code, name, default], ...]`` for one record's state: the chosen places, the first preselected."""
    known = load_all()
    return [[c, known[c].name, i == 0] for i, c in enumerate(c for c in codes if c in known)]


def jurisdiction_names(codes: Iterable[str]) -> list[str]:
    known = load_all()
    return [known[c].name for c in codes if c in known]


def jurisdiction_overview(codes: Iterable[str]) -> list[dict]:
    """One row per chosen jurisdiction for the overview screen (legal text stays as the data has it)."""
    rows = []
    for code in codes:
        j = load_jurisdiction(code)
        available = j.value("record_relief.available")
        citation = j.fact("record_relief.citation")
        rows.append({
            "code": code, "name": j.name,
            "relief": "yes" if available is True else ("no" if available is False else "unknown"),
            "remedy": j.value("record_relief.remedy_name"), "citation": citation.value,
            "verified": citation.verified, "data_as_of": j.data_as_of.isoformat(),
        })
    return rows


def record_questions(code: str | None) -> dict[str, bool]:
    """Which optional record questions matter in this jurisdiction, read from its data.

    A question is asked unless the data says its answer cannot change anything there (for example
    the prosecutor's consent is asked only where the law requires it or the data does not know).
    """
    everything = {"prosecutor_consent": True, "offence_class": True, "violent": True, "affirmative_defence": True,
                  "arrest_details": True, "prosecuting_office": True, "dismissed_by": True, "fines_paid": True}
    if not code or code not in load_all():
        return everything
    j = load_jurisdiction(code)
    available = j.value("record_relief.available")
    if available is False:
        return {key: False for key in everything}
    if available is None:
        return everything
    scope = j.value("record_relief.offences")
    minor_scope = j.value("record_relief.offences_if_minor")
    scopes = [s for s in (scope, minor_scope) if s]
    return {
        "prosecutor_consent": j.value("record_relief.prosecutor_consent_required") is not False,
        "offence_class": scope is None or any(s.get("max_offence_class") for s in scopes),
        "violent": scope is None or any(s.get("scope") == "non_violent" for s in scopes),
        "affirmative_defence": j.value("record_relief.failed_defence_bars_relief") is not False,
        # The arresting agency and its district are served and sent the order (certificate, after-order checklist).
        "arrest_details": True,
        # The office to serve: asked unless the data names it for the county.
        "prosecuting_office": not j.fact("record_relief.prosecutor_office").known,
        # Who moved to dismiss: only where the law reaches charges that did not end in a conviction.
        "dismissed_by": j.value("record_relief.covers_arrests") is not False,
        # Fines and fees paid: only where the relief the law gives speaks of them (a refund, or none).
        "fines_paid": _mentions_fines(j),
    }


_FINES = re.compile(r"\b(fines?|fees|costs)\b", re.I)


def _mentions_fines(j) -> bool:
    """Whether the relief the law gives (for any record type) says anything about fines, fees or costs."""
    effects = [fact.value or [] for key, fact in j.facts.items()
               if key == "record_relief.relief_effects"
               or (key.startswith("record_relief.by_record_type.") and key.endswith(".relief_effects"))]
    return any(_FINES.search(effect) for group in effects for effect in group)


def procedure_asks(codes: Iterable[str] | None, question: str) -> bool:
    """``show if`` helper for record relief's procedure questions, which depend on the law of any state picked:
    ``filing_date`` where a response window is counted from filing, ``victims`` where the law requires notice
    to victims. Unknown data does not ask (the papers then carry no such rule)."""
    key = {"filing_date": "record_relief.response_window", "victims": "record_relief.victim_notice"}[question]
    known = load_all()
    return any(load_jurisdiction(c).fact(key).known for c in (codes or ()) if c in known)


def procedure_sections(filing_date: Any, victims: Any) -> dict:
    """The case-file sections record relief's procedure questions answer (intended filing date, victims to
    notify: one per line)."""
    lines = [line.strip() for line in str(victims or "").splitlines() if line.strip()]
    return {"filing_date": _date(filing_date), "victims_to_notify": lines}


def asks(code: str | None, question: str) -> bool:
    """``show if`` helper: does this jurisdiction's data call for ``question``?"""
    return record_questions(code).get(question, True)


# ---------------------------------------------------------------------------------------------
# Answers -> case file


def _preparer_role(user_role: Any, helper_role: Any, stored: Any) -> str:
    if stored in ("attorney", "advocate"):
        return stored
    if user_role in ("attorney", "advocate"):
        return user_role
    return helper_role if helper_role in ("attorney", "advocate") else "advocate"


def _client(client: Any, interview_language: Any) -> dict:
    immigration = _get(client, "immigration_choice")
    citizenship = status = None
    if immigration == US_CITIZEN:
        citizenship = US_CITIZENSHIP
    elif immigration == NOT_US_CITIZEN:
        citizenship, status = _text(_get(client, "citizenship")), _text(_get(client, "immigration_status"))
    language = _text(_get(client, "preferred_language")) or (
        interview_language if interview_language in ("en", "es") else None)
    contact = _prune({
        "street": _text(_get(client, "street")), "city": _text(_get(client, "city")),
        "state": _text(_get(client, "state")), "postal_code": _text(_get(client, "postal_code")),
        "phone": _text(_get(client, "phone")), "email": _text(_get(client, "email")),
        "safe_to_contact": _tri(_get(client, "safe_to_contact_choice")),
    })
    return _prune({
        "legal_name": _text(_get(client, "legal_name")) or "",
        "pseudonym": _text(_get(client, "pseudonym")),
        "use_pseudonym_in_filings": _get(client, "pseudonym_choice") == YES,
        "date_of_birth": _date(_get(client, "date_of_birth")),
        "contact": contact,
        "preferred_language": language,
        "citizenship": citizenship,
        "immigration_status": status,
    })


def _trafficking(t: Any, carry: Mapping) -> dict:
    period = _prune({"start": _date(_get(t, "period_start")), "end": _date(_get(t, "period_end")),
                     "place": _text(_get(t, "place"))})
    periods = ([period] if period else []) + list(carry.get("extra_periods", []))
    trafficker = _prune({"name": carry.get("first_trafficker_name"), "relationship": _text(_get(t, "relationship"))})
    traffickers = ([trafficker] if trafficker else []) + list(carry.get("extra_traffickers", []))
    documents = [OFFICIAL_DOCUMENTS[c] for c in selected_codes(_get(t, "documents"), OFFICIAL_DOCUMENTS)
                 if c in OFFICIAL_DOCUMENTS]
    other = _get(t, "other_documents")
    if other:
        documents += [line.strip() for line in str(other).splitlines() if line.strip() and line.strip() not in documents]
    return _prune({
        "types": _TYPE_CHOICES.get(_get(t, "type_choice"), []),
        "periods": periods,
        "traffickers": traffickers,
        "force": _tri(_get(t, "force_choice")),
        "fraud": _tri(_get(t, "fraud_choice")),
        "coercion": _tri(_get(t, "coercion_choice")),
        "means_description": _text(_get(t, "means_description")),
        "age_at_start": _int(_get(t, "age_at_start")),
        "narrative": _text(_get(t, "narrative")) if _get(t, "narrative_choice") == WRITE_NOW else None,
        "ended_on": _date(_get(t, "ended_on")),
        "sought_services_on": _date(_get(t, "sought_services_on")),
        "official_documentation": documents,
        # asked by the certification module (T visa's trauma exemption from cooperation)
        "unable_to_cooperate_due_to_trauma": _tri(_get(t, "trauma_choice")),
        "trauma_explanation": _text(_get(t, "trauma_explanation")) if _get(t, "trauma_choice") == YES else None,
    })


def _coded(value: Any, allowed: tuple) -> Any:
    return value if value in allowed else None


def _records(records: Any) -> tuple[list[dict], list[dict]]:
    convictions, arrests, _ = _records_in_order(records)
    return convictions, arrests


def _records_in_order(records: Any) -> tuple[list[dict], list[dict], list[str]]:
    """Convictions, arrests, and every record's case-file id in the interview's list order."""
    convictions, arrests, order = [], [], []
    used = {str(_get(r, "id")) for r in _items(records) if _get(r, "id")}
    counters = {"conviction": 0, "arrest": 0}
    seen: set[str] = set()
    for rec in _items(records):
        kind = "arrest" if _get(rec, "kind") == "arrest" else "conviction"
        rid = _text(_get(rec, "id"))
        if not rid or rid in seen:
            prefix = "c" if kind == "conviction" else "a"
            while True:
                counters[kind] += 1
                rid = f"{prefix}{counters[kind]}"
                if rid not in used and rid not in seen:
                    break
        seen.add(rid)
        order.append(rid)
        out = {
            "id": rid, "jurisdiction": _text(_get(rec, "jurisdiction")) or "",
            "court": _text(_get(rec, "court")), "county": _text(_get(rec, "county")),
            "case_number": _text(_get(rec, "case_number")), "offence": _text(_get(rec, "offence")) or "",
            "statute": _text(_get(rec, "statute")),
            "offence_categories": selected_codes(_get(rec, "offence_categories"), OFFENCE_CATEGORIES),
            "offence_class": _coded(_get(rec, "offence_class"), _schema_enum("conviction", "properties", "offence_class")),
            "violent": _tri(_get(rec, "violent_choice")),
            "agency": _text(_get(rec, "agency")), "district": _text(_get(rec, "district")),
            "prosecuting_office": _text(_get(rec, "prosecuting_office")),
            "fines_and_fees_paid": _money_text(_get(rec, "fines_and_fees_paid")),
        }
        if kind == "conviction":
            out.update({
                "offence_date": _date(_get(rec, "offence_date")), "arrest_date": _date(_get(rec, "arrest_date")),
                "conviction_date": _date(_get(rec, "conviction_date")), "disposition": _text(_get(rec, "disposition")),
                "sentence": _text(_get(rec, "sentence")),
                "sentence_completed_on": _date(_get(rec, "sentence_completed_on")),
                "juvenile_adjudication": True if _get(rec, "juvenile_choice") == YES else None,
                "affirmative_defence_at_trial": _coded(_get(rec, "affirmative_defence_at_trial"),
                                                       _schema_enum("conviction", "properties", "affirmative_defence_at_trial")),
            })
        else:
            out.update({
                "arrest_date": _date(_get(rec, "arrest_date")),
                "disposition": _coded(_get(rec, "arrest_disposition"), _schema_enum("arrest", "properties", "disposition")),
                "dismissed_on_motion_of": _coded(_get(rec, "dismissed_on_motion_of"),
                                                 _schema_enum("arrest", "properties", "dismissed_on_motion_of")),
                "disposition_date": _date(_get(rec, "disposition_date")),
            })
        out["trafficking_connection"] = (_text(_get(rec, "trafficking_connection"))
                                         if _get(rec, "connection_choice") == WRITE_NOW else None)
        out["prosecutor_consent"] = _coded(_get(rec, "prosecutor_consent"),
                                           _schema_enum("conviction", "properties", "prosecutor_consent"))
        out = _prune(out)
        out.setdefault("jurisdiction", "")
        out.setdefault("offence", "")
        (convictions if kind == "conviction" else arrests).append(out)
    return convictions, arrests, order


def _contacts(items: Any) -> list[dict]:
    return [_prune({
        "agency": _text(_get(c, "agency")) or "", "officer": _text(_get(c, "officer")),
        "phone": _text(_get(c, "phone")), "email": _text(_get(c, "email")),
        "report_number": _text(_get(c, "report_number")), "contact_date": _date(_get(c, "contact_date")),
        "cooperation": _text(_get(c, "cooperation")),
    }) | {"agency": _text(_get(c, "agency")) or ""} for c in _items(items)]


def _evidence(items: Any) -> list[dict]:
    out, seen = [], set()
    used = {str(_get(e, "id")) for e in _items(items) if _get(e, "id")}
    n = 0
    for item in _items(items):
        eid = _text(_get(item, "id"))
        if not eid or eid in seen:
            while True:
                n += 1
                eid = f"e{n}"
                if eid not in used and eid not in seen:
                    break
        seen.add(eid)
        out.append(_prune({
            "id": eid, "title": _text(_get(item, "title")) or "",
            "kind": _coded(_get(item, "kind"), _schema_enum("evidence", "properties", "kind")),
            "path": _text(_get(item, "path")), "date": _date(_get(item, "date")),
            "description": _text(_get(item, "description")),
            # carried from an uploaded case file (the shared questions do not ask them)
            "elements": [x for x in (_get(item, "elements") or []) if isinstance(x, str)],
            "language": _text(_get(item, "language")),
        }) | {"title": _text(_get(item, "title")) or ""})
    return out


def build_case_file(*, client: Any = None, trafficking: Any = None, records: Any = None, le_contacts: Any = None,
                    evidence_items: Any = None, preparer: Any = None, user_role: Any = None, helper_role: Any = None,
                    interview_language: Any = None, confidential_filing_choice: Any = None,
                    carry_over: Mapping | None = None) -> dict:
    """The interview's answers as a case file (``case_file.schema.json``); unanswered means absent.

    ``carry_over`` holds what an uploaded case file had and the interview does not ask about
    (pending charges, prior relief, losses, family members, A-number, extra periods...), so a
    case file that goes through the interview comes back out whole.
    """
    carry = dict(carry_over or {})
    convictions, arrests = _records(records)
    role = _preparer_role(user_role, helper_role, _get(preparer, "role"))
    preparer_out = _prune({
        "name": _text(_get(preparer, "name")) or "", "role": role,
        "bar_number": _text(_get(preparer, "bar_number")) if role == "attorney" else None,
        "bar_state": _text(_get(preparer, "bar_state")) if role == "attorney" else None,
        "organisation": _text(_get(preparer, "organisation")), "address": _text(_get(preparer, "address")),
        "phone": _text(_get(preparer, "phone")), "email": _text(_get(preparer, "email")),
    }) | {"name": _text(_get(preparer, "name")) or "", "role": role}
    client_out = _client(client, interview_language)
    client_out.setdefault("legal_name", "")
    if carry.get("a_number"):
        client_out["a_number"] = carry["a_number"]
    if carry.get("identifiers"):
        client_out["identifiers"] = copy.deepcopy(dict(carry["identifiers"]))
    data: dict[str, Any] = {"case_file_version": CASE_FILE_VERSION, "client": client_out}
    trafficking_out = _trafficking(trafficking, carry)
    if trafficking_out:
        data["trafficking"] = trafficking_out
    if convictions:
        data["convictions"] = convictions
    if arrests:
        data["arrests"] = arrests
    for key in ("pending_charges", "prior_relief"):
        if carry.get(key):
            data[key] = copy.deepcopy(list(carry[key]))
    contacts = _contacts(le_contacts)
    if contacts:
        data["law_enforcement_contacts"] = contacts
    for key in ("losses", "family_members", "tvisa", "filing_date", "victims_to_notify", "outstanding_warrants"):
        if carry.get(key):
            data[key] = copy.deepcopy(carry[key])
    evidence = _evidence(evidence_items)
    if evidence:
        data["evidence"] = evidence
    data["preparer"] = preparer_out
    if confidential_filing_choice in (YES, NO):
        data["requests"] = {"confidential_filing": confidential_filing_choice == YES}
    return data


def with_family_sections(data: Mapping, sections: Mapping[str, Mapping]) -> dict:
    """The case file with each draft family's own sections (``{family: {"pending_charges": [...]}}``).

    A family module answers some top-level sections itself; what it answered replaces what an
    uploaded case file carried over, and an empty section leaves the carried-over one in place.
    Two families answering the same section is a mistake in the modules, not in the user's input.
    """
    out = copy.deepcopy(dict(data))
    owner: dict[str, str] = {}
    for family, section in sections.items():
        for key, value in (section or {}).items():
            if key in owner:
                raise ValueError(f"interview modules {owner[key]!r} and {family!r} both answer {key!r}")
            owner[key] = family
            if value not in (None, [], {}):
                out[key] = copy.deepcopy(value)
    return out


def case_problems(data: Any) -> list[str]:
    """Every problem with a case file, by field path (empty when it is valid and screenable)."""
    try:
        case = parse_case(data)
        screen(case)
    except CaseFileError as exc:
        return list(exc.problems)
    except TraffickingReliefError as exc:
        return [str(exc)]
    return []


def case_file_json(data: Mapping) -> str:
    """The case file as the JSON the CLI reads (UTF-8, stable key order, newline at the end)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------
# Upload: a case file in, answers out


def read_case_file_upload(path: str | Path, filename: str | None = None) -> dict:
    """Read and validate an uploaded case file. Returns ``{"data": dict | None, "problems": [...]}``.

    The bytes go through ``facts.read_case_data``, the reader the CLI uses, so the interview and the
    CLI accept and refuse the same files with the same messages (JSON when the name ends in .json,
    else YAML; size, alias, depth and number limits). Problems name the field
    (``convictions[0].conviction_date: not a date (use YYYY-MM-DD)``) and never quote the file's text.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            content = fh.read(MAX_UPLOAD_BYTES + 1)
    except OSError:
        return {"data": None, "problems": ["(file): the upload could not be read"]}
    try:
        data = read_case_data(content, filename or path.name)
    except CaseFileError as exc:
        return {"data": None, "problems": list(exc.problems)}
    problems = case_problems(data)
    return {"data": None if problems else data, "problems": problems}


def _choice_from_bool(value: Any) -> str:
    return YES if value is True else (NO if value is False else NOT_SURE)


def prefill_from_case_file(data: Mapping) -> dict:
    """Interview answers from a valid case file (the inverse of ``build_case_file``).

    Returns plain data: ``{"client": {...}, "trafficking": {...}, "records": [{...}],
    "le_contacts": [...], "evidence_items": [...], "preparer": {...}, "states": [...],
    "le_contact_choice", "evidence_choice", "confidential_filing_choice", "carry_over": {...}}``.
    Dates stay YYYY-MM-DD text; checkbox answers are ``{code: bool}`` for every choice.
    """
    data = copy.deepcopy(dict(data))
    c = data.get("client", {})
    contact = c.get("contact", {}) or {}
    citizenship, status = c.get("citizenship"), c.get("immigration_status")
    if citizenship is None and status is None:
        immigration = PREFER_NOT
    elif (citizenship or "").strip().lower() in ("united states", "us", "u.s.", "usa", "united states of america") and not status:
        immigration = US_CITIZEN
    else:
        immigration = NOT_US_CITIZEN
    client = {
        "legal_name": c.get("legal_name"), "pseudonym": c.get("pseudonym"),
        "pseudonym_choice": YES if c.get("use_pseudonym_in_filings") else NO,
        "date_of_birth": c.get("date_of_birth"), "preferred_language": c.get("preferred_language"),
        "street": contact.get("street"), "city": contact.get("city"), "state": contact.get("state"),
        "postal_code": contact.get("postal_code"), "phone": contact.get("phone"), "email": contact.get("email"),
        "safe_to_contact_choice": _choice_from_bool(contact.get("safe_to_contact")),
        "immigration_choice": immigration,
        "citizenship": citizenship if immigration == NOT_US_CITIZEN else None,
        "immigration_status": status if immigration == NOT_US_CITIZEN else None,
    }
    t = data.get("trafficking", {}) or {}
    types = sorted(set(t.get("types", [])))
    type_choice = {("labor",): "labor", ("sex",): "sex", ("labor", "sex"): "both"}.get(tuple(types), NOT_SURE)
    periods = list(t.get("periods", []))
    first_period = periods[0] if periods else {}
    traffickers = list(t.get("traffickers", []))
    first_trafficker = traffickers[0] if traffickers else {}
    docs = list(t.get("official_documentation", []))
    by_title = {title: code for code, title in OFFICIAL_DOCUMENTS.items()}
    trafficking = {
        "type_choice": type_choice,
        "period_start": first_period.get("start"), "period_end": first_period.get("end"),
        "place": first_period.get("place"), "relationship": first_trafficker.get("relationship"),
        "force_choice": _choice_from_bool(t.get("force")), "fraud_choice": _choice_from_bool(t.get("fraud")),
        "coercion_choice": _choice_from_bool(t.get("coercion")),
        "means_description": t.get("means_description"),
        "age_at_start": None if t.get("age_at_start") is None else str(t["age_at_start"]),
        "narrative_choice": WRITE_NOW if t.get("narrative") else PREFER_NOT, "narrative": t.get("narrative"),
        "ended_on": t.get("ended_on"), "sought_services_on": t.get("sought_services_on"),
        "documents": {code: code in {by_title.get(d) for d in docs} for code in OFFICIAL_DOCUMENTS},
        "other_documents": "\n".join(d for d in docs if d not in by_title) or None,
        "when_done": True,
    }
    if t.get("unable_to_cooperate_due_to_trauma") is not None:  # else the certification module asks
        trafficking["trauma_choice"] = _choice_from_bool(t["unable_to_cooperate_due_to_trauma"])
        trafficking["trauma_explanation"] = t.get("trauma_explanation")
    records = []
    for kind, group in (("conviction", data.get("convictions", [])), ("arrest", data.get("arrests", []))):
        for r in group:
            item = {
                "id": r.get("id"), "kind": kind, "jurisdiction": r.get("jurisdiction"), "court": r.get("court"),
                "county": r.get("county"), "case_number": r.get("case_number"), "offence": r.get("offence"),
                "statute": r.get("statute"),
                "offence_categories": {code: code in r.get("offence_categories", []) for code in OFFENCE_CATEGORIES},
                "offence_class": r.get("offence_class") or UNKNOWN_CHOICE,
                "violent_choice": _choice_from_bool(r.get("violent")),
                "arrest_date": r.get("arrest_date"),
                "connection_choice": WRITE_NOW if r.get("trafficking_connection") else PREFER_NOT,
                "trafficking_connection": r.get("trafficking_connection"),
                "prosecutor_consent": r.get("prosecutor_consent") or UNKNOWN_CHOICE,
                "agency": r.get("agency"), "district": r.get("district"), "prosecuting_office": r.get("prosecuting_office"),
                "fines_and_fees_paid": r.get("fines_and_fees_paid"),
                "outcome_done": True,
            }
            if kind == "conviction":
                item.update({
                    "offence_date": r.get("offence_date"), "conviction_date": r.get("conviction_date"),
                    "disposition": r.get("disposition"), "sentence": r.get("sentence"),
                    "sentence_completed_on": r.get("sentence_completed_on"),
                    "juvenile_choice": YES if r.get("juvenile_adjudication") else NO,
                    "affirmative_defence_at_trial": r.get("affirmative_defence_at_trial") or UNKNOWN_CHOICE,
                })
            else:
                item.update({"arrest_disposition": r.get("disposition") or "unknown",
                             "disposition_date": r.get("disposition_date"),
                             "dismissed_on_motion_of": r.get("dismissed_on_motion_of")})
            records.append(item)
    # title .. certification_requests: the certification module's answers (it skips what a case file carried)
    contacts = [{k: lec.get(k) for k in ("agency", "officer", "phone", "email", "report_number", "contact_date",
                                          "cooperation", "role", "title", "address", "agency_level",
                                          "qualifying_crimes", "certification_requests")}
                for lec in data.get("law_enforcement_contacts", [])]
    evidence = [{k: e.get(k) for k in ("id", "title", "kind", "path", "date", "description", "elements", "language")}
                for e in data.get("evidence", [])]
    for e in evidence:
        e["kind"] = e["kind"] or "other"
    p = data.get("preparer", {})
    preparer = {k: p.get(k) for k in ("name", "role", "bar_number", "bar_state", "organisation", "address",
                                      "phone", "email")}
    requests = data.get("requests", {})
    carry = {
        "pending_charges": data.get("pending_charges", []), "prior_relief": data.get("prior_relief", []),
        "losses": data.get("losses", {}), "family_members": data.get("family_members", []),
        "tvisa": data.get("tvisa", {}),
        "a_number": c.get("a_number"), "identifiers": c.get("identifiers"), "filing_date": data.get("filing_date"),
        "victims_to_notify": data.get("victims_to_notify", []),
        "outstanding_warrants": data.get("outstanding_warrants", []), "extra_periods": periods[1:], "extra_traffickers": traffickers[1:],
        "first_trafficker_name": first_trafficker.get("name"),
    }
    states = []
    for r in records:
        if r["jurisdiction"] not in states:
            states.append(r["jurisdiction"])
    return {
        "client": client, "trafficking": trafficking, "records": records, "le_contacts": contacts,
        "evidence_items": evidence, "preparer": preparer,
        "states": states,
        "le_contact_choice": YES if contacts else NO, "evidence_choice": YES if evidence else NO,
        "confidential_filing_choice": (YES if requests.get("confidential_filing") else NO) if "confidential_filing" in requests else None,
        "carry_over": {k: v for k, v in carry.items() if v not in (None, [], {})},
    }


def _set_all(target: Any, values: Mapping, dict_factory) -> None:
    for name, value in values.items():
        if isinstance(value, dict) and dict_factory is not None:
            owner = _get(target, "instanceName")
            value = dict_factory(f"{owner}.{name}" if owner else name, value)
        setattr(target, name, value)


def _fill_list(target: Any, items: list[Mapping], dict_factory, complete_attribute: str | None) -> None:
    target.clear()
    for values in items:
        item = target.appendObject()
        _set_all(item, values, dict_factory)
        if complete_attribute:
            setattr(item, complete_attribute, True)
    target.there_are_any = bool(items)
    target.there_is_another = False
    target.gathered = True


def apply_prefill(prefill: Mapping, *, client: Any, trafficking: Any, records: Any, le_contacts: Any,
                  evidence_items: Any, preparer: Any, dict_factory=None) -> dict:
    """Put ``prefill_from_case_file`` answers onto the interview's objects and lists.

    ``dict_factory(name, {code: bool})`` makes checkbox answers (docassemble: a gathered DADict).
    Lists are filled through ``clear()``/``appendObject()`` and marked gathered. Returns the
    top-level answers the YAML assigns itself (states, list choices, carry-over).
    """
    _set_all(client, prefill["client"], dict_factory)
    _set_all(trafficking, prefill["trafficking"], dict_factory)
    _set_all(preparer, prefill["preparer"], dict_factory)
    _fill_list(records, prefill["records"], dict_factory, "complete")
    _fill_list(le_contacts, prefill["le_contacts"], dict_factory, "complete")
    _fill_list(evidence_items, prefill["evidence_items"], dict_factory, "complete")
    top = {k: prefill[k] for k in ("le_contact_choice", "evidence_choice", "confidential_filing_choice", "carry_over")}
    top["states"] = list(prefill["states"])
    return top


# ---------------------------------------------------------------------------------------------
# Screening for display, and the assembly


SCREENING_PREPARER = {"name": "(not yet given)", "role": "advocate"}

# A missing client fact, as screening words it -> (code the YAML words it by, the record or client
# variable whose question answers it). "answer it now" re-asks that question.
MISSING_FACTS = {
    "offense class": ("offense_class", "offence_class"),
    "whether the offense is violent": ("violent", "violent_choice"),
    "statute or type of offense": ("statute", "statute"),
    "the prosecutor's written consent": ("consent", "prosecutor_consent"),
    "date the sentence was completed": ("sentence_done", "sentence_completed_on"),
    "date the most recent sentence in this jurisdiction was completed": ("sentence_done", "sentence_completed_on"),
    "date of conviction": ("conviction_date", "conviction_date"),
    "date of judgment": ("conviction_date", "conviction_date"),
    "date of arrest": ("arrest_date", "arrest_date"),
    "how the offense connects to the trafficking": ("connection", "connection_choice"),
    "date of birth and offense date": ("birth_date", "client.date_of_birth"),
}
# Variables "answer it now" may ask again (an action argument is user input: only these pass).
_REASK = re.compile(r"^(records\[\d{1,3}\]\.(" + "|".join(sorted({v for _, v in MISSING_FACTS.values()
                                                                    if not v.startswith("client.")})) +
                    r")|client\.date_of_birth)$")

_US_SPELLING = ((re.compile(r"\boffence"), "offense"), (re.compile(r"\bOffence"), "Offense"),
                (re.compile(r"\bdefence"), "defense"), (re.compile(r"\bDefence"), "Defense"))


def us_english(text: Any) -> str:
    """Core text for a screen in US English ("offense", "defense"); the core's wording is otherwise kept."""
    out = "" if text is None else str(text)
    for pattern, word in _US_SPELLING:
        out = pattern.sub(word, out)
    return out


def _fact_source(fact: Any) -> dict:
    """Citation, source link and trust tier of a Fact, for the "for the lawyer" part of a screen."""
    if fact is None:
        return {"citation": None, "url": None, "publisher": None, "tier": "none", "verified": False}
    source = fact.source
    url = source.url if source and source.url and re.match(r"^https?://", source.url) else None
    return {"citation": fact.citation, "url": url, "publisher": source.publisher if source else None,
            "tier": fact.tier, "verified": fact.verified}


def _verdict(status: str, missing: list, consent: bool) -> str:
    """The plain verdict a screen shows: ready / needs_answer / lawyer_check / consent / wait / barred."""
    if status == ELIGIBLE:
        return "ready"
    if status == NEEDS_REVIEW:
        return "needs_answer" if missing else "lawyer_check"
    if status == NOT_YET_ELIGIBLE:
        return "consent" if consent else "wait"
    return "barred"


def interview_families() -> list[str]:
    """The draft families the interview runs, in the registry's order: those with an interview module
    (``tr_<name>.yml``). A family without one is still available to the CLI and the Python API."""
    from .family import family_names
    from .resources import QUESTIONS_DIR

    return [name for name in family_names() if (QUESTIONS_DIR / f"tr_{name}.yml").is_file()]


def screening_rows(data: Mapping, today: dt.date | None = None, records: Any = None,
                   family: str = "record_relief") -> list[dict]:
    """One row per conviction or arrest: a verdict code, what is missing, and the law behind it.

    Screening comes before the preparer's details are asked; it does not read them, so a missing
    preparer is filled in with a stand-in for this check only. With the interview's ``records``
    list, each missing fact names the variable (``records[1].offence_class``) that answers it.
    """
    data = copy.deepcopy(dict(data))
    if not (data.get("preparer") or {}).get("name"):
        data["preparer"] = dict(SCREENING_PREPARER)
    case = parse_case(data)
    position = {rid: n for n, rid in enumerate(_records_in_order(records)[2])} if records is not None else {}
    rows = []
    for result in screen(case, today, [family]):
        record = result.subject.item
        remedy = result.jurisdiction.fact("record_relief.remedy_name")
        consent = any(f.kind == CONSENT for f in result.findings)
        missing, codes = [], set()
        for text in result.missing_facts:
            code, variable = MISSING_FACTS.get(text, ("other", None))
            if code in codes:
                continue
            codes.add(code)
            if variable and not variable.startswith("client.") and record.id in position:
                variable = f"records[{position[record.id]}].{variable}"
            elif variable and not variable.startswith("client."):
                variable = None
            missing.append({"code": code, "text": us_english(text), "variable": variable})
        rows.append({
            "record_id": record.id, "kind": record.kind, "jurisdiction": result.jurisdiction.code,
            "jurisdiction_name": result.jurisdiction.name, "court": record.court, "case_number": record.case_number,
            "offence": record.offence, "status": result.status, "draftable": result.draftable,
            "verdict": _verdict(result.status, missing, consent),
            "consent_needed": consent,
            "earliest_filing_date": result.earliest_date.isoformat() if result.earliest_date else None,
            "remedy": remedy.value, "remedy_citation": _fact_source(remedy)["citation"],
            "reasons": [{"kind": f.kind, "text": us_english(f.text), **_fact_source(f.fact)} for f in result.findings],
            "missing": missing,
        })
    return rows


def reask_variable(name: Any) -> str | None:
    """``name`` if "answer it now" may ask it again (a record field screening can miss), else None."""
    return name if isinstance(name, str) and _REASK.match(name) else None


def any_draftable(rows: Iterable[Mapping]) -> bool:
    return any(r["draftable"] for r in rows)


def record_summary(record: Any) -> dict:
    """What a review screen shows about one record (raw values; the YAML escapes them)."""
    return {"kind": _get(record, "kind"), "jurisdiction": _get(record, "jurisdiction"),
            "case_number": _get(record, "case_number"), "offence": _get(record, "offence"),
            "court": _get(record, "court")}


ZIP_NAME = "drafts.zip"
REPORT_HTML = "assembly-report.html"
REPORT_DOCX = "assembly-report.docx"


def report_html(report: Mapping) -> str:
    """The assembly report as one self-contained HTML page an attorney opens in any browser.

    Every value is escaped; links appear only for http(s) sources.
    """
    from html import escape

    def e(value: Any) -> str:
        return escape("" if value is None else us_english(value) if isinstance(value, str) else str(value))

    def items(rows: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{r}</li>" for r in rows) + "</ul>" if rows else "<p>None.</p>"

    out = ["<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
           "<title>Assembly report</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;"
           "padding:0 1rem;line-height:1.45}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;"
           "padding:.3rem;vertical-align:top;text-align:left;overflow-wrap:anywhere}.note{background:#fff3cd;"
           "padding:.5rem}</style></head><body>",
           f"<h1>Assembly report ({e(report.get('status'))})</h1>",
           f"<p class=\"note\">{e(report.get('disclaimer'))}</p>",
           f"<p>Generated on {e(report.get('generated_on'))}. {e(report.get('pdf'))}</p>",
           "<h2>Documents</h2>",
           items([f"{e(d.get('title'))} ({e(d.get('group'))}): <code>{e(d.get('file'))}</code>, "
                  f"{e(d.get('placeholders'))} placeholder(s)" for d in report.get("documents", [])]),
           "<h2>Screening</h2><table><tr><th>Record</th><th>Place</th><th>Result</th><th>Earliest filing</th>"
           "<th>Reasons</th></tr>"]
    for row in report.get("screening", []):
        reasons = []
        for r in row.get("reasons", []):
            cite = f" <em>[{e(r.get('citation'))}{'' if r.get('verified') else ', not yet checked'}]</em>" \
                if r.get("citation") else ""
            reasons.append(e(r.get("text")) + cite)
        out.append(f"<tr><td>{e(row.get('record_id'))}</td><td>{e(row.get('jurisdiction'))}</td>"
                   f"<td>{e(row.get('status_label') or row.get('status'))}</td>"
                   f"<td>{e(row.get('earliest_filing_date') or '')}</td><td>{'<br>'.join(reasons)}</td></tr>")
    out.append("</table><h2>Warnings</h2>")
    out.append(items([e(w) for w in report.get("warnings", [])]))
    out.append("<h2>Missing facts (placeholders in the drafts)</h2>")
    out.append(items([f"{e(m.get('document'))}: {e(m.get('label'))}" for m in report.get("missing_facts", [])]))
    out.append("<h2>Unknown law (placeholders in the drafts)</h2>")
    out.append(items([f"{e(u.get('label'))}: {e(u.get('note') or 'unknown')}" for u in report.get("unknown_law", [])]))
    out.append("<h2>Unverified law used</h2>")
    out.append(items([f"<code>{e(u.get('path'))}</code>: {e(json.dumps(u.get('value'), ensure_ascii=False))}"
                      for u in report.get("unverified_law", [])]))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def report_docx(report: Mapping, path: Path) -> Path:
    """The same report as a Word document (python-docx), for an attorney who works in Word."""
    from docx import Document

    doc = Document()
    doc.core_properties.author = ""
    doc.core_properties.last_modified_by = ""
    doc.add_heading(f"Assembly report ({report.get('status')})", level=1)
    doc.add_paragraph(str(report.get("disclaimer") or ""))
    doc.add_paragraph(f"Generated on {report.get('generated_on')}. {report.get('pdf') or ''}")
    sections = [
        ("Documents", [f"{d.get('title')} ({d.get('group')}): {d.get('file')}, {d.get('placeholders')} placeholder(s)"
                       for d in report.get("documents", [])]),
        ("Screening", [f"{r.get('record_id')} ({r.get('jurisdiction')}): {r.get('status_label') or r.get('status')}. "
                       + " ".join(us_english(x.get("text")) + (f" [{x['citation']}]" if x.get("citation") else "")
                                  for x in r.get("reasons", [])) for r in report.get("screening", [])]),
        ("Warnings", [us_english(w) for w in report.get("warnings", [])]),
        ("Missing facts (placeholders in the drafts)",
         [f"{m.get('document')}: {us_english(m.get('label'))}" for m in report.get("missing_facts", [])]),
        ("Unknown law (placeholders in the drafts)",
         [f"{u.get('label')}: {u.get('note') or 'unknown'}" for u in report.get("unknown_law", [])]),
    ]
    for heading, rows in sections:
        doc.add_heading(heading, level=2)
        for row in rows or ["None."]:
            doc.add_paragraph(str(row), style="List Bullet" if rows else None)
    doc.save(str(path))
    return path


def _zip_files(paths: list[Path], target: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in paths:
            info = zipfile.ZipInfo(path.name, date_time=(1980, 1, 1, 0, 0, 0))  # no client-day timestamps
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, path.read_bytes())
    return target


def assemble_into(data: Mapping, file_list: Any, *, families: Iterable[str] | None = None, pdf: bool | None = None,
                  today: dt.date | None = None, progress: Any = None, exhibits: Mapping[str, Any] | None = None,
                  key: str | None = None) -> dict:
    """Assemble drafts for ``data`` and put every produced file into ``file_list`` (a DAFileList).

    The core writes into a temporary folder, which is deleted once the files are copied into
    docassemble's storage (``appendObject()``, ``initialize(filename=...)``, ``copy_into()``,
    ``commit()``). File names are the core's fixed, client-free names (``NY-1-motion.docx``,
    ``assembly-report.md``); the report also comes as HTML and DOCX, and everything as
    ``drafts.zip``. Returns a summary plus one descriptor per file, in the list's order.
    ``progress(percent)``, when given, is called as the work advances (a background task's display).
    ``exhibits`` (evidence id -> local path of an upload) go to the families' ``bundles`` (the T-visa
    packet), which read them where the server stores them: no copy is made.
    With ``key`` (the session's ``new_file_key()``; the interview always passes it) every file is stored
    sealed, as ``<name>.sealed`` (sealed_files.py): the server's disk never holds a draft in plain form.
    Without it (the unit tier, which has no server storage) files are stored as they are.
    """
    case = parse_case(copy.deepcopy(dict(data)))
    work = Path(tempfile.mkdtemp(prefix="tr-interview-"))
    tick = progress or (lambda percent: None)
    try:
        tick(5)
        def core_progress(done: int, total: int, what: str) -> None:
            """The core's steps as percents: writing the DOCX 5..40, then LibreOffice's PDFs (the long part)."""
            tick(45 if what == "converting to PDF" else 5 + (35 * done // total if total else 0))

        result = assemble(case, work / "drafts", families, pdf=pdf, today=today, progress=core_progress)
        tick(80)
        report = result.report
        extra = work / "extra"
        extra.mkdir()
        bundled, bundle_warnings = _bundles(case, result.out_dir, extra, families, exhibits)
        html_path = extra / REPORT_HTML
        html_path.write_text(report_html(report), encoding="utf-8")
        docx_path = report_docx(report, extra / REPORT_DOCX)
        produced = [(result.out_dir / d["file"], {"title": d["title"], "kind": d["kind"], "family": d["family"],
                                                   "group": d["group"], "format": d["format"],
                                                   "placeholders": d["placeholders"]})
                    for d in report["documents"]]
        produced += bundled
        for path, fmt, title in ((html_path, "html", "Assembly report"), (docx_path, "docx", "Assembly report"),
                                 (result.report_markdown, "md", "Assembly report (Markdown)"),
                                 (result.report_json, "json", "Assembly report (JSON)")):
            produced.append((path, {"title": title, "kind": "report", "family": None, "group": None,
                                    "format": fmt, "placeholders": 0}))
        archive = _zip_files([p for p, _ in produced], extra / ZIP_NAME)
        produced.append((archive, {"title": "All files", "kind": "zip", "family": None, "group": None,
                                   "format": "zip", "placeholders": 0}))
        erase_stored_files(file_list)  # the previous set, when the papers are made again
        file_list.clear()
        files = []
        sealed = work / "sealed"
        sealed.mkdir()
        for path, info in produced:
            if key is not None:
                stored = sealed / (path.name + SEALED_SUFFIX)
                stored.write_bytes(seal(path.read_bytes(), key))
            else:
                stored = path
            item = file_list.appendObject()
            item.initialize(filename=stored.name)
            item.copy_into(str(stored))
            item.commit()
            files.append({**info, "filename": path.name})
        file_list.gathered = True
        tick(100)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "files": files,
        "documents": sum(1 for f in files if f["kind"] not in ("report", "zip")),
        "missing_facts": len(report["missing_facts"]),
        "unknown_law": len(report["unknown_law"]),
        "unverified_law": len(report["unverified_law"]),
        "warnings": [us_english(w) for w in report["warnings"] + bundle_warnings],
        "blocking": bundle_warnings + blocking_items(report),
        "pdf": report["pdf"],
        "status": report["status"],
        "screening": [{k: r[k] for k in ("record_id", "jurisdiction", "status", "drafts_produced")}
                      for r in report["screening"]],
    }


def _bundles(case: Any, drafts: Path, out: Path, families: Iterable[str] | None,
             exhibits: Mapping[str, Any] | None) -> tuple[list, list[str]]:
    """Each family's files made from its rendered drafts and the uploaded exhibits (``DraftFamily.bundles``)."""
    from .family import select

    produced, warnings = [], []
    files = {str(k): Path(str(v)) for k, v in (exhibits or {}).items()}
    for family in select(tuple(families) if families is not None else None):
        folder = out / family.name
        folder.mkdir()
        made, notes = family.bundles(case, drafts / family.name, folder, files)
        warnings += notes
        for path, title in made:
            produced.append((path, {"title": title, "kind": "bundle", "family": family.name, "group": None,
                                    "format": path.suffix[1:], "placeholders": 0}))
    return produced, warnings


def blocking_items(report: Mapping) -> list[str]:
    """What an attorney must settle before filing: warnings, missing facts, unknown law (core's words)."""
    out: list[str] = []
    for text in [us_english(w) for w in report.get("warnings", [])] + [
            f"{us_english(m.get('label'))} ({m.get('document')})" for m in report.get("missing_facts", [])] + [
            f"Unknown law: {us_english(u.get('label'))}" for u in report.get("unknown_law", [])]:
        if text not in out:
            out.append(text)
    return out


def download_rows(files: list[Mapping]) -> dict:
    """The download screen's layout: documents with their DOCX and PDF on one line, reports, the ZIP.

    Indexes point into the file list (``draft_files[index]``).
    """
    documents: dict[str, dict] = {}
    reports: dict[str, int] = {}
    zip_index = None
    for index, info in enumerate(files):
        if info["kind"] == "zip":
            zip_index = index
        elif info["kind"] == "report":
            reports[info["format"]] = index
        else:
            stem = info["filename"].rsplit(".", 1)[0]
            row = documents.setdefault(stem, {"title": info["title"], "family": info["family"], "group": info["group"],
                                              "docx": None, "pdf": None, "csv": None, "xlsx": None,
                                              "placeholders": info["placeholders"]})
            # a family's spreadsheet export (the certification follow-up log's CSV) sits beside its DOCX and PDF
            row[info["format"] if info["format"] in ("docx", "pdf", "csv", "xlsx") else "docx"] = index
    return {"documents": list(documents.values()), "reports": reports, "zip": zip_index}


def cases_without_papers(rows: Iterable[Mapping]) -> list[Mapping]:
    """Screening rows for the cases that got no drafts (the download screen says why)."""
    return [r for r in rows if not r["draftable"]]


def _stored_files(item: Any) -> list:
    """The DAFile objects in ``item`` (a DAFile, a DAFileList, a list of either, or None)."""
    if item is None:
        return []
    if isinstance(item, (list, tuple)):
        return [f for x in item for f in _stored_files(x)]
    elements = _get(item, "elements")
    if isinstance(elements, list):
        return [f for x in elements for f in _stored_files(x)]
    return [item] if _get(item, "number") is not None else []


def erase_stored_files(*items: Any) -> int:
    """Delete these files from the server's file storage; returns how many were deleted.

    docassemble 1.10.13's exit removes a session's rows from its ``uploads`` table but leaves the
    files themselves in storage, so quick exit, a rejected upload and a re-assembly erase their
    files here. Outside a server (unit tests) there is no storage and nothing to do.
    """
    try:
        from docassemble.webapp.files.savedfile import SavedFile
    except ImportError:
        return 0
    count = 0
    for file in _stored_files(list(items)):
        try:
            SavedFile(int(_get(file, "number")), fix=True).delete()
        except Exception:  # noqa: BLE001 (already gone, or storage unavailable: erasing goes on)
            continue
        count += 1
    return count


def progress_key(session_id: Any) -> str:
    """The Redis key where a background assembly reports its progress (the session id, no client data)."""
    return f"traffickingrelief:assembly-progress:{session_id}"


def progress_reporter(key: str):
    """``progress(percent)`` for ``assemble_into`` in a background task: writes the percent to Redis."""
    redis = server_redis()

    def report(percent: int) -> None:
        redis.set(key, int(percent), ex=3600)
    return report


def read_progress(key: str) -> int:
    """The last percent a background assembly reported (0 before it starts)."""
    value = server_redis().get(key)
    try:
        return max(0, min(100, int(value)))
    except (TypeError, ValueError):
        return 0


def export_download(data: Mapping) -> str:
    """A one-time link to the case file as ``case-file.json`` (a fixed, client-free name).

    The file is never written to the server's disk: its bytes wait in Redis, sealed, for one download.
    """
    return one_time_download(case_file_json(data).encode("utf-8"), EXPORT_FILENAME)


@lru_cache(maxsize=1)
def spanish_interface_words() -> dict[str, str]:
    """Spanish for docassemble's own interface words (data/sources/es_words.yml)."""
    return read_yaml((SOURCES_DIR / "es_words.yml").read_text(encoding="utf-8"))


def use_spanish_interface_words() -> None:
    """Register those words with docassemble (called by the interview; imports docassemble only here)."""
    from docassemble.base.functions import update_word_collection

    update_word_collection("es", spanish_interface_words())


# Names of the report files, for tests and the download screen.
REPORT_FILES = (REPORT_MD, REPORT_JSON)
