"""Benchmark of clinic-day speed (issue 14): prints each target beside its measured value and the ratio.

Every comparison runs side by side in one run, the two sides taking turns, and reports medians, so a busy
machine slows both sides alike.
1. Fast start: ``traffickingrelief screen`` on the example case against ``python -c "import
   docassemble.traffickingrelief"``, whole processes, compiled data cache warm. Target: ratio <= 1.5.
2. Render once, fill many: per-document time of ``render_docx`` over a batch (every template of every family,
   forum layout applied, templates compiled once) against a bare docxtpl render of the same template with
   the same context (fresh ``DocxTemplate``, render, save; no layout). Target: ratio <= 0.5.
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
SECTIONS = ("start", "render")


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
    python = sys.executable
    cli = Path(python).with_name("traffickingrelief")
    command = [str(cli)] if cli.exists() else [python, "-m", "docassemble.traffickingrelief.cli"]

    def run(args):
        return lambda: subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)

    medians = take_turns({"import": run([python, "-c", "import docassemble.traffickingrelief"]),
                          "screen": run([*command, "screen", str(EXAMPLE)])}, repeat)
    ratio = medians["screen"] / medians["import"]
    print(f"1. Fast start (whole process, median of {repeat}, compiled data cache warm)")
    row("import docassemble.traffickingrelief", "-", f"{medians['import']:.3f} s", None, None)
    row("traffickingrelief screen example_case.yml", "<= 1.5x import", f"{medians['screen']:.3f} s",
        ratio, ratio <= 1.5)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS))
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    print(f"Clinic-day speed on {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at start)")
    for name in chosen:
        {"start": bench_start, "render": bench_render}[name](args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
