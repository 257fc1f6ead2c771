"""Draft families as plug-ins: one small interface and one registry.

A family screens the case for its own kind of relief (clearing a record, a defense to a pending
charge, an immigration filing, a claim for losses...) and drafts its own papers. The core (assembly, report, CLI, interview)
only ever loops over the registry, so adding a family means adding a module under
``families/`` (found automatically), or calling ``register()`` from outside the package; no core
module changes. Each family keeps its wording in ``data/sources/clauses/<name>.yml`` and its DOCX
templates in ``templates/<name>/``.

The reference plug-in is the first package under ``families/``; the smallest one is the test
double in ``tests/test_family_plugins.py``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Mapping, Protocol

from .drafting import ClauseLibrary, Draft
from .errors import AssemblyError
from .facts import CaseFile
from .jurisdictions import Jurisdiction, load_all
from .eligibility import Eligibility
from .resources import TEMPLATES_DIR


class FamilyCommand(Protocol):
    """A family's own CLI subcommand (e.g. a worksheet printed without drafting); ``run`` returns the exit status."""

    name: str
    help: str
    description: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class DraftFamily:
    """Subclass this, set ``name`` and ``title``, implement ``screen`` and ``build``.

    ``name`` is a stable code (it names the output folder, the clause file and the template folder);
    ``title`` is what people read.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    data_section: ClassVar[str | None] = None  # its section of the jurisdiction data (usually its name)
    command: ClassVar["FamilyCommand | None"] = None  # a subcommand of its own (`traffickingrelief packet ...`)

    def screen(self, case: CaseFile, today: dt.date) -> list[Eligibility]:
        """One result per subject this family acts on (may be empty: the case has nothing for it)."""
        raise NotImplementedError

    def build(self, case: CaseFile, results: list[Eligibility], *, final: bool) -> list[Draft]:
        """The drafts for the results that are ``draftable`` (never for relief screened as unavailable)."""
        raise NotImplementedError

    def warnings(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> list[str]:
        """Family-specific lines for the report's warnings (default: none)."""
        return []

    def law_keys(self) -> frozenset[str]:
        """Jurisdiction-data keys this family reads (default: every key of its data section); the data
        audit lists the facts no family reads."""
        if not self.data_section:
            return frozenset()
        prefix = self.data_section + "."
        return frozenset(k for j in load_all().values() for k in j.facts if k.startswith(prefix))

    def exports(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> dict[str, str | bytes]:
        """Companions to the drafts that are not DOCX (a CSV log, an XLSX worksheet...), by file name: text or
        bytes, written into the family's folder beside its drafts and listed in the report (default: none)."""
        return {}

    def bundles(self, case: CaseFile, drafts_dir: Path, out_dir: Path,
                files: Mapping[str, Path]) -> tuple[list[tuple[Path, str]], list[str]]:
        """Files made after the drafts from their PDFs (in ``drafts_dir``) and the exhibit files a front door
        holds itself (``files``: evidence id -> path, read in place), written into ``out_dir``: ([(path,
        title)], warnings). The interview calls it (the T-visa packet); default: none."""
        return [], []

    def coverage(self, j: Jurisdiction) -> dict:
        """What the data says of this family's relief in ``j``. A data section follows one convention:
        ``available``, ``remedy_name`` and ``citation`` facts, then whatever the family needs."""
        section = self.data_section
        facts = [f for key, f in j.facts.items() if section and key.startswith(section + ".")]
        known = [f for f in facts if f.known]
        citation = j.fact(f"{section}.citation") if section else None
        return {"available": j.value(f"{section}.available") if section else None,
                "remedy": j.value(f"{section}.remedy_name") if section else None,
                "citation": citation.value if citation else None,
                "citation_verified": bool(citation and citation.verified),
                "facts": len(facts), "facts_known": len(known), "facts_verified": sum(1 for f in known if f.verified)}

    @property
    def clauses(self) -> ClauseLibrary:
        """The family's wording (``data/sources/clauses/<name>.yml``; override to read it elsewhere)."""
        return ClauseLibrary.for_family(self.name)

    @property
    def template_dir(self) -> Path:
        """Where the family's DOCX templates live (``templates/<name>/``; override to keep them elsewhere)."""
        return TEMPLATES_DIR / self.name

    def draft(self, kind: str, title: str, template: str, stem: str, group: str) -> Draft:
        """A new Draft of this family, rendered from ``template`` in the family's template folder."""
        return Draft(family=self.name, kind=kind, title=title, template=self.template_dir / template, stem=stem,
                     group=group, library=self.clauses)


_registry: dict[str, DraftFamily] = {}


def register(family: DraftFamily | type[DraftFamily]) -> DraftFamily:
    """Add a family (an instance or a class with a no-argument constructor); usable as a class decorator."""
    instance = family() if isinstance(family, type) else family
    name = getattr(instance, "name", None)
    if not name or not name.replace("_", "").isalnum() or not name.islower():
        raise AssemblyError("a draft family needs a lower-case name of letters, digits and underscores")
    _registry[name] = instance
    return family


def unregister(name: str) -> None:
    """Remove a family (for tests and for deployments that offer only some families)."""
    _registry.pop(name, None)


@lru_cache(maxsize=1)
def _discover() -> None:
    from . import families

    for module in pkgutil.iter_modules(families.__path__, families.__name__ + "."):
        importlib.import_module(module.name)


def registered_families() -> tuple[DraftFamily, ...]:
    """Every registered family: the built-in ones by name (a fixed order, whatever imported them first),
    then others in registration order."""
    _discover()
    from . import families

    builtin = sorted((f for f in _registry.values() if type(f).__module__.startswith(families.__name__ + ".")),
                     key=lambda f: f.name)
    return tuple(builtin + [f for f in _registry.values() if f not in builtin])


def family_names() -> tuple[str, ...]:
    return tuple(f.name for f in registered_families())


def select(names: list[str] | tuple[str, ...] | None) -> tuple[DraftFamily, ...]:
    """The families named (all when None), or an AssemblyError naming the unknown ones."""
    available = {f.name: f for f in registered_families()}
    if names is None:
        return tuple(available.values())
    unknown = [n for n in names if n not in available]
    if unknown:
        raise AssemblyError(f"unknown draft family: {', '.join(unknown)} (available: {', '.join(available)})")
    return tuple(available[n] for n in dict.fromkeys(names))
