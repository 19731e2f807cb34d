"""Completion for the query editor over real HTTP: names from the label index, kinds, errors."""

from __future__ import annotations

import httpx

IMVO = "https://w3id.org/imvokg/ont#"
CHILD_LABOUR = "https://w3id.org/imvokg/scheme/risk-topic/child-labour"


def completions(client: httpx.Client, **params: str) -> list[dict[str, str]]:
    answer = client.get("/sparql/completions", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    return list(answer.json()["completions"])


def test_a_concept_is_found_by_its_german_name_and_shown_in_german(client: httpx.Client) -> None:
    found = completions(client, text="Kinderarb", kind="resource", lang="de")
    hit = next(c for c in found if c["iri"] == CHILD_LABOUR)
    assert hit["label"] == "Kinderarbeit" and hit["kind"] == "concept"
    # in English the same concept is shown by its English name
    english = completions(client, text="Kinderarb", kind="resource", lang="en")
    assert next(c for c in english if c["iri"] == CHILD_LABOUR)["label"] == "child labour"


def test_classes_complete_by_local_name_within_a_namespace(client: httpx.Client) -> None:
    found = completions(client, text="IrbcAg", kind="class", namespace=IMVO)
    assert [c["iri"] for c in found][:1] == [IMVO + "IrbcAgreement"]
    assert all(c["kind"] == "class" and c["iri"].startswith(IMVO) for c in found)
    # an empty text lists the namespace's classes; no property is among them
    listed = completions(client, text="", kind="class", namespace=IMVO)
    assert IMVO + "IrbcAgreement" in {c["iri"] for c in listed}
    assert IMVO + "coversRiskTopic" not in {c["iri"] for c in listed}


def test_properties_complete_by_name_in_the_reader_language(client: httpx.Client) -> None:
    found = completions(client, text="covers", kind="property", namespace=IMVO)
    assert IMVO + "coversRiskTopic" in {c["iri"] for c in found}
    assert all(c["kind"] == "property" for c in found)


def test_a_wrong_kind_or_a_long_text_is_a_clear_error(client: httpx.Client) -> None:
    for params in ({"kind": "planet", "text": "x"}, {"kind": "resource", "text": "x" * 201}):
        answer = client.get("/sparql/completions", params=params)
        assert answer.status_code == 400
        body = answer.json()
        assert body["error"] == "bad_request" and "invalid parameters" in body["detail"]
