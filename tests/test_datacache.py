"""The compiled data cache: the same data as parsing and validating the sources, re-compiled when they change."""
from __future__ import annotations

import json
import pytest

from docassemble.traffickingrelief import datacache, drafting, forums, jurisdictions, wages
from docassemble.traffickingrelief.errors import JurisdictionDataError
from docassemble.traffickingrelief.resources import JURISDICTIONS_DIR, SOURCES_DIR, read_data_yaml, read_yaml


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(datacache.ENV_DIR, str(folder))
    monkeypatch.setattr(datacache, "_MEMORY", {})
    return folder


def _sources(tmp_path, text_a="a: 1\n", text_b="b: [x, y]\n"):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.yml").write_text(text_a, encoding="utf-8")
    (src / "b.yml").write_text(text_b, encoding="utf-8")
    return src


def test_first_use_compiles_and_writes_then_later_runs_read_without_compiling(cache, tmp_path, monkeypatch):
    src = _sources(tmp_path)
    calls = []

    def compile_one(path):
        calls.append(path.name)
        return read_data_yaml(path.read_text(encoding="utf-8"))

    first = datacache.compiled("demo", list(src.glob("*.yml")), compile_one)
    assert first == [{"a": 1}, {"b": ["x", "y"]}] and calls == ["a.yml", "b.yml"]
    written = list(cache.glob("demo-*.json"))
    assert len(written) == 1 and json.loads(written[0].read_text())["items"] == first
    assert not list(cache.glob(".*.tmp"))  # the temporary file was renamed, not left behind

    monkeypatch.setattr(datacache, "_MEMORY", {})  # a new process
    assert datacache.compiled("demo", list(src.glob("*.yml")), compile_one) == first
    assert calls == ["a.yml", "b.yml"]


def test_a_changed_source_compiles_afresh_and_replaces_the_old_cache_file(cache, tmp_path):
    src = _sources(tmp_path)
    files = list(src.glob("*.yml"))
    compile_one = lambda p: read_data_yaml(p.read_text(encoding="utf-8"))  # noqa: E731
    datacache.compiled("demo", files, compile_one)
    (src / "a.yml").write_text("a: 2\n", encoding="utf-8")
    assert datacache.compiled("demo", files, compile_one) == [{"a": 2}, {"b": ["x", "y"]}]
    assert len(list(cache.glob("demo-*.json"))) == 1


def test_a_damaged_or_foreign_cache_file_is_ignored(cache, tmp_path, monkeypatch):
    src = _sources(tmp_path)
    files = list(src.glob("*.yml"))
    compile_one = lambda p: read_data_yaml(p.read_text(encoding="utf-8"))  # noqa: E731
    datacache.compiled("demo", files, compile_one)
    (written,) = cache.glob("demo-*.json")
    for damage in ('{"key": "', json.dumps({"key": "another", "items": [{"a": 99}]})):
        written.write_text(damage, encoding="utf-8")
        monkeypatch.setattr(datacache, "_MEMORY", {})
        assert datacache.compiled("demo", files, compile_one) == [{"a": 1}, {"b": ["x", "y"]}]


def test_a_compile_error_is_raised_and_nothing_is_cached(cache, tmp_path):
    src = _sources(tmp_path, text_a="a: 1\na: 2\n")

    def compile_one(path):
        return read_data_yaml(path.read_text(encoding="utf-8"))

    with pytest.raises(Exception, match="a key appears twice"):
        datacache.compiled("demo", list(src.glob("*.yml")), compile_one)
    assert not cache.exists() or not list(cache.iterdir())


def test_a_read_only_cache_folder_falls_back_to_memory(cache, tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(datacache.tempfile, "mkstemp", read_only)
    src = _sources(tmp_path)
    assert datacache.compiled("demo", list(src.glob("*.yml")),
                              lambda p: read_data_yaml(p.read_text(encoding="utf-8"))) == [{"a": 1}, {"b": ["x", "y"]}]
    assert not list(cache.glob("*.json"))


def test_no_cache_folder_at_all_still_works(tmp_path, monkeypatch):
    monkeypatch.setattr(datacache, "_MEMORY", {})
    monkeypatch.setenv(datacache.ENV_DIR, str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    src = _sources(tmp_path)
    assert datacache.compiled("demo", list(src.glob("*.yml")),
                              lambda p: read_data_yaml(p.read_text(encoding="utf-8")))[0] == {"a": 1}


def test_the_cache_key_covers_the_schema(tmp_path):
    src = _sources(tmp_path)
    files = sorted(src.glob("*.yml"))
    schema = tmp_path / "schema.json"
    schema.write_text("{}", encoding="utf-8")
    before = datacache.source_key("demo", files, [schema])
    schema.write_text('{"type": "object"}', encoding="utf-8")
    assert datacache.source_key("demo", files, [schema]) != before


def _clear_loaders():
    jurisdictions.load_all.cache_clear()
    forums.load_all_forums.cache_clear()
    wages.load_wage_tables.cache_clear()
    drafting.ClauseLibrary.for_family.cache_clear()


def test_compiled_law_data_equals_the_validated_sources_on_a_miss_and_on_a_hit(cache, monkeypatch):
    expected = {p.stem: jurisdictions._parse(p.name, p.read_text(encoding="utf-8"))
                for p in sorted(JURISDICTIONS_DIR.glob("*.yml"))}
    expected_forums = {p.stem: forums._parse(p.name, p.read_text(encoding="utf-8"))
                       for p in sorted(forums.FORUMS_DIR.glob("*.yml"))}
    try:
        for _ in ("miss", "hit"):
            _clear_loaders()
            monkeypatch.setattr(datacache, "_MEMORY", {})
            assert jurisdictions.load_all() == expected
            assert forums.load_all_forums() == expected_forums
            assert set(wages.load_wage_tables()) >= {"US", "NY", "CA"}
            clauses = drafting.ClauseLibrary.for_family("record_relief")
            assert clauses.sections == read_yaml((drafting.CLAUSES_DIR / "record_relief.yml").read_text(encoding="utf-8"))
        assert {p.name.split("-")[0] for p in cache.glob("*.json")} >= {"jurisdictions", "forums", "wages", "clauses"}
    finally:
        _clear_loaders()


def test_an_invalid_data_file_is_refused_by_the_compile_step(cache, tmp_path, monkeypatch):
    folder = tmp_path / "jurisdictions"
    folder.mkdir()
    (folder / "PA.yml").write_text((JURISDICTIONS_DIR / "PA.yml").read_text(encoding="utf-8")
                                   .replace("code: PA", "code: NY", 1), encoding="utf-8")
    monkeypatch.setattr(jurisdictions, "JURISDICTIONS_DIR", folder)
    jurisdictions.load_all.cache_clear()
    try:
        with pytest.raises(JurisdictionDataError, match="code does not match the file name"):
            jurisdictions.load_all()
        assert not list(cache.glob("jurisdictions-*.json"))
    finally:
        jurisdictions.load_all.cache_clear()


def test_the_fast_reader_reads_every_data_file_exactly_as_the_strict_reader():
    for path in sorted(SOURCES_DIR.glob("*/*.yml")):
        text = path.read_text(encoding="utf-8")
        assert read_data_yaml(text) == read_yaml(text), path.name


def test_the_data_audit_checks_the_sources_themselves_not_the_cache(monkeypatch, capsys):
    from docassemble.traffickingrelief.cli import main

    parsed = []
    real = jurisdictions._parse

    def counting(file_name, text):
        parsed.append(file_name)
        return real(file_name, text)

    monkeypatch.setattr(jurisdictions, "_parse", counting)
    assert main(["data-audit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["failing"] == 0
    assert sorted(parsed) == sorted(p.name for p in JURISDICTIONS_DIR.glob("*.yml"))
