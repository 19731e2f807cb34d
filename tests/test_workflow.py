"""The submit -> validate -> approve/reject -> publish -> withdraw workflow, over real HTTP.

Each module-level server works on its own copy of the built store, so the
shared session store other tests read is never written. The crash test runs
`python -m imvokg serve` as a real process and kills it with SIGKILL.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from loadtest.write_trials import Server  # the same killable `imvokg serve` the write trials use
from pydantic import TypeAdapter
from tests.conftest import LiveServer, http_client, settings_for_tests, start_server

from imvokg.api import models
from imvokg.services.credentials import Credentials

pytestmark = pytest.mark.slow  # a writable server per module: submissions, approvals, SIGKILL trials

FIXTURE = Path(__file__).parent / "shapes" / "valid" / "agreement-complete.ttl"
INVALID = (
    Path(__file__).parent
    / "shapes"
    / "invalid"
    / "SectorAgreement-tradeUnionSignatory--union-only-supporter.ttl"
)
PROV = "http://www.w3.org/ns/prov#"
IMVO = "https://w3id.org/imvokg/ont#"
AGR = "https://w3id.org/imvokg/id/agreement/"


def agreement_ttl(slug: str) -> bytes:
    """The conforming fixture agreement under another IRI, so every test publishes its own."""
    return FIXTURE.read_text(encoding="utf-8").replace("agr:example-widgets", f"agr:{slug}").encode()


def copy_store(store_path: Path, into: Path) -> Path:
    """A private copy of the built store (the directory the store symlink points to)."""
    target = into / "store"
    shutil.copytree(store_path.resolve(), target)
    return target


@dataclass
class Env:
    url: str
    root: Path
    keys: dict[str, str]

    def client(self, who: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[who]}"} if who else {}
        return http_client(self.url, timeout=60, headers=headers)


def make_keys(path: Path) -> dict[str, str]:
    credentials = Credentials(path)
    return {
        "alice": credentials.create("alice", "submitter")[0],
        "erin": credentials.create("erin", "submitter")[0],
        "bob": credentials.create("bob", "supervisor", member_state="NL")[0],
        "dirk": credentials.create("dirk", "supervisor", member_state="DE")[0],
    }


def start_writable_env(store_path: Path, root: Path) -> tuple[LiveServer, Env]:
    """A server of our own on a copy of the built store, with keys: writes never reach the shared store."""
    store = copy_store(store_path, root)
    keys = make_keys(root / "keys.json")
    live: LiveServer = start_server(
        settings_for_tests(store_path=store, api_keys_file=root / "keys.json", max_body_bytes=200_000)
    )
    return live, Env(live.url, root, keys)


@pytest.fixture(scope="module")
def env(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    live, environment = start_writable_env(store_path, tmp_path_factory.mktemp("workflow"))
    yield environment
    live.stop()


def sparql_select(http: httpx.Client, query: str) -> list[dict]:
    response = http.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def graph_names(http: httpx.Client) -> set[str]:
    rows = sparql_select(http, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {row["g"]["value"] for row in rows}


def submit(env: Env, slug: str, who: str = "alice", **params: str) -> httpx.Response:
    with env.client(who) as http:
        return http.post(
            "/api/v1/submissions",
            content=agreement_ttl(slug),
            headers={"Content-Type": "text/turtle"},
            params=params,
        )


# --------------------------------------------------------------------------
# validation that people can read
# --------------------------------------------------------------------------


def test_validate_reports_requirement_focus_path_and_message_in_dutch(env: Env) -> None:
    with env.client() as http:
        response = http.post(
            "/api/v1/validate",
            content=INVALID.read_bytes(),
            headers={"Content-Type": "text/turtle", "Accept-Language": "nl"},
        )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["conforms"] is False and report["violations"] >= 1
    failing = [r for r in report["results"] if r["severity"] == "violation"]
    assert {r["requirement"]["id"] for r in failing} == {"MR-03"}
    result = failing[0]
    assert result["focus_node"] == {"iri": AGR + "example-widgets", "label": "Voorbeeldconvenant Onderdelen"}
    assert result["path"] == "^org:organization"
    assert "vakbond" in result["message"].lower()
    assert result["requirement"]["title"]


def test_validate_in_english_and_as_raw_turtle(env: Env) -> None:
    with env.client() as http:
        english = http.post(
            "/api/v1/validate?lang=en", content=INVALID.read_bytes(), headers={"Content-Type": "text/turtle"}
        ).json()
        raw = http.post(
            "/api/v1/validate",
            content=INVALID.read_bytes(),
            headers={"Content-Type": "text/turtle", "Accept": "text/turtle"},
        )
    assert "trade union" in english["results"][0]["message"].lower()
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/turtle")
    assert "sh:ValidationReport" in raw.text and "sh:conforms false" in raw.text


def test_validate_accepts_json_ld_and_n_triples(env: Env) -> None:
    from rdflib import Graph

    graph = Graph().parse(FIXTURE)
    with env.client() as http:
        for media, fmt in (("application/ld+json", "json-ld"), ("application/n-triples", "nt")):
            response = http.post(
                "/api/v1/validate", content=graph.serialize(format=fmt), headers={"Content-Type": media}
            )
            assert response.status_code == 200, response.text
            assert response.json()["conforms"] is True, media


def test_malformed_turtle_and_json_ld_are_400_naming_the_line(env: Env) -> None:
    broken_turtle = b'@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\n'
    broken_json = b'{\n  "@id": "http://example.org/a",\n  "http://example.org/b": [1,\n}'
    with env.client() as http:
        turtle = http.post("/api/v1/validate", content=broken_turtle, headers={"Content-Type": "text/turtle"})
        json_ld = http.post(
            "/api/v1/validate", content=broken_json, headers={"Content-Type": "application/ld+json"}
        )
    assert turtle.status_code == 400 and "line 3" in turtle.json()["detail"], turtle.text
    assert json_ld.status_code == 400 and "line 4" in json_ld.json()["detail"], json_ld.text


def test_unknown_content_type_is_415_and_too_large_is_413(env: Env) -> None:
    with env.client() as http:
        unknown = http.post("/api/v1/validate", content=b"a,b\n", headers={"Content-Type": "text/csv"})
        large = http.post("/api/v1/validate", content=b"#" * 300_000, headers={"Content-Type": "text/turtle"})
    assert unknown.status_code == 415 and unknown.json()["error"] == "unsupported_media_type"
    assert large.status_code == 413 and large.json()["error"] == "payload_too_large"


def test_cli_validate_exit_codes(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "imvokg", "validate"]
    ok = subprocess.run([*cli, str(FIXTURE)], capture_output=True, text=True)
    bad = subprocess.run([*cli, "--lang", "nl", str(INVALID)], capture_output=True, text=True)
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n")
    unreadable = subprocess.run([*cli, str(broken)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "conforms" in ok.stdout
    assert bad.returncode == 1 and "MR-03" in bad.stdout and "vakbond" in bad.stdout.lower()
    assert unreadable.returncode == 2 and "line 2" in unreadable.stderr


# --------------------------------------------------------------------------
# credentials
# --------------------------------------------------------------------------


def test_no_key_or_a_wrong_key_is_401(env: Env) -> None:
    with env.client() as http:
        missing = http.get("/api/v1/submissions")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Bearer")
        assert http.get("/api/v1/submissions", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert http.get("/api/v1/submissions", headers={"X-API-Key": env.keys["alice"]}).status_code == 200


def test_keys_are_stored_hashed(env: Env) -> None:
    text = (env.root / "keys.json").read_text()
    assert all(key not in text for key in env.keys.values())
    assert oct((env.root / "keys.json").stat().st_mode & 0o777) == "0o600"


def test_wrong_role_is_403(env: Env) -> None:
    response = submit(env, "example-role", who="bob")
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    created = submit(env, "example-role")
    assert created.status_code == 201
    with env.client("alice") as http:
        assert http.post(f"/api/v1/submissions/{created.json()['id']}/approve").status_code == 403


def test_cli_creates_a_key_that_the_server_accepts_at_once(env: Env) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "imvokg",
            "apikey",
            "create",
            "--user",
            "frank",
            "--role",
            "submitter",
            "--keys-file",
            str(env.root / "keys.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    with httpx.Client(base_url=env.url, headers={"Authorization": f"Bearer {key}"}) as http:
        assert http.get("/api/v1/submissions").status_code == 200
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "imvokg",
            "apikey",
            "create",
            "--user",
            "gus",
            "--role",
            "supervisor",
            "--keys-file",
            str(env.root / "keys.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "member-state" in refused.stderr


# --------------------------------------------------------------------------
# submit, approve, reject
# --------------------------------------------------------------------------


def test_a_failing_submission_leaves_no_trace(env: Env) -> None:
    with env.client("alice") as http:
        before = (http.get("/healthz").json()["version"], graph_names(http))
        journal_before = (
            sorted(p.name for p in (env.root / "submissions").glob("*"))
            if (env.root / "submissions").exists()
            else []
        )
        response = http.post(
            "/api/v1/submissions",
            content=INVALID.read_bytes(),
            headers={"Content-Type": "text/turtle", "Accept-Language": "nl;q=0.1, en;q=0.9"},
        )
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["error"] == "validation_failed"
        assert body["report"]["conforms"] is False
        assert body["report"]["lang"] == "en" == response.headers["content-language"]
        failing = {r["requirement"]["id"] for r in body["report"]["results"] if r["severity"] == "violation"}
        assert failing == {"MR-03"}
        after = (http.get("/healthz").json()["version"], graph_names(http))
        assert after == before
        assert all(s["agreement"] != AGR + "example-widgets" for s in http.get("/api/v1/submissions").json())
    journal_after = (
        sorted(p.name for p in (env.root / "submissions").glob("*"))
        if (env.root / "submissions").exists()
        else []
    )
    assert journal_after == journal_before


def test_submit_is_pending_and_invisible_then_approval_publishes(env: Env) -> None:
    created = submit(env, "example-approved")
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    assert created.headers["location"] == f"/api/v1/submissions/{sid}"
    agreement = AGR + "example-approved"
    with env.client("bob") as http:
        assert http.get(f"/api/v1/submissions/{sid}").json()["status"] == "pending"
        # pending: nowhere in the public graph
        asked = f"ASK {{ <{agreement}> a <{IMVO}SectorAgreement> }}"
        accept = {"Accept": "application/sparql-results+json"}
        first = http.get("/sparql", params={"query": asked}, headers=accept)
        again = http.get("/sparql", params={"query": asked}, headers=accept)
        assert (first.json()["boolean"], again.json()["boolean"]) == (False, False)
        assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
        assert not sparql_select(http, f"SELECT * WHERE {{ <{agreement}> ?p ?o }} LIMIT 1")
        assert http.get("/api/v1/agreements/example-approved").status_code == 404
        version = http.get("/healthz").json()["version"]

        approved = http.post(
            f"/api/v1/submissions/{sid}/approve", json={"valid_from": "2026-01-01", "issued": "2025-12-20"}
        )
        assert approved.status_code == 200, approved.text
        decision = approved.json()["decision"]
        assert http.get("/healthz").json()["version"] != version
        assert http.get(f"/api/v1/submissions/{sid}").json()["status"] == "approved"

        recognised = http.get("/api/v1/agreements", params={"recognised_by": "NL"}).json()
        assert "example-approved" in {a["slug"] for a in recognised}
        after = http.get("/sparql", params={"query": asked}, headers=accept)  # the write made it miss
        assert (after.json()["boolean"], after.headers["x-cache"]) == (True, "miss")
        assert sparql_select(http, f"SELECT * WHERE {{ <{agreement}> a <{IMVO}SectorAgreement> }}")
        rows = sparql_select(
            http,
            f"SELECT ?effect ?state ?agent ?report ?time WHERE {{ <{decision}> "
            f"<{IMVO}recognises> <{agreement}> ;"
            f" <{IMVO}legalEffect> ?effect ; <{IMVO}memberState> ?state ; <{PROV}wasAttributedTo> ?agent ;"
            f" <{IMVO}basedOnReport> ?report ; <{PROV}generatedAtTime> ?time }}",
        )
        effects = {r["effect"]["value"].rsplit("/", 1)[-1] for r in rows}
        assert effects == {"no-safe-harbour", "lighter-supervision"}
        assert {r["state"]["value"] for r in rows} == {
            "http://publications.europa.eu/resource/authority/country/NLD"
        }
        assert {r["agent"]["value"] for r in rows} == {"https://w3id.org/imvokg/id/agent/bob"}
        report = rows[0]["report"]["value"]
        shacl = "http://www.w3.org/ns/shacl#"
        assert sparql_select(http, f"SELECT * WHERE {{ <{report}> a <{shacl}ValidationReport> }}")

        detail = http.get("/api/v1/agreements/example-approved").json()
        assert [r["outcome"] for r in detail["recognitions"]] == ["recognised"]
        assert {r["status"] for r in detail["requirements"]} == {"met"}
        assert detail["risks"], "derived coverage triples are published with the agreement"

        again = http.post(f"/api/v1/submissions/{sid}/approve")
        assert again.status_code == 409 and again.json()["error"] == "conflict"
        assert http.post(f"/api/v1/submissions/{sid}/reject").status_code == 409


def test_other_member_state_is_403_and_unknown_id_404(env: Env) -> None:
    sid = submit(env, "example-other-state").json()["id"]
    with env.client("dirk") as http:
        response = http.post(f"/api/v1/submissions/{sid}/approve")
        assert response.status_code == 403 and "NLD" in response.json()["detail"]
        assert http.post("/api/v1/submissions/0123456789abcdef/approve").status_code == 404
        assert http.post("/api/v1/submissions/../../etc/approve").status_code == 404
        assert http.get("/api/v1/submissions/0123456789abcdef").status_code == 404
    with env.client("bob") as http:
        assert http.get(f"/api/v1/submissions/{sid}").json()["status"] == "pending"


def test_member_state_parameter_routes_the_submission(env: Env) -> None:
    response = submit(env, "example-for-germany", member_state="DE")
    assert response.status_code == 201
    sid = response.json()["id"]
    assert response.json()["submission"]["member_state"] == "DEU"
    with env.client("bob") as http:
        assert http.post(f"/api/v1/submissions/{sid}/approve").status_code == 403
    with env.client("dirk") as http:
        assert sid in {s["id"] for s in http.get("/api/v1/submissions").json()}
    with env.client("erin") as http:  # another submitter does not see it
        assert sid not in {s["id"] for s in http.get("/api/v1/submissions").json()}
    assert submit(env, "example-nowhere", member_state="US").status_code == 400


def test_reject_publishes_nothing(env: Env) -> None:
    sid = submit(env, "example-rejected").json()["id"]
    with env.client("bob") as http:
        before = http.get("/healthz").json()["version"]
        response = http.post(f"/api/v1/submissions/{sid}/reject", json={"reason": "no grievance data"})
        assert response.status_code == 200 and response.json()["status"] == "rejected"
        assert http.get("/healthz").json()["version"] == before
        assert not sparql_select(http, f"SELECT * WHERE {{ <{AGR}example-rejected> ?p ?o }} LIMIT 1")
        assert http.post(f"/api/v1/submissions/{sid}/approve").status_code == 409


def test_a_submission_cannot_smuggle_a_decision_or_replace_a_published_agreement(env: Env) -> None:
    smuggled = agreement_ttl("example-smuggler") + (
        b"\n<https://w3id.org/imvokg/id/decision/fake> a imvo:RecognitionDecision ;"
        b" imvo:recognises agr:example-smuggler .\n"
    )
    with env.client("alice") as http:
        response = http.post("/api/v1/submissions", content=smuggled, headers={"Content-Type": "text/turtle"})
        assert response.status_code == 400 and "decision" in response.json()["detail"]
        curated = FIXTURE.read_text().replace("agr:example-widgets", "agr:nl-gold").encode()
        response = http.post("/api/v1/submissions", content=curated, headers={"Content-Type": "text/turtle"})
        assert response.status_code == 409


def test_bad_decision_drafts_are_400_and_change_nothing(env: Env) -> None:
    sid = submit(env, "example-bad-draft").json()["id"]
    with env.client("bob") as http:
        for draft in (
            {"valid_from": "2026-13-01"},
            {"valid_from": "2026-02-01", "valid_until": "2026-01-01"},
            {"supervision_regime": "none"},
            {"colour": "blue"},
        ):
            response = http.post(f"/api/v1/submissions/{sid}/approve", json=draft)
            assert response.status_code == 400, (draft, response.text)
        response = http.post(
            f"/api/v1/submissions/{sid}/approve",
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert http.get(f"/api/v1/submissions/{sid}").json()["status"] == "pending"


def test_two_concurrent_approvals_give_one_decision(env: Env) -> None:
    sid = submit(env, "example-race").json()["id"]
    barrier = threading.Barrier(2)
    answers: list[str] = []

    def approve() -> None:
        with env.client("bob") as http:
            barrier.wait()
            try:
                response = http.post(f"/api/v1/submissions/{sid}/approve")
                answers.append(f"{response.status_code} {response.text}")
            except httpx.HTTPError as exc:  # an exception in a thread would vanish: record it
                answers.append(f"no answer: {exc!r}")

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer[:3] for answer in answers) == ["200", "409"], answers
    refusal = next(answer for answer in answers if answer.startswith("409"))
    assert "already decided" in refusal, answers  # the clear refusal: the other approval won
    with env.client("bob") as http:
        rows = sparql_select(
            http,
            f"SELECT ?d WHERE {{ ?d a <{IMVO}RecognitionDecision> ; "
            f"<{PROV}wasDerivedFrom> <https://w3id.org/imvokg/id/submission/{sid}> }}",
        )
    assert len(rows) == 1


def test_withdrawal_is_a_new_decision_and_valid_on_answers_as_of_a_date(env: Env) -> None:
    sid = submit(env, "example-withdrawn").json()["id"]
    with env.client("bob") as http:
        approved = http.post(f"/api/v1/submissions/{sid}/approve", json={"valid_from": "2026-01-01"})
        assert approved.status_code == 200
        with env.client("dirk") as other:  # Germany never recognised it: nothing to withdraw
            refused = other.post("/api/v1/agreements/example-withdrawn/withdraw")
            assert refused.status_code == 409 and "DEU" in refused.json()["detail"]
        with env.client("alice") as submitter:
            assert submitter.post("/api/v1/agreements/example-withdrawn/withdraw").status_code == 403
        withdraw = "/api/v1/agreements/example-withdrawn/withdraw"
        too_early = http.post(withdraw, json={"valid_from": "2025-06-01"})
        assert too_early.status_code == 400
        response = http.post(withdraw, json={"valid_from": "2028-01-01", "reason": "monitoring stopped"})
        assert response.status_code == 200, response.text
        assert http.post(withdraw).status_code == 409
        assert http.post("/api/v1/agreements/no-such-agreement/withdraw").status_code == 404

        def recognised_on(day: str) -> set[str]:
            rows = http.get("/api/v1/agreements", params={"recognised_by": "NL", "valid_on": day}).json()
            return {a["slug"] for a in rows}

        def decisions_on(day: str) -> list[str]:
            rows = http.get("/api/v1/recognitions", params={"member_state": "NL", "valid_on": day}).json()
            return sorted(r["outcome"] for r in rows if r["agreement"] == "example-withdrawn")

        assert "example-withdrawn" not in recognised_on("2025-12-31")
        assert "example-withdrawn" in recognised_on("2027-01-01")
        assert "example-withdrawn" not in recognised_on("2029-01-01")
        assert "example-withdrawn" not in {
            a["slug"] for a in http.get("/api/v1/agreements", params={"recognised_by": "NL"}).json()
        }
        assert decisions_on("2025-12-31") == []
        assert decisions_on("2027-01-01") == ["recognised"]
        assert decisions_on("2029-01-01") == ["withdrawn"]
        # never deleted: both decisions are on record
        detail = http.get("/api/v1/agreements/example-withdrawn").json()
        every = detail["recognitions"]
        assert sorted(r["outcome"] for r in every) == ["recognised", "withdrawn"]
        assert all("no-safe-harbour" in r["legal_effects"] for r in every)
        # decisions have the shapes the OpenAPI document declares
        models.AgreementDetail.model_validate(detail)
        TypeAdapter(list[models.Recognition]).validate_python(http.get("/api/v1/recognitions").json())


def test_agreement_detail_has_conformance_per_requirement_and_is_cached(env: Env) -> None:
    with env.client() as http:
        first = http.get("/api/v1/agreements/nl-garment-textile")
        second = http.get("/api/v1/agreements/nl-garment-textile")
        dutch = http.get("/api/v1/agreements/nl-garment-textile?lang=nl").json()
    rows = first.json()["requirements"]
    assert [r["id"] for r in rows] == [f"MR-{n:02d}" for n in range(1, 15)]
    assert {r["status"] for r in rows} <= {"met", "not_met", "warning"}
    assert any(r["status"] == "not_met" and r["messages"] for r in rows)
    # the repeat is answered from the cache (no version change in between), with the same bytes
    assert second.headers["x-cache"] == "hit"
    assert second.content == first.content
    assert dutch["requirements"][0]["title"] != rows[0]["title"]


# --------------------------------------------------------------------------
# a server killed during an approval
# --------------------------------------------------------------------------


def kill_during_approval(server: Server, sid: str, supervisor: dict[str, str], *, after_s: float) -> None:
    """Approve ``sid`` and SIGKILL the server ``after_s`` seconds in (where to kill, not synchronisation:
    the callers check both outcomes)."""

    def approve() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies under the request
            httpx.post(f"{server.url}/api/v1/submissions/{sid}/approve", headers=supervisor, timeout=120)

    thread = threading.Thread(target=approve)
    thread.start()
    time.sleep(after_s)
    server.kill()
    thread.join()


def test_sigkill_during_approval_publishes_all_or_nothing(store_path: Path, tmp_path: Path) -> None:
    store = copy_store(store_path, tmp_path)
    keys = make_keys(tmp_path / "keys.json")
    supervisor = {"Authorization": f"Bearer {keys['bob']}"}
    submitter = {"Authorization": f"Bearer {keys['alice']}"}
    outcomes: list[str] = []
    approval_seconds = None
    delays = [None, 0.3, 0.5, 0.6, 0.7, 0.8, 1.0]
    server = Server(store, tmp_path / "keys.json")
    try:
        for round_, fraction in enumerate(delays):
            slug = f"example-crash-{round_}"
            with httpx.Client(base_url=server.url, timeout=120) as http:
                created = http.post(
                    "/api/v1/submissions",
                    content=agreement_ttl(slug),
                    headers={"Content-Type": "text/turtle", **submitter},
                )
                assert created.status_code == 201, created.text
                sid = created.json()["id"]
                if fraction is None:  # measure an undisturbed approval first
                    started = time.perf_counter()
                    approved = http.post(f"/api/v1/submissions/{sid}/approve", headers=supervisor)
                    assert approved.status_code == 200, approved.text
                    approval_seconds = time.perf_counter() - started
                    continue

            kill_during_approval(server, sid, supervisor, after_s=approval_seconds * fraction)
            server = Server(store, tmp_path / "keys.json")
            with httpx.Client(base_url=server.url, timeout=60, headers=supervisor) as http:
                graph = f"https://w3id.org/imvokg/graph/submission-{sid}"
                has_graph = bool(
                    sparql_select(http, f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1")
                )
                has_decision = bool(
                    sparql_select(
                        http,
                        f"SELECT * WHERE {{ ?d a <{IMVO}RecognitionDecision> ; "
                        f"<{PROV}wasDerivedFrom> <https://w3id.org/imvokg/id/submission/{sid}> }}",
                    )
                )
                has_agreement = bool(sparql_select(http, f"SELECT * WHERE {{ <{AGR}{slug}> ?p ?o }} LIMIT 1"))
                assert has_decision == has_graph == has_agreement, (round_, has_decision, has_graph)
                status = http.get(f"/api/v1/submissions/{sid}").json()["status"]
                assert status == ("approved" if has_decision else "pending")
                if not has_decision:  # the survivor can still be decided, exactly once
                    assert http.post(f"/api/v1/submissions/{sid}/approve").status_code == 200
                outcomes.append("whole" if has_decision else "none")
    finally:
        server.kill()
    assert len(outcomes) == len(delays) - 1
    print(f"approval takes {approval_seconds:.2f} s; after SIGKILL: {outcomes}")


def test_every_write_side_answer_has_its_declared_shape(env: Env) -> None:
    """Submit, list, get, approve, withdraw and reject answers against their response models."""
    from pydantic import TypeAdapter

    from imvokg.api import models

    created = submit(env, "example-shapes")
    assert created.status_code == 201, created.text
    models.SubmissionCreated.model_validate(created.json())
    sid = created.json()["id"]
    with env.client("bob") as http:
        TypeAdapter(list[models.Submission]).validate_python(http.get("/api/v1/submissions").json())
        TypeAdapter(models.Submission).validate_python(http.get(f"/api/v1/submissions/{sid}").json())
        approved = http.post(f"/api/v1/submissions/{sid}/approve", json={"valid_from": "2026-01-01"})
        models.Approval.model_validate(approved.json())
        withdrawn = http.post("/api/v1/agreements/example-shapes/withdraw", json={"valid_from": "2027-01-01"})
        assert withdrawn.status_code == 200, withdrawn.text
        models.Withdrawal.model_validate(withdrawn.json())
    other = submit(env, "example-shapes-rejected").json()["id"]
    with env.client("bob") as http:
        rejected = http.post(f"/api/v1/submissions/{other}/reject", json={"reason": "incomplete"})
    assert rejected.status_code == 200, rejected.text
    assert TypeAdapter(models.Submission).validate_python(rejected.json()).status == "rejected"
