"""Record-relief papers: motion, proposed order, declaration, certificate of service, and the
two companions (motion to seal / proceed by pseudonym, after-order checklist).

Drafts are produced per court: every draftable conviction or arrest is grouped by jurisdiction and
court (or, where the law sends all records to the court of the most recent conviction, into that
one court). All legal content comes from the jurisdiction data through clause slots.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from ...drafting import (Draft, caption, format_date, human_list, oath, official_documents, signature_block,
                         trafficking_slots)
from ...eligibility import Eligibility
from ...facts import CaseFile, Record
from ...forums import load_forum
from ...jurisdictions import Fact, Jurisdiction
from ...rendering import DRAFT_NOTICE, Text
from . import record_types
from .screening import add_period


@dataclass(frozen=True)
class Route:
    """The remedy's wording for one record: its type and the facts its title, link words, order text and
    findings come from (see record_types)."""

    kind: str
    title: Fact
    nexus: Fact
    effects: Fact
    findings: Fact
    remedy: Fact
    notes: tuple[str, ...] = ()


def route_for(j: Jurisdiction, record: Record) -> Route:
    kind = record_types.record_type(record)
    parts, notes = {}, []
    for key in ("document_title", "nexus", "relief_effects", "findings_language", "remedy_name"):
        fact, note = record_types.wording(j, kind, key)
        parts[key] = fact
        if note:
            notes.append(note)
    return Route(kind, parts["document_title"], parts["nexus"], parts["relief_effects"], parts["findings_language"],
                 parts["remedy_name"], tuple(notes))


@dataclass(frozen=True)
class CourtGroup:
    """The records one set of papers covers: same jurisdiction, same court (or every court, where the
    law puts several cases in one petition), same wording of the remedy."""

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

    @property
    def route(self) -> Route:
        """The group's wording (every member shares the title, link words and findings: see group_by_court)."""
        return route_for(self.jurisdiction, self.records[0])


def _latest_court(records: list[Record], convictions_only: bool) -> str | None:
    dated = [r for r in records if (r.conviction_date if convictions_only else (r.conviction_date or r.arrest_date))]
    if not dated:
        return records[0].court if not convictions_only else None
    return max(dated, key=lambda r: r.conviction_date or r.arrest_date).court


def group_by_court(results: list[Eligibility]) -> list[CourtGroup]:
    """Draftable results grouped by the statute's consolidation rule (``record_relief.consolidation``:
    one petition for every case, one per court (the default), or one per case), then by the remedy's
    wording for the record type, in first-seen order."""
    buckets: dict[tuple, list[Eligibility]] = {}
    for result in results:
        if not result.draftable:
            continue
        j = result.jurisdiction
        record = result.subject.item
        route = route_for(j, record)
        wording = (route.title.path, route.nexus.path, route.findings.path, route.remedy.path)
        rule = j.value("record_relief.consolidation")
        venue = j.value("record_relief.venue") or {}
        if rule == "one_petition":
            where = "__one__"
        elif rule == "one_per_case":
            where = ("__case__", record.id)
        elif venue.get("rule") == "most_recent_conviction":
            where = "__most_recent__"
        else:
            where = record.court
        buckets.setdefault((j.code, where, wording), []).append(result)
    groups, per_code = [], {}
    for (code, where, _), members in buckets.items():
        records = [m.subject.item for m in members]
        if where == "__most_recent__":
            court = _latest_court(records, convictions_only=True)
        elif where == "__one__":
            court = _latest_court(records, convictions_only=False)
        else:
            court = records[0].court
        per_code[code] = per_code.get(code, 0) + 1
        groups.append(CourtGroup(per_code[code], members[0].jurisdiction, court, tuple(members)))
    return groups


def build_drafts(family, case: CaseFile, group: CourtGroup, final: bool, filing_date: dt.date) -> list[Draft]:
    """Every document of the family for one court group, in the forum's filing set where the forum
    mandates an official form (then a worksheet for the form takes the place of the freeform papers)."""
    builder = _GroupBuilder(family, case, group, final, filing_date)
    forms = builder.official_forms()
    filing_set = set(builder.forum.value("filing_set.record_relief") or [])
    titles = [_bare(f["title"]) for f in forms]
    own_title = _bare(group.route.title.value or "")
    # A freeform paper is never drafted under a mandatory form's title: the form's worksheet takes its place.
    moving = not forms or (bool({"motion", "petition"} & filing_set) and own_title and
                           not any(own_title.startswith(t) or t.startswith(own_title) for t in titles))
    order = not forms or ("proposed_order" in filing_set and not any("order" in t for t in titles))
    sworn = not forms or bool({"declaration", "affidavit", "affirmation"} & filing_set)
    drafts = [builder.worksheet(form) for form in forms]
    if moving and "notice_of_motion" in filing_set:  # New York: notice, counsel's affirmation, memorandum of law
        drafts.append(builder.notice_of_motion())
        drafts += [builder.attorney_affirmation()] if "affirmation" in filing_set else []
        drafts += [builder.memorandum()] if "memorandum_of_law" in filing_set else []
    elif moving:
        drafts.append(builder.motion())
    drafts += [builder.order()] if order else []
    drafts += [builder.declaration()] if sworn else []
    drafts.append(builder.certificate())
    if case.confidential_filing_requested or case.client.use_pseudonym_in_filings:
        drafts.append(builder.seal_motion())
    drafts.append(builder.checklist())
    return drafts


def _arresting_agencies(records) -> list[str]:
    """Each arresting agency once, with its district, division or precinct where the case file gives one."""
    return sorted({f"{r.agency}, {r.district}" if r.district else r.agency for r in records if r.agency})


_REFUND = re.compile(r"\b(refund|return)\w*\b.*\b(fines?|fees)\b", re.I)


def _money(amount) -> str:
    return f"${amount:,.2f}"


IDENTIFIER_LABELS = {
    "date_of_birth": "date of birth",
    "state_id_number": "state identification number",
    "fbi_number": "FBI number",
    "drivers_license_number": "driver's license number",
    "ssn": "Social Security number",
}
"""The identifying numbers a uniform order may require (``record_relief.order_identifiers``), as a paper names them."""


def _bare(title: str) -> str:
    """A title without its parenthetical remarks, lower-case, for comparing a paper's title with a form's."""
    return re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", "", title)).strip().lower()


# Words that show whose voice a case-file text is in.
_FIRST_PERSON = re.compile(r"\b(I|me|my|mine|myself)\b")
_THIRD_PERSON = re.compile(r"\b(she|her|hers|herself|he|him|his|himself|they|them|their|theirs|themselves|the client|"
                           r"my client|the movant|the petitioner|the defendant|the applicant|the survivor)\b", re.I)


def own_words(text: str | None) -> str | None:
    """The text when it can stand in the client's own voice, else None. A text in the first person is the
    client's; a text that speaks of someone in the third person with no "I" or "me" is a summary written
    about the client ("She was arrested ...") and is never put in the client's mouth."""
    if not text:
        return None
    if _FIRST_PERSON.search(text) or not _THIRD_PERSON.search(text):
        return text
    return None


_VICTIM_EVIDENCE = ("official_documentation", "service_provider_letter", "medical", "declaration", "other", None)


class _GroupBuilder:
    def __init__(self, family, case: CaseFile, group: CourtGroup, final: bool, filing_date: dt.date):
        self.family, self.case, self.group, self.final = family, case, group, final
        self.filing_date = case.filing_date or filing_date
        self.j = group.jurisdiction
        self.forum = load_forum(self.j.code)
        self.route = group.route
        filing_set = set(self.forum.value("filing_set.record_relief") or [])
        self.notice_set = "notice_of_motion" in filing_set
        # What the forum calls the client's sworn statement: an affirmation where the filing set says so.
        self.sworn_paper = "affirmation" if "affirmation" in filing_set and "declaration" not in filing_set else "declaration"
        self.letters = {e.id: chr(ord("A") + i) if i < 26 else f"A{chr(ord('A') + i - 26)}"
                        for i, e in enumerate(case.evidence)}

    # -- helpers ---------------------------------------------------------------------------
    def _new(self, kind: str, title: str, template: str) -> Draft:
        return self.family.draft(kind, title, template, f"{self.group.label}-{kind.replace('_', '-')}",
                                 self.group.label)

    def _law(self, draft: Draft, key: str, label: str):
        return draft.law_slot(self.j, f"record_relief.{key}", label)

    def _source(self, draft: Draft, key: str, label: str):
        return draft.citation_slot(self.j, f"record_relief.{key}", label)

    def _route_slot(self, draft: Draft, fact: Fact, label: str):
        return lambda clause_id: draft.law(fact, label, clause_id)

    def _caption(self, draft: Draft, title: Text) -> None:
        counties = [r.county for r in self.group.records if r.county]
        caption(draft, forum=self.forum, court=self.group.court, county=counties[0] if counties else None,
                filer=self.case.client.filing_name, case_numbers=[r.case_number for r in self.group.records],
                title=title, final=self.final, document=self._document_kind())

    def _document_kind(self) -> str:
        """"petition" or "motion", as the remedy's own title has it (the forum's party label follows it)."""
        title = self.route.title.value or self.j.value("record_relief.document_title") or ""
        return "petition" if "petition" in title.lower() else "motion"

    def _remedy_title(self, draft: Draft) -> Text:
        return draft.law(self.route.title, f"title of the {self._document_kind()} for "
                         f"{record_types.described(self.route.kind)}", "title")

    def _signature(self, draft: Draft) -> list[Text]:
        return signature_block(draft, self.case.preparer)

    def _record_label(self, draft: Draft, record: Record) -> Text:
        return Text("case ", draft.fact(record.case_number, "case number"), " (",
                    draft.fact(record.offence, "offense"), ")")

    def _trafficking_slots(self, draft: Draft) -> dict:
        return trafficking_slots(draft, self.case.trafficking)

    def _documents(self) -> list[str]:
        return official_documents(self.case)

    def _exhibits(self, draft: Draft, kinds: tuple, label: str) -> Text:
        """Exhibit letters (A, B, ... in the case file's evidence order) for the evidence of these kinds."""
        chosen = [e for e in self.case.evidence if e.kind in kinds]
        if not chosen:
            return draft.fact(None, label)
        return human_list([Text(f"Exhibit {self.letters[e.id]}, ", e.title) for e in chosen])

    def _effects(self, draft: Draft, record: Record) -> Text:
        """What the order does for the record, in the law's words; where the law refunds fines and fees, with the
        amount the case file says was paid."""
        route = route_for(self.j, record)
        effects = draft.law(route.effects, f"what the order does for {record_types.described(route.kind)}", "effects")
        refunds = any(_REFUND.search(e) for e in (route.effects.value or []))
        if refunds and record.fines_and_fees_paid:
            effects = Text(effects, f" (fines and fees paid in this case: {_money(record.fines_and_fees_paid)})")
        return effects

    def _offices_to_serve(self, draft: Draft, agencies: bool = True) -> list[Text]:
        """The prosecuting office of each record, from the case file or the data's pattern for the county,
        then (with ``agencies``) each arresting agency."""
        pattern = self.j.fact("record_relief.prosecutor_office")
        offices: list[Text] = []
        seen = set()
        for r in self.group.records:
            if r.prosecuting_office:
                office = Text(r.prosecuting_office)
            elif pattern.known and r.county:
                office = draft.law(dataclasses.replace(pattern, value=pattern.value.replace("{county}", r.county)),
                                   "prosecuting office to serve", "certificate.service")
            else:
                office = draft.fact(None, f"prosecuting office to serve for case {r.case_number or r.id}")
            if str(office) not in seen:
                seen.add(str(office))
                offices.append(office)
        for agency in _arresting_agencies(self.group.records) if agencies else ():
            offices.append(Text(agency, " (arresting agency)"))
        return offices

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
        nexus = self._route_slot(d, self.route.nexus, "the statute's words linking the offense to the trafficking")
        slots = dict(
            movant=d.context["movant"], citation=self._law(d, "citation", "statute"),
            remedy=self._route_slot(d, self.route.remedy, "name of the remedy"),
            nexus=nexus,
            standard=self._law(d, "standard_of_proof", "standard of proof"),
            documents=human_list(docs), presumption_citation=self._source(d, "official_documentation_presumption", "presumption from official documentation"),
            consent_citation=self._source(d, "prosecutor_consent_required", "prosecutor consent requirement"), consent=consent_text,
            evidence=human_list([Text(f"Exhibit {self.letters[e.id]}, ", e.title) for e in self.case.evidence])
            if self.case.evidence else d.fact(None, "evidence supporting the motion"),
            attachments=self._law(d, "required_attachments", "attachments the law requires"),
            findings=self._route_slot(d, self.route.findings, "findings the statute allows (e.g. legal defect)"),
            **self._trafficking_slots(d),
        )
        paragraphs = d.clauses("motion", flags, **slots)
        for record in self.group.records:
            paragraphs += d.clauses(
                "motion_record", record=self._record_label(d, record), nexus=nexus,
                record_type=record_types.described(record_types.record_type(record)),
                summary=d.fact(record.trafficking_connection, "how the offense connects to the trafficking"),
                exhibits=Text("see the declaration") + (Text("; ", self._exhibits(d, ("court_record",), ""))
                                                         if any(e.kind == "court_record" for e in self.case.evidence) else Text()))
        paragraphs += self._argument(d, slots)
        paragraphs += self._procedure(d)
        effects = [p for r in self.group.records
                   for p in d.clauses("motion_prayer_record", record=self._record_label(d, r), effects=self._effects(d, r))]
        d.context.update(
            paragraphs=paragraphs,
            schedule=[self._schedule_row(d, r) for r in self.group.records],
            prayer=d.clauses("motion_prayer", remedy=slots["remedy"], citation=slots["citation"]) + effects
            + d.clauses("motion_prayer_closing"),
            signature=self._signature(d),
        )
        return d

    def _argument(self, d: Draft, slots: dict) -> list[Text]:
        """The statute's elements, each mapped to the facts and exhibits that meet it (a placeholder where none do)."""
        t = self.case.trafficking
        condition = self._condition(d)
        args = dict(slots, exhibits=self._exhibits(d, _VICTIM_EVIDENCE, "exhibits showing victim status"),
                    time_limit=self._law(d, "filing_time_limit", "time limit for filing"),
                    ended_on=d.fact(t.ended_on, "date the trafficking ended"),
                    sought_services_on=d.fact(t.sought_services_on, "date the client first sought services"),
                    filing_date=Text(format_date(self.filing_date)), condition=condition or Text())
        lib = d.library
        out = [d.compose(lib.clause("motion_argument", "motion.argument_heading"), args).styled("bold"),
               d.compose(lib.clause("motion_argument", "motion.element_victim"), args)]
        out += d.clauses("motion_element_link", sworn_paper=self.sworn_paper)
        out.append(d.compose(lib.clause("motion_argument", "motion.element_timeliness"), args))
        if condition is not None:
            out.append(d.compose(lib.clause("motion_argument", "motion.element_condition"), args))
        return out

    def _condition(self, d: Draft) -> Text | None:
        """The law-enforcement condition as pleaded (None where the law sets none)."""
        fact = self.j.fact("record_relief.law_enforcement_assistance_condition")
        if not fact.known:
            return None
        law = d.law(fact, "condition about help given to law enforcement", "motion.element_condition")
        answer = self.case.trafficking.law_enforcement_requests
        cooperation = [c.cooperation for c in self.case.law_enforcement_contacts if c.cooperation]
        if answer == "assisted":
            facts = Text(d.common["party"], " helped law enforcement when asked")
            if cooperation:
                facts.append(Text(" (", human_list(cooperation), ")"))
        elif answer == "not_asked":
            facts = Text("law enforcement did not ask ", d.common["party"], " for help")
        else:
            facts = d.fact(None, "whether the client helped law enforcement when asked, or why not")
        return Text(law, "; ", facts)

    def _procedure(self, d: Draft) -> list[Text]:
        """Hearing, response window (with its date counted from the filing date), fees, waivers, sealing and
        notice to victims: each where the data holds it."""
        j = self.j
        facts = {k: j.fact(f"record_relief.{k}") for k in ("hearing", "response_window", "fees", "fee_waiver",
                                                           "confidential_filing", "victim_notice")}
        flags = {"has_hearing": facts["hearing"].known, "has_response": facts["response_window"].known,
                 "has_fees": facts["fees"].known, "has_fee_waiver": facts["fee_waiver"].known,
                 "has_sealing": facts["confidential_filing"].known, "has_victim_notice": facts["victim_notice"].known}
        if not any(flags.values()):
            return []
        response = Text()
        if flags["has_response"]:
            window = facts["response_window"]
            days = window.value["days"]
            after = window.value.get("after", "filing")
            due = add_period(self.filing_date, days=days)
            response = Text(d.law(dataclasses.replace(window, value=f"{window.value['party']} may respond within {days} "
                                                              f"days after {after}"), "response window", "motion.response"),
                            f". Counted from {after} on {format_date(self.filing_date)}, a response is due by "
                            f"{format_date(due)}.")
            if window.citation:
                response.append(Text(" See ", d.citation(window, "response window", "motion.response"), "."))
        def cited(key: str, label: str):
            """The rule with its citation, as a court paper states it."""
            def slot(clause_id: str) -> Text:
                fact = facts[key]
                text = d.law(fact, label, clause_id)
                return Text(text, " (", d.citation(fact, label, clause_id), ")") if fact.citation else text
            return slot

        heading = Text("PROCEDURE").styled("bold")
        return [heading] + d.clauses(
            "motion_procedure", flags,
            hearing=cited("hearing", "hearing rule"), response=response,
            fees=cited("fees", "fees"), fee_waiver=cited("fee_waiver", "fee waiver"),
            sealing=cited("confidential_filing", "filing under seal"),
            victims=lambda c: Text(cited("victim_notice", "notice to victims")(c), ". Victims to notify: ",
                                   d.fact(human_list(self.case.victims_to_notify) if self.case.victims_to_notify else None,
                                          "victims to notify")))

    def _schedule_row(self, d: Draft, r: Record) -> dict:
        when = r.conviction_date if r.kind == "conviction" else r.arrest_date
        statute = Text(" (", r.statute, ")") if r.statute else Text()
        return {"case_number": d.fact(r.case_number, "case number"),
                "offense": Text(r.offence) + statute,
                "date": d.fact(when, f"date of {r.kind}"),
                "disposition": (d.fact(r.disposition, "disposition") if r.kind == "conviction"
                else d.fact(r.disposition and r.disposition.replace("_", " ") + (
                    f" (on the {r.dismissed_on_motion_of}'s motion)" if r.dismissed_on_motion_of else ""),
                    "disposition of the arrest")) + self._fines(r),
                "sentence_completed": (d.fact(r.sentence_completed_on, "date the sentence was completed")
                                       if r.kind == "conviction" else Text("not applicable (no conviction)"))}

    @staticmethod
    def _fines(r: Record) -> Text:
        """Fines and fees paid or owed, where the case file gives them (after the disposition in the schedule)."""
        parts = [f"{label} {_money(amount)}" for label, amount in (("fines and fees paid:", r.fines_and_fees_paid),
                                                                   ("still owed:", r.fines_and_fees_outstanding))
                 if amount is not None]
        return Text("; " + "; ".join(parts)) if parts else Text()

    def _identifiers(self, d: Draft) -> list[Text]:
        """The identifying numbers the law's uniform order must carry: only those the data lists (the order
        shows a placeholder for one the case file lacks). None where the data lists none."""
        fact = self.j.fact("record_relief.order_identifiers")
        if not fact.known or not fact.value:
            return []
        ids = self.case.client.identifiers
        values = {"date_of_birth": self.case.client.date_of_birth, "state_id_number": ids.state_id_number,
                  "fbi_number": ids.fbi_number, "ssn": ids.ssn,
                  "drivers_license_number": ids.drivers_license_number and (
                      ids.drivers_license_number + (f" ({ids.drivers_license_state})" if ids.drivers_license_state else ""))}
        listed = Text.join([Text(IDENTIFIER_LABELS[k], ": ", d.fact(values[k], IDENTIFIER_LABELS[k]))
                            for k in fact.value], "; ")
        return d.clauses("order_identifiers", identifiers=listed,
                         rule=lambda clause_id: d.citation(fact, "identifiers the order must carry", clause_id))

    def _motion_slots(self, d: Draft) -> dict:
        """The slots the moving papers share (motion, memorandum of law)."""
        docs = self._documents()
        consent = [r.prosecutor_consent for r in self.group.records]
        return dict(
            movant=d.context["movant"], citation=self._law(d, "citation", "statute"),
            remedy=self._route_slot(d, self.route.remedy, "name of the remedy"),
            nexus=self._route_slot(d, self.route.nexus, "the statute's words linking the offense to the trafficking"),
            document_title=self._route_slot(d, self.route.title, "title of the motion"),
            standard=self._law(d, "standard_of_proof", "standard of proof"),
            documents=human_list(docs),
            presumption_citation=self._source(d, "official_documentation_presumption",
                                              "presumption from official documentation"),
            consent_citation=self._source(d, "prosecutor_consent_required", "prosecutor consent requirement"),
            consent=(lambda clause_id: Text("obtained in writing and attached")  # noqa: E731
                     if consent and all(c == "obtained" for c in consent) else d.fact(None, "the prosecutor's written consent")),
            evidence=self._evidence(d),
            attachments=self._law(d, "required_attachments", "attachments the law requires"),
            findings=self._route_slot(d, self.route.findings, "findings the statute allows (e.g. legal defect)"),
            **self._trafficking_slots(d))

    def _evidence(self, d: Draft) -> Text:
        return (human_list([Text(f"Exhibit {self.letters[e.id]}, ", e.title) for e in self.case.evidence])
                if self.case.evidence else d.fact(None, "evidence supporting the motion"))

    def _attorney_name(self, d: Draft) -> Text:
        p = self.case.preparer
        return d.fact(p.name if p.role == "attorney" else None, "the attorney's name")

    def notice_of_motion(self) -> Draft:
        """The notice of motion (New York): what is moved for, on which papers, when and where; served on the
        prosecuting office. The return date is the attorney's to set."""
        d = self._new("notice_of_motion", "Notice of motion", "notice_of_motion.docx")
        self._caption(d, Text("NOTICE OF ", self._remedy_title(d)))
        window = self.j.fact("record_relief.response_window")
        response = Text()
        if window.known:
            days, after = window.value["days"], window.value.get("after", "filing")
            response = Text(d.law(dataclasses.replace(window, value=f"{window.value['party']} may respond within {days} "
                                                                   f"days after {after}"), "response window", "notice.response"),
                            f" (by {format_date(add_period(self.filing_date, days=days))}, counted from "
                            f"{format_date(self.filing_date)}).")
        paragraphs = d.clauses("notice_of_motion", attorney=self._attorney_name(d), movant=d.context["movant"],
                               court=d.fact(self.group.court, "court"),
                               return_date=d.fact(None, "return date and time (when the motion is to be heard)"),
                               citation=self._law(d, "citation", "statute"))
        document_title = self._route_slot(d, self.route.title, "title of the motion")
        for r in self.group.records:
            paragraphs += d.clauses("notice_record", record=self._record_label(d, r), document_title=document_title,
                                    record_type=record_types.described(record_types.record_type(r)),
                                    effects=self._effects(d, r))
        paragraphs += d.clauses("notice_closing", {"has_response": window.known}, response=response,
                                served=human_list(self._offices_to_serve(d, agencies=False)))
        d.context.update(paragraphs=paragraphs, schedule=[self._schedule_row(d, r) for r in self.group.records],
                         signature=self._signature(d))
        return d

    def _history(self, d: Draft, r: Record) -> Text:
        """One record's procedural history, as counsel states it."""
        row = self._schedule_row(d, r)
        parts = [Text(record_types.described(record_types.record_type(r))),
                 Text(f"date of {r.kind}: ", row["date"]), Text("disposition: ", row["disposition"])]
        if r.kind == "conviction":
            parts += [Text("sentence: ", d.fact(r.sentence, "sentence")),
                      Text("sentence completed: ", row["sentence_completed"])]
        if r.court:
            parts.insert(0, Text(r.court))
        return Text.join(parts, "; ")

    def attorney_affirmation(self) -> Draft:
        """Counsel's affirmation in support (New York): the procedural history of each record, the exhibits,
        prior applications; sworn with the forum's oath."""
        d = self._new("attorney_affirmation", "Affirmation of counsel", "affirmation.docx")
        self._caption(d, Text())
        attorney = self._attorney_name(d)
        d.context["title"] = Text("AFFIRMATION OF COUNSEL IN SUPPORT OF ", self._remedy_title(d)).styled("bold", "caps")
        document_title = self._route_slot(d, self.route.title, "title of the motion")
        paragraphs = d.clauses("attorney_affirmation", movant=d.context["movant"], document_title=document_title,
                               citation=self._law(d, "citation", "statute"))
        for r in self.group.records:
            paragraphs += d.clauses("attorney_affirmation_record", record=self._record_label(d, r),
                                    history=self._history(d, r))
        prior = [p for p in self.case.prior_relief if p.jurisdiction == self.j.code]
        prior_text = (human_list([Text(p.citation or "an application", " (",
                                       f"granted {format_date(p.granted_on)}" if p.granted_on else
                                       f"denied {format_date(p.denied_on)}" if p.denied_on else "outcome not recorded",
                                       ")") for p in prior]) if prior
                      else d.fact(None, "whether any prior application for this relief was made"))
        paragraphs += d.clauses("attorney_affirmation_closing",
                                evidence=self._evidence(d), prior=prior_text,
                                **self._trafficking_slots(d))
        d.context.update(
            paragraphs=paragraphs,
            attestation=oath(d, self.forum, self.group.court, name=attorney, document="affirmation"),
            declarant=attorney)
        return d

    def memorandum(self) -> Draft:
        """The memorandum of law (New York): the statute's elements, the standard and the procedure, argued
        from the data's law only; the facts are in the affirmations."""
        d = self._new("memorandum_of_law", "Memorandum of law", "motion.docx")
        self._caption(d, Text("MEMORANDUM OF LAW IN SUPPORT OF ", self._remedy_title(d)))
        slots = self._motion_slots(d)
        lib = d.library
        heading = {"memo.preliminary_heading", "memo.facts_heading", "memo.conclusion_heading"}
        paragraphs = [p.styled("bold") if c["id"] in heading else p
                      for c, p in zip(lib.section("memorandum"), d.clauses("memorandum", **slots))]
        for r in self.group.records:
            paragraphs += d.clauses("memorandum_record", record=self._record_label(d, r),
                                    record_type=record_types.described(record_types.record_type(r)),
                                    exhibits=Text(" and in ", self._exhibits(d, ("court_record",), ""))
                                    if any(e.kind == "court_record" for e in self.case.evidence) else Text())
        paragraphs += self._argument(d, slots)
        flags = {"presumption": self.j.value("record_relief.official_documentation_presumption") is True
                 and bool(self._documents()),
                 "consent_required": self.j.value("record_relief.prosecutor_consent_required") is True}
        for clause_id in ("motion.standard", "motion.presumption", "motion.consent", "motion.findings"):
            clause = lib.clause("motion", clause_id)
            if not clause.get("when") or flags.get(clause["when"]):
                paragraphs.append(d.compose(clause, slots))
        paragraphs += self._procedure(d)
        paragraphs += [p.styled("bold") for p in d.clauses("memorandum_conclusion")]
        effects = [p for r in self.group.records
                   for p in d.clauses("motion_prayer_record", record=self._record_label(d, r), effects=self._effects(d, r))]
        d.context.update(
            paragraphs=paragraphs, schedule=[],  # the records are scheduled in the notice of motion
            prayer=effects + d.clauses("motion_prayer_closing"),
            signature=self._signature(d))
        return d

    def order(self) -> Draft:
        d = self._new("proposed_order", "Proposed order", "proposed_order.docx")
        self._caption(d, Text("[PROPOSED] ORDER GRANTING ", self._remedy_title(d)))
        document_title = self._route_slot(d, self.route.title, "title of the motion")
        citation = self._law(d, "citation", "statute")
        d.context.update(
            paragraphs=d.clauses("order", document_title=document_title, movant=d.context["movant"], citation=citation,
                                 standard=self._law(d, "standard_of_proof", "standard of proof"),
                                 nexus=self._route_slot(d, self.route.nexus, "the statute's words linking the offense to the trafficking"),
                                 findings=self._route_slot(d, self.route.findings, "findings the statute allows (e.g. legal defect)")),
            ordered=[p for r in self.group.records
                     for p in d.clauses("order_record", record=self._record_label(d, r), document_title=document_title,
                                        record_type=record_types.described(record_types.record_type(r)),
                                        effects=self._effects(d, r))],
            closing=self._identifiers(d) + d.clauses("order_closing", agencies=self._law(d, "after_order_notify", "agencies to receive the order")),
        )
        return d

    def declaration(self) -> Draft:
        """The client's own declaration: first person throughout. A case-file text written about the client
        (a preparer's third-person summary) is never put in the client's mouth: a placeholder asks for the
        client's own words instead."""
        d = self._new("declaration", f"Movant's {self.sworn_paper}", f"{self.sworn_paper}.docx")
        self._caption(d, Text())
        d.context["title"] = Text(f"{self.sworn_paper.upper()} OF ", d.common["party"], " IN SUPPORT OF ",
                                  self._remedy_title(d)).styled("bold", "caps")
        docs = self._documents()
        t = self.case.trafficking
        cooperation = [c.cooperation for c in self.case.law_enforcement_contacts if c.cooperation]
        condition = self.j.fact("record_relief.law_enforcement_assistance_condition").known
        answered = {"assisted": Text("When law enforcement asked me for help, I helped."),
                    "not_asked": Text("Law enforcement never asked me for help with an investigation or prosecution.")
                    }.get(t.law_enforcement_requests)

        def statement(clause_id: str) -> Text:  # asked for only where the law sets the condition
            return answered or d.fact(None, "in the declarant's own words: whether law enforcement asked for help, "
                                            "and what the declarant did")
        flags = {"has_documents": bool(docs), "has_cooperation": bool(cooperation), "has_condition": condition}
        slots = self._trafficking_slots(d)
        means_words = [w for w, flag in (("force", t.force), ("fraud", t.fraud), ("coercion", t.coercion)) if flag]
        slots["means"] = d.fact(human_list(means_words) if means_words else None, "how the trafficker controlled the declarant")
        own_means = own_words(t.means_description)
        paragraphs = d.clauses("declaration", flags, document_title=self._route_slot(d, self.route.title, "title of the motion"),
                               narrative=d.fact(own_words(t.narrative), "the declarant's account, in the declarant's own words"),
                               means_own_words=d.fact(own_means, "in the declarant's own words: how the trafficker "
                                                                 "controlled the declarant"),
                               ended_on=d.fact(t.ended_on, "date the trafficking ended"),
                               sought_services_on=d.fact(t.sought_services_on, "date the declarant first sought services"),
                               documents=human_list(docs), cooperation=human_list(cooperation),
                               condition_statement=statement, sworn_paper=self.sworn_paper, **slots)
        for record in self.group.records:
            paragraphs += d.clauses("declaration_record", record=self._record_label(d, record),
                                    connection=d.fact(own_words(record.trafficking_connection),
                                                      "in the declarant's own words: how this offense connects to "
                                                      "the trafficking (the case file has only a summary)"))
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
        offices = self._offices_to_serve(d)
        law = self.j.fact("record_relief.service")
        served = Text(human_list(offices), " (the law: ", d.law(law, "parties the law says must be served",
                                                                  "certificate.service"), ")")
        d.context.update(
            paragraphs=d.clauses("certificate", {"has_victims": bool(self.case.victims_to_notify)},
                                 papers=self._papers_served(d),
                                 citation=self._law(d, "citation", "statute"), served=served,
                                 method=d.fact(None, "method of service (mail, hand delivery, e-filing)"),
                                 victims=human_list(self.case.victims_to_notify)),
            signature=self._signature(d),
        )
        return d

    def _papers_served(self, d: Draft) -> Text:
        title = self._route_slot(d, self.route.title, "title of the motion")
        if self.notice_set:
            return Text("the notice of motion, the affirmation of counsel, the affirmation of ", d.common["party"],
                        ", the memorandum of law, and the proposed order")
        return Text("the ", title("certificate.service"), ", the proposed order, and the ", d.common["party"],
                    "'s ", self.sworn_paper)

    def official_forms(self) -> list[dict]:
        """The forum's mandatory official forms for record relief (empty when none is known)."""
        return [f for f in (self.forum.value("official_forms.record_relief", self.group.court) or []) if f.get("title")]

    def worksheet(self, form: dict) -> Draft:
        """A field-by-field worksheet for a mandatory official form: titled as a worksheet, never as the form."""
        d = self._new("official_form_worksheet", "Worksheet for an official form", "working_paper.docx")
        fact = self.forum.fact("official_forms.record_relief", self.group.court)
        d.convention(fact, "mandatory official form", "worksheet")
        records = self.group.records
        docs = self._documents()
        fields = [
            ("Petitioner's name", d.fact(self.case.client.filing_name, "client's name")),
            ("Court", d.fact(self.group.court, "court")),
            ("County", d.fact(next((r.county for r in records if r.county), None), "county")),
            ("Case numbers", Text.join([d.fact(r.case_number, "case number") for r in records])),
            ("Offenses", Text.join([Text(r.offence) for r in records], "; ")),
            ("Dates of arrest", Text.join([d.fact(r.arrest_date, "date of arrest") for r in records])),
            ("Arresting agencies", Text.join([d.fact(r.agency, "arresting agency") for r in records])),
            ("Dispositions", Text.join([Text(record_types.LABELS[record_types.record_type(r)]) for r in records], "; ")),
            ("Official documentation of victim status", d.fact(human_list(docs) if docs else None,
                                                               "official documentation of victim status")),
            ("How each offense connects to the trafficking (for the sworn statement, in the client's own words)",
             Text.join([Text(self._record_label(d, r), ": ", d.fact(own_words(r.trafficking_connection),
                        "the client's own words on the link for this record")) for r in records], "; ")),
        ]
        title = Text("WORKSHEET FOR OFFICIAL FORM ", form.get("id") or "", " (NOT THE FORM): ", form["title"])
        d.context.update(
            draft_notice="" if self.final else DRAFT_NOTICE, title=title.styled("bold"),
            intro=d.clauses("worksheet", form_title=form["title"], form_citation=form.get("citation") or "the law")[0],
            items=[d.compose(d.library.clause("worksheet_items", "worksheet.field"), {"field": f, "answer": a})
                   for f, a in fields])
        return d

    def seal_motion(self) -> Draft:
        d = self._new("seal_motion", "Motion to file under seal or proceed by pseudonym", "motion.docx")
        pseudonym = self.case.client.use_pseudonym_in_filings
        title = "MOTION TO FILE UNDER SEAL AND TO PROCEED BY PSEUDONYM" if pseudonym else "MOTION TO FILE UNDER SEAL"
        self._caption(d, Text(title))
        and_pseudonym = ", and to proceed under the pseudonym used in this caption" if pseudonym else ""
        d.context.update(
            paragraphs=d.clauses("seal_motion", movant=d.context["movant"],
                                 document_title=self._route_slot(d, self.route.title, "title of the motion"),
                                 and_pseudonym=and_pseudonym, jurisdiction_name=self.j.name,
                                 confidential_filing=self._law(d, "confidential_filing",
                                                               "local standard for sealing or pseudonymous filing")),
            schedule=[],
            prayer=d.clauses("seal_prayer", and_pseudonym_prayer=Text(", and allow ", d.common["party"],
                                                                      " to proceed by pseudonym") if pseudonym else ""),
            signature=self._signature(d),
        )
        return d

    def checklist(self) -> Draft:
        d = self._new("after_order_checklist", "After-order checklist", "working_paper.docx")
        intro = d.clauses("checklist", document_title=self._route_slot(d, self.route.title, "title of the motion"),
                          court=d.fact(self.group.court, "court"),
                          case_numbers=Text.join([d.fact(r.case_number, "case number") for r in self.group.records]))[0]
        items_by_id = {c["id"]: c for c in d.library.section("checklist_items")}
        agencies = self.j.fact("record_relief.after_order_notify")
        listed = d.law(agencies, "agencies to receive the order", "checklist.agency")
        items = [d.compose(items_by_id["checklist.certified_copies"], {})]
        items += [d.compose(items_by_id["checklist.agency"], {"agency": name}) for name in (agencies.value or [listed])]
        for agency in _arresting_agencies(self.group.records):
            items.append(d.compose(items_by_id["checklist.arresting_agency"], {"agency": agency}))
        for r in self.group.records:
            if r.fines_and_fees_paid:
                items.append(d.compose(items_by_id["checklist.fines_paid"],
                                       {"record": self._record_label(d, r), "amount": _money(r.fines_and_fees_paid)}))
        items += [d.compose(items_by_id["checklist.confirm"], {}), d.compose(items_by_id["checklist.immigration"], {})]
        d.context.update(draft_notice="" if self.final else DRAFT_NOTICE, intro=intro, items=items,
                         title=Text("AFTER THE ORDER: WHO TO NOTIFY"))
        return d

