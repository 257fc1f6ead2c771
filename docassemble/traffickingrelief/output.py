"""Publishing a drafts set: non-destructive, atomic, one run at a time per folder.

The guarantee, for a destination folder OUT:

1. **Never lose the user's work.** The tool writes a manifest (``.traffickingrelief-manifest.json``)
   into every set with a SHA-256 of each file it wrote. On the next run, a file in OUT that the
   manifest does not list (the user added it) or whose content changed (the user edited it) is
   kept, byte for byte, at its path; the new set's own file of that name goes beside it as
   ``<name>.new<suffix>``. ``PublishResult.kept`` lists what was kept so the report can say so.
   A folder that is not empty and holds no manifest was not made by this tool (or by a version
   without manifests) and is refused; an empty one is used and keeps its permissions.
2. **All or nothing.** The new set is written into a hidden folder beside OUT and fsync'd, then
   exchanged with OUT in one step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames,
   and the next run puts the previous set back if a crash fell between them). At every instant
   OUT is either the complete previous set or the complete new one.
3. **One run at a time.** A lock file beside OUT (``.<name>.traffickingrelief.lock``, empty) is held
   for the whole run and removed after it; a second run waits for it (``wait_seconds``), then fails
   with a message, never a traceback.
4. **Nothing left behind.** Hidden folders of a killed run are removed: by a small guard process
   as soon as the run dies (even by ``kill -9``), and again by the next run on the same OUT.
"""
from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import AssemblyError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; runs are not serialised there
    fcntl = None

MANIFEST = ".traffickingrelief-manifest.json"
GENERATOR = "traffickingrelief"
_NEW, _OLD = ".traffickingrelief-new-", ".traffickingrelief-old-"
DEFAULT_WAIT_SECONDS = 600.0


@dataclass(frozen=True)
class PublishResult:
    out_dir: Path
    written: tuple[str, ...]          # files of the new set (relative, POSIX), manifest excluded
    kept: tuple[str, ...]             # the user's files carried over untouched
    renamed: dict[str, str]           # new-set file -> where it went because a kept file holds its name


def publish(out_dir: str | Path, build: Callable[[Path, tuple[str, ...]], Any], *,
            wait_seconds: float = DEFAULT_WAIT_SECONDS) -> PublishResult:
    """Run ``build(work_dir, kept)`` to write a new set into ``work_dir``, then publish it as OUT.

    ``kept`` lists the user's files (relative paths) that will be carried over, for the report.
    A failure in ``build`` leaves OUT as it was and removes ``work_dir``.
    """
    with Publication(out_dir, wait_seconds=wait_seconds) as pub:
        build(pub.work, pub.kept)
        return pub.commit()


class Publication:
    """The steps of ``publish`` for callers that need the new set's final names before writing a
    report: enter (lock, clean up, inspect OUT), write into ``work``, ``make_room()``, ``commit()``."""

    def __init__(self, out_dir: str | Path, *, wait_seconds: float = DEFAULT_WAIT_SECONDS):
        out = Path(out_dir).absolute()
        self.out_dir = out
        self.wait_seconds = wait_seconds
        self.work: Path = Path()
        self.kept: tuple[str, ...] = ()
        self._empty_dirs: tuple[str, ...] = ()
        self._mode: int | None = None
        self._lock_fd: int | None = None
        self._lock_path = Path()
        self._guard: subprocess.Popen | None = None
        self._renamed: dict[str, str] | None = None
        self._done = False

    # -- entering --------------------------------------------------------------------------------

    def __enter__(self) -> "Publication":
        try:
            self._guard = _start_guard(self.out_dir)  # first: from here on, a death at any point is cleaned up
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
            sweep(self.out_dir)
            self.kept, self._empty_dirs, self._mode = _inspect(self.out_dir)
            self.work = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}{_NEW}", dir=self.out_dir.parent))
        except OSError as exc:
            self._release()
            raise AssemblyError(f"cannot write to {self.out_dir} ({exc.strerror or type(exc).__name__})") from None
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if not self._done and self.work != Path() and self.work.exists():
                shutil.rmtree(self.work, ignore_errors=True)
        finally:
            self._release()

    def _lock(self) -> None:
        """Hold ``.<name>.traffickingrelief.lock`` beside OUT. The file is removed on release; a waiter
        that locked a file someone removed meanwhile notices (inode check) and locks the new one."""
        if fcntl is None:
            return
        lock_path = self.out_dir.with_name(f".{self.out_dir.name}.traffickingrelief.lock")
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise AssemblyError(f"cannot create the lock file beside {self.out_dir} ({exc.strerror})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                    raise AssemblyError(f"another traffickingrelief run is writing {self.out_dir}; "
                                        "run again when it has finished") from None
                time.sleep(0.1)
                continue
            held = os.fstat(fd)
            try:
                now = os.stat(lock_path)
            except FileNotFoundError:
                now = None
            if now is not None and (now.st_ino, now.st_dev) == (held.st_ino, held.st_dev):
                self._lock_fd, self._lock_path = fd, lock_path
                return
            os.close(fd)  # the previous holder removed this file as we waited: lock the current one

    def _release(self) -> None:
        """Remove and release the lock, then dismiss the guard (in that order, so a death between the
        two still has a guard to clean up after it)."""
        if self._lock_fd is not None:
            try:
                os.unlink(self._lock_path)  # while still holding it, so no one can lock a file about to vanish
            except OSError:
                pass
            os.close(self._lock_fd)
            self._lock_fd = None
        if self._guard is not None:
            stop_guard(self._guard, b"done")
            self._guard = None

    # -- committing ------------------------------------------------------------------------------

    def make_room(self) -> dict[str, str]:
        """Move each new-set file whose name a kept user file holds to ``<stem>.new<suffix>``, together
        with its siblings of the same stem (a DOCX and its PDF stay a pair: ``x.new.docx``, ``x.new.pdf``).

        Returns {intended: actual} (relative paths), so a report written afterwards names the real files.
        """
        if self._renamed is None:
            self._renamed = {}
            new_files = set(_files(self.work))
            taken = set(self.kept) | new_files
            for rel in self.kept:
                if rel not in new_files or rel in self._renamed:
                    continue
                path = Path(rel)
                group = sorted(f for f in new_files if Path(f).parent == path.parent and Path(f).stem == path.stem
                               and f not in self._renamed)
                target = {f: _free_name(f, taken, group) for f in group}
                for src, dst in target.items():
                    (self.work / src).rename(self.work / dst)
                    taken.add(dst)
                    self._renamed[src] = dst
        return dict(self._renamed)

    def commit(self) -> PublishResult:
        """Carry the kept files over, write the manifest, fsync, and swap the new set into OUT."""
        try:
            renamed = self.make_room()
            written = sorted(rel for rel in _files(self.work) if rel != MANIFEST)
            manifest = {"generator": GENERATOR, "files": {rel: _sha256(self.work / rel) for rel in written}}
            for rel in self.kept:
                _copy_kept(self.out_dir / rel, self.work / rel)
            for rel in self._empty_dirs:
                (self.work / rel).mkdir(parents=True, exist_ok=True)
            (self.work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
            if self._mode is not None:
                os.chmod(self.work, self._mode)
            _fsync_tree(self.work)
            _swap(self.work, self.out_dir)
        except OSError as exc:
            raise AssemblyError(f"the drafts could not be written to {self.out_dir} ({exc.strerror or type(exc).__name__}); "
                                "the previous set, if any, is unchanged") from None
        self._done = True
        shutil.rmtree(self.work, ignore_errors=True)  # after an exchange it holds the previous set
        return PublishResult(self.out_dir, tuple(written), self.kept, renamed)


# ---------------------------------------------------------------------------------------------
# OUT before the run


def _inspect(out: Path) -> tuple[tuple[str, ...], tuple[str, ...], int | None]:
    """(the user's files to keep, the user's empty folders, the folder's mode to keep) — or refuse a
    folder that is not ours."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise AssemblyError(f"{out} exists and is not a folder; choose another --out")
    if not out.exists():
        return (), (), None
    mode = stat.S_IMODE(out.stat().st_mode)
    if not any(out.iterdir()):
        return (), (), mode
    manifest = _read_manifest(out)
    if manifest is None:
        raise AssemblyError(f"{out} exists and is not a drafts folder made by this tool (it is not empty and has no "
                            f"{MANIFEST}); choose another --out or move its contents")
    kept = [rel for rel in _files(out) if rel != MANIFEST
            and ((out / rel).is_symlink() or manifest.get(rel) != _sha256(out / rel))]
    empty_dirs = [Path(dirpath).relative_to(out).as_posix() for dirpath, dirnames, filenames in os.walk(out)
                  if not dirnames and not filenames and Path(dirpath) != out]
    return tuple(kept), tuple(sorted(empty_dirs)), mode


def _read_manifest(out: Path) -> dict[str, str] | None:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("generator") != GENERATOR or not isinstance(data.get("files"), dict):
        return None
    return data["files"]


def _files(root: Path) -> list[str]:
    """Relative POSIX paths of every file and symlink under root (empty folders are not files)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for name in filenames + [d for d in dirnames if (base / d).is_symlink()]:
            out.append((base / name).relative_to(root).as_posix())
    return sorted(out)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _free_name(rel: str, taken: set[str], group: list[str]) -> str:
    """``<stem>.new<suffix>`` (then ``.new-2``...), the first number free for every file of ``group``."""
    def name(f: str, n: int) -> str:
        p = Path(f)
        return p.with_name(f"{p.stem}.new{'' if n == 1 else f'-{n}'}{p.suffix}").as_posix()

    for n in range(1, 10_000):
        if all(name(f, n) not in taken for f in group):
            return name(rel, n)
    raise AssemblyError("too many kept versions of one file")


def _copy_kept(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_symlink():
        os.symlink(os.readlink(src), dst)
    else:
        shutil.copy2(src, dst)


# ---------------------------------------------------------------------------------------------
# Durability and the swap


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # some file systems cannot fsync a directory
            raise
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                _fsync_path(path)
        _fsync_path(Path(dirpath), directory=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False when the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err))


def _swap(work: Path, out: Path) -> None:
    """Make ``work`` be ``out``. After an exchange, ``work`` holds the previous set (for deletion)."""
    if not out.exists():
        work.rename(out)
    elif not _exchange(work, out):
        old = out.with_name(f".{out.name}{_OLD}{work.name.rsplit('-', 1)[-1]}")
        out.rename(old)   # a crash here leaves OUT missing: sweep() renames `old` back
        try:
            work.rename(out)
        except BaseException:
            old.rename(out)
            raise
        old.rename(work)
    _fsync_path(out.parent, directory=True)


def sweep(out: str | Path) -> list[Path]:
    """Remove hidden folders that killed runs left beside OUT (call with the lock held, or when no run
    can be active). If a crash fell between the two renames of the fallback swap, put the previous
    set back first. Returns what was removed."""
    out = Path(out).absolute()
    try:
        siblings = [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.traffickingrelief-")
                    and not p.name.endswith(".lock") and p.is_dir() and not p.is_symlink()]
    except OSError:
        return []
    old = sorted((p for p in siblings if p.name.startswith(f".{out.name}{_OLD}")), key=lambda p: p.stat().st_mtime)
    if old and not out.exists():
        old[-1].rename(out)
        siblings.remove(old[-1])
    for path in siblings:
        shutil.rmtree(path, ignore_errors=True)
    return siblings


# ---------------------------------------------------------------------------------------------
# The guard: cleans up the moment this process dies, even by SIGKILL.

# Waits for the parent to say "done" on a pipe. The kernel closes the pipe however the parent ends,
# so an end of file without "done" means the run died: then it takes the lock and sweeps.
_GUARD = """
import sys
said = sys.stdin.buffer.read()
if said != b"done":
    import site
    site.main()  # started with -S, which saves most of its start-up; the cleanup needs the installed packages
    from docassemble.traffickingrelief.output import Publication, sweep
    pub = Publication(sys.argv[1], wait_seconds=120)
    try:
        pub._lock()
        sweep(pub.out_dir)
    except Exception:
        pass
    finally:
        pub._release()
"""


def _start_guard(out: Path) -> subprocess.Popen | None:
    if not Path(sys.executable or "").name.startswith("python"):
        return None  # embedded interpreter (e.g. a WSGI server): the next run's sweep cleans up instead
    try:
        return subprocess.Popen([sys.executable, "-S", "-c", _GUARD, str(out)], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                close_fds=True)
    except OSError:
        return None


def stop_guard(guard: subprocess.Popen, farewell: bytes = b"") -> None:
    """Tell a guard process the run ended normally (``farewell``, then closing its pipe) and reap it; a guard
    that does not exit in 10 s is killed. Shared by publishing and by the LibreOffice guard in rendering."""
    try:
        if farewell:
            guard.stdin.write(farewell)
        guard.stdin.close()
    except OSError:
        pass
    try:
        guard.wait(timeout=10)
    except subprocess.TimeoutExpired:
        guard.kill()
        guard.wait()
