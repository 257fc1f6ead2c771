"""``traffickingrelief restitution CASE``: print the worksheet, and on request write it as CSV or Excel.

Offered to the CLI through ``Restitution.command`` (the CLI adds every family's own subcommand), so the
core names no family. New files only: a file that exists is never replaced.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...facts import load_case
from ...wages import render_text, to_csv, to_xlsx
from .screening import claim_for

BAD_INPUT = 2


class WorksheetCommand:
    name = "restitution"
    help = "print the restitution worksheet (18 U.S.C. § 1593) for a case file"
    description = ("Work out the value of the client's labor week by week at the minimum wage (with overtime, without "
                   "and with liquidated damages) and list the other losses, from the case file's losses. A draft for "
                   "attorney review, not legal advice.")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("case", help="case file (.yml, .yaml or .json)")
        parser.add_argument("--csv", default=None, help="also write the worksheet as CSV to this new file")
        parser.add_argument("--xlsx", default=None, help="also write the worksheet as an Excel workbook to this new file")

    def run(self, args) -> int:
        targets = [Path(p) for p in (args.csv, args.xlsx) if p]
        taken = [f"{p}: already exists (choose a new file name)" for p in targets if p.exists()]
        if taken:
            print("traffickingrelief: " + "; ".join(taken), file=sys.stderr)
            return BAD_INPUT
        calc = claim_for(load_case(args.case)).calculation  # CaseFileError names each bad field; nothing written
        print(render_text(calc), end="")
        if args.csv:
            _write_text(Path(args.csv), to_csv(calc))
            print(f"CSV written to {args.csv}")
        if args.xlsx:
            to_xlsx(calc, args.xlsx)
            print(f"Excel workbook written to {args.xlsx}")
        return 0


def _write_text(path: Path, text: str) -> None:
    """Written beside the target and moved into place, so a failure leaves no half-written file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
