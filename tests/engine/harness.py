"""Run docassemble interviews through docassemble's own engine, without a server (tier 2 tests).

docassemble.base (1.10.13) can load an interview and compute the next screen by itself; everything it
would normally ask the web server for goes through pluggy hooks (``docassemble/base/hookspecs.py``).
This module implements the hooks that base needs for a scripted, single-process walk through an
interview, then drives the same loop the server runs: ``InterviewStatus`` + ``interview.assemble``,
read the question's variables, assign answers, repeat.

Public API::

    from harness import prepare, run_interview, MissingAnswer

    prepare()                       # idempotent; run_interview() calls it too
    run = run_interview("engine_probe.yml", {"probe_name": "Ada", "probe_choice": "keep_going"})
    run.visited        # question ids in the order the screens were shown
    run.question_id    # id of the last screen (the end screen, or the stop_at screen)
    run.user_dict      # the interview's variables
    run.attachments    # generated DOCX/PDF files, copied to run.out_dir

Environment variables:

``TRAFFICKINGRELIEF_ENGINE_STATE``
    Folder for the NLTK data and the LibreOffice profile (default ``<repo>/.engine-state``).
``TRAFFICKINGRELIEF_ENGINE_PACKAGE``
    ``source`` (default): interviews and templates are read live from the work tree through a
    throw-away package tree of symlinks that mirrors setup.py's layout. ``installed``: use the
    copy pip installed into the venv (``pip install --no-deps <repo>``), to check the packaging.
``TRAFFICKINGRELIEF_ENGINE_KEEP``
    Set to keep the per-process scratch folder (config, uploads, package mirror) for debugging.

Nothing here talks to the network, a database or Redis; nothing is written outside the state folder,
the per-process scratch folder and the output folders the caller chooses.
"""
from __future__ import annotations

import contextlib
import atexit
import copy
import itertools
import mimetypes
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "docassemble.traffickingrelief"
STATE_DIR = Path(os.environ.get("TRAFFICKINGRELIEF_ENGINE_STATE") or REPO / ".engine-state")
NLTK_DIR = STATE_DIR / "nltk_data"
LIBREOFFICE_PROFILE = STATE_DIR / "libreoffice-profile"
WORDNET_SOURCE = Path("/usr/share/wordnet")

# Screens after which a user can go no further: the interview is finished.
TERMINAL_TYPES = frozenset({
    "deadend", "exit", "exit_logout", "logout", "leave", "restart", "new_session", "refresh", "redirect",
    "interview_exit", "wait",
    "response", "sendfile", "backgroundresponse", "backgroundresponseaction", "signin", "register",
})


class HarnessError(RuntimeError):
    """The environment is not set up, or the engine did something the harness cannot follow."""


class MissingAnswer(KeyError):
    """The interview asked for a variable that the scripted answers do not cover.

    ``variable`` is the concrete name (``client.legal_name``, ``convictions[0].court``),
    ``question_id`` the id of the screen that asked it, ``visited`` the screens shown before it.
    """

    def __init__(self, variable: str, question_id: str, visited: list[str], generic_name: str | None = None):
        self.variable = variable
        self.question_id = question_id
        self.visited = list(visited)
        self.generic_name = generic_name
        also = f" (written in the YAML as {generic_name!r})" if generic_name and generic_name != variable else ""
        message = (
            f"no scripted answer for variable {variable!r}{also}, asked by question id {question_id!r}; "
            f"screens before it: {' -> '.join(self.visited[:-1]) or '(none)'}"
        )
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class NoAnswer:
    """Return ``NO_ANSWER`` from an ``on_question`` callback to say "I do not answer this one"."""

    _instance: "NoAnswer | None" = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_ANSWER"


NO_ANSWER = NoAnswer()


@dataclass
class Attachment:
    """One generated file: ``name``/``filename`` from the attachment block, ``format`` docx/pdf/..."""

    name: str
    filename: str
    format: str
    path: Path
    question_id: str


@dataclass
class InterviewRun:
    yaml_ref: str
    question_id: str
    question_type: str
    finished: bool
    visited: list[str]
    user_dict: dict
    attachments: list[Path]
    attachment_info: list[Attachment]
    out_dir: Path
    steps: int
    seconds: float
    skipped: list[str] = field(default_factory=list)
    status: Any = None
    session_id: str = ""

    def attachment(self, suffix: str) -> Path:
        """The single attachment whose file name ends with ``suffix`` (e.g. ``".docx"``)."""
        found = [p for p in self.attachments if p.name.endswith(suffix)]
        if len(found) != 1:
            raise AssertionError(f"expected one attachment ending in {suffix!r}, got {[p.name for p in self.attachments]}")
        return found[0]

    def value(self, expression: str) -> Any:
        """Evaluate a Python expression (e.g. ``"client.legal_name"``) in the interview's namespace.

        Runs inside a docassemble context, so DAList iteration, ``.path()`` of files etc. work.
        An expression that needs an undefined variable raises docassemble's NameError.
        """
        from docassemble.base.thread_context import empty_globals, global_context, this_thread, user_dict_context

        with global_context(empty_globals()), user_dict_context(self.user_dict):
            this_thread.current_info = _current_info(self.yaml_ref, self.session_id, None)
            this_thread.session_id = self.session_id
            return eval(expression, self.user_dict)  # noqa: S307 - test-only helper over our own dict


# --------------------------------------------------------------------------------------------------
# NLTK data, offline (see shared reference §2)
# --------------------------------------------------------------------------------------------------

# WordNet 3.0 lexicographer files (wndb/lexnames(5)): number, name, syntactic category.
_LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body "
    "noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location "
    "noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process "
    "noun.quantity noun.relation noun.shape noun.state noun.substance noun.time verb.body verb.change "
    "verb.cognition verb.communication verb.competition verb.consumption verb.contact verb.creation "
    "verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl"
).split()
_LEX_CATEGORY = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


def ensure_nltk_data(target: Path = NLTK_DIR, wordnet_source: Path = WORDNET_SOURCE) -> Path:
    """Create an NLTK data folder that satisfies docassemble's pattern fork without any download.

    Real WordNet 3.0 from Debian's ``wordnet-base`` (linked), a generated ``lexnames``, placeholder
    ``wordnet_ic``/``sentiwordnet`` files, and small valid zips that stop docassemble's own
    ``nltk.download`` calls. Idempotent; returns ``target``.
    """
    target = Path(target)
    corpora = target / "corpora"
    wordnet = corpora / "wordnet"
    if not (wordnet_source / "data.noun").is_file():
        raise HarnessError(
            f"WordNet files not found in {wordnet_source}: install Debian's wordnet-base "
            "(bash tests/engine/setup-venv does)"
        )
    wordnet.mkdir(parents=True, exist_ok=True)
    for src in sorted(wordnet_source.iterdir()):
        if src.name in ("index.sense", "lexnames"):
            continue  # written below
        link = wordnet / src.name
        if not link.exists():
            if link.is_symlink():
                link.unlink()
            try:
                link.symlink_to(src)
            except FileExistsError:  # another process got there first
                pass
    lexnames = wordnet / "lexnames"
    if not lexnames.is_file():
        lines = [f"{i:02d}\t{name}\t{_LEX_CATEGORY[name.split('.')[0]]}" for i, name in enumerate(_LEXNAMES)]
        _write_atomic(lexnames, "\n".join(lines) + "\n")
    sense = wordnet / "index.sense"
    if not sense.is_file() or sense.is_symlink():
        # nltk >= 3.9 reads index.sense (7 MB) at load time only to map sense keys between WordNet
        # versions for the Open Multilingual WordNet; docassemble never uses that, and an empty file
        # saves about 1.5 s per process.
        if sense.is_symlink():
            sense.unlink()
        _write_atomic(sense, "")
    ic = corpora / "wordnet_ic" / "ic-brown.dat"
    if not ic.is_file():
        ic.parent.mkdir(parents=True, exist_ok=True)
        # Header line, then one root count per part of speech (pattern takes max() of each).
        _write_atomic(ic, "wnver::placeholder-for-offline-tests\n1740n 1.0 ROOT\n2084071v 1.0 ROOT\n")
    swn = corpora / "sentiwordnet" / "SentiWordNet_3.0.0.txt"
    if not swn.is_file():
        swn.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(swn, "# placeholder: SentiWordNet is not shipped offline; sentiment scores are empty\n")
    for name in ("omw-1.4", "wordnet", "wordnet_ic", "sentiwordnet"):
        zpath = corpora / f"{name}.zip"
        if not zpath.is_file():
            tmp = zpath.with_suffix(f".zip.{os.getpid()}")
            with zipfile.ZipFile(tmp, "w") as zf:
                zf.writestr(f"{name}/README", "placeholder so that docassemble does not call nltk.download\n")
            os.replace(tmp, zpath)
    return target


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------------------
# LibreOffice profile with docassemble's macro, for DOCX -> PDF (see shared reference §1)
# --------------------------------------------------------------------------------------------------

def _libreoffice_binary() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def ensure_libreoffice_profile(profile: Path = LIBREOFFICE_PROFILE) -> Path | None:
    """Create a LibreOffice user profile holding docassemble's ConvertToPdf macro.

    Returns the macro file's path, or None when LibreOffice is not installed (PDF output then fails
    with docassemble's own error). Idempotent; the first call takes a few seconds.
    """
    binary = _libreoffice_binary()
    if binary is None:
        return None
    import importlib.util

    spec = importlib.util.find_spec("docassemble.base")
    if spec is None or not spec.submodule_search_locations:
        raise HarnessError("docassemble.base is not importable")
    source_macro = Path(list(spec.submodule_search_locations)[0]) / "data" / "macros" / "Module1.xba"
    macro = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if not macro.parent.is_dir():
        profile.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [binary, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--terminate_after_init"],
            check=False, capture_output=True, timeout=180,
        )
        if not macro.parent.is_dir():
            raise HarnessError(f"LibreOffice did not create a profile in {profile}")
    if not macro.is_file() or macro.read_bytes() != source_macro.read_bytes():
        shutil.copyfile(source_macro, macro)
    return macro


# --------------------------------------------------------------------------------------------------
# Server stand-ins: files, a dict-backed Redis, the plugin
# --------------------------------------------------------------------------------------------------

class _FileStore:
    """Numbered files, as the server's uploads table would keep them, in a folder."""

    def __init__(self, root: Path):
        self.root = root
        self.counter = itertools.count(1)
        self.files: dict[int, dict] = {}

    def new_number(self, filename: str | None) -> int:
        number = next(self.counter)
        directory = self.root / str(number)
        directory.mkdir(parents=True, exist_ok=True)
        name = _secure_filename(filename or "") or "file.txt"
        extension, mimetype = _ext_and_mimetype(name)
        self.files[number] = {"directory": directory, "filename": name, "extension": extension, "mimetype": mimetype}
        return number

    def save(self, filename: str, orig_path: str) -> tuple[int, str, str]:
        number = self.new_number(filename)
        record = self.files[number]
        shutil.copyfile(orig_path, record["directory"] / record["filename"])
        return number, record["extension"], record["mimetype"]

    def info(self, number, filename: str | None = None) -> dict | None:
        try:
            record = self.files[int(number)]
        except (KeyError, TypeError, ValueError):
            return None
        name = _secure_filename(filename) if filename else record["filename"]
        fullpath = record["directory"] / name
        extension, mimetype = _ext_and_mimetype(name)
        return {
            "fullpath": str(fullpath), "path": str(fullpath), "filename": name, "extension": extension,
            "mimetype": mimetype, "persistent": False, "private": True, "session": None,
            "savedfile": _SavedFile(int(number)),
        }

    def path(self, number) -> Path | None:
        info = self.info(number)
        return Path(info["fullpath"]) if info else None


class _SavedFile:
    """Minimal stand-in for docassemble.webapp.files.SavedFile (local folder, no cloud)."""

    def __init__(self, file_number, extension=None, fix=False, should_not_exist=False, filename=None, **kwargs):
        store = _state.files
        if int(file_number) not in store.files:
            raise HarnessError(f"unknown file number {file_number}")
        record = store.files[int(file_number)]
        self.file_number = int(file_number)
        self.directory = str(record["directory"])
        self.filename = filename or record["filename"]
        self.extension = extension or record["extension"]
        self.path = os.path.join(self.directory, self.filename)

    def save(self, finalize=False):
        Path(self.path).touch(exist_ok=True)

    def finalize(self):
        pass

    def fetch(self):
        pass

    def delete(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def copy_from(self, orig_path, filename=None, **kwargs):
        if filename:
            self.filename = _secure_filename(filename)
            self.path = os.path.join(self.directory, self.filename)
        shutil.copyfile(orig_path, self.path)

    def write_content(self, content, filename=None, binary=False, save=True):
        if filename:
            self.filename = _secure_filename(filename)
            self.path = os.path.join(self.directory, self.filename)
        with open(self.path, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as fp:
            fp.write(content)

    def list_of_files(self):
        return sorted(os.listdir(self.directory))

    def size_in_bytes(self, filename=None):
        return os.path.getsize(os.path.join(self.directory, filename) if filename else self.path)

    def url_for(self, **kwargs):
        return f"http://localhost/uploadedfile/{self.file_number}"

    def temp_url_for(self, **kwargs):
        return self.url_for()

    def cloud_path(self, filename=None):
        return None


class _FakeRedis:
    """Dict-backed stand-in for the server's Redis connection (strings, counters, lists, hashes, sets).

    Expiry times are accepted and ignored: a test process is short-lived.
    """

    def __init__(self):
        self.data: dict[str, Any] = {}

    @staticmethod
    def _enc(value):
        if isinstance(value, bytes):
            return value
        if isinstance(value, (int, float)):
            return str(value).encode()
        return str(value).encode("utf-8")

    def get(self, key):
        value = self.data.get(key)
        return value if value is None or isinstance(value, bytes) else None

    def set(self, key, value, ex=None, px=None, nx=False, xx=False, **kwargs):
        if (nx and key in self.data) or (xx and key not in self.data):
            return None
        self.data[key] = self._enc(value)
        return True

    def setnx(self, key, value):
        return bool(self.set(key, value, nx=True))

    def setex(self, key, seconds, value):
        return self.set(key, value)

    def getset(self, key, value):
        old = self.get(key)
        self.set(key, value)
        return old

    def mget(self, *keys):
        keys = keys[0] if len(keys) == 1 and isinstance(keys[0], (list, tuple)) else keys
        return [self.get(k) for k in keys]

    def incr(self, key, amount=1):
        value = int(self.data.get(key, b"0")) + amount
        self.data[key] = str(value).encode()
        return value

    incrby = incr

    def decr(self, key, amount=1):
        return self.incr(key, -amount)

    def delete(self, *keys):
        return sum(1 for k in keys if self.data.pop(k, None) is not None)

    def exists(self, *keys):
        return sum(1 for k in keys if k in self.data)

    def expire(self, key, seconds):
        return key in self.data

    def ttl(self, key):
        return -1 if key in self.data else -2

    def persist(self, key):
        return key in self.data

    def keys(self, pattern="*"):
        regex = re.compile("^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$")
        return [k.encode() for k in self.data if regex.match(k)]

    def scan_iter(self, match="*", **kwargs):
        return iter(self.keys(match))

    def _list(self, key):
        return self.data.setdefault(key, [])

    def rpush(self, key, *values):
        lst = self._list(key)
        lst.extend(self._enc(v) for v in values)
        return len(lst)

    def lpush(self, key, *values):
        lst = self._list(key)
        for v in values:
            lst.insert(0, self._enc(v))
        return len(lst)

    def lpop(self, key):
        lst = self.data.get(key) or []
        return lst.pop(0) if lst else None

    def rpop(self, key):
        lst = self.data.get(key) or []
        return lst.pop() if lst else None

    def llen(self, key):
        return len(self.data.get(key) or [])

    def lrange(self, key, start, end):
        lst = self.data.get(key) or []
        end = len(lst) if end == -1 else end + 1
        return lst[start:end]

    def ltrim(self, key, start, end):
        lst = self.data.get(key) or []
        end = len(lst) if end == -1 else end + 1
        self.data[key] = lst[start:end]
        return True

    def hset(self, key, field_=None, value=None, mapping=None, **kwargs):
        h = self.data.setdefault(key, {})
        if field_ is not None:
            h[str(field_)] = self._enc(value)
        for k, v in (mapping or {}).items():
            h[str(k)] = self._enc(v)
        return 1

    def hget(self, key, field_):
        return (self.data.get(key) or {}).get(str(field_))

    def hgetall(self, key):
        return {k.encode(): v for k, v in (self.data.get(key) or {}).items()}

    def hdel(self, key, *fields):
        h = self.data.get(key) or {}
        return sum(1 for f in fields if h.pop(str(f), None) is not None)

    def sadd(self, key, *values):
        s = self.data.setdefault(key, set())
        before = len(s)
        s.update(self._enc(v) for v in values)
        return len(s) - before

    def srem(self, key, *values):
        s = self.data.get(key) or set()
        return sum(1 for v in values if self._enc(v) in s and not s.discard(self._enc(v)))

    def smembers(self, key):
        return set(self.data.get(key) or set())

    def publish(self, channel, message):
        return 0

    def flushdb(self):
        self.data.clear()

    def pipeline(self, *args, **kwargs):
        return _FakePipeline(self)


class _FakePipeline:
    def __init__(self, redis: _FakeRedis):
        self.redis = redis
        self.calls: list = []

    def __getattr__(self, name):
        method = getattr(self.redis, name)

        def queue(*args, **kwargs):
            self.calls.append((method, args, kwargs))
            return self

        return queue

    def execute(self):
        calls, self.calls = self.calls, []
        return [method(*args, **kwargs) for method, args, kwargs in calls]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _secure_filename(filename: str) -> str:
    import werkzeug.utils

    return werkzeug.utils.secure_filename(str(filename))


def _secure_filename_spaces_ok(filename: str) -> str:
    import werkzeug.utils

    parts = [werkzeug.utils.secure_filename(part) for part in str(filename).split(" ")]
    return " ".join(p for p in parts if p)


def _secure_filename_unicode_ok(filename: str) -> str:
    # Mirrors the server: keep letters of any script, drop path separators and control characters.
    name = re.sub(r"[\x00-\x1f\x7f/\\]+", "", str(filename)).strip()
    name = re.sub(r"\s+", "_", name)
    name = re.sub(r"^[.]+", "", name)
    return name


def _ext_and_mimetype(filename: str) -> tuple[str, str]:
    mimetype, _ = mimetypes.guess_type(filename)
    extension = re.sub(r".*\.", "", filename.lower()) if "." in filename else ""
    extension = {"jpeg": "jpg", "tiff": "tif"}.get(extension, extension)
    return extension, mimetype or "application/octet-stream"


def _package_data_file(reference: str) -> str | None:
    """'pkg:data/templates/x.docx' (or 'pkg:x.docx' = data/templates) -> absolute path or None."""
    import importlib.util

    if ":" not in reference:
        return None
    package, relative = reference.split(":", 1)
    if not relative.startswith("data/"):
        relative = "data/templates/" + relative
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0], relative)
    return str(path) if path.exists() else None


class _EnginePlugin:
    """The server hooks docassemble.base calls while loading, asking and assembling documents."""

    import pluggy as _pluggy

    hookimpl = _pluggy.HookimplMarker("docassemble")

    def __init__(self, state: "_State"):
        self.state = state

    # --- configuration and defaults ---
    @hookimpl
    def get_configuration(self):
        from docassemble.base.config import daconfig

        return daconfig

    @hookimpl
    def get_default_language(self):
        return self._cfg("language", "en")

    @hookimpl
    def get_default_dialect(self):
        return self._cfg("dialect", "us")

    @hookimpl
    def get_default_voice(self):
        return self._cfg("voice", None)

    @hookimpl
    def get_default_locale(self):
        return self._cfg("locale", "US.utf8")

    @hookimpl
    def get_default_country(self):
        return self._cfg("country", "US")

    @hookimpl
    def get_default_timezone(self):
        return self._cfg("timezone", "America/New_York")

    @hookimpl
    def get_hostname(self):
        return "localhost"

    @hookimpl
    def get_debug_status(self):
        return bool(self._cfg("debug", False))

    @hookimpl
    def get_main_page_parts(self):
        return {"*": {}}

    @hookimpl
    def get_url(self):
        return "http://localhost/"

    @hookimpl
    def get_referer(self):
        return None

    @hookimpl
    def get_button_class_prefix(self):
        return "btn-"

    @hookimpl
    def get_default_table_class(self):
        return "table table-striped"

    @hookimpl
    def get_default_thead_class(self):
        return None

    # --- Redis, locks, records ---
    @hookimpl
    def get_server_redis(self):
        return self.state.redis

    @hookimpl
    def get_server_redis_user(self):
        return self.state.redis

    @hookimpl
    def applock(self, action, application, maxtime):
        return None

    @hookimpl
    def release_lock(self, user_code, filename):
        return None

    @hookimpl
    def server_sql_get(self, key, secret):
        return self.state.sql.get(key)

    @hookimpl
    def server_sql_defined(self, key):
        return key in self.state.sql

    @hookimpl
    def server_sql_set(self, key, val, encrypted, secret, the_user_id):
        self.state.sql[key] = copy.deepcopy(val)

    @hookimpl
    def server_sql_delete(self, key):
        self.state.sql.pop(key, None)

    @hookimpl
    def server_sql_keys(self, prefix):
        return {k for k in self.state.sql if k.startswith(prefix)}

    @hookimpl
    def write_record(self, key, data):
        number = next(self.state.record_ids)
        self.state.records.setdefault(key, {})[number] = copy.deepcopy(data)
        return number

    @hookimpl
    def read_records(self, key):
        return dict(self.state.records.get(key, {}))

    @hookimpl
    def delete_record(self, key, the_id):
        self.state.records.get(key, {}).pop(the_id, None)

    # --- files ---
    @hookimpl
    def secure_filename(self, filename):
        return _secure_filename(filename)

    @hookimpl
    def secure_filename_spaces_ok(self, filename):
        return _secure_filename_spaces_ok(filename)

    @hookimpl
    def secure_filename_unicode_ok(self, the_filename):
        return _secure_filename_unicode_ok(the_filename)

    @hookimpl
    def get_ext_and_mimetype(self, filename):
        return _ext_and_mimetype(str(filename))

    @hookimpl
    def get_new_file_number(self, user_code, file_name, yaml_file_name):
        return self.state.files.new_number(file_name)

    @hookimpl
    def save_numbered_file(self, filename, orig_path, yaml_file_name, uid):
        return self.state.files.save(filename, orig_path)

    @hookimpl
    def file_number_finder(self, file_number, filename, uids, privileged):
        return self.state.files.info(file_number, filename)

    @hookimpl
    def get_saved_file_class(self):
        return _SavedFile

    @hookimpl
    def absolute_filename(self, the_file):
        return None

    @hookimpl
    def file_finder(self, file_reference, question, folder, package, filename, return_nonexistent, uids):
        reference = str(file_reference)
        if re.fullmatch(r"[0-9]+", reference):
            return self.state.files.info(reference, filename) or {}
        if ":" not in reference:
            pkg = package or (getattr(question, "package", None) if question is not None else None)
            if reference.startswith("/") and os.path.exists(reference):
                path = reference
            elif pkg:
                path = _package_data_file(f"{pkg}:data/{folder or 'static'}/{reference}")
            else:
                path = None
        else:
            pkg, relative = reference.split(":", 1)
            if not relative.startswith("data/"):
                relative = f"data/{folder or 'static'}/{relative}"
            path = _package_data_file(f"{pkg}:{relative}")
        if path is None:
            return {}
        extension, mimetype = _ext_and_mimetype(path)
        return {"fullpath": path, "path": path, "filename": os.path.basename(path), "extension": extension,
                "mimetype": mimetype}

    @hookimpl
    def path_from_reference(self, file_reference):
        info = self.file_finder(file_reference, None, None, None, None, False, None)
        return info.get("fullpath")

    # --- URLs and HTML (no browser here; values only need to be strings) ---
    @hookimpl
    def url_finder(self, file_reference, kwargs):
        # str() of a DAFile renders a preview (and fails for PDFs): name the file by its number instead.
        return f"http://localhost/files/{getattr(file_reference, 'number', file_reference)}"

    @hookimpl
    def url_for(self, endpoint, kwargs):
        return f"http://localhost/{endpoint}"

    @hookimpl
    def get_login_url(self, kwargs):
        return "http://localhost/user/sign-in"

    @hookimpl
    def generate_csrf(self, secret_key, token_key):
        return "engine-harness-csrf"

    @hookimpl
    def to_text(self, html_doc):
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(html_doc))).strip()

    @hookimpl
    def transform_json_variables(self, obj):
        return obj

    @hookimpl
    def fix_pickle_obj(self, data):
        import pickle

        return pickle.loads(data)

    # --- DOCX/PDF conversion helpers base may call in the foreground ---
    @hookimpl
    def fg_make_pdf_for_word_path(self, path, extension):
        from docassemble.base.pandoc import word_to_pdf

        to_path = str(path) + ".pdf"
        if not word_to_pdf(path, extension, to_path):
            raise HarnessError(f"PDF conversion failed for {path}")
        return to_path

    def _cfg(self, key, default):
        from docassemble.base.config import daconfig

        value = daconfig.get(key)
        return default if value is None else value


# --------------------------------------------------------------------------------------------------
# prepare()
# --------------------------------------------------------------------------------------------------

class _State:
    def __init__(self):
        self.prepared = False
        self.scratch: Path | None = None
        self.files: _FileStore | None = None
        self.redis = _FakeRedis()
        self.sql: dict = {}
        self.records: dict = {}
        self.record_ids = itertools.count(1)
        self.plugin: _EnginePlugin | None = None
        self.mirror_package: Path | None = None
        self.timings: dict[str, float] = {}


_state = _State()
PLUGIN_NAME = "traffickingrelief-engine-harness"


def _package_mirror(root: Path) -> Path:
    """A package tree with setup.py's layout whose entries are symlinks into the work tree."""
    src = REPO / "docassemble" / "traffickingrelief"
    pkg = root / "docassemble" / "traffickingrelief"
    pkg.mkdir(parents=True)
    for child in src.iterdir():
        if child.name not in ("data", "__pycache__"):
            (pkg / child.name).symlink_to(child)
    data = pkg / "data"
    data.mkdir()
    if (src / "data").is_dir():
        for child in (src / "data").iterdir():
            if child.name not in ("questions", "templates", "__pycache__"):
                (data / child.name).symlink_to(child)
    _refresh_mirror(pkg)
    return root


def _refresh_mirror(pkg: Path | None = None) -> None:
    """Link every file of interviews/ and templates/ into the mirror (new files appear between runs)."""
    pkg = pkg or _state.mirror_package
    if pkg is None:
        return
    for folder, source in (("questions", REPO / "interviews"), ("templates", REPO / "templates")):
        target = pkg / "data" / folder
        target.mkdir(exist_ok=True)
        if source.is_dir():
            for child in source.iterdir():
                link = target / child.name
                if not link.is_symlink() and not link.exists():
                    link.symlink_to(child)


def add_interview(path: str | Path) -> str:
    """Make a YAML file that lives outside interviews/ (e.g. in a test's tmp_path) runnable.

    It is linked into the package mirror's data/questions, so it can use the package's templates.
    Returns its interview reference. Needs the default ``source`` package mode.
    """
    prepare()
    path = Path(path).resolve()
    if _state.mirror_package is None:
        raise HarnessError("add_interview() needs TRAFFICKINGRELIEF_ENGINE_PACKAGE=source")
    if (REPO / "interviews" / path.name).exists():
        raise HarnessError(f"{path.name} would shadow interviews/{path.name}; rename it")
    link = _state.mirror_package / "data" / "questions" / path.name
    if link.is_symlink() and link.resolve() != path:
        link.unlink()
    if not link.is_symlink():
        link.symlink_to(path)
    return interview_ref(path.name)


def _config_text(scratch: Path) -> str:
    macro = LIBREOFFICE_PROFILE / "user" / "basic" / "Standard" / "Module1.xba"
    lines = {
        "secretkey": secrets.token_hex(16),
        "debug": False,
        "language": "en",
        "dialect": "us",
        "locale": "US.utf8",
        "country": "US",
        "timezone": "America/New_York",
        "uploads": str(scratch / "uploads"),
        "log": str(scratch / "log"),
        "packages": str(scratch / "packages"),
        "webapp": str(scratch / "webapp.wsgi"),
        "pypirc path": str(scratch / "pypirc"),
        "nltk socket": str(scratch / "no-nltk-socket"),
        "libreoffice": str(scratch / "libreoffice"),
        "libreoffice macro file": str(macro),
    }
    import json

    return "".join(f"{key}: {json.dumps(value)}\n" for key, value in lines.items())


def prepare() -> None:
    """Load a config, make NLTK data available offline, register the hooks, import the engine.

    Idempotent: later calls return at once. Must run before anything imports docassemble.base.parse.
    """
    if _state.prepared:
        return
    started = time.perf_counter()
    if "docassemble.base.parse" in sys.modules:
        raise HarnessError("docassemble.base.parse was imported before harness.prepare(); call prepare() first")

    # 1. NLTK data (read when docassemble's pattern fork is imported).
    ensure_nltk_data()
    paths = [p for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]
    if str(NLTK_DIR) not in paths:
        os.environ["NLTK_DATA"] = os.pathsep.join([str(NLTK_DIR), *paths])
    if "nltk" in sys.modules:
        import nltk

        if str(NLTK_DIR) not in nltk.data.path:
            nltk.data.path.insert(0, str(NLTK_DIR))
    import nltk

    def _no_download(*args, **kwargs):
        raise HarnessError(f"nltk.download{args!r} called: the offline NLTK data in {NLTK_DIR} is incomplete")

    nltk.download = _no_download

    # 2. Per-process scratch folder: config, uploads, package mirror, LibreOffice wrapper.
    scratch = Path(tempfile.mkdtemp(prefix="traffickingrelief-engine-"))
    _state.scratch = scratch
    if os.environ.get("TRAFFICKINGRELIEF_ENGINE_KEEP"):
        print(f"engine harness: scratch folder kept: {scratch}", file=sys.stderr)
    else:
        atexit.register(shutil.rmtree, scratch, True)
    (scratch / "uploads").mkdir()
    (scratch / "log").mkdir()
    (scratch / "packages").mkdir()
    (scratch / "webapp.wsgi").touch()
    _state.files = _FileStore(scratch / "uploads")
    binary = _libreoffice_binary()
    wrapper = scratch / "libreoffice"
    # docassemble runs `<libreoffice> --headless --invisible macro:///...`; the wrapper points it at
    # our profile (which holds docassemble's macro) instead of $HOME's.
    wrapper.write_text(
        "#!/bin/sh\n"
        + (f'exec "{binary}" "-env:UserInstallation={LIBREOFFICE_PROFILE.resolve().as_uri()}" "$@"\n' if binary
           else 'echo "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)" >&2; exit 1\n'),
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    config_file = scratch / "config.yml"
    config_file.write_text(_config_text(scratch), encoding="utf-8")

    # 3. Make the package importable with its data/questions and data/templates.
    mode = os.environ.get("TRAFFICKINGRELIEF_ENGINE_PACKAGE", "source")
    if mode == "source":
        mirror = _package_mirror(scratch / "src")
        _state.mirror_package = mirror / "docassemble" / "traffickingrelief"
        sys.path.insert(0, str(mirror))
        import importlib

        importlib.invalidate_caches()
        module = sys.modules.get(PACKAGE)
        if module is not None and not Path(module.__file__ or "").resolve().is_relative_to(REPO / "docassemble"):
            raise HarnessError(
                f"{PACKAGE} was imported from {module.__file__}, not from the work tree {REPO}: an installed "
                "copy shadows the source. Remove it (bash tests/engine/setup-venv does) or set "
                "TRAFFICKINGRELIEF_ENGINE_PACKAGE=installed"
            )
        if module is not None:
            # Already imported from the work tree (the project's tests/conftest.py does): docassemble
            # looks for data/ in the first folder of the package's search path, so put the mirror
            # first. Same module objects, no second copy of the package.
            for locations in (module.__path__, getattr(module.__spec__, "submodule_search_locations", None)):
                if locations is not None and str(_state.mirror_package) not in list(locations):
                    locations.insert(0, str(_state.mirror_package))
    elif mode != "installed":
        raise HarnessError(f"TRAFFICKINGRELIEF_ENGINE_PACKAGE must be 'source' or 'installed', not {mode!r}")

    # 4. docassemble's config, then the hooks, then the engine modules (order matters).
    t0 = time.perf_counter()
    import docassemble.base.config

    docassemble.base.config.load(filename=str(config_file))
    from docassemble.base.plugin_manager import pm

    if pm.get_plugin(PLUGIN_NAME) is None:
        _state.plugin = _EnginePlugin(_state)
        pm.register(_state.plugin, name=PLUGIN_NAME)
    import docassemble.base.functions  # noqa: F401
    import docassemble.base.interview_cache  # noqa: F401
    import docassemble.base.parse
    import docassemble.base.util  # noqa: F401

    docassemble.base.parse.set_initial_dict(_initial_dict())
    _state.timings["import_seconds"] = time.perf_counter() - t0

    try:
        ensure_libreoffice_profile()  # without LibreOffice, PDF output fails with docassemble's error
    except (HarnessError, OSError, subprocess.SubprocessError) as err:
        print(f"engine harness: no LibreOffice profile, PDF output will fail: {err}", file=sys.stderr)
    if mode == "installed":
        import importlib.util

        if importlib.util.find_spec(PACKAGE) is None:
            raise HarnessError(f"{PACKAGE} is not installed in this venv: pip install --no-deps {REPO}")
    _state.prepared = True
    _state.timings["prepare_seconds"] = time.perf_counter() - started


def timings() -> dict[str, float]:
    """Seconds spent in prepare() (total) and in importing docassemble's engine."""
    return dict(_state.timings)


def _initial_dict() -> dict:
    from docassemble.base.functions import DANav

    internal = dict(
        session_local={}, device_local={}, user_local={}, dirty={}, progress=0, tracker=0, docvar={}, doc_cache={},
        steps=1, steps_offset=0, secret=None, informed={},
        livehelp=dict(availability="unavailable", mode="help", roles=[], partner_roles=[]),
        answered=set(), answers={}, objselections={}, starttime=None, modtime=None, accesstime={}, tasks={},
        gather=[], event_stack={}, misc={},
    )
    return dict(_internal=internal, url_args={}, nav=DANav())


# --------------------------------------------------------------------------------------------------
# run_interview()
# --------------------------------------------------------------------------------------------------

def interview_ref(yaml_ref: str) -> str:
    """'x.yml' -> 'docassemble.traffickingrelief:data/questions/x.yml'; full references pass through."""
    if ":" in yaml_ref:
        return yaml_ref
    return f"{PACKAGE}:data/questions/{yaml_ref}"


def _current_info(yaml_ref: str, session_id: str, url_args: Mapping | None) -> dict:
    return {
        "session": session_id, "secret": None, "yaml_filename": yaml_ref, "interface": "web",
        "url": "http://localhost/interview", "url_root": "http://localhost/", "encrypted": False,
        "user": {
            "is_anonymous": True, "is_authenticated": False, "session_uid": "0", "device_id": "engine-harness",
            "email": None, "the_user_id": "t1", "theid": 1, "roles": ["user"], "location": None,
        },
        "headers": {}, "clientip": "127.0.0.1", "method": "GET", "arguments": dict(url_args or {}),
    }


_ITERATOR = re.compile(r"\[([ijklmn])\]")


def _concrete_name(name: str, user_dict: dict, is_generic: bool) -> str:
    """'x.name' / 'items[i].court' as asked -> 'client.name' / 'items[0].court' using the engine's x, i..n."""
    if is_generic and user_dict.get("x") is not None and hasattr(user_dict["x"], "instanceName"):
        name = re.sub(r"^x\b", user_dict["x"].instanceName, name)

    def index(match):
        letter = match.group(1)
        return f"[{user_dict[letter]!r}]" if letter in user_dict else match.group(0)

    return _ITERATOR.sub(index, name)


def _question_variables(question, user_dict: dict) -> list[tuple[str, str, Any]]:
    """(generic name, concrete name, field or None) for each variable the screen sets, in screen order."""
    from docassemble.base.parse import from_safeid

    if question.question_type == "review":
        # The review's items are edit links; only its continue button field is answered.
        saveas = getattr(question, "review_saveas", None)
        return [(saveas, _concrete_name(saveas, user_dict, question.is_generic), None)] if saveas else []
    result: list[tuple[str, str, Any]] = []
    seen: set[str] = set()
    for fld in getattr(question, "fields", None) or []:
        if not hasattr(fld, "saveas"):
            continue
        generic = from_safeid(fld.saveas)
        if generic not in seen:
            seen.add(generic)
            result.append((generic, _concrete_name(generic, user_dict, question.is_generic), fld))
    for generic in sorted(getattr(question, "fields_used", None) or ()):
        if generic not in seen:
            seen.add(generic)
            result.append((generic, _concrete_name(generic, user_dict, question.is_generic), None))
    return result


def _optional_field(fld) -> bool:
    if fld is None:
        return False
    extras = getattr(fld, "extras", {}) or {}
    if any(k in extras for k in ("show_if_var", "show_if_code", "show_if_js")) or hasattr(fld, "showif_code"):
        return True
    required = getattr(fld, "required", True)
    return required is False


def _assign(user_dict: dict, name: str, value: Any) -> None:
    user_dict["__engine_harness_value"] = value
    try:
        exec(f"{name} = __engine_harness_value", user_dict)  # noqa: S102 - same mechanism as the server
    finally:
        user_dict.pop("__engine_harness_value", None)


def run_interview(
    yaml_ref: str | Path,
    answers: Mapping[str, Any] | None = None,
    *,
    stop_at: Iterable[str] = (),
    on_question: Callable[[str, Any, dict], Any] | None = None,
    max_steps: int = 200,
    auto_continue: bool = True,
    out_dir: str | Path | None = None,
    url_args: Mapping[str, Any] | None = None,
) -> InterviewRun:
    """Walk an interview from a fresh session until it finishes or reaches a question in ``stop_at``.

    ``yaml_ref``: ``"x.yml"`` (this package's interviews/), a full ``"pkg:data/questions/x.yml"``
    reference, or a ``Path`` to a YAML file elsewhere (see ``add_interview``).

    ``answers`` maps variable names to Python values. Names are looked up concretely first
    (``client.legal_name``, ``convictions[0].court``), then as written in the YAML
    (``x.legal_name``, ``convictions[i].court``: one value for every object/index).
    ``on_question(variable, question, user_dict)`` is asked next; return ``NO_ANSWER`` to decline.
    A ``continue button field`` (a screen that only sets a variable to True) and a review screen's
    continue field are answered True when ``auto_continue``. Anything else unanswered raises
    ``MissingAnswer`` naming the variable. Fields with ``show if``/``hide if`` or ``required: False``
    are left unset when unanswered (listed in ``run.skipped``).

    Returns an ``InterviewRun``; generated attachments (every format the interview produced, from
    every screen shown) are copied into ``out_dir`` (default: a folder in the per-process scratch
    folder, deleted when the process ends).
    """
    prepare()
    from docassemble.base.thread_context import empty_globals, global_context

    _refresh_mirror()
    if isinstance(yaml_ref, Path) or os.path.isabs(str(yaml_ref)):
        ref = add_interview(yaml_ref)
    else:
        ref = interview_ref(yaml_ref)
    out = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="run-", dir=_state.scratch))
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # docassemble leaves intermediate files (datemp*.docx, *.pdf) in the temp folder: point it at a
    # folder of our own during the run and delete that afterwards.
    run_tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=_state.scratch))
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(run_tmp)
    try:
        with global_context(empty_globals()), contextlib.ExitStack() as request_scope:
            _forget_if_changed(ref)
            run = _walk(ref, dict(answers or {}), set(stop_at), on_question, max_steps, auto_continue, out,
                        url_args, request_scope)
    finally:
        tempfile.tempdir = saved_tempdir
        shutil.rmtree(run_tmp, ignore_errors=True)
    run.seconds = time.perf_counter() - started
    return run


def _walk(ref: str, answers: dict, stop_at: set, on_question, max_steps: int, auto_continue: bool, out: Path,
          url_args, request_scope: contextlib.ExitStack) -> InterviewRun:
    """The server's loop, minus HTTP: assemble, read the screen, set its variables, again."""
    import docassemble.base.interview_cache
    import docassemble.base.parse
    from docassemble.base.language.control import update_locale
    from docassemble.base.thread_context import this_thread, user_dict_context

    session_id = secrets.token_hex(8)
    visited: list[str] = []
    skipped: list[str] = []
    attachment_info: list[Attachment] = []
    seen_files: set[tuple[int, str]] = set()
    finished = False
    last_signature = None

    this_thread.current_info = _current_info(ref, session_id, url_args)
    this_thread.session_id = session_id
    update_locale()  # the server does this at start-up: en_US.utf8 for currency() and friends
    interview = docassemble.base.interview_cache.get_interview(ref)
    user_dict = docassemble.base.parse.get_initial_dict()
    user_dict["url_args"] = dict(url_args or {})
    # The server runs each request inside user_dict_context(); defined(), value() and showifdef() read it.
    request_scope.enter_context(user_dict_context(user_dict))
    steps = 0
    while True:
        if steps >= max_steps:
            raise HarnessError(f"{ref}: no end after {max_steps} screens; last ones: {visited[-10:]}")
        steps += 1
        this_thread.current_info = _current_info(ref, session_id, url_args)
        status = docassemble.base.parse.InterviewStatus(current_info=this_thread.current_info)
        interview.assemble(user_dict, status)
        question = status.question
        qid = str(getattr(question, "id", None) or question.name)
        visited.append(qid)
        _collect_attachments(status, qid, out, attachment_info, seen_files)
        if qid in stop_at:
            break
        qtype = question.question_type
        variables = _question_variables(question, user_dict)
        if qtype in TERMINAL_TYPES or (not variables and qtype not in ("fields", "settrue")):
            finished = True
            break
        signature = (qid, tuple(concrete for _, concrete, _ in variables))
        if signature == last_signature:
            raise HarnessError(
                f"{ref}: question {qid!r} was asked again right after its answers were set "
                f"({[c for _, c, _ in variables]}); a validation or a condition keeps rejecting them"
            )
        last_signature = signature
        for generic, concrete, fld in variables:
            if concrete in answers:
                value = answers[concrete]
            elif generic in answers:
                value = answers[generic]
            else:
                value = on_question(concrete, question, user_dict) if on_question else NO_ANSWER
                if value is NO_ANSWER:
                    if qtype in ("settrue", "review") and auto_continue:
                        value = True
                    elif _optional_field(fld):
                        skipped.append(concrete)
                        continue
                    else:
                        raise MissingAnswer(concrete, qid, visited, generic)
            _assign(user_dict, concrete, value)
        # As the server does after a POST: a mandatory screen counts as answered once submitted.
        if question.name not in user_dict["_internal"]["answers"]:
            user_dict["_internal"]["answered"].add(question.name)

    return InterviewRun(
        yaml_ref=ref, question_id=visited[-1], question_type=question.question_type, finished=finished,
        visited=visited, user_dict=user_dict, attachments=[a.path for a in attachment_info],
        attachment_info=attachment_info, out_dir=out, steps=steps, seconds=0.0, skipped=skipped,
        status=status, session_id=session_id,
    )


_loaded_versions: dict[str, tuple] = {}


def _forget_if_changed(ref: str) -> None:
    """docassemble caches parsed interviews by reference; drop the cache when the file changed."""
    import docassemble.base.functions
    import docassemble.base.interview_cache

    path = docassemble.base.functions.package_question_filename(ref)
    if path is None:
        return  # docassemble raises its own "not found" error next
    st = os.stat(path)
    version = (os.path.realpath(path), st.st_mtime_ns, st.st_size)
    if _loaded_versions.get(ref) != version:
        docassemble.base.interview_cache.clear_cache(ref)
        _loaded_versions[ref] = version


def _collect_attachments(status, qid: str, out: Path, info: list[Attachment], seen: set) -> None:
    for attachment in status.attachments or []:
        for fmt, number in (attachment.get("file") or {}).items():
            if (number, fmt) in seen:
                continue
            seen.add((number, fmt))
            src = _state.files.path(number)
            if src is None or not src.is_file():
                raise HarnessError(f"attachment {attachment.get('name')!r} ({fmt}) has no file (number {number})")
            target = out / src.name
            if target.exists():
                target = out / f"{src.stem}-{number}{src.suffix}"
            shutil.copyfile(src, target)
            info.append(Attachment(name=str(attachment.get("name", "")), filename=str(attachment.get("filename", "")),
                                   format=fmt, path=target, question_id=qid))
