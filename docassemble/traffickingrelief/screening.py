"""Screening across every draft family: which relief each part of the case can have, and why.

The rules themselves belong to the families; this module checks what every family relies on
(every jurisdiction the case names is one the data knows) and gathers their results in one list.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from .eligibility import Eligibility
from .errors import CaseFileError
from .facts import CaseFile, unknown_jurisdictions
from .family import select
from .jurisdictions import load_all


def screen(case: CaseFile, today: dt.date | None = None, families: Iterable[str] | None = None) -> list[Eligibility]:
    """Screen the whole case for the families named (all registered families when None)."""
    chosen = select(tuple(families) if families is not None else None)
    problems = unknown_jurisdictions(case, load_all())
    if problems:
        raise CaseFileError(problems)
    today = today or dt.date.today()
    return [result for family in chosen for result in family.screen(case, today)]
