"""Build data/sources/translations_es.xlsx (docassemble's translation file) from reviewable YAML.

The Spanish text lives in ``docassemble/traffickingrelief/data/sources/translations_es.yml`` (and, for
each draft family's interview module, ``translations_es_<family>.yml`` beside it): a list
of ``{en: ..., es: ...}`` entries, where ``en`` is a phrase exactly as docassemble reads it from
``interviews/tr_*.yml`` (question, subquestion, labels, choices, buttons, templates, review
items, screen parts). This tool extracts those phrases the way docassemble's parser collects
them for translation (``TextObject``: text with at least one letter or symbol, minus ``no label``),
matches each to its Spanish entry, and writes the XLSX docassemble reads through the interview's
``translations:`` block. Columns and the ``hash`` (MD5 of the English text, UTF-8) are those of
docassemble's own "Download an interview phrase translation file" (webapp/translation/views.py).

Phrases that are only a code (``write_now``, an action name, a ``show if`` value) or only Mako
with no words (``${ records.table }``) are never translated: docassemble compares them as values.

    python tools/make_translations.py           # write the XLSX
    python tools/make_translations.py --check   # exit 1 if the XLSX is stale or a phrase lacks Spanish
    python tools/make_translations.py --missing # print the English phrases without Spanish

Needs PyYAML and openpyxl only (no docassemble).
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
INTERVIEWS = REPO / "interviews"
SOURCES = REPO / "docassemble" / "traffickingrelief" / "data" / "sources"
SPANISH_SOURCE = SOURCES / "translations_es.yml"
XLSX = SOURCES / "translations_es.xlsx"
PACKAGE = "docassemble.traffickingrelief"
COLUMNS = ("interview", "question_id", "index_num", "hash", "orig_lang", "tr_lang", "orig_text", "tr_text")
ENTRY_FILE = "traffickingrelief.yml"

_CODE_ONLY = re.compile(r"^[a-z][a-z0-9_]*$")
_MAKO_EXPR = re.compile(r"\$\{.*?\}", re.S)
_MAKO_LINE = re.compile(r"^\s*%.*$", re.M)


@dataclass(frozen=True)
class Phrase:
    file: str          # interviews/<file>
    question_id: str
    text: str          # exactly as docassemble's TextObject holds it
    kind: str          # question, subquestion, label, choice, button, template, review, screen part...


def interview_files() -> list[Path]:
    """The entry file's includes, in order (the order docassemble parses them)."""
    entry = yaml.safe_load((INTERVIEWS / ENTRY_FILE).read_text(encoding="utf-8"))
    return [INTERVIEWS / name for name in entry["include"]]


def blocks(path: Path) -> list[dict]:
    return [b for b in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(b, dict)]


def _collectable(text) -> bool:
    """docassemble's own test (parse.py, TextObject): a str with something besides spaces and digits."""
    return isinstance(text, str) and bool(re.search(r"[^\s0-9]", text)) and text != "no label" and not re.search(
        r"<%doc>\s*do not translate", text, re.I)


def needs_translation(text: str) -> bool:
    """False for codes and for Mako-only text: those keep their English (code) form."""
    if _CODE_ONLY.match(text.strip()):
        return False
    prose = _MAKO_LINE.sub("", _MAKO_EXPR.sub("", text))
    return bool(re.search(r"[A-Za-z]", prose))


def _choice_labels(choices) -> list[str]:
    out = []
    if isinstance(choices, list):
        for item in choices:
            if isinstance(item, dict):
                if "label" in item:
                    out.append(item["label"])
                else:
                    out += [k for k in item if k not in ("help", "default", "image", "show if", "css class", "color")]
            elif isinstance(item, str):
                out.append(item)
    return out


def _field_phrases(field: dict) -> list[tuple[str, str]]:
    out = []
    if "label" in field:
        out.append(("label", field["label"]))
    else:
        out += [("label", k) for k in field if k not in FIELD_KEYS]
    for key in ("help", "hint", "note", "html", "under text"):
        if key in field:
            out.append((key, field[key]))
    if isinstance(field.get("none of the above"), str):
        out.append(("none of the above", field["none of the above"]))
    out += [("choice", c) for c in _choice_labels(field.get("choices"))]
    show_if = field.get("show if")
    if isinstance(show_if, dict) and "is" in show_if:
        out.append(("show if value", str(show_if["is"])))
    return out


FIELD_KEYS = {"field", "datatype", "required", "choices", "code", "show if", "hide if", "none of the above", "min",
              "max", "minlength", "maxlength", "accept", "default", "help", "hint", "input type", "under text",
              "validate", "note", "html", "disable others", "label"}


def block_phrases(block: dict) -> list[tuple[str, str]]:
    """(kind, text) for every translatable string in one block, in a stable order."""
    out: list[tuple[str, str]] = []
    for key in ("continue button label", "question", "subquestion", "under", "help"):
        if key in block:
            out.append((key, block[key]))
    if "default screen parts" in block:
        out += [("screen part", str(v).strip()) for v in block["default screen parts"].values()]
    for field in block.get("fields") or []:
        if isinstance(field, dict):
            out += _field_phrases(field)
    for key in ("choices", "buttons"):
        out += [("choice", c) for c in _choice_labels(block.get(key))]
    for item in block.get("review") or []:
        if isinstance(item, dict) and "label" in item:  # the long form: label, fields (with recompute...)
            out.append(("review", item["label"]))
        elif isinstance(item, dict):
            out += [("review", k) for k in item if k not in ("button", "note", "html", "show if", "help")]
        if isinstance(item, dict):
            for key in ("button", "note", "html", "help"):
                if key in item:
                    out.append(("review", item[key]))
    if "template" in block:
        for key in ("content", "subject"):
            if key in block:
                out.append(("template", block[key]))
    for column in block.get("columns") or []:
        if isinstance(column, dict):
            out += [("column", k) for k in column]
    for button in block.get("action buttons") or []:
        if isinstance(button, dict):
            out += [("action button", button[k]) for k in ("action", "label") if k in button]
    return [(kind, text) for kind, text in out if _collectable(text)]


def extract() -> list[Phrase]:
    """Every collectable phrase once (first occurrence wins, as in docassemble's own XLSX)."""
    seen: set[str] = set()
    phrases = []
    for path in interview_files():
        for block in blocks(path):
            qid = str(block.get("id", ""))
            for kind, text in block_phrases(block):
                if text in seen:
                    continue
                seen.add(text)
                phrases.append(Phrase(path.name, qid, text, kind))
    return phrases


def spanish_sources() -> list[Path]:
    """The shared phrases, then one file per draft family's module (``translations_es_<family>.yml``),
    so each module's Spanish is reviewed beside its own questions."""
    return [SPANISH_SOURCE, *sorted(SOURCES.glob("translations_es_*.yml"))]


def load_spanish(paths: list[Path] | None = None) -> dict[str, str]:
    """English phrase -> Spanish. A phrase may appear in several files only with the same Spanish."""
    table: dict[str, str] = {}
    for path in paths or spanish_sources():
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if entry["en"] in table and table[entry["en"]] != entry["es"]:
                raise SystemExit(f"{path.name}: the English phrase {entry['en']!r} has two different Spanish texts")
            table[entry["en"]] = entry["es"]
    return table


def rows(phrases: list[Phrase], spanish: dict[str, str]) -> list[tuple]:
    out, per_question = [], {}
    for p in phrases:
        if not needs_translation(p.text) or p.text not in spanish:
            continue
        index = per_question.get((p.file, p.question_id), 0)
        per_question[(p.file, p.question_id)] = index + 1
        out.append((f"{PACKAGE}:data/questions/{p.file}", p.question_id, index,
                    hashlib.md5(p.text.encode("utf-8")).hexdigest(), "en", "es", p.text, spanish[p.text]))
    return out


def problems(phrases: list[Phrase], spanish: dict[str, str]) -> list[str]:
    wanted = {p.text for p in phrases if needs_translation(p.text)}
    out = [f"no Spanish for {p.question_id} ({p.file}): {p.text!r}" for p in phrases
           if needs_translation(p.text) and p.text not in spanish]
    out += [f"Spanish entry for a phrase the interviews no longer have: {en!r}" for en in spanish if en not in wanted]
    for en, es in spanish.items():
        if sorted(_MAKO_EXPR.findall(en)) != sorted(_MAKO_EXPR.findall(es)):
            out.append(f"the Spanish for {en[:60]!r} does not keep the same ${{...}} expressions")
        if [line for line in en.splitlines() if line.lstrip().startswith("%")] != \
                [line for line in es.splitlines() if line.lstrip().startswith("%")]:
            out.append(f"the Spanish for {en[:60]!r} does not keep the same Mako % lines")
        if en.endswith("\n") != es.endswith("\n"):
            out.append(f"the Spanish for {en[:60]!r} does not end the same way (newline)")
    return out


def write_xlsx(table: list[tuple], path: Path = XLSX) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(COLUMNS)
    for row in table:
        ws.append(list(row))
    # Fixed metadata, so the file only changes when its rows do.
    import datetime as dt
    fixed = dt.datetime(2026, 1, 1)
    wb.properties.creator = "tools/make_translations.py"
    wb.properties.lastModifiedBy = None
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.save(str(path))


def read_xlsx(path: Path = XLSX) -> list[tuple]:
    from openpyxl import load_workbook

    ws = load_workbook(str(path), read_only=True).active
    values = [tuple(r) for r in ws.iter_rows(values_only=True)]
    if not values or tuple(values[0]) != COLUMNS:
        raise ValueError(f"{path.name}: first row is not {COLUMNS}")
    return values[1:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="fail if the XLSX is stale or a phrase lacks Spanish")
    group.add_argument("--missing", action="store_true", help="print English phrases that have no Spanish yet")
    args = parser.parse_args(argv)
    phrases = extract()
    spanish = load_spanish()
    found = problems(phrases, spanish)
    if args.missing:
        for p in phrases:
            if needs_translation(p.text) and p.text not in spanish:
                print(yaml.safe_dump([{"en": p.text, "es": ""}], allow_unicode=True, width=1000, sort_keys=False), end="")
        return 0
    table = rows(phrases, spanish)
    if args.check:
        stale = read_xlsx() != [tuple(r) for r in table]
        for problem in found:
            print(problem, file=sys.stderr)
        if stale:
            print(f"{XLSX.name} is stale: run python tools/make_translations.py", file=sys.stderr)
        return 1 if (found or stale) else 0
    for problem in found:
        print(problem, file=sys.stderr)
    write_xlsx(table)
    print(f"wrote {XLSX.relative_to(REPO)} ({len(table)} phrases)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
