"""The compensation interview module's Python: the fund's screening card from the losses the restitution
module answers. Every person is fictional."""
from __future__ import annotations

from docassemble.traffickingrelief.families.compensation.interview import compensation_screening


def case_file(losses: dict) -> dict:
    return {"case_file_version": 1, "client": {"legal_name": "Rowan Fictional"}, "losses": losses}


COSTS = [{"description": "Counseling sessions", "amount": "300", "category": "counseling"}]


def test_a_claim_to_the_fund_of_the_state_of_the_crime():
    [row] = compensation_screening(case_file({"crime_jurisdiction": "CO", "expenses": COSTS}))
    assert row["jurisdiction"] == "CO" and row["jurisdiction_name"] == "Colorado" and row["draftable"]
    assert row["verdict"] in ("ready", "lawyer_check")
    assert any("police report" in r["text"] for r in row["reasons"])  # no report recorded: the rule is shown


def test_without_the_state_nothing_is_drafted_and_the_card_says_what_is_missing():
    [row] = compensation_screening(case_file({"expenses": COSTS}))
    assert not row["draftable"] and row["verdict"] == "needs_answer"


def test_no_losses_no_card():
    assert compensation_screening(case_file({})) == []
