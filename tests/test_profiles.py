"""Requirement profiles: the EU minimum as one profile, a member state's own on top of it.

The national profile here is the example in ``tests/profiles/`` (not a fact: no member state
has published one in the reference material): version 1 in force 2020-2021, version 2 from
2022, adding DE-01 (a name in German) and making MR-12 a Violation. A registry configured
with it refuses what the EU profile accepts, names the profile version in every decision,
signs and streams that, and the API lists, shows and compares the profiles.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from tests.conftest import LiveServer, settings_for_tests, start_server
from tests.test_workflow import AGR, FIXTURE, Env, agreement_ttl, copy_store, make_keys

from imvokg.errors import ConfigError
from imvokg.profiles import ProfileCatalogue
from imvokg.services.profiles import ProfileService
from imvokg.services.workflow import validate_body

EXAMPLES = Path(__file__).parent / "profiles"
EU = "https://w3id.org/imvokg/id/profile/eu-minimum/1.0"
DE2 = "https://de.registry.example/profile/de-example/2"
UNDER = "https://w3id.org/imvokg/ont#underProfile"


def german_agreement(slug: str) -> bytes:
    """The conforming fixture with a name in German too, so it meets DE-01."""
    return agreement_ttl(slug).replace(
        b'"Example Widgets Agreement"@en ,',
        b'"Example Widgets Agreement"@en , "Beispielvereinbarung"@de ,',
    )


def only_domestic_parties(slug: str) -> bytes:
    """German-named, but every party based in the Netherlands: MR-12 fails (a Warning in the EU profile)."""
    return german_agreement(slug).replace(b"imvo:country country:IND", b"imvo:country country:NLD")


@dataclass
class Registry(Env):
    live: LiveServer | None = None


@pytest.fixture(scope="module")
def de_registry(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    root = tmp_path_factory.mktemp("profiles")
    keys = make_keys(root / "keys.json")
    live: LiveServer = start_server(
        settings_for_tests(
            store_path=copy_store(store_path, root),
            api_keys_file=root / "keys.json",
            member_state="DE",
            profiles_dir=EXAMPLES,
            requirement_profile="de-example",
            sparql_workers=0,
        )
    )
    yield Registry(live.url, root, keys, live)
    live.stop()


# -- the catalogue -----------------------------------------------------------------------------


def test_the_example_profile_adds_a_requirement_and_raises_one_severity() -> None:
    service = ProfileService(settings_for_tests(profiles_dir=EXAMPLES, requirement_profile="de-example"))
    assert service.current().iri == DE2  # version 1 ended in 2021
    compared = service.compare("de-example", "eu-minimum")
    assert [(r["id"], r["a"], r["b"]) for r in compared["only_a"]] == [
        ("DE-01", "violation", None),
        ("MR-12", "violation", "warning"),
    ]
    assert compared["only_b"] == [] and compared["stricter_b"] == []
    assert {r["id"] for r in compared["same"]} == {f"MR-{n:02d}" for n in range(1, 15)} - {"MR-12"}
    old = service.compare("de-example", "de-example", version_a="2", version_b="1")
    assert [r["id"] for r in old["only_a"]] == ["DE-01"]


def test_the_profile_decides_what_conforms() -> None:
    catalogue = ProfileCatalogue(EXAMPLES)
    eu = catalogue.applied(catalogue.get("eu-minimum"))
    de = catalogue.applied(catalogue.get("de-example", "2"))
    plain = FIXTURE.read_bytes()
    assert validate_body(plain, "text/turtle", requirements=eu).conforms
    refused = validate_body(plain, "text/turtle", requirements=de, lang="de")
    assert [(i.requirement_id, i.severity) for i in refused.issues] == [("DE-01", "violation")]
    assert refused.issues[0].message.startswith("Die Vereinbarung hat keinen deutschen Namen")
    domestic = only_domestic_parties("example-domestic")
    assert [
        (i.requirement_id, i.severity) for i in validate_body(domestic, "text/turtle", requirements=eu).issues
    ] == [("MR-12", "warning")]
    assert [
        (i.requirement_id, i.severity) for i in validate_body(domestic, "text/turtle", requirements=de).issues
    ] == [("MR-12", "violation")]


def _profile(folder: Path, shapes: str, *, version: str = "9") -> None:
    folder.mkdir()
    text = (EXAMPLES / "de-example-1" / "profile.ttl").read_text()
    text = text.replace("de-example/1", f"de-example/{version}")
    (folder / "profile.ttl").write_text(text.replace('owl:versionInfo "1"', f'owl:versionInfo "{version}"'))
    (folder / "profile.shapes.ttl").write_text(shapes)


@pytest.mark.parametrize(
    ("shapes", "said"),
    [
        (
            "<https://w3id.org/imvokg/shapes#SectorAgreement-tradeUnionSignatory> "
            "<http://www.w3.org/ns/shacl#severity> <http://www.w3.org/ns/shacl#Warning> .",
            "weakens .*tradeUnionSignatory",
        ),
        (
            "<https://w3id.org/imvokg/shapes#SectorAgreement-tradeUnionSignatory> "
            "<http://www.w3.org/ns/shacl#deactivated> true .",
            "weakens .*tradeUnionSignatory",
        ),
    ],
)
def test_a_profile_may_not_weaken_the_eu_minimum(tmp_path: Path, shapes: str, said: str) -> None:
    _profile(tmp_path / "weak", shapes)
    with pytest.raises(ConfigError, match=said):
        ProfileCatalogue(tmp_path)


def test_a_registry_whose_profile_is_not_in_force_says_so() -> None:
    service = ProfileService(settings_for_tests(profiles_dir=EXAMPLES, requirement_profile="de-example/1"))
    with pytest.raises(ConfigError, match="not known here or not in force"):
        service.current()
    with pytest.raises(ConfigError, match="not known here or not in force"):
        ProfileService(settings_for_tests(requirement_profile="xx-none")).current()


# -- over HTTP -----------------------------------------------------------------------------------


def submit(registry: Registry, body: bytes) -> httpx.Response:
    with registry.client("alice") as http:
        return http.post(
            "/api/v1/submissions",
            params={"member_state": "DE"},
            content=body,
            headers={"Content-Type": "text/turtle"},
        )


@pytest.mark.slow  # a writable server of its own (or CLI processes)
def test_the_profiles_are_listed_shown_and_compared(de_registry: Registry) -> None:
    with de_registry.client() as http:
        listed = http.get("/api/v1/profiles").json()
        shown = http.get("/api/v1/profiles/de-example", params={"lang": "de"})
        old = http.get("/api/v1/profiles/de-example", params={"version": "1"}).json()
        compared = http.get("/api/v1/profiles/compare", params={"a": "eu-minimum", "b": "de-example"}).json()
        unknown = http.get("/api/v1/profiles/xx-none")
        no_version = http.get("/api/v1/profiles/eu-minimum", params={"version": "7"})
        same = http.get("/api/v1/profiles/compare", params={"a": "eu-minimum", "b": "eu-minimum"})
    assert [(p["id"], p["version"], p["in_force"], p["used_here"], p["example"]) for p in listed] == [
        ("eu-minimum", "1.0", True, False, False),
        ("de-example", "1", False, False, True),
        ("de-example", "2", True, True, True),
    ]
    assert listed[1]["valid_from"] == "2020-01-01" and listed[1]["valid_until"] == "2021-12-31"
    assert shown.status_code == 200 and shown.headers["content-language"] == "de"
    body = shown.json()
    assert body["iri"] == DE2 and body["builds_on"] == EU
    assert body["title"] == "Beispiel eines nationalen Profils (DE), Version 2"
    by_id = {r["id"]: r for r in body["requirements"]}
    assert by_id["DE-01"]["title"] == "Nennt die Vereinbarung auf Deutsch"
    assert (by_id["MR-12"]["severity"], by_id["MR-13"]["severity"]) == ("violation", "warning")
    assert {r["id"]: r["severity"] for r in old["requirements"]}.get("DE-01") is None
    assert compared["only_a"] == [] and [r["id"] for r in compared["only_b"]] == ["DE-01", "MR-12"]
    for answer, code in ((unknown, 404), (no_version, 404)):
        assert answer.status_code == code and set(answer.json()) >= {"error", "detail"}
    # a profile compared with itself (a question the OpenAPI document allows): everything alike
    alike = same.json()
    assert same.status_code == 200 and alike["only_a"] == alike["only_b"] == [] and alike["same"]


@pytest.mark.slow  # a writable server of its own (or CLI processes)
def test_validation_and_submission_use_the_registrys_profile(de_registry: Registry) -> None:
    with de_registry.client() as http:
        checked = http.post(
            "/api/v1/validate",
            content=agreement_ttl("example-de-plain"),
            headers={"Content-Type": "text/turtle"},
        )
    assert checked.status_code == 200
    report = checked.json()
    assert report["profile"] == DE2
    assert [(r["requirement"]["id"], r["severity"]) for r in report["results"]] == [("DE-01", "violation")]
    refused = submit(de_registry, agreement_ttl("example-de-plain"))
    with de_registry.client("alice") as http:
        listed = http.get("/api/v1/submissions").json()
    assert refused.status_code == 422
    assert not any(s["agreement"] == AGR + "example-de-plain" for s in listed)


@pytest.mark.slow  # a writable server of its own (or CLI processes)
def test_a_decision_names_its_profile_signed_and_streamed(de_registry: Registry) -> None:
    created = submit(de_registry, german_agreement("example-de-named"))
    assert created.status_code == 201, created.text
    assert created.json()["submission"]["profile"] == DE2
    with de_registry.client("dirk") as http:
        approved = http.post(f"/api/v1/submissions/{created.json()['id']}/approve")
    assert approved.status_code == 200, approved.text
    decision = approved.json()["decision"]
    with de_registry.client() as http:
        described = http.get(
            decision.removeprefix("https://w3id.org/imvokg"), headers={"Accept": "text/turtle"}
        )
        rdf = Graph().parse(data=described.text, format="turtle")
        verification = http.get(f"/api/v1/decisions/{decision.rsplit('/', 1)[1]}/verification").json()
        stream = http.get("/ldes/0", headers={"Accept": "application/n-quads"})
        recognitions = http.get("/api/v1/initiatives/example-de-named/recognitions").json()
    assert (URIRef(decision), URIRef(UNDER), URIRef(DE2)) in rdf
    assert verification["state"] == "valid", verification
    assert f"<{decision}> <{UNDER}> <{DE2}>" in stream.text
    assert [(r["decision"], r["profile"]) for r in recognitions] == [(decision, DE2)]


@pytest.mark.slow  # a writable server of its own (or CLI processes)
def test_a_changed_profile_triple_breaks_the_signature(de_registry: Registry) -> None:
    """The profile is part of what is signed: naming another profile fails verification."""
    created = submit(de_registry, german_agreement("example-de-resign"))
    with de_registry.client("dirk") as http:
        decision = http.post(f"/api/v1/submissions/{created.json()['id']}/approve").json()["decision"]
    slug = decision.rsplit("/", 1)[1]
    graph = f"https://w3id.org/imvokg/graph/decision-{slug}"
    assert de_registry.live is not None  # the server holds the store open: write through its handle
    app_store = de_registry.live.server.config.app.state.services.store  # type: ignore[attr-defined]
    triples = app_store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    changed = triples.replace(DE2.encode(), EU.encode())
    assert changed != triples
    app_store.replace_graphs({graph: changed})
    with de_registry.client() as http:
        verification = http.get(f"/api/v1/decisions/{slug}/verification").json()
    assert verification["state"] == "invalid"


@pytest.mark.slow  # a writable server of its own (or CLI processes)
def test_validate_on_the_command_line_uses_the_registrys_profile(tmp_path: Path) -> None:
    environ = {**os.environ, "IMVOKG_PROFILES_DIR": str(EXAMPLES), "IMVOKG_REQUIREMENT_PROFILE": "de-example"}
    command = [sys.executable, "-m", "imvokg", "validate", "--output", "json", str(FIXTURE)]
    national = subprocess.run(command, capture_output=True, text=True, env=environ)
    assert national.returncode == 1, national.stderr
    report = json.loads(national.stdout)
    assert report["profile"] == DE2
    assert [r["requirement"]["id"] for r in report["results"]] == ["DE-01"]
    eu = subprocess.run(
        command, capture_output=True, text=True, env={**environ, "IMVOKG_REQUIREMENT_PROFILE": "eu-minimum"}
    )
    assert eu.returncode == 0 and json.loads(eu.stdout)["profile"] == EU
