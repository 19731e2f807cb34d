"""HermiT: the ontology with the data is consistent and classifies agreements."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from imvokg.errors import InconsistentOntology
from imvokg.reasoning import reasoner_input, run_hermit
from imvokg.resources import resource_dir
from imvokg.store.embedded import EmbeddedStore

IMVO = Namespace("https://w3id.org/imvokg/ont#")
ID = Namespace("https://w3id.org/imvokg/id/")

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="needs Java for HermiT")


def test_garment_agreement_is_classified_multi_stakeholder(store_path) -> None:
    store = EmbeddedStore(store_path, read_only=True)
    try:
        assert store.ask(
            "ASK WHERE { <https://w3id.org/imvokg/id/agreement/nl-garment-textile> a "
            "<https://w3id.org/imvokg/ont#MultiStakeholderAgreement> }"
        )
        # the coal covenant had no union or NGO among its parties: not multi-stakeholder
        assert not store.ask(
            "ASK WHERE { <https://w3id.org/imvokg/id/agreement/nl-coal> a "
            "<https://w3id.org/imvokg/ont#MultiStakeholderAgreement> }"
        )
        # hasParty is derived through the property chain, never asserted
        assert store.ask(
            "ASK WHERE { GRAPH <https://w3id.org/imvokg/graph/inferred> { "
            "<https://w3id.org/imvokg/id/agreement/nl-garment-textile> "
            "<https://w3id.org/imvokg/ont#hasParty> <https://w3id.org/imvokg/id/party/fnv> } }"
        )
    finally:
        store.close()


def test_party_kinds_per_agreement_are_materialised(store_path) -> None:
    store = EmbeddedStore(store_path, read_only=True)
    try:
        rows = store.select(
            "SELECT ?kind WHERE { GRAPH <https://w3id.org/imvokg/graph/inferred> { "
            "<https://w3id.org/imvokg/id/agreement/nl-garment-textile> "
            "<https://w3id.org/imvokg/ont#hasPartyOfKind> ?kind } }"
        )
        kinds = {row["kind"].value.rsplit("#", 1)[-1] for row in rows}
        assert {"TradeUnion", "NonGovernmentalOrganisation", "IndustryAssociation"} <= kinds
        # the coal covenant had no union among its parties
        assert not store.ask(
            "ASK WHERE { <https://w3id.org/imvokg/id/agreement/nl-coal> "
            "<https://w3id.org/imvokg/ont#hasPartyOfKind> <https://w3id.org/imvokg/ont#TradeUnion> }"
        )
    finally:
        store.close()


def _tbox() -> Graph:
    tbox = Graph().parse(resource_dir("ontology") / "imvo.ttl")
    tbox.parse(resource_dir("ontology") / "imports" / "stubs.ttl")
    return tbox


def test_disjoint_types_are_reported_as_inconsistent_with_the_culprit() -> None:
    abox = Graph()
    culprit = URIRef(ID["party/both"])
    abox.add((culprit, RDF.type, IMVO.TradeUnion))
    abox.add((culprit, RDF.type, IMVO.Company))
    with pytest.raises(InconsistentOntology) as caught:
        run_hermit(reasoner_input(_tbox(), abox))
    assert "party/both" in caught.value.detail
    assert "disjoint" in caught.value.detail
