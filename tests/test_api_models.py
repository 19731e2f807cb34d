"""Every /api/v1 answer has the shape its response model declares, and the OpenAPI document shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter

from imvokg.api import models

INVALID = (
    Path(__file__).parent
    / "shapes"
    / "invalid"
    / "SectorAgreement-tradeUnionSignatory--union-only-supporter.ttl"
)

ANSWERS: list[tuple[str, Any]] = [
    ("/api/v1/agreements", list[models.AgreementSummary]),
    ("/api/v1/agreements?sector=gold&lang=nl", list[models.AgreementSummary]),
    ("/api/v1/agreements/nl-garment-textile", models.AgreementDetail),
    ("/api/v1/agreements/de-partnership-sustainable-textiles?lang=de", models.AgreementDetail),
    ("/api/v1/coverage?sector=garment-textile", models.Coverage),
    ("/api/v1/gaps?sector=gold&basis=any", models.Gaps),
    ("/api/v1/recognitions", list[models.Recognition]),
    ("/api/v1/risks?lang=fr", list[models.RiskTopic]),
    ("/api/v1/sectors", list[models.Sector]),
    ("/api/v1/instruments", list[models.Instrument]),
    ("/api/v1/provisions/ungp-2011/principle-31", models.Provision),
    ("/api/v1/compare?a=nl-garment-textile&b=de-partnership-sustainable-textiles", models.Comparison),
]


@pytest.mark.parametrize(("path", "model"), ANSWERS, ids=[path for path, _ in ANSWERS])
def test_every_answer_has_its_declared_shape(client: httpx.Client, path: str, model: Any) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    value = response.json()
    if path == "/api/v1/recognitions":
        assert value == []  # no decision on the curated data; test_workflow holds decisions to the model
    else:
        assert value, path  # an empty answer would prove nothing about the shape
    TypeAdapter(model).validate_python(value)  # extra fields, missing fields or wrong types fail


def test_the_validation_report_has_its_declared_shape(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/validate", content=INVALID.read_bytes(), headers={"Content-Type": "text/turtle"}
    )
    report = models.ValidationReport.model_validate(response.json())
    assert report.results and not report.conforms


def test_the_openapi_document_shows_every_answer_shape(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"AgreementDetail", "Coverage", "Gaps", "RiskTopic", "Provision", "Comparison"} <= set(schemas)
    for path, operation in (
        ("/api/v1/agreements/{slug}", "AgreementDetail"),
        ("/api/v1/coverage", "Coverage"),
        ("/api/v1/provisions/{slug}", "Provision"),
        ("/api/v1/validate", "ValidationReport"),
    ):
        answer = document["paths"][path]["get" if "validate" not in path else "post"]["responses"]["200"]
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{operation}"
        }
    listed = document["paths"]["/api/v1/agreements"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"]["items"] == {"$ref": "#/components/schemas/AgreementSummary"}
    assert "from" in schemas["Salience"]["properties"]
    for path, method, operation in (
        ("/api/v1/submissions/{submission_id}/approve", "post", "Approval"),
        ("/api/v1/decisions/{decision_id}/verification", "get", "DecisionVerification"),
        ("/api/v1/network/adoptions", "post", "Adoption"),
    ):
        answer = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]
        assert answer["schema"] == {"$ref": f"#/components/schemas/{operation}"}, path
