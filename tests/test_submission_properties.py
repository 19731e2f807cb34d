"""Properties of POST /api/v1/submissions, and a short run of the SIGKILL write trials.

Hand-written cases (tests/test_workflow.py) pin known inputs; here hypothesis
varies what a submitter controls (slug, labels in any script, dates, RDF
syntax, the member state) to catch the inputs nobody thought of: a valid
agreement is 201 and stored exactly as sent; an invalid one is 4xx and leaves
no trace in the journal or the public store; nothing is ever a 5xx.

The server is real (uvicorn on loopback) on a private copy of the built store.
The journal directory is read from disk to compare the stored graph with the
sent one: the API exposes the record of a pending submission, not its RDF.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD
from tests.test_workflow import FIXTURE, Env, start_writable_env

pytestmark = pytest.mark.slow  # hypothesis over real submissions, SIGKILL loops

IMVO = "https://w3id.org/imvokg/ont#"
AGR = "https://w3id.org/imvokg/id/agreement/"
MECH = "https://w3id.org/imvokg/id/mechanism/"
MEM = "https://w3id.org/imvokg/id/membership/"
MEDIA = {"turtle": "text/turtle", "nt": "application/n-triples", "json-ld": "application/ld+json"}
STATES = {"NL": "NLD", "DE": "DEU", "FR": "FRA", "BE": "BEL"}
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def prop_env(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """A writable server of our own: the generated submissions never reach the shared store."""
    live, environment = start_writable_env(store_path, tmp_path_factory.mktemp("submission-properties"))
    yield environment
    live.stop()


# --------------------------------------------------------------------------
# what we generate
# --------------------------------------------------------------------------


def fixture_graph(slug: str) -> Graph:
    """The conforming fixture with every ``example-widgets`` IRI renamed to ``slug``."""
    text = FIXTURE.read_text(encoding="utf-8").replace("example-widgets", slug)
    return Graph().parse(data=text, format="turtle")


slugs = st.from_regex(r"prop-[a-z0-9]{1,12}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
# any text a person could type in any script: no surrogates (not encodable), at least one visible
# character (a blank name is not a name), else arbitrary, control characters included
labels = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60).filter(
    lambda s: s.strip() != ""
)
starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@st.composite
def valid_submissions(draw: st.DrawFn) -> dict:
    """A conforming agreement with generated slug, labels, dates, syntax, language and member state."""
    slug = draw(slugs)
    graph = fixture_graph(slug)
    agreement = URIRef(AGR + slug)
    graph.remove((agreement, RDFS.label, None))
    label_en, label_nl = draw(labels), draw(labels)
    graph.add((agreement, RDFS.label, Literal(label_en, lang="en")))
    graph.add((agreement, RDFS.label, Literal(label_nl, lang="nl")))
    start = draw(starts)
    end = start + timedelta(days=draw(st.integers(1, 3650)))
    signed = start - timedelta(days=draw(st.integers(0, 365)))
    for prop, day in (("startDate", start), ("endDate", end), ("signingDate", signed)):
        graph.set((agreement, URIRef(IMVO + prop), Literal(day.isoformat(), datatype=XSD.date)))
    fmt = draw(st.sampled_from(sorted(MEDIA)))
    lang = draw(st.sampled_from(["en", "nl"]))
    state = draw(st.sampled_from([None, *sorted(STATES)]))
    return {
        "slug": slug,
        "graph": graph,
        "body": graph.serialize(format=fmt, encoding="utf-8"),
        "media": MEDIA[fmt],
        "lang": lang,
        "state": state,
        "label": label_en if lang == "en" else label_nl,
    }


def _drop_subject(graph: Graph, subject: URIRef) -> None:
    """Remove a resource and every link to it."""
    graph.remove((subject, None, None))
    graph.remove((None, None, subject))


def _mutate(graph: Graph, slug: str, what: str) -> None:
    """Break one minimum requirement (or the one-agreement rule) of the fixture."""
    agreement = URIRef(AGR + slug)
    if what == "no-union-signatory":
        _drop_subject(graph, URIRef(f"{MEM}{slug}--example-union"))
    elif what == "no-start-date":
        graph.remove((agreement, URIRef(IMVO + "startDate"), None))
    elif what == "no-sector":
        graph.remove((agreement, URIRef(IMVO + "coversSector"), None))
    elif what == "no-grievance-mechanism":
        _drop_subject(graph, URIRef(f"{MECH}{slug}--grievance"))
    elif what == "no-dutch-label":
        for label in list(graph.objects(agreement, RDFS.label)):
            if getattr(label, "language", None) == "nl":
                graph.remove((agreement, RDFS.label, label))
    elif what == "end-before-start":
        graph.set((agreement, URIRef(IMVO + "endDate"), Literal("1989-12-31", datatype=XSD.date)))
    elif what == "no-agreement":
        graph.remove((agreement, RDF.type, None))
    elif what == "two-agreements":
        twin = fixture_graph(slug + "-twin")
        graph += twin
    else:  # pragma: no cover - the strategy only draws the names above
        raise AssertionError(what)


# what each broken requirement must answer: 422 with the report, or 400 for the shape of the request
EXPECTED = {
    "no-union-signatory": 422,
    "no-start-date": 422,
    "no-sector": 422,
    "no-grievance-mechanism": 422,
    "no-dutch-label": 422,
    "end-before-start": 422,
    "no-agreement": 400,
    "two-agreements": 400,
}
BREAKERS = "{}<>\"'@;.,^\\#_:[]()"


def _parses(body: bytes) -> bool:
    """Whether the parser the server uses reads ``body`` as Turtle (a garbling may be harmless)."""
    try:
        Graph().parse(data=body, format="turtle")
    except Exception:  # rdflib raises many unrelated types for bad input
        return False
    return True


@st.composite
def invalid_submissions(draw: st.DrawFn) -> dict:
    """Either a well-formed agreement that breaks one rule, or Turtle garbled until it does not parse."""
    slug = draw(slugs)
    graph = fixture_graph(slug)
    if draw(st.booleans()):
        what = draw(st.sampled_from(sorted(EXPECTED)))
        _mutate(graph, slug, what)
        fmt = draw(st.sampled_from(sorted(MEDIA)))
        return {"what": what, "body": graph.serialize(format=fmt, encoding="utf-8"), "media": MEDIA[fmt]}
    text = graph.serialize(format="turtle")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(st.sampled_from(BREAKERS), min_size=1, max_size=4)) + text[at:]
    body = text.encode("utf-8")
    assume(not _parses(body))
    return {"what": "garbled-turtle", "body": body, "media": "text/turtle"}


# --------------------------------------------------------------------------
# what must hold
# --------------------------------------------------------------------------


def snapshot(env: Env, http: httpx.Client) -> tuple[str, list[str], list[str]]:
    """Store version, the submitter's submission ids, and the journal files (temporary ones too)."""
    version = http.get("/healthz").json()["version"]
    listed = http.get("/api/v1/submissions")
    assert listed.status_code == 200, listed.text
    journal = env.root / "submissions"
    files = sorted(p.name for p in journal.iterdir()) if journal.exists() else []
    return version, sorted(s["id"] for s in listed.json()), [f for f in files if f != ".lock"]


@PROPERTY_SETTINGS
@given(case=valid_submissions())
def test_a_valid_submission_is_201_and_stored_as_sent(prop_env: Env, case: dict) -> None:
    with prop_env.client("alice") as http:
        version, ids, files = snapshot(prop_env, http)
        params = {"lang": case["lang"], **({"member_state": case["state"]} if case["state"] else {})}
        response = http.post(
            "/api/v1/submissions",
            content=case["body"],
            headers={"Content-Type": case["media"]},
            params=params,
        )
        assert response.status_code < 500, response.text
        assert response.status_code == 201, response.text
        sid = response.json()["id"]
        assert response.headers["location"] == f"/api/v1/submissions/{sid}"

        record = http.get(f"/api/v1/submissions/{sid}")
        assert record.status_code == 200, record.text
        expected_state = STATES[case["state"]] if case["state"] else "NLD"
        assert {k: record.json()[k] for k in ("status", "agreement", "member_state", "submitted_by")} == {
            "status": "pending",
            "agreement": AGR + case["slug"],
            "member_state": expected_state,
            "submitted_by": "alice",
        }
        assert record.json()["agreement_label"] == case["label"]
        assert record.json()["conforms"] is True and record.json()["violations"] == 0

        stored = Graph().parse(prop_env.root / "submissions" / f"{sid}.nt", format="nt")
        assert isomorphic(stored, case["graph"]), "the stored graph differs from the one sent"

        after_version, after_ids, after_files = snapshot(prop_env, http)
    assert after_version == version, "a pending submission must not touch the public store"
    assert after_ids == sorted([*ids, sid])
    assert sorted(set(after_files) - set(files)) == sorted([f"{sid}.json", f"{sid}.nt", f"{sid}.report.ttl"])
    assert not [f for f in after_files if f.endswith(".tmp")], "a temporary file was left behind"


@PROPERTY_SETTINGS
@given(case=invalid_submissions())
def test_an_invalid_submission_is_4xx_and_leaves_no_trace(prop_env: Env, case: dict) -> None:
    with prop_env.client("alice") as http:
        before = snapshot(prop_env, http)
        response = http.post(
            "/api/v1/submissions", content=case["body"], headers={"Content-Type": case["media"]}
        )
    assert response.status_code < 500, (case["what"], response.text)
    with prop_env.client("alice") as http:
        after = snapshot(prop_env, http)
    expected = EXPECTED.get(case["what"], 400)
    assert response.status_code == expected, (case["what"], response.text)
    body = response.json()
    assert set(body) >= {"error", "detail"}
    assert not re.search(r"Traceback|\.py\b|rdflib", body["detail"]), body["detail"]
    if expected == 422:
        assert body["report"]["conforms"] is False
    assert after == before, "a refused submission changed the store, the list or the journal"


def test_an_iri_the_parser_lets_through_is_refused_not_a_500(prop_env: Env) -> None:
    """Found by garbling: rdflib's Turtle parser lets an IRI with '{' through (a warning only)."""
    text = (
        FIXTURE.read_text(encoding="utf-8")
        .replace("example-widgets", "prop-bad-iri")
        .replace("<https://w3id.org/imvokg/id/mechanism/>", "<https://w3id.org/imvokg/id/mech{anism/>")
    )
    assert _parses(text.encode("utf-8")), "the premise: the parser the server uses accepts it"
    with prop_env.client("alice") as http:
        before = snapshot(prop_env, http)
    with prop_env.client("alice") as http:  # an unhandled error closes the connection: a client of its own
        response = http.post(
            "/api/v1/submissions", content=text.encode("utf-8"), headers={"Content-Type": "text/turtle"}
        )
    with prop_env.client("alice") as http:
        after = snapshot(prop_env, http)
    assert after == before, "a refused submission changed the store, the list or the journal"
    assert response.status_code == 400, response.text


# --------------------------------------------------------------------------
# SIGKILL during submit/approve loops (the full run is `make loadtest-writes`)
# --------------------------------------------------------------------------


@pytest.mark.timeout(150)
def test_sigkill_during_submit_approve_loops_loses_nothing(store_path: Path, tmp_path: Path) -> None:
    """Three trials of loadtest/write_trials.py: acknowledged writes survive, publications are whole."""
    from loadtest.write_trials import run

    summary = run(store_path, tmp_path, trials=3, seed=7, kill_min_s=2.5, kill_max_s=6.0, max_iterations=20)
    assert summary["trials"] == 3
    assert summary["acknowledged_submissions"] >= 1, summary  # the kills came after real writes
    assert summary["client_errors"] == 0, [t["client_errors"] for t in summary["per_trial"]]
    assert summary["lost"] == 0, [t["problems"] for t in summary["per_trial"]]
    assert summary["partial"] == 0, [t["problems"] for t in summary["per_trial"]]


@pytest.mark.timeout(150)
def test_the_write_check_sees_a_lost_approval_and_a_half_publication(
    store_path: Path, tmp_path: Path
) -> None:
    """The checker of the trials is not vacuous: cut a publication in half behind the server's back."""
    import pyoxigraph
    from loadtest.write_trials import Server, Written, agreement_ttl, check
    from loadtest.write_trials import copy_store as copy_template
    from loadtest.write_trials import make_keys as make_trial_keys

    store = copy_template(store_path, tmp_path)
    keys = make_trial_keys(tmp_path / "keys.json")
    server = Server(store, tmp_path / "keys.json")
    try:
        writes = [Written(slug="wt-check-a", trial=0), Written(slug="wt-check-b", trial=0)]
        with httpx.Client(base_url=server.url, timeout=120) as http:
            for written in writes:
                created = http.post(
                    "/api/v1/submissions",
                    content=agreement_ttl(written.slug),
                    headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {keys['submitter']}"},
                )
                assert created.status_code == 201, created.text
                written.submission_id = created.json()["id"]
            approved = http.post(
                f"/api/v1/submissions/{writes[0].submission_id}/approve",
                headers={"Authorization": f"Bearer {keys['supervisor']}"},
            )
            assert approved.status_code == 200, approved.text
        writes[0].approved = True
        assert check(server.url, keys, writes)["lost"] == 0  # the control: nothing is missing yet
        writes[1].approved = True  # claim an approval that never happened
        assert check(server.url, keys, writes)["lost"] == 1
        writes[1].approved = False
    finally:
        server.kill()
    derived = f"https://w3id.org/imvokg/graph/submission-{writes[0].submission_id}-inferred"
    raw = pyoxigraph.Store(str(store))
    raw.update(f"DROP GRAPH <{derived}>")
    raw.flush()
    del raw
    server = Server(store, tmp_path / "keys.json")
    try:
        result = check(server.url, keys, writes)
    finally:
        server.kill()
    assert result["partial"] == 1 and result["partial_submissions"] == [writes[0].submission_id], result
    assert result["lost"] == 1, result  # the acknowledged approval is no longer whole
