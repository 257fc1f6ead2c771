"""Certification papers: for each request, a letter to the certifying official and an officer's
worksheet; for the case, one follow-up log (also exported as CSV, see follow_up.py).

Every legal value (form names, editions, standards, citations, the qualifying-crime list) comes
from the federal data through clause slots, so unknown law is a placeholder and law read only in a
summary prints as [CONFIRM: ...]. The worksheet is titled as a worksheet, never as the form.
"""
from __future__ import annotations

import dataclasses

from ...drafting import Draft, human_list, official_documents, signature_block, trafficking_slots
from ...eligibility import Eligibility
from ...facts import CaseFile
from ...rendering import DRAFT_NOTICE, Text
from .follow_up import follow_up_rows
from .screening import (CONTINUED_PRESENCE, T_SUPPLEMENT_B, U_SUPPLEMENT_B, Request, age_at_trafficking,
                        qualifying_crimes)

_LETTER_TITLES = {T_SUPPLEMENT_B: "Request letter for Form I-914 Supplement B",
                  U_SUPPLEMENT_B: "Request letter for Form I-918 Supplement B",
                  CONTINUED_PRESENCE: "Letter asking law enforcement to request Continued Presence"}
_WORKSHEET_TITLES = {T_SUPPLEMENT_B: "Officer's worksheet for Form I-914 Supplement B",
                     U_SUPPLEMENT_B: "Officer's worksheet for Form I-918 Supplement B",
                     CONTINUED_PRESENCE: "Officer's worksheet for a Continued Presence request"}


def build_drafts(family, case: CaseFile, results: list[Eligibility], final: bool) -> list[Draft]:
    drafts: list[Draft] = []
    for result in results:
        if result.draftable:
            builder = _RequestBuilder(family, case, result, final)
            drafts += [builder.letter(), builder.worksheet()]
    if drafts:
        drafts.append(follow_up_log(family, case, results, final))
    return drafts


class _RequestBuilder:
    def __init__(self, family, case: CaseFile, result: Eligibility, final: bool):
        self.family, self.case, self.result, self.final = family, case, result, final
        self.request: Request = result.subject.item
        self.kind = self.request.kind
        self.contact = self.request.contact
        self.us = result.jurisdiction
        self.prefix = ("certification.continued_presence." if self.kind == CONTINUED_PRESENCE
                       else f"certification.{self.kind}.")

    # -- helpers ---------------------------------------------------------------------------
    def _new(self, kind: str, title: str, template: str) -> Draft:
        d = self.family.draft(kind, title, template, f"{self.result.subject.id}-{kind.replace('_', '-')}",
                              self.result.subject.id)
        d.common["party"] = self._client(d)
        d.context["draft_notice"] = "" if self.final else DRAFT_NOTICE
        return d

    def _client(self, d: Draft) -> Text:
        return d.fact(self.case.client.legal_name, "client's legal name")

    def _law(self, d: Draft, key: str, label: str):
        return d.law_slot(self.us, self.prefix + key, label)

    def _cite(self, d: Draft, key: str, label: str):
        return d.citation_slot(self.us, self.prefix + key, label)

    def _as(self, d: Draft, key: str, value: str, label: str):
        """A slot that prints ``value`` for a true/false fact (e.g. "optional" for required: false), with the
        fact's own citation and tier, so unsettled law still prints as [CONFIRM: ...]."""
        fact = dataclasses.replace(self.us.fact(self.prefix + key), value=value)
        return lambda clause_id: d.law(fact, label, clause_id)

    def _form_name(self, d: Draft):
        if self.kind == CONTINUED_PRESENCE:
            return self._law(d, "name", "name of Continued Presence")
        return self._law(d, "form_name", "name of the form")

    def _edition(self, d: Draft):
        return self._law(d, "edition", "current edition of the form (check the USCIS form page)")

    def _cooperation(self, d: Draft) -> Text:
        return d.fact(self.contact.cooperation, "what the client did to help this agency")

    def _trafficking(self, d: Draft) -> dict:
        """The trafficking slots, each filled only when a clause uses it, so a fact a letter never states is
        never reported missing for it."""
        def slot(key: str):
            def fill(clause_id: str) -> Text:
                scratch = dataclasses.replace(d, missing=[], law_used={}, unsettled=[], context={}, common={})
                text = trafficking_slots(scratch, self.case.trafficking, person="the client")[key]
                for gap in scratch.missing:
                    if gap["label"] in str(text):
                        d.fact(None, gap["label"])
                return text
            return fill
        return {key: slot(key) for key in ("trafficking_kind", "trafficking_period", "trafficking_place", "means")}

    def _report_ref(self) -> str:
        return f" (your case or report number {self.contact.report_number})" if self.contact.report_number else ""

    def _writer_intro(self) -> str:
        return "I represent" if self.case.preparer.role == "attorney" else "I am an advocate assisting"

    def _addressee(self, d: Draft) -> list[Text]:
        c = self.contact
        return [d.fact(c.officer, "certifying official's name"), d.fact(c.title, "certifying official's title"),
                Text(c.agency), d.fact(c.address, "agency's mailing address")]

    def _reference(self, d: Draft) -> list[Text]:
        client = self.case.client
        lines = [Text("Client: ", self._client(d), Text(", born ", d.fact(client.date_of_birth, "client's date of birth")))]
        if client.a_number:
            lines.append(Text("A-Number: ", client.a_number))
        if self.contact.report_number:
            lines.append(Text("Your case or report number: ", self.contact.report_number))
        return lines

    def _slots(self, d: Draft) -> dict:
        return dict(client=self._client(d), writer_intro=self._writer_intro(), agency=Text(self.contact.agency),
                    report_ref=self._report_ref(), cooperation=lambda clause_id: self._cooperation(d),
                    **self._trafficking(d))

    def _enclosures(self, d: Draft, slots: dict) -> list[Text]:
        docs = official_documents(self.case)
        flags = {"has_form": self.kind != CONTINUED_PRESENCE, "no_form": self.kind == CONTINUED_PRESENCE,
                 "has_documents": bool(docs)}
        return d.clauses("enclosures", flags, form_name=slots.get("form_name", ""), edition=self._edition(d)
                         if self.kind != CONTINUED_PRESENCE else "", documents=human_list(docs))

    def _minor(self) -> bool:
        age = age_at_trafficking(self.case)
        return age is not None and age < 18

    # -- the letter --------------------------------------------------------------------------
    def letter(self) -> Draft:
        d = self._new("request_letter", _LETTER_TITLES[self.kind], "request_letter.docx")
        slots = self._slots(d)
        form_name = self._form_name(d)
        slots["form_name"] = form_name
        if self.kind == U_SUPPLEMENT_B:
            paragraphs = self._u_paragraphs(d, slots)
            subject = Text("Re: Request for ", form_name("subject"))
        elif self.kind == T_SUPPLEMENT_B:
            paragraphs = self._t_paragraphs(d, slots)
            subject = Text("Re: Request for ", form_name("subject"))
        else:
            paragraphs = self._cp_paragraphs(d, slots)
            subject = Text("Re: Request that your agency request ", form_name("subject"))
        closing = "cp_closing" if self.kind == CONTINUED_PRESENCE else "letter_closing"
        paragraphs += d.clauses(closing, client=slots["client"])
        officer = self.contact.officer
        d.context.update(
            letter_date=Text("Date: ____________________"),
            addressee=self._addressee(d), subject=subject.styled("bold"), reference=self._reference(d),
            salutation=Text(f"Dear {officer}:") if officer else Text("Dear Certifying Official:"),
            paragraphs=paragraphs, enclosures=self._enclosures(d, slots),
            signature=signature_block(d, self.case.preparer),
        )
        return d

    def _u_paragraphs(self, d: Draft, slots: dict) -> list[Text]:
        on_list, off_list = qualifying_crimes(self.request, self.case, self.us)
        crimes = d.fact(human_list(on_list) if on_list else None,
                        "qualifying criminal activity on the statutory list")
        flags = {"required": self.us.value(self.prefix + "required") is True, "other_crimes": bool(off_list)}
        return d.clauses("u_letter", flags, crimes=crimes, other_crimes=human_list(off_list),
                         crimes_citation=self._cite(d, "qualifying_crimes", "list of qualifying criminal activity"),
                         helpfulness=self._law(d, "helpfulness_standard", "helpfulness standard"),
                         helpfulness_citation=self._cite(d, "helpfulness_standard", "helpfulness standard"),
                         required_citation=self._cite(d, "required", "rule that Supplement B is required"),
                         validity=self._law(d, "validity_months", "months a signed Supplement B stays usable"),
                         validity_citation=self._cite(d, "validity_months", "months a signed Supplement B stays usable"),
                         **slots)

    def _t_paragraphs(self, d: Draft, slots: dict) -> list[Text]:
        t = self.case.trafficking
        flags = {"optional": self.us.value(self.prefix + "required") is False,
                 "has_cooperation": bool(self.contact.cooperation), "minor": self._minor(),
                 "trauma": bool(t.unable_to_cooperate_due_to_trauma) and not self._minor()}
        investigation = (self._as(d, "investigation_required", "a formal investigation or prosecution is not required",
                                  "whether a formal investigation is required")
                         if self.us.value(self.prefix + "investigation_required") is False
                         else self._law(d, "investigation_required", "whether a formal investigation is required"))
        return d.clauses("t_letter", flags,
                         optional=self._as(d, "required", "optional", "whether Supplement B is required"),
                         cooperation_standard=self._law(d, "cooperation_standard", "cooperation standard"),
                         cooperation_citation=self._cite(d, "cooperation_standard", "cooperation standard"),
                         certifiers=self._law(d, "certifiers", "who may sign the declaration"),
                         investigation=investigation,
                         minor_exemption=self._law(d, "minor_exemption", "minor exemption from cooperation"),
                         minor_citation=self._cite(d, "minor_exemption", "minor exemption from cooperation"),
                         trauma_exemption=self._law(d, "trauma_exemption", "trauma exemption from cooperation"),
                         trauma_citation=self._cite(d, "trauma_exemption", "trauma exemption from cooperation"),
                         trauma_explanation=lambda clause_id: d.fact(t.trauma_explanation,
                                                                     "why trauma kept the client from helping"),
                         **slots)

    def _cp_paragraphs(self, d: Draft, slots: dict) -> list[Text]:
        return d.clauses("cp_letter", {"has_cooperation": bool(self.contact.cooperation)}, cp_name=slots["form_name"],
                         cp_citation=self._cite(d, "citation", "Continued Presence statute"),
                         requested_by=self._law(d, "requested_by", "who requests Continued Presence"),
                         **{k: v for k, v in slots.items() if k != "form_name"})

    # -- the worksheet -------------------------------------------------------------------------
    def worksheet(self) -> Draft:
        d = self._new("officer_worksheet", _WORKSHEET_TITLES[self.kind], "officer_worksheet.docx")
        form_name = self._form_name(d)
        if self.kind == CONTINUED_PRESENCE:
            title = Text("OFFICER'S WORKSHEET: FACTS FOR A ", form_name("worksheet"), " REQUEST")
            intro = d.clauses("cp_worksheet_intro", cp_name=form_name,
                              cp_citation=self._cite(d, "citation", "Continued Presence statute"))
        else:
            title = Text("OFFICER'S WORKSHEET FOR ", form_name("worksheet"), " (NOT THE OFFICIAL FORM)")
            intro = d.clauses("worksheet_intro", form_name=form_name, edition=self._edition(d))
        row = lambda label, value: {"label": Text(label), "value": value}  # noqa: E731
        client, c = self.case.client, self.contact
        t = {key: fill("worksheet") for key, fill in self._trafficking(d).items()}
        sections = [
            {"heading": Text("The victim"), "rows": [
                row("Full legal name", self._client(d)),
                row("Date of birth", d.fact(client.date_of_birth, "client's date of birth")),
                row("A-Number (if any)", Text(client.a_number or "none recorded")),
            ]},
            {"heading": Text("The agency and the officer" if self.kind == CONTINUED_PRESENCE
                             else "The agency and the certifying official"), "rows": [
                row("Agency", Text(c.agency)),
                row("Agency type", Text(c.agency_level or "not recorded")),
                row("Official's name", d.fact(c.officer, "certifying official's name")),
                row("Official's title", d.fact(c.title, "certifying official's title")),
                row("Agency address", d.fact(c.address, "agency's mailing address")),
                row("Phone", Text(c.phone or "not recorded")),
                row("Email", Text(c.email or "not recorded")),
                row("Case or report number", Text(c.report_number or "not recorded")),
            ]},
        ]
        if self.kind == U_SUPPLEMENT_B:
            on_list, off_list = qualifying_crimes(self.request, self.case, self.us)
            sections.append({"heading": Text("The qualifying criminal activity"), "rows": [
                row("Activity on the statutory list", d.fact(human_list(on_list) if on_list else None,
                                                              "the criminal activity the agency investigated")),
                row("Other crimes investigated (an attorney decides whether each is a similar activity)",
                    Text(human_list(off_list) if off_list else "none")),
                row("Statute", self._cite(d, "qualifying_crimes", "list of qualifying criminal activity")("worksheet")),
                row("When", t["trafficking_period"]), row("Where", t["trafficking_place"]),
                row("How the trafficker controlled the victim", t["means"]),
            ]})
            sections.append({"heading": Text("The victim's helpfulness"), "rows": [
                row("Standard", self._law(d, "helpfulness_standard", "helpfulness standard")("worksheet")),
                row("What the victim did to help", self._cooperation(d)),
                row("First contact with the agency", Text(str(d.fact(c.contact_date, "date"))) if c.contact_date
                    else Text("not recorded")),
            ]})
            sections.append({"heading": Text("Who signs"), "rows": [
                row("Certifying official", self._law(d, "certifiers", "who may sign the certification")("worksheet")),
            ]})
        else:
            sections.append({"heading": Text("The trafficking"), "rows": [
                row("Type", t["trafficking_kind"]), row("When", t["trafficking_period"]),
                row("Where", t["trafficking_place"]), row("How the trafficker controlled the victim", t["means"]),
            ]})
            age = age_at_trafficking(self.case)
            exempt = self._minor() or bool(self.case.trafficking.unable_to_cooperate_due_to_trauma)
            if c.cooperation or (self.kind == T_SUPPLEMENT_B and not exempt):
                helped = self._cooperation(d)
            else:
                helped = Text("not recorded" + (" (an exemption applies, below)" if self.kind == T_SUPPLEMENT_B else ""))
            help_rows = [row("What the victim did to help", helped),
                         row("Age when the trafficking began", Text(str(age)) if age is not None else Text("not recorded"))]
            if self.kind == T_SUPPLEMENT_B:
                help_rows.insert(0, row("Standard", self._law(d, "cooperation_standard", "cooperation standard")("worksheet")))
                if self._minor():
                    help_rows.append(row("Exemption", self._law(d, "minor_exemption", "minor exemption from cooperation")("worksheet")))
                elif self.case.trafficking.unable_to_cooperate_due_to_trauma:
                    help_rows.append(row("Exemption", self._law(d, "trauma_exemption", "trauma exemption from cooperation")("worksheet")))
                    help_rows.append(row("Why", d.fact(self.case.trafficking.trauma_explanation,
                                                       "why trauma kept the client from helping")))
            sections.append({"heading": Text("The victim's cooperation"), "rows": help_rows})
            if self.kind == T_SUPPLEMENT_B:
                sections.append({"heading": Text("Who signs"), "rows": [
                    row("Law-enforcement official", self._law(d, "certifiers", "who may sign the declaration")("worksheet")),
                ]})
            else:
                sections.append({"heading": Text("Who requests it"), "rows": [
                    row("Requested by", self._law(d, "requested_by", "who requests Continued Presence")("worksheet")),
                ]})
        d.context.update(title=title.styled("bold", "caps"), intro=intro, sections=sections,
                         closing=[] if self.kind == CONTINUED_PRESENCE else d.clauses("worksheet_closing"))
        return d


def follow_up_log(family, case: CaseFile, results: list[Eligibility], final: bool) -> Draft:
    d = family.draft("follow_up_log", "Certification follow-up log", "follow_up_log.docx", "follow-up-log", "log")
    d.context["draft_notice"] = "" if final else DRAFT_NOTICE
    us = next(r.jurisdiction for r in results)
    days_fact = us.fact("certification.follow_up_days")
    days = d.convention(days_fact, "days after sending when a follow-up is due", "log.intro")
    rows = follow_up_rows(case, results)
    u_signed = any(r["kind"] == U_SUPPLEMENT_B and r["response"] == "signed" for r in rows)
    notes = d.clauses("follow_up_notes", {"u_signed": u_signed},
                      validity=d.law_slot(us, "certification.u_supplement_b.validity_months",
                                          "months a signed Supplement B stays usable"),
                      validity_citation=d.citation_slot(us, "certification.u_supplement_b.validity_months",
                                                        "months a signed Supplement B stays usable"))
    d.context.update(
        title=Text("CERTIFICATION REQUESTS: FOLLOW-UP LOG").styled("bold"),
        intro=d.clauses("follow_up_intro", days=days),
        rows=[{k: Text(v) for k, v in r.items() if k != "kind"} for r in rows],
        notes=notes,
    )
    return d
