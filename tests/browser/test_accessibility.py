"""axe-core on every screen of one full path, in English and in Spanish: no critical or serious
violation. axe-core comes from npm (server/start installs it under .da-state/node); its axe.min.js is
injected into each page with Playwright. Screens are checked as they are shown, with every
"for the lawyer" part opened, so hidden content is checked too.
"""
from __future__ import annotations

import json

import pytest

from helpers import STATE, Interview
from paths import ES_CASE, NY_CASE, walk

AXE = STATE / "node" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    result = page.evaluate(
        """async () => {
             const r = await axe.run(document, {resultTypes: ['violations']});
             return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
           }""")
    return result


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_serious_accessibility_violation_on_any_screen(server_url, page, lang):
    assert AXE.is_file(), f"{AXE} missing: server/start installs axe-core with npm"
    it = Interview(page, server_url)
    it.start(lang=lang if lang == "es" else None)
    found: dict[str, list[dict]] = {}
    checked: list[str] = []

    def check(it: Interview, qid: str) -> None:
        checked.append(qid)
        bad = [v for v in axe_violations(it.page) if v["impact"] in BLOCKING]
        if bad:
            found[qid] = bad

    walk(it, ES_CASE if lang == "es" else NY_CASE, on_screen=check)
    assert len(checked) >= 20, checked
    assert not found, f"{lang}: axe found critical or serious violations:\n{json.dumps(found, indent=1)}"
