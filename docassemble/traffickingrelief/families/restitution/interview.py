"""The restitution interview module's Python (interviews/tr_restitution.yml): answers in, case file out.

The module owns the case file's ``losses`` section, which both money families read (restitution and
compensation): work periods, costs, the trafficker's earnings, the criminal case and the state of the
crime. Here the answers become that section, each work period and cost is checked with a message code
the YAML words (naming the field), and the core's calculation is prepared for the screen in plain words.
Nothing is computed here that the core computes: every figure comes from ``claim_for`` (wages.py).

Pure: no docassemble import, answers read by duck typing (an object's ``__dict__``, a list's
``elements``), so it is unit-tested without docassemble (tests/test_restitution_interview.py).
"""
from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from ...errors import CaseFileError
from ...facts import parse_case
from ...interview_support import SCREENING_PREPARER, _date, _fact_source, _get, _items, _prune, _text, us_english
from ...jurisdictions import coverage
from ...screening import screen
from ...wages import FEDERAL, MAX_HOURS_PER_WEEK
from .screening import claim_for

__all__ = ["losses_section", "work_period_problem", "cost_problem", "reject", "restitution_screening", "family_rows", "calculation_summary",
           "crime_state_choices", "case_has_losses", "COST_WORDS"]

YES, NO = "yes", "no"
CASE_FEDERAL, CASE_STATE = "federal", "state"
# What each kind of cost is called in the case file when the person gave no description (the drafts are
# in English; the case file's own category code goes beside it).
COST_WORDS = {"medical": "Medical care", "counseling": "Counseling", "relocation": "Moving to a safe place",
              "lost_property": "Lost or damaged property", "other": "Other cost"}
RECEIPT_KEPT = "receipt or bill kept by the client"


def _complete(seq: Any) -> list:
    """The finished items of a DAList (``complete`` set), like ``complete_elements()``, without a gather."""
    return [item for item in _items(seq) if _get(item, "complete") is True]


def _amount(value: Any) -> str | None:
    """A number answer as the case file's decimal text ("42.5", "300.00"); None when blank."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return str(value)  # parse_case reports it by field path
    if not number.is_finite():
        return str(value)
    text = f"{number.quantize(Decimal('0.01')):f}"
    return text[:-3] if text.endswith(".00") else text.rstrip("0")


def _number(value: Any) -> Decimal | None:
    text = _amount(value)
    try:
        return None if text is None else Decimal(text)
    except InvalidOperation:
        return None


def _work_period(item: Any) -> dict:
    pay = _amount(_get(item, "pay_received")) or "0"
    out = {"start": _date(_get(item, "start")), "end": _date(_get(item, "end")), "work": _text(_get(item, "work")),
           "hours_per_week": _amount(_get(item, "hours_per_week")), "pay_received": pay,
           "live_in": _get(item, "live_in_choice") == YES}
    if _number(pay) and _get(item, "pay_per") in ("week", "total"):
        out["pay_received_per"] = _get(item, "pay_per")
    return _prune(out) | {"live_in": out["live_in"]}


def _cost(item: Any) -> dict:
    category = _get(item, "category") if _get(item, "category") in COST_WORDS else "other"
    receipt = None
    if _get(item, "receipt_choice") == YES:
        receipt = _text(_get(item, "receipt")) or RECEIPT_KEPT
    return _prune({"description": _text(_get(item, "description")) or COST_WORDS[category],
                   "amount": _amount(_get(item, "amount")), "date": _date(_get(item, "date")),
                   "category": category, "receipt": receipt})


def losses_section(*, wanted: Any = None, work_choice: Any = None, work: Any = None, earnings_choice: Any = None, earnings: Any = None,
                   costs_choice: Any = None, costs: Any = None, case_choice: Any = None, case: Any = None,
                   crime_state: Any = None) -> dict:
    """``{"losses": {...}}`` from the answers so far, shaped as case_file.schema.json reads it; ``{}`` when
    nothing is answered (then an uploaded case file's losses stay as they were)."""
    losses: dict[str, Any] = {}
    if wanted != YES:
        return {}
    if work_choice == YES:
        periods = [_work_period(item) for item in _complete(work)]
        if periods:
            losses["work_periods"] = periods
    if costs_choice == YES:
        items = [_cost(item) for item in _complete(costs)]
        if items:
            losses["expenses"] = items
    amount = _amount(_get(earnings, "amount"))
    if earnings_choice == YES and amount is not None:
        losses["gross_value_to_defendant"] = _prune({"amount": amount, "basis": _text(_get(earnings, "basis")),
                                                     "evidence": _text(_get(earnings, "evidence"))})
    if case_choice in (CASE_FEDERAL, CASE_STATE):
        code = FEDERAL if case_choice == CASE_FEDERAL else _text(_get(case, "state"))
        prosecution = _prune({"jurisdiction": code, "court": _text(_get(case, "court")),
                              "case_number": _text(_get(case, "case_number")),
                              "defendant": _text(_get(case, "defendant")),
                              "prosecutor_office": _text(_get(case, "prosecutor_office"))})
        if prosecution:
            losses["prosecution"] = prosecution
    if _text(crime_state) and _text(crime_state) != FEDERAL:
        losses["crime_jurisdiction"] = _text(crime_state)
    return {"losses": losses} if losses else {}


def case_has_losses(carry_over: Any) -> bool:
    """Whether an uploaded case file already carried a ``losses`` section (its questions are then skipped)."""
    return bool((carry_over or {}).get("losses")) if isinstance(carry_over, Mapping) else False


def work_period_problem(work: Any) -> tuple[str, str] | None:
    """The first problem in the work periods as (variable, message code), for the screen's validation.

    Codes: ``hours_negative``, ``hours_too_many`` (over 168 in a week), ``end_before_start``, ``pay_negative``,
    ``pay_per_missing`` (pay was received but not whether it was weekly or for the whole time).
    Every item is checked (the one just entered, or one being edited); the variable names the field.
    """
    for item in _items(work):
        name = _get(item, "instanceName")
        hours, pay = _number(_get(item, "hours_per_week")), _number(_get(item, "pay_received"))
        start, end = _date(_get(item, "start")), _date(_get(item, "end"))
        if hours is not None and hours < 0:
            return f"{name}.hours_per_week", "hours_negative"
        if hours is not None and hours > MAX_HOURS_PER_WEEK:
            return f"{name}.hours_per_week", "hours_too_many"
        if start and end and end < start:
            return f"{name}.end", "end_before_start"
        if pay is not None and pay < 0:
            return f"{name}.pay_received", "pay_negative"
        if pay and _get(item, "pay_per") not in ("week", "total"):
            return f"{name}.pay_per", "pay_per_missing"
    return None


def cost_problem(costs: Any) -> tuple[str, str] | None:
    """The first cost with a negative amount as (variable, ``amount_negative``)."""
    for item in _items(costs):
        amount = _number(_get(item, "amount"))
        if amount is not None and amount < 0:
            return f"{_get(item, 'instanceName')}.amount", "amount_negative"
    return None


def reject(problem: tuple[str, str] | None, messages: Mapping[str, str]) -> None:
    """``validation code:`` helper: a problem found above becomes the screen's error on its field.

    ``messages`` maps each code to its message (the YAML's translated templates, as text). docassemble is
    imported only here, when a screen is checked.
    """
    if problem:
        from docassemble.base.util import validation_error

        variable, code = problem
        validation_error(messages[code], field=variable)


def crime_state_choices() -> list[dict]:
    """``[{code: name}]`` for "where did the crime happen": the states and DC (not federal: compensation is
    paid by the program of a state)."""
    rows = sorted((r for r in coverage() if r["kind"] != "federal"), key=lambda r: r["name"])
    return [{r["code"]: r["name"]} for r in rows]


def _case(data: Mapping):
    data = copy.deepcopy(dict(data))
    if not (data.get("preparer") or {}).get("name"):
        data["preparer"] = dict(SCREENING_PREPARER)  # screening comes before the preparer's details
    return parse_case(data)


def _verdict(result) -> str:
    """ready / lawyer_check / needs_answer / barred, as the record-relief cards word them."""
    if result.draftable:
        return "ready" if result.status == "eligible" else "lawyer_check"
    return "needs_answer" if result.missing_facts else "barred"


def family_rows(data: Mapping, family: str, title: str) -> list[dict]:
    """The family's screening for the screen: one row per claim, with the law and its sources.

    ``offence`` and ``jurisdiction_name`` are what the shared download screen names a claim by.
    """
    rows = []
    for result in screen(_case(data), families=[family]):
        j = result.jurisdiction
        rows.append({
            "family": family, "offence": title, "jurisdiction": j.code if j else None,
            "jurisdiction_name": j.name if j else "", "case_number": None, "status": result.status,
            "draftable": result.draftable, "verdict": _verdict(result), "earliest_filing_date": None,
            "missing": [{"code": m, "variable": None} for m in result.missing_facts],
            "reasons": [{"kind": f.kind, "text": us_english(f.text), **_fact_source(f.fact)} for f in result.findings],
        })
    return rows


def restitution_screening(data: Mapping) -> list[dict]:
    """The restitution screening, one row per claim (the criminal case against the trafficker)."""
    return family_rows(data, "restitution", "Money from the trafficker")


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"${value:,.2f}"


def calculation_summary(data: Mapping) -> dict:
    """The core's worksheet for the screen, as formatted money (never recomputed here).

    ``{"problems": [...]}`` when the losses cannot be worked out (field-named, from the core); else the
    totals, one line per work period, and flags (``incomplete``: some week's rate is unknown, so the
    totals are a floor; ``live_in``: overtime may not apply).
    """
    try:
        calc = claim_for(_case(data)).calculation
    except CaseFileError as exc:
        return {"problems": list(exc.problems)}
    plain, doubled = [s for s in calc.scenarios if s.overtime]
    periods = []
    for n, entry in enumerate(dict.fromkeys(line.case_entry for line in calc.lines)):
        lines = [line for line in calc.lines if line.case_entry == entry]
        periods.append({"number": str(n + 1), "weeks": str(len(lines)),
                        "due": _money(sum((ln.due for ln in lines if ln.known), Decimal("0.00"))),
                        "paid": _money(sum((ln.paid for ln in lines), Decimal("0.00"))),
                        "unpaid": _money(sum((ln.unpaid for ln in lines if ln.known), Decimal("0.00")))})
    return {
        "problems": [], "has_work": bool(calc.lines), "periods": periods, "weeks": str(len(calc.lines)),
        "due": _money(calc.due_total), "paid": _money(calc.paid_total), "unpaid": _money(calc.unpaid_total),
        "unpaid_doubled": _money(calc.unpaid_total * 2),
        "gross": _money(calc.gross_value_to_defendant), "costs": _money(calc.other_losses),
        "cost_count": str(len(calc.expenses)),
        "total_plain": _money(plain.total), "total_doubled": _money(doubled.total),
        "uses_gross": plain.measure_used != "FLSA value",
        "incomplete": not calc.complete, "live_in": calc.has_live_in,
        "overpaid_weeks": str(len(calc.overpaid_weeks)),
        "method": [us_english(m) for m in calc.method],
    }
