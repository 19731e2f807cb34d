"""The one media-type table: every row is one the libraries behind it read and write."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from imvokg import formats


@pytest.mark.parametrize("row", formats.FORMATS, ids=lambda f: f.media_type)
def test_every_format_is_known_to_pyoxigraph(row: formats.Format) -> None:
    if row.kind == "result":
        assert ox.QueryResultsFormat.from_media_type(row.media_type) is not None
    else:
        assert ox.RdfFormat.from_media_type(row.media_type) is not None
    assert formats.by_media_type(f"{row.media_type}; charset=utf-8") is row
    assert all(formats.FORMAT_PARAM[name] == row.media_type for name in row.names)


@pytest.mark.parametrize("row", [f for f in formats.FORMATS if f.rdflib], ids=lambda f: f.media_type)
def test_every_rdf_format_round_trips_through_rdflib(row: formats.Format) -> None:
    triple = (URIRef("http://example.org/a"), URIRef("http://example.org/b"), Literal("c", lang="nl"))
    if row.kind == "dataset":
        data = Dataset()
        data.graph(URIRef("http://example.org/g")).add(triple)
        back = Dataset()
        back.parse(data=data.serialize(format=formats.rdflib_name(row.media_type)), format=row.rdflib)
        assert len(back) == 1
    else:
        graph = Graph()
        graph.add(triple)
        back = Graph().parse(
            data=graph.serialize(format=formats.rdflib_name(row.media_type)), format=row.rdflib
        )
        assert set(back) == {triple}


def test_releases_and_bodies_use_rows_of_the_table() -> None:
    published = {f.media_type for f in formats.FORMATS}
    assert set(formats.RELEASE_FORMATS.values()) <= published
    assert set(formats.PUBLISHED_RDF) == set(formats.GRAPH_MEDIA_TYPES)
    assert {"turtle", "json-ld", "xml", "nt"} == set(formats.READABLE.values())
    with pytest.raises(ValueError):
        formats.rdflib_name("application/sparql-results+json")
