"""Wage-loss and restitution calculator for 18 U.S.C. § 1593, worked week by week from the case file.

§ 1593(b)(3) adds to the victim's other losses "the greater of the gross income or value to the defendant
of the victim's services or labor or the value of the victim's labor as guaranteed under the minimum wage
and overtime guarantees of the Fair Labor Standards Act". This module computes the second measure from the
case file's work periods and the sourced minimum-wage tables in ``data/sources/wages/``, shows it with and
without FLSA liquidated damages, compares it with the first measure when the case gives one, and adds the
itemised other losses. It drafts nothing and reads nothing but its data files: a later draft family, the
CLI and the interview all call ``calculate`` and the exporters below.

Every choice the arithmetic depends on is written once in ``METHOD`` and printed with every worksheet, so
an attorney can defend (or change) it line by line. Unknown rates stay unknown: a week whose rate the
tables do not cover is listed without a value, and the totals say they are incomplete.
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import math
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import jsonschema
import yaml

from .datacache import compiled
from .errors import CaseFileError, JurisdictionDataError
from .facts import Losses, WorkPeriod
from .jurisdictions import Fact, parse_fact
from .resources import SOURCES_DIR, YamlContentError, load_schema, read_data_yaml

WAGES_DIR = SOURCES_DIR / "wages"
SCHEMA_NAME = "wages/wage_table.schema.json"
FEDERAL = "US"
FEDERAL_FILE = "federal.yml"
CENT = Decimal("0.01")
MAX_HOURS_PER_WEEK = 168
PAY_PERIODS = ("week", "total")
SUNDAY = 6  # datetime.weekday() numbering

METHOD = (
    "Workweeks: fixed seven-day weeks starting on {weekday} ({overtime_threshold_hours} counts overtime per workweek). "
    "A work period that starts or ends inside a workweek gives a partial week.",
    "Partial weeks: hours per week and pay per week are prorated by calendar days (days in the week that fall "
    "inside the work period, divided by 7); overtime is counted on the prorated hours of that workweek.",
    "Change of rate inside a workweek: each day is valued at the minimum wage in force that day, and the week's "
    "rate is the average of those daily rates over the days worked (hours assumed spread evenly over the days); "
    "that average is the regular rate on which overtime is figured.",
    "Coverage: the worksheet assumes the work was covered by the FLSA (and, for a state column, by that state's "
    "law); whether it was is for the attorney. Where the rate depended on facts the case file lacks (coverage "
    "before 1978, employer size, region), the week is unknown until a schedule is chosen.",
    "Value of the labor under the FLSA: hours up to 40 at the regular rate, hours past 40 at 1.5 times it; where "
    "pay fell below the minimum wage, the minimum wage is the regular rate.",
    "Amounts actually paid are subtracted week by week. A week paid more than its minimum-wage value counts as "
    "zero unpaid (never negative) and is listed as over-paid; the excess is not carried to other weeks.",
    "Pay given as a total for a work period is spread over its days; pay given per week is prorated in partial weeks.",
    "Rounding: each amount on a workweek line (minimum-wage pay, overtime pay, pay received, and the "
    "overtime-exempt alternative) is computed exactly and rounded once to the cent, half up. Due, unpaid and "
    "every total are sums and differences of those rounded amounts and are never rounded again. Pay given as a "
    "total is allocated so the weeks add up to it exactly (each week gets the rounded running total less the "
    "rounded running total before it).",
    "Liquidated damages: an additional amount equal to the unpaid minimum wages and overtime ({liquidated_damages_equal_amount}); "
    "the worksheet shows the FLSA value without and with them.",
    "Live-in domestic work may be exempt from overtime ({live_in_domestic_overtime_exemption}): such weeks are flagged and the "
    "totals are shown both with overtime and without it.",
    "Restitution under {restitution_labor_measure}: other losses plus the greater of the gross income or value to the "
    "defendant (when given) and the FLSA value.",
    "State minimum wage: shown beside the federal value for each state asked for, with the same weekly overtime "
    "rule (state daily overtime rules are not applied); used only where a state claim calls for it.",
)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# ---------------------------------------------------------------------------------------------
# Wage tables


@dataclass(frozen=True)
class Schedule:
    """One series of rates, complete only from ``known_from`` through ``known_through``."""

    code: str
    key: str
    label: str
    known_from: dt.date | None
    known_through: dt.date | None
    note: str | None
    rates: tuple[Fact, ...] = ()
    same_as: str | None = None          # "US:all_covered": this schedule adopts another table's
    same_as_fact: Fact | None = None    # the law that adopts it (e.g. Tex. Lab. Code § 62.051)

    @cached_property
    def effective_dates(self) -> list[dt.date]:
        return [rate.effective for rate in self.rates]

    def covers(self, day: dt.date) -> bool:
        return (self.known_from is not None and self.known_through is not None
                and self.known_from <= day <= self.known_through)


@dataclass(frozen=True)
class WageTable:
    code: str
    name: str
    as_of: dt.date
    schedules: Mapping[str, Schedule]
    rules: Mapping[str, Fact]
    liquidated_damages_in_restitution: Mapping[str, Fact]


def wage_table_problems(data: Any, file_name: str) -> list[str]:
    """Every way a parsed wage table breaks its schema, plus checks the schema cannot express."""
    validator = jsonschema.Draft202012Validator(load_schema(SCHEMA_NAME))
    problems = [f"{file_name}: {'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in validator.iter_errors(data)]
    if problems:
        return problems
    expected = FEDERAL_FILE if data["code"] == FEDERAL else f"{data['code']}.yml"
    if file_name != expected:
        problems.append(f"{file_name}: code {data['code']} belongs in {expected}")
    for key, schedule in data["schedules"].items():
        dates = [rate["effective"] for rate in schedule.get("rates", [])]
        if dates != sorted(set(dates)):
            problems.append(f"{file_name}: schedules.{key}.rates: effective dates must be increasing and distinct")
        start, end = schedule["known_from"], schedule["known_through"]
        if start and end and end < start:
            problems.append(f"{file_name}: schedules.{key}.known_through: is before known_from")
        if dates and start and dates[0] > start:
            problems.append(f"{file_name}: schedules.{key}.known_from: no rate is in force on that date")
    return problems


def _validated(path: Path) -> dict:
    """A wage table's data, parsed and checked against the schema (for the compiled cache)."""
    try:
        data = read_data_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, YamlContentError) as exc:
        raise JurisdictionDataError(f"{path.name}: not valid YAML ({exc})") from None
    problems = wage_table_problems(data, path.name)
    if problems:
        raise JurisdictionDataError("wage table does not match its schema:\n" + "\n".join(problems))
    _build(data)
    return data


def _build(data: dict) -> WageTable:
    code = data["code"]
    schedules = {}
    for key, node in data["schedules"].items():
        rates = tuple(parse_fact(f"{code}:wages.schedules.{key}.rates[{i}]", rate)
                      for i, rate in enumerate(node.get("rates", [])))
        same_fact = node.get("same_as_fact")
        schedules[key] = Schedule(
            code=code, key=key, label=node["label"], known_from=_date(node["known_from"]),
            known_through=_date(node["known_through"]), note=node.get("note"), rates=rates,
            same_as=node.get("same_as"),
            same_as_fact=parse_fact(f"{code}:wages.schedules.{key}.same_as_fact", same_fact) if same_fact else None)
    return WageTable(
        code=code, name=data["name"], as_of=dt.date.fromisoformat(data["as_of"]), schedules=schedules,
        rules={k: parse_fact(f"{code}:wages.rules.{k}", v) for k, v in data.get("rules", {}).items()},
        liquidated_damages_in_restitution={
            k: parse_fact(f"{code}:wages.liquidated_damages_in_restitution.{k}", v)
            for k, v in data.get("liquidated_damages_in_restitution", {}).items()})


@lru_cache(maxsize=1)
def load_wage_tables() -> Mapping[str, WageTable]:
    """Every wage table shipped in data/sources/wages, by code (``US`` is federal); validated on load."""
    tables = {}
    for data in compiled("wages", list(WAGES_DIR.glob("*.yml")), _validated, extra=[SOURCES_DIR / SCHEMA_NAME, Path(__file__)]):
        table = _build(data)
        tables[table.code] = table
    if FEDERAL not in tables:
        raise JurisdictionDataError(f"{FEDERAL_FILE}: the federal wage table is missing")
    for table in tables.values():
        for schedule in table.schedules.values():
            if schedule.same_as:
                other, key = schedule.same_as.split(":")
                if other not in tables or key not in tables[other].schedules:
                    raise JurisdictionDataError(f"{table.code}: schedules.{schedule.key}.same_as: no such schedule")
    return tables


@dataclass(frozen=True)
class RateOnDate:
    """The minimum wage in force on one day, with the Facts it rests on, or why it is unknown."""

    value: Decimal | None
    facts: tuple[Fact, ...] = ()
    reason: str | None = None


def rate_on(code: str, day: dt.date, schedule: str | None = None,
            tables: Mapping[str, WageTable] | None = None) -> RateOnDate:
    """The minimum wage of ``code`` in force on ``day``; ``schedule`` picks one where the rate depended on
    something the case file does not say (coverage before 1978, employer size, region)."""
    tables = load_wage_tables() if tables is None else tables
    table = tables.get(code)
    if table is None:
        return RateOnDate(None, reason=f"no minimum wage table for {code}")
    if schedule is not None:
        if schedule not in table.schedules:
            raise ValueError(f"{code} has no wage schedule {schedule!r}; choose one of: " + ", ".join(table.schedules))
        candidates = [table.schedules[schedule]] if table.schedules[schedule].covers(day) else []
    else:
        candidates = [s for s in table.schedules.values() if s.covers(day)]
    if not candidates:
        return RateOnDate(None, reason=f"the {table.name} table does not cover {day.isoformat()}"
                          + (f" in schedule {schedule}" if schedule else ""))
    if len(candidates) > 1:
        return RateOnDate(None, reason=f"the {table.name} rate on {day.isoformat()} depends on facts not in the "
                          "case file; choose a schedule: " + ", ".join(s.key for s in candidates))
    chosen = candidates[0]
    if chosen.same_as:
        other, key = chosen.same_as.split(":")
        adopted = rate_on(other, day, key, tables)
        return RateOnDate(adopted.value, (chosen.same_as_fact,) + adopted.facts, adopted.reason)
    index = bisect.bisect_right(chosen.effective_dates, day) - 1
    if index < 0:
        return RateOnDate(None, reason=f"no {table.name} rate recorded in force on {day.isoformat()}")
    fact = chosen.rates[index]
    if fact.value is None:
        return RateOnDate(None, (fact,), reason=fact.note or "rate unknown")
    return RateOnDate(Decimal(fact.value), (fact,))


# ---------------------------------------------------------------------------------------------
# The calculation


@dataclass(frozen=True)
class RateSegment:
    """Consecutive days of one workweek line at one rate (two segments when the rate changed that week)."""

    value: Decimal
    days: int
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class StateValue:
    """The value of one week's labor at a state's minimum wage (or why it is unknown)."""

    code: str
    segments: tuple[RateSegment, ...]
    due: Decimal | None
    unpaid: Decimal | None
    reason: str | None = None


@dataclass(frozen=True)
class WeekLine:
    """One workweek (or the part of it inside a work period): traceable to ``case_entry`` and its rates."""

    case_entry: str                 # "losses.work_periods[0]"
    work: str | None
    week_start: dt.date
    week_end: dt.date
    first_day: dt.date              # first day of the week inside the work period
    last_day: dt.date
    hours: Fraction                 # prorated hours worked this week
    segments: tuple[RateSegment, ...]
    regular_rate: Fraction | None   # average daily minimum wage over the days worked
    regular_pay: Decimal | None     # hours up to 40 at the regular rate
    overtime_pay: Decimal | None    # hours past 40 at 1.5 times the regular rate
    paid: Decimal
    live_in: bool
    due_if_overtime_exempt: Decimal | None   # live-in weeks only: every hour at the regular rate
    states: tuple[StateValue, ...]
    unknown_reason: str | None = None
    exemption: Fact | None = None  # live-in weeks: the overtime exemption they may fall under

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def partial(self) -> bool:
        return self.days < 7

    @property
    def known(self) -> bool:
        return self.unknown_reason is None

    @property
    def due(self) -> Decimal | None:
        return None if not self.known else self.regular_pay + self.overtime_pay

    @property
    def unpaid(self) -> Decimal | None:
        return None if not self.known else max(Decimal("0.00"), self.due - self.paid)

    @property
    def overpaid(self) -> Decimal:
        return Decimal("0.00") if not self.known else max(Decimal("0.00"), self.paid - self.due)

    @property
    def unpaid_if_overtime_exempt(self) -> Decimal | None:
        if not self.known:
            return None
        if self.due_if_overtime_exempt is None:
            return self.unpaid
        return max(Decimal("0.00"), self.due_if_overtime_exempt - self.paid)

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if self.partial:
            out.append(f"partial week: {self.days} of 7 days")
        if len(self.segments) > 1:
            out.append("rate changed this week: " + "; ".join(f"{_money(s.value)} for {s.days} day(s)"
                                                               for s in self.segments))
        if self.live_in:
            out.append(f"live-in: overtime may be exempt ({self.exemption.citation}); shown with and without it")
        if self.overpaid:
            out.append(f"over-paid by {_money(self.overpaid)}: counted as zero, not carried to other weeks")
        if not self.known:
            out.append(f"rate unknown: {self.unknown_reason}")
        return tuple(out)


@dataclass(frozen=True)
class ExpenseLine:
    case_entry: str                 # "losses.expenses[0]"
    description: str
    date: dt.date | None
    amount: Decimal


@dataclass(frozen=True)
class Scenario:
    """One way the attorney may put the § 1593 figure: with or without overtime and liquidated damages."""

    key: str
    label: str
    overtime: bool
    liquidated_damages: bool
    flsa_value: Decimal
    labor_measure: Decimal          # the greater of the gross value to the defendant and the FLSA value
    measure_used: str               # "FLSA value" or "gross income or value to the defendant"
    total: Decimal                  # other losses plus the labor measure


@dataclass(frozen=True)
class Calculation:
    lines: tuple[WeekLine, ...]
    expenses: tuple[ExpenseLine, ...]
    gross_value_to_defendant: Decimal | None
    states: tuple[str, ...]
    method: tuple[str, ...]
    rules: Mapping[str, Fact]
    liquidated_damages_courts: tuple[Fact, ...]

    @property
    def complete(self) -> bool:
        """False when some week's rate is unknown: every total is then a floor, not the full figure."""
        return all(line.known for line in self.lines)

    @property
    def unknown_weeks(self) -> tuple[WeekLine, ...]:
        return tuple(line for line in self.lines if not line.known)

    @property
    def overpaid_weeks(self) -> tuple[WeekLine, ...]:
        return tuple(line for line in self.lines if line.overpaid)

    @property
    def has_live_in(self) -> bool:
        return any(line.live_in for line in self.lines)

    @property
    def other_losses(self) -> Decimal:
        return sum((e.amount for e in self.expenses), Decimal("0.00"))

    @property
    def due_total(self) -> Decimal:
        return sum((line.due for line in self.lines if line.known), Decimal("0.00"))

    @property
    def paid_total(self) -> Decimal:
        return sum((line.paid for line in self.lines), Decimal("0.00"))

    @property
    def unpaid_total(self) -> Decimal:
        return sum((line.unpaid for line in self.lines if line.known), Decimal("0.00"))

    @property
    def unpaid_total_if_overtime_exempt(self) -> Decimal:
        return sum((line.unpaid_if_overtime_exempt for line in self.lines if line.known), Decimal("0.00"))

    def state_unpaid_total(self, code: str) -> tuple[Decimal, bool]:
        """(total unpaid at the state's minimum wage over the weeks it is known, whether every week was known)."""
        values = [s for line in self.lines for s in line.states if s.code == code]
        known = [s.unpaid for s in values if s.unpaid is not None]
        return sum(known, Decimal("0.00")), len(known) == len(values)

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        variants = [(True, False), (True, True)]
        if self.has_live_in:
            variants += [(False, False), (False, True)]
        out = []
        for overtime, liquidated in variants:
            unpaid = self.unpaid_total if overtime else self.unpaid_total_if_overtime_exempt
            flsa = unpaid * 2 if liquidated else unpaid
            gross = self.gross_value_to_defendant
            use_gross = gross is not None and gross > flsa
            measure = gross if use_gross else flsa
            label = ("FLSA value" + ("" if overtime else ", live-in weeks without overtime")
                     + (", with liquidated damages" if liquidated else ", without liquidated damages"))
            out.append(Scenario(
                key=("overtime" if overtime else "live_in_exempt") + ("_liquidated" if liquidated else ""),
                label=label, overtime=overtime, liquidated_damages=liquidated, flsa_value=flsa,
                labor_measure=measure,
                measure_used="gross income or value to the defendant" if use_gross else "FLSA value",
                total=self.other_losses + measure))
        return tuple(out)


def _to_fraction(value: Any) -> Fraction:
    return Fraction(value if isinstance(value, (Decimal, int, Fraction)) else Decimal(str(value)))


def _cents(value: Fraction) -> Decimal:
    """The single rounding step: an exact, non-negative value to the cent, half up."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))).scaleb(-2).quantize(CENT)


def _money(value: Decimal | Fraction | None) -> str:
    if value is None:
        return "unknown"
    return f"${Decimal(value):,.2f}"


def validate_losses(losses: Losses, gross_value_to_defendant: Any = None) -> list[str]:
    """Problems with the losses for the calculation, named by case-file field; empty when it can run."""
    problems = []
    for i, period in enumerate(losses.work_periods):
        where = f"losses.work_periods[{i}]"
        if period.start is None or period.end is None:
            problems.append(f"{where}.{'start' if period.start is None else 'end'}: required")
        elif period.end < period.start:
            problems.append(f"{where}.end: is before the start")
        if period.hours_per_week is None:
            problems.append(f"{where}.hours_per_week: required to compute wages")
        elif _to_fraction(period.hours_per_week) < 0:
            problems.append(f"{where}.hours_per_week: must be at least 0")
        elif _to_fraction(period.hours_per_week) > MAX_HOURS_PER_WEEK:
            problems.append(f"{where}.hours_per_week: must be at most {MAX_HOURS_PER_WEEK}")
        elif getattr(period, "days_per_week", None) and _to_fraction(period.hours_per_week) > 24 * period.days_per_week:
            problems.append(f"{where}.hours_per_week: more than 24 hours a day over the days_per_week given")
        if period.pay_received is None:
            problems.append(f"{where}.pay_received: required to compute unpaid wages (enter 0 if nothing was paid)")
        elif _to_fraction(period.pay_received) < 0:
            problems.append(f"{where}.pay_received: must be at least 0")
        elif period.pay_received_per is None and _to_fraction(period.pay_received) > 0:
            problems.append(f"{where}.pay_received_per: required when pay was received (week or total)")
        if period.pay_received_per is not None and period.pay_received_per not in PAY_PERIODS:
            problems.append(f"{where}.pay_received_per: must be one of: " + ", ".join(PAY_PERIODS))
    for i, expense in enumerate(losses.expenses):
        if expense.amount is None:
            problems.append(f"losses.expenses[{i}].amount: required")
        elif _to_fraction(expense.amount) < 0:
            problems.append(f"losses.expenses[{i}].amount: must be at least 0")
    if gross_value_to_defendant is not None and _to_fraction(gross_value_to_defendant) < 0:
        problems.append("gross_value_to_defendant: must be at least 0")
    return problems


def _workweeks(start: dt.date, end: dt.date, week_starts_on: int) -> Iterable[tuple[dt.date, dt.date, dt.date, dt.date]]:
    """(week start, week end, first day inside the period, last day inside it) for each workweek touched."""
    week_start = start - dt.timedelta(days=(start.weekday() - week_starts_on) % 7)
    while week_start <= end:
        week_end = week_start + dt.timedelta(days=6)
        yield week_start, week_end, max(week_start, start), min(week_end, end)
        week_start += dt.timedelta(days=7)


def _segments(code: str, first: dt.date, last: dt.date, schedule: str | None,
              tables: Mapping[str, WageTable]) -> tuple[tuple[RateSegment, ...], str | None]:
    """The rates in force day by day from ``first`` to ``last``, grouped; or the reason one is unknown."""
    segments: list[RateSegment] = []
    day = first
    while day <= last:
        rate = rate_on(code, day, schedule, tables)
        if rate.value is None:
            return (), rate.reason
        if segments and segments[-1].value == rate.value and segments[-1].facts == rate.facts:
            segments[-1] = RateSegment(rate.value, segments[-1].days + 1, rate.facts)
        else:
            segments.append(RateSegment(rate.value, 1, rate.facts))
        day += dt.timedelta(days=1)
    return tuple(segments), None


def _regular_rate(segments: Sequence[RateSegment]) -> Fraction:
    days = sum(s.days for s in segments)
    return sum((Fraction(s.value) * s.days for s in segments), Fraction(0)) / days


def calculate(losses: Losses, *, gross_value_to_defendant: Decimal | None = None, states: Sequence[str] = (),
              schedules: Mapping[str, str] | None = None, week_starts_on: int = SUNDAY,
              tables: Mapping[str, WageTable] | None = None) -> Calculation:
    """The § 1593 worksheet for ``losses`` (a case file's ``losses``); raises CaseFileError on bad input.

    ``gross_value_to_defendant``: the gross income or value to the defendant of the victim's labor, when
    known. ``states``: codes whose minimum wage to show beside the federal one. ``schedules``: a schedule
    per code ("US": "jobs_first_covered_by_1938_act", "CA": "employers_26_or_more") where the rate depended
    on facts the case file lacks. ``week_starts_on``: the employer's workweek (0 Monday ... 6 Sunday).
    """
    tables = load_wage_tables() if tables is None else tables
    schedules = dict(schedules or {})
    problems = validate_losses(losses, gross_value_to_defendant)
    if not 0 <= week_starts_on <= 6:
        problems.append("week_starts_on: must be 0 (Monday) to 6 (Sunday)")
    for code, key in schedules.items():
        if code not in tables or key not in tables[code].schedules:
            known = ", ".join(tables[code].schedules) if code in tables else "none (no wage table)"
            problems.append(f"schedules.{code}: no wage schedule by that name (choose one of: {known})")
    if problems:
        raise CaseFileError(problems)
    federal = tables[FEDERAL]
    threshold = _to_fraction(federal.rules["overtime_threshold_hours"].value)
    multiplier = _to_fraction(Decimal(federal.rules["overtime_multiplier"].value))
    state_codes = tuple(dict.fromkeys(code for code in states if code != FEDERAL))

    lines: list[WeekLine] = []
    for i, period in enumerate(losses.work_periods):
        lines.extend(_period_lines(i, period, week_starts_on, threshold, multiplier, state_codes, schedules, tables,
                                   federal.rules["live_in_domestic_overtime_exemption"]))
    expenses = tuple(ExpenseLine(f"losses.expenses[{i}]", e.description, e.date, _cents(_to_fraction(e.amount)))
                     for i, e in enumerate(losses.expenses))
    courts = tuple(federal.liquidated_damages_in_restitution.values())
    citations = {key: fact.citation for key, fact in federal.rules.items()}  # the method cites the rules it applies
    return Calculation(
        lines=tuple(lines), expenses=expenses,
        gross_value_to_defendant=(None if gross_value_to_defendant is None
                                  else _cents(_to_fraction(gross_value_to_defendant))),
        states=state_codes, method=tuple(m.format(weekday=_WEEKDAYS[week_starts_on], **citations) for m in METHOD),
        rules=dict(federal.rules), liquidated_damages_courts=courts)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _period_lines(index: int, period: WorkPeriod, week_starts_on: int, threshold: Fraction, multiplier: Fraction,
                  state_codes: Sequence[str], schedules: Mapping[str, str],
                  tables: Mapping[str, WageTable], exemption: Fact) -> list[WeekLine]:
    hours_per_week = _to_fraction(period.hours_per_week)
    pay = _to_fraction(period.pay_received)
    total_days = (period.end - period.start).days + 1
    days_before = 0
    lines = []
    for week_start, week_end, first, last in _workweeks(period.start, period.end, week_starts_on):
        days = (last - first).days + 1
        hours = hours_per_week * days / 7
        if pay == 0:
            paid = Decimal("0.00")
        elif period.pay_received_per == "week":
            paid = _cents(pay * days / 7)
        else:  # "total": running-total allocation so the weeks add up to the total exactly
            paid = _cents(pay * (days_before + days) / total_days) - _cents(pay * days_before / total_days)
        days_before += days
        segments, reason = _segments(FEDERAL, first, last, schedules.get(FEDERAL), tables)
        states = tuple(_state_value(code, first, last, hours, paid, threshold, multiplier, schedules, tables)
                       for code in state_codes)
        common = dict(case_entry=f"losses.work_periods[{index}]", work=period.work, week_start=week_start,
                      week_end=week_end, first_day=first, last_day=last, hours=hours, paid=paid,
                      live_in=bool(period.live_in), states=states,
                      exemption=exemption if period.live_in else None)
        if reason is not None:
            lines.append(WeekLine(segments=(), regular_rate=None, regular_pay=None, overtime_pay=None,
                                  due_if_overtime_exempt=None, unknown_reason=reason, **common))
            continue
        rate = _regular_rate(segments)
        lines.append(WeekLine(
            segments=segments, regular_rate=rate,
            regular_pay=_cents(min(hours, threshold) * rate),
            overtime_pay=_cents(max(hours - threshold, Fraction(0)) * rate * multiplier),
            due_if_overtime_exempt=_cents(hours * rate) if period.live_in else None, **common))
    return lines


def _state_value(code: str, first: dt.date, last: dt.date, hours: Fraction, paid: Decimal, threshold: Fraction,
                 multiplier: Fraction, schedules: Mapping[str, str], tables: Mapping[str, WageTable]) -> StateValue:
    segments, reason = _segments(code, first, last, schedules.get(code), tables)
    if reason is not None:
        return StateValue(code, (), None, None, reason)
    rate = _regular_rate(segments)
    due = _cents(min(hours, threshold) * rate) + _cents(max(hours - threshold, Fraction(0)) * rate * multiplier)
    return StateValue(code, segments, due, max(Decimal("0.00"), due - paid))


# ---------------------------------------------------------------------------------------------
# Worksheet exports: CSV, XLSX and plain text. User text (work and expense descriptions) is data: cells that
# a spreadsheet would read as a formula are written as text.

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(text: str | None) -> str:
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _rate_text(segments: Sequence[RateSegment]) -> str:
    if len(segments) == 1:
        return f"{segments[0].value:.2f}"
    return "; ".join(f"{s.value:.2f} x {s.days} day(s)" for s in segments)


def _rate_sources(segments: Sequence[RateSegment]) -> tuple[str, str, str]:
    """(citations, tiers, fact paths) of the rates on a line."""
    facts = list(dict.fromkeys(f for s in segments for f in s.facts))
    return ("; ".join(f.citation or "(no citation)" for f in facts), "; ".join(f.tier for f in facts),
            "; ".join(f.path for f in facts))


def _hours_text(hours: Fraction) -> str:
    return f"{_cents(hours):.2f}"


WEEK_COLUMNS = ("case_file_entry", "work", "workweek_start", "workweek_end", "first_day", "last_day", "days",
                "hours", "federal_minimum_wage", "regular_rate", "rate_citation", "rate_tier", "rate_fact",
                "minimum_wage_pay", "overtime_pay", "due", "paid", "unpaid", "over_paid",
                "liquidated_damages", "due_if_overtime_exempt", "unpaid_if_overtime_exempt", "flags")


def _week_row(line: WeekLine, states: Sequence[str]) -> list[Any]:
    """One workweek line as typed cells (Decimal money, int days, text); exporters format them."""
    citations, tiers, paths = _rate_sources(line.segments)
    rate = line.regular_rate
    row = [line.case_entry, line.work or "", line.week_start.isoformat(), line.week_end.isoformat(),
           line.first_day.isoformat(), line.last_day.isoformat(), line.days, _cents(line.hours),
           (line.segments[0].value if len(line.segments) == 1 else _rate_text(line.segments)) if line.known else "unknown",
           (Decimal(rate.numerator) / Decimal(rate.denominator)).quantize(Decimal("0.0001")) if line.known else None,
           citations, tiers, paths, line.regular_pay, line.overtime_pay, line.due, line.paid, line.unpaid,
           line.overpaid or None, line.unpaid, line.due_if_overtime_exempt,
           line.unpaid_if_overtime_exempt if line.live_in else None, " | ".join(line.flags)]
    for code in states:
        value = next(s for s in line.states if s.code == code)
        s_citations, s_tiers, _ = _rate_sources(value.segments)
        row += [(value.segments[0].value if len(value.segments) == 1 else _rate_text(value.segments))
                if value.due is not None else "unknown", s_citations, s_tiers, value.due, value.unpaid, value.reason or ""]
    return row


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return value if not isinstance(value, str) else _cell_text(value)


def _state_columns(states: Sequence[str]) -> list[str]:
    return [f"{code}_{name}" for code in states
            for name in ("minimum_wage", "rate_citation", "rate_tier", "due", "unpaid", "unknown_reason")]


def summary_rows(calc: Calculation) -> list[tuple[str, Decimal | int | str]]:
    """(label, amount, count or text) rows of the worksheet's summary, in the order every export prints them."""
    floor = "" if calc.complete else " (incomplete: some weeks' rates are unknown)"
    cite = {key: fact.citation for key, fact in calc.rules.items()}
    rows = [("Minimum-wage and overtime value of the labor" + floor, (calc.due_total)),
            ("Pay actually received", (calc.paid_total)),
            ("Unpaid minimum wages and overtime (b)" + floor, (calc.unpaid_total)),
            (f"Liquidated damages, an equal additional amount ({cite['liquidated_damages_equal_amount']})",
             (calc.unpaid_total)),
            ("FLSA value with liquidated damages" + floor, (calc.unpaid_total * 2))]
    if calc.has_live_in:
        rows += [(f"Unpaid if live-in weeks are exempt from overtime ({cite['live_in_domestic_overtime_exemption']})"
                  + floor,
                  (calc.unpaid_total_if_overtime_exempt)),
                 ("  with liquidated damages", (calc.unpaid_total_if_overtime_exempt * 2))]
    rows.append(("Gross income or value to the defendant (a)",
                 (calc.gross_value_to_defendant) if calc.gross_value_to_defendant is not None else "not given"))
    rows.append(("Other losses", (calc.other_losses)))
    for scenario in calc.scenarios:
        rows.append((f"Restitution under {cite['restitution_labor_measure']}: other losses + greater of (a) and (b); "
                     f"{scenario.label}"
                     f" [uses the {scenario.measure_used}]" + floor, (scenario.total)))
    for code in calc.states:
        total, complete = calc.state_unpaid_total(code)
        rows.append((f"Unpaid at the {code} minimum wage (weekly overtime rule)"
                     + ("" if complete else " (incomplete: some weeks' state rates are unknown)"), (total)))
    rows.append(("Weeks over-paid (counted as zero)", len(calc.overpaid_weeks)))
    rows.append(("Weeks whose rate is unknown (not valued)", len(calc.unknown_weeks)))
    return rows


def _court_name(key: str) -> str:
    """``eastern_district_of_new_york`` -> ``Eastern District of New York``."""
    return " ".join(word if word in ("of", "the", "for") else word.capitalize() for word in key.split("_"))


def liquidated_damages_rows(calc: Calculation) -> list[tuple[str, str, str, str]]:
    """(court, include?, citation, tier) for each court in the data; courts not listed are unknown."""
    words = {True: "includes them", False: "excludes them", None: "unknown"}
    rows = [(_court_name(fact.path.rsplit(".", 1)[1]), words[fact.value], fact.citation or "", fact.tier)
            for fact in calc.liquidated_damages_courts]
    rows.append(("every other court", "unknown (no data): the attorney chooses", "", "none"))
    return rows


def to_csv(calc: Calculation) -> str:
    """The worksheet as CSV: workweek lines, other losses, summary, liquidated damages by court, method."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Workweeks"])
    writer.writerow(list(WEEK_COLUMNS) + _state_columns(calc.states))
    for line in calc.lines:
        writer.writerow([_csv_cell(v) for v in _week_row(line, calc.states)])
    writer.writerow([])
    writer.writerow(["Other losses"])
    writer.writerow(["case_file_entry", "description", "date", "amount"])
    for expense in calc.expenses:
        writer.writerow([expense.case_entry, _cell_text(expense.description),
                         expense.date.isoformat() if expense.date else "", str(expense.amount)])
    writer.writerow([])
    writer.writerow(["Summary"])
    writer.writerow(["item", "amount"])
    writer.writerows([label, _csv_cell(amount)] for label, amount in summary_rows(calc))
    writer.writerow([])
    writer.writerow(["Liquidated damages in restitution, by court"])
    writer.writerow(["court", "position", "citation", "tier"])
    writer.writerows(liquidated_damages_rows(calc))
    writer.writerow([])
    writer.writerow(["Method"])
    writer.writerows([rule] for rule in calc.method)
    return out.getvalue()


def xlsx_bytes(calc: Calculation) -> bytes:
    """The workbook ``to_xlsx`` writes, as bytes (for a caller that writes it somewhere of its own)."""
    with tempfile.TemporaryDirectory() as folder:
        return to_xlsx(calc, Path(folder) / "worksheet.xlsx").read_bytes()


def to_xlsx(calc: Calculation, path: str | Path) -> Path:
    """The worksheet as an Excel workbook at ``path`` (sheets: Workweeks, Other losses, Summary, Method).

    Written to a temporary file beside ``path`` and moved into place, so a failure leaves no half-written
    workbook. openpyxl is imported here: a docassemble server carries it, the core package does not need it.
    """
    from openpyxl import Workbook

    def put(sheet, row: Sequence[Any]) -> None:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, never a formula, whatever it starts with
            elif isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"

    path = Path(path)
    book = Workbook()
    weeks = book.active
    weeks.title = "Workweeks"
    put(weeks, list(WEEK_COLUMNS) + _state_columns(calc.states))
    for line in calc.lines:
        put(weeks, _week_row(line, calc.states))
    other = book.create_sheet("Other losses")
    put(other, ["case_file_entry", "description", "date", "amount"])
    for expense in calc.expenses:
        put(other, [expense.case_entry, expense.description, expense.date.isoformat() if expense.date else "",
                    expense.amount])
    summary = book.create_sheet("Summary")
    put(summary, ["item", "amount"])
    for label, amount in summary_rows(calc):
        put(summary, [label, amount])
    courts = book.create_sheet("Liquidated damages")
    put(courts, ["court", "position", "citation", "tier"])
    for row in liquidated_damages_rows(calc):
        put(courts, list(row))
    method = book.create_sheet("Method")
    for rule in calc.method:
        put(method, [rule])
    temporary = path.with_name(f".{path.name}.partial")
    try:
        book.save(temporary)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def render_text(calc: Calculation) -> str:
    """The worksheet as plain text for a terminal (``traffickingrelief restitution CASE``)."""
    out = [f"Restitution worksheet ({calc.rules['restitution_labor_measure'].citation}) - a draft for attorney "
           "review, not legal advice", ""]
    out.append("Workweeks (federal minimum wage):")
    for line in calc.lines:
        sources = "; ".join(f"{f.citation or '(no citation)'}, {f.tier}"
                            for f in dict.fromkeys(f for s in line.segments for f in s.facts))
        rate = f"rate {_rate_text(line.segments)} [{sources}]" if line.known else "rate unknown"
        out.append(f"  {line.case_entry} {line.first_day.isoformat()}..{line.last_day.isoformat()} "
                   f"({line.days} d) {_hours_text(line.hours)} h, {rate}: due {_money(line.due)}, "
                   f"paid {_money(line.paid)}, unpaid {_money(line.unpaid)}")
        for flag in line.flags:
            out.append(f"      - {flag}")
        for value in line.states:
            out.append(f"      {value.code}: " + (f"rate {_rate_text(value.segments)}, due {_money(value.due)}, "
                                                 f"unpaid {_money(value.unpaid)}" if value.due is not None
                                                 else f"unknown ({value.reason})"))
    if not calc.lines:
        out.append("  (no work periods)")
    out += ["", "Other losses:"]
    for expense in calc.expenses:
        out.append(f"  {expense.case_entry} {expense.date.isoformat() if expense.date else '(no date)'} "
                   f"{expense.description}: {_money(expense.amount)}")
    if not calc.expenses:
        out.append("  (none)")
    out += ["", "Summary:"]
    for label, amount in summary_rows(calc):
        out.append(f"  {label}: {_money(amount) if isinstance(amount, Decimal) else amount}")
    out += ["", "Liquidated damages in restitution (mark the choice for the attorney):"]
    for court, position, citation, tier in liquidated_damages_rows(calc):
        out.append(f"  {court}: {position}" + (f" - {citation} [{tier}]" if citation else ""))
    out += ["", "Method:"]
    out += [f"  - {rule}" for rule in calc.method]
    return "\n".join(out) + "\n"
