"""Case-file versions: an older case file is read as the current version, and can be saved as one.

Version 2 added what record relief needs to file after a short review: the district or division of an
arrest or court, fines and fees paid or owed, identifying numbers a uniform order may require, and
outstanding warrants (beside the fields version 1 already carried). Every addition is optional, so a
version 1 file migrates without changing an answer; the report says the file was migrated and that the
new questions were never asked.
"""
from __future__ import annotations

from typing import Any

from .resources import load_schema

CURRENT_VERSION: int = load_schema("case_file.schema.json")["properties"]["case_file_version"]["const"]
READABLE_VERSIONS = (1, CURRENT_VERSION)


def migrate(data: Any) -> tuple[Any, int | None]:
    """``(data as the current version, the version it was)``; the version is None when nothing changed.

    Data that is not a case file of a known version comes back as it is, for the schema to report.
    The input is never changed in place.
    """
    if not isinstance(data, dict):
        return data, None
    version = data.get("case_file_version")
    if type(version) is not int or version == CURRENT_VERSION or version not in READABLE_VERSIONS:
        return data, None
    migrated = {"case_file_version": CURRENT_VERSION}
    migrated.update((k, v) for k, v in data.items() if k != "case_file_version")
    return migrated, version


def migration_note(version: int) -> str:
    """What the assembly report tells the reviewer about a migrated case file."""
    return (f"The case file is version {version}; it was read as version {CURRENT_VERSION} without changing an answer. "
            f"Version {CURRENT_VERSION} asks what version {version} did not (the district or division of each arrest, "
            "fines and fees paid, outstanding warrants, identifying numbers a uniform order requires): check them "
            "with the client, then save the file with `traffickingrelief migrate CASE`.")
