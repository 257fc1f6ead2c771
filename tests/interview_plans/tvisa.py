"""The T-visa module's own questions: its gate, for a client who is not a U.S. citizen but wants no T-visa help
(the other paths never reach it: their client is a citizen or prefers not to say)."""
ENGINE_DEFAULTS = {"tvisa_help_choice": "no"}
BROWSER_DEFAULTS = {"tvisa_help": {"tvisa_help_choice": "no"}}
