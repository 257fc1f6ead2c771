"""Benchmark: prints figures, asserts nothing (targets are checked by reading the output).

1. Per template: our render_docx (autoescape, finaliser, metadata scrub) against a bare docxtpl
   render of the same template with the same context. Target: ratio <= 1.5.
2. The full record-relief set for the bundled example case, DOCX only. Target: <= 0.5 s.
3. The same with PDF (LibreOffice headless), for information.
Run: ./dev bench   (or .venv/bin/python bench/bench_render.py [--repeat N])
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docassemble.traffickingrelief import assemble, load_case, registered_families, screen  # noqa: E402
from docassemble.traffickingrelief.rendering import libreoffice_binary, render_docx  # noqa: E402
from docassemble.traffickingrelief.resources import EXAMPLES_DIR  # noqa: E402


def median_seconds(fn, repeat: int) -> float:
    fn()  # warm-up: imports, caches, first file-system touch
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    case = load_case(EXAMPLES_DIR / "example_case.yml")
    drafts = {}
    results = screen(case)
    for family in registered_families():  # every family's templates, each once
        for draft in family.build(case, [r for r in results if r.family == family.name], final=False):
            drafts.setdefault(f"{family.name}/{draft.template.name}", draft)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"Per-template DOCX render with the forum layout applied, median of {args.repeat} (target: ours / bare <= 1.5)")
        print(f"{'template':<40}{'bare docxtpl':>14}{'ours':>10}{'ratio':>8}")
        for name, draft in sorted(drafts.items()):
            def bare():
                doc = DocxTemplate(draft.template)
                doc.render(draft.context, autoescape=True)
                doc.save(tmp / "bare.docx")

            def ours():
                render_docx(draft.template, draft.context, tmp / "ours.docx", draft.title, draft.layout)

            b, o = median_seconds(bare, args.repeat), median_seconds(ours, args.repeat)
            print(f"{name:<40}{b * 1000:>11.1f} ms{o * 1000:>7.1f} ms{o / b:>8.2f}")

        docs = []

        def full_set():
            docs.append(len(assemble(case, tmp / "set", pdf=False).documents))

        t = median_seconds(full_set, max(3, args.repeat // 3))
        print(f"\nFull set, every family, example case, DOCX only: {t:.3f} s for {docs[-1]} documents "
              f"(target <= 0.5 s), including screening and the report")
        if libreoffice_binary():
            start = time.perf_counter()
            n = len(assemble(case, tmp / "set-pdf", pdf=True).documents)
            print(f"Full set with PDF (LibreOffice headless, cold): {time.perf_counter() - start:.2f} s for {n} files")
        else:
            print("Full set with PDF: skipped, LibreOffice is not installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
