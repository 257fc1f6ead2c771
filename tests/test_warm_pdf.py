"""Warm PDF conversion: one LibreOffice for every document of a run, contained like the per-folder conversion."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from docassemble.traffickingrelief import assemble, registered_families, screen
from docassemble.traffickingrelief import warm_pdf
from docassemble.traffickingrelief.cli import main
from docassemble.traffickingrelief.rendering import render_docx
from tests.conftest import TODAY, case_of, minimal_case


def _command_line(pid: int) -> str:
    """A process's command line, or "" when it has just ended (its /proc entry is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


def _processes_with(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture
def docs(tmp_path):
    case = case_of(minimal_case())
    results = screen(case, TODAY, ["record_relief"])
    [family] = [f for f in registered_families() if f.name == "record_relief"]
    drafts = family.build(case, results, final=False)
    folder = tmp_path / "docs"
    folder.mkdir()
    return [render_docx(d.template, d.context, folder / f"{d.stem}.docx", d.title, d.layout) for d in drafts]


def test_python3_uno_is_installed_for_warm_conversion(soffice):
    assert warm_pdf.uno_python(), "python3-uno is required for warm PDF conversion (./dev setup installs it)"


def test_one_warm_libreoffice_converts_every_document_and_is_gone_after_the_session(docs, tmp_path, soffice,
                                                                                    monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(warm_pdf.tempfile, "tempdir", None)
    session = warm_pdf.PdfSession()
    try:
        assert session.convert(docs[:2], docs[0].parent, soffice, 300) == []
        office = session._office
        assert office is not None and len(_processes_with(office.profile)) >= 2  # the server and LibreOffice
        assert session.convert(docs[2:], docs[0].parent, soffice, 300) == []
        assert session._office is office  # the same LibreOffice for the later documents
    finally:
        session.close()
    for doc in docs:
        text = subprocess.run(["pdftotext", str(doc.with_suffix(".pdf")), "-"], capture_output=True, text=True).stdout
        assert "DRAFT" in text
    motion = subprocess.run(["pdftotext", str(docs[0].parent / "PA-1-motion.pdf"), "-"],
                            capture_output=True, text=True).stdout
    assert "Rowan Fictional" in motion
    assert _wait(lambda: _processes_with(str(scratch)) == [], 15), "LibreOffice outlived its session"
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_killing_the_run_mid_conversion_ends_the_warm_libreoffice_and_removes_its_profile(docs, tmp_path, soffice,
                                                                                         how):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    many = docs * 4
    run = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""\
        from pathlib import Path
        from docassemble.traffickingrelief.warm_pdf import PdfSession
        session = PdfSession()
        for doc in {[str(d) for d in many]!r}:
            session.convert([Path(doc)], Path({str(tmp_path)!r}), {soffice!r}, 300)
        """)], env={**os.environ, "TMPDIR": str(scratch)}, stderr=subprocess.DEVNULL)
    assert _wait(lambda: any("soffice.bin" in _command_line(pid)
                             for pid in _processes_with(str(scratch))) or run.poll() is not None, 120)
    assert run.poll() is None, "the conversions ended before they could be interrupted"
    time.sleep(1)
    run.send_signal(how)
    run.wait(30)
    assert _wait(lambda: _processes_with(str(scratch)) == [], 20), "LibreOffice outlived the run"
    assert _wait(lambda: list(scratch.iterdir()) == [], 10)


def test_without_uno_the_run_falls_back_to_one_libreoffice_per_folder(tmp_path, soffice, monkeypatch):
    monkeypatch.setenv("TRAFFICKINGRELIEF_UNO_PYTHON", "")
    warm_pdf.uno_python.cache_clear()
    try:
        result = assemble(case_of(minimal_case()), tmp_path / "drafts", ["record_relief"], pdf=True, today=TODAY)
    finally:
        warm_pdf.uno_python.cache_clear()
    pdfs = [p for p in result.documents if p.suffix == ".pdf"]
    assert pdfs and all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
    assert result.report["pdf"] == "A PDF was written beside each DOCX (LibreOffice headless)."


def test_a_parallel_batch_with_pdf_gives_every_case_its_pdfs(tmp_path, soffice, capsys):
    cases = tmp_path / "cases"
    cases.mkdir()
    for n in range(1, 4):
        (cases / f"client-{n}.json").write_text(json.dumps(minimal_case(case_number=f"CP-00-CR-000000{n}-2018")),
                                                encoding="utf-8")
    assert main(["batch", str(cases), "--out", str(tmp_path / "out"), "--pdf", "--workers", "2", "--quiet"]) == 0
    assert "3 of 3 case file(s) assembled." in capsys.readouterr().out
    for n in range(1, 4):
        pdf = tmp_path / "out" / f"client-{n}" / "record_relief" / "PA-1-motion.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert f"CP-00-CR-000000{n}-2018" in text
