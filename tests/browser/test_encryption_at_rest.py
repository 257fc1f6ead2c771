"""Drafts are sealed at rest on the server, and still download as the right DOCX (sealed_files.py).

After a fictional client's papers are made, every file the session stored is read from the server's
disk, opened the way a thief would (raw bytes, ZIP members such as a DOCX's XML, PDF text) and searched
for the client's name and case number: nothing. The same search finds them in the DOCX the download
link gives, so the search can see what it looks for. The download links work once; saving the case
file stores nothing on the server.
"""
from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path

from helpers import Interview, docx_text, stored_file_dirs
from paths import DOWNLOAD_ID, NY_CASE, Case, walk

CASE = Case(**{**NY_CASE.__dict__, "name": "Oriana Sealwright", "case_number": "2019KN004417"})  # fictional
SECRETS = (CASE.name, CASE.name.split()[-1], CASE.case_number)


def readable_text(data: bytes) -> str:
    """Everything legible in a file's bytes: raw, each ZIP member (nested ZIPs and DOCX too), PDF text."""
    parts = [data.decode("latin-1")]
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts += [readable_text(archive.read(name)) for name in archive.namelist()]
        except zipfile.BadZipFile:
            pass
    if data[:5] == b"%PDF-":
        parts.append(subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, timeout=60).stdout
                     .decode("utf-8", "replace"))
    return "\n".join(parts)


def session_files(uid: str) -> list[Path]:
    return [f for d in stored_file_dirs(uid) if d.is_dir() for f in d.iterdir() if f.is_file()]


def test_stored_drafts_hold_no_client_text_and_download_as_the_right_docx(server_url, page, tmp_path):
    it = Interview(page, server_url)
    it.start()
    walk(it, CASE)
    it.expect_question(DOWNLOAD_ID)
    uid = it.session_uid()

    stored = session_files(uid)
    assert len(stored) >= 8, stored  # motion and declaration (DOCX, PDF), four reports, the ZIP
    for path in stored:
        data = path.read_bytes()
        assert path.name in ("file", "file.sealed"), path.name  # docassemble's copy and the named one
        assert data.startswith(b"gAAAAA"), f"{path.name} is not a sealed token"  # Fernet, version 0x80
        text = readable_text(data)
        assert not any(s in text for s in SECRETS), f"client text readable in {path.name} on the server's disk"

    # the download gives the DOCX, named and readable, with the client's text in it
    links = {d.filename: d for d in it.download_all(tmp_path)}
    motion = links["NY-1-notice-of-motion.docx"]
    assert motion.data[:2] == b"PK" and CASE.name in docx_text(motion.path)
    assert CASE.case_number in readable_text(motion.data)  # the same search finds it when it is there
    assert links["NY-1-notice-of-motion.pdf"].data.startswith(b"%PDF-")
    assert {"assembly-report.html", "assembly-report.json", "drafts.zip"} <= set(links)

    # a person's click downloads the file under its own name
    with page.expect_download(timeout=60_000) as clicked:
        page.locator(".tr-files a[download='NY-1-notice-of-motion.docx']").first.click()
    assert clicked.value.suggested_filename == "NY-1-notice-of-motion.docx"
    clicked.value.save_as(tmp_path / "clicked.docx")
    assert CASE.name in docx_text(tmp_path / "clicked.docx")
    it.expect_question(DOWNLOAD_ID)

    # a download link works once: the action hands out a fresh one-time link each time
    href = page.locator(".tr-files a[download='NY-1-notice-of-motion.docx']").first.get_attribute("href")
    first = page.context.request.get(server_url + href if href.startswith("/") else href, max_redirects=0)
    assert first.status in (302, 303), first.status
    one_time = first.headers["location"]
    one_time = server_url + one_time if one_time.startswith("/") else one_time
    served = page.context.request.get(one_time)
    assert served.status == 200 and served.body()[:2] == b"PK"
    assert served.headers["content-disposition"] == 'attachment; filename="NY-1-notice-of-motion.docx"'
    assert "no-store" in served.headers["cache-control"]
    again = page.context.request.get(one_time)
    assert again.status == 404 and CASE.name not in again.text()

    # saving the case file hands it over without storing it
    save = page.locator("a.tr-save-later").get_attribute("href")
    saved = page.context.request.get(server_url + save if save.startswith("/") else save)
    assert saved.status == 200 and json.loads(saved.body())["client"]["legal_name"] == CASE.name
    assert saved.headers["content-disposition"] == 'attachment; filename="case-file.json"'
    after = session_files(uid)
    assert sorted(after) == sorted(stored), "saving the case file stored a file on the server"
    for path in after:
        assert not any(s in readable_text(path.read_bytes()) for s in SECRETS), path.name

    # nothing of the client's anywhere in the server's file storage (other sessions included)
    root = stored_file_dirs(uid)[0].parents[3]
    for path in (p for p in root.rglob("*") if p.is_file()):
        assert not any(s in readable_text(path.read_bytes()) for s in SECRETS), f"client text in {path}"
