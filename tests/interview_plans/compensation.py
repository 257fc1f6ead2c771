"""Compensation asks nothing of its own: its claim is built from the restitution module's losses
questions, and its screen shows only when they were answered. Nothing to answer for other paths."""
ENGINE_DEFAULTS: dict = {}
BROWSER_DEFAULTS: dict = {}
