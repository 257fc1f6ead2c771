"""The Spanish translation: every translatable phrase has Spanish, and the committed XLSX is current.

The source is data/sources/translations_es.yml; tools/make_translations.py compiles the XLSX that
the interview's translations block reads (tests/engine checks the extraction against docassemble's
own parser). Needs openpyxl (a test dependency).
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import make_translations as mt  # noqa: E402


def test_every_client_facing_phrase_has_spanish_and_no_entry_is_stale():
    phrases = mt.extract()
    assert len([p for p in phrases if mt.needs_translation(p.text)]) > 200
    assert mt.problems(phrases, mt.load_spanish()) == []


def test_committed_xlsx_is_current():
    table = mt.rows(mt.extract(), mt.load_spanish())
    assert mt.read_xlsx() == [tuple(r) for r in table], "run: python tools/make_translations.py"


def test_xlsx_rows_are_in_docassemble_format():
    rows = mt.read_xlsx()
    for interview, question_id, index, digest, orig_lang, tr_lang, orig, tr in rows:
        assert interview.startswith("docassemble.traffickingrelief:data/questions/tr_")
        assert (orig_lang, tr_lang) == ("en", "es") and isinstance(index, int)
        assert digest == hashlib.md5(orig.encode("utf-8")).hexdigest()
        assert tr and tr != orig or orig in ("English", "Español", "No", "No\n")


def test_codes_and_mako_only_text_are_never_translated():
    assert not mt.needs_translation("write_now")
    assert not mt.needs_translation("${ records.table }\n\n${ records.add_action(label=x.content) }\n")
    assert mt.needs_translation("Case ${ i + 1 }: where was it?\n")
