"""Affirmative-defense papers for one pending charge: a notice of intent to raise the defense, an
outline of the client's supporting declaration, and a proposed jury instruction built from the
statute's elements (marked for attorney review).

All three are captioned in the pending case, the forum's way, with the client as the Defendant.
Every legal value comes from the jurisdiction data through clause slots; the client's own account
is never written for them: where the case file does not hold it, the outline shows a marked place.
"""
from __future__ import annotations

import dataclasses

from ...drafting import Draft, caption, human_list, oath, official_documents, signature_block, \
    trafficking_slots
from ...eligibility import Eligibility
from ...facts import CaseFile, PendingCharge
from ...forums import load_forum
from ...rendering import Text
from .screening import key, notice_deadline

DEFENDANT = "Defendant"


def build_charge_drafts(family, case: CaseFile, result: Eligibility, label: str, final: bool) -> list[Draft]:
    builder = _ChargeBuilder(family, case, result, label, final)
    return [builder.notice(), builder.declaration(), builder.jury_instruction()]


class _ChargeBuilder:
    def __init__(self, family, case: CaseFile, result: Eligibility, label: str, final: bool):
        self.family, self.case, self.result, self.label, self.final = family, case, result, label, final
        self.j = result.jurisdiction
        self.charge: PendingCharge = result.subject.item
        self.forum = load_forum(self.j.code)

    # -- helpers ---------------------------------------------------------------------------
    def _new(self, kind: str, title: str, template: str) -> Draft:
        return self.family.draft(kind, title, template, f"{self.label}-{kind.replace('_', '-')}", self.label)

    def _caption(self, draft: Draft, title: Text) -> None:
        c = self.charge
        caption(draft, forum=self.forum, court=c.court, county=c.county, filer=self.case.client.filing_name,
                case_numbers=[c.case_number], title=title, final=self.final, document="motion")
        party = self._party_label(draft)
        draft.common["party"] = party
        draft.context["movant_label"] = party

    def _party_label(self, draft: Draft) -> Text:
        """The accused's label in the pending case: the forum's own where its profile records one for a
        pending case, else "Defendant" (the forums' record-relief labels do not apply to a pending case)."""
        fact = self.forum.fact("party_labels", self.charge.court)
        own = ((fact.value or {}).get("pending_case") or {}).get("movant")
        if own:
            return draft.convention(dataclasses.replace(fact, value=own), "the client's party label", "caption")
        return Text(DEFENDANT)

    def _law(self, draft: Draft, name: str, label: str):
        return draft.law_slot(self.j, key(name), label)

    def _citation(self, draft: Draft) -> Text:
        return draft.citation(self.j.fact(key("citation")), "statute providing the defense", "citation")

    def _remedy(self, draft: Draft) -> Text:
        return draft.law(self.j.fact(key("remedy_name")), "name of the defense", "remedy")

    def _offense(self, draft: Draft) -> Text:
        c = self.charge
        return Text(draft.fact(c.offence, "offense charged"), Text(" (", c.statute, ")") if c.statute else None)

    def _elements(self, draft: Draft) -> list[Text]:
        fact = self.j.fact(key("elements"))
        label = "elements of the defense in the statute"
        if not fact.value:
            return [draft.law(fact, label, "elements")]
        return [draft.law(dataclasses.replace(fact, value=e), label, "elements") for e in fact.value]

    def _connection(self, draft: Draft) -> Text:
        return draft.fact(self.charge.trafficking_connection, "how the pending charge connects to the trafficking")

    def _documents(self) -> list[str]:
        return official_documents(self.case)

    # -- documents -------------------------------------------------------------------------
    def notice(self) -> Draft:
        d = self._new("notice", "Notice of intent to raise a trafficking-victim defense", "notice.docx")
        remedy = self._remedy(d)
        self._caption(d, Text("NOTICE OF INTENT TO RAISE ", remedy))
        docs = self._documents()
        deadline_fact = self.j.fact(key("notice_deadline"))
        rule = deadline_fact.value if isinstance(deadline_fact.value, dict) else None
        # the rule in words (its description); unknown stays a placeholder and a report entry, while
        # "none" (the data says no deadline applies) adds no sentence
        deadline_words = dataclasses.replace(deadline_fact, value=rule["description"]) if rule else deadline_fact
        due = notice_deadline(self.charge, self.j)
        sealing = self.j.fact(key("sealing"))
        flags = {"has_documents": bool(docs), "has_deadline": rule is not None,
                 "deadline_unknown": deadline_fact.value is None, "has_sealing": sealing.known}
        evidence = [e.title for e in self.case.evidence]
        elements = human_list(self._elements(d), "and")
        paragraphs = d.clauses(
            "notice", flags, defendant=d.context["movant"], remedy=remedy, citation=self._citation(d),
            offense=self._offense(d), elements=elements, stop="" if str(elements).endswith(".") else ".",
            connection=self._connection(d), documents=human_list(docs),
            evidence=d.fact(human_list(evidence) if evidence else None, "evidence supporting the defense"),
            deadline=lambda cid: d.law(deadline_words, "deadline for notice of the defense", cid),
            deadline_citation=lambda cid: d.citation(deadline_fact, "rule setting the notice deadline", cid),
            deadline_date=lambda cid: d.fact(due, f"the {(rule or {}).get('event', 'event').replace('_', ' ')} the "
                                                  "notice deadline counts from"),
            sealing=lambda cid: d.law(sealing, "sealing of records related to the defense", cid),
            sealing_citation=lambda cid: d.citation(sealing, "sealing of records related to the defense", cid),
            **trafficking_slots(d, self.case.trafficking, "the defendant"),
        )
        d.context.update(paragraphs=paragraphs, signature=signature_block(d, self.case.preparer))
        return d

    def declaration(self) -> Draft:
        d = self._new("declaration", "Declaration outline supporting the defense", "declaration.docx")
        remedy = self._remedy(d)
        self._caption(d, Text())
        d.context["title"] = Text("DECLARATION OF ", d.common["party"], " IN SUPPORT OF NOTICE OF INTENT TO RAISE ",
                                  remedy).styled("bold", "caps")
        docs = self._documents()
        t = trafficking_slots(d, self.case.trafficking, "me")
        paragraphs = d.clauses(
            "declaration", {"has_documents": bool(docs)}, remedy=remedy, citation=self._citation(d),
            offense=self._offense(d), documents=human_list(docs), connection=self._connection(d),
            narrative=d.fact(self.case.trafficking.narrative, "the client's own account, in the client's own words"),
            **t)
        fact = self.j.fact(key("elements"))
        for i, element in enumerate(self._elements(d) if fact.value else [], 1):
            paragraphs += d.clauses("declaration_element", element=element,
                                    own_words=d.fact(None, f"the client's own words on part {i} of the defense"))
        d.context.update(
            paragraphs=paragraphs,
            attestation=oath(d, self.forum, self.charge.court, name=d.context["movant"], document="declaration"),
            declarant=d.context["movant"],
        )
        return d

    def jury_instruction(self) -> Draft:
        d = self._new("jury_instruction", "Proposed jury instruction on the defense", "jury_instruction.docx")
        remedy = self._remedy(d)
        self._caption(d, Text("PROPOSED JURY INSTRUCTION: ", remedy))
        burden = self.j.fact(key("burden"))
        party = (burden.value or {}).get("party")
        citation = self._citation(d)
        intro = d.clauses("jury_intro", remedy=remedy, citation=citation, offense=self._offense(d),
                          pattern=lambda cid: self._pattern(d, cid))
        closing = d.clauses("jury_closing", {"defendant_burden": party == "defendant",
                                             "prosecution_burden": party == "prosecution"},
                            burden=d.law(dataclasses.replace(burden, value=(burden.value or {}).get("description")),
                                         "who bears the burden on the defense, and the standard", "jury.burden"))
        d.context.update(intro=intro, elements=self._elements(d), closing=closing,
                         signature=signature_block(d, self.case.preparer))
        return d

    def _pattern(self, d: Draft, clause_id: str) -> Text:
        fact = self.j.fact(key("pattern_instruction"))
        label = "pattern jury instruction" + (" (none known: draft from the statute)" if fact.value is None else "")
        return d.law(fact, label, clause_id)

