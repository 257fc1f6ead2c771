"""The retention period, enforced on a docassemble server: erase idle sessions, then the files they leave.

docassemble's daily cron task (``cron_daily``: ``clear_old_interviews``) erases the answers of every
session idle for more than ``interview delete days``, and their files' ``uploads`` rows, but leaves
the files themselves on disk (sealed, for this interview's drafts, but still there).
So this runs docassemble's own daily task, the way its cron does (``python -m docassemble.webapp.cron
-type cron_daily``), and then erases every stored file that no ``uploads`` row refers to any more.

Run on the server, with its configuration in ``DA_CONFIG_FILE`` (``server/retention`` does this)::

    python -m docassemble.traffickingrelief.retention
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def run_docassemble_daily_cleanup() -> int:
    """docassemble's ``cron_daily`` (its cron module calls ``flask``, so the venv's bin goes on PATH)."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return subprocess.run([sys.executable, "-m", "docassemble.webapp.cron", "-type", "cron_daily"],
                          cwd=tempfile.gettempdir(), env=env, check=False).returncode


def erase_files_of_erased_sessions() -> int:
    """Erase stored files that no ``uploads`` row refers to any more; returns how many were erased.

    docassemble's cleanup deletes an erased session's ``uploads`` rows but not the files, so what is
    left on disk is a numbered folder nothing can serve or reach (docassemble writes a file's row
    before its folder, so a folder being written always has its row). Local storage only (``uploads:``);
    with cloud storage docassemble's own erasing applies.
    """
    from docassemble.webapp.server import app  # loads the server's configuration (DA_CONFIG_FILE)
    from docassemble.webapp.config import UPLOAD_DIRECTORY
    from docassemble.webapp.extensions import db
    from docassemble.webapp.files.savedfile import SavedFile
    from docassemble.webapp.main.models import Uploads
    from sqlalchemy import select

    with app.app_context():
        known = set(db.session.execute(select(Uploads.indexno)).scalars().all())
        erased = 0
        for folder in sorted(Path(UPLOAD_DIRECTORY).glob("[0-9a-f]" * 3 + "/" + "/".join(["[0-9a-f]" * 3] * 3))):
            number = int("".join(folder.relative_to(UPLOAD_DIRECTORY).parts), 16)
            if number in known or not folder.is_dir():
                continue
            try:
                SavedFile(number, fix=True).delete()
            except Exception:  # noqa: BLE001 (docassemble's bookkeeping; the folder itself goes below)
                pass
            shutil.rmtree(folder, ignore_errors=True)
            erased += 1
    return erased


def main() -> int:
    if not os.environ.get("DA_CONFIG_FILE"):
        print("retention: set DA_CONFIG_FILE to the server's config.yml", file=sys.stderr)
        return 2
    code = run_docassemble_daily_cleanup()
    if code != 0:
        print(f"retention: docassemble's daily cleanup failed (exit {code}); files were not swept", file=sys.stderr)
        return 1
    print(f"retention: docassemble's daily cleanup ran; {erase_files_of_erased_sessions()} file(s) of erased "
          "sessions removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
