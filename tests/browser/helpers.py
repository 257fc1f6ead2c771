"""Helpers for the browser tests (tier 3) and tools/latency.py: drive a docassemble interview in Chromium.

How docassemble 1.10.13 exposes what we need (read from its page and app.js):
- the current question id: the global `daQuestionID.id` (set on every page load and every AJAX screen);
  fallbacks: the hidden form input `_question_name` ("ID <id>") and the body class `question-<id>`.
- a new screen is ready when app.js triggers jQuery's `daPageLoad` event (initial load and after each
  AJAX screen); an init script counts those events in `window.__trLoads`.
- fields are named with the base64 (URL-safe, unpadded) of the variable name; radio and checkbox
  inputs are hidden behind "labelauty" labels, so we click the `<label for=...>`.
- documents are links to `/uploadedfile/<n>/<name>` or `/uploadedfiledownload/<n>/<name>` in the question area;
  this interview's drafts are sealed at rest, so its download screen links to an action that redirects to a
  one-time `/trfile/...` link (`.tr-files` lists and the `.tr-download-all` button; the name is the
  link's `download` attribute, or the response's Content-Disposition).
- the browser's session: the `session` cookie names a Redis key (db 1 + offset) holding a pickled
  dict whose `sessions[<interview>]['uid']` is the interview session key (PostgreSQL `userdict.key`).
"""
from __future__ import annotations

import base64
import json
import pickle
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / ".da-state"
PACKAGE = "docassemble.traffickingrelief"
MAIN_INTERVIEW = "traffickingrelief.yml"
CONTINUE = "Continue"
DISPATCH = "forms"  # server/start: `dispatch: {forms: <package>:data/questions/traffickingrelief.yml}`

# Counts docassemble's "daPageLoad" events in each document (a full load resets the counter to 0).
_INIT_SCRIPT = """
(() => {
  window.__trLoads = 0;
  document.addEventListener('DOMContentLoaded', () => {
    if (window.jQuery) { window.jQuery(document).on('daPageLoad', () => { window.__trLoads += 1; }); }
  });
})();
"""
_READY_JS = """
([token, loads]) => {
  const body = document.querySelector('#dabody');
  if (body && body.innerText.trim() === 'error') return 'error';  // app.js's daProcessAjaxError
  return document.readyState === 'complete' && window.__trLoads > 0
    && (window.__trToken !== token || window.__trLoads > loads);
}
"""


class InterviewError(AssertionError):
    """The interview did not do what the test expected (carries what the page showed)."""


def interview_ref(yaml_name: str = MAIN_INTERVIEW) -> str:
    return f"{PACKAGE}:data/questions/{yaml_name}"


def b64name(variable: str) -> str:
    """docassemble's form name for a variable: URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(variable.encode("utf-8")).decode("ascii").rstrip("=")


def server_config() -> dict:
    import yaml

    return yaml.safe_load((STATE / "config.yml").read_text(encoding="utf-8"))


def server_restarted_since(when: float, base_url: str = "http://127.0.0.1:8089") -> str | None:
    """Why the server may have failed a request: restarted after `when` (server/start rewrites its
    pid file), or stopped / not answering; None when neither."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base_url}/health_check", timeout=3) as response:
            answering = response.status == 200
    except OSError:
        answering = False
    pid_file = STATE / "run" / "gunicorn.pid"
    try:
        mtime = pid_file.stat().st_mtime
    except OSError:
        return "no gunicorn.pid: the server was stopped"
    if mtime > when:
        return "restarted at " + time.strftime("%H:%M:%S", time.localtime(mtime))
    return None if answering else "it does not answer /health_check"


def log_tail(lines: int = 30) -> str:
    """The end of docassemble's own log, for failure messages."""
    out = []
    for name in ("docassemble.log", "gunicorn.log"):
        path = STATE / "log" / name
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            text = [line[:400] for line in text]
            out.append(f"--- {path.name} (last {lines} lines)\n" + "\n".join(text))
    return "\n".join(out)


@dataclass
class Step:
    """One page-to-page transition: clicking `action` on `from_id` until `to_id` was ready."""
    from_id: str | None
    action: str
    to_id: str | None
    seconds: float


@dataclass
class Download:
    label: str
    href: str
    filename: str
    ext: str
    path: Path | None = None
    data: bytes = b""


@dataclass
class Interview:
    """One browser session on one interview. `page` is a Playwright sync Page."""
    page: Any
    base_url: str
    yaml_name: str = MAIN_INTERVIEW
    timeout_ms: int = 30_000
    steps: list[Step] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)
    screenshot_dir: Path | None = None  # when set, every new screen is saved as NN-<question id>.png

    def __post_init__(self):
        self.created = time.time()
        self.base_url = self.base_url.rstrip("/")
        self.i = interview_ref(self.yaml_name)
        if not getattr(self.page.context, "_tr_init", False):
            self.page.context.add_init_script(_INIT_SCRIPT)
            self.page.context._tr_init = True

    # ------------------------------------------------------------------ navigation
    def url(self, **args) -> str:
        """The interview's address: the neutral short name (server/start's `dispatch`) for the main
        interview, so neither the address bar nor the history ever names the package."""
        if self.yaml_name == MAIN_INTERVIEW:
            return f"{self.base_url}/start/{DISPATCH}/" + (f"?{urlencode(args)}" if args else "")
        return f"{self.base_url}/interview?" + urlencode({"i": self.i, **args})

    def start(self, lang: str | None = None, **args) -> str:
        """Open a new session (optionally `lang=es`); returns the first question id."""
        if lang:
            args["lang"] = lang
        token = self._arm()
        t0 = time.perf_counter()
        response = self.page.goto(self.url(new_session="1", **args))
        if response is None or response.status >= 400:
            raise InterviewError(f"GET {self.url(new_session='1', **args)} answered "
                                 f"{response.status if response else 'nothing'}\n{self._page_text()}\n{log_tail()}")
        self._wait_ready(token, 0, "start")
        return self._arrived(None, "start", t0)

    def question_id(self) -> str | None:
        return self.page.evaluate(
            """() => {
                 if (window.daQuestionID && daQuestionID.id) return daQuestionID.id;
                 const q = document.querySelector('#daform input[name="_question_name"], input[name="_question_name"]');
                 if (q && q.value.startsWith('ID ')) return q.value.slice(3);
                 const m = document.body && document.body.className.match(/\\bquestion-(\\S+)/);
                 return m ? m[1] : null;
               }"""
        )

    def expect_question(self, *ids: str) -> str:
        """Assert that the current screen is one of `ids` (exact question ids); returns it."""
        qid = self.question_id()
        if qid not in ids:
            raise InterviewError(f"expected question {' or '.join(map(repr, ids))}, got {qid!r}\n"
                                 f"visited: {self.visited}\n--- screen text:\n{self.main_text()[:3000]}")
        return qid

    # ------------------------------------------------------------------ reading the screen
    @property
    def main(self):
        """The question area (`#daquestion`); with `debug: True` the page also holds the YAML source."""
        return self.page.locator("#daquestion")

    def main_text(self) -> str:
        try:
            if self.main.count():
                return self.main.inner_text(timeout=2_000)
            return self.page.locator("body").inner_text(timeout=2_000)
        except Exception as exc:  # noqa: BLE001 (diagnostics only)
            return f"<could not read the page: {exc}>"

    def _page_text(self) -> str:
        try:
            return self.page.locator("body").inner_text(timeout=2_000)[:3000]
        except Exception as exc:  # noqa: BLE001
            return f"<could not read the page: {exc}>"

    def heading(self) -> str:
        loc = self.page.locator("#daMainQuestion")
        return loc.inner_text().strip() if loc.count() else ""

    def assert_text(self, *fragments: str, ignore_case: bool = False) -> None:
        """Every fragment is in the question area's visible text (whitespace-normalised)."""
        text = " ".join(self.main_text().split())
        hay = text.lower() if ignore_case else text
        missing = [f for f in fragments if (" ".join(f.split()).lower() if ignore_case else " ".join(f.split())) not in hay]
        if missing:
            raise InterviewError(f"on {self.question_id()!r}, missing text {missing}\n--- screen text:\n{text[:3000]}")

    def errors(self) -> list[str]:
        """Validation messages shown on the screen."""
        loc = self.page.locator("#daquestion .da-has-error, #daquestion .invalid-feedback:visible, "
                                "#daquestion .da-error:visible, #daquestion label.da-has-error, .alert-danger:visible")
        return [t.strip() for t in loc.all_inner_texts() if t.strip()]

    # ------------------------------------------------------------------ answering
    def _control(self, key: str):
        """The form control(s) for a variable name or a field label."""
        form = self.page.locator("#daform")
        by_name = form.locator(f'[name="{b64name(key)}"]')
        if by_name.count():
            return by_name
        alias = self._varnames().get(key)  # fields with `show if` are posted as _field_N
        if alias:
            by_alias = form.locator(f'[name="{b64name(alias)}"]')
            if by_alias.count():
                return by_alias
        by_id = form.locator(f'[id="{b64name(key)}"]')
        if by_id.count():
            return by_id
        by_label = form.get_by_label(key, exact=True).locator("xpath=self::input|self::select|self::textarea")
        if by_label.count():
            return by_label
        # a label whose text starts with the key (labels may carry a "(optional)" suffix or help)
        labels = form.locator("label.da-form-label, label.col-form-label, legend").filter(
            has_text=re.compile(r"^\s*" + re.escape(key)))
        for n in range(labels.count()):
            target = labels.nth(n).get_attribute("for")
            if target:
                loc = form.locator(f'[id="{target}"]')
                if loc.count():
                    return loc
        raise InterviewError(f"no field {key!r} on {self.question_id()!r}; fields: {self.fields()}")

    def has_field(self, key: str) -> bool:
        """Whether a variable (or label) has a visible control on this screen."""
        boxes = self.checkbox_group(key)
        if boxes:
            return any(self.page.locator(f'label[for="{b["id"]}"]').first.is_visible() for b in boxes)
        try:
            loc = self._control(key)
        except InterviewError:
            return False
        for n in range(loc.count()):
            el = loc.nth(n)
            ident = el.get_attribute("id")
            if el.is_visible() or (ident and self.page.locator(f'#daform label[for="{ident}"]').first.is_visible()):
                return True
        return False

    def _varnames(self) -> dict[str, str]:
        """Variable name -> form alias (`_field_N`), from the form's hidden `_varnames` map."""
        raw = self.page.evaluate(
            "() => { const e = document.querySelector('#daform input[name=\"_varnames\"]'); return e ? e.value : ''; }")
        if not raw:
            return {}
        try:
            mapping = json.loads(_b64decode(raw))
        except ValueError:
            return {}
        return {_b64decode(v): _b64decode(k) for k, v in mapping.items()}

    def fields(self) -> list[dict]:
        """Visible-ish form fields: variable name (decoded), type, label text."""
        return self.page.evaluate(
            """() => Array.from(document.querySelectorAll('#daform input, #daform select, #daform textarea'))
                 .filter(e => e.name && !e.name.startsWith('_') && e.name !== 'csrf_token')
                 .map(e => {
                   let v = e.name; try { v = atob(e.name.replace(/-/g,'+').replace(/_/g,'/')
                       + '==='.slice((e.name.length + 3) % 4)); } catch (x) {}
                   const l = e.id ? document.querySelector('label[for="' + e.id + '"]') : null;
                   return {variable: v, type: e.type || e.tagName.toLowerCase(), value: e.value,
                           label: l ? l.innerText.trim() : ''};
                 })"""
        )

    def _click_choice(self, inputs, wanted: Any) -> None:
        """Pick the radio/checkbox among `inputs` whose value or label matches `wanted`."""
        want = _choice_value(wanted)
        for n in range(inputs.count()):
            el = inputs.nth(n)
            ident = el.get_attribute("id")
            label = self.page.locator(f'#daform label[for="{ident}"]') if ident else None
            label_text = label.first.inner_text().strip() if label is not None and label.count() else ""
            if el.get_attribute("value") in (want, b64name(want)) or label_text == str(wanted):
                if label is not None and label.count():
                    label.first.click()
                else:
                    el.check(force=True)
                return
        options = [(inputs.nth(n).get_attribute("value")) for n in range(inputs.count())]
        raise InterviewError(f"no choice {wanted!r} on {self.question_id()!r}; values {options}")

    def checkbox_group(self, variable: str) -> list[dict]:
        """The checkboxes of a `datatype: checkboxes` field: code, input id, checked, field number."""
        boxes = self.page.evaluate(
            """(prefix) => Array.from(document.querySelectorAll('#daform input[type=checkbox]')).map(e => {
                 let v = null; try { v = atob(e.name.replace(/-/g,'+').replace(/_/g,'/')
                     + '==='.slice((e.name.length + 3) % 4)); } catch (x) {}
                 const m = (e.className.match(/\\bdafield(\\d+)\\b/) || [])[1];
                 return {id: e.id, name: v, checked: e.checked, field: m === undefined ? null : m};
               }).filter(b => b.name && b.name.startsWith(prefix))""",
            variable + "[")
        for box in boxes:
            m = re.match(re.escape(variable) + r"\[[BR]'?([^'\]]*)'?\]$", box["name"])
            code = None
            if m:
                raw = m.group(1)
                try:
                    code = base64.b64decode(raw + "=" * (-len(raw) % 4)).decode("utf-8")
                except ValueError:
                    code = raw
            box["code"] = code
        return boxes

    def tick(self, variable: str, codes: Iterable[Any]) -> "Interview":
        """Tick exactly `codes` (choice values, or labels) in a checkboxes field; an empty list ticks
        the field's "none of the above" box."""
        boxes = self.checkbox_group(variable)
        if not boxes:
            raise InterviewError(f"no checkboxes for {variable!r} on {self.question_id()!r}; fields: {self.fields()}")
        wanted = [str(c) for c in codes]
        by_code = {b["code"]: b for b in boxes}
        for want in wanted:
            box = by_code.get(want)
            if box is None:  # a label instead of a code
                for b in boxes:
                    label = self.page.locator(f'#daform label[for="{b["id"]}"]')
                    if label.count() and label.first.inner_text().strip() == want:
                        box = b
                        break
            if box is None:
                raise InterviewError(f"{variable!r} has no choice {want!r}; codes: {sorted(by_code)[:60]}")
            self._set_checkbox(self.page.locator(f'[id="{box["id"]}"]'), True)
        if not wanted:
            nota = self.page.locator(f'[id="_ignore{boxes[0]["field"]}"]')
            if not nota.count():
                raise InterviewError(f"{variable!r} has no 'none of the above' box")
            self._set_checkbox(nota, True)
        return self

    def answer(self, answers: dict[str, Any] | None = None, **kw: Any) -> "Interview":
        """Fill the current screen. Keys: variable names or field labels. Values: str (text, date
        as YYYY-MM-DD, select option label or value, radio value or label), bool (checkbox or
        yes/no radio), or a list of labels/values for a group of checkboxes."""
        for key, value in {**(answers or {}), **kw}.items():
            if key.startswith("?"):  # optional: only when the screen shows that field
                key = key[1:]
                if not self.has_field(key):
                    continue
            if isinstance(value, (list, tuple, set)):
                self.tick(key, value)
                continue
            loc = self._control(key)
            first = loc.first
            kind = (first.get_attribute("type") or "").lower()
            if kind == "hidden" and self._is_combobox(b64name(key)):
                self.pick_combobox(key, value)
                continue
            tag = first.evaluate("e => e.tagName.toLowerCase()")
            if tag == "select":
                try:
                    first.select_option(label=str(value), timeout=3_000)
                except Exception:  # noqa: BLE001
                    first.select_option(value=_choice_value(value))
            elif kind == "radio":
                self._click_choice(loc, value)
            elif kind == "checkbox":
                if isinstance(value, (list, tuple, set)):
                    self.tick(key, value)
                else:
                    self._set_checkbox(first, bool(value))
            elif tag == "fieldset" or (kind == "" and tag not in ("input", "textarea")):
                raise InterviewError(f"cannot answer {key!r}: unsupported control <{tag} type={kind}>")
            else:
                first.fill(str(value))
        return self

    def _is_combobox(self, name: str) -> bool:
        return bool(self.page.locator(f'#daform .combobox-container input[type=hidden][name="{name}"]').count())

    def pick_combobox(self, key: str, value: Any) -> None:
        """Type into docassemble's searchable combobox as a person would, then pick the suggestion whose
        code (or label) is `value`."""
        ident = b64name(key)
        options = self.page.evaluate(
            "(id) => Array.from(document.querySelectorAll('[id=\"' + id + 'combobox\"] option'))"
            ".map(o => [o.value, o.textContent.trim()])", ident)
        label = next((text for code, text in options if code == str(value) or text == str(value)), None)
        if label is None:
            raise InterviewError(f"combobox {key!r} has no choice {value!r}")
        box = self.page.locator(f'#daform input[role=combobox][id="{ident}"]')
        box.click()
        box.press_sequentially(label[:4], delay=20)
        item = self.page.locator(f'[id="{ident}menu"] li').filter(has_text=re.compile("^" + re.escape(label) + "$"))
        item.first.click()
        picked = self.page.locator(f'#daform input[type=hidden][name="{ident}"]').input_value()
        if picked != next(code for code, text in options if text == label):
            raise InterviewError(f"combobox {key!r} holds {picked!r} after picking {label!r}")

    def _set_checkbox(self, el, checked: bool) -> None:
        if el.is_checked() == checked:
            return
        ident = el.get_attribute("id")
        label = self.page.locator(f'#daform label[for="{ident}"]') if ident else None
        if label is not None and label.count():
            label.first.click()
        else:
            el.set_checked(checked, force=True)
        if el.is_checked() != checked:
            raise InterviewError(f"checkbox {ident} did not become {checked}")

    def check_labels(self, *labels: str) -> "Interview":
        """Tick checkboxes by their visible label text (e.g. a `datatype: checkboxes` group)."""
        for text in labels:
            label = self.page.locator("#daform label").filter(has_text=re.compile(r"^\s*" + re.escape(text) + r"\s*$"))
            if not label.count():
                raise InterviewError(f"no checkbox labelled {text!r} on {self.question_id()!r}")
            target = label.first.get_attribute("for")
            box = self.page.locator(f'[id="{target}"]')
            if not box.is_checked():
                label.first.click()
        return self

    # ------------------------------------------------------------------ buttons
    def button(self, name: str):
        """A button in the question area by its label (exact) or its submitted value."""
        area = self.page.locator("#daquestion")
        by_role = area.get_by_role("button", name=name, exact=True)
        if by_role.count():
            return by_role.first
        by_value = area.locator(f'button[value="{name}"], input[type=submit][value="{name}"]')
        if by_value.count():
            return by_value.first
        loose = area.get_by_role("button", name=name)
        if loose.count() == 1:
            return loose
        if name == CONTINUE:  # the screen's own continue button, whatever the language
            own = area.locator("#da-continue-button, .da-field-buttons button[type=submit]")
            if own.count():
                return own.first
        labels = [t.strip() for t in area.get_by_role("button").all_inner_texts()]
        raise InterviewError(f"no button {name!r} on {self.question_id()!r}; buttons: {labels}\n{self.main_text()[:1500]}")

    def click(self, name: str = "Continue", expect: str | Iterable[str] | None = None,
              timeout_ms: int | None = None) -> str:
        """Click a button (label or value), wait for the next screen; returns its question id."""
        target = self.button(name)
        return self._submit(lambda: target.click(), name, expect, timeout_ms)

    def next(self, answers: dict[str, Any] | None = None, button: str = "Continue",
             expect: str | Iterable[str] | None = None, timeout_ms: int | None = None, **kw: Any) -> str:
        """Answer the screen, then click `button`."""
        if answers or kw:
            self.answer(answers, **kw)
        return self.click(button, expect=expect, timeout_ms=timeout_ms)

    def press(self, key: str, expect: str | Iterable[str] | None = None) -> str:
        return self._submit(lambda: self.page.keyboard.press(key), f"key {key}", expect, None)

    def back(self) -> str:
        """docassemble's own Back button (top left of the navbar)."""
        back = self.page.locator("#daquestion button.daquestionbackbutton, button.dabackicon").first
        return self._submit(lambda: back.click(), "Back", None, None)

    def _submit(self, action, label: str, expect, timeout_ms) -> str:
        before = self.question_id()
        loads = self.page.evaluate("() => window.__trLoads || 0")
        token = self._arm()
        t0 = time.perf_counter()
        action()
        try:
            self._wait_ready(token, loads, label, timeout_ms)
        except InterviewError:
            raise
        qid = self._arrived(before, label, t0)
        if expect is not None:
            self.expect_question(*([expect] if isinstance(expect, str) else list(expect)))
        return qid

    def _arm(self) -> str:
        token = uuid.uuid4().hex
        try:
            self.page.evaluate("t => { window.__trToken = t; }", token)
        except Exception:  # noqa: BLE001 (about:blank before the first goto)
            pass
        return token

    def _wait_ready(self, token: str, loads: int, label: str, timeout_ms: int | None = None) -> None:
        deadline = time.monotonic() + (timeout_ms or self.timeout_ms) / 1000
        last_exc: Exception | None = None
        while time.monotonic() < deadline:
            try:
                handle = self.page.wait_for_function(_READY_JS, arg=[token, loads], polling=25,
                                                     timeout=max(100, int((deadline - time.monotonic()) * 1000)))
                if handle.json_value() == "error":
                    restarted = server_restarted_since(self.created, self.base_url)
                    raise InterviewError(
                        (f"the server went away during this test ({restarted}): did someone run server/start or stop?\n"
                         if restarted else "") +
                        f"after {label!r} on {self.visited[-1] if self.visited else None!r} the server's answer "
                        f"failed (the page shows docassemble's AJAX 'error')\n{log_tail(20)}")
                return
            except InterviewError:
                raise
            except Exception as exc:  # noqa: BLE001 (a navigation destroys the context: try again)
                last_exc = exc
                if "Timeout" in type(exc).__name__ or "Timeout" in str(exc)[:200]:
                    break
                time.sleep(0.05)
        errors = self.errors()
        restarted = server_restarted_since(self.created, self.base_url)
        raise InterviewError(
            (f"the server went away during this test ({restarted}): did someone run server/start or stop?\n"
             if restarted else "") +
            f"after {label!r} on {self.visited[-1] if self.visited else None!r} no new screen within "
            f"{(timeout_ms or self.timeout_ms) / 1000:.0f} s ({type(last_exc).__name__ if last_exc else ''})\n"
            f"validation messages: {errors}\nurl: {self.page.url}\n--- page text:\n{self._page_text()}\n{log_tail(20)}")

    def _arrived(self, before: str | None, label: str, t0: float) -> str:
        seconds = time.perf_counter() - t0
        qid = self.question_id()
        self.steps.append(Step(before, label, qid, seconds))
        self.visited.append(qid)
        if self._server_error():
            raise InterviewError(f"docassemble showed an error after {label!r} (question {qid!r}):\n"
                                 f"{self._page_text()}\n{log_tail(40)}")
        if self.screenshot_dir is not None:
            self.screenshot()
        return qid

    def _server_error(self) -> bool:
        if self.question_id() is not None:
            return False
        text = self._page_text()
        return "error" in text.lower()

    # ------------------------------------------------------------------ screenshots
    def screenshot(self, name: str | None = None) -> Path:
        """Viewport PNG (1280x900 in the fixtures) named NN-<question id>.png in screenshot_dir."""
        assert self.screenshot_dir is not None, "set screenshot_dir first"
        self.screenshot_dir.mkdir(parents=True, exist_ok=True)
        qid = name or self.question_id() or "unknown"
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", qid).strip("-")
        path = self.screenshot_dir / f"{len(self.shots) + 1:02d}-{slug}.png"
        self.page.evaluate("() => { document.activeElement && document.activeElement.blur && document.activeElement.blur(); }")
        # `debug: True` on the test server adds a source toggle to the navbar; real servers do not show it
        png = self.page.screenshot(full_page=False, animations="disabled", caret="hide",
                                   style="#dasourcetoggle, #dasource { display: none !important; }")
        path.write_bytes(small_png(png))
        self.shots.append(path)
        return path

    # ------------------------------------------------------------------ documents
    def download_links(self) -> list[Download]:
        """Links to generated files in the question area (docassemble's `/uploadedfile/...`, or this
        interview's one-time download links in `.tr-files` and `.tr-download-all`)."""
        items = self.page.evaluate(
            """() => Array.from(document.querySelectorAll('#daquestion a[href]'))
                 .filter(a => /\\/(uploadedfile|uploadedfiledownload|uploadedpage|storedfile|tempfile)\\//.test(a.getAttribute('href'))
                              || a.closest('.tr-files') || a.classList.contains('tr-download-all'))
                 .map(a => ({label: a.innerText.trim(), href: a.getAttribute('href'), name: a.getAttribute('download') || ''}))"""
        )
        out, seen = [], set()
        for item in items:
            href = item["href"]
            if href in seen:
                continue
            seen.add(href)
            filename = item["name"] or ("" if "action=" in href else href.split("?")[0].rstrip("/").rsplit("/", 1)[-1])
            ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
            out.append(Download(item["label"], href, filename, ext))
        return out

    def download_all(self, dest: Path) -> list[Download]:
        """Fetch every download link with the browser context's request API (same cookies)."""
        dest.mkdir(parents=True, exist_ok=True)
        links = self.download_links()
        if not links:
            raise InterviewError(f"no download links on {self.question_id()!r}\n{self.main_text()[:2000]}")
        for link in links:
            url = link.href if link.href.startswith("http") else self.base_url + link.href
            response = self.page.context.request.get(url, timeout=self.timeout_ms)
            if response.status != 200:
                raise InterviewError(f"GET {url} answered {response.status}")
            link.data = response.body()
            if not link.data:
                raise InterviewError(f"GET {url} returned an empty body")
            named = re.search(r'filename="([^"]+)"', response.headers.get("content-disposition", ""))
            if named and not link.filename:
                link.filename = named.group(1)
                link.ext = link.filename.rsplit(".", 1)[-1].lower() if "." in link.filename else ""
            n = 1
            path = dest / link.filename
            while path.exists():
                n += 1
                path = dest / f"{n}-{link.filename}"
            path.write_bytes(link.data)
            link.path = path
        return links

    # ------------------------------------------------------------------ server-side session
    def session_uid(self) -> str:
        """The interview session key (PostgreSQL userdict.key) of this browser's session, read from
        the server's Flask session in Redis via the `session` cookie."""
        cookie = next((c for c in self.page.context.cookies(self.base_url) if c["name"] == "session"), None)
        if cookie is None:
            raise InterviewError("the browser has no docassemble `session` cookie")
        data = flask_session(cookie["value"])
        try:
            return data["sessions"][self.i]["uid"]
        except (KeyError, TypeError) as exc:
            raise InterviewError(f"no session for {self.i} in the Flask session ({sorted(data)})") from exc

    def timings(self) -> list[float]:
        return [s.seconds for s in self.steps if s.from_id is not None]


def small_png(png: bytes, colors: int = 64) -> bytes:
    """A screenshot re-encoded with a small palette (about a third of the size, text stays crisp)."""
    try:
        import io

        from PIL import Image
    except ImportError:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, "PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png


def _b64decode(text: str) -> str:
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")


def _choice_value(value: Any) -> str:
    if value is True:
        return "True"
    if value is False:
        return "False"
    return str(value)


# ---------------------------------------------------------------------- server state (Redis, PostgreSQL)
def redis_client(db_offset: int = 1):
    import redis

    cfg = server_config()
    url = cfg.get("redis", "redis://127.0.0.1:56379")
    offset = int(cfg.get("redis database offset", 0) or 0)
    return redis.Redis.from_url(url, db=db_offset + offset)


def flask_session(cookie_value: str) -> dict:
    """docassemble keeps the Flask session in Redis (db 1): key = cookie value before the '.'."""
    key = cookie_value.split(".", 1)[0]
    raw = redis_client(1).get(key)
    if raw is None:
        raise InterviewError(f"no server-side Flask session for cookie key {key}")
    return pickle.loads(raw)  # noqa: S301 (our own test server's Redis)


def db_connect():
    import psycopg2

    db = server_config()["db"]
    return psycopg2.connect(host=db.get("host", "127.0.0.1"), port=int(db.get("port", 5432)),
                            dbname=db.get("name", "docassemble"), user=db["user"], password=db["password"],
                            connect_timeout=10)


def userdict_rows(uid: str) -> int:
    """Number of rows in `userdict` (the interview answers, one per step) for a session key."""
    with db_connect() as conn, conn.cursor() as cur:
        cur.execute("select count(*) from userdict where key = %s", (uid,))
        return int(cur.fetchone()[0])


def session_rows(uid: str) -> dict[str, int]:
    """Rows that carry the session key in docassemble's tables (answers, key index, uploads, chat)."""
    out = {}
    with db_connect() as conn, conn.cursor() as cur:
        for table in ("userdict", "userdictkeys", "uploads", "chatlog"):
            cur.execute(f'select count(*) from "{table}" where key = %s', (uid,))  # noqa: S608 (fixed names)
            out[table] = int(cur.fetchone()[0])
    return out


def stored_file_dirs(uid: str) -> list[Path]:
    """Where the server keeps each file of a session (its `uploads` rows), as docassemble lays them
    out under `uploads:` (`files/000/000/000/01c` for file 28)."""
    root = Path(server_config()["uploads"])
    with db_connect() as conn, conn.cursor() as cur:
        cur.execute("select indexno from uploads where key = %s", (uid,))
        numbers = [int(row[0]) for row in cur.fetchall()]
    return [root.joinpath(*re.findall("...", f"{n:012x}")) for n in numbers]


# ---------------------------------------------------------------------- document text
def docx_text(path: Path) -> str:
    """All text of a DOCX: body paragraphs, tables (nested), headers and footers."""
    from docx import Document

    doc = Document(str(path))
    parts: list[str] = []

    def walk_tables(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    walk_tables(cell.tables)

    parts.extend(p.text for p in doc.paragraphs)
    walk_tables(doc.tables)
    for section in doc.sections:
        for hf in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            parts.extend(p.text for p in hf.paragraphs)
            walk_tables(hf.tables)
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def document_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_text(path)
    if suffix == ".pdf":
        return pdf_text(path)
    return path.read_bytes().decode("utf-8", errors="replace")


def squash(text: str) -> str:
    """Whitespace-normalised text (PDF extraction and DOCX runs break lines differently)."""
    return " ".join(text.split())


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation): p50/p95 of a small sample."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(-(-pct * len(ordered) // 100)))  # ceil(pct/100 * n)
    return ordered[min(rank, len(ordered)) - 1]


def timing_summary(steps: list[Step]) -> str:
    return json.dumps([{"from": s.from_id, "action": s.action, "to": s.to_id, "s": round(s.seconds, 3)}
                       for s in steps], indent=1)


# ---------------------------------------------------------------------- walking a path
def drive(it: Interview, plan: dict[str, Any], until: str | Iterable[str], max_screens: int = 80,
          on_screen=None) -> list[str]:
    """Walk the interview from the current screen until a question id in `until`.

    `plan` maps question ids to what to do there: a dict of answers (then "Continue"), a tuple
    `(answers, button)`, a button label (str), or a callable `f(it)` that does the step itself (it
    must leave the screen). `on_screen(it, qid)` runs on every screen before it is answered (text
    assertions). A screen not in `plan` fails the test with the screen's text.
    """
    stop = {until} if isinstance(until, str) else set(until)
    seen: list[str] = []
    for _ in range(max_screens):
        qid = it.question_id()
        seen.append(qid)
        if on_screen is not None:
            on_screen(it, qid)
        if qid in stop:
            return seen
        if qid not in plan:
            raise InterviewError(f"screen {qid!r} is not in the test's plan (visited {seen})\n"
                                 f"fields: {it.fields()}\n--- screen text:\n{it.main_text()[:3000]}")
        step = plan[qid]
        if callable(step):
            step(it)
        elif isinstance(step, str):
            it.click(step)
        elif isinstance(step, tuple):
            answers, button = step
            it.next(answers, button=button)
        else:
            it.next(step)
        if it.question_id() == qid and it.errors():
            raise InterviewError(f"{qid!r} refused the answers: {it.errors()}\n{it.main_text()[:2000]}")
    raise InterviewError(f"no {sorted(stop)} within {max_screens} screens (visited {seen})")
