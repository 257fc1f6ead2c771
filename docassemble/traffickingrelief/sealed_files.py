"""Drafts and case files sealed at rest on the docassemble server, and handed out through one-time links.

docassemble encrypts a session's answers in its database, but keeps the files a session stores (uploads,
generated documents) in plain form under its ``uploads`` folder. So the interview never stores a
survivor's papers as they are:

- every draft, report and ZIP is sealed (Fernet: AES-128-CBC with an HMAC-SHA256 tag, from
  ``cryptography``, which docassemble itself depends on) with a key made for the session
  (``new_file_key``) and kept only in the answers, which docassemble encrypts; without the answers the
  files on disk are noise, and erasing the answers (quick exit, the retention period) leaves them so;
- a download is unsealed in memory and parked in Redis under a random slot, sealed again with a fresh
  key that only the link carries; the link works once (``take_one_time_download`` deletes the slot)
  and for ``ONE_TIME_SECONDS``; ``download_route`` serves it with the file's fixed, client-free name;
- the case file a person saves ("Save to finish later") is never written to the server's disk at all.

``cryptography`` is imported only when a key is used, so this module imports where it is absent (the
unit tier has no server storage and stores nothing).
"""
from __future__ import annotations

import re
import secrets
from typing import Any

from .server_redis import server_redis

ONE_TIME_PREFIX = "traffickingrelief:download:"
ONE_TIME_SECONDS = 120
ROUTE = "trfile"  # the download route's first path segment (download_route.py)
SEALED_SUFFIX = ".sealed"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
_SLOT = re.compile(r"^[0-9a-f]{32}$")

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "zip": "application/zip",
}


def _fernet(key: str):
    from cryptography.fernet import Fernet

    return Fernet(key.encode("ascii"))


def new_file_key() -> str:
    """A fresh random key (URL-safe base64 text) for one session's stored files."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")


def seal(content: bytes, key: str) -> bytes:
    """``content`` encrypted and authenticated with ``key``."""
    return _fernet(key).encrypt(content)


def unseal(token: bytes, key: str) -> bytes:
    """The bytes ``seal`` sealed; raises ``cryptography.fernet.InvalidToken`` for a wrong key or altered file."""
    return _fernet(key).decrypt(token)


def content_type(filename: str) -> str:
    """The Content-Type of one of the interview's fixed file names."""
    return CONTENT_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def safe_name(filename: Any) -> bool:
    """True for the interview's fixed, client-free file names (``NY-1-motion.docx``, ``drafts.zip``)."""
    return isinstance(filename, str) and bool(_SAFE_NAME.match(filename)) and ".." not in filename


def _root() -> str:
    from docassemble.base.util import get_config

    root = str(get_config("root") or "/")
    return root if root.endswith("/") else root + "/"


def one_time_download(content: bytes, filename: str) -> str:
    """Park ``content`` for one download and return its link (a path under the server's root).

    The bytes sit in Redis sealed with a new key that only the link holds, for ONE_TIME_SECONDS.
    """
    if not safe_name(filename):
        raise ValueError("one_time_download: not one of the interview's fixed file names")
    key, slot = new_file_key(), secrets.token_hex(16)
    server_redis().set(ONE_TIME_PREFIX + slot, seal(content, key), ex=ONE_TIME_SECONDS)
    return f"{_root()}{ROUTE}/{slot}/{key}/{filename}"


def take_one_time_download(slot: str, key: str) -> bytes | None:
    """The bytes parked under ``slot``, deleting them (a link works once); None when used, expired or wrong."""
    if not _SLOT.match(slot or ""):
        return None
    token = server_redis().getdel(ONE_TIME_PREFIX + slot)
    if token is None:
        return None
    try:
        return unseal(token if isinstance(token, bytes) else str(token).encode("ascii"), key)
    except Exception:  # noqa: BLE001 (wrong key or altered: the same answer as an expired link)
        return None


def stored_file_download(file_list: Any, files: list, index: Any, key: str) -> str | None:
    """The one-time link for file ``index`` of a sealed DAFileList (``files`` are assemble_into's descriptors)."""
    try:
        i = int(index)
        info, stored = files[i], file_list[i]
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    if i < 0:
        return None
    with open(stored.path(), "rb") as fh:
        return one_time_download(unseal(fh.read(), key), info["filename"])
