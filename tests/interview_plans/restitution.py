"""Restitution's own questions: the money gate, answered "no" for a case that does not ask for money.
A path that asks for money (tests/engine/test_money_modules.py, tests/browser/test_restitution_path.py)
overrides it and answers the work, costs and criminal-case questions."""
ENGINE_DEFAULTS = {"restitution_wanted": "no"}
BROWSER_DEFAULTS = {"restitution_gate": {"restitution_wanted": "no"}}
