"""Tier 1: static checks of the interview YAML (no docassemble needed).

dayamlchecker must be installed (it is a test dependency): a missing linter fails, never skips.
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from docassemble.traffickingrelief.resources import load_schema

REPO = Path(__file__).resolve().parents[1]
INTERVIEWS = REPO / "interviews"
STATIC = REPO / "docassemble" / "traffickingrelief" / "data" / "static"
ALL_YAML = sorted(INTERVIEWS.glob("*.yml"))
TR_YAML = sorted(INTERVIEWS.glob("tr_*.yml"))
ENTRY = INTERVIEWS / "traffickingrelief.yml"


def blocks(path: Path) -> list[dict]:
    return [b for b in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(b, dict)]


def all_blocks(paths=ALL_YAML):
    for path in paths:
        for block in blocks(path):
            yield path, block


def test_dayamlchecker_reports_no_errors():
    assert importlib.util.find_spec("dayamlchecker") is not None, \
        "dayamlchecker is a test dependency: pip install dayamlchecker"
    result = subprocess.run([sys.executable, "-m", "dayamlchecker", "--no-url-check", *map(str, ALL_YAML)],
                            capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    summary = re.search(r"Found \d+ issues \((\d+) errors", output)
    errors = int(summary.group(1)) if summary else 0
    assert result.returncode == 0 and errors == 0 and ("No issues found" in output or summary), output


def test_the_entry_interview_only_includes_and_every_tr_file_is_included():
    [entry] = blocks(ENTRY)
    assert list(entry) == ["include"]
    assert sorted(entry["include"]) == sorted(p.name for p in TR_YAML)
    assert entry["include"][0] == "tr_language.yml"  # translations first: later blocks are read with them
    assert entry["include"][-1] == "tr_order.yml"


def test_every_question_has_an_id_unique_across_all_files():
    seen: dict[str, str] = {}
    for path, block in all_blocks():
        if "question" in block or "code" in block or "event" in block or "template" in block or "table" in block:
            assert block.get("id"), f"{path.name}: a block without an id: {str(block)[:80]}"
        if "id" in block:
            assert block["id"] not in seen, f"id {block['id']!r} in {path.name} and {seen[block['id']]}"
            seen[block["id"]] = path.name


def _choice_lists(block: dict):
    for key in ("choices", "buttons"):
        if key in block:
            yield block.get("id"), block[key]
    for field in block.get("fields") or []:
        if isinstance(field, dict) and "choices" in field:
            yield block.get("id"), field["choices"]


def test_every_choice_has_an_explicit_value_separate_from_its_label():
    count = 0
    for path, block in all_blocks():
        for qid, choices in _choice_lists(block):
            assert isinstance(choices, list), f"{path.name} {qid}: choices must be a list"
            for item in choices:
                count += 1
                assert isinstance(item, dict), f"{path.name} {qid}: choice {item!r} has no value"
                if "label" in item:
                    assert "value" in item, f"{path.name} {qid}: {item!r}"
                    continue
                options = {k: v for k, v in item.items() if k not in ("help", "default", "image", "show if")}
                assert len(options) == 1, f"{path.name} {qid}: {item!r}"
                [(label, value)] = options.items()
                assert value is not None and str(value) != str(label), f"{path.name} {qid}: {item!r}"
                if not isinstance(value, bool):
                    assert re.fullmatch(r"[a-z][a-z0-9_]*|[A-Z]{2}", str(value)), f"{path.name} {qid}: {value!r}"
    assert count > 50


def test_no_yesno_shorthand_and_a_single_mandatory_block():
    mandatory = [block["id"] for _, block in all_blocks(TR_YAML) if block.get("mandatory")]
    assert mandatory == ["interview_order"]
    for path, block in all_blocks(TR_YAML):
        assert not {"yesno", "noyes", "yesnomaybe", "noyesmaybe"} & set(block), f"{path.name} {block.get('id')}"


def _codes(block_id: str, field: str) -> list:
    for _, block in all_blocks(TR_YAML):
        if block.get("id") == block_id:
            for f in block.get("fields") or []:
                if f.get("field") == field:
                    return [v for item in f["choices"] for k, v in item.items()]
    raise KeyError((block_id, field))


def test_choice_codes_are_the_case_file_schemas_codes():
    defs = load_schema("case_file.schema.json")["$defs"]
    assert _codes("record_offence", "records[i].offence_categories") == defs["offence_categories"]["items"]["enum"]
    assert _codes("record_offence", "records[i].offence_class") == ["violation", "misdemeanor", "felony", "not_sure"]
    conviction = defs["conviction"]["properties"]
    assert set(_codes("record_conviction_outcome", "records[i].affirmative_defence_at_trial")) == \
        {v for v in conviction["affirmative_defence_at_trial"]["enum"] if v} | {"not_sure"}
    assert set(_codes("record_link", "records[i].prosecutor_consent")) == \
        {v for v in conviction["prosecutor_consent"]["enum"] if v} | {"not_sure"}
    assert _codes("record_arrest_outcome", "records[i].arrest_disposition") == \
        [v for v in defs["arrest"]["properties"]["disposition"]["enum"] if v]
    assert set(_codes("evidence_item", "evidence_items[i].kind")) == {v for v in defs["evidence"]["properties"]["kind"]["enum"] if v}


# Mako expressions that may appear in screen text: user text always goes through esc(); the rest
# are numbers, URLs made by docassemble, translated templates, or docassemble's own table markup.
SAFE_EXPRESSIONS = [
    r"esc\(.*\)( or '-')?", r"display_date\(showifdef\('[\w.]+'\)\)( or '-')?", r"i \+ 1", r"len\([\w.()]+\)",
    r"len\(selected_codes\([\w.]+\)\)", r"tr_answer_words\.get\([\w.]+, '-'\)", r"url_action\('tr_quick_exit'\)",
    r"tr_neutral_site", r"value\(family \+ '_download_heading'\)",
    r"\w+\.table", r"\w+\.add_action\(label=tr_add_\w+_label\.content\)",
    # stored drafts are sealed: links go through the one-time download action (fixed file names only)
    r"url_action\('tr_download_file', i=(row|tr_download)\['\w+'\](\['\w+'\])?\)",
    r"tr_assembly\['files'\]\[(row|tr_download)\['\w+'\](\['\w+'\])?\]\['filename'\]",
    r"url_action\('tr_\w+'(, variable=item\['variable'\])?\)", r"tr_retention_days", r"n", r"read_progress\(tr_progress_key\)",
]


def _text_fields(block: dict):
    for key in ("question", "subquestion", "under", "help", "content"):
        if isinstance(block.get(key), str):
            yield block[key]
    for value in (block.get("default screen parts") or {}).values():
        yield str(value)
    for item in block.get("review") or []:
        if isinstance(item, dict) and isinstance(item.get("button"), str):
            yield item["button"]
    for field in block.get("fields") or []:
        if isinstance(field, dict) and isinstance(field.get("label"), str):
            yield field["label"]


def test_user_text_on_screens_is_always_escaped():
    found = 0
    for path, block in all_blocks(TR_YAML):
        for text in _text_fields(block):
            for expression in re.findall(r"\$\{(.*?)\}", text, re.S):
                found += 1
                expression = expression.strip()
                assert "|" not in expression, f"{path.name} {block.get('id')}: Mako filter in ${{{expression}}}"
                assert any(re.fullmatch(p, expression) for p in SAFE_EXPRESSIONS), \
                    f"{path.name} {block.get('id')}: ${{ {expression} }} is not escaped with esc()"
    assert found > 20
    for path, block in all_blocks(TR_YAML):
        for column in block.get("columns") or []:
            for expression in column.values():
                assert expression.strip().startswith("esc("), f"{path.name} {block.get('id')}: {expression!r}"


def test_quick_exit_is_on_every_screen_and_erases_the_session():
    parts = [block["default screen parts"] for _, block in all_blocks(TR_YAML) if "default screen parts" in block]
    assert len(parts) == 1
    pre = parts[0]["pre"]
    # a plain link to the erase action (works without JavaScript); the script sends it to the neutral site
    assert 'class="btn btn-danger tr-quick-exit"' in pre and 'href="${ url_action(\'tr_quick_exit\') }"' in pre
    assert 'data-tr-neutral="${ tr_neutral_site }"' in pre
    for path, block in all_blocks(TR_YAML):
        assert "pre" not in block, f"{path.name} {block.get('id')} replaces the quick-exit screen part"
    [event] = [b for _, b in all_blocks(TR_YAML) if b.get("event") == "tr_quick_exit"]
    # the session's files go too (docassemble's exit leaves them in storage), then the session itself
    assert event["code"].strip().splitlines() == [
        "erase_stored_files(showifdef('draft_files'), showifdef('tr_export_file'), showifdef('case_file_upload'), "
        "exhibit_uploads(showifdef('tvisa_exhibits')))",
        "command('exit', url=tr_neutral_site)"]
    [features] = [b["features"] for _, b in all_blocks(TR_YAML) if "features" in b]
    assert features["javascript"][0] == "quick_exit.js" and features["css"] == "quick_exit.css"
    script = (STATIC / "quick_exit.js").read_text(encoding="utf-8")
    assert "location.replace(" in script and '"Escape"' in script and "keepalive: true" in script
    assert "data-tr-neutral" in script
    assert (STATIC / "quick_exit.css").is_file()
    [neutral] = [b["code"] for _, b in all_blocks(TR_YAML) if b.get("id") == "tr_setting_neutral_site"]
    assert "https://www.weather.gov" in neutral


def test_the_safety_screen_gives_911_and_the_hotline():
    [safety] = [b for _, b in all_blocks(TR_YAML) if b.get("id") == "safety_check"]
    text = safety["subquestion"]
    assert "911" in text and "1-888-373-7888" in text and "233733" in text
    [order] = [b for _, b in all_blocks(TR_YAML) if b.get("id") == "interview_order"]
    lines = [line.strip() for line in order["code"].splitlines() if line.strip()]
    assert lines[:3] == ["interview_language", "safety_checked", "confidentiality_seen"]
    # jurisdiction first, screening before any drafting
    assert lines.index("tr_states_asked") < lines.index("records.gather()")
    assert lines.index("value(family + '_screening_done')") < lines.index("tr_drafts_ready")


def test_support_module_does_not_import_docassemble():
    source = (REPO / "docassemble" / "traffickingrelief" / "interview_support.py").read_text(encoding="utf-8")
    # only at module level: a function that runs inside docassemble may import it lazily
    assert not re.search(r"^(import|from)\s+docassemble\.(base|webapp)", source, re.M)
    code = "import sys, docassemble.traffickingrelief.interview_support; " \
           "sys.exit(any(m.startswith('docassemble.base') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, timeout=60).returncode == 0


@pytest.mark.parametrize("path", TR_YAML, ids=lambda p: p.name)
def test_no_client_data_in_file_names_or_logs(path):
    text = path.read_text(encoding="utf-8")
    assert "log(" not in text and "filename: ${" not in text


def test_every_registered_family_has_its_interview_module():
    """A family added to the registry gets the same screening and download pattern in the interview."""
    from docassemble.traffickingrelief.interview_support import interview_families

    [entry] = blocks(ENTRY)
    for name in interview_families():
        module = f"tr_{name}.yml"
        assert module in entry["include"], f"family {name!r} has no {module} in the entry interview"
        defined = set()
        for block in blocks(INTERVIEWS / module):
            defined.update(filter(None, [block.get("template"), block.get("continue button field"), block.get("field")]))
            code = block.get("code") or ""
            defined.update(re.findall(r"^\s*(\w+)\s*=", code, re.M))
        for suffix in ("rows", "screening_done", "ready", "download_heading", "case_data"):
            assert f"{name}_{suffix}" in defined, f"{module} does not define {name}_{suffix}"


def test_validation_code_never_needs_a_template():
    """Validation code runs when the screen is submitted, where docassemble cannot ask for an undefined
    variable: a template there showed the person a raw Python error. Messages go through word()."""
    for path, block in all_blocks(TR_YAML):
        code = block.get("validation code") or ""
        assert ".content" not in code, f"{path.name} {block.get('id')}: validation code reads a template"
        for field in block.get("fields") or []:
            assert ".content" not in str(field.get("validate", "")), f"{path.name} {block.get('id')}"
