"""Record relief's own questions; its records are part of every path already (paths.py, base_answers)."""
ENGINE_DEFAULTS = {"record_relief_seal_choice": "no"}
BROWSER_DEFAULTS = {"record_relief_seal": {"record_relief_seal_choice": "no"},
                    # asked only where the law counts a response window or requires notice to victims
                    "record_relief_procedure": {"?record_relief_filing_date": "", "?record_relief_victims": ""}}
