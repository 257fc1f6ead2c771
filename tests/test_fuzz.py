"""Fuzzing whole case files through the CLI: every outcome is a result or a message, never a traceback,
a hang, an echo of the client's text, or output left by a failed run.

Case files are generated from the case file's own JSON Schema (so every field is reached), then
mutated with the classes of input the fault probe of issue 9 found: alias bombs, deep nesting,
complex and duplicate keys, huge numbers, dates that overflow later arithmetic, non-ASCII digits,
trailing newlines, text-direction and control characters, unknown fields, wrong types, long text and
long lists, unknown jurisdictions, byte-order marks. Every piece of client text carries a sentinel
word, and no message may contain it.

CI runs ``TRAFFICKINGRELIEF_FUZZ_EXAMPLES`` (default 120) examples; a longer local run:
``TRAFFICKINGRELIEF_FUZZ_EXAMPLES=10000 nice -n 19 .venv/bin/python -m pytest -q -s tests/test_fuzz.py``.
Every case is loaded and screened as the CLI does. The whole CLI ``assemble`` (DOCX, no PDF) also runs for
one valid case in ``TRAFFICKINGRELIEF_FUZZ_ASSEMBLE_EVERY`` (default 4) and one refused case in
``TRAFFICKINGRELIEF_FUZZ_CLI_REFUSED_EVERY`` (default 1: all of them), checking its exit status, its
messages, and that a failed run leaves no output.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docassemble.traffickingrelief.cli import main
from docassemble.traffickingrelief.errors import CaseFileError, UnknownJurisdictionError
from docassemble.traffickingrelief.facts import case_file_schema, load_case
from docassemble.traffickingrelief.screening import screen
from docassemble.traffickingrelief.resources import JURISDICTIONS_DIR

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # large generated values

EXAMPLES = int(os.environ.get("TRAFFICKINGRELIEF_FUZZ_EXAMPLES", "200"))
ASSEMBLE_EVERY = int(os.environ.get("TRAFFICKINGRELIEF_FUZZ_ASSEMBLE_EVERY", "4"))
CLI_REFUSED_EVERY = int(os.environ.get("TRAFFICKINGRELIEF_FUZZ_CLI_REFUSED_EVERY", "1"))
HANG_SECONDS = 5.0
SENTINEL = "Qwyzzle"  # an invented word that no message, schema name or law text contains
SCHEMA = case_file_schema()
KNOWN_CODES = sorted(p.stem for p in JURISDICTIONS_DIR.glob("*.yml"))

# ---------------------------------------------------------------------------------------------
# Hostile pieces

HOSTILE_CHARS = ["\u202e", "\u2066", "\u200f", "\n", "\r\n", "\t", "\x00", "\x0b", "\ufeff", "\ufffe", "{{ x }}",
                 "{% if %}", "<b>&amp;", "]]>", "\\", "'", '"', "\u0660", "\U0001f600", "\ud7ff", "%s", "${x}"]
client_text = st.builds(lambda parts: SENTINEL + "".join(parts), st.lists(
    st.integers(1, 6).flatmap(lambda n: st.sampled_from(HOSTILE_CHARS) if n == 1
                              else st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=12)),
    max_size=4))

valid_date = st.dates(min_value=__import__("datetime").date(1950, 1, 1),
                      max_value=__import__("datetime").date(2030, 12, 31)).map(lambda d: d.isoformat())
odd_date = st.sampled_from(["9999-12-31", "2100-12-31", "1900-01-01", "0001-01-01", "2019-02-30", "2019-13-01",
                            "2019-03-04\n", "\u0662\u0660\u0661\u0669-\u0660\u0663-\u0660\u0664", "19-3-4",
                            f"{SENTINEL}-01-01", "2019-03-04T00:00:00", " 2019-03-04"])


def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy, odd_in: int = 10) -> st.SearchStrategy:
    """``usual``, and ``odd`` about once in ``odd_in`` draws (so most generated cases stay valid)."""
    return st.integers(1, odd_in).flatmap(lambda n: odd if n == 1 else usual)


date_value = mostly(valid_date, odd_date)
money_value = mostly(st.decimals(min_value=0, max_value=10**6, places=2).map(str),
                     st.sampled_from(["1e9", "NaN", "12.345", "\u0661\u0662.50", "12.50\n", "-5", "1" * 40]))
odd_scalar = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(), client_text, st.just(SENTINEL * 3000), st.lists(client_text, max_size=3),
    st.dictionaries(client_text, client_text, max_size=2))


def from_schema(node: dict, depth: int = 0) -> st.SearchStrategy:
    """Mostly valid values for a schema node; client text always carries the sentinel."""
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[1]
        if name in ("date", "opt_date"):
            return date_value if name == "date" else st.one_of(st.none(), date_value)
        if name in ("money", "hours"):
            return money_value
        if name == "jurisdiction":
            return mostly(st.sampled_from(KNOWN_CODES), st.sampled_from(["ZZ", "pa", "P A", "PA\n", SENTINEL]))
        if name == "id":
            return mostly(st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True), st.just(SENTINEL.lower()))
        return from_schema(SCHEMA["$defs"][name], depth)
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "const" in node:
        return st.just(node["const"])
    if "oneOf" in node:
        return st.one_of([from_schema(n, depth) for n in node["oneOf"]])
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "object" in kinds:
        props = node.get("properties", {})
        required = set(node.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v, depth + 1) for k, v in props.items() if k in required},
            optional={k: from_schema(v, depth + 1) for k, v in props.items() if k not in required})
    if "array" in kinds:
        return st.lists(from_schema(node.get("items", {}), depth + 1), max_size=3 if depth < 2 else 2)
    if "string" in kinds:
        base = client_text
        if "pattern" in node:
            pattern = st.from_regex(node["pattern"].strip("^$"), fullmatch=True, alphabet=st.characters(codec="ascii"))
            base = mostly(pattern, client_text)
        return st.one_of(st.none(), base) if "null" in kinds else base
    if "integer" in kinds:
        return st.one_of(st.integers(min_value=node.get("minimum", -5), max_value=node.get("maximum", 200)),
                         st.none() if "null" in kinds else st.integers(0, 3))
    if "boolean" in kinds:
        return st.booleans()
    return st.none()


case_data = from_schema(SCHEMA)


def leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))
    yield path


def set_at(data, path, value):
    if not path:
        return value
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


@st.composite
def mutated(draw, base=case_data):
    data = draw(base)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))):
        paths = list(leaves(data))
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "unknown_field", "delete", "deep", "long_list", "date"]))
        if action == "replace":
            data = set_at(data, path, draw(odd_scalar))
        elif action == "date":
            data = set_at(data, path, draw(odd_date))
        elif action == "unknown_field":
            parent = data if not path else _parent_dict(data, path)
            if isinstance(parent, dict):
                parent[draw(client_text)] = draw(odd_scalar)
        elif action == "delete" and path:
            parent = _get(data, path[:-1])
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
        elif action == "deep":
            nested = draw(client_text)
            for _ in range(draw(st.integers(5, 60))):
                nested = [nested] if draw(st.booleans()) else {"k": nested}
            data = set_at(data, path, nested)
        elif action == "long_list":
            data = set_at(data, path, [draw(client_text)] * draw(st.sampled_from([10, 251, 2000])))
    return data


def _get(data, path):
    for step in path:
        data = data[step]
    return data


def _parent_dict(data, path):
    target = _get(data, path[:-1]) if len(path) > 1 else data
    return target if isinstance(target, dict) else None


def alias_bomb(levels: int) -> str:
    lines = [f'a0: &a0 ["{SENTINEL}"' + f', "{SENTINEL}"' * 8 + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


raw_documents = st.one_of(
    st.integers(4, 12).map(alias_bomb),
    st.integers(30, 20000).map(lambda n: "[" * n + "]" * n),
    st.integers(30, 20000).map(lambda n: f"{SENTINEL}: " + "{a: " * n + "1" + "}" * n),
    st.just(f"? [{SENTINEL}]\n: 1\n"),
    st.just(f"client: &c {{legal_name: {SENTINEL}, me: *c}}\n"),
    st.integers(19, 6000).map(lambda n: f"case_file_version: {'9' * n}\n"),
    st.just(f"{SENTINEL}: 1\n{SENTINEL}: 2\n"),
    st.just("<<: {client: 1}\n"),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.text(max_size=200).map(lambda t: SENTINEL + t),
)


@st.composite
def case_file(draw):
    """(file name, bytes): a mutated case as YAML or JSON, sometimes with a BOM, or a raw hostile document."""
    if draw(st.integers(0, 9)) == 0:
        text = draw(raw_documents)
        name = draw(st.sampled_from(["case.yml", "case.json"]))
    else:
        data = draw(mutated())
        if draw(st.booleans()):
            name, text = "case.json", json.dumps(data, ensure_ascii=draw(st.booleans()), default=str)
        else:
            name, text = "case.yml", yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False)
    body = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 4)) == 0:
        body = b"\xef\xbb\xbf" + body
    return name, body


STATS: Counter = Counter()
PROGRESS = os.environ.get("TRAFFICKINGRELIEF_FUZZ_PROGRESS")  # a file that receives the running counts


def run_cli(argv: list[str]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)  # any exception escaping here is a traceback a user would see
    return code, out.getvalue(), err.getvalue(), time.monotonic() - started


def check_one(name: str, body: bytes) -> None:
    """Load and screen as the CLI does; then, for a share of cases, the whole CLI ``assemble``."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(body)
        started, cpu_started = time.monotonic(), time.process_time()
        try:  # any exception other than these two is a traceback a user would see
            screen(load_case(path))
            messages, valid = [], True
        except (CaseFileError, UnknownJurisdictionError) as exc:
            messages, valid = [str(exc)], False
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu_started
        # A hang is work, not waiting: CPU time is the measure (a long run at nice 19 on a busy machine
        # stretches the wall clock); the wall clock is recorded beside it.
        assert cpu < HANG_SECONDS, f"loading and screening took {cpu:.1f} s of CPU"
        assert not any(SENTINEL in m for m in messages), messages
        STATS["valid" if valid else "refused"] += 1
        STATS["max_load_screen_cpu_seconds"] = max(STATS["max_load_screen_cpu_seconds"], cpu)
        STATS["max_load_screen_wall_seconds"] = max(STATS["max_load_screen_wall_seconds"], seconds)
        if STATS["valid" if valid else "refused"] % (ASSEMBLE_EVERY if valid else CLI_REFUSED_EVERY) == 0:
            out = Path(folder) / "drafts"
            cpu_started = time.process_time()
            code, stdout, stderr, seconds = run_cli(["assemble", str(path), "--out", str(out), "--no-pdf", "--quiet"])
            cpu = time.process_time() - cpu_started
            STATS["cli_assembled" if code == 0 else "cli_refused"] += 1
            STATS["max_cli_cpu_seconds"] = max(STATS["max_cli_cpu_seconds"], cpu)
            STATS["max_cli_wall_seconds"] = max(STATS["max_cli_wall_seconds"], seconds)
            assert cpu < HANG_SECONDS, f"the CLI took {cpu:.1f} s of CPU"
            assert SENTINEL not in stderr, stderr
            assert code in ((0,) if valid else (1, 2)), (code, stderr)
            if code != 0:
                assert stderr.startswith("traffickingrelief: ") and "Traceback" not in stderr
                assert not out.exists(), "a failed run left output"
                assert [p.name for p in Path(folder).iterdir() if not p.name.endswith(".lock")] == [name], \
                    "a failed run left a temp folder"
    if PROGRESS and sum(STATS[k] for k in ("valid", "refused")) % 100 == 0:
        Path(PROGRESS).write_text(json.dumps(STATS, sort_keys=True), encoding="utf-8")


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 500,
          suppress_health_check=list(HealthCheck))
@given(case_file())
def fuzz_case_files(file):
    check_one(*file)


def test_fuzzed_case_files_are_a_result_or_a_message_never_a_traceback_hang_or_echo(tmp_path):
    from tests.conftest import EXAMPLE_CASE
    run_cli(["assemble", str(EXAMPLE_CASE), "--out", str(tmp_path / "warm"), "--no-pdf", "--quiet"])  # imports, templates
    STATS.clear()
    started = time.monotonic()
    fuzz_case_files()
    summary = {**STATS, "examples": sum(STATS[k] for k in ("valid", "refused")),
               "hypothesis_examples": EXAMPLES,
               "minutes": round((time.monotonic() - started) / 60, 1)}
    print(f"\nfuzz summary: {json.dumps(summary, sort_keys=True)}")
    assert STATS["refused"] > 0 and STATS["valid"] > 0  # the strategies reach both sides
