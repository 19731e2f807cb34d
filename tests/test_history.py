"""Amendments, versions and the registry's history, over real HTTP against a writable server.

One agreement is published and amended three times (a member leaves, a risk is added,
the end date moves); every answer given along the way is recorded and replayed with
``as_of`` later.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from tests.conftest import LiveServer
from tests.test_workflow import AGR, Env, agreement_ttl, start_writable_env

pytestmark = pytest.mark.slow  # a writable server of its own, four approvals

SLUG = "example-amended"
IRI = AGR + SLUG
XSD = "http://www.w3.org/2001/XMLSchema#"


def version_1() -> str:
    return agreement_ttl(SLUG).decode()


def version_2() -> str:
    """A member leaves: the ministry (an observer) is no longer a party."""
    text = version_1()
    start = text.index("mem:example-widgets--example-ministry a imvo:Membership")
    end = text.index("\n", text.index("role:observer", start)) + 1
    return text[:start] + text[end:]


def version_3() -> str:
    """A risk is added to the risk analysis."""
    text = version_2()
    text = text.replace(
        "ar:example-widgets--example-widgets--labour-rights ;\n",
        "ar:example-widgets--example-widgets--labour-rights , ar:example-amended--forced-labour ;\n",
        1,
    )
    return text + (
        "\nar:example-amended--forced-labour a imvo:AssessedRisk ;\n"
        "    imvo:riskTopic rt:labour-rights ; imvo:isSalient false ;\n"
        "    imvo:severityScale sev:high ; imvo:severityScope sev:medium ;\n"
        "    imvo:irremediability sev:medium ; imvo:likelihood lik:possible ;\n"
        "    dcterms:source src:example-source .\n"
    )


def version_4() -> str:
    """The end date moves a year."""
    return version_3().replace('imvo:endDate "2035-01-31"^^xsd:date', 'imvo:endDate "2036-01-31"^^xsd:date')


@dataclass
class Story:
    env: Env
    submissions: list[str] = field(default_factory=list)
    approvals: list[dict] = field(default_factory=list)
    answers: list[bytes] = field(default_factory=list)
    """GET /api/v1/agreements/{slug} right after each approval, as the registry gave it."""


def submit(env: Env, body: str, **params: str) -> httpx.Response:
    with env.client("alice") as http:
        return http.post(
            "/api/v1/submissions",
            content=body.encode(),
            headers={"Content-Type": "text/turtle"},
            params=params,
        )


def approve(env: Env, sid: str) -> httpx.Response:
    with env.client("bob") as http:
        return http.post(f"/api/v1/submissions/{sid}/approve")


@pytest.fixture(scope="module")
def writable(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    live: LiveServer
    live, environment = start_writable_env(store_path, tmp_path_factory.mktemp("history"))
    yield environment
    live.stop()


@pytest.fixture(scope="module")
def story(writable: Env) -> Story:
    """Publish v1, then amend three times; record what the registry answered after each step."""
    told = Story(writable)
    for number, body in enumerate((version_1(), version_2(), version_3(), version_4()), 1):
        params = {"replaces": f"{IRI}/v/{number - 1}"} if number > 1 else {}
        created = submit(writable, body, **params)
        assert created.status_code == 201, created.text
        sid = created.json()["id"]
        approved = approve(writable, sid)
        assert approved.status_code == 200, approved.text
        told.submissions.append(sid)
        told.approvals.append(approved.json())
        with writable.client() as http:
            answer = http.get(f"/api/v1/agreements/{SLUG}")
            assert answer.status_code == 200
            told.answers.append(answer.content)
    return told


def test_each_approval_publishes_the_next_version_and_the_store_holds_the_current_one(story: Story) -> None:
    assert [a["version"] for a in story.approvals] == [f"{IRI}/v/{n}" for n in (1, 2, 3, 4)]
    assert story.approvals[1]["submission"]["replaces"] == f"{IRI}/v/1"
    with story.env.client() as http:
        detail = http.get(f"/api/v1/agreements/{SLUG}").json()
    assert detail["end_date"] == "2036-01-31"
    assert "example-ministry" not in {p["slug"] for p in detail["parties"]}  # left in v2, not back
    parties = {p["slug"] for p in __import__("json").loads(story.answers[0])["parties"]}
    assert "example-ministry" in parties


def test_the_agreement_iri_links_its_versions(story: Story) -> None:
    with story.env.client() as http:
        turtle = http.get(f"/id/agreement/{SLUG}", headers={"Accept": "application/n-triples"}).text
        v3 = http.get(f"/id/agreement/{SLUG}/v/3", headers={"Accept": "application/n-triples"}).text
    for n in (1, 2, 3, 4):
        assert f"<{IRI}> <http://purl.org/dc/terms/hasVersion> <{IRI}/v/{n}> ." in turtle
    assert f"<{IRI}/v/3> <http://www.w3.org/ns/prov#wasRevisionOf> <{IRI}/v/2> ." in v3
    assert f"<{IRI}/v/3> <http://purl.org/dc/terms/replaces> <{IRI}/v/2> ." in v3
    assert f"<{IRI}/v/3> <http://purl.org/dc/terms/isReplacedBy> <{IRI}/v/4> ." in v3


def test_a_decision_about_a_superseded_version_says_so(story: Story) -> None:
    with story.env.client() as http:
        recognitions = http.get(f"/api/v1/agreements/{SLUG}").json()["recognitions"]
    by_version = {r["version"]: r for r in recognitions}
    assert set(by_version) == {f"{IRI}/v/{n}" for n in (1, 2, 3, 4)}
    assert by_version[f"{IRI}/v/2"]["version_superseded"] is True
    assert by_version[f"{IRI}/v/4"]["version_superseded"] is False
    # as the registry answered right after v2 was approved, the decision about v2 was current
    at_v2 = {r["version"]: r for r in __import__("json").loads(story.answers[1])["recognitions"]}
    assert at_v2[f"{IRI}/v/2"]["version_superseded"] is False


def test_an_amendment_must_name_the_current_version(story: Story) -> None:
    env = story.env
    stale = submit(env, version_4(), replaces=f"{IRI}/v/2")
    assert stale.status_code == 409, stale.text
    assert f"{IRI}/v/4" in stale.json()["detail"]
    assert submit(env, version_4()).status_code == 409  # published: an amendment names its version
    assert submit(env, version_4(), replaces="v/zero").status_code == 400
    curated = submit(env, version_4().replace(SLUG, "nl-garment-textile"), replaces="1")
    assert curated.status_code == 409, curated.text


def test_history_lists_four_versions_with_the_right_diffs(story: Story) -> None:
    with story.env.client() as http:
        answer = http.get(f"/api/v1/agreements/{SLUG}/history")
        assert answer.status_code == 200, answer.text
        found = answer.json()
        pair = http.get(f"/api/v1/agreements/{SLUG}/history", params={"from": 1, "to": 4}).json()["diff"]
        missing = http.get(f"/api/v1/agreements/{SLUG}/history", params={"from": 1, "to": 9})
        curated = http.get("/api/v1/agreements/nl-garment-textile/history")
    assert [v["version"] for v in found["versions"]] == [1, 2, 3, 4]
    assert [v["submission"] for v in found["versions"]] == story.submissions
    assert {v["approved_by"] for v in found["versions"]} == {"bob"}
    assert found["current"] == f"{IRI}/v/4"
    left, risk, moved = found["diffs"]
    assert set(left["groups"]) == {"parties"}  # the ministry's membership, nothing else
    assert any("example-ministry" in t for t in left["groups"]["parties"]["removed"])
    assert not left["groups"]["parties"]["added"]
    assert set(risk["groups"]) == {"risks"}
    assert any("forced-labour" in t for t in risk["groups"]["risks"]["added"])
    assert set(moved["groups"]) == {"agreement"}
    assert moved["groups"]["agreement"]["added"] == [
        f'<{IRI}> <https://w3id.org/imvokg/ont#endDate> "2036-01-31"^^<{XSD}date> .'
    ]
    assert set(pair["groups"]) == {"parties", "risks", "agreement"}
    kinds = [e["kind"] for e in found["events"] if e["kind"] != "rejection"]  # a rejection may come first
    assert kinds == ["amendment", "amendment", "amendment", "approval"]  # newest first
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert curated.status_code == 404


def test_cli_diff_prints_the_same_groups(story: Story) -> None:
    import json
    import subprocess
    import sys

    store = story.env.root / "store"
    shown = subprocess.run(
        [sys.executable, "-m", "imvokg", "diff", SLUG, "2", "3", "--json", "--store", str(store)],
        capture_output=True,
        text=True,
        check=False,
    )
    # the server holds the store open; the command line reads the same store read-only
    assert shown.returncode == 0, shown.stderr
    assert set(json.loads(shown.stdout)["groups"]) == {"risks"}
    text = subprocess.run(
        [sys.executable, "-m", "imvokg", "diff", SLUG, "--store", str(store)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert text.returncode == 0, text.stderr
    assert "## agreement" in text.stdout and "+ <" in text.stdout and "2036-01-31" in text.stdout


def test_as_of_before_each_approval_replays_the_answer_given_then(story: Story) -> None:
    with story.env.client() as http:
        versions = http.get(f"/api/v1/agreements/{SLUG}/history").json()["versions"]
        for number, recorded in enumerate(story.answers, 1):
            after = versions[number - 1]["published"]
            replay = http.get(f"/api/v1/agreements/{SLUG}", params={"as_of": after})
            assert replay.status_code == 200, replay.text
            assert replay.content == recorded, number
            assert datetime.fromisoformat(replay.headers["x-registry-as-of"]) == datetime.fromisoformat(after)
        before_first = http.get(
            f"/api/v1/agreements/{SLUG}", params={"as_of": _before(versions[0]["published"])}
        )
        assert before_first.status_code == 404  # not yet published then
        combined = http.get(
            "/api/v1/agreements", params={"as_of": versions[1]["published"], "valid_on": "2030-06-01"}
        )
        assert combined.status_code == 200 and SLUG in {a["slug"] for a in combined.json()}
        bad = http.get(f"/api/v1/agreements/{SLUG}", params={"as_of": "last tuesday"})
        assert bad.status_code == 400 and bad.json()["error"] == "bad_request"
        too_early = http.get(f"/api/v1/agreements/{SLUG}", params={"as_of": "1999-01-01"})
        assert too_early.status_code == 404


def _before(moment: str) -> str:
    from datetime import timedelta

    return (datetime.fromisoformat(moment) - timedelta(microseconds=1)).isoformat()


def test_a_rejected_amendment_is_an_event_and_changes_nothing(story: Story) -> None:
    env = story.env
    with env.client() as http:
        before = http.get(f"/api/v1/agreements/{SLUG}").content
    created = submit(env, version_4().replace("2036-01-31", "2037-01-31"), replaces="4")
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    with env.client("bob") as http:
        assert http.post(f"/api/v1/submissions/{sid}/reject", json={"reason": "no"}).status_code == 200
    with env.client() as http:
        after = http.get(f"/api/v1/agreements/{SLUG}").content
        events = http.get(f"/api/v1/agreements/{SLUG}/history").json()["events"]
    assert after == before
    assert events[0]["kind"] == "rejection" and events[0]["submission"] == sid and events[0]["actor"] == "bob"
