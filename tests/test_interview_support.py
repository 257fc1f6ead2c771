"""interview_support: the interview's glue, tested without docassemble (plain stand-in objects).

The stand-ins behave as docassemble's do where the module relies on it: answers are instance
attributes, a list keeps its items in ``elements`` and grows through ``appendObject()``, a file
takes ``initialize(filename=)``, ``copy_into(path)``, ``write(text)`` and ``commit()``.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_CASE, docx_text, example_dict
from docassemble.traffickingrelief import interview_support as s
from docassemble.traffickingrelief.facts import parse_case


class Obj:
    def __init__(self, instance_name: str = "x", **answers):
        self.instanceName = instance_name
        self.__dict__.update(answers)


class Lst(Obj):
    def __init__(self, instance_name: str = "items", items=()):
        super().__init__(instance_name)
        self.elements = list(items)

    def clear(self):
        self.elements = []

    def appendObject(self):
        item = Obj(f"{self.instanceName}[{len(self.elements)}]")
        self.elements.append(item)
        return item


class FakeFile(Obj):
    def initialize(self, filename):
        self.filename = filename

    def copy_into(self, path):
        self.content = Path(path).read_bytes()

    def write(self, text):
        self.content = text.encode("utf-8")

    def commit(self):
        self.committed = True


class FileList(Lst):
    def appendObject(self):
        item = FakeFile(f"{self.instanceName}[{len(self.elements)}]")
        self.elements.append(item)
        return item


class Unreadable:
    """Like a DAObject: reading a missing attribute through getattr would be an error the engine notices."""

    def __getattr__(self, name):
        raise AssertionError(f"getattr({name!r}) used: the module must read answers from __dict__")


def fresh_answers(state="NY", **record) -> dict:
    rec = Obj("records[0]", jurisdiction=state, kind="conviction", court="Example Court", case_number="CR-1-19",
              offence="Prostitution", statute="Penal Law § 230.00", offence_categories={"prostitution": True, "theft": False},
              offence_class="misdemeanor", violent_choice="no", conviction_date=dt.datetime(2019, 3, 1, 0, 0),
              juvenile_choice="no", affirmative_defence_at_trial="not_sure", connection_choice="write_now",
              trafficking_connection="The trafficker sent me there.", prosecutor_consent="not_sure")
    rec.__dict__.update(record)
    return dict(
        client=Obj("client", legal_name="Rowan Fictional", pseudonym_choice="no", date_of_birth=dt.date(1990, 1, 1),
                   safe_to_contact_choice="not_sure", immigration_choice="prefer_not_to_say", city=""),
        trafficking=Obj("trafficking", type_choice="both", force_choice="yes", fraud_choice="no",
                        coercion_choice="prefer_not_to_say", narrative_choice="write_now", narrative="An invented account.",
                        documents={"t_visa_approval": True, "hhs_letter": False}, other_documents="Letter one\n\nLetter two",
                        period_start="2017-02-01", age_at_start="16"),
        records=Lst("records", [rec]), le_contacts=Lst("le_contacts"), evidence_items=Lst("evidence_items"),
        preparer=Obj("preparer", name="Casey Counsel", bar_number="000001"),
        user_role="attorney", interview_language="es",
    )


def test_build_maps_answers_to_a_valid_case_file():
    data = s.build_case_file(**fresh_answers())
    case = parse_case(copy.deepcopy(data))
    assert case.client.legal_name == "Rowan Fictional"
    assert case.client.preferred_language == "es"
    assert case.client.date_of_birth == dt.date(1990, 1, 1)
    assert case.client.contact.safe_to_contact is None and case.client.contact.city is None
    assert case.trafficking.types == ("labor", "sex")
    assert (case.trafficking.force, case.trafficking.fraud, case.trafficking.coercion) == (True, False, None)
    assert case.trafficking.age_at_start == 16
    assert case.trafficking.official_documentation == (s.OFFICIAL_DOCUMENTS["t_visa_approval"], "Letter one", "Letter two")
    [record] = case.convictions
    assert (record.id, record.jurisdiction, record.conviction_date) == ("c1", "NY", dt.date(2019, 3, 1))
    assert record.offence_categories == ("prostitution",)
    assert record.affirmative_defence_at_trial is None and record.prosecutor_consent is None
    assert case.preparer.role == "attorney" and case.preparer.bar_number == "000001"
    assert "requests" not in data


def test_prefer_not_to_say_leaves_facts_out_instead_of_blocking():
    answers = fresh_answers()
    answers["trafficking"] = Obj("trafficking", type_choice="prefer_not_to_say", force_choice="prefer_not_to_say",
                                 narrative_choice="prefer_not_to_say", narrative="typed, then withdrawn")
    answers["records"].elements[0].connection_choice = "prefer_not_to_say"
    data = s.build_case_file(**answers)
    assert "trafficking" not in data
    assert "trafficking_connection" not in data["convictions"][0]
    assert s.case_problems(data) == []


def test_advocate_preparer_has_no_bar_number_and_helpers_role_counts():
    answers = fresh_answers()
    data = s.build_case_file(**{**answers, "user_role": "advocate"})
    assert data["preparer"] == {"name": "Casey Counsel", "role": "advocate"}
    data = s.build_case_file(**{**answers, "user_role": "survivor_with_helper", "helper_role": "attorney"})
    assert data["preparer"]["role"] == "attorney" and data["preparer"]["bar_number"] == "000001"


def test_ids_are_kept_unique_and_arrests_go_to_their_own_list():
    answers = fresh_answers()
    first = answers["records"].elements[0]
    first.id = "c2"
    arrest = Obj("records[1]", jurisdiction="NY", kind="arrest", offence="Loitering", arrest_disposition="dismissed",
                 connection_choice="prefer_not_to_say")
    again = Obj("records[2]", **{**vars(first), "id": "c2"})
    answers["records"].elements += [arrest, again]
    data = s.build_case_file(**answers)
    assert [c["id"] for c in data["convictions"]] == ["c2", "c1"]
    assert data["arrests"] == [{"id": "a1", "jurisdiction": "NY", "offence": "Loitering", "disposition": "dismissed"}]
    assert s.case_problems(data) == []


def test_answers_are_read_without_getattr():
    data = s.build_case_file(client=Unreadable(), trafficking=Unreadable(), records=None, preparer=Unreadable())
    assert data["client"] == {"legal_name": "", "use_pseudonym_in_filings": False}
    assert any(p.startswith("client.legal_name") for p in s.case_problems(data))


def _apply(prefill: dict) -> tuple[dict, dict]:
    objects = dict(client=Obj("client"), trafficking=Obj("trafficking"), records=Lst("records"),
                   le_contacts=Lst("le_contacts"), evidence_items=Lst("evidence_items"), preparer=Obj("preparer"))
    made = []
    top = s.apply_prefill(prefill, dict_factory=lambda name, elements: made.append(name) or dict(elements), **objects)
    assert "records[0].offence_categories" in made and "trafficking.documents" in made
    return objects, top


def test_case_file_round_trip_through_the_answers():
    """Upload -> answers -> case file gives back the same case (what the export downloads)."""
    original = example_dict()
    original["pending_charges"] = [{"id": "p1", "jurisdiction": "NY", "offence": "Trespass"}]
    original["client"]["a_number"] = "A123456789"
    original["client"]["identifiers"] = {"state_id_number": "99999999Z"}
    original["filing_date"] = "2026-12-01"
    original["victims_to_notify"] = ["the complaining witness in case CR-000001-20QN"]
    original["outstanding_warrants"] = [{"jurisdiction": "NY", "kind": "bench", "related_record": "c2"}]
    original["arrests"] = [{"id": "a1", "jurisdiction": "US", "offence": "Visa fraud", "agency": "Example Agency",
                            "district": "Example Division", "disposition": "dismissed",
                            "dismissed_on_motion_of": "prosecution", "prosecuting_office": "Example U.S. Attorney"}]
    original["trafficking"]["periods"].append({"start": "2021-01-01", "place": "Elsewhere"})
    objects, top = _apply(s.prefill_from_case_file(original))
    assert objects["records"].gathered and objects["records"].elements[2].complete is True
    assert top["states"] == ["PA", "NY", "US"]
    rebuilt = s.build_case_file(**objects, user_role="advocate", interview_language="en",
                                confidential_filing_choice=top["confidential_filing_choice"], carry_over=top["carry_over"])
    assert parse_case(copy.deepcopy(rebuilt)) == parse_case(copy.deepcopy(original))
    assert json.loads(s.case_file_json(rebuilt)) == rebuilt


def test_read_upload_reports_problems_by_field_path(tmp_path):
    good = s.read_case_file_upload(EXAMPLE_CASE, "example_case.yml")
    assert good["problems"] == [] and good["data"]["client"]["legal_name"] == "Ana Ejemplo"
    broken = example_dict()
    broken["convictions"][0]["conviction_date"] = "2019-02-30"
    broken["convictions"][1]["jurisdiction"] = "ZZ"
    path = tmp_path / "upload.bin"
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = s.read_case_file_upload(path, "case.json")
    assert result["data"] is None
    assert "convictions[0].conviction_date: not a date (use YYYY-MM-DD)" in result["problems"]
    path.write_text("client: [unclosed", encoding="utf-8")
    assert s.read_case_file_upload(path, "case.yml")["problems"][0].startswith("(file): not valid YAML")
    path.write_bytes(b"\xff\xfe\x00")
    assert s.read_case_file_upload(path, "case.json")["problems"] == ["(file): not UTF-8 text"]
    assert "Ana" not in " ".join(result["problems"])


def test_jurisdiction_data_decides_which_record_questions_are_asked():
    assert s.record_questions("PA")["prosecutor_consent"] is True
    assert s.record_questions("NY")["prosecutor_consent"] is False
    assert s.record_questions("CA")["violent"] is True
    assert not any(s.record_questions("AK").values())  # no record-relief law found: nothing to refine
    assert all(s.record_questions("NM").values())      # unknown: ask everything
    assert s.asks(None, "prosecutor_consent") is True
    # case file version 2's questions, each where the data needs it
    assert s.record_questions("AR")["prosecuting_office"] is False  # the data names the office for the county
    assert s.record_questions("US")["prosecuting_office"] is True
    assert s.record_questions("US")["dismissed_by"] is True         # the federal law reaches arrests
    assert s.record_questions("NY")["dismissed_by"] is False        # New York's covers convictions only
    assert s.record_questions("VA")["fines_paid"] is True           # the relief refunds fines paid
    assert s.record_questions("US")["fines_paid"] is False
    choices = s.jurisdiction_choices()
    assert len(choices) == 52 and list(choices[-1]) == ["US"]
    assert all(len(c) == 1 and list(c)[0].isupper() for c in choices)
    assert s.state_choices(["PA", "NY"]) == [["PA", "Pennsylvania", True], ["NY", "New York", False]]
    [row] = s.jurisdiction_overview(["AK"])
    assert row["relief"] == "no"


def test_screening_rows_carry_reasons_and_the_consent_flag():
    data = s.build_case_file(**fresh_answers("PA", statute="18 Pa.C.S. § 5902", prosecutor_consent="not_requested"))
    del data["preparer"]  # screening comes before the preparer is asked
    [row] = s.screening_rows(data)
    assert row["status"] == "not_yet_eligible" and row["consent_needed"] and row["draftable"]
    assert any("prosecutor's consent" in r["text"] and r["citation"] for r in row["reasons"])
    assert s.any_draftable([row])


def test_assemble_into_a_file_list_with_fixed_names():
    data = s.build_case_file(**fresh_answers())
    files = FileList("draft_files")
    summary = s.assemble_into(data, files, pdf=False)
    names = [f.filename for f in files.elements]
    assert names == [f["filename"] for f in summary["files"]]
    assert "NY-1-notice-of-motion.docx" in names and names[-5:] == [
        "assembly-report.html", "assembly-report.docx", "assembly-report.md", "assembly-report.json", "drafts.zip"]
    assert all(f.committed and f.content for f in files.elements)
    assert all("Rowan" not in n for n in names) and files.gathered is True
    assert summary["documents"] == len(names) - 5 and summary["screening"][0]["jurisdiction"] == "NY"
    again = s.assemble_into(data, files, pdf=False)
    assert len(files.elements) == len(again["files"])  # re-drafting replaces, never appends


def test_prefer_not_to_say_drafts_carry_placeholders(tmp_path):
    answers = fresh_answers()
    answers["trafficking"] = Obj("trafficking", narrative_choice="prefer_not_to_say")
    answers["records"].elements[0].connection_choice = "prefer_not_to_say"
    files = FileList("draft_files")
    s.assemble_into(s.build_case_file(**answers), files, pdf=False)
    declaration = next(f for f in files.elements if f.filename == "NY-1-declaration.docx")
    path = tmp_path / "d.docx"
    path.write_bytes(declaration.content)
    text = docx_text(path)
    # the skipped answers become placeholders (the core words them; these two name what was skipped)
    missing = re.findall(r"\[MISSING: [^\]]*\]", text)
    assert any("own words" in m and "account" in m for m in missing), missing
    assert any("connects to the trafficking" in m for m in missing), missing


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "[FILE x.pdf]", "**bold** _it_ `code`", "${ secret }",
                                  "# heading\n- list", "&amp; &lt;b&gt;", "a|b ~c~ [link](javascript:x)"])
def test_esc_makes_user_text_inert(text):
    out = re.sub(r"&#?[0-9a-z]+;", "", s.esc(text))
    for char in "<>[]*_`#$|~{}&\n":
        assert char not in out
    assert "&amp;amp;" in s.esc("&amp;")  # an entity typed by a person stays visible as typed
    assert s.esc(None) == ""


def test_spanish_interface_words_cover_docassembles_table_and_validation_phrases():
    from docassemble.traffickingrelief.interview_support import spanish_interface_words

    words = spanish_interface_words()
    assert words["Edit"] == "Editar" and words["Delete"] == "Borrar"
    assert words["This field is required."] == "Este campo es obligatorio."
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in words.items())


def test_the_zip_holds_every_file_once_and_the_download_rows_pair_docx_with_pdf(tmp_path):
    import io
    import zipfile

    data = s.build_case_file(**fresh_answers())
    files = FileList("draft_files")
    summary = s.assemble_into(data, files, pdf=False)
    archive = zipfile.ZipFile(io.BytesIO(files.elements[-1].content))
    assert sorted(archive.namelist()) == sorted(f.filename for f in files.elements[:-1])
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    motion = archive.read("NY-1-notice-of-motion.docx")
    assert motion == next(f.content for f in files.elements if f.filename == "NY-1-notice-of-motion.docx")
    # the report opens in a browser, escaped, and in Word
    html = archive.read("assembly-report.html").decode("utf-8")
    assert html.startswith("<!doctype html>") and "<h2>Screening</h2>" in html and "offence" not in html.lower()
    (tmp_path / "r.docx").write_bytes(archive.read("assembly-report.docx"))
    assert "Assembly report" in docx_text(tmp_path / "r.docx")
    # one line per document, with DOCX and PDF side by side
    fake = [{"filename": "NY-1-motion.docx", "kind": "motion", "format": "docx", "title": "Motion", "family": "record_relief",
             "group": "NY-1", "placeholders": 0},
            {"filename": "NY-1-motion.pdf", "kind": "motion", "format": "pdf", "title": "Motion", "family": "record_relief",
             "group": "NY-1", "placeholders": 0},
            {"filename": "assembly-report.html", "kind": "report", "format": "html", "title": "Assembly report",
             "family": None, "group": None, "placeholders": 0},
            {"filename": "drafts.zip", "kind": "zip", "format": "zip", "title": "All files", "family": None,
             "group": None, "placeholders": 0}]
    layout = s.download_rows(fake)
    assert layout["documents"] == [{"title": "Motion", "family": "record_relief", "group": "NY-1", "docx": 0, "pdf": 1,
                                    "csv": None, "xlsx": None, "placeholders": 0}]
    assert layout["reports"] == {"html": 2} and layout["zip"] == 3
    assert all(w in summary["blocking"] for w in summary["warnings"])


def test_report_html_escapes_every_value():
    report = {"status": "<b>", "disclaimer": "<script>x</script>", "documents": [{"title": "{{ x }} & <i>", "file": "a"}],
              "screening": [{"record_id": "c1", "reasons": [{"text": "<img src=x>", "citation": "§ 1"}]}],
              "warnings": ["offence <w>"], "missing_facts": [], "unknown_law": [], "unverified_law": []}
    html = s.report_html(report)
    assert "<script>" not in html and "<img" not in html and "<i>" not in html and "<w>" not in html
    assert "{{ x }} &amp; &lt;i&gt;" in html and "offense &lt;w&gt;" in html


def test_screening_names_the_skipped_answer_and_the_question_that_asks_it():
    answers = fresh_answers("NY", connection_choice="prefer_not_to_say", trafficking_connection=None)
    records = answers["records"]
    data = s.build_case_file(**answers)
    del data["preparer"]
    [row] = s.screening_rows(data, records=records)
    connection = [m for m in row["missing"] if m["code"] == "connection"]
    if row["status"] == "needs_review":  # the verdict names the gap, not the law data
        assert row["verdict"] == ("needs_answer" if row["missing"] else "lawyer_check")
    assert connection and connection[0]["variable"] == "records[0].connection_choice"
    assert s.reask_variable(connection[0]["variable"]) == "records[0].connection_choice"
    assert all("offence" not in r["text"] for r in row["reasons"])
    for bad in ("records[0].__class__", "client.legal_name", "records[0].connection_choice; x", None, 3,
                "records[0].complete"):
        assert s.reask_variable(bad) is None
    assert s.reask_variable("client.date_of_birth") == "client.date_of_birth"


def test_a_skipped_age_stays_unknown_through_export_and_import():
    answers = fresh_answers()
    answers["trafficking"].age_at_start = ""  # the text field left blank
    data = s.build_case_file(**answers)
    assert "age_at_start" not in data.get("trafficking", {})
    prefill = s.prefill_from_case_file(data)
    assert prefill["trafficking"]["age_at_start"] is None
    answers["trafficking"].age_at_start = "0"
    assert s.build_case_file(**answers)["trafficking"]["age_at_start"] == 0
    assert s.prefill_from_case_file(s.build_case_file(**answers))["trafficking"]["age_at_start"] == "0"
    assert s.valid_age("") and s.valid_age(None) and s.valid_age(" 17 ")


def test_state_picker_takes_codes_or_names_once_each():
    assert s.jurisdiction_code("california") == "CA" and s.jurisdiction_code("ny") == "NY"
    assert s.jurisdiction_code("Atlantis") is None and s.jurisdiction_code(None) is None
    assert s.states_picked("New York", {"PA": True, "NY": True, "CA": False}) == ["NY", "PA"]
    assert s.states_picked("TX") == ["TX"]


class _Asked(Exception):
    """What docassemble does on reading an unanswered variable: it asks the question that sets it."""


class _Case:
    def __getattr__(self, name):
        raise _Asked(name)


def _record_complete(states: list[str], case: _Case) -> str:
    """Run the interview's own ``record_complete`` block for one case; the answer it asks for next."""
    import yaml

    source = (Path(__file__).resolve().parents[1] / "interviews" / "tr_records.yml").read_text(encoding="utf-8")
    code = next(b["code"] for b in yaml.safe_load_all(source) if isinstance(b, dict) and b.get("id") == "record_complete")
    names = {"records": [case], "i": 0, "chosen_states": states,
             "defined": lambda name: name.rsplit(".", 1)[1] in vars(case)}
    with pytest.raises(_Asked) as asked:
        exec(code, names)  # noqa: S102 -- the interview's code block, run as docassemble runs it
    return str(asked.value)


def test_the_case_state_is_asked_only_when_more_than_one_was_picked():
    one = _Case()
    assert _record_complete(["NY"], one) == "offence"  # no state question: the one state is the case's
    assert one.jurisdiction == "NY"
    assert _record_complete(s.states_picked("New York", {"PA": True}), _Case()) == "jurisdiction"
    chosen = _Case()
    chosen.jurisdiction = "PA"
    assert _record_complete(["NY", "PA"], chosen) == "offence" and chosen.jurisdiction == "PA"
    assert s.state_choices(["NY", "PA"]) == [["NY", "New York", True], ["PA", "Pennsylvania", False]]


def test_us_english_on_screen():
    assert s.us_english("The offence; Offences; a defence") == "The offense; Offenses; a defense"


def test_assembly_reports_its_progress_up_to_100():
    seen: list[int] = []
    s.assemble_into(s.build_case_file(**fresh_answers()), FileList("draft_files"), pdf=False, progress=seen.append)
    assert seen[0] == 5 and seen[-1] == 100 and seen == sorted(seen) and len(seen) >= 4, seen


def test_family_sections_replace_carried_over_ones_and_two_owners_are_an_error():
    from docassemble.traffickingrelief.interview_support import with_family_sections

    base = {"client": {"legal_name": "Ana Ficticia"}, "pending_charges": [{"id": "old"}], "losses": [{"id": "L"}]}
    merged = with_family_sections(base, {"record_relief": {},
                                         "affirmative_defense": {"pending_charges": [{"id": "new"}]},
                                         "restitution": {"losses": []}})
    assert merged["pending_charges"] == [{"id": "new"}]
    assert merged["losses"] == [{"id": "L"}]          # nothing answered: the uploaded section stays
    assert base["pending_charges"] == [{"id": "old"}]  # the input is not changed
    with pytest.raises(ValueError, match="'losses'"):
        with_family_sections(base, {"a": {"losses": [1]}, "b": {"losses": [2]}})
