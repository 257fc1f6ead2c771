"""Hostile and broken input is a clear message naming the field or the limit, quickly, without echoing
the client's text; LibreOffice is contained (timeout, Ctrl-C, kill -9 of the run) and every DOCX is
checked to have its PDF."""
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

from docassemble.traffickingrelief import CaseFileError, load_case, parse_case
from docassemble.traffickingrelief import facts
from docassemble.traffickingrelief.cli import main
from docassemble.traffickingrelief.errors import AssemblyError
from docassemble.traffickingrelief.facts import read_case_data, unknown_jurisdictions
from docassemble.traffickingrelief.rendering import PdfConversionError, convert_to_pdf
from tests.conftest import minimal_case

SECRET = "Zelda Quillfeather"  # a fictional name standing in for the client's text


def problems_of_text(tmp_path: Path, text: str | bytes, name: str = "case.yml") -> list[str]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    started = time.monotonic()
    with pytest.raises(CaseFileError) as info:
        load_case(path)
    assert time.monotonic() - started < 5, "rejecting bad input must be quick"
    assert not any(SECRET in p for p in info.value.problems)
    return info.value.problems


def yaml_of(data) -> str:
    import yaml
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [7, 9, 12])
def test_yaml_alias_bombs_are_refused_before_expanding(tmp_path, levels):
    # a5 (line 6) would expand to 597,871 values: refused there, whatever follows
    assert problems_of_text(tmp_path, alias_bomb(levels)) == [
        "(file): line 6: more than 200000 values once aliases are expanded"]


def test_aliases_in_moderation_still_work(tmp_path):
    data = minimal_case()
    text = yaml_of(data).replace("  place: Example City", "  place: &where Example City")
    text += "family_members:\n- {name: Fictional Sibling, location: *where}\n"
    path = tmp_path / "case.yml"
    path.write_text(text, encoding="utf-8")
    assert load_case(path).family_members[0].location == "Example City"


@pytest.mark.parametrize("text, expected", [
    ("[" * 5000 + "]" * 5000, "(file): line 1: nested more than 32 levels deep"),
    ("a: " + "{b: " * 40 + "1" + "}" * 40, "(file): line 1: nested more than 32 levels deep"),
    ("client: &c {legal_name: x, me: *c}", "(file): line 1: an alias refers to the mapping or list that contains it"),
    (f"? [{SECRET}]\n: 1\n", "(file): line 1: a mapping key is a list or a mapping; keys must be plain text"),
    ("a: &k [1]\n*k : 2\n", "(file): line 1: a mapping key is a list or a mapping; keys must be plain text"),
    ("1: x\n", "(file): line 1: a mapping key is not text (quote keys such as 1, true or null)"),
    ("<<: {a: 1}\n", "(file): line 1: merge keys (<<) are not supported in this file"),
    ("a: " + "9" * 5000 + "\n", "(file): line 1: a whole number has more than 18 digits"),
    (f"client: {{}}\n{SECRET}: 1\n{SECRET}: 2\n", "(file): line 3: a key appears twice in the same mapping"),
])
def test_yaml_that_would_crash_or_stall_is_a_message(tmp_path, text, expected):
    assert problems_of_text(tmp_path, text) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("[" * 100_000 + "]" * 100_000, "(file): nested more than 12 levels deep"),
    ('{"a": ' + "9" * 5000 + "}", "(file): a whole number is larger than 1000000000000000"),
    ('{"a": NaN}', "(file): NaN is not a JSON value"),
    (f'{{"{SECRET}": 1, "{SECRET}": 2}}', "(file): a key appears twice in the same object"),
])
def test_json_that_would_crash_is_a_message(tmp_path, text, expected):
    assert problems_of_text(tmp_path, text, "case.json") == [expected]


def test_too_large_a_file_is_refused_before_it_is_read(tmp_path):
    text = "# padding\n" * (facts.MAX_CASE_FILE_BYTES // 10 + 1)
    assert problems_of_text(tmp_path, text) == ["(file): too large (at most 2 MB)"]


def test_shape_limits_name_the_field_and_the_limit():
    data = minimal_case()
    data["convictions"] = [dict(data["convictions"][0], id=f"c{i}") for i in range(facts.MAX_LIST_ITEMS + 1)]
    data["client"]["legal_name"] = SECRET * 2000
    data["trafficking"]["age_at_start"] = 10**20
    with pytest.raises(CaseFileError) as info:
        parse_case(data)
    assert info.value.problems == [
        "client.legal_name: is too long (at most 20000 characters)",
        "convictions: has more than 250 entries",
        "trafficking.age_at_start: is too large a number",
    ]


def test_a_case_built_in_python_with_odd_values_or_keys_is_a_message_not_a_crash():
    data = minimal_case()
    data["client"][("a", "tuple")] = 1
    data["client"][SECRET] = 1
    data["trafficking"]["narrative"] = object()
    cyclic: dict = {}
    cyclic["again"] = cyclic
    data["evidence"] = cyclic
    with pytest.raises(CaseFileError) as info:
        parse_case(data)
    joined = "\n".join(info.value.problems)
    assert SECRET not in joined
    assert "client: has a key that is not text" in joined
    assert "nested more than 12 levels deep" in joined or "trafficking.narrative: is not a value" in joined


@pytest.mark.parametrize("field, value, expected", [
    ("conviction_date", "2019-03-04\n", "convictions[0].conviction_date: not a date (use YYYY-MM-DD)"),
    ("conviction_date", "\u0662\u0660\u0661\u0669-\u0660\u0663-\u0660\u0664", "convictions[0].conviction_date: not a date (use YYYY-MM-DD)"),
    ("conviction_date", "9999-12-31", "convictions[0].conviction_date: is outside the years 1900 to 2100"),
    ("conviction_date", "0001-01-01", "convictions[0].conviction_date: is outside the years 1900 to 2100"),
    ("id", "c1\n", "convictions[0].id: not a reference id (lowercase letters, digits, - and _; e.g. c1)"),
    ("jurisdiction", "PA\n", "convictions[0].jurisdiction: not a jurisdiction code (two capital letters, e.g. NY; US for federal)"),
    ("case_number", "CP-51-\u202eCR-0001", "convictions[0].case_number: contains a text-direction control character, which could change how it prints"),
    ("statute", "18 \u2067Pa.C.S.\u2069", "convictions[0].statute: contains a text-direction control character, which could change how it prints"),
])
def test_patterns_match_the_whole_value_in_ascii_and_identifiers_refuse_direction_controls(field, value, expected):
    with pytest.raises(CaseFileError) as info:
        parse_case(minimal_case(**{field: value}))
    assert info.value.problems == [expected]


def test_money_with_non_ascii_digits_or_a_trailing_newline_is_refused():
    data = minimal_case()
    data["losses"] = {"expenses": [{"description": "rent", "amount": "\u0661\u0662.50"},
                                   {"description": "fees", "amount": "12.50\n"}]}
    with pytest.raises(CaseFileError) as info:
        parse_case(data)
    assert [p.split(":")[0] for p in info.value.problems] == ["losses.expenses[0].amount", "losses.expenses[1].amount"]


def test_right_to_left_text_stays_allowed_in_names_and_narratives():
    data = minimal_case()
    data["client"]["legal_name"] = "\u0631\u064a\u0645 \u0645\u062b\u0627\u0644"  # an invented Arabic name
    data["trafficking"]["narrative"] = "\u200fAn account with a right-to-left mark.\u200f"
    assert parse_case(data).client.legal_name.startswith("\u0631")


def test_a_byte_order_mark_is_accepted_in_json_and_yaml_alike(tmp_path):
    body = json.dumps(minimal_case(), ensure_ascii=False).encode("utf-8")
    for name in ("case.json", "case.yml"):
        (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + body)
        assert load_case(tmp_path / name).client.legal_name == "Rowan Fictional"
    assert read_case_data(b"\xef\xbb\xbf" + body, "upload.json")["client"]["legal_name"] == "Rowan Fictional"


def test_unknown_jurisdictions_are_listed_by_field_for_every_group():
    data = minimal_case()
    data["pending_charges"] = [{"id": "p1", "jurisdiction": "ZZ", "offence": "Loitering"}]
    data["prior_relief"] = [{"jurisdiction": "PA"}, {"jurisdiction": "QQ"}]
    assert unknown_jurisdictions(parse_case(data), {"PA", "NY"}) == [
        "pending_charges[0].jurisdiction: no jurisdiction data for this code",
        "prior_relief[1].jurisdiction: no jurisdiction data for this code",
    ]


@pytest.mark.parametrize("text", [alias_bomb(9), "[" * 5000, "a: " + "9" * 5000, "? [a]\n: 1\n"])
def test_the_cli_exits_2_with_a_message_for_each(tmp_path, capsys, text):
    path = tmp_path / "case.yml"
    path.write_text(text, encoding="utf-8")
    assert main(["assemble", str(path), "--out", str(tmp_path / "out"), "--no-pdf", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "(file)" in err
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------------------------
# LibreOffice contained

FAKE_SOFFICE = textwrap.dedent("""\
    #!{python}
    # A stand-in for soffice: a launcher with a child that ignores SIGTERM, like oosplash and soffice.bin.
    import os, subprocess, sys, time
    args = sys.argv[1:]
    mode = os.environ["FAKE_SOFFICE_MODE"]
    outdir = args[args.index("--outdir") + 1]
    docs = args[args.index("--outdir") + 2:]
    if mode == "partial":
        for doc in docs[:-1]:
            with open(os.path.join(outdir, os.path.basename(doc)[:-5] + ".pdf"), "wb") as fh:
                fh.write(b"%PDF-1.4 fake")
        sys.exit(0)
    subprocess.Popen([sys.executable, "-c",
                      "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)",
                      os.environ["FAKE_SOFFICE_MARK"]])
    time.sleep(600)
    """)


def command_line(pid: int) -> str:
    """A process's command line, or "" when it has just ended (its /proc entry is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    if not Path("/proc").is_dir():
        pytest.skip("reads /proc to find leftover processes")
    script = tmp_path / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    marker = f"fake-soffice-{os.getpid()}-{time.monotonic_ns()}"
    monkeypatch.setenv("FAKE_SOFFICE_MARK", marker)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", None)
    return script, marker, scratch


def docx_files(folder: Path, n: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = [folder / f"PA-c{i}-motion.docx" for i in range(n)]
    for p in paths:
        p.write_bytes(b"PK not really a docx")
    return paths


def test_a_hung_libreoffice_is_killed_with_its_whole_group_on_timeout(tmp_path, fake_soffice, monkeypatch):
    script, marker, scratch = fake_soffice
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "hang")
    docs = docx_files(tmp_path / "docs", 2)
    started = time.monotonic()
    with pytest.raises(AssemblyError, match="took longer than 2 s and was stopped"):
        convert_to_pdf(docs, tmp_path / "docs", str(script), timeout=2)
    assert time.monotonic() - started < 15
    assert processes_with(marker) == []
    assert list(scratch.iterdir()) == []  # the throwaway profile is gone


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_interrupting_or_killing_the_run_ends_libreoffice_and_removes_its_profile(tmp_path, fake_soffice, how):
    script, marker, scratch = fake_soffice
    docs = docx_files(tmp_path / "docs", 1)
    run = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""\
        from pathlib import Path
        from docassemble.traffickingrelief.rendering import convert_to_pdf
        convert_to_pdf([Path({str(docs[0])!r})], Path({str(docs[0].parent)!r}), {str(script)!r}, timeout=120)
        """)], env={**os.environ, "FAKE_SOFFICE_MODE": "hang"}, stderr=subprocess.PIPE)
    assert wait_until(lambda: len(processes_with(marker)) == 1, 30), "the fake LibreOffice never started"
    run.send_signal(how)
    run.wait(120)  # generous: on a loaded CI machine the clean-up itself can wait for a CPU
    assert wait_until(lambda: processes_with(marker) == [], 60), "LibreOffice outlived the run"
    assert wait_until(lambda: list(scratch.iterdir()) == [], 30)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_docx_without_its_pdf_is_an_error_naming_the_document(tmp_path, fake_soffice, monkeypatch):
    script, _, _ = fake_soffice
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "partial")
    docs = docx_files(tmp_path / "docs", 3)
    with pytest.raises(PdfConversionError) as info:
        convert_to_pdf(docs, tmp_path / "docs", str(script))
    assert info.value.missing == ["PA-c2-motion.docx"]
    assert "no PDF for 1 of 3 document(s): PA-c2-motion.docx" in str(info.value)
    assert all(d.is_file() for d in docs)  # the DOCX stay for the caller to keep


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_real_libreoffice_is_gone_when_its_run_is_killed_mid_conversion(tmp_path, soffice, how):
    from docx import Document

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    docs = tmp_path / "docs"
    docs.mkdir()
    paths = []
    for i in range(6):
        doc = Document()
        for _ in range(200):
            doc.add_paragraph("An invented paragraph for a fictional test document. " * 5)
        doc.save(docs / f"doc{i}.docx")
        paths.append(str(docs / f"doc{i}.docx"))
    run = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""\
        from pathlib import Path
        from docassemble.traffickingrelief.rendering import convert_to_pdf
        convert_to_pdf([Path(p) for p in {paths!r}], Path({str(docs)!r}), {soffice!r})
        """)], env={**os.environ, "TMPDIR": str(scratch)}, stderr=subprocess.DEVNULL)
    assert wait_until(lambda: any("soffice.bin" in command_line(pid)
                                  for pid in processes_with(str(scratch))) or run.poll() is not None, 60)
    assert run.poll() is None, "the conversion ended before it could be interrupted"
    run.send_signal(how)
    run.wait(30)
    assert wait_until(lambda: processes_with(str(scratch)) == [], 15), "LibreOffice outlived the run"
    assert wait_until(lambda: list(scratch.iterdir()) == [], 10)


# ---------------------------------------------------------------------------------------------
# The CLI: every failure is a message


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_batch_carries_on_past_an_unexpected_error_and_names_only_the_file(tmp_path, capsys, monkeypatch):
    cases = tmp_path / "cases"
    cases.mkdir()
    for name in ("client-1", "client-2", "client-3"):
        write_json(cases / f"{name}.json", minimal_case())
    from docassemble.traffickingrelief import cli

    real = cli.assemble

    def flaky(path, out, *args, **kwargs):
        if Path(path).stem == "client-2":
            raise TypeError(f"something about {SECRET}")
        return real(path, out, *args, **kwargs)

    monkeypatch.setattr(cli, "assemble", flaky)
    assert main(["batch", str(cases), "--out", str(tmp_path / "out"), "--no-pdf"]) == 1
    captured = capsys.readouterr()
    assert "client-2.json: failed: unexpected error (TypeError); nothing was written for this case" in captured.err
    assert "2 of 3 case file(s) assembled; not assembled: client-2.json" in captured.err
    assert SECRET not in captured.err + captured.out and "Traceback" not in captured.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["client-1", "client-3"]


@pytest.mark.parametrize("names", [("A1.json", "a1.json"), ("..json",), ("...json",), (".hidden.json",),
                                   ("Cafe\u0301.json", "Caf\u00e9.json")])
def test_batch_refuses_names_that_are_not_a_folder_of_their_own(tmp_path, capsys, names):
    cases = tmp_path / "cases"
    cases.mkdir()
    paths = [write_json(cases / name, minimal_case()) for name in names]
    out = tmp_path / "out"
    assert main(["batch", *map(str, paths), "--out", str(out), "--no-pdf"]) == 2
    assert "nothing was assembled" in capsys.readouterr().err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["cases"]


def test_an_unexpected_error_is_one_line_naming_its_type_never_its_text(tmp_path, capsys, monkeypatch):
    from docassemble.traffickingrelief import cli

    def broken(*args, **kwargs):
        raise RuntimeError(f"detail quoting {SECRET}")

    monkeypatch.setattr(cli, "screen", broken)
    assert main(["screen", str(write_json(tmp_path / "case.json", minimal_case()))]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected error (RuntimeError)" in err and SECRET not in err


def test_a_closed_pipe_ends_the_command_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "docassemble.traffickingrelief.cli", "schema"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line is written, like `... | true`
    assert proc.wait(60) == 1  # the BrokenPipeError was met and handled
    assert proc.stderr.read() == b""


def test_no_pdf_does_not_blame_a_missing_libreoffice(tmp_path, capsys):
    case = write_json(tmp_path / "case.json", minimal_case())
    assert main(["assemble", str(case), "--out", str(tmp_path / "out"), "--no-pdf", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "PDF not requested: DOCX only." in out and "not installed" not in out


def test_parallel_batch_isolates_a_case_whose_worker_dies(tmp_path, capsys, monkeypatch):
    """A worker killed outright (here by SIGKILL while assembling client-2) loses only its own case."""
    cases = tmp_path / "cases"
    cases.mkdir()
    for name in ("client-1", "client-2", "client-3", "client-4"):
        write_json(cases / f"{name}.json", minimal_case())
    from docassemble.traffickingrelief import cli

    real = cli.assemble

    def dies(path, out, *args, **kwargs):
        if Path(path).stem == "client-2":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, out, *args, **kwargs)

    monkeypatch.setattr(cli, "assemble", dies)
    assert main(["batch", str(cases), "--out", str(tmp_path / "out"), "--no-pdf", "--workers", "2"]) == 1
    captured = capsys.readouterr()
    assert "client-2.json: failed: the worker process assembling this case stopped unexpectedly" in captured.err
    assert "3 of 4 case file(s) assembled; not assembled: client-2.json" in captured.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["client-1", "client-3", "client-4"]
    for name in ("client-1", "client-3", "client-4"):
        assert (tmp_path / "out" / name / "record_relief" / "PA-1-motion.docx").is_file()
    deadline = time.monotonic() + 30  # the killed run's guard process sweeps its hidden folder and lock
    while list((tmp_path / "out").glob(".*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list((tmp_path / "out").glob(".*"))
