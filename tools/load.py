"""Load test: N people at once through the full New York path on a running server, M of them making
their papers at the same moment.

    .venv-da/bin/python tools/load.py --users 32 --generating 8 [--think 2] [--url http://127.0.0.1:8089]

One Chromium (Debian's /usr/bin/chromium, never `playwright install`) with one browser context per
person, each walking tests/browser/paths.py's fictional New York case with the browser tests' helpers,
to the download screen, where it fetches the ZIP. The first M people wait on the review screen until
all M are there, then press "Make the papers" together; the others press it when they get there.

The client must not eat the server's share of the CPU, nor colour its figures:
- the whole client (this process, Playwright's driver and Chromium) runs under SCHED_IDLE at nice 19,
  without the capability to raise its priority again (Chromium does so when it can), and asks for
  reduced motion;
- page times are the server's own: gunicorn's access log ends with %(D)s (server/start), so each
  request's time is measured inside the server, from the request read to the response written.

Figures, printed as text (and as JSON with --json):
- page requests, server-side p50/p95/max: every interview POST and the first GET of each session.
  docassemble's progress screen refreshes itself with the same POST, so its refreshes are counted too
  (they fall while the papers are made, the busiest time);
- page steps as the client saw them (click to next screen ready), for comparison;
- generation: "Make the papers" to the download screen, per person (queueing included), and each
  Celery task's own run time from the worker's log;
- downloads (server-side), errors (any failed step, any HTTP 5xx), timeouts (no next screen within
  --timeout seconds);
- peak memory of the server: RSS summed over gunicorn's processes, the Celery worker's processes and
  their LibreOffice children (PSS beside it, which counts shared pages once), and the most LibreOffice
  conversions seen running at once.

Needs the server started by server/start on this machine (it reads .da-state/run and .da-state/log).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from helpers import CONTINUE, Interview, InterviewError, percentile  # noqa: E402
from paths import DOWNLOAD_ID, NY_CASE, REVIEW_ID, WAITING_ID, wait_for_papers, walk  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-renderer-backgrounding", "--disable-background-timer-throttling"]
STATE = ROOT / ".da-state"

# gunicorn's access log as server/start writes it: ... "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s
ACCESS = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) \S+ "[^"]*" "[^"]*" (?P<us>\d+)$')
CELERY_DONE = re.compile(r"Task tasks\.background_action\[[^\]]+\] succeeded in (?P<s>[0-9.]+)s")


@dataclass
class User:
    n: int
    synchronized: bool
    outcome: str = "running"          # ok / error / timeout
    detail: str = ""
    steps: list[float] = field(default_factory=list)
    generation: float | None = None
    screens: int = 0
    abandoned: bool = False           # still running at --deadline: counted as a timeout, whatever follows


class Barrier:
    """The M synchronized people wait on the review screen until all of them are there (or gave up)."""

    def __init__(self, size: int):
        self.size = size
        self.arrived = 0
        self.failed = 0

    def wait(self, page, limit_s: float) -> None:
        self.arrived += 1
        deadline = time.monotonic() + limit_s
        while self.arrived + self.failed < self.size and time.monotonic() < deadline:
            page.wait_for_timeout(100)  # a Playwright wait: the other people's greenlets run meanwhile


# ------------------------------------------------------------------------------------------------ memory
def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _tree(root: int, kids: dict[int, list[int]]) -> list[int]:
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def _kb(path: str, key: str) -> int:
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Samples the server's process trees (gunicorn, Celery and its LibreOffice children) twice a second."""

    def __init__(self, roots: list[int]):
        super().__init__(daemon=True)
        self.roots = roots
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = 0
        self.peak_soffice = 0

    def run(self) -> None:
        while not self.stop.is_set():
            kids = _children_map()
            pids = {pid for root in self.roots for pid in _tree(root, kids)}
            rss = sum(_kb(f"/proc/{p}/status", "VmRSS:") for p in pids)
            pss = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
            soffice = 0
            for p in pids:
                try:
                    with open(f"/proc/{p}/comm", encoding="ascii", errors="replace") as fh:
                        soffice += fh.read().strip() == "soffice.bin"
                except OSError:
                    pass
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.peak_soffice = max(self.peak_soffice, soffice)
            self.stop.wait(0.5)


def server_roots(state: Path) -> list[int]:
    roots = []
    for name in ("gunicorn.pid", "celery.pid"):
        try:
            roots.append(int((state / "run" / name).read_text().split()[0]))
        except (OSError, ValueError, IndexError):
            raise SystemExit(f"load.py: no {state / 'run' / name}: start the server with `bash server/start`") from None
    return roots


# ------------------------------------------------------------------------------------------------ one person
def run_user(browser, url: str, user: User, barrier: Barrier, think: float, timeout_s: float) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(timeout_s * 1000)
    rng = random.Random(user.n)
    it = Interview(page, url, timeout_ms=int(timeout_s * 1000))

    def pause(_it, qid):
        if think and qid != DOWNLOAD_ID:
            page.wait_for_timeout(int(1000 * think * rng.uniform(0.5, 1.5)))

    waited = False

    def make_the_papers(_it):
        nonlocal waited
        if user.synchronized:
            waited = True
            barrier.wait(page, limit_s=timeout_s * 4)
        it.click(CONTINUE, timeout_ms=int(timeout_s * 1000))
        wait_for_papers(it, timeout_s=timeout_s * 4)

    try:
        it.start()
        walk(it, NY_CASE, on_screen=pause, **{REVIEW_ID: make_the_papers})
        it.expect_question(DOWNLOAD_ID)
        making = [s for s in it.steps if s.from_id in (REVIEW_ID, WAITING_ID)]
        user.generation = sum(s.seconds for s in making)
        user.steps = [s.seconds for s in it.steps[1:] if s.from_id not in (REVIEW_ID, WAITING_ID)]
        user.screens = len(it.visited)
        zip_link = next((d for d in it.download_links() if d.filename.endswith(".zip")), None)
        if zip_link is None:
            raise InterviewError("no ZIP on the download screen")
        response = context.request.get(url + zip_link.href, timeout=timeout_s * 1000)
        if response.status != 200 or not response.body().startswith(b"PK"):
            raise InterviewError(f"the ZIP answered {response.status}")
        if not user.abandoned:
            user.outcome = "ok"
    except Exception as exc:  # noqa: BLE001 (every failure is counted and reported, never raised)
        if user.abandoned:  # the browser closed under it at the deadline
            return
        text = str(exc)
        user.outcome = "timeout" if ("no new screen within" in text or "not ready within" in text
                                     or "Timeout" in type(exc).__name__) else "error"
        user.detail = f"{type(exc).__name__}: {text.splitlines()[0][:200] if text else ''}"
        if user.synchronized and not waited:
            barrier.failed += 1  # the others stop waiting for this one
    finally:
        try:
            context.close()
        except Exception:  # noqa: BLE001
            pass


def run_all(browser, users: list[User], starter, barrier: Barrier, args) -> None:
    """Run every person in a greenlet of its own inside Playwright's sync API: each blocks in a sync
    call while the event loop (Playwright's dispatcher) serves the others, so one thread and one
    Chromium drive them all, as Playwright does for its own event callbacks."""
    from greenlet import greenlet

    loop = browser._loop  # Playwright's event loop behind the sync API (SyncBase._loop)
    remaining = {u.n for u in users}

    def launch(user: User) -> None:
        def body():
            try:
                run_user(browser, args.url, user, barrier, args.think, args.timeout)
            finally:
                remaining.discard(user.n)
        greenlet(body).switch()  # runs until its first wait, then the dispatcher carries on

    for k, user in enumerate(users):
        loop.call_later(k * args.ramp, launch, user)
    deadline = time.monotonic() + args.deadline
    while remaining and time.monotonic() < deadline:
        starter.wait_for_timeout(250)
    for user in users:
        if user.n in remaining:
            user.abandoned = True
            user.outcome, user.detail = "timeout", f"unfinished after the {args.deadline:.0f} s deadline"


# ------------------------------------------------------------------------------------------------ server logs
def read_from(path: Path, offset: int) -> list[str]:
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read().decode("utf-8", errors="replace").splitlines()


def size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def classify(lines: list[str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"page": [], "download": [], "other": [], "5xx": []}
    for line in lines:
        m = ACCESS.search(line)
        if not m:
            continue
        seconds = int(m["us"]) / 1e6
        path = m["path"].split("?", 1)[0]
        if m["status"].startswith("5"):
            out["5xx"].append(seconds)
        if (m["method"] == "POST" and path in ("/interview", "/run/forms/")) or \
                (m["method"] == "GET" and path.startswith("/start/")):
            out["page"].append(seconds)
        elif path.startswith(("/trfile/", "/uploadedfile")) or (path == "/interview" and "action=" in m["path"]):
            out["download"].append(seconds)  # the download action (it unseals the file) and its one-time link
        elif not path.startswith(("/static", "/health_check", "/favicon")):
            out["other"].append(seconds)
    return out


def stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50_ms": round(percentile(values, 50) * 1000), "p95_ms": round(percentile(values, 95) * 1000),
            "max_ms": round(max(values) * 1000)}


def line(name: str, s: dict, unit: str = "ms") -> str:
    if not s.get("n"):
        return f"{name}: none"
    if unit == "s":
        return (f"{name}: p50 {s['p50_ms'] / 1000:.1f} s, p95 {s['p95_ms'] / 1000:.1f} s, "
                f"max {s['max_ms'] / 1000:.1f} s (n={s['n']})")
    return f"{name}: p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, max {s['max_ms']} ms (n={s['n']})"


def warm_up(browser, starter, url: str, count: int, timeout_s: float) -> None:
    """Each gunicorn worker and Celery process compiles the interview on its first use (10 s or more):
    a few sessions in parallel, papers included, before the measured run."""
    users = [User(n=-1 - k, synchronized=True) for k in range(count)]
    args = argparse.Namespace(url=url, think=0, timeout=timeout_s, ramp=0.0, deadline=timeout_s * 10)
    run_all(browser, users, starter, Barrier(count), args)
    bad = [u for u in users if u.outcome != "ok"]
    if bad:
        raise SystemExit(f"load.py: warm-up failed: {bad[0].outcome}: {bad[0].detail}")


def drop_priority_raising(argv: list[str] | None) -> None:
    """Re-run this process without CAP_SYS_NICE when it has it (root).

    Chromium raises its own processes' priority where it may: run as root it put its browser and GPU
    processes at nice -8, ahead of the server it measures. Without the capability, nice only goes up.
    """
    if argv is not None or os.geteuid() != 0 or os.environ.get("TR_LOAD_NO_SYS_NICE") or not shutil.which("setpriv"):
        return
    os.environ["TR_LOAD_NO_SYS_NICE"] = "1"
    os.execvp("setpriv", ["setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice",
                          sys.executable, *sys.argv])


def main(argv: list[str] | None = None) -> int:
    drop_priority_raising(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=16, help="people at once (default 16)")
    parser.add_argument("--generating", type=int, default=None,
                        help="of them, how many press 'Make the papers' at the same moment (default: a quarter)")
    parser.add_argument("--think", type=float, default=2.0,
                        help="seconds a person spends on a screen, varied 0.5x to 1.5x (default 2: a fast pace)")
    parser.add_argument("--ramp", type=float, default=0.5, help="seconds between two people starting (default 0.5)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds a person waits for the next screen before it counts as a timeout (default 60)")
    parser.add_argument("--deadline", type=float, default=1800.0, help="seconds for the whole run (default 1800)")
    parser.add_argument("--warm-up", type=int, default=None,
                        help="sessions run first, unmeasured (default: Celery processes + gunicorn workers)")
    parser.add_argument("--nice", type=int, default=19,
                        help="the client's niceness (default 19; on a machine shared with other busy work the "
                             "client then barely runs, and a lower value keeps the run short)")
    cores = sorted(os.sched_getaffinity(0))
    parser.add_argument("--client-cores", type=lambda v: {int(c) for c in v.split(",") if c}, default=set(cores[1:2]),
                        help="cores the client may use, e.g. 1 or 1,2 (default: the second core, so the server has one "
                             "core the simulated people never touch, as it would when they sit at their own computers; "
                             "empty: any core)")
    parser.add_argument("--url", default=os.environ.get("DA_URL", "http://127.0.0.1:8089"))
    parser.add_argument("--state", type=Path, default=STATE, help="the server's .da-state folder")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    args.url = args.url.rstrip("/")
    generating = args.users // 4 if args.generating is None else args.generating
    if not 0 <= generating <= args.users:
        parser.error("--generating must be between 0 and --users")

    os.nice(max(0, args.nice - os.nice(0)))  # inherited by Playwright's driver and Chromium: the server keeps the CPU
    # and SCHED_IDLE, as server/start gives the Celery worker: a waking server thread preempts the client at once
    # (niceness alone let the client hold a core to the end of its slice while a page step waited)
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    if args.client_cores:
        os.sched_setaffinity(0, args.client_cores)
    roots = server_roots(args.state)
    config = (args.state / "config.yml").read_text(encoding="utf-8")
    celery_processes = int((re.search(r"^celery processes: (\d+)", config, re.M) or [0, 1])[1])
    workers = sum(1 for _ in _children_map().get(roots[0], []))
    access_log, celery_log = args.state / "log" / "gunicorn-access.log", args.state / "log" / "celery.log"

    from playwright.sync_api import sync_playwright

    users = [User(n=k, synchronized=k < generating) for k in range(args.users)]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            starter = browser.new_context().new_page()
            warm = args.warm_up if args.warm_up is not None else celery_processes + workers
            t0 = time.perf_counter()
            if warm:
                warm_up(browser, starter, args.url, warm, args.timeout * 3)
            print(f"warm-up: {warm} sessions in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            access_at, celery_at = size(access_log), size(celery_log)
            sampler = MemorySampler(roots)
            sampler.start()
            t0 = time.perf_counter()
            run_all(browser, users, starter, Barrier(generating), args)
            elapsed = time.perf_counter() - t0
            sampler.stop.set()
            sampler.join()
        finally:
            browser.close()
    time.sleep(1)  # the last access-log lines
    served = classify(read_from(access_log, access_at))
    tasks = [float(m["s"]) for m in map(CELERY_DONE.search, read_from(celery_log, celery_at)) if m]
    outcomes = {k: sum(1 for u in users if u.outcome == k) for k in ("ok", "error", "timeout")}
    report = {
        "users": args.users, "generating_together": generating, "think_s": args.think, "ramp_s": args.ramp,
        "client_nice": os.nice(0), "client_cores": sorted(os.sched_getaffinity(0)), "load_average_at_end": os.getloadavg()[0],
        "gunicorn_workers": workers, "celery_processes": celery_processes, "cores": os.cpu_count(),
        "seconds": round(elapsed, 1), **outcomes, "http_5xx": len(served["5xx"]),
        "page_server": stats(served["page"]),
        "page_client": stats([s for u in users for s in u.steps]),
        "generation_client": stats([u.generation for u in users if u.generation is not None]),
        "generation_synchronized": stats([u.generation for u in users if u.synchronized and u.generation is not None]),
        "celery_task": stats(tasks),
        "download_server": stats(served["download"]),
        "other_server": stats(served["other"]),
        "peak_rss_mb": round(sampler.peak_rss / 1024), "peak_pss_mb": round(sampler.peak_pss / 1024),
        "peak_libreoffice": sampler.peak_soffice,
        "failures": [f"person {u.n}: {u.outcome}: {u.detail}" for u in users if u.outcome != "ok"],
    }
    print(f"{args.users} people, {generating} making papers at the same moment, think {args.think:g} s, "
          f"{workers} gunicorn workers, {celery_processes} Celery processes, {os.cpu_count()} cores, "
          f"client at nice {os.nice(0)}, SCHED_IDLE, on cores {','.join(map(str, sorted(os.sched_getaffinity(0))))}: {elapsed:.0f} s (machine load average {os.getloadavg()[0]:.1f})")
    print(f"completed {outcomes['ok']}, errors {outcomes['error']}, timeouts {outcomes['timeout']}, "
          f"HTTP 5xx {len(served['5xx'])}")
    print(line("page requests, server-side (steps and progress refreshes)", report["page_server"]))
    print(line("page steps, client-side", report["page_client"]))
    print(line("generation, Make the papers to download screen", report["generation_client"], "s"))
    print(line(f"generation of the {generating} pressed at once", report["generation_synchronized"], "s"))
    print(line("Celery task run time", report["celery_task"], "s"))
    print(line("downloads, server-side", report["download_server"]))
    print(f"peak server memory: RSS {report['peak_rss_mb']} MB (PSS {report['peak_pss_mb']} MB) over gunicorn, "
          f"Celery and LibreOffice; at most {report['peak_libreoffice']} LibreOffice conversions at once")
    for failure in report["failures"][:10]:
        print("  " + failure)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0 if outcomes["ok"] == args.users else 1


if __name__ == "__main__":
    sys.exit(main())
