"""The ``traffickingrelief`` command: demo, assemble, batch, screen, jurisdictions, data-audit, schema, and any
subcommand a draft family offers (``DraftFamily.command``).

Exit status: 0 done; 1 the work failed (nothing was written); 2 bad input or usage (every problem
is listed by field); 130 interrupted. Messages name fields and files, never the client's own words,
and no traceback ever reaches the user: an unexpected error is one line naming its type.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import unicodedata
from pathlib import Path

import yaml

from . import __version__
from .assembly import Review, assemble
from .audit import audit, render_audit_text
from .batch import WORKER_DIED, default_workers, run_jobs
from .eligibility import STATUS_LABELS
from .errors import CaseFileError, TraffickingReliefError, UnknownJurisdictionError
from .facts import case_file_schema, load_case
from .family import family_names, registered_families
from .jurisdictions import load_all, load_all_from_sources
from .migration import CURRENT_VERSION
from .resources import EXAMPLES_DIR
from .screening import screen
from .warm_pdf import pdf_session

EXAMPLE_CASE = EXAMPLES_DIR / "example_case.yml"
OK, FAILED, BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 on usage errors, which matches our bad-input code
        self.print_usage(sys.stderr)
        self.exit(BAD_INPUT, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="traffickingrelief",
                     description="Sourced, jurisdiction-specific relief drafts for survivors of human trafficking. "
                                 "Drafts are for review by a licensed attorney; this tool gives no legal advice.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def families_option(p):
        p.add_argument("--families", default=None,
                       help=f"comma-separated draft families (default: all; available: {', '.join(family_names())})")

    def output_options(p):
        families_option(p)
        pdf = p.add_mutually_exclusive_group()
        pdf.add_argument("--pdf", dest="pdf", action="store_const", const=True, default=None,
                         help="require a PDF beside each DOCX (fails without LibreOffice)")
        pdf.add_argument("--no-pdf", dest="pdf", action="store_const", const=False, help="write DOCX only")
        p.add_argument("--quiet", action="store_true", help="no progress display")
        p.add_argument("--filing-date", type=_filing_date, default=None, metavar="YYYY-MM-DD",
                       help="intended filing date: screening and the papers' procedural dates count from it "
                            "(default: today; a case file's own filing_date wins in the papers)")

    demo = sub.add_parser("demo", help="assemble the bundled fictional example into ./drafts",
                          description="Assemble the bundled fictional example case into ./drafts (or --out).")
    demo.add_argument("--out", default="drafts", help="output folder (default: ./drafts)")
    output_options(demo)

    asm = sub.add_parser("assemble", help="assemble drafts for a case file",
                         description="Screen a case file and write drafts plus an assembly report to --out. "
                                     "The folder is written atomically and replaced only if this tool made it.")
    asm.add_argument("case", help="case file (.yml, .yaml or .json)")
    asm.add_argument("--out", required=True, help="output folder")
    asm.add_argument("--final", action="store_true",
                     help="omit the DRAFT header; needs --reviewed-by and --bar-number, no placeholders, and every "
                          "unverified rule the drafts use accepted with --accept-law")
    asm.add_argument("--reviewed-by", help="reviewing attorney's name (with --final)")
    asm.add_argument("--bar-number", help="reviewing attorney's bar number (with --final)")
    asm.add_argument("--accept-law", action="append", default=[], metavar="FACT",
                     help="with --final: an unverified rule the attorney checked and accepts, by the name the report "
                          "gives it (JURISDICTION:section.key); repeat for each")
    output_options(asm)

    batch = sub.add_parser("batch", help="assemble many case files (a clinic day) into one folder each",
                           description="Assemble every case file given (files or folders of .yml/.yaml/.json) into "
                                       "OUT/<case file name>/. One bad case file does not stop the others; the exit "
                                       "status is 2 if any case file was invalid, 1 if any other case failed.")
    batch.add_argument("cases", nargs="+", help="case files, or folders holding them")
    batch.add_argument("--out", required=True, help="folder that receives one drafts folder per case file")
    batch.add_argument("--workers", type=_worker_count, default=None, metavar="N",
                       help=f"case files assembled at once, each in a process of its own (default: one per core, "
                            f"{default_workers()} here)")
    output_options(batch)

    scr = sub.add_parser("screen", help="print eligibility for each draft family",
                         description="Screen a case file for every draft family (convictions and arrests for record "
                                     "relief, and so on) against the jurisdiction data.")
    scr.add_argument("case", help="case file (.yml, .yaml or .json)")
    scr.add_argument("--json", action="store_true", help="print JSON")
    families_option(scr)

    for family in registered_families():  # a family's own subcommand, e.g. a worksheet printed without drafting
        command = family.command
        if command is not None:
            own = sub.add_parser(command.name, help=command.help, description=command.description)
            command.add_arguments(own)
            own.set_defaults(family_command=command)

    jur = sub.add_parser("jurisdictions", help="print the jurisdiction coverage table",
                         description="Coverage of the jurisdiction data for each draft family: remedy, citation, "
                                     "verification counts.")
    jur.add_argument("--json", action="store_true", help="print JSON")

    aud = sub.add_parser("data-audit", help="audit the law data: tiers, stale texts, sources, notes in values",
                         description="Audit the jurisdiction data: facts by verification tier, stale copies, sources that "
                                     "do not belong to their jurisdiction, notes inside values, facts no draft family "
                                     "reads. Exit status 1 when a check that CI enforces fails.")
    aud.add_argument("--json", action="store_true", help="print JSON")

    mig = sub.add_parser("migrate", help="save an older case file as the current version",
                         description="Read a case file of an older version and write it as the current version "
                                     "(no answer changes). Writes CASE.v2.yml beside it (or --out); the original is "
                                     "overwritten only with --in-place. YAML comments are not carried over.")
    mig.add_argument("case", help="case file (.yml, .yaml or .json)")
    where = mig.add_mutually_exclusive_group()
    where.add_argument("--out", help="file to write (refused if it exists); .json writes JSON, otherwise YAML")
    where.add_argument("--in-place", action="store_true", help="overwrite the original case file")

    sub.add_parser("schema", help="print the case file JSON Schema",
                   description="Print the JSON Schema that case files are validated against.")
    return parser


def _progress(quiet: bool):
    if quiet:
        return None
    tty = sys.stderr.isatty()

    def show(i: int, n: int, what: str) -> None:
        line = f"[{i:>3}/{n}] {what}"
        if tty:
            sys.stderr.write("\r\x1b[2K" + line + ("\n" if i == n and what == "converting to PDF" else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    return show


def _families(text: str | None) -> list[str] | None:
    """The --families list, checked against the registry (an unknown name is a usage error, exit 2)."""
    if text is None:
        return None
    names = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [n for n in names if n not in family_names()]
    if unknown or not names:
        raise _UsageError(f"--families: unknown draft family: {', '.join(unknown) or '(none given)'} "
                          f"(available: {', '.join(family_names())})")
    return names


def _filing_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


class _UsageError(Exception):
    """A command-line option that names something that does not exist (exit 2)."""


def _run_assembly(case_path: Path, args, review: Review | None) -> int:
    result = assemble(case_path, Path(args.out), _families(args.families), review=review, pdf=args.pdf,
                      today=getattr(args, "filing_date", None), progress=_progress(args.quiet))
    if not args.quiet and sys.stderr.isatty():
        sys.stderr.write("\n")
    report = result.report
    print(f"Drafts written to {result.out_dir} ({len(result.documents)} files, status: {report['status']}).")
    print(f"Assembly report: {result.report_markdown}")
    print(f"                 {result.report_json}")
    counts = {}
    for s in report["screening"]:
        counts[s["status"]] = counts.get(s["status"], 0) + 1
    print("Screening: " + (", ".join(f"{n} {STATUS_LABELS[k]}" for k, n in counts.items()) or "no records"))
    print(f"Placeholders to resolve: {len(report['missing_facts'])} missing fact(s), "
          f"{len(report['unknown_law'])} unknown rule(s); law to confirm ([CONFIRM: ...]): "
          f"{len(report['unsettled_law'])}; unverified law used: {len(report['unverified_law'])}.")
    print(report["pdf"])
    return OK


def _case_files(paths: list[str]) -> list[Path]:
    found = []
    for given in map(Path, paths):
        if given.is_dir():
            found += sorted(p for p in given.iterdir() if p.suffix.lower() in (".yml", ".yaml", ".json"))
        else:
            found.append(given)
    return found


def _batch_folder_problems(files: list[Path]) -> list[str]:
    """Each case file's drafts folder is OUT/<file name without suffix>. Refuse names that would not be
    a folder of their own: ``..yml`` would write into OUT itself, ``...yml`` beside it, a leading dot
    hides the folder, and names that differ only in case or Unicode form share a folder on macOS
    and Windows disks."""
    problems, seen = [], {}
    for path in files:
        stem = path.stem
        if not stem.strip(". ") or stem.startswith(".") or any(c in stem for c in '/\\'):
            problems.append(f"{path.name}: this name cannot be a drafts folder (rename the case file, e.g. client-0042.yml)")
            continue
        key = unicodedata.normalize("NFC", stem).casefold()
        if key in seen:
            problems.append(f"{seen[key].name} and {path.name}: would share one drafts folder "
                            "(names that differ only in case are the same folder on many disks); rename one")
        seen.setdefault(key, path)
    return problems


def _assemble_case(path: Path, out: Path, families, pdf, today) -> tuple[str, str]:
    """One batch case, in a worker: ("ok", summary), ("bad_input", problems), ("failed", reason). The summary and
    reasons name fields and files only; an unexpected error gives its type, never its text."""
    try:
        result = assemble(path, out, families, pdf=pdf, today=today)
    except (CaseFileError, UnknownJurisdictionError) as exc:
        return "bad_input", f"not assembled: {exc}"
    except TraffickingReliefError as exc:
        return "failed", f"failed: {exc}"
    except Exception as exc:  # one case's unexpected error must not end a clinic day
        return "failed", f"failed: unexpected error ({type(exc).__name__}); nothing was written for this case"
    counts = len(result.report["missing_facts"]) + len(result.report["unknown_law"])
    kept = f", {len(result.kept)} of your file(s) kept" if result.kept else ""
    return "ok", f"{len(result.documents)} files, {counts} placeholder(s){kept} -> {result.out_dir}"


class _BatchProgress:
    """A progress bar on a terminal (stderr), redrawn under the per-case lines; nothing when not a terminal."""

    WIDTH = 30

    def __init__(self, total: int, quiet: bool):
        self.total, self.done = total, 0
        self.tty = not quiet and sys.stderr.isatty()

    def line(self, text: str, error: bool) -> None:
        if self.tty:
            sys.stderr.write("\r\x1b[2K")
        print(text, file=sys.stderr if error else sys.stdout, flush=True)
        self.done += 1
        if self.tty:
            filled = self.WIDTH * self.done // self.total
            sys.stderr.write(f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} case files"
                             + ("\n" if self.done == self.total else ""))
            sys.stderr.flush()


def _cmd_batch(args) -> int:
    files = _case_files(args.cases)
    if not files:
        print("traffickingrelief: no case files found", file=sys.stderr)
        return BAD_INPUT
    problems = _batch_folder_problems(files)
    if problems:
        print("traffickingrelief: nothing was assembled:\n" + "\n".join(f"  {p}" for p in problems), file=sys.stderr)
        return BAD_INPUT
    out, failed, worst = Path(args.out), [], [OK]
    families = _families(args.families)
    items = [(path, out / path.stem, families, args.pdf, args.filing_date) for path in files]
    progress = _BatchProgress(len(files), args.quiet)

    def report(i: int, outcome: tuple[str, str]) -> None:
        status, text = outcome
        name = files[i].name
        if status != "ok":
            failed.append(name)
            worst[0] = BAD_INPUT if status == "bad_input" else (FAILED if worst[0] == OK else worst[0])
        progress.line(f"[{progress.done + 1}/{len(files)}] {name}: {text}", error=status != "ok")

    workers = min(args.workers or default_workers(), len(files))
    if workers == 1:
        with pdf_session():  # one LibreOffice for every case's PDFs
            for i, item in enumerate(items):
                report(i, _assemble_case(*item))
    else:
        load_all()  # loaded once here, shared by the forked workers
        run_jobs(_assemble_case, items, workers, report, lambda i: report(i, ("failed", f"failed: {WORKER_DIED}")))
    done = len(files) - len(failed)
    failed.sort(key=[f.name for f in files].index)
    print(f"{done} of {len(files)} case file(s) assembled" + (f"; not assembled: {', '.join(failed)}" if failed else "."),
          file=sys.stderr if failed else sys.stdout)
    return worst[0]


def _worker_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a number of workers (1 or more): {text!r}")
    return value


def _cmd_screen(args) -> int:
    results = screen(load_case(args.case), families=_families(args.families))
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
        return OK
    titles = {f.name: f.title for f in registered_families()}
    shown = None
    for r in results:
        if r.family != shown and len({x.family for x in results}) > 1:
            print(f"== {titles[r.family]}")
        shown = r.family
        when = f" (earliest filing date {r.earliest_date.isoformat()})" if r.earliest_date else ""
        where = f" in {r.jurisdiction.code}" if r.jurisdiction else ""
        print(f"{r.subject.id} {r.subject.kind.replace('_', ' ')}{where}: {STATUS_LABELS[r.status]}{when}")
        for f in r.findings:
            cite = (f" [{f.fact.citation}{'' if f.fact.verified else f'; {f.fact.tier} source'}]"
                    if f.fact and f.fact.citation else "")
            print(f"    - {f.text}{cite}")
    return OK


def _cmd_jurisdictions(args) -> int:
    families = registered_families()
    jurisdictions = sorted(load_all().values(), key=lambda j: (j.kind != "federal", j.code))
    rows = [{"code": j.code, "name": j.name, "kind": j.kind, "data_as_of": j.data_as_of.isoformat(),
             "families": {f.name: f.coverage(j) for f in families}} for j in jurisdictions]
    summary = {"jurisdictions": len(rows), "families": {
        f.name: {"available": sum(1 for r in rows if r["families"][f.name]["available"] is True),
                 "none_found": sum(1 for r in rows if r["families"][f.name]["available"] is False),
                 "not_determined": sum(1 for r in rows if r["families"][f.name]["available"] is None),
                 "citation_verified": sum(1 for r in rows if r["families"][f.name]["available"]
                                          and r["families"][f.name]["citation_verified"])} for f in families}}
    if args.json:
        print(json.dumps({"summary": summary, "jurisdictions": rows}, indent=2, ensure_ascii=False))
        return OK
    for family in families:
        print(f"{family.title}\n{'code':<5}{'remedy':<28}{'citation':<44}{'verified/known':>15}")
        for row in rows:
            c = row["families"][family.name]
            remedy = "none found" if c["available"] is False else (c["remedy"] or "unknown")
            print(f"{row['code']:<5}{remedy[:27]:<28}{(c['citation'] or '-')[:43]:<44}"
                  f"{c['facts_verified']:>7}/{c['facts_known']:<7}")
        print()
    for family in families:
        counts = summary["families"][family.name]
        print(f"{family.title}: {counts['available']} of {summary['jurisdictions']} jurisdictions have it, "
              f"{counts['none_found']} have none found, {counts['not_determined']} not determined; "
              f"{counts['citation_verified']} citations verified.")
    return OK


def _write_atomically(target: Path, text: str) -> None:
    """The whole file or none of it: a hidden temporary file beside the target, synced, then renamed."""
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _cmd_migrate(args) -> int:
    source = Path(args.case)
    case = load_case(source)  # validates the whole file, migrated, before anything is written
    target = source if args.in_place else Path(args.out) if args.out else source.with_name(
        f"{source.stem}.v{CURRENT_VERSION}{source.suffix}")
    if case.migrated_from is None:
        print(f"traffickingrelief: {source.name} is already version {CURRENT_VERSION}; nothing was written")
        return OK
    if target.exists() and not args.in_place:
        print(f"traffickingrelief: {target.name} exists; nothing was written (choose another --out)", file=sys.stderr)
        return BAD_INPUT
    data = case.as_dict()
    text = (json.dumps(data, indent=2, ensure_ascii=False) + "\n" if target.suffix.lower() == ".json"
            else yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110))
    _write_atomically(target, text)
    print(f"Version {case.migrated_from} case file saved as version {CURRENT_VERSION}: {target}")
    return OK


def _cmd_data_audit(args) -> int:
    used = set().union(*(f.law_keys() for f in registered_families()))
    report = audit(load_all_from_sources(), used)  # the sources themselves, schema-checked now
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render_audit_text(report), end="")
    return FAILED if report["summary"]["failing"] else OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain either
        return FAILED
    except KeyboardInterrupt:
        print("\ntraffickingrelief: interrupted; nothing was written by the unfinished run", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: one line, the error's type only (its text may quote a case file)
        print(f"traffickingrelief: unexpected error ({type(exc).__name__}); nothing was written. "
              "Please report it with the command you ran (not the case file).", file=sys.stderr)
        return FAILED


def _dispatch(args) -> int:
    try:
        if args.command == "demo":
            return _run_assembly(EXAMPLE_CASE, args, None)
        if args.command == "assemble":
            review = None
            if args.final:
                review = Review(args.reviewed_by or "", args.bar_number or "", accepted_law=tuple(args.accept_law))
            elif args.reviewed_by or args.bar_number or args.accept_law:
                print("traffickingrelief: --reviewed-by, --bar-number and --accept-law only apply with --final",
                      file=sys.stderr)
                return BAD_INPUT
            return _run_assembly(Path(args.case), args, review)
        if args.command == "batch":
            return _cmd_batch(args)
        if args.command == "screen":
            return _cmd_screen(args)
        if getattr(args, "family_command", None) is not None:
            return args.family_command.run(args)
        if args.command == "jurisdictions":
            return _cmd_jurisdictions(args)
        if args.command == "data-audit":
            return _cmd_data_audit(args)
        if args.command == "migrate":
            return _cmd_migrate(args)
        if args.command == "schema":
            print(json.dumps(case_file_schema(), indent=2, ensure_ascii=False))
            return OK
    except (CaseFileError, UnknownJurisdictionError, _UsageError) as exc:
        print(f"traffickingrelief: {exc}", file=sys.stderr)
        return BAD_INPUT
    except TraffickingReliefError as exc:
        print(f"traffickingrelief: {exc}", file=sys.stderr)
        return FAILED
    return FAILED


if __name__ == "__main__":
    sys.exit(main())
