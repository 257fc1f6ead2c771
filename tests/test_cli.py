"""The command line: exit statuses, messages by field, nothing written on bad input."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from docassemble.traffickingrelief.cli import main
from tests.conftest import example_dict, minimal_case, write_case


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docassemble.traffickingrelief.cli", *args],
                          capture_output=True, text=True, cwd=cwd)


def test_help_everywhere():
    for args in ([], ["demo"], ["assemble"], ["screen"], ["jurisdictions"], ["schema"]):
        proc = run(*args, "--help")
        assert proc.returncode == 0, args
        assert "usage: traffickingrelief" in proc.stdout


def test_demo_writes_drafts_and_prints_where(tmp_path):
    proc = run("demo", "--no-pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"Drafts written to {tmp_path / 'drafts'}" in proc.stdout
    assert "Assembly report:" in proc.stdout
    assert (tmp_path / "drafts" / "assembly-report.md").is_file()
    assert sorted(p.name for p in (tmp_path / "drafts" / "record_relief").glob("*-motion.docx"))
    assert "[  1/" in proc.stderr  # progress display on a multi-document run


def test_bad_case_file_exits_2_lists_every_problem_and_writes_nothing(tmp_path):
    data = minimal_case(conviction_date="someday")
    del data["preparer"]["name"]
    case = write_case(tmp_path, data)
    out = tmp_path / "out"
    proc = run("assemble", str(case), "--out", str(out))
    assert proc.returncode == 2
    assert "convictions[0].conviction_date: not a date (use YYYY-MM-DD)" in proc.stderr
    assert "preparer.name: required" in proc.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]  # no temp folder left behind


def test_screen_prints_status_and_cited_reasons(tmp_path):
    proc = run("screen", str(write_case(tmp_path, minimal_case(prosecutor_consent="not_requested"))))
    assert proc.returncode == 0
    assert "c1 conviction in PA: not yet eligible" in proc.stdout
    assert "3019" in proc.stdout


def test_screen_json(tmp_path):
    proc = run("screen", "--json", str(write_case(tmp_path, example_dict())))
    statuses = {r["record_id"]: r["status"] for r in json.loads(proc.stdout)}
    assert statuses["c1"] == "eligible" and statuses["c3"] == "not_eligible"


def test_jurisdictions_table_and_json():
    proc = run("jurisdictions", "--json")
    data = json.loads(proc.stdout)
    assert data["summary"]["jurisdictions"] == 52
    assert {"US", "DC", "PA", "WY"} <= {r["code"] for r in data["jurisdictions"]}
    pa = next(r for r in data["jurisdictions"] if r["code"] == "PA")
    assert "3019" in pa["families"]["record_relief"]["citation"]  # each family reports its own coverage
    assert data["summary"]["families"]["record_relief"]["available"] >= 40
    text = run("jurisdictions").stdout
    assert "of 52 jurisdictions have it" in text and "PA" in text


def test_schema_prints_the_json_schema():
    schema = json.loads(run("schema").stdout)
    assert schema["title"].startswith("Trafficking relief case file")


def test_usage_errors_exit_2(tmp_path):
    assert run("assemble").returncode == 2
    assert run("nonsense").returncode == 2
    case = write_case(tmp_path, minimal_case())
    bogus = run("assemble", str(case), "--out", str(tmp_path / "o"), "--families", "bogus")
    assert bogus.returncode == 2 and "unknown draft family: bogus" in bogus.stderr
    assert run("assemble", str(case), "--out", str(tmp_path / "o"), "--reviewed-by", "X").returncode == 2


def test_final_needs_reviewer_and_no_placeholders(tmp_path, capsys):
    case = write_case(tmp_path, minimal_case())
    out = tmp_path / "final"
    assert main(["assemble", str(case), "--out", str(out), "--final", "--no-pdf", "--quiet"]) == 1
    assert "reviewing attorney's name and bar number" in capsys.readouterr().err
    code = main(["assemble", str(case), "--out", str(out), "--final", "--reviewed-by", "Casey Counsel",
                 "--bar-number", "000001", "--no-pdf", "--quiet"])
    assert code == 1  # the PA data has unknown rules, so placeholders remain and final is refused
    assert "cannot carry placeholders" in capsys.readouterr().err
    assert not out.exists()


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    proc = run("assemble", str(write_case(tmp_path, minimal_case())), "--out", str(precious), "--no-pdf")
    assert proc.returncode == 1
    assert "not a drafts folder made by this tool" in proc.stderr
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("flag", ["--pdf"])
def test_pdf_required_without_libreoffice_fails_cleanly(tmp_path, monkeypatch, flag, capsys):
    monkeypatch.setenv("TRAFFICKINGRELIEF_SOFFICE", "")
    out = tmp_path / "o"
    assert main(["assemble", str(write_case(tmp_path, minimal_case())), "--out", str(out), flag, "--quiet"]) == 1
    assert "LibreOffice" in capsys.readouterr().err
    assert not out.exists()


def test_batch_assembles_each_case_and_keeps_going_past_a_bad_one(tmp_path):
    cases = tmp_path / "clinic-day"
    cases.mkdir()
    write_case(cases, minimal_case(), "client-001.json")
    write_case(cases, minimal_case(jurisdiction="NY", statute="Penal Law § 230.00", prosecutor_consent=None), "client-002.json")
    write_case(cases, minimal_case(conviction_date="not-a-date"), "client-003.json")
    proc = run("batch", str(cases), "--out", str(tmp_path / "out"), "--no-pdf")
    assert proc.returncode == 2
    assert "client-003.json: not assembled" in proc.stderr and "convictions[0].conviction_date" in proc.stderr
    assert (tmp_path / "out" / "client-001" / "record_relief" / "PA-1-motion.docx").is_file()
    assert (tmp_path / "out" / "client-002" / "record_relief" / "NY-1-notice-of-motion.docx").is_file()
    assert not (tmp_path / "out" / "client-003").exists()
    again = run("batch", str(cases / "client-001.json"), "--out", str(tmp_path / "out"), "--no-pdf")
    assert again.returncode == 0  # repeatable: a second run replaces the set it made


def test_data_audit_prints_tiers_and_fails_only_on_enforced_checks():
    proc = run("data-audit", "--json")
    assert proc.returncode == 0, proc.stdout[-2000:]
    report = json.loads(proc.stdout)
    assert report["summary"]["failing"] == 0
    assert set(report["summary"]["known_facts_by_tier"]) == {"official", "copy", "secondary", "none"}
    pa = next(j for j in report["jurisdictions"] if j["code"] == "PA")
    assert not any(f["key"].startswith("record_relief.") for f in pa["unused_facts"])  # the family reads its section
    text = run("data-audit").stdout
    assert "Known facts by tier" in text and "52 jurisdictions" in text
