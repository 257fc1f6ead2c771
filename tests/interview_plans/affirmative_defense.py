"""Affirmative defense's own questions, answered for a case with no criminal case still open."""
ENGINE_DEFAULTS = {"affirmative_defense_open_case": "no"}
BROWSER_DEFAULTS = {"affirmative_defense_gate": {"affirmative_defense_open_case": "no"}}
