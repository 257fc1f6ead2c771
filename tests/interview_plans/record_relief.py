"""Record relief's own questions; its records are part of every path already (paths.py, base_answers)."""
ENGINE_DEFAULTS = {"record_relief_seal_choice": "no"}
BROWSER_DEFAULTS = {"record_relief_seal": {"record_relief_seal_choice": "no"}}
