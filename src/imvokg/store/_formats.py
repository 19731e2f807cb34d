"""pyoxigraph's format for one of our media types (the table itself is ``imvokg.formats``)."""

from __future__ import annotations

import pyoxigraph as ox

from imvokg.formats import DATASET_MEDIA_TYPES, GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES


def rdf_format(media_type: str) -> ox.RdfFormat:
    """The graph or dataset format; ValueError for a media type we do not publish."""
    if media_type not in GRAPH_MEDIA_TYPES and media_type not in DATASET_MEDIA_TYPES:
        raise ValueError(f"no RDF format for {media_type}")
    found = ox.RdfFormat.from_media_type(media_type)
    assert found is not None, media_type  # every row of imvokg.formats is one pyoxigraph knows
    return found


def results_format(media_type: str) -> ox.QueryResultsFormat:
    """The SPARQL results format; ValueError for a media type we do not publish."""
    if media_type not in RESULT_MEDIA_TYPES:
        raise ValueError(f"no SELECT results format for {media_type}")
    found = ox.QueryResultsFormat.from_media_type(media_type)
    assert found is not None, media_type
    return found
