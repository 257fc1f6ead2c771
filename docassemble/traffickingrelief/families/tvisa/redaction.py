"""A redacted copy of the T-visa drafts, for copies shared outside the filing (a service provider, a
translator): the client's A-number, Social Security numbers, dates of birth and addresses are masked.

Only the drafts are redacted, never the scanned exhibits (their text is not reliably readable, so a
"redacted" scan would promise what it cannot keep). The values to mask come from the case file (the
A-number, the client's and family members' dates of birth in every form a draft writes them, the
client's contact and safe mailing addresses, family members' locations); Social Security numbers and
A-numbers typed anywhere in the client's own words are found by their pattern. A paragraph with a match
is rewritten as plain text in its first run (its other runs emptied), so no masked value survives split
across runs. The copy is written whole or not at all, beside nothing the user edited.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Iterable

from ...drafting import format_date
from ...facts import CaseFile, Contact

MASK = "[REDACTED]"
REDACTED_FOLDER = "redacted"
_PATTERNS = (
    re.compile(r"\b\d{3}[- ]\d{2}[- ]\d{4}\b"),           # a Social Security number as people write it
    re.compile(r"\bA[- ]?\d{3}[- ]?\d{3}[- ]?\d{2,3}\b"),  # an A-number (A123456789, A-123-456-789)
)


def _date_forms(value: dt.date | None) -> list[str]:
    if value is None:
        return []
    return [format_date(value), value.isoformat(), f"{value:%m/%d/%Y}", f"{value.month}/{value.day}/{value.year}"]


def _address_forms(contact: Contact | None) -> list[str]:
    if contact is None:
        return []
    parts = [p for p in (contact.street, contact.city, " ".join(p for p in (contact.state, contact.postal_code) if p)) if p]
    forms = [", ".join(parts)] if len(parts) > 1 else []
    return forms + [p for p in (contact.street, contact.postal_code) if p]


def sensitive_values(case: CaseFile) -> list[str]:
    """The case file's own values a redacted copy masks, longest first (so a full address goes before its street)."""
    c = case.client
    values = [c.a_number] if c.a_number else []
    values += _date_forms(c.date_of_birth)
    values += _address_forms(c.contact) + _address_forms(case.tvisa.safe_mailing_address)
    for member in case.family_members:
        values += _date_forms(member.date_of_birth)
        if member.location:
            values.append(member.location)
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 3}, key=len, reverse=True)


def redact_text(text: str, values: Iterable[str]) -> str:
    out = text
    for value in values:
        out = out.replace(value, MASK)
    for pattern in _PATTERNS:
        out = pattern.sub(MASK, out)
    return out


def _paragraphs(document):
    def in_tables(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs
                    yield from in_tables(cell.tables)

    yield from document.paragraphs
    yield from in_tables(document.tables)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            yield from part.paragraphs
            yield from in_tables(part.tables)


def redact_docx(source: Path, target: Path, values: Iterable[str]) -> int:
    """Write a copy of ``source`` with every sensitive value masked; returns how many paragraphs changed."""
    from docx import Document

    values = list(values)
    document = Document(str(source))
    changed = 0
    for paragraph in _paragraphs(document):
        runs = paragraph.runs
        text = "".join(r.text for r in runs)
        masked = redact_text(text, values)
        if masked != text and runs:
            runs[0].text = masked
            for run in runs[1:]:
                run.text = ""
            changed += 1
    partial = target.with_name(f".{target.name}.tmp")
    try:
        document.save(str(partial))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return changed


def redacted_copy(case: CaseFile, drafts_dir: Path, out_dir: Path) -> list[Path]:
    """A redacted copy of every T-visa draft (DOCX) in ``drafts_dir``, as ``<stem>-redacted.docx`` in ``out_dir``."""
    values = sensitive_values(case)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(Path(drafts_dir).glob("*.docx")):
        if source.stem.endswith("-redacted"):
            continue
        target = out_dir / f"{source.stem}-redacted.docx"
        redact_docx(source, target, values)
        written.append(target)
    return written
