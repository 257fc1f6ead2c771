"""Record-relief papers: motion, proposed order, declaration, certificate of service, and the
two companions (motion to seal / proceed by pseudonym, after-order checklist).

Drafts are produced per court: every draftable conviction or arrest is grouped by jurisdiction and
court (or, where the law sends all records to the court of the most recent conviction, into that
one court). All legal content comes from the jurisdiction data through clause slots.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...drafting import (Draft, caption, human_list, oath, official_documents, signature_block,
                         trafficking_slots)
from ...eligibility import Eligibility
from ...facts import CaseFile, Record
from ...forums import load_forum
from ...jurisdictions import Jurisdiction
from ...rendering import DRAFT_NOTICE, Text


@dataclass(frozen=True)
class CourtGroup:
    """The records one set of papers covers: same jurisdiction, same court."""

    index: int
    jurisdiction: Jurisdiction
    court: str | None
    results: tuple[Eligibility, ...]

    @property
    def label(self) -> str:
        return f"{self.jurisdiction.code}-{self.index}"

    @property
    def records(self) -> tuple[Record, ...]:
        return tuple(r.subject.item for r in self.results)


def group_by_court(results: list[Eligibility]) -> list[CourtGroup]:
    """Draftable results grouped into one set of papers per court, in first-seen order."""
    buckets: dict[tuple[str, str | None], list[Eligibility]] = {}
    for result in results:
        if not result.draftable:
            continue
        j = result.jurisdiction
        venue = j.value("record_relief.venue") or {}
        if venue.get("rule") == "most_recent_conviction":
            key = (j.code, "__most_recent__")
        else:
            key = (j.code, result.subject.item.court)
        buckets.setdefault(key, []).append(result)
    groups, per_code = [], {}
    for (code, court), members in buckets.items():
        if court == "__most_recent__":
            dated = [m.subject.item for m in members if m.subject.item.conviction_date]
            court = max(dated, key=lambda r: r.conviction_date).court if dated else None
        per_code[code] = per_code.get(code, 0) + 1
        groups.append(CourtGroup(per_code[code], members[0].jurisdiction, court, tuple(members)))
    return groups


def build_drafts(family, case: CaseFile, group: CourtGroup, final: bool) -> list[Draft]:
    """Every document of the family for one court group."""
    builder = _GroupBuilder(family, case, group, final)
    drafts = [builder.motion(), builder.order(), builder.declaration(), builder.certificate()]
    if case.confidential_filing_requested or case.client.use_pseudonym_in_filings:
        drafts.append(builder.seal_motion())
    drafts.append(builder.checklist())
    return drafts


class _GroupBuilder:
    def __init__(self, family, case: CaseFile, group: CourtGroup, final: bool):
        self.family, self.case, self.group, self.final = family, case, group, final
        self.j = group.jurisdiction
        self.forum = load_forum(self.j.code)

    # -- helpers ---------------------------------------------------------------------------
    def _new(self, kind: str, title: str, template: str) -> Draft:
        return self.family.draft(kind, title, template, f"{self.group.label}-{kind.replace('_', '-')}",
                                 self.group.label)

    def _law(self, draft: Draft, key: str, label: str):
        return draft.law_slot(self.j, f"record_relief.{key}", label)

    def _source(self, draft: Draft, key: str, label: str):
        return draft.citation_slot(self.j, f"record_relief.{key}", label)

    def _caption(self, draft: Draft, title: Text) -> None:
        counties = [r.county for r in self.group.records if r.county]
        caption(draft, forum=self.forum, court=self.group.court, county=counties[0] if counties else None,
                filer=self.case.client.filing_name, case_numbers=[r.case_number for r in self.group.records],
                title=title, final=self.final, document=self._document_kind())

    def _document_kind(self) -> str:
        """"petition" or "motion", as the remedy's own title has it (the forum's party label follows it)."""
        title = self.j.value("record_relief.document_title") or ""
        return "petition" if "petition" in title.lower() else "motion"

    def _remedy_title(self, draft: Draft) -> Text:
        return draft.law(self.j.fact("record_relief.document_title"), "title of the motion", "title")

    def _signature(self, draft: Draft) -> list[Text]:
        return signature_block(draft, self.case.preparer)

    def _record_label(self, draft: Draft, record: Record) -> Text:
        return Text("case ", draft.fact(record.case_number, "case number"), " (",
                    draft.fact(record.offence, "offense"), ")")

    def _trafficking_slots(self, draft: Draft) -> dict:
        return trafficking_slots(draft, self.case.trafficking)

    def _documents(self) -> list[str]:
        return official_documents(self.case)

    # -- documents -------------------------------------------------------------------------
    def motion(self) -> Draft:
        d = self._new("motion", "Motion for record relief", "motion.docx")
        title = self._remedy_title(d)
        self._caption(d, title)
        docs = self._documents()
        consent = [r.prosecutor_consent for r in self.group.records]
        consent_text = (lambda clause_id: Text("obtained in writing and attached")  # noqa: E731 (asked only if the clause is used)
                        if consent and all(c == "obtained" for c in consent) else d.fact(None, "the prosecutor's written consent"))
        flags = {"presumption": self.j.value("record_relief.official_documentation_presumption") is True and bool(docs),
                 "consent_required": self.j.value("record_relief.prosecutor_consent_required") is True}
        slots = dict(
            movant=d.context["movant"], citation=self._law(d, "citation", "statute"),
            remedy=self._law(d, "remedy_name", "name of the remedy"),
            nexus=self._law(d, "nexus", "the statute's words linking the offense to the trafficking"),
            standard=self._law(d, "standard_of_proof", "standard of proof"),
            documents=human_list(docs), presumption_citation=self._source(d, "official_documentation_presumption", "presumption from official documentation"),
            consent_citation=self._source(d, "prosecutor_consent_required", "prosecutor consent requirement"), consent=consent_text,
            time_limit=self._law(d, "filing_time_limit", "time limit for filing"),
            evidence=d.fact(human_list([e.title for e in self.case.evidence]) if self.case.evidence else None,
                            "evidence supporting the motion"),
            attachments=self._law(d, "required_attachments", "attachments the law requires"),
            findings=self._law(d, "findings_language", "findings the statute allows (e.g. legal defect)"),
            **self._trafficking_slots(d),
        )
        paragraphs = d.clauses("motion", flags, **slots)
        for record in self.group.records:
            paragraphs += d.clauses("motion_record", record=self._record_label(d, record),
                                    connection=d.fact(record.trafficking_connection, "how the offense connects to the trafficking"))
        effects = self._law(d, "relief_effects", "what the order does (vacate, expunge, seal)")
        d.context.update(
            paragraphs=paragraphs,
            schedule=[self._schedule_row(d, r) for r in self.group.records],
            prayer=d.clauses("motion_prayer", remedy=slots["remedy"], citation=slots["citation"], effects=effects),
            signature=self._signature(d),
        )
        return d

    def _schedule_row(self, d: Draft, r: Record) -> dict:
        when = r.conviction_date if r.kind == "conviction" else r.arrest_date
        statute = Text(" (", r.statute, ")") if r.statute else Text()
        return {"case_number": d.fact(r.case_number, "case number"),
                "offense": Text(r.offence) + statute,
                "date": d.fact(when, f"date of {r.kind}"),
                "disposition": d.fact(r.disposition, "disposition") if r.kind == "conviction"
                else d.fact(r.disposition and r.disposition.replace("_", " "), "disposition of the arrest"),
                "sentence_completed": (d.fact(r.sentence_completed_on, "date the sentence was completed")
                                       if r.kind == "conviction" else Text("not applicable (arrest)"))}

    def order(self) -> Draft:
        d = self._new("proposed_order", "Proposed order", "proposed_order.docx")
        self._caption(d, Text("[PROPOSED] ORDER GRANTING ", self._remedy_title(d)))
        document_title = self._law(d, "document_title", "title of the motion")
        citation = self._law(d, "citation", "statute")
        effects = self._law(d, "relief_effects", "what the order does (vacate, expunge, seal)")
        d.context.update(
            paragraphs=d.clauses("order", document_title=document_title, movant=d.context["movant"], citation=citation,
                                 standard=self._law(d, "standard_of_proof", "standard of proof"),
                                 nexus=self._law(d, "nexus", "the statute's words linking the offense to the trafficking"),
                                 findings=self._law(d, "findings_language", "findings the statute allows (e.g. legal defect)")),
            ordered=[p for r in self.group.records
                     for p in d.clauses("order_record", record=self._record_label(d, r), effects=effects)],
            closing=d.clauses("order_closing", agencies=self._law(d, "after_order_notify", "agencies to receive the order")),
        )
        return d

    def declaration(self) -> Draft:
        d = self._new("declaration", "Movant's declaration", "declaration.docx")
        self._caption(d, Text())
        d.context["title"] = Text("DECLARATION OF ", d.common["party"], " IN SUPPORT OF ",
                                  self._remedy_title(d)).styled("bold", "caps")
        docs = self._documents()
        cooperation = [c.cooperation for c in self.case.law_enforcement_contacts if c.cooperation]
        flags = {"has_documents": bool(docs), "has_cooperation": bool(cooperation)}
        paragraphs = d.clauses("declaration", flags, document_title=self._law(d, "document_title", "title of the motion"),
                               narrative=d.fact(self.case.trafficking.narrative, "the movant's account, in their own words"),
                               documents=human_list(docs), cooperation=human_list(cooperation),
                               **self._trafficking_slots(d))
        for record in self.group.records:
            paragraphs += d.clauses("declaration_record", record=self._record_label(d, record),
                                    connection=d.fact(record.trafficking_connection, "how the offense connects to the trafficking"))
        d.context.update(
            paragraphs=paragraphs,
            attestation=d.clauses("declaration_closing", attestation=oath(
                d, self.forum, self.group.court, name=d.context["movant"], document="declaration"))[0],
            declarant=d.context["movant"],
        )
        return d

    def certificate(self) -> Draft:
        d = self._new("certificate_of_service", "Certificate of service", "certificate_of_service.docx")
        self._caption(d, Text("CERTIFICATE OF SERVICE"))
        d.context.update(
            paragraphs=d.clauses("certificate", document_title=self._law(d, "document_title", "title of the motion"),
                                 citation=self._law(d, "citation", "statute"),
                                 served=self._law(d, "service", "parties the law says must be served"),
                                 method=d.fact(None, "method of service (mail, hand delivery, e-filing)")),
            signature=self._signature(d),
        )
        return d

    def seal_motion(self) -> Draft:
        d = self._new("seal_motion", "Motion to file under seal or proceed by pseudonym", "motion.docx")
        pseudonym = self.case.client.use_pseudonym_in_filings
        title = "MOTION TO FILE UNDER SEAL AND TO PROCEED BY PSEUDONYM" if pseudonym else "MOTION TO FILE UNDER SEAL"
        self._caption(d, Text(title))
        and_pseudonym = ", and to proceed under the pseudonym used in this caption" if pseudonym else ""
        d.context.update(
            paragraphs=d.clauses("seal_motion", movant=d.context["movant"],
                                 document_title=self._law(d, "document_title", "title of the motion"),
                                 and_pseudonym=and_pseudonym, jurisdiction_name=self.j.name,
                                 confidential_filing=self._law(d, "confidential_filing",
                                                               "local standard for sealing or pseudonymous filing")),
            schedule=[],
            prayer=d.clauses("seal_prayer", and_pseudonym_prayer=", and allow Movant to proceed by pseudonym" if pseudonym else ""),
            signature=self._signature(d),
        )
        return d

    def checklist(self) -> Draft:
        d = self._new("after_order_checklist", "After-order checklist", "after_order_checklist.docx")
        intro = d.clauses("checklist", document_title=self._law(d, "document_title", "title of the motion"),
                          court=d.fact(self.group.court, "court"),
                          case_numbers=Text.join([d.fact(r.case_number, "case number") for r in self.group.records]))[0]
        items_by_id = {c["id"]: c for c in d.library.section("checklist_items")}
        agencies = self.j.fact("record_relief.after_order_notify")
        listed = d.law(agencies, "agencies to receive the order", "checklist.agency")
        items = [d.compose(items_by_id["checklist.certified_copies"], {})]
        items += [d.compose(items_by_id["checklist.agency"], {"agency": name}) for name in (agencies.value or [listed])]
        for agency in sorted({r.agency for r in self.group.records if r.agency}):
            items.append(d.compose(items_by_id["checklist.arresting_agency"], {"agency": agency}))
        items += [d.compose(items_by_id["checklist.confirm"], {}), d.compose(items_by_id["checklist.immigration"], {})]
        d.context.update(draft_notice="" if self.final else DRAFT_NOTICE, intro=intro, items=items)
        return d

