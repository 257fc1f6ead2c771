"""Complete paths through the real interview to the download screen, with the drafts downloaded
through the browser's session and read back (python-docx, pypdf). All people are fictional.

(a) New York conviction, every screen screenshotted as NN-<question id>.png (see SCREENSHOTS);
(b) Pennsylvania conviction without the prosecutor's consent: the screening screen says why in plain
    language, drafts still come (to show the prosecutor); and with consent refused: no court papers,
    the download screen explains it and offers only the report;
(c) the same New York path in Spanish (?lang=es).
"""
from __future__ import annotations

import json
import os
import re

import pytest

from helpers import ROOT, Download, Interview, document_text, squash
from paths import DOWNLOAD_ID, ES_CASE, NY_CASE, PA_CASE, REVIEW_ID, SCREENING_ID, Case, walk

# Test runs keep their screenshots out of the work tree; refresh the README's pictures with
# TRAFFICKINGRELIEF_SCREENSHOTS=docs/screenshots ./dev test-browser
SCREENSHOTS = ROOT / os.environ.get("TRAFFICKINGRELIEF_SCREENSHOTS", ".da-state/screenshots/ny-path")


def assert_no_client_data_in_names(files: list[Download], case: Case) -> None:
    """File names on the download screen carry no client data (name, case number, date of birth)."""
    needles = [part.lower() for part in case.name.split()] + [case.case_number.lower(), "1994-05-17"]
    for f in files:
        lowered = f.filename.lower()
        leaked = [n for n in needles if n in lowered or n.replace(" ", "-") in lowered]
        assert not leaked, f"file name {f.filename!r} carries client data {leaked}"
        assert re.fullmatch(r"[A-Za-z0-9._-]+", f.filename), f"unexpected characters in file name {f.filename!r}"


def by_name(files: list[Download], name: str) -> Download:
    hits = [f for f in files if f.filename == name]
    assert hits, f"{name} not on the download screen; files: {[f.filename for f in files]}"
    return hits[0]


def moving_paper(code: str) -> str:
    """The paper that asks for relief: New York's filing set opens with a notice of motion, the others with a motion."""
    return "notice-of-motion" if code == "NY" else "motion"


def assert_drafts(files: list[Download], code: str, *must_contain: str) -> str:
    """The moving paper exists as DOCX and PDF, both carry `must_contain`; every file was non-empty."""
    names = [f.filename for f in files]
    assert "assembly-report.md" in names and "assembly-report.json" in names, names
    motion_docx = by_name(files, f"{code}-1-{moving_paper(code)}.docx")
    text = squash(document_text(motion_docx.path))
    for fragment in must_contain:
        assert fragment in text, f"{fragment!r} not in {motion_docx.filename}:\n{text[:2000]}"
    assert "DRAFT — for review by a licensed attorney" in text
    pdfs = [f for f in files if f.ext == "pdf"]
    if pdfs:  # PDF beside each DOCX when the server has LibreOffice (it does: server/start installs it)
        motion_pdf = by_name(files, f"{code}-1-{moving_paper(code)}.pdf")
        assert motion_pdf.data.startswith(b"%PDF"), "motion PDF is not a PDF"
        pdf_text = squash(document_text(motion_pdf.path))
        for fragment in must_contain:
            assert fragment in pdf_text, f"{fragment!r} not in {motion_pdf.filename}:\n{pdf_text[:2000]}"
    for f in files:
        if f.ext == "docx":
            assert f.data[:2] == b"PK", f"{f.filename} is not a DOCX (zip)"
            document_text(f.path)  # opens with python-docx
    return text


def test_new_york_path_with_screenshots(server_url, page, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("[0-9][0-9]-*.png"):
        old.unlink()
    it = Interview(page, server_url, screenshot_dir=SCREENSHOTS)
    it.start()
    seen: dict[str, str] = {}

    def check(it: Interview, qid: str) -> None:
        if qid == SCREENING_ID:  # the text, including the closed "for the lawyer" part
            seen["screening"] = squash(it.main.text_content())
            seen["sources"] = it.main.locator("details.tr-lawyer a[href^='http']").count()
        if qid == REVIEW_ID:  # every answer section is listed, with the answers given
            it.assert_text("Who is using this tool: a lawyer", "Places: New York",
                           f"Legal name: {NY_CASE.name}. Date of birth: 1994-05-17",
                           f"Prostitution, NY {NY_CASE.case_number}", "Safe to contact you: No",
                           "Kind of trafficking: Sex trafficking", "Force: Yes. Tricks: Yes. Threats: Yes.",
                           "Preparer: Sam Placeholder", "Ask to keep papers private: No")
            seen["review"] = "checked"

    walk(it, NY_CASE, on_screen=check)
    it.expect_question(DOWNLOAD_ID)
    assert seen.get("review") == "checked", "the review screen was not shown"

    # screening: the status in plain language and the reasons with their sources
    screening = seen.get("screening", "")
    assert f"Prostitution, New York {NY_CASE.case_number}" in screening, screening
    # every answer was given, so no answer is missing: the verdict is "ready", or names a gap in the law data
    assert ("Ready You may be able to ask the court to clear this record now." in screening
            or "Lawyer must check Our law data cannot answer this one." in screening), screening
    assert "Needs an answer" not in screening and "What is missing" not in screening, screening
    assert "Next: we will make draft papers for this case." in screening, screening
    assert "For the lawyer: the law and its sources" in screening and "offence" not in screening, screening
    assert seen["sources"] >= 1, "no link to a source in the lawyer's part"

    it.assert_text("Your draft papers", "Papers to clear your record", "Report for the lawyer")
    files = it.download_all(tmp_path)
    assert_no_client_data_in_names(files, NY_CASE)
    assert_drafts(files, "NY", "People of the State of New York", "CPL 440.10(1)(i)", NY_CASE.case_number,
                  NY_CASE.name)
    report = json.loads(by_name(files, "assembly-report.json").data)
    assert report["documents"], "the assembly report lists no documents"

    # one screenshot per screen, named after the question id, in the order visited
    shots = sorted(p.name for p in SCREENSHOTS.glob("[0-9][0-9]-*.png"))
    expected = [f"{n:02d}-{qid}.png" for n, qid in enumerate(it.visited, start=1)]
    assert shots == expected, f"screenshots {shots} != visited {expected}"
    assert len(shots) >= 20, shots


@pytest.mark.parametrize("consent", ["not_requested", "refused"])
def test_pennsylvania_without_consent(server_url, page, tmp_path, consent):
    case = Case(**{**PA_CASE.__dict__, "consent": consent})
    it = Interview(page, server_url)
    it.start()
    seen: dict[str, str] = {}

    def check(it: Interview, qid: str) -> None:
        if qid == SCREENING_ID:
            seen["screening"] = squash(it.main.text_content())

    walk(it, case, on_screen=check)
    screening = seen.get("screening", "")
    assert f"Prostitution, Pennsylvania {case.case_number}" in screening, screening
    assert "18 Pa.C.S. § 3019(d)-(g)" in screening, screening
    files = it.download_all(tmp_path)
    assert_no_client_data_in_names(files, case)
    report_md = by_name(files, "assembly-report.md").data.decode("utf-8")

    if consent == "not_requested":
        # the plain-language status, then the reason behind it
        assert "Prosecutor first Not yet. The prosecutor must agree first." in screening, screening
        assert "Next: we will make draft papers. A lawyer can show them to the prosecutor and ask." in screening
        assert "The law requires the prosecutor's consent before filing; it is not recorded as obtained." \
               in screening, screening
        # drafts still come, to show the prosecutor; the report carries the consent warning
        it.assert_text("Your draft papers", "Papers to clear your record")
        assert_drafts(files, "PA", "Commonwealth of Pennsylvania", "18 Pa.C.S. § 3019", case.case_number)
        assert "The law requires the prosecutor's consent before filing" in report_md
    else:
        assert "The law requires the prosecutor's consent, and it was refused." in screening, screening
        assert "Next: we will not make papers for this case." in screening, screening
        # blocked: the download screen explains, and only the report is offered
        it.assert_text("We did not make court papers, because none of the cases can be filed now.")
        assert sorted(f.filename for f in files) == ["assembly-report.docx", "assembly-report.html", "assembly-report.json",
                                                     "assembly-report.md", "drafts.zip"], [f.filename for f in files]
        it.assert_text("Cases with no papers", "this law does not allow it for this case")
        assert "The law requires the prosecutor's consent, and it was refused." in report_md


SPANISH = {
    # question id -> Spanish text that must be on that screen (from translations_es.yml)
    "safety_check": ["¿Está a salvo ahora mismo?", "Salida rápida"],
    "user_role": ["¿Quién está usando esta herramienta?", "Soy abogado/a y ayudo a un cliente"],
    "client_name": ["¿Cuál es su nombre legal?", "Nombre legal"],
    SCREENING_ID: ["Lo que encontramos para cada caso", "vamos a preparar borradores para este caso."],
    DOWNLOAD_ID: ["Sus borradores", "Documentos para limpiar su récord", "Reporte para el abogado"],
}
ENGLISH = {
    "safety_check": "Are you safe right now?",
    "user_role": "Who is using this tool?",
    "client_name": "What is your legal name?",
    SCREENING_ID: "What we found for each case",
    DOWNLOAD_ID: "Your draft papers",
}


def test_spanish_path(server_url, page, tmp_path):
    it = Interview(page, server_url)
    first = it.start(lang="es")
    assert first != "language_choice", "?lang=es should skip the language question"
    checked: list[str] = []

    def check(it: Interview, qid: str) -> None:
        if qid in SPANISH:
            it.assert_text(*SPANISH[qid])
            text = squash(it.main_text())
            assert ENGLISH[qid] not in text, f"English text left on {qid}: {text[:1500]}"
            buttons = [b.strip() for b in it.main.get_by_role("button").all_inner_texts()]
            assert not {"Continue", "Back"} & set(buttons), f"English buttons on {qid}: {buttons}"
            checked.append(qid)

    walk(it, ES_CASE, on_screen=check)
    assert checked == list(SPANISH), f"Spanish checked on {checked}, expected {list(SPANISH)}"
    assert page.evaluate("() => document.documentElement.lang") == "es"
    files = it.download_all(tmp_path)
    assert_no_client_data_in_names(files, ES_CASE)
    assert_drafts(files, "NY", "People of the State of New York", "CPL 440.10(1)(i)", ES_CASE.case_number,
                  ES_CASE.name)
