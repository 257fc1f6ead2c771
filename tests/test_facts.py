"""The case file: valid files load into typed facts; bad files list every problem by field path."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from docassemble.traffickingrelief import CaseFileError, case_file_schema, load_case, parse_case
from tests.conftest import EXAMPLE_CASE, example_dict, minimal_case, write_case


def problems_of(data) -> list[str]:
    with pytest.raises(CaseFileError) as info:
        parse_case(data)
    return info.value.problems


def test_example_case_loads_into_typed_facts():
    case = load_case(EXAMPLE_CASE)
    assert case.client.legal_name == "Ana Ejemplo"
    assert case.client.date_of_birth == dt.date(1994, 5, 17)
    assert [c.id for c in case.convictions] == ["c1", "c2", "c3"]
    assert case.convictions[0].conviction_date == dt.date(2019, 3, 4)
    assert case.convictions[0].offence_categories == ("prostitution",)
    assert case.confidential_filing_requested is True
    assert case.records == case.convictions + case.arrests


def test_yaml_and_json_forms_of_the_same_case_are_equal(tmp_path):
    from_yaml = load_case(EXAMPLE_CASE)
    from_json = load_case(write_case(tmp_path, example_dict()))
    assert from_json.convictions == from_yaml.convictions
    assert from_json.client == from_yaml.client
    assert from_json.as_dict() == from_yaml.as_dict()


def test_money_and_hours_are_decimal_never_float():
    data = minimal_case()
    data["losses"] = {"work_periods": [{"start": "2017-01-02", "end": "2017-12-31", "hours_per_week": "70",
                                        "pay_received": "100.10", "pay_received_per": "week"}],
                      "expenses": [{"description": "bus fare", "amount": "0.10"}]}
    case = parse_case(data)
    period = case.losses.work_periods[0]
    assert period.pay_received == Decimal("100.10") and isinstance(period.pay_received, Decimal)
    assert period.hours_per_week == Decimal("70")
    assert case.losses.expenses[0].amount + Decimal("0.20") == Decimal("0.30")


def test_float_money_is_rejected_with_the_field_named():
    data = minimal_case()
    data["losses"] = {"expenses": [{"description": "bus fare", "amount": 12.5}]}
    assert problems_of(data) == ['losses.expenses[0].amount: not an amount of money (write it as a quoted decimal such as "125.50")']


def test_every_problem_is_listed_by_path():
    data = minimal_case()
    data["convictions"].append({**data["convictions"][0], "id": "c2", "conviction_date": "2019-02-30"})
    data["convictions"][0]["offence_date"] = "yesterday"
    data["convictions"][0]["surprise"] = 1
    data["convictions"][1]["offense"] = "US spelling of a field the schema spells offence"
    data["client"]["date_of_birth"] = "1990-13-01"
    del data["preparer"]["role"]
    found = problems_of(data)
    assert "convictions[0].offence_date: not a date (use YYYY-MM-DD)" in found
    assert any(p.startswith("convictions[0]: has a field the case file does not know (allowed here: ") for p in found)
    assert "convictions[1]: has a field the case file does not know (perhaps a misspelling of 'offence')" in found
    assert not any("surprise" in p for p in found)  # a key can be client text (a name): never quoted
    assert "preparer.role: required" in found
    # 1990-13-01 and 2019-02-30 have the right shape but are not calendar dates: caught after the schema.
    assert problems_of({**minimal_case(), "client": {"legal_name": "X", "date_of_birth": "1990-13-01"}}) == [
        "client.date_of_birth: not a date (use YYYY-MM-DD)"]
    bad_day = minimal_case(conviction_date="2019-02-30")
    assert problems_of(bad_day) == ["convictions[0].conviction_date: not a date (use YYYY-MM-DD)"]


def test_semantic_problems_duplicate_ids_date_order_control_characters():
    data = minimal_case()
    data["convictions"].append(dict(data["convictions"][0]))
    data["convictions"][0]["sentence_completed_on"] = "2017-01-01"
    data["client"]["legal_name"] = "Bad\x07Name"
    found = problems_of(data)
    assert "convictions[1].id: the same id is already used at convictions[0].id" in found
    assert "convictions[0].sentence_completed_on: is before the conviction date" in found
    assert "client.legal_name: contains a control character that cannot appear in a document" in found


def test_messages_never_echo_the_clients_text():
    secret = "Zelda-Secret-Name"
    data = minimal_case(offence_date=secret, court=123)
    data["client"]["legal_name"] = 42
    data["client"]["a_number"] = secret
    found = "\n".join(problems_of(data))
    assert secret not in found
    assert "convictions[0].court: must be text or empty" in found
    assert "client.legal_name: must be text" in found


@pytest.mark.parametrize("text, expected", [
    ("client: [unclosed", "(file): not valid YAML (line 1, column 18)"),
    ("case_file_version: 1\nclient: {}\nclient: {}\n", "(file): line 3: a key appears twice in the same mapping"),
])
def test_broken_yaml_is_reported_by_line(tmp_path, text, expected):
    path = tmp_path / "case.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        load_case(path)
    assert info.value.problems == [expected]


def test_broken_json_and_missing_file(tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{"case_file_version": 1,', encoding="utf-8")
    with pytest.raises(CaseFileError, match=r"not valid JSON \(line 1"):
        load_case(path)
    with pytest.raises(CaseFileError, match="no such file"):
        load_case(tmp_path / "absent.yml")


def test_schema_is_a_valid_json_schema_that_names_the_version():
    import jsonschema

    schema = case_file_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["case_file_version"]["const"] == 2
    assert json.loads(json.dumps(schema)) == schema


def test_pseudonym_is_the_filing_name_only_when_asked_for():
    data = minimal_case()
    data["client"].update(pseudonym="R.F.", use_pseudonym_in_filings=False)
    assert parse_case(data).client.filing_name == "Rowan Fictional"
    data["client"]["use_pseudonym_in_filings"] = True
    assert parse_case(data).client.filing_name == "R.F."
