"""Amendments, versions and the registry's history, over real HTTP against a writable server.

One agreement is published and amended three times (a member leaves, a risk is added,
the end date moves); every answer given along the way is recorded and replayed with
``as_of`` later.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from tests.conftest import LiveServer
from tests.test_workflow import AGR, Env, agreement_ttl, start_writable_env

pytestmark = pytest.mark.slow  # a writable server of its own, four approvals

SLUG = "example-amended"
IRI = AGR + SLUG
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = "https://w3id.org/imvokg/graph/"


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


PARTIES = {"agreement": IRI}
SPARQL_JSON = {"Accept": "application/sparql-results+json"}


@dataclass
class Story:
    env: Env
    submissions: list[str] = field(default_factory=list)
    approvals: list[dict] = field(default_factory=list)
    answers: list[bytes] = field(default_factory=list)
    """GET /api/v1/agreements/{slug} right after each approval, as the registry gave it."""
    named: list[bytes] = field(default_factory=list)
    """The named query agreement-parties (SPARQL JSON results) right after each approval."""


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
            parties = http.get("/queries/agreement-parties", params=PARTIES, headers=SPARQL_JSON)
            assert parties.status_code == 200, parties.text
            told.named.append(parties.content)
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
    assert "## Agreement" in text.stdout and "+ <" in text.stdout and "2036-01-31" in text.stdout


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


def _parties(body: bytes) -> set[str]:
    import json

    return {row["party"]["value"].rsplit("/", 1)[-1] for row in json.loads(body)["results"]["bindings"]}


def test_a_named_query_as_of_answers_as_the_registry_stood_then(story: Story) -> None:
    with story.env.client() as http:
        versions = http.get(f"/api/v1/agreements/{SLUG}/history").json()["versions"]
        then = []
        for version in versions:
            replay = http.get(
                "/queries/agreement-parties",
                params={**PARTIES, "as_of": version["published"]},
                headers=SPARQL_JSON,
            )
            assert replay.status_code == 200, replay.text
            then.append(replay)
        # just before the member left (v2) and just after: different, each the answer given then
        before = http.get(
            "/queries/agreement-parties",
            params={**PARTIES, "as_of": _before(versions[1]["published"])},
            headers=SPARQL_JSON,
        )
        today = http.get("/queries/agreement-parties", params=PARTIES, headers=SPARQL_JSON)
    assert [r.content for r in then] == story.named  # byte for byte what was answered then
    assert before.content == story.named[0]
    assert "example-ministry" in _parties(then[0].content)
    assert "example-ministry" not in _parties(then[1].content)
    assert _parties(then[0].content) - _parties(then[1].content) == {"example-ministry"}
    assert datetime.fromisoformat(then[1].headers["x-registry-as-of"]) == datetime.fromisoformat(
        versions[1]["published"]
    )
    assert then[0].headers["x-release"] != then[1].headers["x-release"]
    assert "x-registry-as-of" not in today.headers  # today's answer says nothing of a past state


def test_a_named_query_combines_as_of_with_valid_on(story: Story) -> None:
    with story.env.client() as http:
        versions = http.get(f"/api/v1/agreements/{SLUG}/history").json()["versions"]

        def listed(as_of: str, valid_on: str) -> set[str]:
            answer = http.get(
                "/queries/agreements",
                params={"as_of": as_of, "valid_on": valid_on},
                headers=SPARQL_JSON,
            )
            assert answer.status_code == 200, answer.text
            return {b["agreement"]["value"] for b in answer.json()["results"]["bindings"]}

        # v3 ended on 2035-01-31, v4 moved the end a year: in force on 2035-06-01 only as of v4
        assert IRI not in listed(versions[2]["published"], "2035-06-01")
        assert IRI in listed(versions[3]["published"], "2035-06-01")
        assert IRI in listed(versions[2]["published"], "2030-06-01")
        assert IRI not in listed(_before(versions[0]["published"]), "2030-06-01")


def test_a_bad_as_of_on_a_named_query_is_a_400_that_changes_nothing(story: Story) -> None:
    with story.env.client() as http:
        releases = http.get("/api/v1/releases").json()
        today = http.get("/queries/agreement-parties", params=PARTIES, headers=SPARQL_JSON).content
        for bad in ("last tuesday", "2031-02-30", "2031-01-01T00:00:00", "2031-01-01T25:00:00Z"):
            answer = http.get("/queries/agreement-parties", params={**PARTIES, "as_of": bad})
            assert answer.status_code == 400, (bad, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert answer.json()["error"] == "bad_request" and "as_of" in answer.json()["detail"]
        too_early = http.get("/queries/agreement-parties", params={**PARTIES, "as_of": "1999-01-01"})
        assert too_early.status_code == 404 and too_early.json()["error"] == "not_found"
        assert http.get("/api/v1/releases").json() == releases
        assert http.get("/queries/agreement-parties", params=PARTIES, headers=SPARQL_JSON).content == today


def test_every_rest_answer_about_the_registry_takes_as_of(story: Story) -> None:
    with story.env.client() as http:
        versions = http.get(f"/api/v1/agreements/{SLUG}/history").json()["versions"]
        moment = versions[0]["published"]
        for path, params in (
            ("/api/v1/compare", {"a": SLUG, "b": "nl-garment-textile"}),
            ("/api/v1/risks", {}),
            ("/api/v1/sectors", {}),
            ("/api/v1/instruments", {}),
            ("/api/v1/provisions/ungp-2011/principle-14", {}),
        ):
            answer = http.get(path, params={**params, "as_of": moment})
            assert answer.status_code == 200, (path, answer.text)
            assert datetime.fromisoformat(answer.headers["x-registry-as-of"]) == datetime.fromisoformat(
                moment
            )
            assert http.get(path, params={**params, "as_of": "soon"}).status_code == 400, path
        compared = http.get("/api/v1/compare", params={"a": SLUG, "b": "nl-garment-textile", "as_of": moment})
        before = http.get(
            "/api/v1/compare", params={"a": SLUG, "b": "nl-garment-textile", "as_of": _before(moment)}
        )
    assert "example-ministry" in compared.text  # the party that left in v2 was there in v1
    assert before.status_code == 404  # not yet published then


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


def _http_date(moment: datetime) -> str:
    from email.utils import format_datetime

    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _in_force(versions: list[dict], moment: datetime) -> int:
    """The rule a TimeGate follows: the newest version published at or before the moment."""
    earlier = [v["version"] for v in versions if datetime.fromisoformat(v["published"]) <= moment]
    return earlier[-1] if earlier else 1


def test_memento_timegate_memento_and_timemap_with_httpx(story: Story) -> None:
    with story.env.client() as http:
        versions = http.get(f"/api/v1/agreements/{SLUG}/history").json()["versions"]
        # an HTTP-date has whole seconds: ask for the second after version 2 was published
        asked = datetime.fromisoformat(versions[1]["published"]).replace(microsecond=0) + timedelta(seconds=1)
        gate = http.get(f"/id/agreement/{SLUG}", headers={"Accept-Datetime": _http_date(asked)})
        assert gate.status_code == 302
        expected = _in_force(versions, asked)
        assert gate.headers["location"] == f"{story.env.url}/id/agreement/{SLUG}/v/{expected}"
        assert "accept-datetime" in gate.headers["vary"].lower()
        links = gate.headers["link"]
        assert f'<{story.env.url}/id/agreement/{SLUG}>; rel="original timegate"' in links
        assert f'<{story.env.url}/timemap/agreement/{SLUG}>; rel="timemap"' in links
        earliest = http.get(
            f"/id/agreement/{SLUG}", headers={"Accept-Datetime": "Mon, 01 Jan 2001 00:00:00 GMT"}
        )
        assert earliest.headers["location"].endswith("/v/1")
        plain = http.get(f"/id/agreement/{SLUG}", headers={"Accept": "text/turtle"})
        assert plain.status_code == 200 and 'rel="timemap"' in plain.headers["link"]
        bad = http.get(f"/id/agreement/{SLUG}", headers={"Accept-Datetime": "yesterday"})
        assert bad.status_code == 400 and bad.json()["error"] == "bad_request"

        mementos = {}
        for v in versions:
            memento = http.get(
                f"/id/agreement/{SLUG}/v/{v['version']}", headers={"Accept": "application/n-triples"}
            )
            assert memento.status_code == 200
            assert memento.headers["memento-datetime"] == _http_date(datetime.fromisoformat(v["published"]))
            assert 'rel="original timegate"' in memento.headers["link"]
            mementos[v["version"]] = memento.text
        end = f"<{IRI}> <https://w3id.org/imvokg/ont#endDate> "
        assert end + f'"2035-01-31"^^<{XSD}date>' in mementos[3]  # the agreement as it was then
        assert end + f'"2036-01-31"^^<{XSD}date>' in mementos[4]
        assert end + f'"2036-01-31"^^<{XSD}date>' not in mementos[3]
        assert http.get(f"/id/agreement/{SLUG}/v/9").status_code == 404

        timemap = http.get(f"/timemap/agreement/{SLUG}")
    assert timemap.status_code == 200 and timemap.headers["content-type"].startswith(
        "application/link-format"
    )
    entries = [_link(entry) for entry in timemap.text.split(",\n")]
    rels = {target: params["rel"] for target, params in entries}
    assert rels[f"{story.env.url}/id/agreement/{SLUG}"] in {"original", "timegate"}
    listed = [(t, p) for t, p in entries if "memento" in p["rel"]]
    assert [t.rsplit("/", 1)[-1] for t, _ in listed] == ["1", "2", "3", "4"]
    assert listed[0][1]["rel"] == "first memento" and listed[-1][1]["rel"] == "last memento"
    assert [p["datetime"] for _, p in listed] == [
        _http_date(datetime.fromisoformat(v["published"])) for v in versions
    ]
    assert http_status(story.env.url + "/timemap/agreement/nl-garment-textile") == 404


def _link(entry: str) -> tuple[str, dict[str, str]]:
    """One link-value of an application/link-format document: target and parameters."""
    target, *params = [part.strip() for part in entry.strip().split(";")]
    return target.strip("<>"), {k: v.strip('"') for k, _, v in (p.partition("=") for p in params)}


def http_status(url: str) -> int:
    return httpx.get(url, timeout=30).status_code


def test_memento_headers_with_curl(story: Story) -> None:
    import shutil
    import subprocess

    curl = shutil.which("curl")
    assert curl, "curl is part of the test environment"
    shown = subprocess.run(
        [
            curl, "-s", "-o", "/dev/null", "-D", "-",
            "-H", "Accept-Datetime: Mon, 01 Jan 2001 00:00:00 GMT",
            f"{story.env.url}/id/agreement/{SLUG}",
        ],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    head = shown.stdout.lower()
    assert head.startswith("http/1.1 302")
    assert f"location: {story.env.url}/id/agreement/{SLUG}/v/1".lower() in head
    followed = subprocess.run(
        [curl, "-s", "-L", "-o", "/dev/null", "-D", "-", "-H", "Accept: text/turtle",
         "-H", "Accept-Datetime: Mon, 01 Jan 2001 00:00:00 GMT", f"{story.env.url}/id/agreement/{SLUG}"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert "memento-datetime:" in followed.stdout.lower()


END_DATE = f"SELECT ?end WHERE {{ <{IRI}> <https://w3id.org/imvokg/ont#endDate> ?end }}"


def test_sparql_runs_on_any_release_and_names_it(story: Story) -> None:
    with story.env.client() as http:
        versions = http.get(f"/api/v1/agreements/{SLUG}/history").json()["versions"]
        releases = http.get("/api/v1/releases").json()
        since = {r["since"]: r["release"] for r in releases}
        at = [since[datetime.fromisoformat(v["published"]).astimezone(UTC).isoformat()] for v in versions]
        accept = {"Accept": "application/sparql-results+json"}
        now = http.get("/sparql", params={"query": END_DATE}, headers=accept)
        then = http.get("/sparql", params={"query": END_DATE, "release": at[2]}, headers=accept)
        posted = http.post("/sparql", data={"query": END_DATE, "release": at[3]}, headers=accept)
        before = http.get(
            "/sparql", params={"query": END_DATE, "release": releases[-1]["release"]}, headers=accept
        )
        unknown = http.get(
            "/sparql", params={"query": END_DATE, "release": "no-such-release"}, headers=accept
        )
        health = http.get("/healthz").json()

    def end(response: httpx.Response) -> list[str]:
        assert response.status_code == 200, response.text
        return [row["end"]["value"] for row in response.json()["results"]["bindings"]]

    assert end(now) == ["2036-01-31"] and now.headers["x-release"] == health["version"]
    assert end(then) == ["2035-01-31"] and then.headers["x-release"] == at[2]  # v3, before the date moved
    assert end(posted) == ["2036-01-31"] and posted.headers["x-release"] == at[3]
    assert end(before) == []  # the state before v1: the agreement was not published yet
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    assert releases[0]["until"] is None and all(r["until"] for r in releases[1:])


def test_the_build_is_an_event_of_the_registry(story: Story) -> None:
    with story.env.client() as http:
        rows = http.get(
            "/queries/registry-events", headers={"Accept": "application/sparql-results+json"}
        ).json()["results"]["bindings"]
    kinds = [row["kind"]["value"] for row in rows]
    assert "build" in kinds and kinds.count("amendment") == 3


def test_sigkill_during_an_amendment_leaves_the_old_version_current_and_whole(
    store_path: Path, tmp_path: Path
) -> None:
    """Kill `imvokg serve` at several points of an amendment's approval: one version is current, whole."""
    import time

    from loadtest.write_trials import Server
    from tests.test_workflow import copy_store, kill_during_approval, make_keys

    store = copy_store(store_path, tmp_path)
    keys = make_keys(tmp_path / "keys.json")
    supervisor = {"Authorization": f"Bearer {keys['bob']}"}
    submitter = {"Authorization": f"Bearer {keys['alice']}", "Content-Type": "text/turtle"}
    later = [version_4().replace("2036-01-31", f"{year}-01-31") for year in (2037, 2038, 2039)]
    bodies = [version_1(), version_2(), version_3(), version_4(), *later]
    ends = ["2035-01-31"] * 3 + ["2036-01-31", "2037-01-31", "2038-01-31", "2039-01-31"]
    # the first approval (v1, then v2) is measured undisturbed; the kills fall before, during and
    # after the store write (the approval's last step), so both outcomes are seen and checked
    fractions = [None, 0.5, 0.9, 1.0, 1.3]
    server = Server(store, tmp_path / "keys.json")
    outcomes = []
    current = 0
    seconds = 0.0
    try:
        for round_, fraction in enumerate(fractions):
            with httpx.Client(base_url=server.url, timeout=120) as http:
                if round_ == 0:
                    first = http.post("/api/v1/submissions", content=bodies[0].encode(), headers=submitter)
                    assert (
                        http.post(
                            f"/api/v1/submissions/{first.json()['id']}/approve", headers=supervisor
                        ).status_code
                        == 200
                    )
                    current = 1
                created = http.post(
                    "/api/v1/submissions",
                    content=bodies[current].encode(),
                    headers=submitter,
                    params={"replaces": str(current)},
                )
                assert created.status_code == 201, created.text
                sid = created.json()["id"]
                if fraction is None:
                    started = time.perf_counter()
                    assert (
                        http.post(f"/api/v1/submissions/{sid}/approve", headers=supervisor).status_code == 200
                    )
                    seconds = time.perf_counter() - started
                    current += 1
                    continue

            kill_during_approval(server, sid, supervisor, after_s=seconds * fraction)
            server = Server(store, tmp_path / "keys.json")
            with httpx.Client(base_url=server.url, timeout=60, headers=supervisor) as http:
                found = http.get(f"/api/v1/agreements/{SLUG}/history").json()["versions"]
                detail = http.get(f"/api/v1/agreements/{SLUG}").json()
                published = len(found)
                assert published in (current, current + 1), (round_, published)
                assert detail["end_date"] == ends[published - 1]  # the current version's facts, whole
                assert len(detail["parties"]) == (5 if published == 1 else 4)
                graphs = {
                    row["g"]["value"]
                    for row in http.post(
                        "/sparql",
                        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                        headers={"Accept": "application/sparql-results+json"},
                    ).json()["results"]["bindings"]
                }
                versions_here = {GRAPH + f"submission-{v['submission']}" for v in found}
                # of this agreement's versions, only the current one's statements are in the store
                assert versions_here & graphs == {GRAPH + f"submission-{found[-1]['submission']}"}
                status = http.get(f"/api/v1/submissions/{sid}").json()["status"]
                assert status == ("approved" if published == current + 1 else "pending")
                if published == current:  # the survivor can still be decided, exactly once
                    assert http.post(f"/api/v1/submissions/{sid}/approve").status_code == 200
                outcomes.append("new" if published == current + 1 else "old")
                current += 1
                # the registry as it stood before this amendment is still answered
                before = (
                    http.get(f"/api/v1/agreements/{SLUG}", params={"as_of": _before(found[-1]["published"])})
                    if published > 1
                    else None
                )
                if before is not None:
                    assert before.status_code == 200 and before.json()["end_date"] == ends[published - 2]
    finally:
        server.kill()
    assert len(outcomes) == len(fractions) - 1
    print(f"amendment approval takes {seconds:.2f} s; after SIGKILL: {outcomes}")
