"""Benchmark of clinic-day speed (issue 14): prints each target beside its measured value and the ratio.

Every comparison runs side by side in one run, the two sides taking turns, and reports medians, so a busy
machine slows both sides alike.
1. Fast start: ``traffickingrelief screen`` on the example case against ``python -c "import
   docassemble.traffickingrelief"``, whole processes, compiled data cache warm. Target: ratio <= 1.5.
2. Render once, fill many: per-document time of ``render_docx`` over a batch (every template of every family,
   forum layout applied, templates compiled once) against a bare docxtpl render of the same template with
   the same context (fresh ``DocxTemplate``, render, save; no layout). Target: ratio <= 0.5.
3. Parallel batch: ``traffickingrelief batch`` of 200 copies of the bundled example (every family runs;
   the example gives 12 DOCX each, 2,400 in all, as in the issue), DOCX only, one worker per core, against
   the same batch on one worker. Target: <= 30 s wall on 2 cores. The CPU seconds are printed too: on a
   shared machine the wall time is mostly waiting for a core. For information, 50 copies of a case every
   family drafts for (40 DOCX each).
4. Warm PDF: the 40 DOCX of the all-families case converted in one warm LibreOffice (``warm_pdf``, started
   once, its start counted in), against one LibreOffice process per document (``convert_to_pdf`` of one
   file), the two taking turns. Target: per-document time at least 5x faster (ratio <= 0.2).
Run: ./dev bench   (or .venv/bin/python bench/bench_speed.py [--repeat N] [--only start,...])
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docassemble.traffickingrelief.resources import EXAMPLES_DIR  # noqa: E402

EXAMPLE = EXAMPLES_DIR / "example_case.yml"
SECTIONS = ("start", "render", "batch", "pdf")


def row(label: str, target: str, measured: str, ratio: float | None, met: bool | None) -> None:
    verdict = "" if met is None else ("  met" if met else "  MISSED")
    print(f"  {label:<50}{measured:>14}   target {target:<18}"
          f"{'' if ratio is None else f'ratio {ratio:.2f}'}{verdict}")


def take_turns(runs: dict, repeat: int) -> dict[str, float]:
    """Median seconds of each callable, run in turn ``repeat`` times after one warm-up each."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for fn in runs.values():
        fn()
    for _ in range(repeat):
        for name, fn in runs.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def bench_start(repeat: int) -> None:
    import resource

    python = sys.executable
    cli = Path(python).with_name("traffickingrelief")
    command = [str(cli)] if cli.exists() else [python, "-m", "docassemble.traffickingrelief.cli"]
    cpu: dict[str, list[float]] = {"import": [], "screen": []}

    def run(name, args):
        def go():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return go

    medians = take_turns({"import": run("import", [python, "-c", "import docassemble.traffickingrelief"]),
                          "screen": run("screen", [*command, "screen", str(EXAMPLE)])}, repeat)
    cpu_import, cpu_screen = statistics.median(cpu["import"][1:]), statistics.median(cpu["screen"][1:])
    ratio = medians["screen"] / medians["import"]
    print(f"1. Fast start (whole process, median of {repeat}, compiled data cache warm)")
    row("import docassemble.traffickingrelief", "-", f"{medians['import']:.3f} s", None, None)
    row("traffickingrelief screen example_case.yml", "<= 1.5x import", f"{medians['screen']:.3f} s",
        ratio, ratio <= 1.5)
    row("  the same in CPU seconds (import / screen)", "<= 1.5x import",
        f"{cpu_import:.3f} / {cpu_screen:.3f} s", cpu_screen / cpu_import, cpu_screen / cpu_import <= 1.5)


def bench_render(repeat: int) -> None:
    import tempfile

    from docxtpl import DocxTemplate

    from bench.cases import all_families_case
    from docassemble.traffickingrelief import load_case, parse_case, registered_families, screen
    from docassemble.traffickingrelief.rendering import render_docx

    drafts = []
    for case in (load_case(EXAMPLE), parse_case(all_families_case())):
        results = screen(case)
        for family in registered_families():
            drafts += family.build(case, [r for r in results if r.family == family.name], final=False)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def bare():
            for i, d in enumerate(drafts):
                doc = DocxTemplate(d.template)
                doc.render(d.context, autoescape=True)
                doc.save(out / f"bare-{i}.docx")

        def ours():
            for i, d in enumerate(drafts):
                render_docx(d.template, d.context, out / f"ours-{i}.docx", d.title, d.layout)

        medians = take_turns({"bare": bare, "ours": ours}, repeat)
    n = len(drafts)
    ratio = medians["ours"] / medians["bare"]
    print(f"2. Render once, fill many ({n} documents from {len({d.template for d in drafts})} templates per round, "
          f"median of {repeat} rounds)")
    row("bare docxtpl render, per document", "-", f"{medians['bare'] / n * 1000:.1f} ms", None, None)
    row("render_docx with layout, per document", "<= 0.5x bare", f"{medians['ours'] / n * 1000:.1f} ms",
        ratio, ratio <= 0.5)


def _timed_batch(cases: Path, out: Path, workers: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all processes of the run) of one batch run."""
    import resource
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    cli = Path(sys.executable).with_name("traffickingrelief")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(cli), "batch", str(cases), "--out", str(out), "--no-pdf", "--quiet", "--workers", str(workers)],
                   check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_batch(repeat: int) -> None:
    import shutil
    import tempfile

    from bench.cases import write_cases

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        example = tmp / "example"
        example.mkdir()
        for n in range(1, 201):
            shutil.copyfile(EXAMPLE, example / f"client-{n:04d}.yml")
        write_cases(tmp / "all", 50)
        runs = max(1, min(repeat, 3))
        parallel = [_timed_batch(example, tmp / "out", cores) for _ in range(runs)]
        serial = _timed_batch(example, tmp / "out", 1)
        wide = _timed_batch(tmp / "all", tmp / "out-all", cores)
    wall = statistics.median(w for w, _ in parallel)
    cpu = statistics.median(c for _, c in parallel)
    print(f"3. Parallel batch, DOCX only, {cores} workers (median of {runs} runs; load average now "
          f"{os.getloadavg()[0]:.1f})")
    row("200 example case files (2,400 DOCX), wall", "<= 30 s", f"{wall:.1f} s", wall / 30, wall <= 30)
    row("  the same, CPU seconds of all processes", "-", f"{cpu:.1f} s", None, None)
    row("  the same on 1 worker, wall", "-", f"{serial[0]:.1f} s", None, None)
    row("50 all-families case files (2,000 DOCX), wall / CPU", "-", f"{wide[0]:.1f} / {wide[1]:.1f} s", None, None)


def bench_pdf(repeat: int) -> None:
    import tempfile

    from bench.cases import all_families_case
    from docassemble.traffickingrelief import parse_case, registered_families, screen
    from docassemble.traffickingrelief.rendering import convert_to_pdf, libreoffice_binary, render_docx
    from docassemble.traffickingrelief.warm_pdf import PdfSession, uno_python

    binary = libreoffice_binary()
    if binary is None or uno_python() is None:
        print("4. Warm PDF: skipped, LibreOffice or python3-uno is not installed (./dev setup installs them)")
        return
    case = parse_case(all_families_case())
    results = screen(case)
    drafts = [d for f in registered_families() for d in f.build(case, [r for r in results if r.family == f.name],
                                                                 final=False)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docs = [render_docx(d.template, d.context, tmp / f"{i:02d}-{d.stem}.docx", d.title, d.layout)
                for i, d in enumerate(drafts)]
        cold_sample = docs[:: max(1, len(docs) // max(2, min(repeat, 6)))][: max(2, min(repeat, 6))]
        cold, warm_runs = [], []
        for round_ in range(max(1, min(repeat, 2))):
            for doc in cold_sample:  # one LibreOffice process per document
                start = time.perf_counter()
                convert_to_pdf([doc], tmp, binary)
                cold.append(time.perf_counter() - start)
            out = tmp / f"warm-{round_}"
            out.mkdir()
            session = PdfSession()
            start = time.perf_counter()
            try:
                missing = session.convert(docs, out, binary, 600)
            finally:
                session.close()
            warm_runs.append((time.perf_counter() - start) / len(docs))
            assert missing == [], missing
    per_cold, per_warm = statistics.median(cold), statistics.median(warm_runs)
    ratio = per_warm / per_cold
    print(f"4. Warm PDF ({len(docs)} documents in one warm LibreOffice, its start included; one process per document "
          f"for {len(cold)} of them; medians)")
    row("one LibreOffice process per document, per document", "-", f"{per_cold:.2f} s", None, None)
    row("warm LibreOffice, per document", "<= 0.2x (5x faster)", f"{per_warm:.2f} s", ratio, ratio <= 0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS))
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    print(f"Clinic-day speed on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at start)")
    for name in chosen:
        {"start": bench_start, "render": bench_render, "batch": bench_batch, "pdf": bench_pdf}[name](args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
