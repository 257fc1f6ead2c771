"""Page-to-page latency of the docassemble interview, measured in a real browser.

Drives one complete path (the browser tests' fictional New York case by default) N times against a
running server (`bash server/start`) and prints figures only:

- page-to-page latency, p50 and p95: from clicking the screen's button to the next screen being
  ready (docassemble's `daPageLoad` event after the AJAX swap), over every transition except the
  first page load and the document-generation step;
- the document-generation step (the review screen's "Make the papers" to the download screen)
  reported separately, with PDF and, when the interview offers a way to turn PDF off, without.

    .venv-da/bin/python tools/latency.py [--runs 3] [--path ny|ny2|pa|es] [--url http://127.0.0.1:8089]

(ny2: the same attorney adds a second case, for the screen count of a two-case attorney path.)

Needs Playwright and Debian's Chromium (both set up by server/start); never `playwright install`.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from helpers import Interview, percentile  # noqa: E402
from paths import DOWNLOAD_ID, ES_CASE, NY_CASE, PA_CASE, REVIEW_ID, WAITING_ID, walk  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PATHS = {"ny": (NY_CASE, None), "pa": (PA_CASE, None), "es": (ES_CASE, "es"), "ny2": (NY_CASE, None)}
TWO_CASES = {"ny2"}  # the attorney adds a second case: the screen count for a two-case attorney path


def _two_cases() -> dict:
    answers = iter(["True", "False"])
    return {"records_another": lambda it: it.click(next(answers))}


def no_pdf_option() -> str | None:
    """A URL argument that turns PDF off, if the interview reads one; None when it offers none."""
    for path in sorted((ROOT / "interviews").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"url_args(?:\.get\(|\[)\s*['\"](\w*pdf\w*)['\"]", text):
            return m.group(1)
    return None


def one_run(browser, url: str, case, lang: str | None, extra: dict,
            overrides: dict | None = None) -> tuple[list[float], float, float, int]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        it = Interview(page, url)
        it.start(lang=lang, **extra)
        walk(it, case, **(overrides or {}))
        it.expect_question(DOWNLOAD_ID)
        first = it.steps[0].seconds
        # "Make the papers" to the download screen: one step when the papers are made in the request;
        # with the background task, the quick answer (a progress screen) and its refreshes until ready.
        making = [s for s in it.steps if s.from_id in (REVIEW_ID, WAITING_ID)]
        assert making and making[-1].to_id == DOWNLOAD_ID, f"no generation step: {making}"
        generation = [sum(s.seconds for s in making)]
        background = making[0].to_id == WAITING_ID
        pages = [s.seconds for s in it.steps[1:]
                 if s.from_id != WAITING_ID and not (s.from_id == REVIEW_ID and not background)]
        return pages, generation[0], first, len(it.visited)
    finally:
        context.close()


def fmt(values: list[float]) -> str:
    return (f"p50 {percentile(values, 50) * 1000:.0f} ms, p95 {percentile(values, 95) * 1000:.0f} ms, "
            f"mean {statistics.fmean(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms, n={len(values)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="complete paths to drive (default 3)")
    parser.add_argument("--path", choices=sorted(PATHS), default="ny", help="which fictional path (default ny)")
    parser.add_argument("--url", default=os.environ.get("DA_URL", "http://127.0.0.1:8089"))
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    case, lang = PATHS[args.path]
    pdf_arg = no_pdf_option()
    t0 = time.perf_counter()
    pages: list[float] = []
    gen_pdf: list[float] = []
    gen_nopdf: list[float] = []
    firsts: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for _ in range(args.runs):
                p, g, f, screens = one_run(browser, args.url, case, lang, {},
                                           _two_cases() if args.path in TWO_CASES else None)
                pages += p
                gen_pdf.append(g)
                firsts.append(f)
                if pdf_arg:
                    _, g, _, _ = one_run(browser, args.url, case, lang, {pdf_arg: "0"},
                                         _two_cases() if args.path in TWO_CASES else None)
                    gen_nopdf.append(g)
        finally:
            browser.close()

    print(f"server {args.url}, path {args.path} ({case.state}{', ' + lang if lang else ''}), {args.runs} runs, "
          f"{len(pages) // max(args.runs, 1)} page-to-page transitions each, {time.perf_counter() - t0:.1f} s")
    print(f"screens from the first to the download screen: {screens}")
    print(f"page-to-page latency (progress refreshes excluded; with the background task, \"Make the papers\" "
          f"counts as the page step it is): {fmt(pages)}")
    print(f"first page load (new session): {fmt(firsts)}")
    print(f"document generation, DOCX + PDF ({REVIEW_ID} -> {DOWNLOAD_ID}, progress screen included): {fmt(gen_pdf)}")
    if pdf_arg:
        print(f"document generation, DOCX only (&{pdf_arg}=0): {fmt(gen_nopdf)}")
    else:
        print("document generation, DOCX only: not measured - the interview offers no no-PDF option "
              "(tr_make_pdf is a code setting in interviews/tr_settings.yml, not a question or URL argument)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
