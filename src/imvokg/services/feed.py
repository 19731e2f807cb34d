"""The Atom feed of recognition decisions: approvals, amendments and withdrawals.

Registries of other member states subscribe to it instead of polling the
catalogue. Each entry is one imvo:RecognitionDecision, identified by its IRI,
dated by its dcterms:issued, titled with the agreement's label and the outcome.
Built with ElementTree so every text is escaped as XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from imvokg.services.linked_data import LinkedDataService, pick_label
from imvokg.services.runner import QueryRunner

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 200


@dataclass(frozen=True)
class Decision:
    iri: str
    issued: str
    agreement: str | None
    outcome: str | None
    member_state: str | None


def atom_time(value: str) -> str:
    """An xsd:date or xsd:dateTime as an RFC 3339 timestamp."""
    value = value.strip()
    if len(value) == 10:
        return value + "T00:00:00Z"
    if value.endswith("Z") or "+" in value[10:] or value[10:].count("-"):
        return value
    return value + "Z"


class FeedService:
    """The decisions of the registry as Atom, named with the labels linked data gives them."""

    def __init__(self, runner: QueryRunner, linked_data: LinkedDataService) -> None:
        self.runner = runner
        self.linked_data = linked_data

    def decisions(self) -> list[Decision]:
        """Recognition decisions, newest first (ties by IRI, so the order is stable)."""
        rows = self.runner.select("recognition-feed").rows
        seen: dict[str, Decision] = {}
        for row in rows:
            iri = row["d"].value
            if iri in seen:
                continue
            seen[iri] = Decision(
                iri=iri,
                issued=row["issued"].value,
                agreement=row["agreement"].value if "agreement" in row else None,
                outcome=row["outcome"].value if "outcome" in row else None,
                member_state=row["ms"].value if "ms" in row else None,
            )
        return list(seen.values())

    def atom_feed(self, *, feed_id: str, self_url: str, alternate_url: str, fallback_updated: str) -> bytes:
        """The feed document; valid (with id, title, updated, author) even when there is no decision."""
        found = self.decisions()
        wanted = {d.agreement for d in found if d.agreement} | {d.outcome for d in found if d.outcome}
        labels = self.linked_data.labels_of(wanted)
        ET.register_namespace("", ATOM)
        feed = ET.Element(f"{{{ATOM}}}feed")
        ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
        ET.SubElement(feed, f"{{{ATOM}}}title").text = "imvokg: recognition decisions"
        ET.SubElement(
            feed, f"{{{ATOM}}}subtitle"
        ).text = "Approvals, amendments and withdrawals of recognitions of sector agreements, newest first."
        ET.SubElement(feed, f"{{{ATOM}}}updated").text = (
            atom_time(found[0].issued) if found else fallback_updated
        )
        author = ET.SubElement(feed, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = "imvokg"
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=alternate_url)
        for decision in found:
            agreement = (
                pick_label(labels.get(decision.agreement or ""), "en") or decision.agreement or "agreement"
            )
            outcome = pick_label(labels.get(decision.outcome or ""), "en") or "decision"
            state = decision.member_state.rsplit("/", 1)[-1] if decision.member_state else None
            title = f"{agreement}: {outcome}" + (f" ({state})" if state else "")
            entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
            ET.SubElement(entry, f"{{{ATOM}}}id").text = decision.iri
            ET.SubElement(entry, f"{{{ATOM}}}title").text = title
            ET.SubElement(entry, f"{{{ATOM}}}updated").text = atom_time(decision.issued)
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=decision.iri)
            summary = f"Decision of {decision.issued[:10]} on {agreement}: {outcome}."
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
        document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
        return document
