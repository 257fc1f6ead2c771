"""The interview's case-file upload and the CLI are two front doors to one reader (facts.read_case_data):
the same files are accepted by both, and refused by both with the same field-named messages."""
from __future__ import annotations

import json

import pytest

from docassemble.traffickingrelief import interview_support as s
from docassemble.traffickingrelief.cli import main
from docassemble.traffickingrelief.facts import MAX_CASE_FILE_BYTES
from tests.conftest import EXAMPLE_CASE, example_dict
from tests.test_hardening import SECRET, alias_bomb, yaml_of


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _case(**changes) -> dict:
    data = example_dict()
    data["client"]["legal_name"] = SECRET
    for path, value in changes.items():
        section, index, field = path.split("__")
        data[section][int(index)][field] = value
    return data


GOOD = {
    "example.yml": EXAMPLE_CASE.read_bytes(),
    "case.json": _json(_case()),
    "bom.json": b"\xef\xbb\xbf" + _json(_case()),  # issue 9: refused by the CLI, accepted by the interview
    "bom.yml": b"\xef\xbb\xbf" + yaml_of(_case()).encode("utf-8"),
    "no-suffix": yaml_of(_case()).encode("utf-8"),
}

BAD = {
    "bad-date.json": _json(_case(convictions__0__conviction_date="2019-02-30")),
    "unknown-state.yml": yaml_of(_case(convictions__1__jurisdiction="ZZ")).encode("utf-8"),
    "syntax.yml": b"client: [unclosed",
    "yaml-named-json.json": yaml_of(_case()).encode("utf-8"),
    "latin1.json": f'{{"client": {{"legal_name": "{SECRET}\xe9"}}}}'.encode("latin-1"),
    "alias-bomb.yml": alias_bomb(9).encode("utf-8"),
    "deep.json": b"[" * 5000 + b"]" * 5000,
    "huge-number.yml": b"a: " + b"9" * 5000,
    "duplicate-key.json": f'{{"{SECRET}": 1, "{SECRET}": 2}}'.encode("utf-8"),
    "duplicate-key.yml": f"{SECRET}: 1\n{SECRET}: 2\n".encode("utf-8"),
    "too-large.yml": b"#" * (MAX_CASE_FILE_BYTES + 1),
    "not-a-mapping.json": b"[1, 2, 3]",
}


def _cli(path, capsys) -> tuple[int, str]:
    code = main(["screen", str(path)])
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.parametrize("name", sorted(GOOD))
def test_both_doors_accept_the_same_good_files(name, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(GOOD[name])
    upload = s.read_case_file_upload(path, name)
    code, err = _cli(path, capsys)
    assert upload["problems"] == [] and isinstance(upload["data"], dict)
    assert code == 0, err


@pytest.mark.parametrize("name", sorted(BAD))
def test_both_doors_refuse_the_same_bad_files_with_the_same_messages(name, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(BAD[name])
    # the interview stores uploads under a number, so it passes the person's file name beside the path
    stored = tmp_path / "12345"
    stored.write_bytes(BAD[name])
    upload = s.read_case_file_upload(stored, name)
    code, err = _cli(path, capsys)
    assert code == 2
    assert upload["data"] is None and upload["problems"]
    # the CLI prints the same problems, one per line after its heading (or the single message)
    cli_problems = [line.strip() for line in err.splitlines()[1:]] or [err.strip().removeprefix("traffickingrelief: ")]
    assert upload["problems"] == cli_problems, (upload["problems"], err)
    assert all(p.split(":")[0] for p in upload["problems"])  # every message starts with a field or "(file)"
    assert SECRET not in err and not any(SECRET in p for p in upload["problems"])
