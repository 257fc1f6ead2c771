"""One exception root, so callers (CLI, interviews, clinic scripts) can catch everything we raise.

Messages name fields and files, never the client's own text: they end up in logs and terminals.
"""


class TraffickingReliefError(Exception):
    """Base of every error this package raises on purpose."""


class CaseFileError(TraffickingReliefError):
    """A case file failed validation; ``problems`` lists every one as ``path: message``."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        listed = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"the case file has {len(self.problems)} problem(s):\n{listed}")


class JurisdictionDataError(TraffickingReliefError):
    """The bundled jurisdiction data is missing or does not match its schema."""


class UnknownJurisdictionError(TraffickingReliefError):
    """A case names a jurisdiction code the data set does not have."""


class AssemblyError(TraffickingReliefError):
    """Drafts could not be produced; no partial output was left behind."""


class ReviewGateError(TraffickingReliefError):
    """A final (non-draft) set was requested without what attorney sign-off requires."""
