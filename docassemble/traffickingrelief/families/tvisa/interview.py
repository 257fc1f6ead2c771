"""The T-visa interview module's glue (interviews/tr_tvisa.yml): its answers as case-file sections,
its screening card, and the checks on exhibit uploads.

Pure Python, like interview_support.py: no docassemble import at module level, answers read by duck
typing (an object's answers are its instance ``__dict__``, a list's items its ``elements``), so it is
unit-tested without docassemble (tests/test_tvisa_interview.py).

Uploaded exhibits reach the packet by evidence id: the case file names each one by a neutral relative
path (``exhibits/x1.pdf``, no client data), and ``exhibit_files`` gives the assembly the server's own
copy of each upload, which the packet reads in place (nothing is copied). Messages name the field or
the file to the person who uploaded it; nothing here logs.
"""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any, Mapping

from ...eligibility import OK, REVIEW, WARN
from ...facts import parse_case
from ...interview_support import _date, _get, _items, _text, build_case_file, esc
from ...packet import exhibit_problem
from ...screening import screen
from .screening import ELEMENTS

__all__ = [
    "tvisa_wanted", "tvisa_carried", "tvisa_sections", "tvisa_rows_for", "exhibit_files", "exhibit_upload_problem",
    "check_exhibit_upload", "exhibit_uploads", "needs_translator", "MAX_EXHIBIT_BYTES",
    "RELATIONSHIP_WORDS",
]

NOT_US_CITIZEN = "not_us_citizen"
YES = "yes"
MAX_EXHIBIT_BYTES = 20 * 1024 * 1024
_TYPES = {  # content type a browser or docassemble names -> the kind the file's own bytes must show
    "application/pdf": "pdf", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/pjpeg": "jpeg", "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
_EXTENSIONS = {".pdf": "pdf", ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".docx": "docx"}
_SUFFIX = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "docx": "docx"}
# Relationship codes of the family-member screen -> the words the Supplement A worksheet reads.
RELATIONSHIP_WORDS = {"spouse": "spouse", "child": "child", "parent": "parent", "sibling": "sibling",
                      "other": "other relative"}
ENGLISH = (None, "", "en", "eng")


def _complete(seq: Any) -> list:
    """The list's items that were finished (``complete`` set), without asking for the rest."""
    return [item for item in _items(seq) if _get(item, "complete") is True]



def _prune(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if v not in (None, [], {}, "")}


def tvisa_wanted(immigration_choice: Any, help_choice: Any) -> bool:
    """The gate: the client is not a U.S. citizen and the user asked for help with a T visa."""
    return immigration_choice == NOT_US_CITIZEN and help_choice == YES


def needs_translator(preferred_language: Any, interview_language: Any = None) -> bool:
    """A translator's certificate is needed when the client's language is not English (the declaration)."""
    language = _text(preferred_language) or _text(interview_language)
    return language not in ENGLISH


# ---------------------------------------------------------------------------------------------
# Answers -> the case file's sections


def _upload(item: Any) -> Any:
    """The DAFile of an exhibit's upload (a DAFileList of one, as a file field stores it)."""
    upload = _get(item, "upload")
    files = _items(upload)
    return files[0] if files else upload


def _kind_of(item: Any) -> str:
    """The upload's type by its name's ending, else its content type (both were checked against its bytes)."""
    upload = _upload(item)
    suffix = Path(str(_get(upload, "filename") or "")).suffix.lower()
    return _EXTENSIONS.get(suffix) or _TYPES.get(str(_get(upload, "mimetype") or "").lower(), "pdf")


def _exhibit_ids(exhibits: Any, used: set[str]) -> list[tuple[str, Any]]:
    """Each finished exhibit with its evidence id (x1, x2... skipping ids the other evidence uses)."""
    out, n = [], 0
    for item in _complete(exhibits):
        n += 1
        while f"x{n}" in used:
            n += 1
        out.append((f"x{n}", item))
    return out


def _core_evidence(evidence_items: Any) -> list[dict]:
    return build_case_file(evidence_items=evidence_items).get("evidence", [])


def tvisa_carried(carry_over: Any) -> bool:
    """An uploaded case file brought a ``tvisa`` section: its answers are kept and not asked again."""
    return bool((carry_over or {}).get("tvisa")) if isinstance(carry_over, Mapping) else False


def tvisa_sections(*, wanted: bool, address: Any = None, translator: Any = None, family: Any = None,
                   family_choice: Any = None, exhibits: Any = None, evidence_items: Any = None,
                   carry_over: Mapping | None = None) -> dict:
    """The case-file sections the T-visa questions answer: ``tvisa``, ``family_members`` and, when exhibits
    were uploaded, ``evidence`` (the other papers first, as the shared questions gave them, then the uploads).
    Empty when the gate is closed, so an uploaded case file's own sections are kept; an uploaded ``tvisa``
    section (``carry_over``) keeps what these questions do not ask (exhibit order, events)."""
    if not wanted:
        return {}
    out: dict[str, Any] = {}
    carried = copy.deepcopy(dict((carry_over or {}).get("tvisa") or {}))
    mail = _prune({k: _text(_get(address, k)) for k in ("in_care_of", "street", "city", "state", "postal_code")})
    name = _text(_get(translator, "name"))
    section = _prune({
        "safe_mailing_address": mail,
        "translator": _prune({"name": name, **{k: _text(_get(translator, k)) for k in ("address", "phone", "email")}})
        if name else None,
    })
    if section or carried:
        out["tvisa"] = carried | section
    members = []
    if family_choice == YES:
        for m in _complete(family):
            member_name = _text(_get(m, "name"))
            if member_name:
                members.append(_prune({"name": member_name,
                                       "relationship": RELATIONSHIP_WORDS.get(_get(m, "relationship")),
                                       "date_of_birth": _date(_get(m, "date_of_birth")),
                                       "location": _text(_get(m, "location"))}))
    if members:
        out["family_members"] = members
    core = _core_evidence(evidence_items)
    uploads = _exhibit_ids(exhibits, {e["id"] for e in core})
    if uploads:
        out["evidence"] = copy.deepcopy(core) + [_prune({
            "id": eid, "title": _text(_get(item, "title")) or "Exhibit",
            "path": f"exhibits/{eid}.{_SUFFIX[_kind_of(item)]}",
            "date": _date(_get(item, "date")),
            "elements": [_get(item, "element")] if _get(item, "element") in ELEMENTS else [],
        }) for eid, item in uploads]
    return out


def exhibit_files(exhibits: Any, evidence_items: Any = None) -> dict[str, str]:
    """{evidence id: the server's own path of the upload}, for the packet (read in place, never copied)."""
    core = _core_evidence(evidence_items)
    out = {}
    for eid, item in _exhibit_ids(exhibits, {e["id"] for e in core}):
        upload = _upload(item)
        path = upload.path() if callable(getattr(upload, "path", None)) else None
        if path:
            out[eid] = str(path)
    return out


def exhibit_uploads(exhibits: Any) -> list:
    """Every stored upload of the exhibit list (for quick exit, which erases them)."""
    return [_get(item, "upload") for item in _items(exhibits) if _get(item, "upload") is not None]


# ---------------------------------------------------------------------------------------------
# Upload checks


# Plain words for each problem, in English and Spanish ({name} is the file's own name, shown to the person
# who uploaded it and never logged).
UPLOAD_PROBLEMS = {
    "type": ("{name}: this kind of file cannot be used. Use a PDF, a JPEG or PNG picture, or a Word file (DOCX).",
             "{name}: no se puede usar este tipo de archivo. Use un PDF, una foto JPEG o PNG, o un archivo de Word (DOCX)."),
    "unreadable": ("{name}: we could not read this file. Please upload it again.",
                   "{name}: no pudimos leer este archivo. Por favor, súbalo otra vez."),
    "size": ("{name}: the file is too big. It can be at most {mb} MB.",
             "{name}: el archivo es demasiado grande. Puede tener hasta {mb} MB."),
    "mismatch": ("{name}: the file's content does not match its type. Use a real PDF, JPEG, PNG or DOCX file.",
                 "{name}: el contenido del archivo no corresponde a su tipo. Use un archivo PDF, JPEG, PNG o DOCX de verdad."),
    "encrypted": ("{name}: the PDF has a password. Save a copy without a password, then upload that.",
                  "{name}: el PDF tiene contraseña. Guarde una copia sin contraseña y suba esa copia."),
    "empty": ("{name}: the file is empty.", "{name}: el archivo está vacío."),
    "broken": ("{name}: we cannot open this file. It may be broken.",
               "{name}: no podemos abrir este archivo. Puede estar dañado."),
    "image": ("{name}: the picture is too large. Use a smaller picture or a PDF.",
              "{name}: la foto es demasiado grande. Use una foto más pequeña o un PDF."),
}


def _problem(code: str, name: str, language: str | None, **values) -> str:
    english, spanish = UPLOAD_PROBLEMS[code]
    return (spanish if language == "es" else english).format(name=name, **values)


def exhibit_upload_problem(path: str | Path, filename: str | None, content_type: str | None,
                           max_bytes: int = MAX_EXHIBIT_BYTES, language: str | None = None) -> str | None:
    """What is wrong with an uploaded exhibit, in plain words naming the file, or None when it can be used.

    The type the upload claims (its content type, or its name's ending) must be PDF, JPEG, PNG or DOCX,
    the file's own bytes must be that type, it must fit the size limit, and the packet must be able to
    use it (no password, not broken, a picture of a sane size)."""
    name = Path(str(filename or "the file").replace("\\", "/")).name
    claimed = _TYPES.get(str(content_type or "").split(";")[0].strip().lower())
    by_name = _EXTENSIONS.get(Path(name).suffix.lower())
    if claimed is None and by_name is None:
        return _problem("type", name, language)
    try:
        size = Path(path).stat().st_size
    except OSError:
        return _problem("unreadable", name, language)
    if size > max_bytes:
        return _problem("size", name, language, mb=max_bytes // (1024 * 1024))
    if size == 0:
        return _problem("empty", name, language)
    if _content_kind(path) not in {k for k in (claimed, by_name) if k}:
        return _problem("mismatch", name, language)
    problem = exhibit_problem(path)
    if problem is None:
        return None
    if problem.startswith("encrypted"):
        return _problem("encrypted", name, language)
    if problem.startswith("image too large"):
        return _problem("image", name, language)
    return _problem("broken", name, language)


def _content_kind(path: str | Path) -> str | None:
    with open(path, "rb") as handle:
        head = handle.read(65536)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04") and b"word/" in head:
        return "docx"
    return None


def check_exhibit_upload(upload: Any) -> bool:
    """``validation code`` for an exhibit upload: a clear error naming the file, and a refused upload is erased
    from the server's storage at once (docassemble keeps a file before its screen is validated)."""
    files = _items(upload) or ([upload] if upload is not None else [])
    for file in files:
        from docassemble.base.util import get_language, validation_error

        problem = exhibit_upload_problem(file.path(), _get(file, "filename"), _get(file, "mimetype"),
                                         language=get_language())
        if problem:
            from ...interview_support import erase_stored_files

            erase_stored_files(upload)
            validation_error(esc(problem), field="tvisa_exhibits[i].upload")
            return False
    return True


# ---------------------------------------------------------------------------------------------
# The screening card


def _source(fact: Any) -> dict:
    if fact is None:
        return {"citation": None, "url": None, "publisher": None, "verified": False}
    source = fact.source
    url = source.url if source and source.url and str(source.url).startswith(("http://", "https://")) else None
    return {"citation": fact.citation, "url": url, "publisher": source.publisher if source else None,
            "verified": fact.verified}


_ELEMENT_OF = {"tvisa.elements.victim": "victim", "tvisa.elements.physical_presence": "physical_presence",
               "tvisa.elements.compliance": "compliance", "tvisa.elements.hardship": "hardship",
               "tvisa.minor_exemption_age": "compliance"}


def tvisa_rows_for(data: Mapping, today: dt.date | None = None) -> list[dict]:
    """The client's T-visa screening for the screen: one row (or none when the core does not screen the client),
    with a code per element (``supported`` / ``needs_more``) and the core's reasons with their sources."""
    data = copy.deepcopy(dict(data))
    if not (data.get("preparer") or {}).get("name"):
        data["preparer"] = {"name": "(not yet given)", "role": "advocate"}
    rows = []
    for result in screen(parse_case(data), today, ["tvisa"]):
        elements = {}
        for finding in result.findings:
            key = _ELEMENT_OF.get(str(getattr(finding.fact, "path", "") or "").split(":", 1)[-1])
            if key and finding.kind in (OK, REVIEW):
                elements[key] = "supported" if finding.kind == OK and elements.get(key) != "needs_more" else "needs_more"
        rows.append({
            "family": "tvisa", "record_id": "client", "status": result.status, "draftable": result.draftable,
            "verdict": "ready" if not result.missing_facts else "needs_answer",
            "elements": [{"code": e, "state": elements.get(e, "needs_more")} for e in ELEMENTS],
            "warnings": sum(1 for f in result.findings if f.kind == WARN),
            "offence": "T visa", "jurisdiction_name": result.jurisdiction.name, "case_number": None,
            "earliest_filing_date": None,
            "reasons": [{"kind": f.kind, "text": f.text, **_source(f.fact)} for f in result.findings],
        })
    return rows
