"""Drafts sealed at rest (sealed_files.py) and the one-time download route (download_route.py).

This tier has docassemble's own dependencies (cryptography, Flask), which the sealing uses on a server.
The browser tier proves the same on the real server's disk (tests/browser/test_encryption_at_rest.py).
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from docx import Document

from docassemble.traffickingrelief import download_route, interview_support as s, sealed_files
from docassemble.traffickingrelief.resources import read_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docassemble" / "traffickingrelief" / "data" / "sources" / "examples" / "example_case.yml"
NAME = "Ana Ejemplo"  # the bundled example's fictional client


class StoredFile:
    def __init__(self):
        self.filename, self.content = None, b""

    def initialize(self, filename):
        self.filename = filename

    def copy_into(self, path):
        self.content = Path(path).read_bytes()

    def commit(self):
        pass


class StoredFiles:
    def __init__(self):
        self.elements, self.gathered = [], False

    def appendObject(self):
        self.elements.append(StoredFile())
        return self.elements[-1]

    def clear(self):
        self.elements = []


class FakeRedis:
    def __init__(self):
        self.store = {}

    def set(self, key, value, ex=None):
        assert ex == sealed_files.ONE_TIME_SECONDS
        self.store[key] = value

    def getdel(self, key):
        return self.store.pop(key, None)


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_assembled_files_are_stored_sealed_and_unseal_to_the_drafts():
    data = read_yaml(EXAMPLE.read_text(encoding="utf-8"))
    key = sealed_files.new_file_key()
    files = StoredFiles()
    summary = s.assemble_into(data, files, pdf=False, key=key)
    assert [f.filename for f in files.elements] == [f["filename"] + ".sealed" for f in summary["files"]]
    for stored in files.elements:
        assert stored.content.startswith(b"gAAAAA")
        assert NAME.encode() not in stored.content and b"PK" not in stored.content[:4]
    motion = next(i for i, f in enumerate(summary["files"]) if f["filename"] == "NY-1-notice-of-motion.docx")
    plain = sealed_files.unseal(files.elements[motion].content, key)
    assert NAME in docx_text(plain)
    with pytest.raises(InvalidToken):
        sealed_files.unseal(files.elements[motion].content, sealed_files.new_file_key())
    archive = zipfile.ZipFile(io.BytesIO(sealed_files.unseal(files.elements[-1].content, key)))
    assert "NY-1-notice-of-motion.docx" in archive.namelist()


@pytest.mark.parametrize("name", ["../x.docx", "a/b.docx", "", ".hidden", "Ana Ejemplo.docx", "x" * 200, None])
def test_only_fixed_file_names_get_a_link(name):
    assert not sealed_files.safe_name(name)


def test_a_one_time_link_serves_the_file_once_with_its_name(monkeypatch):
    from flask import Flask

    redis = FakeRedis()
    monkeypatch.setattr(sealed_files, "server_redis", lambda: redis)
    monkeypatch.setattr(sealed_files, "_root", lambda: "/")
    app = Flask("t")
    assert download_route.register(app) and not download_route.register(app)
    client = app.test_client()

    url = sealed_files.one_time_download(b"%PDF-1.7 draft", "NY-1-notice-of-motion.pdf")
    slot = url.split("/")[2]
    assert url.startswith("/trfile/") and redis.store[sealed_files.ONE_TIME_PREFIX + slot] != b"%PDF-1.7 draft"
    first = client.get(url)
    assert first.status_code == 200 and first.data == b"%PDF-1.7 draft"
    assert first.headers["Content-Disposition"] == 'attachment; filename="NY-1-notice-of-motion.pdf"'
    assert first.headers["Content-Type"] == "application/pdf" and first.headers["Cache-Control"] == "no-store"
    assert client.get(url).status_code == 404  # used
    assert not redis.store

    html = sealed_files.one_time_download(b"<!doctype html><p>report", "assembly-report.html")
    shown = client.get(html)
    assert shown.headers["Content-Disposition"].startswith("inline") and "default-src 'none'" in \
        shown.headers["Content-Security-Policy"]

    wrong_key = sealed_files.one_time_download(b"x", "case-file.json").split("/")
    wrong_key[3] = sealed_files.new_file_key()
    assert client.get("/".join(wrong_key)).status_code == 404
    with pytest.raises(ValueError):
        sealed_files.one_time_download(b"x", "../../etc/passwd")
