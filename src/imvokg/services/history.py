"""The registry's history: agreement versions, events, diffs, and the registry as of any moment.

See docs/HISTORY.md for the design. In short:

* **Versions.** Each agreement published through the workflow has a small graph
  ``graph/versions-{slug}`` listing its versions (``/id/agreement/{slug}/v/{n}``), each
  with the submission it came from, its publication time and the version it replaces.
  The public store holds only the *current* version's statements (an amendment replaces
  the data graph of the version it supersedes, in the same single update that adds the
  new one), so current answers cost what they cost before. Every version's statements
  stay in the journal (the approved submission's N-Triples), which is where a diff
  reads them from.
* **Events.** Every write adds a ``graph/event-{token}`` with one ``prov:Activity``
  (``dcterms:type`` the kind of change, time, actor, what it used and generated), in
  the same update as the change itself: an event exists exactly when its change does.
* **As of.** After every write the registry takes a snapshot of the whole store
  (:class:`Snapshots`): a RocksDB checkpoint for the embedded store (hard links to the
  immutable files, so a snapshot costs about the size of what changed), an N-Quads
  dump for any other store. ``as_of`` answers run the same services on the snapshot
  in force at that moment, so they are byte for byte the answers given then.

This module is the one home of the diff (:func:`diff_versions`), which the command line
and the web layer both call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from imvokg.errors import InputError, NotFound
from imvokg.messages import N_, say
from imvokg.namespaces import BASE, GRAPH, ID, IMVO
from imvokg.queries import DATE_PATTERN
from imvokg.services.linked_data import LinkedDataService
from imvokg.services.runner import QueryRunner
from imvokg.snapshots import EVENT_KINDS, Snapshot, Snapshots, event_graph, event_graph_iri
from imvokg.store.base import Term

__all__ = ["EVENT_KINDS", "Snapshot", "Snapshots", "event_graph", "event_graph_iri"]

GROUPS = ("agreement", "parties", "risks", "commitments", "mechanisms")
"""How a diff is grouped: what a person reads an agreement by."""
GROUP_NAMES = {
    "agreement": N_("Agreement"),
    "parties": N_("Parties"),
    "risks": N_("Risks"),
    "commitments": N_("Commitments"),
    "mechanisms": N_("Mechanisms"),
}
"""The groups as a person reads them (the JSON keeps the keys)."""

_VERSION_PATH = re.compile(r"^(?:.*/)?v/([1-9][0-9]{0,5})$")


# -- names ---------------------------------------------------------------------
def version_iri(agreement: str, number: int) -> str:
    """``/id/agreement/{slug}/v/{n}``: the IRI of one version of an agreement."""
    return f"{agreement}/v/{number}"


def versions_graph_iri(agreement: str) -> str:
    return str(GRAPH[f"versions-{agreement.rsplit('/', 1)[-1]}"])


def version_number(agreement: str, asked: str) -> int:
    """The version a submission names (``3``, ``v/3`` or the full version IRI) as a number."""
    text = asked.strip()
    if text.isdigit() and 0 < int(text) < 1_000_000:
        return int(text)
    if text.startswith(agreement + "/v/") or not text.startswith(BASE):
        match = _VERSION_PATH.match(text)
        if match:
            return int(match.group(1))
    raise InputError(
        N_("replaces names a version of %(agreement)s: a number or %(example)s"),
        agreement=agreement.rsplit("/", 1)[-1],
        example=version_iri(agreement, 1),
    )


# -- versions ------------------------------------------------------------------
@dataclass(frozen=True)
class Version:
    """One published version of an agreement."""

    number: int
    iri: str
    published: str
    submission: str
    approved_by: str | None
    replaces: str | None

    @property
    def submission_id(self) -> str:
        return self.submission.rsplit("/", 1)[-1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.number,
            "iri": self.iri,
            "published": self.published,
            "submission": self.submission_id,
            "approved_by": self.approved_by,
            "replaces": self.replaces,
        }


def versions(runner: QueryRunner, agreement: str) -> list[Version]:
    """The versions of ``agreement``, oldest first (empty if it has none on record)."""
    rows = runner.select("agreement-versions", {"agreement": Term.iri(agreement)})
    found = [
        Version(
            number=int(row["number"].value),
            iri=row["version"].value,
            published=row["time"].value,
            submission=row["submission"].value,
            approved_by=row["agent"].value.rsplit("/", 1)[-1] if "agent" in row else None,
            replaces=row["replaces"].value if "replaces" in row else None,
        )
        for row in rows
    ]
    return sorted(found, key=lambda v: v.number)


def versions_graph(agreement: str, all_versions: Iterable[Version]) -> Graph:
    """The ``graph/versions-{slug}`` of an agreement: every version and how they follow each other."""
    graph = Graph()
    subject = URIRef(agreement)
    for version in all_versions:
        node = URIRef(version.iri)
        submission = URIRef(version.submission)
        graph.add((subject, DCTERMS.hasVersion, node))
        graph.add((node, RDF.type, PROV.Entity))
        graph.add((node, DCTERMS.isVersionOf, subject))
        graph.add((node, DCTERMS.identifier, Literal(str(version.number))))
        graph.add(
            (
                node,
                RDFS.label,
                Literal(f"{agreement.rsplit('/', 1)[-1]}, version {version.number}", lang="en"),
            )
        )
        graph.add((node, PROV.generatedAtTime, Literal(version.published, datatype=XSD.dateTime)))
        graph.add((node, PROV.wasDerivedFrom, submission))
        graph.add((node, DCTERMS.source, submission))
        if version.approved_by:
            graph.add((node, PROV.wasAttributedTo, ID[f"agent/{version.approved_by}"]))
        if version.replaces:
            graph.add((node, PROV.wasRevisionOf, URIRef(version.replaces)))
            graph.add((node, DCTERMS.replaces, URIRef(version.replaces)))
            graph.add((URIRef(version.replaces), DCTERMS.isReplacedBy, node))
    return graph


def events(runner: QueryRunner, agreement: str | None = None) -> list[dict[str, Any]]:
    """Recorded events, newest first (one agreement's when ``agreement`` is given)."""
    bindings = {"agreement": Term.iri(agreement)} if agreement else {}
    out: dict[str, dict[str, Any]] = {}
    for row in runner.select("registry-events", bindings):
        entry = out.setdefault(
            row["event"].value,
            {
                "event": row["event"].value,
                "kind": row["kind"].value,
                "time": row["time"].value,
                "actor": row["actor"].value.rsplit("/", 1)[-1] if "actor" in row else None,
                "agreement": row["subject"].value.rsplit("/", 1)[-1] if "subject" in row else None,
                "version": None,
                "submission": None,
                "decision": None,
            },
        )
        if "version" in row:
            entry["version"] = row["version"].value
        if "decision" in row:
            entry["decision"] = row["decision"].value
        if "submission" in row and "/submission/" in row["submission"].value:
            entry["submission"] = row["submission"].value.rsplit("/", 1)[-1]
    return list(out.values())


def rejections(records: Iterable[Any], agreement: str) -> list[dict[str, Any]]:
    """Rejected amendments of ``agreement`` as events, from the journal's records.

    A rejection publishes nothing (the public store does not change), so its event is the
    journal's record of the decision.
    """
    return [
        {
            "event": None,
            "kind": "rejection",
            "time": r.decided_at,
            "actor": r.decided_by,
            "agreement": agreement.rsplit("/", 1)[-1],
            "version": None,
            "submission": r.id,
            "decision": None,
        }
        for r in records
        if r.status == "rejected" and r.agreement == agreement and r.replaces
    ]


# -- diff ----------------------------------------------------------------------
_PARTY_CLASSES = {IMVO.Membership}
_RISK_CLASSES = {IMVO.SectorRiskAssessment, IMVO.AssessedRisk, IMVO.RiskAssessment, IMVO.RiskTopic}
_COMMITMENT_CLASSES = {IMVO.Commitment}
_LINK_GROUPS: dict[Node, str] = {
    IMVO.hasCommitment: "commitments",
    IMVO.hasMechanism: "mechanisms",
    IMVO.hasRiskAssessment: "risks",
    IMVO.hasParty: "parties",
}


@dataclass
class Diff:
    """Statements added and removed between two versions, grouped by what they are about."""

    agreement: str
    older: int
    newer: int
    added: dict[str, list[str]] = field(default_factory=lambda: {g: [] for g in GROUPS})
    removed: dict[str, list[str]] = field(default_factory=lambda: {g: [] for g in GROUPS})

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.older,
            "to": self.newer,
            "groups": {
                group: {"added": self.added[group], "removed": self.removed[group]}
                for group in GROUPS
                if self.added[group] or self.removed[group]
            },
            "added": sum(len(v) for v in self.added.values()),
            "removed": sum(len(v) for v in self.removed.values()),
        }

    def text(self, lang: str = "en") -> str:
        """The diff as lines a person reads in a terminal: ``+``/``-`` N-Triples under each group."""
        lines = [f"# {self.agreement}: v{self.older} -> v{self.newer}"]
        for group in GROUPS:
            if not (self.added[group] or self.removed[group]):
                continue
            lines.append(f"## {say(lang, GROUP_NAMES[group])}")
            lines.extend(f"- {t}" for t in self.removed[group])
            lines.extend(f"+ {t}" for t in self.added[group])
        return "\n".join(lines) + "\n"


def _group_of(subject: Node, predicate: Node, both: Graph) -> str:
    if predicate in _LINK_GROUPS:
        return _LINK_GROUPS[predicate]
    if predicate in (ORG.member, ORG.organization, ORG.role):
        return "parties"
    types = set(both.objects(subject, RDF.type))
    if types & _PARTY_CLASSES or (None, ORG.member, subject) in both:
        return "parties"
    if types & _RISK_CLASSES:
        return "risks"
    if types & _COMMITMENT_CLASSES:
        return "commitments"
    if (None, IMVO.hasMechanism, subject) in both:
        return "mechanisms"
    if (None, IMVO.hasCommitment, subject) in both:
        return "commitments"
    if (None, IMVO.hasRiskAssessment, subject) in both or (None, IMVO.hasAssessedRisk, subject) in both:
        return "risks"
    return "agreement"


def diff_graphs(agreement: str, older: tuple[int, Graph], newer: tuple[int, Graph]) -> Diff:
    """What changed from ``older`` to ``newer`` (each a version number and its statements)."""
    old, new = older[1], newer[1]
    both = old + new
    result = Diff(agreement.rsplit("/", 1)[-1], older[0], newer[0])
    for target, graph, other in ((result.removed, old, new), (result.added, new, old)):
        for triple in graph:
            if triple in other:
                continue
            line = Graph()
            line.add(triple)
            target[_group_of(triple[0], triple[1], both)].append(
                line.serialize(format="nt", encoding="utf-8").decode().strip()
            )
    for group in GROUPS:
        result.added[group].sort()
        result.removed[group].sort()
    return result


def diff_versions(
    runner: QueryRunner, journal_data: Any, agreement: str, older: int | None = None, newer: int | None = None
) -> Diff:
    """The diff between two versions of ``agreement`` (default: the last two).

    ``journal_data`` is ``Journal.data``: the statements of every version are the approved
    submissions' N-Triples, which the journal keeps for good.
    """
    found = {v.number: v for v in versions(runner, agreement)}
    if not found:
        raise NotFound(N_("%(value)s has no recorded versions"), value=agreement.rsplit("/", 1)[-1])
    last = max(found)
    newer = last if newer is None else newer
    older = (newer - 1 if newer > 1 else newer) if older is None else older
    for number in (older, newer):
        if number not in found:
            raise NotFound(
                N_("%(value)s has no version %(number)s (it has 1 to %(last)s)"),
                value=agreement.rsplit("/", 1)[-1],
                number=number,
                last=last,
            )

    def graph(number: int) -> tuple[int, Graph]:
        return number, Graph().parse(data=journal_data(found[number].submission_id), format="nt")

    return diff_graphs(agreement, graph(older), graph(newer))


def diff_amendment(
    runner: QueryRunner, journal_data: Any, agreement: str, replaces: str, amended_nt: bytes
) -> Diff:
    """What an amendment still under review changes in the published version it replaces.

    The reviewer reads it before deciding; the amendment is numbered as the version it
    would become.
    """
    found = {v.iri: v for v in versions(runner, agreement)}
    published = found.get(replaces)
    if published is None:
        raise NotFound(N_("%(value)s has no recorded versions"), value=agreement.rsplit("/", 1)[-1])
    old = Graph().parse(data=journal_data(published.submission_id), format="nt")
    new = Graph().parse(data=amended_nt, format="nt")
    return diff_graphs(agreement, (published.number, old), (published.number + 1, new))


# -- as of ---------------------------------------------------------------------
TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
"""An ``as_of`` timestamp: RFC 3339 (seconds and an offset written); also the OpenAPI ``pattern``,
so the document promises exactly what is accepted."""


def parse_moment(value: str) -> datetime:
    """``as_of`` as a moment: a date means the end of that day (UTC), a timestamp is taken as given.

    Only the two documented forms are read (``DATE_PATTERN``, ``TIMESTAMP_PATTERN``): Python's
    ``fromisoformat`` alone would take week dates, basic forms and surrounding spaces as well."""
    try:
        if re.fullmatch(DATE_PATTERN[1:-1], value):
            return datetime.combine(date.fromisoformat(value), time.max, tzinfo=UTC)
        if re.fullmatch(TIMESTAMP_PATTERN[1:-1], value):
            return datetime.fromisoformat(re.sub("[Zz]$", "+00:00", value.upper()))
    except ValueError:
        pass
    raise InputError(N_("as_of is a date (YYYY-MM-DD) or a timestamp (YYYY-MM-DDThh:mm:ssZ)"))


def latest_event_time(runner: QueryRunner) -> datetime | None:
    """When the newest recorded event happened (the moment a missing snapshot belongs to)."""
    found = events(runner)
    return datetime.fromisoformat(found[0]["time"]) if found else None


def one_microsecond_before(moment: datetime) -> datetime:
    return moment - timedelta(microseconds=1)


# -- Memento (RFC 7089) ----------------------------------------------------------
_VERSION_IRI = re.compile(r"^(?P<agreement>.+/id/agreement/[a-z0-9-]+)/v/(?P<number>[1-9][0-9]{0,5})$")


def version_of(iri: str) -> tuple[str, int] | None:
    """(agreement IRI, number) when ``iri`` is a version IRI, else None."""
    match = _VERSION_IRI.match(iri)
    return (match.group("agreement"), int(match.group("number"))) if match else None


def memento_at(found: list[Version], moment: datetime) -> Version:
    """The version in force at ``moment``: the newest published at or before it (else the first)."""
    earlier = [v for v in found if datetime.fromisoformat(v.published) <= moment]
    return earlier[-1] if earlier else found[0]


def http_date(moment: str) -> str:
    """An ISO timestamp as an HTTP-date (RFC 7231), the form Memento-Datetime takes."""
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(moment).astimezone(UTC), usegmt=True)


def parse_http_date(value: str) -> datetime:
    """``Accept-Datetime`` (an HTTP-date); 400 when it is not one."""
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is None:
        raise InputError(N_("Accept-Datetime is an HTTP date, e.g. Thu, 01 Jan 2031 00:00:00 GMT"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def timemap(original: str, timegate: str, self_url: str, found: list[Version], link: Any) -> str:
    """The TimeMap of an agreement in application/link-format (RFC 6690), every version a memento."""
    lines = [
        f'<{original}>; rel="original"',
        f'<{timegate}>; rel="timegate"',
        f'<{self_url}>; rel="self"; type="application/link-format"; '
        f'from="{http_date(found[0].published)}"; until="{http_date(found[-1].published)}"',
    ]
    for index, version in enumerate(found):
        rel = "memento"
        if index == 0:
            rel = "first memento"
        if index == len(found) - 1:
            rel = "last memento" if index else "first last memento"
        lines.append(f'<{link(version.iri)}>; rel="{rel}"; datetime="{http_date(version.published)}"')
    return ",\n".join(lines) + "\n"


def memento_graph(
    current: LinkedDataService, then: LinkedDataService | None, version: str, agreement: str
) -> Graph:
    """A memento: the version's own record and the agreement as it was described while current."""
    graph = current.describe(version)
    if then is not None:
        graph += then.describe(agreement)
    return graph
