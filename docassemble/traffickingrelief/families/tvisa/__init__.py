"""T visa (T nonimmigrant status): screening on the four eligibility elements, the application's
papers (cover letter, exhibit index, declaration outline, evidence checklist, Supplement A worksheet,
translator's certificates) and the filing packet (``build_packet_for_case``: one bookmarked,
page-stamped PDF of the drafts and the client's exhibits, built by ``packet.py``).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from ...drafting import Draft
from ...eligibility import Eligibility
from ...facts import CaseFile
from ...family import DraftFamily, register
from .command import PacketCommand
from .drafts import build_drafts, group_labels
from .exhibits import build_tvisa_packet, ordered_exhibits
from .screening import screen_client

if TYPE_CHECKING:  # packet.py brings pypdf; only building a packet needs it
    from ...packet import PacketResult

PACKET_FOLDER = "packet"
PACKET_NAME = "t-visa-packet.pdf"
PACKET_INDEX_NAME = "t-visa-packet-index.docx"


@register
class TVisa(DraftFamily):
    name = "tvisa"
    title = "T visa (T nonimmigrant status)"
    data_section = "tvisa"
    command = PacketCommand()  # `traffickingrelief packet CASE --out DIR`

    def screen(self, case: CaseFile, today: dt.date) -> list[Eligibility]:
        return screen_client(case, today)

    def build(self, case: CaseFile, results: list[Eligibility], *, final: bool) -> list[Draft]:
        drafts: list[Draft] = []
        for result in results:
            if result.draftable:
                drafts += build_drafts(self, case, result, final)
        return drafts

    def warnings(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> list[str]:
        out = [f"T visa: {f.text}" for r in results for f in r.warnings]
        if any(r.draftable for r in results):
            missing = [x.evidence.id for x in ordered_exhibits(case) if not x.evidence.path]
            if missing:
                out.append(f"T visa: {len(missing)} exhibit(s) have no file and cannot go into the packet: "
                           + ", ".join(missing) + ".")
            if any(x.needs_translation for x in ordered_exhibits(case)) and case.tvisa.translator is None:
                out.append("T visa: documents in another language need a certified translation, and the case file "
                           "names no translator.")
        return out


    def bundles(self, case: CaseFile, drafts_dir: Path, out_dir: Path,
                files: Mapping[str, Path]) -> tuple[list[tuple[Path, str]], list[str]]:
        """The filing packet (and its exhibit index with the packet's pages) from the rendered drafts, for a
        front door that holds the exhibit files itself (the interview's uploads): bad exhibits are left out
        and named in the warnings, so the rest of the papers are never lost to one broken scan."""
        if not (drafts_dir / "cover-letter.docx").is_file():
            return [], []
        if not (drafts_dir / "cover-letter.pdf").is_file():
            return [], ["T visa: the packet PDF needs the drafts as PDF (LibreOffice), so it was not made."]
        built = build_packet_for_case(case, drafts_dir, out_dir, skip_bad=True, files=files)
        out = [(built.packet.path, "T-visa packet (one PDF with stamps and bookmarks)")]
        if built.index is not None:
            index = built.index.with_name(PACKET_INDEX_NAME)
            built.index.rename(index)
            out.append((index, "Exhibit index with the packet's pages"))
        warnings = [f"T visa: exhibit {bad.id} was left out of the packet: {bad.problem}." for bad in built.packet.skipped]
        if built.unattached:
            warnings.append("T visa: no file for exhibit(s) " + ", ".join(built.unattached) + ", so not in the packet.")
        return out, warnings


@dataclass(frozen=True)
class CasePacket:
    packet: PacketResult
    unattached: tuple[str, ...]     # exhibit ids the case file names no file for
    index: Path | None              # the exhibit index DOCX with the packet's page ranges


def build_packet_for_case(case: CaseFile, drafts_dir: Path, out_dir: Path, *, skip_bad: bool = False,
                          stamp_prefix: str | None = None, final: bool = False,
                          files: Mapping[str, Path] | None = None) -> CasePacket:
    """The filing packet from the rendered T-visa drafts (their PDFs in ``drafts_dir``) and the case file's
    exhibits, written to ``out_dir``, with an exhibit index DOCX whose page ranges are the packet's.
    ``files`` (evidence id -> path): exhibit files the caller holds itself, used in place of ``path``."""
    from ...rendering import render_docx

    family = TVisa()
    out_dir.mkdir(parents=True, exist_ok=True)
    result, unattached = build_tvisa_packet(case, drafts_dir, out_dir / PACKET_NAME, group_labels(family),
                                            skip_bad=skip_bad, stamp_prefix=stamp_prefix, files=files)
    ranges = {}
    for entry in result.entries:
        if entry.item.kind == "exhibit":
            first, last = entry.first_page, entry.last_page
            show = (lambda p: f"{stamp_prefix}{p:06d}") if stamp_prefix else str
            ranges[entry.item.id] = show(first) if first == last else f"{show(first)}\u2013{show(last)}"
    for left_out in (*unattached, *(bad.id for bad in result.skipped)):
        ranges[left_out] = "not in the packet"
    screened = screen_client(case, dt.date.today())
    index_path = None
    if screened:
        index = build_drafts(family, case, screened[0], final, page_ranges=ranges)[1]
        index_path = out_dir / f"{index.stem}.docx"
        partial = out_dir / f".{index.stem}.docx.tmp"
        try:  # whole or not at all, like the packet
            render_docx(index.template, index.context, partial, index.title)
            os.replace(partial, index_path)
        finally:
            partial.unlink(missing_ok=True)
    return CasePacket(result, tuple(unattached), index_path)
