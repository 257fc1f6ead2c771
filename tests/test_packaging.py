"""The built wheel is what a docassemble server installs: everything must sit where the server looks."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = "docassemble/traffickingrelief"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Build from a clean copy: a stale build/ folder in the checkout would leak old files into the wheel.
    source = out / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", ".da-state", ".engine-state", "build", "dist", "*.egg-info", "drafts", "__pycache__"))
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, cwd=out)
    [built] = out.glob("docassemble_traffickingrelief-*.whl")
    return built


def _expected_data_files() -> set[str]:
    expected = {f"{PKG}/data/questions/{p.name}" for p in (ROOT / "interviews").glob("*.yml")}
    expected |= {f"{PKG}/data/templates/{p.relative_to(ROOT / 'templates').as_posix()}" for p in (ROOT / "templates").rglob("*.docx")}
    for folder in ("sources", "static"):
        root = ROOT / PKG / "data" / folder
        expected |= {f"{PKG}/data/{folder}/{p.relative_to(root).as_posix()}" for p in root.rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts}
    return expected


def test_wheel_holds_every_interview_template_and_data_file_where_docassemble_looks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = _expected_data_files() - names
    assert not missing, sorted(missing)
    assert len([n for n in names if n.startswith(f"{PKG}/data/sources/jurisdictions/")]) == 52
    modules = {p.relative_to(ROOT / PKG).with_suffix("").as_posix() for p in (ROOT / PKG).rglob("*.py")}
    assert {"family", "families/record_relief/__init__", "families/record_relief/screening"} <= modules
    for module in modules:  # every module, the built-in families included
        assert f"{PKG}/{module}.py" in names
    assert "docassemble/__init__.py" not in names  # a namespace package, as docassemble expects
    assert not any(n.startswith(("tests/", "tools/", "bench/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "traffickingrelief = docassemble.traffickingrelief.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_layout_runs_the_demo(wheel, tmp_path):
    """Unpacked wheel, no source checkout on the path: templates resolve from data/templates."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), sysconfig.get_paths()["purelib"]])}
    probe = subprocess.run([sys.executable, "-S", "-c", "import docassemble.traffickingrelief.resources as r; "
                            "print(r.TEMPLATES_DIR)"], capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    assert probe.stdout.strip() == str(site / PKG / "data" / "templates")
    run = subprocess.run([sys.executable, "-S", "-m", "docassemble.traffickingrelief.cli", "demo", "--no-pdf", "--quiet"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "drafts" / "record_relief" / "PA-1-motion.docx").is_file()
