"""The compensation interview module's Python (interviews/tr_compensation.yml).

The claim reads the case file's ``losses`` (the costs and the state where the crime happened), which the
restitution module asks and owns; this module adds no section of its own. It prepares the program card
the screen shows: whether a claim can be drafted for the state's program, with the core's findings (the
program, its time limit, its rules on police reports and on the victim's own record), each with its source.

Pure: no docassemble import (tests/test_compensation_interview.py).
"""
from __future__ import annotations

from typing import Mapping

from ..restitution.interview import family_rows

__all__ = ["compensation_screening"]


def compensation_screening(data: Mapping) -> list[dict]:
    """The compensation screening, one row per claim (the program of the state where the crime happened)."""
    return family_rows(data, "compensation", "Help from the state's fund for crime victims")
