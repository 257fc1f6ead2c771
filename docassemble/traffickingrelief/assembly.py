"""The assembly core: case file in, a folder of drafts and an assembly report out.

Every front door (CLI, docassemble interview, Python callers) ends here. Output goes through
``output.Publication``: all or nothing, one run at a time per folder, and files the user changed or
added in a previous set are kept (the report lists them). See output.py for the full guarantee.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .drafting import Draft, accepting
from .eligibility import Eligibility
from .errors import AssemblyError, ReviewGateError
from .facts import CaseFile, load_case
from .family import DraftFamily, select
from .output import Publication
from .rendering import (PdfConversionError, convert_folder_to_pdf, libreoffice_binary, render_docx,
                        scrub_pdf_metadata)
from .report import REPORT_JSON, REPORT_MD, build_report, render_markdown
from .screening import screen
from .warm_pdf import PdfSession, pdf_session

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Review:
    """The licensed attorney who reviewed a final (non-draft) set."""

    attorney_name: str
    bar_number: str
    reviewed_on: dt.date = field(default_factory=dt.date.today)
    accepted_law: tuple[str, ...] = ()  # unverified facts the attorney checked and accepts, by path

    def __post_init__(self):
        if not (self.attorney_name or "").strip() or not (self.bar_number or "").strip():
            raise ReviewGateError("a final set needs the reviewing attorney's name and bar number")


@dataclass(frozen=True)
class AssemblyResult:
    out_dir: Path
    documents: tuple[Path, ...]
    report_markdown: Path
    report_json: Path
    report: dict
    screening: tuple[Eligibility, ...]
    kept: tuple[str, ...] = ()        # the user's files from the previous set, kept untouched


def assemble(case: CaseFile | str | Path, out_dir: str | Path, families: Iterable[str] | None = None, *,
             review: Review | None = None, pdf: bool | None = None, today: dt.date | None = None,
             progress: Progress | None = None) -> AssemblyResult:
    """Assemble drafts for ``case`` into ``out_dir``.

    ``families``: the draft families to run, by name (default: every registered family).
    ``pdf``: None converts when LibreOffice is installed, True requires it, False skips it.
    ``review``: given, the set is final (no DRAFT header); it must then have no placeholders.
    """
    if not isinstance(case, CaseFile):
        case = load_case(case)
    chosen = select(tuple(families) if families is not None else None)
    today = today or dt.date.today()
    out_dir = Path(out_dir).resolve()

    results = screen(case, today, [f.name for f in chosen])
    with accepting(review.accepted_law if review else ()):
        drafts = _build_drafts(case, results, chosen, final=review is not None)
    if review is not None:
        gaps = sum(len(d.missing) for d in drafts)
        unsettled = sorted({u["fact"] for d in drafts for u in d.unsettled})
        if gaps or unsettled:
            raise ReviewGateError(
                f"a final set cannot carry placeholders or unconfirmed law; {gaps} placeholder(s) remain"
                + (f" and {len(unsettled)} unverified rule(s) are not accepted ({', '.join(unsettled)})" if unsettled else "")
                + " (assemble a draft and see its report)")

    binary = None if pdf is False else libreoffice_binary()
    if pdf is True and binary is None:
        raise AssemblyError("PDF output was requested but LibreOffice (soffice) is not installed")

    with Publication(out_dir) as pub:
        try:
            written = _write(drafts, pub.work, progress)
            exported = _export(case, results, drafts, chosen, pub.work)
            with pdf_session() as session:  # one LibreOffice for every folder (and, in a batch worker, every case)
                pdf_note = _pdfs(written, binary, pub.work, progress, requested=pdf, session=session)
            renamed = pub.make_room()
            written = [(d, pub.work / renamed.get(p.relative_to(pub.work).as_posix(), p.relative_to(pub.work).as_posix()))
                       for d, p in written]
            report = build_report(case, results, drafts, written, chosen, review, today, pdf_note)
            report["documents"] += [{**e, "file": renamed.get(e["file"], e["file"])} for e in exported]
            if pub.kept:
                report["kept_files"] = list(pub.kept)
                report["warnings"].append(f"{len(pub.kept)} file(s) changed or added since the last run were kept "
                                          "as they are: " + ", ".join(pub.kept) + "."
                                          + (" The new versions of those drafts are named *.new.*." if renamed else ""))
            (pub.work / REPORT_JSON).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
            (pub.work / REPORT_MD).write_text(render_markdown(report), encoding="utf-8")
        except OSError as exc:  # disk full, permissions: the previous set stays as it was
            raise AssemblyError(f"the drafts could not be written ({exc.strerror or type(exc).__name__}); "
                                "nothing was changed") from None
        published = pub.commit()
    documents = tuple(out_dir / p for p in (d["file"] for d in report["documents"]))
    return AssemblyResult(out_dir, documents, out_dir / REPORT_MD, out_dir / REPORT_JSON, report, tuple(results),
                          published.kept)


def _build_drafts(case: CaseFile, results: list[Eligibility], families: tuple[DraftFamily, ...],
                  final: bool) -> list[Draft]:
    drafts: list[Draft] = []
    for family in families:
        drafts += family.build(case, [r for r in results if r.family == family.name], final=final)
    return drafts


def _write(drafts: list[Draft], work: Path, progress: Progress | None) -> list[tuple[Draft, Path]]:
    written = []
    for i, draft in enumerate(drafts, 1):
        if progress:
            progress(i, len(drafts), f"{draft.title} ({draft.group})")
        folder = work / draft.family
        folder.mkdir(exist_ok=True)
        written.append((draft, render_docx(draft.template, draft.context, folder / f"{draft.stem}.docx", draft.title,
                                               draft.layout)))
    return written


def _export(case: CaseFile, results: list[Eligibility], drafts: list[Draft], families: tuple[DraftFamily, ...],
            work: Path) -> list[dict]:
    """Each family's plain-text companions (``DraftFamily.exports``), written beside its drafts; report entries."""
    entries = []
    for family in families:
        files = family.exports(case, [r for r in results if r.family == family.name],
                               [d for d in drafts if d.family == family.name])
        for name, text in files.items():
            if Path(name).name != name or name.startswith("."):
                raise AssemblyError(f"draft family {family.name} exports a file with a path in its name")
            folder = work / family.name
            folder.mkdir(exist_ok=True)
            if isinstance(text, bytes):
                (folder / name).write_bytes(text)
            else:
                (folder / name).write_text(text, encoding="utf-8")
            entries.append({"file": f"{family.name}/{name}", "format": Path(name).suffix[1:], "title": name,
                            "kind": "export", "family": family.name, "group": "export", "placeholders": 0})
    return entries


def _pdfs(written: list[tuple[Draft, Path]], binary: str | None, work: Path, progress: Progress | None,
          requested: bool | None = None, session: PdfSession | None = None) -> str:
    if not written:
        return "No documents were produced, so no PDF was made."
    if requested is False:
        return "PDF not requested: DOCX only."
    if binary is None:
        return "PDF not produced: LibreOffice is not installed (DOCX only)."
    if progress:
        progress(len(written), len(written), "converting to PDF")
    by_folder: dict[Path, list[tuple[Draft, Path]]] = {}
    for draft, path in written:
        by_folder.setdefault(path.parent, []).append((draft, path))
    missing: list[str] = []
    for folder, items in by_folder.items():
        try:
            convert_folder_to_pdf([p for _, p in items], folder, binary, session)
        except PdfConversionError as exc:  # keep every DOCX; name the documents that got no PDF
            missing += exc.missing
        for draft, docx in items:
            pdf_path = docx.with_suffix(".pdf")
            if docx.name in missing:
                pdf_path.unlink(missing_ok=True)
                continue
            try:
                scrub_pdf_metadata(pdf_path, draft.title)
            except PdfConversionError as exc:
                pdf_path.unlink(missing_ok=True)
                missing += exc.missing
    if missing:
        return (f"PDF not produced for {len(missing)} of {len(written)} document(s): {', '.join(missing)} "
                "(their DOCX are complete; convert them by hand or run again).")
    return "A PDF was written beside each DOCX (LibreOffice headless)."
