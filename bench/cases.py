"""A fictional case that every draft family drafts for, for the speed benchmarks (nothing real in it).

The bundled example (record relief) with a pending charge, a T-visa application, law-enforcement
contacts for certification, and losses for restitution and compensation added.
"""
from __future__ import annotations

import json
from pathlib import Path

from docassemble.traffickingrelief.resources import EXAMPLES_DIR, read_yaml


def all_families_case() -> dict:
    data = read_yaml((EXAMPLES_DIR / "example_case.yml").read_text(encoding="utf-8"))
    data["client"].update({"citizenship": "Examplestan", "a_number": "A123456789"})
    data["trafficking"]["types"] = ["labor", "sex"]
    data["pending_charges"] = [{
        "id": "wa1", "jurisdiction": "WA", "offence": "Prostitution", "court": "Example County Court",
        "county": "Example", "case_number": "WA-CR-2026-0042", "next_court_date": "2027-02-01",
        "offence_date": "2026-06-01", "trafficking_connection": "The trafficker sent the client to the place of arrest."}]
    data["law_enforcement_contacts"] = [
        {"agency": "Example City Police Department", "agency_level": "local", "officer": "Lt. Dana Example",
         "title": "Commander, Special Victims Unit", "address": "100 Sample Street, Example City, NY 10000",
         "report_number": "EC-2021-0042", "contact_date": "2021-07-02",
         "cooperation": "gave a recorded statement and identified the recruiter in a photo lineup",
         "qualifying_crimes": ["trafficking", "involuntary servitude"]},
        {"agency": "United States Attorney's Office for the Example District", "officer": "Jordan Examplar",
         "role": "prosecutor"},
    ]
    data["evidence"] = [
        {"id": "e1", "title": "Fictional pay records", "elements": ["victim"], "date": "2022-01-01"},
        {"id": "e2", "title": "Fictional letter from a counselor", "elements": ["hardship"], "language": "es"},
        {"id": "e3", "title": "Fictional police receipt", "elements": ["compliance"]},
    ]
    data["tvisa"] = {
        "safe_mailing_address": {"in_care_of": "Example Legal Clinic", "street": "2 Safe Office Rd",
                                 "city": "Example City", "state": "NY", "postal_code": "00001"},
        "translator": {"name": "Terry Translator", "address": "3 Example Ave", "languages": ["es"]},
        "events": [{"date": "2017-01-15", "description": "Recruited with a promise of restaurant work"}]}
    data["losses"] = {
        "prosecution": {"jurisdiction": "US", "court": "United States District Court for the Example District",
                        "case_number": "1:26-cr-00042", "defendant": "Sam Invented"},
        "crime_jurisdiction": "NY",
        "workweek_starts_on": "sunday",
        "work_periods": [{"start": "2017-02-05", "end": "2017-06-30", "work": "kitchen work", "hours_per_week": "60",
                          "pay_received": "50", "pay_received_per": "week", "days_per_week": 6}],
        "expenses": [{"description": "Counseling sessions", "amount": "300.00", "date": "2021-02-01",
                      "category": "counseling"}],
    }
    return data


def write_cases(folder: Path, count: int) -> list[Path]:
    """``count`` copies of the case as case files (JSON) in ``folder``, named by a client number."""
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(all_families_case(), ensure_ascii=False)
    paths = []
    for n in range(1, count + 1):
        path = folder / f"client-{n:04d}.json"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths

