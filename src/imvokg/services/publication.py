"""What an approval or a withdrawal writes into the public graph, as RDF.

Pure functions from a submission, a decision draft and the deciding
supervisor to named graphs; the workflow writes them in one transaction. A
decision carries its provenance (PROV: who, when, which activity, from which
submission and validation report) and always states ``no-safe-harbour``.

The derived triples the build would add (type closure, salience, coverage)
come from ``imvokg.derive``, the build's own materialisation, so a published
agreement answers the same questions as a curated one. HermiT does not run
per approval (design: reason once, at build time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, XSD

from imvokg.errors import InputError
from imvokg.messages import N_
from imvokg.namespaces import COUNTRY, GRAPH, ID, IMVO, SCHEME
from imvokg.services.credentials import Principal

OUTCOME = Namespace(SCHEME["decision-outcome/"])
EFFECT = Namespace(SCHEME["legal-effect/"])
REGIME = Namespace(SCHEME["supervision-regime/"])
REGIMES = ("risk-based-lighter", "regular")


@dataclass(frozen=True)
class DecisionDraft:
    """The supervisor's choices; every field has a default a new user wants."""

    issued: date
    valid_from: date
    valid_until: date | None = None
    supervision_regime: str = "risk-based-lighter"
    reason: str | None = None

    @classmethod
    def from_json(
        cls, body: dict[str, Any] | None, *, regime_default: str = "risk-based-lighter"
    ) -> DecisionDraft:
        """Read a draft from a request body; unknown fields and bad dates are refused."""
        body = body or {}
        if not isinstance(body, dict):
            raise InputError(N_("the decision draft is a JSON object"))
        known = {"issued", "valid_from", "valid_until", "supervision_regime", "reason"}
        unknown = sorted(set(body) - known)
        if unknown:
            raise InputError(
                N_("unknown field(s) %(unknown)s; a draft has %(items)s"),
                unknown=", ".join(unknown),
                items=", ".join(sorted(known)),
            )
        today = datetime.now(UTC).date()
        issued = _date(body, "issued") or today
        valid_from = _date(body, "valid_from") or today
        valid_until = _date(body, "valid_until")
        if valid_until is not None and valid_until <= valid_from:
            raise InputError(N_("valid_until must be after valid_from"))
        regime = body.get("supervision_regime") or regime_default
        if regime not in REGIMES:
            raise InputError(N_("supervision_regime is one of %(regimes)s"), regimes=", ".join(REGIMES))
        reason = body.get("reason")
        if reason is not None and (not isinstance(reason, str) or len(reason) > 2000):
            raise InputError(N_("reason is text of at most 2000 characters"))
        return cls(issued, valid_from, valid_until, regime, reason)


def _date(body: dict[str, Any], name: str) -> date | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(N_("%(name)s must be a date as YYYY-MM-DD"), name=name) from None


def submission_iri(submission_id: str) -> URIRef:
    return ID[f"submission/{submission_id}"]


def data_graph_iri(submission_id: str) -> str:
    return str(GRAPH[f"submission-{submission_id}"])


def derived_graph_iri(submission_id: str) -> str:
    return str(GRAPH[f"submission-{submission_id}-inferred"])


def decision_graph_iri(decision_slug: str) -> str:
    return str(GRAPH[f"decision-{decision_slug}"])


def agent_iri(user: str) -> URIRef:
    return ID[f"agent/{user.replace('.', '-').replace('_', '-')}"]


def minted_authority(member_state: str) -> URIRef:
    return ID[f"party/supervisory-authority-{member_state.lower()}"]


def authority_triples(principal: Principal) -> tuple[URIRef, Graph]:
    """The deciding authority: the configured party, or one minted for the member state."""
    graph = Graph()
    if principal.authority:
        return URIRef(principal.authority), graph
    state = principal.member_state or ""
    authority = minted_authority(state)
    graph.add((authority, RDF.type, IMVO.SupervisoryAuthority))
    graph.add((authority, RDFS.label, Literal(f"Supervisory authority ({state})", lang="en")))
    graph.add((authority, RDFS.label, Literal(f"Toezichthouder ({state})", lang="nl")))
    graph.add((authority, IMVO.country, COUNTRY[state]))
    graph.add((authority, DCTERMS.source, ID[f"source/api-key-{state.lower()}"]))
    graph.add((ID[f"source/api-key-{state.lower()}"], RDF.type, DCTERMS.BibliographicResource))
    graph.add(
        (
            ID[f"source/api-key-{state.lower()}"],
            DCTERMS.title,
            Literal(f"Supervisor credentials configured for {state}", lang="en"),
        )
    )
    return authority, graph


def decision_graph(
    *,
    decision: URIRef,
    agreement: URIRef,
    agreement_label: str | None,
    outcome: str,
    draft: DecisionDraft,
    principal: Principal,
    activity_name: str,
    submission_id: str | None = None,
    report_turtle: str | None = None,
    published: datetime | None = None,
    profile: str | None = None,
) -> Graph:
    """A recognition decision (or withdrawal) with PROV provenance, ready to publish.

    ``published`` is the moment of publication (the journal's stamp: strictly increasing, the
    event stream's order); without one, now. ``profile`` is the IRI of the requirement profile
    version the decision was taken under (``imvo:underProfile``), signed and streamed with it.
    """
    state = principal.member_state or ""
    now = Literal(published or datetime.now(UTC), datatype=XSD.dateTime)
    authority, graph = authority_triples(principal)
    agent = agent_iri(principal.user)
    activity = ID[f"activity/{activity_name}"]
    name = agreement_label or str(agreement).rsplit("/", 1)[-1]
    words = {
        "recognised": ("Recognition of", "Erkenning van"),
        "withdrawn": ("Withdrawal of the recognition of", "Intrekking van de erkenning van"),
        "refused": ("Refusal to recognise", "Weigering tot erkenning van"),
    }[outcome]

    graph.add((decision, RDF.type, IMVO.RecognitionDecision))
    graph.add((decision, RDF.type, PROV.Entity))
    graph.add((decision, RDFS.label, Literal(f"{words[0]} {name} ({state})", lang="en")))
    graph.add((decision, RDFS.label, Literal(f"{words[1]} {name} ({state})", lang="nl")))
    graph.add((decision, IMVO.recognises, agreement))
    graph.add((decision, IMVO.decidedBy, authority))
    if not principal.authority:
        graph.add((decision, IMVO.supervisedBy, authority))
    graph.add((decision, IMVO.memberState, COUNTRY[state]))
    graph.add((decision, DCTERMS.issued, Literal(draft.issued.isoformat(), datatype=XSD.date)))
    graph.add((decision, IMVO.validFrom, Literal(draft.valid_from.isoformat(), datatype=XSD.date)))
    if draft.valid_until is not None:
        graph.add((decision, IMVO.validUntil, Literal(draft.valid_until.isoformat(), datatype=XSD.date)))
    graph.add((decision, IMVO.decisionOutcome, OUTCOME[outcome]))
    graph.add((decision, IMVO.supervisionRegime, REGIME[draft.supervision_regime]))
    graph.add((decision, IMVO.legalEffect, EFFECT["no-safe-harbour"]))
    if outcome == "recognised":
        graph.add((decision, IMVO.legalEffect, EFFECT["lighter-supervision"]))
    if draft.reason:
        graph.add((decision, RDFS.comment, Literal(draft.reason)))
    if profile is not None:
        graph.add((decision, IMVO.underProfile, URIRef(profile)))

    # provenance: who, when, in which activity, from what
    graph.add((decision, PROV.wasAttributedTo, agent))
    graph.add((decision, PROV.generatedAtTime, now))
    graph.add((decision, PROV.wasGeneratedBy, activity))
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, RDFS.label, Literal(principal.user)))
    graph.add((agent, PROV.actedOnBehalfOf, authority))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, PROV.wasAssociatedWith, agent))
    graph.add((activity, PROV.endedAtTime, now))
    if submission_id is not None:
        submission = submission_iri(submission_id)
        # the marker a restart reconciles on: this decision came from this submission
        graph.add((decision, PROV.wasDerivedFrom, submission))
        graph.add((decision, DCTERMS.source, submission))
        graph.add((activity, PROV.used, submission))
        graph.add((submission, RDF.type, PROV.Entity))
        graph.add((submission, RDF.type, DCTERMS.BibliographicResource))
        graph.add((submission, DCTERMS.title, Literal(f"Submission {submission_id}", lang="en")))
        graph.add((submission, DCTERMS.identifier, Literal(submission_id)))
    else:
        graph.add((decision, DCTERMS.source, activity))
    if report_turtle is not None and submission_id is not None:
        report = ID[f"validation-report/{submission_id}"]
        graph.add((decision, IMVO.basedOnReport, report))
        graph.add((activity, PROV.used, report))
        graph.add((report, PROV.wasDerivedFrom, submission_iri(submission_id)))
        _add_report(graph, report, report_turtle)
    return graph


def _add_report(graph: Graph, report: URIRef, report_turtle: str) -> None:
    """Copy the stored sh:ValidationReport under a minted IRI (its results stay blank nodes)."""
    raw = Graph().parse(data=report_turtle, format="turtle")
    roots = set(raw.subjects(RDF.type, SH.ValidationReport))
    for s, p, o in raw:
        subject = report if s in roots else s
        obj = report if o in roots else o
        if isinstance(subject, BNode | URIRef):
            graph.add((subject, p, obj))
    if not roots:
        graph.add((report, RDF.type, SH.ValidationReport))
