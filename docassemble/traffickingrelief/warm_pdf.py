"""Warm PDF conversion: one LibreOffice kept running for every document of a run, driven through UNO.

Starting LibreOffice takes seconds; converting a court paper in a running one takes a fraction of that.
``PdfSession`` starts one headless LibreOffice on first use and converts every document of the run in it,
through a small server script run by a Python that has LibreOffice's UNO bridge (Debian's ``python3-uno``,
for the system Python; this package's own Python need not have it). The server talks to LibreOffice over a
named pipe (no network port) and to this process over its stdin and stdout, one request a line.

Contained like the one-process-per-folder conversion (``rendering.convert_to_pdf``): LibreOffice runs with a
throwaway profile (its HOME and temporary files inside it) in a process group of its own; the server is its
guard: when its stdin reaches end of file (the run finished, failed or died, even by SIGKILL, since the kernel
closes the pipe) it kills LibreOffice's whole group and removes the profile. A conversion that takes too long
stops the server and LibreOffice the same way. Where UNO or the server is not available, or LibreOffice
fails in it, the caller falls back to one LibreOffice process per folder.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from .output import stop_guard

START_TIMEOUT_SECONDS = 120
UNO_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")

_SERVER = r"""
import ctypes, json, os, shutil, signal, subprocess, sys, threading, time
profile, binary, pipe_name = sys.argv[1:4]
parent = os.getppid()
lo = None

def end(code=0, *_):
    if lo is not None:
        try:
            os.killpg(lo.pid, signal.SIGKILL)
        except OSError:
            pass
    shutil.rmtree(profile, ignore_errors=True)
    os._exit(code)

signal.signal(signal.SIGTERM, end)
signal.signal(signal.SIGINT, end)
try:  # Linux: SIGTERM when the run that started this server dies, even by SIGKILL
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)
except Exception:
    pass

def watch():  # and wherever that is not available, or a signal waits on a UNO call: the parent is polled
    while os.getppid() == parent:
        time.sleep(0.2)
    end(4)

threading.Thread(target=watch, daemon=True).start()
try:
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    lo = subprocess.Popen([binary, "-env:UserInstallation=" + uno.systemPathToFileUrl(profile), "--headless",
                           "--invisible", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                           "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe_name],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          start_new_session=True)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(1200):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe_name)
            break
        except NoConnectException:
            if lo.poll() is not None:
                end(3)
            time.sleep(0.1)
    else:
        end(3)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        docx, pdf = json.loads(line)
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(docx), "_blank", 0,
                                               (prop("Hidden", True), prop("ReadOnly", True)))
            try:
                doc.storeToURL(uno.systemPathToFileUrl(pdf), (prop("FilterName", "writer_pdf_Export"),))
            finally:
                doc.close(True)
            answer = "ok"
        except Exception as exc:
            answer = "error " + type(exc).__name__
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()
finally:  # end of input (the run is done or gone), a broken pipe, any error: LibreOffice goes with the server
    end(0)
"""


class WarmUnavailable(Exception):
    """The warm converter could not start or broke down; convert with one process per folder instead."""


@lru_cache(maxsize=None)
def uno_python() -> str | None:
    """A Python that can ``import uno`` (``TRAFFICKINGRELIEF_UNO_PYTHON`` overrides; empty disables warm PDF)."""
    override = os.environ.get("TRAFFICKINGRELIEF_UNO_PYTHON")
    candidates = (override,) if override is not None else UNO_PYTHONS
    for python in candidates:
        if not python or not os.access(python, os.X_OK):
            continue
        try:
            probe = subprocess.run([python, "-c", "import uno"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return python
    return None


class WarmLibreOffice:
    """One running LibreOffice (through the UNO server above) for many conversions."""

    def __init__(self, binary: str, python: str):
        self.profile = tempfile.mkdtemp(prefix="traffickingrelief-lo-")
        scratch = os.path.join(self.profile, "tmp")
        os.makedirs(scratch, exist_ok=True)
        env = {**os.environ, "HOME": self.profile, "TMPDIR": scratch, "TMP": scratch, "TEMP": scratch}
        pipe_name = "traffickingrelief-" + os.path.basename(self.profile)
        try:
            self.server = subprocess.Popen([python, "-c", _SERVER, self.profile, binary, pipe_name],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                           env=env, start_new_session=True)
        except OSError:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise WarmUnavailable("the UNO server could not start") from None
        if self._answer(START_TIMEOUT_SECONDS) != "ready":
            self.stop()
            raise WarmUnavailable("LibreOffice did not start under UNO")

    def _answer(self, timeout: float) -> str | None:
        """The server's next line, or None when it ended or did not answer within ``timeout`` seconds."""
        ready, _, _ = select.select([self.server.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.server.stdout.readline()
        return line.decode("utf-8", "replace").strip() if line else None

    def convert(self, docx: Path, pdf: Path, timeout: float) -> bool:
        """Convert one file; False when LibreOffice could not (the file is then named by the caller). Raises
        WarmUnavailable (after stopping everything) when the server broke down or took longer than ``timeout``."""
        try:
            self.server.stdin.write((json.dumps([str(docx), str(pdf)]) + "\n").encode("utf-8"))
            self.server.stdin.flush()
        except OSError:
            self.stop()
            raise WarmUnavailable("the UNO server stopped") from None
        answer = self._answer(timeout)
        if answer is None:
            self.stop()
            raise WarmUnavailable("LibreOffice stopped or took too long")
        return answer == "ok"

    def stop(self) -> None:
        """End of input tells the server to kill LibreOffice's group and remove the profile; then reap it."""
        if self.server.poll() is None:
            stop_guard(self.server)
        else:
            self.server.stdin.close()
        if self.server.stdout:
            self.server.stdout.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class PdfSession:
    """The conversions of one run: LibreOffice started on first use, kept for every later document, stopped by
    ``close()``. ``convert`` returns None when the warm path is not available, so the caller falls back."""

    def __init__(self):
        self._office: WarmLibreOffice | None = None
        self._binary: str | None = None
        self._failed = False
        self.pid = os.getpid()

    def convert(self, docx_files: list[Path], out_dir: Path, binary: str, timeout: float) -> list[str] | None:
        """PDFs for ``docx_files`` in ``out_dir``; the names of those LibreOffice could not convert, or None when
        the warm path is unavailable (nothing is then half-done: the caller converts the folder itself)."""
        if self._failed or os.getpid() != self.pid:
            return None
        try:
            if self._office is None or self._binary != binary:
                self.close()
                python = uno_python()
                if python is None:
                    self._failed = True
                    return None
                self._office, self._binary = WarmLibreOffice(binary, python), binary
            missing = []
            deadline = time.monotonic() + timeout
            for docx in docx_files:
                left = deadline - time.monotonic()
                if left <= 0 or not self._office.convert(docx, out_dir / (docx.stem + ".pdf"), left):
                    missing.append(docx.name)
            return missing
        except WarmUnavailable:
            self._office, self._failed = None, True
            for docx in docx_files:
                (out_dir / (docx.stem + ".pdf")).unlink(missing_ok=True)
            return None

    def close(self) -> None:
        if self._office is not None and os.getpid() == self.pid:
            self._office.stop()
        self._office = None


_CURRENT: PdfSession | None = None


@contextmanager
def pdf_session() -> Iterator[PdfSession]:
    """The run's PDF session: the one already open in this process (a batch worker's), or a new one that is
    closed, LibreOffice stopped, when the block ends however it ends."""
    global _CURRENT
    if _CURRENT is not None and _CURRENT.pid == os.getpid():
        yield _CURRENT
        return
    session = _CURRENT = PdfSession()
    try:
        yield session
    finally:
        _CURRENT = None
        session.close()


def open_process_session() -> None:
    """One PDF session for the rest of this process (a batch worker): every case it assembles shares one
    LibreOffice, stopped when the process exits (and by the server's guard if the process dies)."""
    global _CURRENT
    _CURRENT = PdfSession()
    atexit.register(_CURRENT.close)
    from multiprocessing import util  # a pool worker leaves through os._exit: atexit does not run, finalizers do

    util.Finalize(_CURRENT, _CURRENT.close, exitpriority=10)
