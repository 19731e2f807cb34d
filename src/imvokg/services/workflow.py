"""Submit -> validate -> approve or reject -> publish, and later withdraw.

Pending submissions live in the journal (``<store parent>/submissions``),
never in the public store, so /sparql cannot show them. An approval writes
the agreement, its derived triples and the recognition decision (with PROV
and the validation report) into the public store in ONE ``replace_graphs``
call, which is one SPARQL update: after a crash the store has all of it or
none of it. The decision names its submission (``prov:wasDerivedFrom``), so a
journal that still says "pending" after a crash is reconciled from the store.

Decisions are serialised by the journal lock, and "not decided yet" is
checked inside the lock against both the journal and the public store (a
compare-and-set): two concurrent approvals give one decision and one 409.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from imvokg.errors import Conflict, Forbidden, InputError, NotFound, StoreError, ValidationFailed
from imvokg.integrity import IntegrityError, canonical_nquads, parse_statement
from imvokg.messages import N_
from imvokg.namespaces import ID, IMVO
from imvokg.profiles import Applied
from imvokg.rdfio import format_for_media_type, parse_untrusted
from imvokg.services import history
from imvokg.services.credentials import Principal
from imvokg.services.identifiers import agreement_iri, iso3, short
from imvokg.services.journal import Journal, Submission
from imvokg.services.profiles import ProfileService
from imvokg.services.publication import (
    DecisionDraft,
    agent_iri,
    data_graph_iri,
    decision_graph,
    decision_graph_iri,
    derived_graph_iri,
    submission_iri,
)
from imvokg.services.runner import QueryRunner
from imvokg.services.signing import Signer
from imvokg.store.base import Term
from imvokg.validation import ValidationReport, agreements_in, shared_ontology, validate_graph

POSITIVE = {"recognised", "conditionally-recognised"}
_DECISION_TERMS = (IMVO.recognises, IMVO.decisionOutcome, IMVO.decidedBy)


def parse_body(body: bytes, content_type: str | None) -> Graph:
    """The request body as a graph: 415 for an unknown type, 400 naming the line when malformed."""
    fmt = format_for_media_type(content_type or "")
    if not body.strip():
        raise InputError(N_("the body is empty; send an agreement as Turtle, JSON-LD, RDF/XML or N-Triples"))
    return parse_untrusted(body, fmt)


def validate_body(
    body: bytes, content_type: str | None, *, lang: str = "en", requirements: Applied | None = None
) -> ValidationReport:
    """Validate an agreement with the agreement profile (and the registry's requirements); stores nothing."""
    return validate_graph(
        parse_body(body, content_type), profile="agreement", lang=lang, requirements=requirements
    )


class WorkflowService:
    """Submissions and decisions for one public store."""

    def __init__(
        self,
        runner: QueryRunner,
        journal: Journal,
        *,
        read_only: bool = False,
        signer: Signer | None = None,
        four_eyes: bool = False,
        profiles: ProfileService | None = None,
        snapshots: history.Snapshots | None = None,
    ) -> None:
        self.four_eyes = four_eyes
        """An approval needs two different supervisors of the member state (``IMVOKG_FOUR_EYES``)."""
        self.runner = runner
        self.store = runner.store
        self.journal = journal
        self.read_only = read_only
        self.signer = signer
        """Signs what approvals and withdrawals publish (None: published unsigned)."""
        self.profiles = profiles
        """The requirement profile submissions are checked against (None: the EU minimum, unnamed)."""
        self.snapshots = snapshots
        """Where every write leaves a snapshot of the registry (None: no history of states)."""

    # -- submit --------------------------------------------------------------
    def submit(
        self,
        principal: Principal,
        body: bytes,
        content_type: str | None,
        *,
        member_state: str | None = None,
        replaces: str | None = None,
        lang: str = "en",
        idempotency_key: str | None = None,
    ) -> tuple[Submission, ValidationReport]:
        """Validate and keep as pending; 422 (nothing stored) when it does not conform.

        With an ``idempotency_key`` (a form sent twice, a retried request) the second
        call with the same key by the same person answers with the first submission.
        ``replaces`` names the current version of a published agreement: the submission is an
        amendment, and its approval publishes the next version.
        """
        principal.require_role("submitter")
        self._writable()
        if idempotency_key is not None and not _IDEMPOTENCY.match(idempotency_key):
            raise InputError(N_("an idempotency key is 8-100 letters, digits, '-' or '_'"))
        earlier = self._replayed(principal, idempotency_key)
        if earlier is not None:
            return earlier
        data = parse_body(body, content_type)
        _refuse_decisions(data)
        _signable(data)
        agreements = agreements_in(data, shared_ontology().graph)
        if not agreements:
            raise InputError(
                N_(
                    "the body describes no sector agreement (a resource typed "
                    "imvo:SectorAgreement or a subclass such as imvo:IrbcAgreement)"
                )
            )
        if len(agreements) > 1:
            raise InputError(
                f"one agreement per submission; the body describes {len(agreements)}: "
                + ", ".join(short(str(a)) for a in agreements)
            )
        agreement = agreements[0]
        requirements = self.profiles.current_applied() if self.profiles is not None else None
        report = validate_graph(data, profile="agreement", lang=lang, requirements=requirements)
        if not report.conforms:
            raise ValidationFailed(
                N_(
                    "the agreement does not meet the minimum requirements "
                    "(violations: %(violations)s); nothing was stored"
                ),
                violations=len(report.violations),
                report=report,
            )
        state = self._member_state(data, agreement, member_state)
        replaced = self._replaced_version(str(agreement), replaces)
        label = _label(data, agreement, lang)
        record = Submission(
            id=secrets.token_hex(8),
            status="pending",
            agreement=str(agreement),
            agreement_label=label,
            member_state=state,
            submitted_by=principal.user,
            submitted_at=_now(),
            conforms=True,
            violations=0,
            warnings=len(report.warnings),
            submitted_by_organisation=principal.organisation,
            idempotency_key=idempotency_key,
            profile=requirements.profile.iri if requirements is not None else None,
            replaces=replaced,
        )
        with self.journal.lock():
            earlier = self._replayed(principal, idempotency_key)
            if earlier is not None:
                return earlier
            self.journal.add(record, data.serialize(format="nt", encoding="utf-8"), report.to_turtle())
        return record, report

    def _replayed(self, principal: Principal, key: str | None) -> tuple[Submission, ValidationReport] | None:
        """The submission this person already made with this idempotency key, with its report again."""
        if key is None:
            return None
        for record in self.journal.all():
            if record.idempotency_key == key and record.submitted_by == principal.user:
                data = Graph().parse(data=self.journal.data(record.id), format="nt")
                applied = self.profiles.current_applied() if self.profiles is not None else None
                return record, validate_graph(data, profile="agreement", requirements=applied)
        return None

    # -- read ----------------------------------------------------------------
    def get(self, principal: Principal, submission_id: str) -> Submission:
        record = self._reconciled(self.journal.get(submission_id))
        if not _may_see(principal, record):
            # the same answer as for an unknown id: ids are not an oracle
            raise NotFound(N_("there is no submission '%(submission_id)s'"), submission_id=submission_id)
        return record

    def list(self, principal: Principal, *, status: str | None = None) -> list[Submission]:
        """Submitters see their own submissions, supervisors those for their member state."""
        out = []
        for record in self.journal.all():
            record = self._reconciled(record)
            if _may_see(principal, record) and (status is None or record.status == status):
                out.append(record)
        return out

    # -- decide --------------------------------------------------------------
    def approve(self, principal: Principal, submission_id: str, draft: DecisionDraft) -> dict[str, Any]:
        """Publish the agreement and the recognition decision in one store write.

        Under the four-eyes rule the first approval is recorded and nothing is published;
        a second, different supervisor of the same member state publishes it.
        """
        record = self.journal.get(submission_id)
        principal.require_supervisor_of(record.member_state)
        _not_own_organisation(principal, record)
        self._writable()
        with self.journal.lock():
            record = self._decidable(submission_id)
            if self.four_eyes:
                first = record.first_approval
                if first is None:
                    record = self.journal.update(
                        record, first_approval={"by": principal.user, "at": _now(), "reason": draft.reason}
                    )
                    return {
                        "submission": record.to_dict(),
                        "decision": None,
                        "agreement": record.agreement,
                        "approvals_needed": 1,
                    }
                if first.get("by") == principal.user:
                    raise Conflict(
                        N_(
                            "the four-eyes rule: %(user)s approved this already; "
                            "a second supervisor of %(state)s must approve it"
                        ),
                        user=principal.user,
                        state=record.member_state,
                    )
            before = self._current_versions(record)
            data = Graph().parse(data=self.journal.data(submission_id), format="nt")
            report_turtle = self.journal.report(submission_id)
            decision = ID[f"decision/recognition-{submission_id}"]
            published = self.journal.stamp()
            self._ensure_snapshot(published)
            number = before[-1].number + 1 if before else 1
            version = history.Version(
                number=number,
                iri=history.version_iri(record.agreement, number),
                published=published.isoformat(),
                submission=str(submission_iri(submission_id)),
                approved_by=str(agent_iri(principal.user)).rsplit("/", 1)[-1],
                replaces=record.replaces,
            )
            decision_rdf = decision_graph(
                decision=decision,
                agreement=URIRef(record.agreement),
                agreement_label=record.agreement_label,
                outcome="recognised",
                draft=draft,
                principal=principal,
                activity_name=f"approval-{submission_id}",
                submission_id=submission_id,
                report_turtle=report_turtle,
                published=published,
                profile=record.profile or self._profile(),
            )
            # the decision names the exact version it was about
            decision_rdf.add((ID[f"activity/approval-{submission_id}"], PROV.used, URIRef(version.iri)))
            self._check_decision(data, decision_rdf)
            from imvokg.derive import derived_triples

            ontology = shared_ontology()
            earlier = self._earlier_decisions(record.agreement) if before else Graph()
            derived = derived_triples(data + decision_rdf + earlier, ontology)
            for triple in earlier:
                derived.remove(triple)
            statements = {
                data_graph_iri(submission_id): _nt(data),
                decision_graph_iri(f"recognition-{submission_id}"): _nt(decision_rdf),
            }
            superseded: dict[str, bytes] = {}
            if before:  # the store holds the current version only: the replaced one leaves it
                superseded = {
                    data_graph_iri(before[-1].submission_id): b"",
                    derived_graph_iri(before[-1].submission_id): b"",
                }
            event_iri, event = history.event_graph(
                kind="amendment" if before else "approval",
                moment=published,
                actor=agent_iri(principal.user),
                label=f"{'Amendment' if before else 'Approval'} of {short(record.agreement)}, v{number}",
                subject=record.agreement,
                used=[submission_iri(submission_id)],
                generated=[URIRef(version.iri), decision],
            )
            self.runner.write(
                {
                    **superseded,
                    **statements,
                    **self._proofs(statements),
                    derived_graph_iri(submission_id): _nt(derived),
                    history.versions_graph_iri(record.agreement): _nt(
                        history.versions_graph(record.agreement, [*before, version])
                    ),
                    event_iri: _nt(event),
                }
            )
            self._snapshot(published)
            record = self.journal.update(
                record,
                status="approved",
                decided_by=principal.user,
                decided_at=_now(),
                decision=str(decision),
                reason=draft.reason,
            )
        return {
            "submission": record.to_dict(),
            "decision": str(decision),
            "agreement": record.agreement,
            "approvals_needed": 0,
            "version": version.iri,
        }

    def reject(self, principal: Principal, submission_id: str, reason: str | None) -> Submission:
        """Close a submission without publishing anything."""
        record = self.journal.get(submission_id)
        principal.require_supervisor_of(record.member_state)
        _not_own_organisation(principal, record)
        self._writable()
        if reason is not None and len(reason) > 2000:
            raise InputError(N_("reason is text of at most 2000 characters"))
        with self.journal.lock():
            record = self._decidable(submission_id)
            # a rejection publishes nothing: its event is the journal's record (the history lists it)
            return self.journal.update(
                record, status="rejected", decided_by=principal.user, decided_at=_now(), reason=reason
            )

    def withdraw(self, principal: Principal, slug: str, draft: DecisionDraft) -> dict[str, Any]:
        """A new decision with outcome withdrawn; the recognition stays on record."""
        principal.require_role("supervisor")
        self._writable()
        agreement = agreement_iri(slug)
        if not self._published(agreement.value):
            raise NotFound(N_("there is no agreement '%(slug)s'"), slug=slug)
        state = principal.member_state or ""
        with self.journal.lock():
            active = self._active_recognition(agreement, state)
            if active is None:
                raise Conflict(
                    N_("%(value)s has no recognition by %(state)s to withdraw"),
                    value=short(agreement.value),
                    state=state,
                )
            if active.get("valid_from") and draft.valid_from.isoformat() <= str(active["valid_from"]):
                raise InputError(
                    N_("the withdrawal must take effect after the recognition did (%(active)s)"),
                    active=active["valid_from"],
                )
            token = secrets.token_hex(6)
            decision = ID[f"decision/withdrawal-{token}"]
            label = self._label_in_store(agreement)
            decision_rdf = decision_graph(
                decision=decision,
                agreement=URIRef(agreement.value),
                agreement_label=label,
                outcome="withdrawn",
                draft=draft,
                principal=principal,
                activity_name=f"withdrawal-{token}",
                published=(moment := self.journal.stamp()),
                profile=self._profile(),
            )
            self._ensure_snapshot(moment)
            statements = {decision_graph_iri(f"withdrawal-{token}"): _nt(decision_rdf)}
            event_iri, event = history.event_graph(
                kind="withdrawal",
                moment=moment,
                actor=agent_iri(principal.user),
                label=f"Withdrawal of the recognition of {short(agreement.value)} ({state})",
                subject=agreement.value,
                generated=[decision],
            )
            self.runner.write({**statements, **self._proofs(statements), event_iri: _nt(event)})
            self._snapshot(moment)
        return {"decision": str(decision), "agreement": agreement.value, "withdraws": active["decision"]}

    def adopt(
        self,
        principal: Principal,
        peer: dict[str, Any],
        peer_decision: str,
        *,
        adopt: bool,
        draft: DecisionDraft,
    ) -> dict[str, Any]:
        """Mutual recognition: take over (or decline) another member state's decision, signed.

        ``peer`` is the harvested decision as ``NetworkService.peer_decision`` found it, with the
        verification of its proof made just now: only a verified recognition can be adopted.
        """
        principal.require_role("supervisor")
        self._writable()
        own = principal.member_state or ""
        if peer["state"].rsplit("/", 1)[-1] == own:
            raise InputError(
                "that decision is your own member state's; adoption is for another state's decisions"
            )
        if adopt and peer["verification"] != "valid":
            raise Conflict(f"the other state's decision does not verify ({peer['verification']}: "
                           f"{peer['verification_reason']}); it cannot be adopted")  # fmt: skip
        if adopt and peer.get("outcome", "").rsplit("/", 1)[-1] not in POSITIVE:
            raise InputError(
                "only a recognition can be adopted; this decision did not recognise the initiative"
            )
        kind = "adoption" if adopt else "declination"
        with self.journal.lock():
            token = secrets.token_hex(6)
            decision = ID[f"decision/{kind}-{token}"]
            decision_rdf = decision_graph(
                decision=decision,
                agreement=URIRef(peer["agreement"]),
                agreement_label=self._label_in_store(Term.iri(peer["agreement"])),
                outcome="recognised" if adopt else "refused",
                draft=draft,
                principal=principal,
                activity_name=f"{kind}-{token}",
                published=(moment := self.journal.stamp()),
                profile=self._profile(),
            )
            self._ensure_snapshot(moment)
            decision_rdf.add((decision, IMVO.adopts if adopt else IMVO.declines, URIRef(peer_decision)))
            if peer.get("proof"):
                decision_rdf.add((decision, IMVO.checkedProof, URIRef(peer["proof"])))
            statements = {decision_graph_iri(f"{kind}-{token}"): _nt(decision_rdf)}
            event_iri, event = history.event_graph(
                kind=kind,
                moment=moment,
                actor=agent_iri(principal.user),
                label=f"{kind.capitalize()} of {short(peer_decision)}",
                subject=peer["agreement"],
                used=[URIRef(peer_decision)],
                generated=[decision],
            )
            self.runner.write({**statements, **self._proofs(statements), event_iri: _nt(event)})
            self._snapshot(moment)
        return {
            "decision": str(decision),
            "agreement": peer["agreement"],
            ("adopts" if adopt else "declines"): peer_decision,
        }

    def catch_up(self) -> None:
        """At start: a snapshot of the current state if a crash cut the last write's short."""
        if self.snapshots is None or self.read_only:
            return
        with self.journal.lock():
            self._ensure_snapshot(datetime.now(UTC))

    # -- internals -----------------------------------------------------------
    def _profile(self) -> str | None:
        """The IRI of the profile version in force here today, which a new decision names."""
        return self.profiles.current().iri if self.profiles is not None else None

    def _replaced_version(self, agreement: str, replaces: str | None) -> str | None:
        """The version IRI an amendment replaces, checked against the store; None for a new agreement."""
        if replaces is None:
            if self._published(agreement):
                raise Conflict(
                    N_(
                        "the agreement %(short)s is already in the public graph; "
                        "a submission publishes a new agreement"
                    ),
                    short=short(agreement),
                )
            return None
        number = history.version_number(agreement, replaces)
        found = history.versions(self.runner, agreement)
        if not found:
            raise Conflict(
                N_(
                    "%(value)s has no versions published through the workflow "
                    "(curated agreements change with a build); nothing to amend"
                ),
                value=short(agreement),
            )
        if number != found[-1].number:
            raise Conflict(
                N_(
                    "version %(number)s of %(value)s is not the current one; "
                    "the current version is %(current)s"
                ),
                number=number,
                value=short(agreement),
                current=found[-1].iri,
            )
        return found[-1].iri

    def _current_versions(self, record: Submission) -> tuple[history.Version, ...]:
        """Inside the lock: the versions so far; 409 if the store moved on since the submission."""
        if record.replaces is None:
            if self._published(record.agreement):
                raise Conflict(
                    N_("the agreement %(agreement)s was published meanwhile"),
                    agreement=short(record.agreement),
                )
            return ()
        found = tuple(history.versions(self.runner, record.agreement))
        if not found or found[-1].iri != record.replaces:
            raise Conflict(
                N_(
                    "version %(number)s of %(value)s is not the current one; "
                    "the current version is %(current)s"
                ),
                number=record.replaces.rsplit("/", 1)[-1],
                value=short(record.agreement),
                current=found[-1].iri if found else "-",
            )
        return found

    def _earlier_decisions(self, agreement: str) -> Graph:
        """The decisions already published about ``agreement`` (what derivation saw before)."""
        out = Graph()
        for row in self.runner.select("recognitions", {"agreement": Term.iri(agreement)}):
            graph = decision_graph_iri(short(row["decision"].value))
            out.parse(
                data=self.runner.construct_named("graph-statements", {"g": Term.iri(graph)}), format="nt"
            )
        return out

    def _ensure_snapshot(self, moment: datetime) -> None:
        """Before a write: the state it changes has its snapshot (a crash may have cut one short)."""
        if self.snapshots is not None:
            latest = history.latest_event_time(self.runner)
            self.snapshots.ensure(self.store, latest or moment - timedelta(microseconds=1))

    def _snapshot(self, moment: datetime) -> None:
        if self.snapshots is not None:
            self.snapshots.take(self.store, moment)

    def _proofs(self, statements: dict[str, bytes]) -> dict[str, bytes]:
        """The authority's proof of each graph, published in the same write as the graph."""
        return self.signer.proofs_for(statements) if self.signer is not None else {}

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(N_("this server opened its store read-only; submissions and decisions are off"))

    def _decidable(self, submission_id: str) -> Submission:
        """Inside the lock: the record, re-read and reconciled, still pending; else 409."""
        record = self._reconciled(self.journal.get(submission_id))
        if record.status != "pending":
            raise Conflict(
                N_("submission %(submission_id)s was already decided: %(status)s"),
                submission_id=submission_id,
                status=record.status,
            )
        return record

    def _reconciled(self, record: Submission) -> Submission:
        """A pending record whose decision is in the public store was approved (crash after publish)."""
        if record.status != "pending":
            return record
        rows = self.runner.select(
            "submission-decision", {"submission": Term.iri(str(submission_iri(record.id)))}
        )
        if not len(rows):
            return record
        row = rows.rows[0]
        with self.journal.lock():
            current = self.journal.get(record.id)
            if current.status != "pending":
                return current
            return self.journal.update(
                current,
                status="approved",
                decision=row["decision"].value,
                decided_at=row["time"].value if "time" in row else None,
                reason="reconciled from the public store after a restart",
            )

    def is_published(self, iri: str) -> bool:
        """The resource is described in the public graph."""
        return self._published(iri)

    def _published(self, iri: str) -> bool:
        return self.runner.ask_named("resource-described", {"iri": Term.iri(iri)})

    def _member_state(self, data: Graph, agreement: URIRef, asked: str | None) -> str:
        if asked:
            return iso3(asked)
        country = data.value(agreement, IMVO.country)
        if country is not None:
            try:
                return iso3(str(country).rsplit("/", 1)[-1])
            except InputError:
                pass
        raise InputError(
            N_(
                "name the member state the submission is for: ?member_state=NL "
                "(the agreement's imvo:country is not an EU member state)"
            )
        )

    def _check_decision(self, data: Graph, decision_rdf: Graph) -> None:
        """The decision must pass the recognition-decision shapes with the agreement it recognises."""
        report = validate_graph(data + decision_rdf, profile="curated")
        if not report.conforms:
            raise ValidationFailed(
                N_(
                    "the decision would not conform to the recognition-decision shapes; nothing was published"
                ),
                report=report,
            )

    def _active_recognition(self, agreement: Term, state: str) -> dict[str, Any] | None:
        """The latest positive decision of ``state`` not followed by a withdrawal, or None."""
        from imvokg.services.identifiers import country_iri

        rows = self.runner.select(
            "recognitions", {"agreement": agreement, "member_state": country_iri(state)}
        )
        decisions = [
            {
                "decision": row["decision"].value,
                "outcome": short(row["outcome"].value),
                "valid_from": row["valid_from"].value if "valid_from" in row else "",
            }
            for row in rows
        ]
        withdrawals = [d["valid_from"] for d in decisions if d["outcome"] == "withdrawn"]
        positive = sorted(
            (d for d in decisions if d["outcome"] in POSITIVE), key=lambda d: d["valid_from"], reverse=True
        )
        for candidate in positive:
            if not any(w > candidate["valid_from"] for w in withdrawals):
                return candidate
        return None

    def _label_in_store(self, agreement: Term) -> str | None:
        rows = self.runner.select("english-label", {"a": agreement})
        return rows.rows[0]["label"].value if len(rows) else None


_IDEMPOTENCY = re.compile(r"^[A-Za-z0-9_-]{8,100}$")


def _not_own_organisation(principal: Principal, record: Submission) -> None:
    """Nobody decides on a submission made by their own organisation (a conflict of interest)."""
    if principal.organisation and principal.organisation == record.submitted_by_organisation:
        raise Forbidden(
            N_("%(user)s works for %(organisation)s, which made this submission; another supervisor decides"),
            user=principal.user,
            organisation=principal.organisation,
        )


def _signable(data: Graph) -> None:
    """Refuse now what an approval could not sign, instead of keeping it pending for ever.

    Approving signs the submitted graph, canonicalized with RDFC-1.0 within a work limit; blank
    nodes that look alike (a chain of nested lists) can exceed it, and the approval would then
    fail with every other check passed.
    """
    try:
        canonical_nquads(parse_statement(data.serialize(format="nt", encoding="utf-8")))
    except IntegrityError as exc:
        raise InputError(exc.msgid, **exc.context) from None


def _refuse_decisions(data: Graph) -> None:
    """A submitter may not smuggle a recognition decision into the public graph."""
    if (None, RDF.type, IMVO.RecognitionDecision) in data or any(
        (None, p, None) in data for p in _DECISION_TERMS
    ):
        raise InputError(N_("a submission may not contain recognition decisions; supervisors record those"))


def _may_see(principal: Principal, record: Submission) -> bool:
    if principal.role == "supervisor":
        return record.member_state == principal.member_state
    return record.submitted_by == principal.user


def _label(data: Graph, subject: URIRef, lang: str) -> str | None:
    labels = [o for o in data.objects(subject, RDFS.label)]
    for wanted in (lang, "en"):
        for label in labels:
            if getattr(label, "language", None) == wanted:
                return str(label)
    return str(labels[0]) if labels else None


def _nt(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
