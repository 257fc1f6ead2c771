"""The retention period is enforced on the server: an idle session and its files are erased, a recent one stays.

A fictional client's papers are made in the browser; the session is then made older than the server's
`interview delete days` by moving its last-change time back in PostgreSQL (what idling would do). A
second session, started just now, is left as it is. `server/retention` runs docassemble's own daily
cleanup (`cron_daily`) and then erases the files of erased sessions, the same command server/start
schedules. Afterwards the old session has no answers, no key rows, no upload rows and no files on disk;
the recent session keeps its answers.
"""
from __future__ import annotations

import subprocess

from helpers import ROOT, Interview, db_connect, server_config, session_rows, stored_file_dirs
from paths import DOWNLOAD_ID, NY_CASE, Case, walk

CASE = Case(**{**NY_CASE.__dict__, "name": "Tamsin Oldfield"})  # fictional


def age_session(uid: str, days: int) -> None:
    with db_connect() as conn, conn.cursor() as cur:
        cur.execute("update userdict set modtime = modtime - make_interval(days => %s) where key = %s", (days, uid))
        assert cur.rowcount > 0


def test_an_idle_session_and_its_files_are_erased_after_the_retention_period(server_url, browser, page):
    days = int(server_config()["interview delete days"])
    it = Interview(page, server_url)
    it.start()
    walk(it, CASE)
    it.expect_question(DOWNLOAD_ID)
    old = it.session_uid()
    dirs = stored_file_dirs(old)
    assert len(dirs) >= 8 and all(d.is_dir() for d in dirs), dirs
    assert session_rows(old)["userdict"] > 0

    recent_context = browser.new_context()
    try:
        recent = Interview(recent_context.new_page(), server_url)
        recent.start()
        new = recent.session_uid()
    finally:
        recent_context.close()
    assert new != old and session_rows(new)["userdict"] > 0

    age_session(old, days + 1)  # idle one day longer than the retention period
    run = subprocess.run([str(ROOT / "server" / "retention")], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "file(s) of erased sessions removed" in run.stdout, run.stdout

    after = session_rows(old)
    assert after["userdict"] == 0 and after["userdictkeys"] == 0 and after["uploads"] == 0, after
    left = [d for d in dirs if d.exists()]
    assert not left, f"files of the erased session still on disk: {left}"
    assert session_rows(new)["userdict"] > 0, "a session inside the retention period was erased"
    assert CASE.name not in run.stdout + run.stderr
