"""The T-visa exhibits: their order and letters, and the packet built from them and the rendered drafts.

Order: the forms first, then the applicant's declaration, then the evidence grouped by the element it
supports (its first listed element), then anything else; within a group, the case file's order. The
case file's ``tvisa.exhibit_order`` (evidence ids) puts those exhibits first, in that order.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from ...errors import CaseFileError
from ...facts import CaseFile, Evidence
from .screening import ELEMENTS

if TYPE_CHECKING:  # packet.py brings pypdf, which screening and drafting never need: imported where it is used
    from ...packet import PacketItem, PacketResult

GROUPS = ("forms", "declaration", *ELEMENTS, "other")
ENGLISH = {None, "", "en", "eng"}


@dataclass(frozen=True)
class Exhibit:
    evidence: Evidence
    letter: str
    group: str

    @property
    def needs_translation(self) -> bool:
        return self.evidence.language not in ENGLISH


def group_of(e: Evidence) -> str:
    if e.kind == "uscis_form":
        return "forms"
    if e.kind == "declaration":
        return "declaration"
    return e.elements[0] if e.elements else "other"


def ordered_exhibits(case: CaseFile) -> list[Exhibit]:
    """Every evidence item as an exhibit, lettered A, B, ... in filing order; bad overrides name their field."""
    from ...packet import exhibit_letter
    by_id = {e.id: e for e in case.evidence}
    problems = [f"tvisa.exhibit_order[{i}]: no evidence with this id"
                for i, eid in enumerate(case.tvisa.exhibit_order) if eid not in by_id]
    if problems:
        raise CaseFileError(problems)
    position = {e.id: n for n, e in enumerate(case.evidence)}
    usual = sorted(case.evidence, key=lambda e: (GROUPS.index(group_of(e)), position[e.id]))
    chosen = [by_id[eid] for eid in case.tvisa.exhibit_order]
    ordered = chosen + [e for e in usual if e.id not in case.tvisa.exhibit_order]
    return [Exhibit(e, exhibit_letter(n), group_of(e)) for n, e in enumerate(ordered)]


def exhibit_file(case: CaseFile, e: Evidence) -> Path | None:
    """The exhibit's file, relative to the case file's folder (None when the case file names none)."""
    if not e.path:
        return None
    return (case.base_dir or Path.cwd()) / e.path


def outside_paths(case: CaseFile, held: Mapping[str, Path] | None = None) -> list[str]:
    """Problems for exhibit paths that leave the case file's folder (absolute, ``..``, or a link out of it):
    a case file from elsewhere must not pull other files on this machine into a packet. Exhibits in ``held``
    (evidence id -> path: files the caller holds itself, e.g. the interview's uploads) are not read from their path."""
    base = (case.base_dir or Path.cwd()).resolve()
    problems = []
    for i, e in enumerate(case.evidence):
        path = exhibit_file(case, e)
        if path is not None and e.id not in (held or {}) and not path.resolve().is_relative_to(base):
            problems.append(f"evidence[{i}].path: must name a file inside the case file's folder")
    return problems


def certificate_stem(exhibit: Exhibit | None) -> str:
    return f"translator-certificate-exhibit-{exhibit.letter.lower()}" if exhibit else "translator-certificate-declaration"


def packet_items(case: CaseFile, drafts_dir: Path, group_labels: dict[str, str],
                 files: Mapping[str, Path] | None = None) -> tuple[list[PacketItem], list[str]]:
    """The packet's items (cover letter, exhibits, each translation's certificate after its exhibit) and the
    ids of exhibits the case file gives no file for (they cannot be attached).

    ``files`` (evidence id -> path) are exhibit files a front door holds itself (the interview's uploads,
    read where they are stored); they take the place of those exhibits' ``path``."""
    from ...packet import PacketItem
    files = dict(files or {})
    problems = outside_paths(case, held=files)
    if problems:
        raise CaseFileError(problems)
    items = [PacketItem("cover-letter", "Cover letter", drafts_dir / "cover-letter.pdf", kind="draft")]
    unattached = []
    declaration_certificate = drafts_dir / f"{certificate_stem(None)}.pdf"
    for ex in ordered_exhibits(case):
        path = Path(files[ex.evidence.id]) if ex.evidence.id in files else exhibit_file(case, ex.evidence)
        if path is None:
            unattached.append(ex.evidence.id)
            continue
        group = group_labels[ex.group]
        items.append(PacketItem(ex.evidence.id, ex.evidence.title, path, letter=ex.letter, date=ex.evidence.date,
                                group=group))
        if ex.needs_translation:
            items.append(PacketItem(f"{ex.evidence.id} translator's certificate",
                                    f"Translator's certificate for Exhibit {ex.letter}",
                                    drafts_dir / f"{certificate_stem(ex)}.pdf", kind="draft", group=group))
        elif ex.group == "declaration" and declaration_certificate.exists():
            items.append(PacketItem("declaration translator's certificate", "Translator's certificate for the declaration",
                                    declaration_certificate, kind="draft", group=group))
    return items, unattached


def build_tvisa_packet(case: CaseFile, drafts_dir: Path, out_path: Path, group_labels: dict[str, str], *,
                       skip_bad: bool = False, stamp_prefix: str | None = None,
                       files: Mapping[str, Path] | None = None) -> tuple[PacketResult, list[str]]:
    """The filing packet from the rendered drafts (PDF) in ``drafts_dir`` and the case file's exhibits."""
    from ...packet import build_packet
    items, unattached = packet_items(case, drafts_dir, group_labels, files)
    result = build_packet(items, out_path, stamp_prefix=stamp_prefix, skip_bad=skip_bad, index_after=1,
                          title="Application packet")
    return result, unattached
