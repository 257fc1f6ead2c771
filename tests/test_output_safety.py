"""Output is atomic and carries no client data in names, metadata or leftover temp files."""
from __future__ import annotations

import json
import tempfile
import zipfile

import pytest
from pypdf import PdfReader

from docassemble.traffickingrelief import AssemblyError, Review, ReviewGateError, assemble
from docassemble.traffickingrelief import rendering
from tests.conftest import TODAY, case_of, example_dict, minimal_case

CLIENT_WORDS = ("Rowan", "Fictional", "CP-00-CR", "Example County", "Casey", "Counsel")


def test_a_failure_mid_run_leaves_the_previous_set_untouched_and_no_temp_folder(tmp_path, monkeypatch):
    out = tmp_path / "drafts"
    first = assemble(case_of(minimal_case()), out, pdf=False, today=TODAY)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    real, calls = rendering.render_docx, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise AssemblyError("simulated failure while writing the third document")
        return real(*args, **kwargs)

    monkeypatch.setattr("docassemble.traffickingrelief.assembly.render_docx", flaky)
    with pytest.raises(AssemblyError, match="simulated failure"):
        assemble(case_of(minimal_case(case_number="CP-00-CR-0000999-2018")), out, pdf=False, today=TODAY)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert json.loads(first.report_json.read_text(encoding="utf-8"))["generator"] == "traffickingrelief"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drafts"]


def test_a_second_run_replaces_the_set_whole(tmp_path):
    out = tmp_path / "drafts"
    assemble(case_of(example_dict()), out, pdf=False, today=TODAY)
    assert list((out / "record_relief").glob("NY-*"))
    pa_only = example_dict()
    pa_only["convictions"] = [c for c in pa_only["convictions"] if c["jurisdiction"] == "PA"]
    assemble(case_of(pa_only), out, pdf=False, today=TODAY)
    assert not list((out / "record_relief").glob("NY-*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drafts"]


def test_names_and_metadata_carry_no_client_data(tmp_path, soffice):
    result = assemble(case_of(minimal_case()), tmp_path / "drafts", pdf=True, today=TODAY)
    for path in result.documents:
        assert not any(word in str(path.relative_to(result.out_dir)) for word in CLIENT_WORDS)
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                props = z.read("docProps/core.xml").decode() + z.read("docProps/app.xml").decode()
        else:
            props = json.dumps({k: str(v) for k, v in (PdfReader(path).metadata or {}).items()})
        assert not any(word in props for word in CLIENT_WORDS), (path.name, props)


def test_pdf_conversion_leaves_no_temp_files(tmp_path, soffice, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assemble(case_of(minimal_case()), tmp_path / "drafts", pdf=True, today=TODAY)
    assert list(scratch.iterdir()) == []


def test_final_set_has_no_draft_header_and_records_the_reviewer(tmp_path, monkeypatch):
    monkeypatch.setattr("docassemble.traffickingrelief.drafting.Draft._gap",
                        lambda self, label, kind, path: rendering.Text(f"<{label}>"))  # pretend every gap was filled
    result = assemble(case_of(minimal_case()), tmp_path / "final", ["record_relief"], pdf=False, today=TODAY,
                      review=Review("Casey Counsel", "000001", TODAY))
    report = json.loads(result.report_json.read_text(encoding="utf-8"))
    assert report["status"] == "final"
    assert report["review"] == {"attorney_name": "Casey Counsel", "bar_number": "000001", "reviewed_on": "2026-11-23"}
    from tests.conftest import docx_text
    motion = next(p for p in result.documents if p.name.endswith("-motion.docx"))
    assert "DRAFT" not in docx_text(motion)


def test_review_needs_name_and_bar_number():
    with pytest.raises(ReviewGateError):
        Review("", "123")
    with pytest.raises(ReviewGateError):
        Review("Casey Counsel", " ")


def test_without_libreoffice_the_set_is_docx_only_and_the_report_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAFFICKINGRELIEF_SOFFICE", "")
    result = assemble(case_of(minimal_case()), tmp_path / "drafts", today=TODAY)
    assert result.documents and all(p.suffix == ".docx" for p in result.documents)
    report = json.loads(result.report_json.read_text(encoding="utf-8"))
    assert report["pdf"] == "PDF not produced: LibreOffice is not installed (DOCX only)."
    assert report["pdf"] in report["warnings"]


def test_the_core_never_imports_docassemble_itself():
    import subprocess
    import sys

    code = ("import sys, docassemble.traffickingrelief as t, docassemble.traffickingrelief.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('docassemble.') and 'traffickingrelief' not in m))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_an_attorneys_edits_and_added_scans_survive_a_rerun_and_the_report_lists_them(tmp_path):
    out = tmp_path / "drafts"
    first = assemble(case_of(minimal_case()), out, pdf=False, today=TODAY)
    motion = next(p for p in first.documents if p.name.endswith("-motion.docx"))
    edited = motion.read_bytes() + b"attorney's edit"  # any change to the bytes counts
    motion.write_bytes(edited)
    (out / "scans").mkdir()
    (out / "scans" / "exhibit-a.pdf").write_bytes(b"%PDF- a scan the attorney added")
    second = assemble(case_of(minimal_case()), out, pdf=False, today=TODAY)
    rel = motion.relative_to(out).as_posix()
    assert second.kept == (rel, "scans/exhibit-a.pdf")
    assert motion.read_bytes() == edited
    assert (out / "scans" / "exhibit-a.pdf").read_bytes() == b"%PDF- a scan the attorney added"
    new_motion = motion.with_name(motion.stem + ".new.docx")
    assert new_motion in second.documents and new_motion.is_file()
    report = json.loads(second.report_json.read_text(encoding="utf-8"))
    assert report["kept_files"] == [rel, "scans/exhibit-a.pdf"]
    assert any("were kept" in w for w in report["warnings"])
    assert "scans/exhibit-a.pdf" in second.report_markdown.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drafts"]


def test_no_pdf_says_it_was_not_requested(tmp_path):
    result = assemble(case_of(minimal_case()), tmp_path / "drafts", pdf=False, today=TODAY)
    assert result.report["pdf"] == "PDF not requested: DOCX only."
    assert not any("LibreOffice" in w for w in result.report["warnings"])


def test_a_document_libreoffice_could_not_convert_is_named_and_its_docx_kept(tmp_path, monkeypatch):
    def partial(docx_files, out_dir, binary, session=None, timeout=0):
        for f in docx_files[1:]:
            (out_dir / (f.stem + ".pdf")).write_bytes(_tiny_pdf())
        raise rendering.PdfConversionError("no PDF", [docx_files[0].name])

    monkeypatch.setattr("docassemble.traffickingrelief.assembly.convert_folder_to_pdf", partial)
    monkeypatch.setattr("docassemble.traffickingrelief.assembly.libreoffice_binary", lambda: "soffice")
    result = assemble(case_of(minimal_case()), tmp_path / "drafts", ["record_relief"], today=TODAY)
    docx = [p for p in result.documents if p.suffix == ".docx"]
    pdfs = [p for p in result.documents if p.suffix == ".pdf"]
    assert len(pdfs) == len(docx) - 1 and all(p.is_file() for p in docx)
    assert result.report["pdf"].startswith("PDF not produced for 1 of ")
    assert result.report["pdf"] in result.report["warnings"]


def _tiny_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
