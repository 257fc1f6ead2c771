"""docassemble.traffickingrelief: one trauma-informed intake, sourced relief drafts for trafficking survivors.

Public API (the CLI and the docassemble interviews call the same functions)::

    from docassemble.traffickingrelief import load_case, screen, assemble
    case = load_case("case.yml")
    for result in screen(case):                 # every registered draft family
        print(result.family, result.subject.id, result.status)
    assemble(case, "drafts")

A draft family is a plug-in: subclass ``DraftFamily`` and ``register`` it (see ``family.py``).

Drafts are for review by a licensed attorney; this package gives no legal advice.
"""
__version__ = "0.1.0"

from .assembly import AssemblyResult, Review, assemble  # noqa: E402
from .drafting import Draft  # noqa: E402
from .eligibility import Eligibility, Finding, Subject  # noqa: E402
from .errors import (AssemblyError, CaseFileError, JurisdictionDataError, ReviewGateError,  # noqa: E402
                     TraffickingReliefError, UnknownJurisdictionError)
from .facts import CaseFile, case_file_schema, load_case, parse_case  # noqa: E402
from .family import DraftFamily, register, registered_families, unregister  # noqa: E402
from .jurisdictions import coverage, coverage_summary, load_all, load_jurisdiction  # noqa: E402
from .screening import screen  # noqa: E402

__all__ = [
    "AssemblyResult", "Review", "assemble", "screen", "Eligibility", "Finding", "Subject",
    "DraftFamily", "Draft", "register", "registered_families", "unregister",
    "CaseFile", "load_case", "parse_case", "case_file_schema",
    "load_all", "load_jurisdiction", "coverage", "coverage_summary",
    "TraffickingReliefError", "CaseFileError", "JurisdictionDataError", "UnknownJurisdictionError",
    "AssemblyError", "ReviewGateError",
]
