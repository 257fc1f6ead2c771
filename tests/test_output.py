"""Publishing a drafts set (output.py): every clause of its guarantee, with real kills and real concurrency.

``TRAFFICKINGRELIEF_KILL_TRIALS`` sets how many kill -9 trials run (CI default 12; the issue's figure is 50).
"""
from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docassemble.traffickingrelief.errors import AssemblyError
from docassemble.traffickingrelief import output
from docassemble.traffickingrelief.output import MANIFEST, publish, sweep

KILL_TRIALS = int(os.environ.get("TRAFFICKINGRELIEF_KILL_TRIALS", "12"))


def writer(version: str, names=("a.txt", "sub/b.txt", "sub/c.txt")):
    def build(work: Path, kept):
        for name in names:
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(f"{name} version {version}\n", encoding="utf-8")
    return build


def leftovers(parent: Path, out: Path) -> list[str]:
    """Anything a run left beside OUT: hidden set folders or the lock file."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{out.name}.traffickingrelief"))


def test_a_fresh_set_gets_a_manifest_of_what_the_tool_wrote(tmp_path):
    out = tmp_path / "drafts"
    result = publish(out, writer("1"))
    assert result.written == ("a.txt", "sub/b.txt", "sub/c.txt") and result.kept == ()
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["generator"] == "traffickingrelief" and sorted(manifest["files"]) == list(result.written)
    assert leftovers(tmp_path, out) == []
    assert stat.S_IMODE(out.stat().st_mode) == 0o700  # drafts hold a survivor's data: private by default


def test_user_edits_and_additions_survive_a_rerun_byte_for_byte(tmp_path):
    out = tmp_path / "drafts"
    publish(out, writer("1", ("a.txt", "sub/b.txt", "sub/c.txt", "gone.txt")))
    (out / "sub" / "b.txt").write_bytes(b"the attorney's edits\x00\xff")
    (out / "scan.pdf").write_bytes(b"%PDF- a scan the attorney added")
    (out / "notes").mkdir()
    (out / "sub" / "deeper").mkdir()
    (out / "sub" / "deeper" / "memo.txt").write_text("memo", encoding="utf-8")
    result = publish(out, writer("2"))
    assert result.kept == ("scan.pdf", "sub/b.txt", "sub/deeper/memo.txt")
    assert result.renamed == {"sub/b.txt": "sub/b.new.txt"}
    assert (out / "sub" / "b.txt").read_bytes() == b"the attorney's edits\x00\xff"
    assert (out / "sub" / "b.new.txt").read_text(encoding="utf-8") == "sub/b.txt version 2\n"
    assert (out / "scan.pdf").read_bytes() == b"%PDF- a scan the attorney added"
    assert (out / "sub" / "deeper" / "memo.txt").read_text(encoding="utf-8") == "memo"
    assert (out / "notes").is_dir()
    assert (out / "a.txt").read_text(encoding="utf-8") == "a.txt version 2\n"
    assert not (out / "gone.txt").exists()  # the tool's own unchanged file, no longer part of the set
    # A third run: the edited file is still the user's; the tool's renamed copy is replaced, not multiplied.
    third = publish(out, writer("3"))
    assert third.renamed == {"sub/b.txt": "sub/b.new.txt"}
    assert (out / "sub" / "b.txt").read_bytes() == b"the attorney's edits\x00\xff"
    assert (out / "sub" / "b.new.txt").read_text(encoding="utf-8") == "sub/b.txt version 3\n"
    assert not (out / "sub" / "b.new-2.txt").exists()
    assert leftovers(tmp_path, out) == []


def test_a_document_and_its_pdf_move_aside_together_when_the_user_edited_one(tmp_path):
    out = tmp_path / "drafts"
    names = ("motion.docx", "motion.pdf", "order.docx")
    publish(out, writer("1", names))
    (out / "motion.docx").write_text("edited by the attorney", encoding="utf-8")
    result = publish(out, writer("2", names))
    assert result.kept == ("motion.docx",)
    assert result.renamed == {"motion.docx": "motion.new.docx", "motion.pdf": "motion.new.pdf"}
    assert (out / "motion.docx").read_text(encoding="utf-8") == "edited by the attorney"
    assert (out / "motion.new.pdf").read_text(encoding="utf-8") == "motion.pdf version 2\n"
    assert not (out / "motion.pdf").exists()  # the tool's own old PDF of the edited motion is replaced


def test_a_foreign_folder_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "photos"
    out.mkdir()
    (out / "family.jpg").write_bytes(b"not ours")
    with pytest.raises(AssemblyError, match="not a drafts folder made by this tool"):
        publish(out, writer("1"))
    assert [p.name for p in out.iterdir()] == ["family.jpg"]
    assert leftovers(tmp_path, out) == []


def test_a_forged_or_broken_manifest_counts_as_foreign(tmp_path):
    out = tmp_path / "drafts"
    out.mkdir()
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    (out / "a.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(AssemblyError, match="not a drafts folder made by this tool"):
        publish(out, writer("1"))
    assert (out / "a.txt").read_text(encoding="utf-8") == "mine"


def test_a_foreign_empty_folder_is_used_and_keeps_its_permissions(tmp_path):
    out = tmp_path / "shared"
    out.mkdir()
    os.chmod(out, 0o750)
    publish(out, writer("1"))
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert (out / "a.txt").is_file()


@pytest.mark.parametrize("where", ["under_a_file", "is_a_file", "is_a_symlink"])
def test_an_impossible_destination_is_a_message(tmp_path, where):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    out = {"under_a_file": blocker / "drafts", "is_a_file": blocker, "is_a_symlink": tmp_path / "link"}[where]
    if where == "is_a_symlink":
        (tmp_path / "real").mkdir()
        out.symlink_to(tmp_path / "real")
    with pytest.raises(AssemblyError):
        publish(out, writer("1"))
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_failing_build_leaves_the_previous_set_and_no_temp_folder(tmp_path):
    out = tmp_path / "drafts"
    publish(out, writer("1"))
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(work: Path, kept):
        writer("2")(work, kept)
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        publish(out, broken)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert leftovers(tmp_path, out) == []


def test_without_an_atomic_exchange_the_two_rename_swap_is_used(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    out = tmp_path / "drafts"
    publish(out, writer("1"))
    publish(out, writer("2"))
    assert (out / "a.txt").read_text(encoding="utf-8") == "a.txt version 2\n"
    assert leftovers(tmp_path, out) == []


def test_a_crash_between_the_two_renames_is_repaired_by_the_next_run(tmp_path):
    out = tmp_path / "drafts"
    publish(out, writer("1"))
    # The state a kill leaves between "OUT -> old" and "new -> OUT": OUT missing, both sets hidden.
    out.rename(tmp_path / ".drafts.traffickingrelief-old-abc123")
    (tmp_path / ".drafts.traffickingrelief-new-abc123").mkdir()
    sweep(out)
    assert (out / "a.txt").read_text(encoding="utf-8") == "a.txt version 1\n"
    assert leftovers(tmp_path, out) == []


def test_the_exchange_is_one_renameat2_call_on_linux(tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux-only; elsewhere the two-rename swap is tested above")
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a", encoding="utf-8")
    (b / "x").write_text("b", encoding="utf-8")
    assert output._exchange(a, b) is True
    assert (a / "x").read_text(encoding="utf-8") == "b" and (b / "x").read_text(encoding="utf-8") == "a"


# ---------------------------------------------------------------------------------------------
# Real processes

CHILD = r"""
import sys, time
from pathlib import Path
from docassemble.traffickingrelief.output import publish
out, version, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
def build(work, kept):
    for i in range(40):
        (work / f"doc{i:02}.txt").write_text(f"doc{i} version {version}\n" * 200)
        time.sleep(pause)
try:
    publish(out, build, wait_seconds=float(sys.argv[4]) if len(sys.argv) > 4 else 600)
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(1)
print("published")
"""


def run_child(out: Path, version: str, pause: float, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(out), version, str(pause), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def set_version(out: Path) -> str:
    """The version of a complete set, or fail: every file present, same version, hashes as the manifest says."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    versions = set()
    for i in range(40):
        rel = f"doc{i:02}.txt"
        assert output._sha256(out / rel) == manifest[rel]
        versions.add((out / rel).read_text(encoding="utf-8").split()[2])
    assert len(versions) == 1, versions
    return versions.pop()


def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def kill_trials(tmp_path: Path, trials: int) -> dict:
    out = tmp_path / "drafts"
    first = run_child(out, "v0", 0)
    assert first.wait(60) == 0, first.stderr.read()
    (out / "attorney-notes.txt").write_text("kept through every kill", encoding="utf-8")
    rng = random.Random(9)
    outcomes = {"previous": 0, "new": 0}
    for trial in range(1, trials + 1):
        before = set_version(out)
        child = run_child(out, f"v{trial}", 0.002)
        assert wait_for(lambda: leftovers(tmp_path, out) or child.poll() is not None, 300)  # the build has begun
        time.sleep(rng.uniform(0, 0.7))  # build (~0.1 s), manifest, fsync, exchange, clean-up (~0.4 s): anywhere
        child.send_signal(signal.SIGKILL)
        child.wait()
        after = set_version(out)  # OUT exists and is complete at once, before any cleanup
        assert after in (before, f"v{trial}")
        outcomes["previous" if after == before else "new"] += 1
        assert (out / "attorney-notes.txt").read_text(encoding="utf-8") == "kept through every kill"
        assert wait_for(lambda: leftovers(tmp_path, out) == [], 30), leftovers(tmp_path, out)
    return outcomes


def test_kill_9_mid_publish_leaves_a_complete_set_and_no_temp_folder(tmp_path):
    outcomes = kill_trials(tmp_path, KILL_TRIALS)
    print(f"kill -9 trials: {outcomes}")
    assert sum(outcomes.values()) == KILL_TRIALS and outcomes["previous"] > 0


def test_two_runs_on_one_folder_take_turns_and_a_third_that_cannot_wait_says_so(tmp_path):
    out = tmp_path / "drafts"
    slow = run_child(out, "slow", 0.15)         # holds the lock for about 6 s
    assert wait_for(lambda: leftovers(tmp_path, out) != [], 60)  # it holds the lock and is building
    waiting = run_child(out, "second", 0)        # waits for the lock, then publishes
    impatient = run_child(out, "third", 0, "0.2")
    assert impatient.wait(30) == 1
    message = impatient.stderr.read()
    assert message.startswith("AssemblyError: another traffickingrelief run is writing") and "Traceback" not in message
    assert slow.wait(60) == 0 and waiting.wait(60) == 0
    assert set_version(out) == "second"
    assert leftovers(tmp_path, out) == []


# ---------------------------------------------------------------------------------------------
# kill -9 of the real CLI mid-assembly, LibreOffice included when it is installed

CLI_KILL_TRIALS = int(os.environ.get("TRAFFICKINGRELIEF_CLI_KILL_TRIALS", "3"))


def complete_set(out: Path) -> dict[str, str]:
    """The manifest of a complete set (every file it names present with its hash, the report's documents
    all there), or fail."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    for rel, digest in manifest.items():
        assert output._sha256(out / rel) == digest, rel
    report = json.loads((out / "assembly-report.json").read_text(encoding="utf-8"))
    assert report["documents"] and all((out / d["file"]).is_file() for d in report["documents"])
    return manifest


def processes_under(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_kill_9_of_the_cli_mid_assembly_leaves_a_complete_set_no_temp_and_no_libreoffice(tmp_path):
    import shutil as _shutil

    from tests.conftest import minimal_case

    pdf = ["--pdf"] if (_shutil.which("soffice") or _shutil.which("libreoffice")) else ["--no-pdf"]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    cases = []
    for n in (1, 2):
        data = minimal_case(case_number=f"CP-00-CR-000000{n}-2018")
        cases.append(tmp_path / f"case{n}.json")
        cases[-1].write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "drafts"
    env = {**os.environ, "TMPDIR": str(scratch)}
    cmd = [sys.executable, "-m", "docassemble.traffickingrelief.cli", "assemble", "--out", str(out), "--quiet", *pdf]
    first = subprocess.run([*cmd, str(cases[0])], env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    (out / "attorney-notes.txt").write_text("kept", encoding="utf-8")
    rng = random.Random(50)
    outcomes = {"previous": 0, "new": 0}
    for trial in range(CLI_KILL_TRIALS):
        before = complete_set(out)
        started = time.monotonic()
        child = subprocess.Popen([*cmd, str(cases[(trial + 1) % 2])], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: leftovers(tmp_path, out) or child.poll() is not None, 300)  # slow on a loaded machine
        # Kill anywhere from rendering through LibreOffice to the exchange (a run takes ~2-10 s here).
        time.sleep(rng.uniform(0, 6 if pdf == ["--pdf"] else 1.5))
        if processes_under(str(scratch)):
            outcomes["killed_during_libreoffice"] = outcomes.get("killed_during_libreoffice", 0) + 1
        child.send_signal(signal.SIGKILL)
        child.wait()
        after = complete_set(out)
        outcomes["previous" if after == before else "new"] += 1
        assert (out / "attorney-notes.txt").read_text(encoding="utf-8") == "kept"
        assert wait_for(lambda: leftovers(tmp_path, out) == [], 30), leftovers(tmp_path, out)
        assert wait_for(lambda: processes_under(str(scratch)) == [], 30), "LibreOffice outlived the run"
        assert wait_for(lambda: list(scratch.iterdir()) == [], 10), list(scratch.iterdir())
        print(f"trial {trial + 1}: {'previous' if after == before else 'new'} set, {time.monotonic() - started:.1f} s")
    print(f"CLI kill -9 trials ({pdf[0]}): {outcomes}")
