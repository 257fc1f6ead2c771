"""T-visa papers: cover letter to USCIS, exhibit index, declaration outline, evidence checklist,
Supplement A worksheet and translator's certificates.

Every legal value comes from the ``tvisa:`` section of US.yml through clause slots. Wherever an
address for USCIS appears it is the applicant's safe mailing address (``tvisa.safe_mailing_address``,
or the client's own contact only when marked safe to contact), never a home address that is not
marked safe. The declaration outline holds dates and facts from the case file and marked places for
the client's own words: it never writes the client's story for them.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Mapping

from ...drafting import Draft, format_date, human_list, signature_block
from ...eligibility import Eligibility
from ...facts import CaseFile, Contact, FamilyMember
from ...jurisdictions import Jurisdiction
from ...rendering import DRAFT_NOTICE, Text
from .exhibits import Exhibit, certificate_stem, exhibit_file, ordered_exhibits
from .screening import ELEMENTS, supporting

GROUP = "US-tvisa"
LANGUAGES = {"es": "Spanish", "fr": "French", "pt": "Portuguese", "zh": "Chinese", "vi": "Vietnamese", "ko": "Korean",
             "tl": "Tagalog", "ru": "Russian", "ar": "Arabic", "ht": "Haitian Creole", "hi": "Hindi", "th": "Thai",
             "uk": "Ukrainian", "pl": "Polish", "ro": "Romanian", "id": "Indonesian", "ne": "Nepali", "am": "Amharic"}
PAGES_PENDING = "set when the packet is built"


def language_name(code: str | None) -> str:
    return LANGUAGES.get(code or "", f"the language with code '{code}'")


def group_labels(family) -> dict[str, str]:
    return {c["id"]: c["text"] for c in family.clauses.section("group_labels")}


def build_drafts(family, case: CaseFile, result: Eligibility, final: bool,
                 page_ranges: Mapping[str, str] | None = None) -> list[Draft]:
    """Every T-visa paper for the client; ``page_ranges`` (exhibit id -> "12-15") fills the index's pages."""
    b = _Builder(family, case, result.jurisdiction, final, page_ranges or {})
    drafts = [b.cover_letter(), b.exhibit_index(), b.declaration_outline(), b.evidence_checklist()]
    if case.family_members:
        drafts.append(b.supplement_a())
    drafts += b.translator_certificates()
    return drafts


class _Builder:
    def __init__(self, family, case: CaseFile, j: Jurisdiction, final: bool, page_ranges: Mapping[str, str]):
        self.family, self.case, self.j, self.final, self.page_ranges = family, case, j, final, page_ranges
        self.exhibits = ordered_exhibits(case)
        self.labels = group_labels(family)

    # -- helpers ---------------------------------------------------------------------------
    def _new(self, kind: str, title: str, template: str, stem: str | None = None) -> Draft:
        d = self.family.draft(kind, title, template, stem or kind.replace("_", "-"), GROUP)
        d.common["applicant"] = Text(self.case.client.filing_name)
        d.common["party"] = Text("the applicant")
        d.context.update(draft_notice="" if self.final else DRAFT_NOTICE, intro=[], sections=[], closing=[],
                         signature=[])
        return d

    def _law(self, d: Draft, key: str, label: str):
        return d.law_slot(self.j, f"tvisa.{key}", label)

    def _cite(self, d: Draft, key: str, label: str):
        return d.citation_slot(self.j, f"tvisa.{key}", label)

    def _mailing_address(self, d: Draft) -> Text:
        """The applicant's safe mailing address on one line, or a placeholder (never an address not marked safe)."""
        t = self.case.tvisa
        contact: Contact | None = t.safe_mailing_address
        if contact is None and self.case.client.contact.safe_to_contact is True:
            contact = self.case.client.contact
        if contact is None or not (contact.street and contact.city):
            return d.fact(None, "the applicant's safe mailing address")
        parts = [f"in care of {t.in_care_of}" if t.in_care_of and contact is t.safe_mailing_address else None,
                 contact.street, contact.city, " ".join(p for p in (contact.state, contact.postal_code) if p)]
        return Text(", ".join(p for p in parts if p))

    def _element_heading(self, d: Draft, element: str) -> Text:
        return Text(self.labels[element], " (", d.citation(self.j.fact(f"tvisa.elements.{element}"),
                                                           f"citation for the element: {self.labels[element]}",
                                                           "group_labels"), ")")

    def _group_heading(self, d: Draft, group: str) -> Text:
        return self._element_heading(d, group) if group in ELEMENTS else Text(self.labels[group])

    def _translations(self) -> list[Exhibit]:
        return [x for x in self.exhibits if x.needs_translation]

    def _declaration_needs_translation(self) -> bool:
        return self.case.client.preferred_language not in (None, "en", "eng")

    # -- documents -------------------------------------------------------------------------
    def cover_letter(self) -> Draft:
        d = self._new("cover_letter", "Cover letter to USCIS", "cover_letter.docx")
        p = self.case.preparer
        c = self.case.client
        rule_citation = self._cite(d, "translation_rule", "rule on translations")
        translations = len(self._translations()) + (1 if self._declaration_needs_translation() else 0)
        paragraphs = d.clauses(
            "cover_letter", {"translations": bool(translations)},
            citation=self._cite(d, "citation", "T nonimmigrant status"),
            remedy=self._law(d, "remedy_name", "name of the status"),
            editions=self._law(d, "form_editions", "form editions"),
            fee=self._law(d, "filing_fee", "filing fee"), mailing_address=self._mailing_address(d),
            count=str(translations), rule_citation=rule_citation)
        a_number = Text(f" (A-Number {c.a_number})") if c.a_number else Text()
        d.context.update(
            letter_date=Text("Date: ____________________"),
            sender=[Text(line) for line in (p.name, p.organisation, p.address, p.phone, p.email) if line],
            addressee=[self._law(d, "filing_office", "USCIS filing office")("cover.addressee"),
                       self._law(d, "filing_address", "USCIS filing address")("cover.addressee")],
            subject=Text("Re: Form I-914, Application for T Nonimmigrant Status, of ", c.filing_name, a_number),
            salutation=Text("Dear Sir or Madam:"),
            paragraphs=paragraphs,
            enclosures=[self._law(d, "form_editions", "form editions")("cover.enclosures"), Text("Exhibit index")]
            + [Text(f"Exhibit {x.letter}: ", x.evidence.title) for x in self.exhibits],
            signature=signature_block(d, p),
        )
        return d

    def exhibit_index(self) -> Draft:
        d = self._new("exhibit_index", "Exhibit index", "working_paper.docx")
        d.context["title"] = Text("EXHIBIT INDEX").styled("bold")
        d.context["intro"] = [Text("Application for T Nonimmigrant Status of ", self.case.client.filing_name)]
        sections = []
        for group in dict.fromkeys(x.group for x in self.exhibits):
            rows = [[Text(x.letter), Text(x.evidence.title),
                     Text(format_date(x.evidence.date)) if x.evidence.date else Text(""),
                     Text(self.page_ranges.get(x.evidence.id, PAGES_PENDING))]
                    for x in self.exhibits if x.group == group]
            sections.append({"heading": self._group_heading(d, group), "paragraphs": [],
                             "head": [Text("Exhibit"), Text("Title"), Text("Date"), Text("Pages")], "rows": rows})
        if not sections:
            sections.append({"heading": Text("Exhibits"), "paragraphs": [d.fact(None, "exhibits (evidence in the case file)")],
                             "head": [], "rows": []})
        d.context["sections"] = sections
        return d

    def declaration_outline(self) -> Draft:
        d = self._new("declaration_outline", "Declaration outline (working paper)", "working_paper.docx")
        d.context["title"] = Text("OUTLINE OF THE DECLARATION OF ", self.case.client.filing_name).styled("bold")
        language = self.case.client.preferred_language
        d.context["intro"] = d.clauses(
            "declaration_intro", {"needs_translation": self._declaration_needs_translation()},
            remedy=self._law(d, "remedy_name", "name of the status"), language=language_name(language),
            rule_citation=self._cite(d, "translation_rule", "rule on translations"))
        sections = [{"heading": Text("Chronology from the case file"), "paragraphs": [] if self._chronology() else
                     [d.fact(None, "dates of the trafficking and of later events")],
                     "head": [Text("Date"), Text("What the case file records"), Text("Where"), Text("Source")],
                     "rows": self._chronology()}]
        for element in ELEMENTS:
            fact = self.j.fact(f"tvisa.elements.{element}")
            paragraphs = d.clauses("declaration_element", element=lambda cid, f=fact: d.law(f, "the element's words", cid),
                                   element_citation=lambda cid, f=fact: d.citation(f, "the element's citation", cid))
            items = supporting(self.case, element)
            if items:
                paragraphs.append(Text("Evidence to refer to: ", human_list([self._exhibit_label(e.id) for e in items])))
            sections.append({"heading": self._element_heading(d, element), "paragraphs": paragraphs, "head": [], "rows": []})
        d.context["sections"] = sections
        return d

    def _exhibit_label(self, evidence_id: str) -> Text:
        x = next(x for x in self.exhibits if x.evidence.id == evidence_id)
        return Text(f"Exhibit {x.letter} (", x.evidence.title, ")")

    def _chronology(self) -> list[list[Text]]:
        """Dated entries from the case file only, in date order (undated last)."""
        t = self.case.trafficking
        entries: list[tuple[dt.date | None, str, str, str]] = []
        for n, period in enumerate(t.periods, 1):
            if period.start:
                entries.append((period.start, "The trafficking began" + (f" (period {n})" if len(t.periods) > 1 else ""),
                                period.place or "", "trafficking periods"))
            if period.end:
                entries.append((period.end, "The trafficking ended" + (f" (period {n})" if len(t.periods) > 1 else ""),
                                period.place or "", "trafficking periods"))
        if t.ended_on:
            entries.append((t.ended_on, "The client got away from the trafficking", "", "trafficking"))
        if t.sought_services_on:
            entries.append((t.sought_services_on, "The client first sought services", "", "trafficking"))
        for c in self.case.law_enforcement_contacts:
            entries.append((c.contact_date, f"Contact with {c.agency}" + (f": {c.cooperation}" if c.cooperation else ""),
                            "", "law-enforcement contacts"))
        for e in self.case.tvisa.events:
            entries.append((e.date, e.description, "", "events"))
        entries.sort(key=lambda row: (row[0] is None, row[0] or dt.date.min))
        return [[Text(format_date(when)) if when else Text("date not recorded"), Text(what), Text(where), Text(src)]
                for when, what, where, src in entries]

    def evidence_checklist(self) -> Draft:
        d = self._new("evidence_checklist", "Evidence checklist (working paper)", "working_paper.docx")
        d.context["title"] = Text("EVIDENCE CHECKLIST").styled("bold")
        rule_citation = self._cite(d, "translation_rule", "rule on translations")
        d.context["intro"] = d.clauses("checklist_intro", remedy=self._law(d, "remedy_name", "name of the status"),
                                       rule_citation=rule_citation)
        head = [Text("Exhibit"), Text("Item"), Text("File"), Text("Translation")]
        sections = []
        for element in ELEMENTS:
            items = supporting(self.case, element)
            rows = [self._checklist_row(e.id) for e in items]
            sections.append({"heading": self._element_heading(d, element),
                             "paragraphs": [] if items else [d.fact(None, f"evidence for: {self.labels[element]}")],
                             "head": head, "rows": rows})
        unmarked = [x for x in self.exhibits if not x.evidence.elements]
        if unmarked:
            sections.append({"heading": Text("Items not yet tied to an element"), "paragraphs": [], "head": head,
                             "rows": [self._checklist_row(x.evidence.id) for x in unmarked]})
        translations = self._translations()
        if translations or self._declaration_needs_translation():
            translator = self.case.tvisa.translator
            paragraphs = [Text("Certified translations needed: ",
                               human_list([Text(f"Exhibit {x.letter} ({language_name(x.evidence.language)})")
                                           for x in translations]
                                          + ([Text(f"the declaration, if written in "
                                                   f"{language_name(self.case.client.preferred_language)}")]
                                             if self._declaration_needs_translation() else [])), "."),
                          Text("Translator: ", d.fact(translator.name if translator else None, "translator's name"))]
            sections.append({"heading": Text("Translations"), "paragraphs": paragraphs, "head": [], "rows": []})
        d.context["sections"] = sections
        return d

    def _checklist_row(self, evidence_id: str) -> list[Text]:
        x = next(x for x in self.exhibits if x.evidence.id == evidence_id)
        path = exhibit_file(self.case, x.evidence)
        base = (self.case.base_dir or Path.cwd()).resolve()
        file_state = ("no file named" if path is None
                      else "not usable (outside the case file's folder)" if not path.resolve().is_relative_to(base)
                      else "attached" if path.is_file() else "file not found")
        return [Text(x.letter), Text(x.evidence.title), Text(file_state),
                Text(f"needed ({language_name(x.evidence.language)})" if x.needs_translation else "not needed")]

    def supplement_a(self) -> Draft:
        d = self._new("supplement_a", "Supplement A worksheet (family members)", "working_paper.docx")
        d.context["title"] = Text("FORM I-914, SUPPLEMENT A: FAMILY MEMBERS").styled("bold")
        fact = self.j.fact("tvisa.supplement_a_categories")
        d.context["intro"] = d.clauses("supplement_a_intro", categories_citation=lambda cid: d.citation(
            fact, "Supplement A categories", cid))
        categories = {c["relationship"]: c for c in (fact.value or [])}
        d._use(fact, "Supplement A categories", "supplement_a.member")
        rows = [[Text(m.name), d.fact(m.relationship, f"relationship of {m.name}"),
                 self._category(d, m, categories), d.fact(m.date_of_birth, f"date of birth of {m.name}")]
                for m in self.case.family_members]
        d.context["sections"] = [{"heading": Text("Family members in the case file"), "paragraphs": [],
                                  "head": [Text("Name"), Text("Relationship"), Text("Possible category"),
                                           Text("Date of birth")], "rows": rows}]
        return d

    def _category(self, d: Draft, member: FamilyMember, categories: dict) -> Text:
        kind = _relationship_kind(member.relationship)
        category = categories.get(kind or "")
        if category is None:
            return d.fact(None, f"Supplement A category for {member.name} (attorney to decide)")
        condition = {"always": "",
                     "applicant_under_21_or_retaliation": " if the applicant is under 21, or if facing a present danger "
                                                          "of retaliation",
                     "retaliation": " if facing a present danger of retaliation"}[category["when"]]
        text = Text(f"{category['code']}{condition}")
        return text if self.j.fact("tvisa.supplement_a_categories").settled else Text.confirm(text)

    def translator_certificates(self) -> list[Draft]:
        out = [self._certificate(x) for x in self._translations()]
        if self._declaration_needs_translation():
            out.append(self._certificate(None))
        return out

    def _certificate(self, exhibit: Exhibit | None) -> Draft:
        stem = certificate_stem(exhibit)
        d = self._new("translator_certificate", "Translator's certificate", "working_paper.docx", stem=stem)
        d.context["title"] = Text("TRANSLATOR'S CERTIFICATE").styled("bold")
        translator = self.case.tvisa.translator
        language = exhibit.evidence.language if exhibit else self.case.client.preferred_language
        document = (Text(f"Exhibit {exhibit.letter}, ", exhibit.evidence.title) if exhibit
                    else Text("the declaration of ", self.case.client.filing_name))
        name = d.fact(translator.name if translator else None, "translator's name")
        d.context["sections"] = [{"heading": Text(""), "head": [], "rows": [], "paragraphs": d.clauses(
            "translator_certificate", translator=name, language=language_name(language), document=document,
            rule=self._law(d, "translation_rule", "rule on translations"),
            rule_citation=self._cite(d, "translation_rule", "rule on translations"))}]
        d.context["signature"] = [name] + [Text(v) for v in ((translator.address, translator.phone, translator.email)
                                                             if translator else ()) if v] + [Text("Date: ____________________")]
        return d


def _relationship_kind(relationship: str | None) -> str | None:
    """The Supplement A relationship a free-text relationship names, or None when it is unclear."""
    words = set((relationship or "").lower().replace("-", " ").split())
    for kind, names in (("spouse", {"spouse", "wife", "husband"}),
                        ("child_of_derivative", {"grandchild", "grandson", "granddaughter", "niece", "nephew", "stepchild"}),
                        ("child", {"child", "son", "daughter"}),
                        ("parent", {"parent", "mother", "father"}),
                        ("unmarried_sibling_under_18", {"sibling", "brother", "sister"})):
        if words & names:
            return kind
    return None
