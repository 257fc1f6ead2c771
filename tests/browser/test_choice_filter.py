"""The long list of kinds of charge can be searched by typing (data/static/choice_filter.js).

On the attorney's one-screen record form: typing hides the kinds whose words do not match, a ticked
kind and "I am not sure" stay in view, the filter never ticks or unticks anything, and clearing it
shows the whole list again. Accent-insensitive in Spanish. All people are fictional.
"""
from __future__ import annotations

from helpers import Interview, drive
from paths import ES_CASE, NY_CASE, plan_for

FORM = "record_attorney"


def visible_choices(it: Interview) -> list[str]:
    """The labels of the checkboxes a person can see (docassemble draws each as a label button)."""
    return it.page.evaluate("""() => Array.from(document.querySelectorAll('#daquestion input[type=checkbox]'))
        .map(box => document.querySelector(`label[for="${box.id}"]`))
        .filter(label => label && label.offsetParent !== null)
        .map(label => label.textContent.trim())""")


def checkbox_count(it: Interview) -> int:
    return it.page.locator("#daquestion input[type=checkbox]").count()


def test_typing_finds_a_kind_of_charge_and_keeps_ticked_ones(server_url, page):
    it = Interview(page, server_url)
    it.start()
    drive(it, plan_for(NY_CASE), FORM)
    search = it.page.get_by_label("Find in this list")
    assert search.count() == 1, "no search box above the kinds of charge"
    everything = visible_choices(it)
    assert len(everything) >= 20 and "Trespassing" in everything
    it.page.locator("#daquestion label", has_text="Prostitution or selling sex").click()
    search.fill("trespass")
    shown = visible_choices(it)
    assert "Trespassing" in shown and "Prostitution or selling sex" in shown and "I am not sure" in shown
    assert "Robbery" not in shown and len(shown) == 3, shown
    assert it.page.get_by_label("Prostitution or selling sex").is_checked()
    search.press("Enter")  # does not submit the screen
    assert it.question_id() == FORM
    search.fill("")
    assert visible_choices(it) == everything
    assert checkbox_count(it) == len(everything)


def test_spanish_search_ignores_accents(server_url, page):
    it = Interview(page, server_url)
    it.start(lang="es")
    plan = plan_for(ES_CASE)
    plan["language_choice"] = "es"
    drive(it, plan, FORM)
    search = it.page.get_by_label("Buscar en esta lista")
    search.fill("prostitucion")
    shown = visible_choices(it)
    assert any(label.startswith("Prostitución") for label in shown), shown
    assert len(shown) <= 3, shown
