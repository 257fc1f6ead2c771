"""The certification module's gate (asked only for a client who is not a U.S. citizen): no help wanted."""
ENGINE_DEFAULTS = {"certification_choice": "no"}
BROWSER_DEFAULTS = {"certification_choice": {"certification_choice": "no"}}
