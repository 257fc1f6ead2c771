"""Saving a python-docx package with the parts that never change between documents compressed once.

A template's styles (350 KB of XML in Word's default set, twice with ``stylesWithEffects``), theme,
numbering and settings are the same in every document made from it; python-docx serialises and deflates
them again for each one, which is most of the time of saving. ``save_package`` writes the same ZIP as
python-docx's ``PackageWriter`` (same members, order, bytes, compression and header fields; only the
members' timestamps are the time of writing, as they always were), taking the deflated bytes of the
unchanged parts from a ``DeflatedParts`` memo.
"""
from __future__ import annotations

import time
import zlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem


@dataclass(frozen=True)
class Deflated:
    """One member's data as zipfile would store it with ZIP_DEFLATED at the default level."""

    size: int
    crc: int
    data: bytes

    @classmethod
    def of(cls, blob: bytes) -> "Deflated":
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # zipfile's own settings
        return cls(len(blob), zlib.crc32(blob), compressor.compress(blob) + compressor.flush())


class DeflatedParts:
    """The deflated blob of each part that does not change from one document to the next, made on first use.

    A part counts as unchanged while it is the same part object holding the same XML element (or blob)
    as when it was deflated: a part a fill replaces or whose element it swaps is deflated afresh."""

    def __init__(self, parts):
        self._cache: dict[tuple[int, int], tuple[object, object, Deflated]] = {}
        self._static = {id(part) for part in parts}

    def get(self, part) -> Deflated | None:
        if id(part) not in self._static:
            return None
        content = getattr(part, "_element", None)
        if content is None:
            content = part.blob
        key = (id(part), id(content))
        hit = self._cache.get(key)
        if hit is None or hit[0] is not part or hit[1] is not content:
            hit = (part, content, Deflated.of(part.blob))
            self._cache[key] = hit
        return hit[2]


def _raw_write_supported(archive: zipfile.ZipFile) -> bool:
    return all(hasattr(archive, name) for name in ("start_dir", "_writecheck", "filelist", "NameToInfo", "fp"))


def _write_deflated(archive: zipfile.ZipFile, name: str, member: Deflated) -> None:
    """What ``ZipFile.writestr(name, blob)`` writes, with the deflating already done."""
    info = zipfile.ZipInfo(filename=name, date_time=time.localtime(time.time())[:6])
    info.compress_type = archive.compression
    info.external_attr = 0o600 << 16
    info.flag_bits = 0
    info.file_size, info.compress_size, info.CRC = member.size, len(member.data), member.crc
    archive.fp.seek(archive.start_dir)
    info.header_offset = archive.fp.tell()
    archive._writecheck(info)
    archive._didModify = True
    archive.fp.write(info.FileHeader(False))
    archive.fp.write(member.data)
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info


def save_package(package, path: Path, unchanged: DeflatedParts) -> None:
    """``package.save(path)``, reusing the deflated bytes of unchanged parts (python-docx's PackageWriter order:
    content types, package relationships, then each part followed by its relationships)."""
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        raw = _raw_write_supported(archive) and archive.compresslevel is None
        archive.writestr(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
        archive.writestr(PACKAGE_URI.rels_uri.membername, package.rels.xml)
        for part in parts:
            member = unchanged.get(part) if raw else None
            if member is None:
                archive.writestr(part.partname.membername, part.blob)
            else:
                _write_deflated(archive, part.partname.membername, member)
            if len(part.rels):
                archive.writestr(part.partname.rels_uri.membername, part.rels.xml)
