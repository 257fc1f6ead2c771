"""``traffickingrelief packet CASE --out DIR``: the T-visa drafts, then the filing packet built from them.

The drafts are assembled into DIR as ``assemble`` does (DOCX and PDF: the packet needs the PDFs);
the packet and the exhibit index with its page ranges go to DIR/packet/. Exit status as the CLI's:
0 done, 1 the work failed (nothing half-written), 2 bad input.
"""
from __future__ import annotations

from pathlib import Path

OK, FAILED = 0, 1


class PacketCommand:
    name = "packet"
    help = "assemble the T-visa drafts and build the filing packet PDF"
    description = ("Assemble the T-visa drafts for a case file into --out (DOCX and PDF), then build one PDF of the "
                   "cover letter, an exact exhibit index and every exhibit the case file names (evidence[].path, "
                   "relative to the case file): a separator before each exhibit, a page stamp on every page, "
                   "bookmarks and page labels. Needs LibreOffice.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("case", help="case file (.yml, .yaml or .json)")
        parser.add_argument("--out", required=True, help="output folder (the packet goes to OUT/packet/)")
        parser.add_argument("--skip-bad-exhibits", action="store_true",
                            help="build the packet without exhibits that cannot be used, and list them")
        parser.add_argument("--stamp-prefix", default=None, metavar="PREFIX",
                            help="Bates-style prefix for the page stamp, e.g. TV- gives TV-000012")
        parser.add_argument("--redacted-copy", action="store_true",
                            help="also write a copy of the drafts with the A-number, Social Security numbers, dates of "
                                 "birth and addresses masked, for sharing outside the filing (OUT/redacted/; "
                                 "exhibits are not redacted)")

    def run(self, args) -> int:
        from ...assembly import assemble
        from ...errors import CaseFileError
        from ...facts import load_case
        from . import PACKET_FOLDER, build_packet_for_case
        from .exhibits import ordered_exhibits, outside_paths

        case = load_case(args.case)
        problems = outside_paths(case)
        if problems:  # bad input is refused before anything is written
            raise CaseFileError(problems)
        ordered_exhibits(case)  # checks tvisa.exhibit_order
        assembled = assemble(case, Path(args.out), ["tvisa"], pdf=True)
        if not any(d["file"].startswith("tvisa/") for d in assembled.report["documents"]):
            print("traffickingrelief: no T-visa drafts for this case (see the assembly report); no packet was built.")
            return FAILED
        built = build_packet_for_case(case, assembled.out_dir / "tvisa", assembled.out_dir / PACKET_FOLDER,
                                      skip_bad=args.skip_bad_exhibits, stamp_prefix=args.stamp_prefix)
        packet = built.packet
        exhibits = [e for e in packet.entries if e.item.kind == "exhibit"]
        print(f"Drafts written to {assembled.out_dir}.")
        print(f"Packet: {packet.path} ({packet.pages} pages, {len(exhibits)} exhibit(s)).")
        if built.index:
            print(f"Exhibit index with the packet's page ranges: {built.index}")
        for bad in packet.skipped:
            print(f"Left out: exhibit {bad.id}: {bad.problem}")
        if built.unattached:
            print("No file named in the case file (not in the packet): " + ", ".join(built.unattached))
        if args.redacted_copy:
            from .redaction import REDACTED_FOLDER, redacted_copy

            copies = redacted_copy(case, assembled.out_dir / "tvisa", assembled.out_dir / REDACTED_FOLDER)
            print(f"Redacted copy of {len(copies)} draft(s) (not the exhibits): {assembled.out_dir / REDACTED_FOLDER}")
        return OK
