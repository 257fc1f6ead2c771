"""The case file: one client's facts, shared by every draft family.

A case file is YAML or JSON matching ``data/sources/case_file.schema.json``. Loading validates it
completely and reports every problem by field path (``convictions[1].conviction_date: not a date``)
without echoing the client's text, keys included, then converts dates to ``datetime.date`` and money
to ``Decimal`` so no later step ever sees a float or an impossible date.

Input from outside is bounded before any costly step: the file's size before it is read, aliases,
nesting and whole numbers while the YAML is composed (``resources.read_yaml``), and the shape of the
parsed data (depth, values, list lengths, text lengths) before the schema validator sees it. Every
limit it exceeds is a CaseFileError naming the limit.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Collection, Mapping

import jsonschema
import yaml

from .errors import CaseFileError
from .migration import migrate
from .resources import YamlContentError, load_schema, read_yaml

SCHEMA_NAME = "case_file.schema.json"

# Limits on a case file. A real one is a few kilobytes with a handful of records; these leave room
# for the largest plausible case while keeping every check well under a second.
MAX_CASE_FILE_BYTES = 2_000_000
MAX_DEPTH = 12                # the schema itself nests 5 levels
MAX_VALUES = 50_000           # every mapping, list and value counted once
MAX_LIST_ITEMS = 250          # records, periods, contacts... in any one list
MAX_TEXT_CHARS = 20_000       # the schema's own limit on a text field
MAX_INTEGER = 10**15
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100   # later date arithmetic (waiting periods) stays in range

# Bidirectional controls reorder text on the page: an override can make "CR-123" print as "321-RC".
# Identifiers (case numbers, statutes, citations) must appear exactly as typed.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_IDENTIFIER_FIELDS = frozenset({"case_number", "statute", "citation", "report_number", "bar_number", "bar_state",
                                "a_number", "postal_code", "phone", "email", "state_id_number", "fbi_number",
                                "drivers_license_number", "ssn"})

# Characters XML 1.0 cannot carry: a document holding one would not open.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_TYPE_WORDS = {
    "string": "text", "array": "a list", "object": "a mapping", "boolean": "true or false",
    "integer": "a whole number", "number": "a number", "null": "empty",
}


def case_file_schema() -> dict:
    """The JSON Schema of the case file (what ``traffickingrelief schema`` prints)."""
    return copy.deepcopy(load_schema(SCHEMA_NAME))


# ---------------------------------------------------------------------------------------------
# The model. Every field mirrors the schema; None means unknown or not given.


@dataclass(frozen=True)
class Contact:
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    email: str | None = None
    safe_to_contact: bool | None = None


@dataclass(frozen=True)
class Identifiers:
    """Numbers a uniform order may require. Printed only where the jurisdiction's data lists them
    (``record_relief.order_identifiers``); never in file names or the assembly report."""

    state_id_number: str | None = None
    fbi_number: str | None = None
    drivers_license_number: str | None = None
    drivers_license_state: str | None = None
    ssn: str | None = None


@dataclass(frozen=True)
class Client:
    legal_name: str
    pseudonym: str | None = None
    use_pseudonym_in_filings: bool = False
    date_of_birth: dt.date | None = None
    contact: Contact = field(default_factory=Contact)
    preferred_language: str | None = None
    citizenship: str | None = None
    immigration_status: str | None = None
    a_number: str | None = None
    identifiers: Identifiers = field(default_factory=Identifiers)

    @property
    def filing_name(self) -> str:
        """The name that appears in filings: the pseudonym when the client asked for one."""
        if self.use_pseudonym_in_filings and self.pseudonym:
            return self.pseudonym
        return self.legal_name


@dataclass(frozen=True)
class Period:
    start: dt.date | None = None
    end: dt.date | None = None
    place: str | None = None


@dataclass(frozen=True)
class Trafficker:
    name: str | None = None
    relationship: str | None = None


@dataclass(frozen=True)
class Trafficking:
    types: tuple[str, ...] = ()
    periods: tuple[Period, ...] = ()
    traffickers: tuple[Trafficker, ...] = ()
    force: bool | None = None
    fraud: bool | None = None
    coercion: bool | None = None
    means_description: str | None = None
    age_at_start: int | None = None
    narrative: str | None = None
    ended_on: dt.date | None = None
    sought_services_on: dt.date | None = None
    official_documentation: tuple[str, ...] = ()
    law_enforcement_requests: str | None = None  # "assisted", "declined", "not_asked": a condition in some laws
    unable_to_cooperate_due_to_trauma: bool | None = None
    trauma_explanation: str | None = None


@dataclass(frozen=True)
class Record:
    """A conviction or an arrest: the things record relief acts on."""

    kind: str  # "conviction" or "arrest"
    id: str
    jurisdiction: str
    offence: str
    court: str | None = None
    county: str | None = None
    case_number: str | None = None
    statute: str | None = None
    offence_categories: tuple[str, ...] = ()
    offence_class: str | None = None
    violent: bool | None = None
    offence_date: dt.date | None = None
    arrest_date: dt.date | None = None
    conviction_date: dt.date | None = None
    disposition: str | None = None
    disposition_date: dt.date | None = None
    sentence: str | None = None
    sentence_completed_on: dt.date | None = None
    juvenile_adjudication: bool = False
    affirmative_defence_at_trial: str | None = None
    trafficking_connection: str | None = None
    prosecutor_consent: str | None = None
    agency: str | None = None
    disposition_type: str | None = None  # conviction: "guilty_plea", "no_contest_plea", "verdict", ...
    dismissed_on_motion_of: str | None = None  # arrest dismissed: "prosecution", "defense", "court"
    prosecuting_office: str | None = None
    district: str | None = None  # the agency's district, division or precinct, or the court's
    fines_and_fees_paid: Decimal | None = None
    fines_and_fees_outstanding: Decimal | None = None


@dataclass(frozen=True)
class Warrant:
    """A warrant still outstanding against the client: the attorney must know before anything is filed."""

    jurisdiction: str
    court: str | None = None
    case_number: str | None = None
    kind: str | None = None  # "bench", "arrest", "unknown"
    issued_on: dt.date | None = None
    related_record: str | None = None


@dataclass(frozen=True)
class PendingCharge:
    id: str
    jurisdiction: str
    offence: str
    court: str | None = None
    county: str | None = None
    case_number: str | None = None
    statute: str | None = None
    offence_categories: tuple[str, ...] = ()
    next_court_date: dt.date | None = None
    trafficking_connection: str | None = None
    arraignment_date: dt.date | None = None
    offence_class: str | None = None
    violent: bool | None = None
    offence_date: dt.date | None = None


@dataclass(frozen=True)
class PriorRelief:
    jurisdiction: str
    citation: str | None = None
    granted_on: dt.date | None = None
    denied_on: dt.date | None = None


@dataclass(frozen=True)
class CertificationRequest:
    """A request already sent to an agency (T or U Supplement B, Continued Presence), for the follow-up log."""

    kind: str
    sent_on: dt.date | None = None
    response: str | None = None
    response_on: dt.date | None = None


@dataclass(frozen=True)
class LawEnforcementContact:
    agency: str
    officer: str | None = None
    phone: str | None = None
    email: str | None = None
    report_number: str | None = None
    contact_date: dt.date | None = None
    cooperation: str | None = None
    role: str | None = None
    title: str | None = None
    address: str | None = None
    agency_level: str | None = None
    qualifying_crimes: tuple[str, ...] = ()
    certification_requests: tuple[CertificationRequest, ...] = ()


@dataclass(frozen=True)
class WorkPeriod:
    start: dt.date
    end: dt.date
    work: str | None = None
    hours_per_week: Decimal | None = None
    pay_received: Decimal | None = None
    pay_received_per: str | None = None
    live_in: bool = False
    state: str | None = None
    days_per_week: int | None = None


@dataclass(frozen=True)
class Expense:
    description: str
    amount: Decimal
    date: dt.date | None = None
    category: str | None = None
    receipt: str | None = None


@dataclass(frozen=True)
class GrossValue:
    """The gross income or value to the trafficker of the client's labor (18 U.S.C. § 1593(b)(3))."""

    amount: Decimal
    basis: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class Prosecution:
    """The criminal case against the trafficker, where a restitution request goes."""

    jurisdiction: str | None = None
    court: str | None = None
    case_number: str | None = None
    defendant: str | None = None
    prosecutor_office: str | None = None


@dataclass(frozen=True)
class Losses:
    work_periods: tuple[WorkPeriod, ...] = ()
    expenses: tuple[Expense, ...] = ()
    workweek_starts_on: str | None = None
    gross_value_to_defendant: GrossValue | None = None
    prosecution: Prosecution | None = None
    crime_jurisdiction: str | None = None


@dataclass(frozen=True)
class FamilyMember:
    name: str
    relationship: str | None = None
    date_of_birth: dt.date | None = None
    location: str | None = None


@dataclass(frozen=True)
class Evidence:
    id: str
    title: str
    kind: str | None = None
    path: str | None = None
    date: dt.date | None = None
    description: str | None = None
    elements: tuple[str, ...] = ()  # T-visa elements it supports: victim, physical_presence, compliance, hardship
    language: str | None = None     # language code when not in English (needs a certified translation)


@dataclass(frozen=True)
class Translator:
    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    description: str
    date: dt.date | None = None


@dataclass(frozen=True)
class TVisaRequest:
    """A T-visa filing's own facts: where USCIS may safely write, the translator, the exhibit order, the events."""

    safe_mailing_address: Contact | None = None
    in_care_of: str | None = None
    translator: Translator | None = None
    exhibit_order: tuple[str, ...] = ()  # evidence ids, first to last; the rest follow in the usual order
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class Preparer:
    name: str
    role: str
    bar_number: str | None = None
    bar_state: str | None = None
    organisation: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class CaseFile:
    client: Client
    preparer: Preparer
    trafficking: Trafficking = field(default_factory=Trafficking)
    convictions: tuple[Record, ...] = ()
    arrests: tuple[Record, ...] = ()
    pending_charges: tuple[PendingCharge, ...] = ()
    prior_relief: tuple[PriorRelief, ...] = ()
    law_enforcement_contacts: tuple[LawEnforcementContact, ...] = ()
    losses: Losses = field(default_factory=Losses)
    family_members: tuple[FamilyMember, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    confidential_filing_requested: bool = False
    filing_date: dt.date | None = None  # the intended filing date (procedural dates count from it)
    victims_to_notify: tuple[str, ...] = ()
    outstanding_warrants: tuple[Warrant, ...] = ()
    tvisa: TVisaRequest = field(default_factory=TVisaRequest)
    migrated_from: int | None = None  # the version of the file as read, when it was older than this one
    base_dir: Path | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def records(self) -> tuple[Record, ...]:
        """Convictions, then arrests: everything record relief can act on."""
        return self.convictions + self.arrests

    def as_dict(self) -> dict:
        """The validated case file as plain JSON-ready data (for export and round trips)."""
        return copy.deepcopy(dict(self.raw))


# ---------------------------------------------------------------------------------------------
# Loading and validation


def load_case(path: str | Path) -> CaseFile:
    """Read and validate a case file (``.yml``/``.yaml``/``.json``); raises CaseFileError."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            if not path.is_file():
                raise CaseFileError([f"{path.name}: not a file"])
            content = fh.read(MAX_CASE_FILE_BYTES + 1)
    except FileNotFoundError:
        raise CaseFileError([f"{path.name}: no such file"]) from None
    except IsADirectoryError:
        raise CaseFileError([f"{path.name}: not a file"]) from None
    except OSError as exc:
        raise CaseFileError([f"{path.name}: cannot be read ({exc.strerror})"]) from None
    return parse_case(read_case_data(content, path.name), base_dir=path.parent)


def read_case_data(content: bytes, name: str = "") -> Any:
    """Parse a case file's bytes (JSON when ``name`` ends in .json, else YAML) within the limits.

    The same rules for every front door: UTF-8 with or without a byte-order mark, at most
    MAX_CASE_FILE_BYTES, no alias bombs, deep nesting or huge numbers. Returns the parsed data
    (validate it with ``parse_case``); raises CaseFileError.
    """
    if len(content) > MAX_CASE_FILE_BYTES:
        raise CaseFileError([f"(file): too large (at most {MAX_CASE_FILE_BYTES // 1_000_000} MB)"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CaseFileError(["(file): not UTF-8 text"]) from None
    if name.lower().endswith(".json"):
        return _parse_json(text)
    return _parse_yaml(text)


def parse_case(data: Any, base_dir: str | Path | None = None) -> CaseFile:
    """Validate already-parsed case data (e.g. from an interview) and build the model. An older
    version is migrated first (``migration.migrate``); the model records the version it came from."""
    problems = _limit_problems(data)
    if problems:
        raise CaseFileError(problems)
    data, migrated_from = migrate(data)
    problems = _schema_problems(data)
    if problems:
        raise CaseFileError(problems)
    data = copy.deepcopy(data)
    converted = _convert(data, load_schema(SCHEMA_NAME), "", problems)
    problems += _semantic_problems(converted)
    if problems:
        raise CaseFileError(problems)
    case = _build(converted, data, Path(base_dir) if base_dir else None)
    return dataclasses.replace(case, migrated_from=migrated_from) if migrated_from else case


class _JsonRefused(ValueError):
    pass


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > len(str(MAX_INTEGER)):
        raise _JsonRefused(f"a whole number is larger than {MAX_INTEGER}")
    return int(text)


def _json_object(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _JsonRefused("a key appears twice in the same object")
    return out


def _json_constant(name: str) -> Any:
    raise _JsonRefused(f"{name} is not a JSON value")


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, parse_int=_json_int, object_pairs_hook=_json_object, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise CaseFileError([f"(file): not valid JSON (line {exc.lineno}, column {exc.colno})"]) from None
    except _JsonRefused as exc:
        raise CaseFileError([f"(file): {exc}"]) from None
    except RecursionError:
        raise CaseFileError([f"(file): nested more than {MAX_DEPTH} levels deep"]) from None


def _parse_yaml(text: str) -> Any:
    try:
        return read_yaml(text)
    except YamlContentError as exc:
        raise CaseFileError([f"(file): {exc}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise CaseFileError([f"(file): not valid YAML{where}"]) from None
    except RecursionError:  # a pathological document the composer limits did not catch
        raise CaseFileError([f"(file): nested more than {MAX_DEPTH} levels deep"]) from None


def _limit_problems(data: Any) -> list[str]:
    """Shape limits checked without recursion, before the schema validator (which would copy values
    into its messages) ever sees the data. Paths are built from schema field names only."""
    problems: list[str] = []
    stack = [(data, "(top)", 1)]
    values = 0
    while stack:
        value, where, depth = stack.pop()
        values += 1
        if values > MAX_VALUES:
            return [f"(file): more than {MAX_VALUES} values"]
        if depth > MAX_DEPTH:
            problems.append(f"{where}: nested more than {MAX_DEPTH} levels deep")
            continue
        if isinstance(value, dict):
            if len(value) > MAX_LIST_ITEMS:
                problems.append(f"{where}: has more than {MAX_LIST_ITEMS} fields")
                continue
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append(f"{where}: has a key that is not text")
                    continue
                child = (f"{where}.{key}" if where != "(top)" else key) if key in _FIELD_NAMES else f"{where}.(unknown field)"
                stack.append((item, child, depth + 1))
        elif isinstance(value, (list, tuple)):
            if len(value) > MAX_LIST_ITEMS:
                problems.append(f"{where}: has more than {MAX_LIST_ITEMS} entries")
                continue
            stack.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str):
            if len(value) > MAX_TEXT_CHARS:
                problems.append(f"{where}: is too long (at most {MAX_TEXT_CHARS} characters)")
        elif isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > MAX_INTEGER:
                problems.append(f"{where}: is too large a number")
        elif isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                problems.append(f"{where}: is not a finite number")
        elif value is not None and not isinstance(value, (bool, Decimal)):
            problems.append(f"{where}: is not a value a case file can hold")
    return sorted(set(problems))


def unknown_jurisdictions(case: CaseFile, known_codes: Collection[str]) -> list[str]:
    """Problems (``pending_charges[0].jurisdiction: ...``) for every jurisdiction code in the case that
    ``known_codes`` lacks: convictions, arrests, pending charges and prior relief."""
    known = set(known_codes)
    groups = (("convictions", case.convictions), ("arrests", case.arrests),
              ("pending_charges", case.pending_charges), ("prior_relief", case.prior_relief))
    problems = [f"{name}[{i}].jurisdiction: no jurisdiction data for this code"
                for name, items in groups for i, item in enumerate(items) if item.jurisdiction not in known]
    losses = case.losses
    if losses.prosecution and losses.prosecution.jurisdiction and losses.prosecution.jurisdiction not in known:
        problems.append("losses.prosecution.jurisdiction: no jurisdiction data for this code")
    if losses.crime_jurisdiction and losses.crime_jurisdiction not in known:
        problems.append("losses.crime_jurisdiction: no jurisdiction data for this code")
    return problems


def _schema_field_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {})) if isinstance(node.get("properties"), dict) else set()
        for value in node.values():
            names |= _schema_field_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= _schema_field_names(value)
    return names


_FIELD_NAMES = frozenset(_schema_field_names(load_schema(SCHEMA_NAME)))


def _format_path(parts) -> str:
    """A field path built from schema names and list indices; a key the schema lacks is never quoted."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if part in _FIELD_NAMES else "(unknown field)"
            out += f".{name}" if out else name
    return out or "(top)"


def _strict_pattern(validator, pattern, instance, schema):
    """``pattern`` as the schema means it: the whole value, ASCII digits only.

    jsonschema uses ``re.search``, where ``$`` also matches before a final newline and a digit class
    matches any script's digits ("٢٠١٩-٠٣-٠٤"), which ``date.fromisoformat`` and ``Decimal`` would then accept.
    """
    if isinstance(instance, str) and not re.fullmatch(pattern, instance, flags=re.ASCII):
        yield jsonschema.ValidationError("does not match the pattern")


_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _strict_pattern})


def _schema_problems(data: Any) -> list[str]:
    validator = _Validator(load_schema(SCHEMA_NAME))
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problems.extend(_describe(error))
    return problems


def _describe(error: jsonschema.ValidationError) -> list[str]:
    """A message for one schema error that never quotes the offending value."""
    path = list(error.absolute_path)
    here = _format_path(path)
    kind = error.validator
    if kind == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        return [f"{_format_path(path + [name])}: required" for name in error.validator_value if name not in present]
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        out = []
        for name in error.instance:
            if name in allowed:
                continue
            near = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.75)
            hint = f"perhaps a misspelling of '{near[0]}'" if near else "allowed here: " + ", ".join(allowed)
            out.append(f"{here}: has a field the case file does not know ({hint})")
        return out
    custom = error.schema.get("x-message") if isinstance(error.schema, dict) else None
    if custom:
        return [f"{here}: {custom}"]
    if kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return [f"{here}: must be " + " or ".join(_TYPE_WORDS.get(t, t) for t in expected)]
    if kind == "enum":
        return [f"{here}: must be one of: " + ", ".join("null" if v is None else str(v) for v in error.validator_value)]
    if kind == "minLength":
        return [f"{here}: must not be empty"]
    if kind == "maxLength":
        return [f"{here}: is too long (at most {error.validator_value} characters)"]
    if kind == "minimum":
        return [f"{here}: must be at least {error.validator_value}"]
    if kind == "maximum":
        return [f"{here}: must be at most {error.validator_value}"]
    if kind == "uniqueItems":
        return [f"{here}: lists an entry twice"]
    return [f"{here}: is not valid here"]


_DATE_REFS = ("#/$defs/date", "#/$defs/opt_date")
_DECIMAL_REFS = ("#/$defs/money", "#/$defs/opt_money", "#/$defs/hours")


def _convert(value: Any, node: dict, path: str, problems: list[str]) -> Any:
    """Walk data beside its schema, turning date strings into dates and amounts into Decimal."""
    schema = load_schema(SCHEMA_NAME)
    ref = node.get("$ref")
    if ref in _DATE_REFS and isinstance(value, str):
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            problems.append(f"{path}: not a date (use YYYY-MM-DD)")
            return None
        if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
            problems.append(f"{path}: is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}")
            return None
        return date
    if ref in _DECIMAL_REFS and isinstance(value, str):
        return Decimal(value)
    if ref:
        return _convert(value, schema["$defs"][ref.rsplit("/", 1)[1]], path, problems)
    if isinstance(value, dict):
        props = node.get("properties", {})
        return {k: _convert(v, props.get(k, {}), f"{path}.{k}" if path else k, problems) for k, v in value.items()}
    if isinstance(value, list):
        items = node.get("items", {})
        return [_convert(v, items, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    return value


def _strings(value: Any, path: str, key: str = ""):
    """(path, field name, text) for every string in validated data."""
    if isinstance(value, str):
        yield path, key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}" if path else k, k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]", key)


def _semantic_problems(data: dict) -> list[str]:
    """Checks the schema language cannot express: unique ids, date order, printable text."""
    problems = []
    for p, key, s in _strings(data, ""):
        if _XML_INVALID.search(s):
            problems.append(f"{p}: contains a control character that cannot appear in a document")
        if key in _IDENTIFIER_FIELDS and _BIDI_CONTROLS.search(s):
            problems.append(f"{p}: contains a text-direction control character, which could change how it prints")
    seen: dict[str, str] = {}
    for group in ("convictions", "arrests", "pending_charges", "evidence"):
        for i, item in enumerate(data.get(group, [])):
            where = f"{group}[{i}].id"
            if item["id"] in seen:
                problems.append(f"{where}: the same id is already used at {seen[item['id']]}")
            else:
                seen[item["id"]] = where
    record_ids = {item["id"] for group in ("convictions", "arrests") for item in data.get(group, [])}
    for i, warrant in enumerate(data.get("outstanding_warrants", [])):
        if warrant.get("related_record") and warrant["related_record"] not in record_ids:
            problems.append(f"outstanding_warrants[{i}].related_record: no conviction or arrest has this id")
    for i, wp in enumerate(data.get("losses", {}).get("work_periods", [])):
        if wp.get("start") and wp.get("end") and wp["end"] < wp["start"]:
            problems.append(f"losses.work_periods[{i}].end: is before the start")
    for i, period in enumerate(data.get("trafficking", {}).get("periods", [])):
        if period.get("start") and period.get("end") and period["end"] < period["start"]:
            problems.append(f"trafficking.periods[{i}].end: is before the start")
    for i, conv in enumerate(data.get("convictions", [])):
        done, convicted = conv.get("sentence_completed_on"), conv.get("conviction_date")
        if done and convicted and done < convicted:
            problems.append(f"convictions[{i}].sentence_completed_on: is before the conviction date")
    return problems


def _tuple(cls, items) -> tuple:
    return tuple(cls(**item) for item in items or ())


def _build(d: dict, raw: dict, base_dir: Path | None) -> CaseFile:
    client = dict(d["client"])
    client["contact"] = Contact(**client.get("contact", {}))
    client["identifiers"] = Identifiers(**client.get("identifiers", {}))
    trafficking = dict(d.get("trafficking", {}))
    trafficking["types"] = tuple(trafficking.get("types", ()))
    trafficking["periods"] = _tuple(Period, trafficking.get("periods"))
    trafficking["traffickers"] = _tuple(Trafficker, trafficking.get("traffickers"))
    trafficking["official_documentation"] = tuple(trafficking.get("official_documentation", ()))
    losses = d.get("losses", {})

    def records(kind: str, items) -> tuple[Record, ...]:
        return tuple(Record(kind=kind, **{**item, "offence_categories": tuple(item.get("offence_categories", ()))})
                     for item in items or ())

    return CaseFile(
        client=Client(**client),
        preparer=Preparer(**d["preparer"]),
        trafficking=Trafficking(**trafficking),
        convictions=records("conviction", d.get("convictions")),
        arrests=records("arrest", d.get("arrests")),
        pending_charges=tuple(PendingCharge(**{**p, "offence_categories": tuple(p.get("offence_categories", ()))})
                              for p in d.get("pending_charges", ())),
        prior_relief=_tuple(PriorRelief, d.get("prior_relief")),
        law_enforcement_contacts=tuple(
            LawEnforcementContact(**{**c, "qualifying_crimes": tuple(c.get("qualifying_crimes", ())),
                                     "certification_requests": _tuple(CertificationRequest, c.get("certification_requests"))})
            for c in d.get("law_enforcement_contacts", ())),
        losses=Losses(work_periods=_tuple(WorkPeriod, losses.get("work_periods")),
                      expenses=_tuple(Expense, losses.get("expenses")),
                      workweek_starts_on=losses.get("workweek_starts_on"),
                      gross_value_to_defendant=(GrossValue(**losses["gross_value_to_defendant"])
                                                if losses.get("gross_value_to_defendant") else None),
                      prosecution=Prosecution(**losses["prosecution"]) if losses.get("prosecution") else None,
                      crime_jurisdiction=losses.get("crime_jurisdiction")),
        family_members=_tuple(FamilyMember, d.get("family_members")),
        evidence=tuple(Evidence(**{**e, "elements": tuple(e.get("elements", ()))}) for e in d.get("evidence", ())),
        confidential_filing_requested=bool(d.get("requests", {}).get("confidential_filing", False)),
        filing_date=d.get("filing_date"),
        victims_to_notify=tuple(d.get("victims_to_notify", ())),
        outstanding_warrants=_tuple(Warrant, d.get("outstanding_warrants")),
        tvisa=_tvisa(d.get("tvisa", {})),
        base_dir=base_dir,
        raw=raw,
    )


def _tvisa(t: dict) -> TVisaRequest:
    address = t.get("safe_mailing_address")
    translator = t.get("translator")
    return TVisaRequest(
        safe_mailing_address=Contact(**{k: v for k, v in address.items() if k != "in_care_of"}) if address else None,
        in_care_of=(address or {}).get("in_care_of"),
        translator=Translator(**{**translator, "languages": tuple(translator.get("languages", ()))}) if translator else None,
        exhibit_order=tuple(t.get("exhibit_order", ())),
        events=_tuple(Event, t.get("events")))
