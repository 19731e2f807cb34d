"""Proofs for what the registry publishes, and their verification.

Every graph an approval or a withdrawal publishes (the agreement, the decision)
is signed by the registry's authority: its proof goes into a named graph of
its own, ``{graph}-proof``, never into the signed graph (which would change
what was signed). The proof graph says which graph it proves:

    <{graph}> sec:proof <{graph}#proof> .
    <{graph}#proof> a sec:DataIntegrityProof ; sec:cryptosuite "eddsa-rdfc-2022" ;
        dcterms:created ... ; sec:verificationMethod <{base}authority#key-N> ;
        sec:proofPurpose sec:assertionMethod ; sec:proofValue "z..." .

A verification reads the graph's triples and its proof back from the store
and answers ``valid``, ``invalid`` (with why), ``unknown_key`` (a method
whose key this registry does not know) or ``unsigned``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import pyoxigraph as ox

from imvokg.integrity import (
    CRYPTOSUITE,
    DCTERMS_CREATED,
    RDF_TYPE,
    SEC,
    Proof,
    parse_statement,
    serialize,
    sign,
    verify,
)
from imvokg.services.authority import AuthorityKey, AuthorityKeys
from imvokg.store.base import Store, Term

KeyResolver = Callable[[str], AuthorityKey | None]
"""Verification method IRI -> the key it names, or None when this registry does not know it."""


def proof_graph_iri(graph_iri: str) -> str:
    return graph_iri + "-proof"


def proof_triples(graph_iri: str, proof: Proof) -> bytes:
    """The proof graph of one signed graph, as N-Triples."""
    node = ox.NamedNode(graph_iri + "#proof")

    def add(predicate: str, obj: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(node, ox.NamedNode(predicate), obj)

    triples = [
        ox.Triple(ox.NamedNode(graph_iri), ox.NamedNode(SEC + "proof"), node),
        add(RDF_TYPE, ox.NamedNode(SEC + "DataIntegrityProof")),
        add(SEC + "cryptosuite", ox.Literal(CRYPTOSUITE, datatype=ox.NamedNode(SEC + "cryptosuiteString"))),
        add(DCTERMS_CREATED, ox.Literal(proof.created, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))),
        add(SEC + "verificationMethod", ox.NamedNode(proof.verification_method)),
        add(SEC + "proofPurpose", ox.NamedNode(SEC + proof.proof_purpose)),
        add(SEC + "proofValue", ox.Literal(proof.proof_value, datatype=ox.NamedNode(SEC + "multibase"))),
    ]  # fmt: skip
    return serialize(triples)


def read_proof(graph_iri: str, proof_nt: bytes) -> Proof | None:
    """The proof of ``graph_iri`` in a proof graph, or None when it holds none (or another kind)."""
    quads = parse_statement(proof_nt)
    values: dict[str, str] = {}
    node = None
    proves = [quad for quad in quads if quad.predicate == ox.NamedNode(SEC + "proof")]
    for quad in proves:
        if quad.subject == ox.NamedNode(graph_iri):
            node = quad.object
    if node is None and len(proves) == 1:
        # a harvested graph is kept here under another name; its proof still names the graph
        # as the peer published it, and it is the one proof in its proof graph
        node = proves[0].object
    for quad in quads:
        if node is not None and quad.subject == node:
            values[quad.predicate.value] = quad.object.value  # type: ignore[union-attr]
    if values.get(SEC + "cryptosuite") != CRYPTOSUITE or SEC + "proofValue" not in values:
        return None
    purpose = values.get(SEC + "proofPurpose", SEC + "assertionMethod").removeprefix(SEC)
    return Proof(
        verification_method=values.get(SEC + "verificationMethod", ""),
        created=values.get(DCTERMS_CREATED, ""),
        proof_value=values[SEC + "proofValue"],
        proof_purpose=purpose,
    )


class Signer:
    """Signs graphs for this registry's authority."""

    def __init__(self, keys: AuthorityKeys, controller: str) -> None:
        self.keys = keys
        self.controller = controller

    def proofs_for(self, graphs: Mapping[str, bytes]) -> dict[str, bytes]:
        """The proof graph of each graph about to be published (graph IRI -> N-Triples)."""
        key, secret = self.keys.current()
        method = f"{self.controller}#{key.id}"
        out = {}
        for graph_iri, triples in graphs.items():
            proof = sign(parse_statement(triples), secret, method)
            out[proof_graph_iri(graph_iri)] = proof_triples(graph_iri, proof)
        return out


@dataclass(frozen=True)
class GraphVerification:
    """What a reader learns from checking one graph's proof (also the API's shape of it, api/models.py)."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}

    graph: str
    state: str
    """``valid``, ``invalid``, ``unknown_key`` or ``unsigned``."""
    reason: str
    verification_method: str | None = None
    created: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "graph": self.graph,
            "state": self.state,
            "reason": self.reason,
            "verification_method": self.verification_method,
            "created": self.created,
        }


def verify_statement(
    graph_iri: str, triples: bytes, proof: Proof | None, resolve: KeyResolver
) -> GraphVerification:
    """Check one graph's triples against its proof and the key its verification method names."""
    if proof is None:
        return GraphVerification(graph_iri, "unsigned", "no eddsa-rdfc-2022 proof names this graph")
    method, created = proof.verification_method, proof.created
    key = resolve(method)
    if key is None:
        return GraphVerification(
            graph_iri, "unknown_key", f"the key {method} is not one this registry knows", method, created
        )
    usable, why = key.valid_at(created)
    if not usable:
        return GraphVerification(graph_iri, "invalid", why, method, created)
    outcome = verify(parse_statement(triples), proof, key.public_key())
    return GraphVerification(
        graph_iri, "valid" if outcome.valid else "invalid", outcome.reason, method, created
    )


def verify_graph_in_store(
    store: Store, statements_query: str, graph_iri: str, resolve: KeyResolver
) -> GraphVerification:
    """Read a graph and its proof graph from the store and check them."""
    triples = store.construct(statements_query, bindings={"g": Term.iri(graph_iri)})
    proof_nt = store.construct(statements_query, bindings={"g": Term.iri(proof_graph_iri(graph_iri))})
    return verify_statement(graph_iri, triples, read_proof(graph_iri, proof_nt), resolve)
