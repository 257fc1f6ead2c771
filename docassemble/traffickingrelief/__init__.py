"""docassemble.traffickingrelief: one trauma-informed intake, sourced relief drafts for trafficking survivors.

Public API (the CLI and the docassemble interviews call the same functions)::

    from docassemble.traffickingrelief import load_case, screen, assemble
    case = load_case("case.yml")
    for result in screen(case):
        print(result.record.id, result.status)
    assemble(case, "drafts")

Drafts are for review by a licensed attorney; this package gives no legal advice.
"""
__version__ = "0.1.0"

from .assembly import FAMILIES, AssemblyResult, Review, assemble  # noqa: E402
from .errors import (AssemblyError, CaseFileError, JurisdictionDataError, ReviewGateError,  # noqa: E402
                     TraffickingReliefError, UnknownJurisdictionError)
from .facts import CaseFile, case_file_schema, load_case, parse_case  # noqa: E402
from .jurisdictions import coverage, coverage_summary, load_all, load_jurisdiction  # noqa: E402
from .screening import ScreeningResult, screen  # noqa: E402

__all__ = [
    "FAMILIES", "AssemblyResult", "Review", "assemble", "screen", "ScreeningResult",
    "CaseFile", "load_case", "parse_case", "case_file_schema",
    "load_all", "load_jurisdiction", "coverage", "coverage_summary",
    "TraffickingReliefError", "CaseFileError", "JurisdictionDataError", "UnknownJurisdictionError",
    "AssemblyError", "ReviewGateError",
]
