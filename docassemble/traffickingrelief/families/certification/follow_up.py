"""The follow-up log of certification requests: one row per request, as a table in the log DOCX and
as CSV (``follow-up-log.csv``) for a clinic's tracking sheet.

The follow-up date is the date sent plus ``certification.follow_up_days`` from the federal data (an
office default, not law); when the data has no figure the column says so instead of guessing.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

from ...drafting import format_date
from ...eligibility import Eligibility
from ...facts import CaseFile
from ...jurisdictions import Jurisdiction
from .screening import CONTINUED_PRESENCE

CSV_NAME = "follow-up-log.csv"
COLUMNS = ("request", "agency", "sent", "follow_up_due", "response", "response_date")
CSV_HEADER = ("Request", "Agency", "Date sent", "Follow-up due", "Response", "Response date")


def follow_up_days(us: Jurisdiction) -> int | None:
    return us.value("certification.follow_up_days")


def request_name(us: Jurisdiction, kind: str) -> str:
    key = "certification.continued_presence.name" if kind == CONTINUED_PRESENCE else f"certification.{kind}.form_name"
    return us.value(key) or kind.replace("_", " ")


def follow_up_rows(case: CaseFile, results: list[Eligibility]) -> list[dict[str, str]]:
    """One row per request drafted now or already sent (as the case file records it)."""
    rows = []
    for result in results:
        request = result.subject.item
        sent = request.sent
        if not result.draftable and sent is None:
            continue
        us = result.jurisdiction
        days = follow_up_days(us)
        sent_on = sent.sent_on if sent else None
        if sent_on and days is not None:
            due = format_date(sent_on + dt.timedelta(days=days))
        elif days is not None:
            due = f"{days} days after sending"
        else:
            due = "no follow-up period in the data"
        rows.append({"kind": request.kind, "request": request_name(us, request.kind), "agency": request.contact.agency,
                     "sent": format_date(sent_on) if sent_on else "not sent yet",
                     "follow_up_due": due,
                     "response": (sent.response or "awaiting answer") if sent_on else "",
                     "response_date": format_date(sent.response_on) if sent and sent.response_on else ""})
    return rows


def follow_up_csv(case: CaseFile, results: list[Eligibility]) -> str:
    """The log as CSV text (UTF-8, a header row, one row per request). Cells that a spreadsheet would
    run as a formula are prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in follow_up_rows(case, results):
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return out.getvalue()


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
