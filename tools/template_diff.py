"""Readable diff of a DOCX template change, for review (a DOCX is a zip, so git's own diff shows nothing useful).

    python tools/template_diff.py templates/record_relief/motion.docx            # HEAD vs working copy
    python tools/template_diff.py templates/record_relief/motion.docx --rev A     # revision A vs working copy
    python tools/template_diff.py templates/record_relief/motion.docx --rev A --rev B
    python tools/template_diff.py old.docx new.docx                               # two files

Prints a unified diff of the text, paragraph by paragraph with each paragraph's style, Jinja tags as
written, table rows, headers and footers (fields shown as {PAGE}), then a summary of style, numbering
and page-layout changes. Exit status: 0 when nothing changed, 1 when something did, 2 on bad input.
"""
from __future__ import annotations

import argparse
import difflib
import io
import subprocess
import sys
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

_TEXT_TAGS = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n"}


def _paragraph_text(p) -> str:
    """Text as Word shows it, with field instructions as {FIELD} (e.g. {PAGE}) and their cached result dropped."""
    out, in_result = [], False
    for el in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:instrText"), qn("w:fldChar"),
                     qn("w:fldSimple")):
        if el.tag == qn("w:fldChar"):
            kind = el.get(qn("w:fldCharType"))
            in_result = kind == "separate"
            if kind == "end":
                in_result = False
        elif el.tag == qn("w:instrText"):
            out.append("{" + (el.text or "").strip() + "}")
        elif el.tag == qn("w:fldSimple"):
            out.append("{" + el.get(qn("w:instr"), "").strip() + "}")
        elif not in_result and not _inside_simple_field(el):
            out.append(el.text or "" if _TEXT_TAGS[el.tag] is None else _TEXT_TAGS[el.tag])
    return "".join(out)


def _inside_simple_field(el) -> bool:
    return any(a.tag == qn("w:fldSimple") for a in el.iterancestors())


def _style_of(p, style_names: dict[str, str]) -> str:
    ppr = p.find(qn("w:pPr"))
    ref = None if ppr is None else ppr.find(qn("w:pStyle"))
    return style_names.get(ref.get(qn("w:val")), ref.get(qn("w:val"))) if ref is not None else "Normal"


def _story_lines(element, label: str, style_names: dict[str, str]) -> list[str]:
    lines = []
    for child in element.iterchildren(qn("w:p"), qn("w:tbl"), qn("w:sdt")):
        if child.tag == qn("w:tbl"):
            for r, row in enumerate(child.iterchildren(qn("w:tr")), 1):
                cells = [" / ".join(_paragraph_text(p) for p in tc.iter(qn("w:p"))) for tc in row.iterchildren(qn("w:tc"))]
                lines.append(f"{label} table row {r}: " + " | ".join(cells))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                lines += _story_lines(content, label, style_names)
        else:
            lines.append(f"{label} [{_style_of(child, style_names)}] {_paragraph_text(child)}")
    return lines


def text_lines(doc) -> list[str]:
    """Every paragraph and table row of the body, then each header and footer, one line each."""
    names = {s.style_id: s.name for s in doc.styles}
    lines = _story_lines(doc.element.body, "body", names)
    for n, section in enumerate(doc.sections, 1):
        for kind in ("header", "first_page_header", "even_page_header", "footer", "first_page_footer", "even_page_footer"):
            story = getattr(section, kind)
            if not story.is_linked_to_previous:
                lines += _story_lines(story._element, f"section {n} {kind.replace('_', ' ')}", names)
    return lines


def _inches(value) -> str | None:
    return None if value is None else f"{value.inches:.2f}in"


def _points(value) -> str | None:
    return None if value is None else f"{value.pt:g}pt"


def layout_facts(doc) -> dict[str, str]:
    """Style, numbering and page settings as flat 'what: value' pairs, so a change reads as one line."""
    facts = {}
    for n, s in enumerate(doc.sections, 1):
        for name in ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin",
                     "header_distance", "footer_distance"):
            facts[f"section {n} {name.replace('_', ' ')}"] = _inches(getattr(s, name))
        facts[f"section {n} orientation"] = str(s.orientation)
    for style in doc.styles:
        if style.type is None:
            continue
        base = f"style '{style.name}'"
        facts[base] = "defined"
        font = getattr(style, "font", None)
        if font is None:  # numbering styles carry no character formatting
            continue
        for name, value in (("font", font.name), ("size", _points(font.size)), ("bold", font.bold),
                            ("italic", font.italic), ("all caps", font.all_caps),
                            ("color", font.color.rgb if font.color and font.color.type else None),
                            ("based on", style.base_style.name if style.base_style is not None else None)):
            if value is not None:
                facts[f"{base} {name}"] = str(value)
        fmt = getattr(style, "paragraph_format", None)
        if fmt is None:
            continue
        spacing = fmt.line_spacing
        for name, value in (("line spacing", _points(spacing) if hasattr(spacing, "emu") else spacing),
                            ("line spacing rule", fmt.line_spacing_rule), ("space before", _points(fmt.space_before)),
                            ("space after", _points(fmt.space_after)), ("alignment", fmt.alignment),
                            ("left indent", _points(fmt.left_indent)), ("first line indent", _points(fmt.first_line_indent)),
                            ("keep with next", fmt.keep_with_next), ("keep lines together", fmt.keep_together)):
            if value is not None:
                facts[f"{base} {name}"] = str(value)
        num = style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num is not None:
            facts[f"{base} numbering"] = _numbering_of(doc, num.get(qn("w:val")))
    return facts


def _numbering_of(doc, num_id: str) -> str:
    """A list's look (format and text of its first level), not its internal ids."""
    numbering = doc.part.numbering_part.element
    for num in numbering.iterchildren(qn("w:num")):
        if num.get(qn("w:numId")) == num_id:
            abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
            for abstract in numbering.iterchildren(qn("w:abstractNum")):
                if abstract.get(qn("w:abstractNumId")) == abstract_id:
                    lvl = abstract.find(qn("w:lvl"))
                    fmt, text = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
                    return (f"{fmt.get(qn('w:val')) if fmt is not None else '?'} "
                            f"'{text.get(qn('w:val')) if text is not None else ''}'")
    return f"missing list {num_id}"


def diff(old: bytes | None, new: bytes | None, old_label: str = "old", new_label: str = "new") -> str:
    """The review text for a change from ``old`` to ``new`` (None: the file does not exist there)."""
    docs = [Document(io.BytesIO(b)) if b is not None else None for b in (old, new)]
    lines = [text_lines(d) if d is not None else [] for d in docs]
    facts = [layout_facts(d) if d is not None else {} for d in docs]
    out = list(difflib.unified_diff(lines[0], lines[1], old_label, new_label, lineterm="", n=1))
    changes = []
    for key in sorted(facts[0].keys() | facts[1].keys()):
        before, after = facts[0].get(key), facts[1].get(key)
        if before != after:
            changes.append(f"  {key}: {before if before is not None else '(none)'} -> "
                           f"{after if after is not None else '(none)'}")
    if changes:
        out += ["", "Style and layout changes:", *changes]
    return "\n".join(out)


def _git_blob(path: Path, rev: str) -> bytes | None:
    proc = subprocess.run(["git", "show", f"{rev}:./{path.name}"], cwd=path.parent, capture_output=True)
    return proc.stdout if proc.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="a template (compared across revisions), or OLD NEW")
    parser.add_argument("--rev", action="append", default=[], help="git revision (once: vs working copy; twice: A vs B)")
    args = parser.parse_args(argv)
    if len(args.files) == 2 and not args.rev:
        old_path, new_path = args.files
        missing = [str(p) for p in args.files if not p.is_file()]
        if missing:
            print(f"template_diff: no such file: {', '.join(missing)}", file=sys.stderr)
            return 2
        text = diff(old_path.read_bytes(), new_path.read_bytes(), str(old_path), str(new_path))
    elif len(args.files) == 1 and len(args.rev) <= 2:
        path = args.files[0].resolve()
        revs = args.rev or ["HEAD"]
        old = _git_blob(path, revs[0])
        if len(revs) == 2:
            new, new_label = _git_blob(path, revs[1]), f"{revs[1]}:{args.files[0]}"
        else:
            new, new_label = (path.read_bytes() if path.is_file() else None), f"working copy {args.files[0]}"
        if old is None and new is None:
            print(f"template_diff: {args.files[0]} exists in neither version", file=sys.stderr)
            return 2
        text = diff(old, new, f"{revs[0]}:{args.files[0]}", new_label)
    else:
        parser.error("give one template (with up to two --rev) or two files")
    print(text or "No changes.")
    return 1 if text else 0


if __name__ == "__main__":
    sys.exit(main())
