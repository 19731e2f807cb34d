"""Is this decision really the authority's? Checking what the registry published.

A decision's verification checks the decision's own graph and, for a
recognition that came from a submission, the graph of the agreement it
recognised: both were signed in the approval. The answer is ``valid`` only
when every graph is; otherwise the first graph that is not says why.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from imvokg.errors import InputError, NotFound
from imvokg.integrity import serialize
from imvokg.messages import N_
from imvokg.namespaces import ID
from imvokg.queries import QueryRegistry
from imvokg.services.authority import AuthorityKey, AuthorityKeys
from imvokg.services.identifiers import SLUG
from imvokg.services.publication import data_graph_iri, decision_graph_iri
from imvokg.services.signing import (
    GraphVerification,
    KeyResolver,
    proof_graph_iri,
    read_proof,
    verify_graph_in_store,
    verify_statement,
)
from imvokg.store.base import Store

STATEMENTS = "graph-statements"
"""The named query (queries/statistics/) that reads a graph's triples: what a proof signs."""


def local_resolver(keys: AuthorityKeys, controller: str) -> KeyResolver:
    """Keys of this registry's own authority, by verification method IRI."""

    def resolve(method: str) -> AuthorityKey | None:
        base, _, fragment = method.partition("#")
        if base != controller:
            return None
        return next((key for key in keys.public_keys() if key.id == fragment), None)

    return resolve


class VerificationService:
    """Checks the proofs of what this registry's store holds."""

    def __init__(self, store: Store, registry: QueryRegistry, resolve: KeyResolver) -> None:
        self.store = store
        self.query = registry.get(STATEMENTS).text
        self.resolve = resolve

    def decision(self, decision_id: str) -> dict[str, Any]:
        if not SLUG.fullmatch(decision_id):
            raise NotFound(N_("there is no decision '%(decision_id)s'"), decision_id=decision_id)
        graph = decision_graph_iri(decision_id)
        if graph not in self.store.graph_names():
            raise NotFound(N_("there is no decision '%(decision_id)s'"), decision_id=decision_id)
        checks = [verify_graph_in_store(self.store, self.query, graph, self.resolve)]
        submission = decision_id.removeprefix("recognition-")
        if submission != decision_id and data_graph_iri(submission) in self.store.graph_names():
            checks.append(
                verify_graph_in_store(self.store, self.query, data_graph_iri(submission), self.resolve)
            )
        return summary(str(ID[f"decision/{decision_id}"]), checks)


def summary(decision: str, checks: list[GraphVerification]) -> dict[str, Any]:
    failing = next((check for check in checks if check.state != "valid"), None)
    return {
        "decision": decision,
        "state": failing.state if failing else "valid",
        "reason": failing.reason if failing else checks[0].reason,
        "graphs": [check.to_dict() for check in checks],
    }


def verify_dataset(data: bytes, suffix: str, resolve: KeyResolver) -> list[GraphVerification]:
    """Every graph of a dataset file (TriG, N-Quads) that has a proof graph in the same file."""
    formats = {".trig": "application/trig", ".nq": "application/n-quads", ".nquads": "application/n-quads"}
    if suffix.lower() not in formats:
        raise InputError(
            N_("a file to verify is TriG (.trig) or N-Quads (.nq): it must keep the graph names")
        )
    try:
        quads = list(ox.parse(data, format=ox.RdfFormat.from_media_type(formats[suffix.lower()])))
    except (SyntaxError, ValueError) as exc:
        raise InputError(N_("the file does not parse: %(problem)s"), problem=exc) from None
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    checks = []
    for graph, triples in sorted(graphs.items()):
        proof_triples = graphs.get(proof_graph_iri(graph))
        if proof_triples is None:
            continue
        statement = serialize(triples)
        proof = read_proof(graph, serialize(proof_triples))
        checks.append(verify_statement(graph, statement, proof, resolve))
    if not checks:
        raise InputError(N_("the file holds no graph with a proof graph ({graph}-proof) to check"))
    return checks
