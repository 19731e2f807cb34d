"""SIGKILL during submit/approve loops: no acknowledged write lost, nothing half-published.

    python loadtest/write_trials.py [--trials 20] [--seed 1] [--store DIR]

Why: the workflow promises that a 201 (submission kept) and a 200 (agreement
and decision published) survive a crash, and that an approval publishes all
of its named graphs or none. Only a real process killed at an unplanned
moment tests that promise; a clean shutdown would flush what a crash cannot.

1. builds the curated store once (``imvokg build --no-reason``) into a
   temporary directory (or takes ``--store``) and copies it, so the project's
   own store is never written; one copy serves every trial, so each check
   covers the writes of all earlier trials too;
2. per trial: a client thread loops submit + approve of distinct fictional
   agreements (the shape fixture with its IRIs renamed) against
   ``python -m imvokg serve`` and records every acknowledged write;
   the server's process group gets SIGKILL after a seeded random delay;
3. restarts the server on the same store and checks: every acknowledged
   submission is still there; every acknowledged approval is published
   (agreement, decision, its three named graphs, status ``approved``); every
   submission in the journal is published whole or not at all, and its
   status agrees with the store.

The summary is printed and written as JSON under loadtest/results/.
Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "shapes" / "valid" / "agreement-complete.ttl"
RESULTS = Path(__file__).resolve().parent / "results"
IMVO = "https://w3id.org/imvokg/ont#"
PROV = "http://www.w3.org/ns/prov#"
AGR = "https://w3id.org/imvokg/id/agreement/"
GRAPH = "https://w3id.org/imvokg/graph/"
SUBMISSION = "https://w3id.org/imvokg/id/submission/"
START_TIMEOUT_S = 90.0
REQUEST_TIMEOUT_S = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def agreement_ttl(slug: str) -> bytes:
    """The conforming fixture with every ``example-widgets`` IRI renamed, so each write is distinct.

    Renaming the agreement alone would make later submissions share the
    memberships, commitments and mechanisms of earlier published ones.
    """
    return FIXTURE.read_text(encoding="utf-8").replace("example-widgets", slug).encode("utf-8")


def build_store(into: Path) -> Path:
    """The curated knowledge base without HermiT: no Java needed, and the write path is the same."""
    store = into / "store"
    subprocess.run(
        [sys.executable, "-m", "imvokg", "build", "--store", str(store), "--no-reason", "--no-dumps"],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return store


def copy_store(template: Path, into: Path) -> Path:
    """A private copy (the build's store path is a symlink to a timestamped directory)."""
    target = into / "store"
    shutil.copytree(template.resolve(), target)
    return target


def make_keys(path: Path) -> dict[str, str]:
    """A submitter and a supervisor for NL, written where the server reads them."""
    from imvokg.services.credentials import Credentials

    credentials = Credentials(path)
    return {
        "submitter": credentials.create("wt-submitter", "submitter")[0],
        "supervisor": credentials.create("wt-supervisor", "supervisor", member_state="NL")[0],
    }


class Server:
    """``python -m imvokg serve`` in its own process group, so SIGKILL takes its query workers too."""

    def __init__(self, store: Path, keys: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "IMVOKG_API_KEYS_FILE": str(keys),
            "IMVOKG_SPARQL_RATE_PER_S": "0",
            "IMVOKG_KEY_RATE_PER_S": "0",
            "IMVOKG_READ_ONLY": "false",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "imvokg", "serve", "--store", str(store), "--port", str(self.port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(store.parent / "server.log").open("ab"),  # kept: a 500 leaves its traceback here
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode} at start-up")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("the server did not answer /healthz in time")

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown hook, no flush, as in a crash."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@dataclass
class Written:
    """One agreement the client tried to write, and which of its writes were acknowledged."""

    slug: str
    trial: int
    submission_id: str | None = None  # set on 201
    approved: bool = False  # set on 200
    decision: str | None = None


@dataclass
class Loop:
    """What the client thread did in one trial."""

    writes: list[Written] = field(default_factory=list)
    phase: str = "idle"  # the request in flight when the kill came
    iterations: int = 0
    errors: list[str] = field(default_factory=list)


def client_loop(
    url: str, keys: dict[str, str], trial: int, loop: Loop, stop: threading.Event, max_iterations: int
) -> None:
    """Submit then approve, again and again, until the server dies or the bound is reached.

    Only a complete answer counts as acknowledged; a connection error means the
    server died under the request and that write is unacknowledged.
    """
    submitter = {"Authorization": f"Bearer {keys['submitter']}"}
    supervisor = {"Authorization": f"Bearer {keys['supervisor']}"}
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S) as http:
        while not stop.is_set() and loop.iterations < max_iterations:
            written = Written(slug=f"wt-{trial:03d}-{loop.iterations:03d}", trial=trial)
            loop.writes.append(written)
            loop.iterations += 1
            try:
                loop.phase = "submit"
                created = http.post(
                    "/api/v1/submissions",
                    content=agreement_ttl(written.slug),
                    headers={"Content-Type": "text/turtle", **submitter},
                )
                if created.status_code != 201:
                    loop.errors.append(f"submit {written.slug}: {created.status_code} {created.text[:200]}")
                    return
                written.submission_id = created.json()["id"]
                loop.phase = "approve"
                approved = http.post(
                    f"/api/v1/submissions/{written.submission_id}/approve",
                    json={"valid_from": "2030-02-01"},
                    headers=supervisor,
                )
                if approved.status_code != 200:
                    loop.errors.append(
                        f"approve {written.slug}: {approved.status_code} {approved.text[:200]}"
                    )
                    return
                written.approved = True
                written.decision = approved.json()["decision"]
                loop.phase = "between"
            except httpx.HTTPError:
                return  # the server is gone; what was in flight is unacknowledged


def sparql(http: httpx.Client, query: str) -> list[dict[str, Any]]:
    response = http.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    response.raise_for_status()
    return list(response.json()["results"]["bindings"])


def present_iris(http: httpx.Client, iris: list[str], pattern: str) -> set[str]:
    """Which of ``iris`` match ``pattern`` (with ?x bound), in chunks that stay under the query-size limit."""
    found: set[str] = set()
    for start in range(0, len(iris), 200):
        chunk = iris[start : start + 200]
        values = " ".join(f"<{iri}>" for iri in chunk)
        rows = sparql(http, f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} FILTER EXISTS {{ {pattern} }} }}")
        found.update(row["x"]["value"] for row in rows)
    return found


def check(url: str, keys: dict[str, str], everything: list[Written]) -> dict[str, Any]:
    """After a restart: acknowledged writes all there, every publication whole or absent."""
    supervisor = {"Authorization": f"Bearer {keys['supervisor']}"}
    problems: list[str] = []
    lost: list[str] = []
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S, headers=supervisor) as http:
        journal = {s["id"]: s for s in http.get("/api/v1/submissions").raise_for_status().json()}
        for written in everything:
            if written.submission_id is None:
                continue
            answer = http.get(f"/api/v1/submissions/{written.submission_id}")
            if answer.status_code != 200 or answer.json()["agreement"] != AGR + written.slug:
                lost.append(f"submission {written.slug}")
                problems.append(f"lost submission {written.slug} ({answer.status_code})")
                continue
            journal[written.submission_id] = answer.json()  # also counts one the listing missed

        ids = sorted(journal)
        data = present_iris(http, [f"{GRAPH}submission-{i}" for i in ids], "GRAPH ?x { ?s ?p ?o }")
        derived = present_iris(
            http, [f"{GRAPH}submission-{i}-inferred" for i in ids], "GRAPH ?x { ?s ?p ?o }"
        )
        decision_graphs = present_iris(
            http, [f"{GRAPH}decision-recognition-{i}" for i in ids], "GRAPH ?x { ?s ?p ?o }"
        )
        decided = present_iris(
            http,
            [SUBMISSION + i for i in ids],
            f"?d a <{IMVO}RecognitionDecision> ; <{PROV}wasDerivedFrom> ?x ; <{IMVO}recognises> ?a",
        )
        agreements = present_iris(
            http, sorted({journal[i]["agreement"] for i in ids}), f"?x a <{IMVO}IrbcAgreement>"
        )

        partial: list[str] = []
        published: set[str] = set()
        for i in ids:
            parts = {
                "data graph": f"{GRAPH}submission-{i}" in data,
                "derived graph": f"{GRAPH}submission-{i}-inferred" in derived,
                "decision graph": f"{GRAPH}decision-recognition-{i}" in decision_graphs,
                "decision": SUBMISSION + i in decided,
                "agreement": journal[i]["agreement"] in agreements,
                "status approved": journal[i]["status"] == "approved",
            }
            if all(parts.values()):
                published.add(i)
            elif any(parts.values()):
                partial.append(i)
                problems.append(f"partial publication of {i}: {parts}")

        for written in everything:
            if written.approved and written.submission_id not in published:
                lost.append(f"approval {written.slug}")
                problems.append(f"lost approval {written.slug} ({written.submission_id})")
    return {
        "submissions_in_journal": len(ids),
        "published": len(published),
        "lost": len(lost),
        "partial": len(partial),
        "journal_ids": ids,
        "journal_agreements": sorted({journal[i]["agreement"] for i in ids}),
        "published_ids": sorted(published),
        "lost_writes": lost,
        "partial_submissions": partial,
        "problems": problems,
    }


def in_flight_outcome(loop: Loop, phase: str, result: dict[str, Any]) -> str:
    """What became of the write the kill cut short: the figure that shows kills land mid-write.

    An unacknowledged submission may or may not be kept, and an unacknowledged
    approval may or may not be published; both are correct, as long as neither
    is half there (the partial check covers that).
    """
    if phase not in ("submit", "approve") or not loop.writes:
        return "none in flight"
    written = loop.writes[-1]
    if phase == "submit":
        # the client never learnt the id: look the agreement up among the journal's submissions
        kept = AGR + written.slug in result["journal_agreements"]
        return "submission kept" if kept else "submission absent"
    published = written.submission_id in result["published_ids"]
    return "approval published whole" if published else "approval absent"


def run(
    template: Path,
    work: Path,
    *,
    trials: int,
    seed: int,
    kill_min_s: float,
    kill_max_s: float,
    max_iterations: int,
) -> dict[str, Any]:
    """All trials on one copy of ``template``; returns the summary (also the per-trial detail)."""
    rng = random.Random(seed)
    store = copy_store(template, work)
    keys = make_keys(work / "keys.json")
    everything: list[Written] = []
    per_trial: list[dict[str, Any]] = []
    started = time.monotonic()
    server = Server(store, work / "keys.json")
    try:
        for trial in range(trials):
            delay = rng.uniform(kill_min_s, kill_max_s)
            loop = Loop()
            stop = threading.Event()
            thread = threading.Thread(
                target=client_loop, args=(server.url, keys, trial, loop, stop, max_iterations), daemon=True
            )
            thread.start()
            thread.join(timeout=delay)
            phase = loop.phase
            server.kill()
            stop.set()
            thread.join(timeout=REQUEST_TIMEOUT_S)
            everything.extend(loop.writes)
            server = Server(store, work / "keys.json")
            result = check(server.url, keys, everything)
            in_flight = in_flight_outcome(loop, phase, result)
            for internal in ("journal_ids", "journal_agreements", "published_ids"):
                del result[internal]
            acked_submits = sum(1 for w in loop.writes if w.submission_id)
            acked_approvals = sum(1 for w in loop.writes if w.approved)
            per_trial.append(
                {
                    "trial": trial,
                    "kill_after_s": round(delay, 3),
                    "killed_during": phase,
                    "in_flight_after_restart": in_flight,
                    "acknowledged_submissions": acked_submits,
                    "acknowledged_approvals": acked_approvals,
                    "client_errors": loop.errors,
                    **result,
                }
            )
            print(
                f"trial {trial:2d}: kill after {delay:5.2f} s during {phase:8s} "
                f"acked {acked_submits} submits / {acked_approvals} approvals; in flight: {in_flight}; "
                f"journal {result['submissions_in_journal']}, published {result['published']}, "
                f"lost {result['lost']}, partial {result['partial']}",
                flush=True,
            )
            for problem in result["problems"] + loop.errors:
                print(f"    {problem}", flush=True)
    finally:
        server.kill()
    last = per_trial[-1] if per_trial else {}
    return {
        "trials": len(per_trial),
        "seed": seed,
        "kill_window_s": [kill_min_s, kill_max_s],
        "acknowledged_submissions": sum(1 for w in everything if w.submission_id),
        "acknowledged_approvals": sum(1 for w in everything if w.approved),
        "acknowledged_writes": sum(bool(w.submission_id) + w.approved for w in everything),
        "killed_during": {
            phase: sum(1 for t in per_trial if t["killed_during"] == phase)
            for phase in sorted({t["killed_during"] for t in per_trial})
        },
        # every check covers all writes so far: count each write found lost or partial once
        # the request the kill cut short: kept whole or gone, never half (either is correct)
        "in_flight_after_restart": {
            outcome: sum(1 for t in per_trial if t["in_flight_after_restart"] == outcome)
            for outcome in sorted({t["in_flight_after_restart"] for t in per_trial})
        },
        "lost": len({w for t in per_trial for w in t["lost_writes"]}),
        "partial": len({s for t in per_trial for s in t["partial_submissions"]}),
        "client_errors": sum(len(t["client_errors"]) for t in per_trial),
        "submissions_in_journal": last.get("submissions_in_journal", 0),
        "published": last.get("published", 0),
        "seconds": round(time.monotonic() - started, 1),
        "per_trial": per_trial,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", type=Path, help="a built store to copy (default: build one, --no-reason)")
    parser.add_argument("--kill-min", type=float, default=0.5, help="earliest kill, seconds into the loop")
    parser.add_argument("--kill-max", type=float, default=8.0, help="latest kill, seconds into the loop")
    parser.add_argument(
        "--max-iterations", type=int, default=200, help="submit+approve rounds per trial at most"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="imvokg-write-trials-") as tmp:
        work = Path(tmp)
        template = args.store or build_store(work / "template")
        (work / "run").mkdir()
        summary = run(
            template,
            work / "run",
            trials=args.trials,
            seed=args.seed,
            kill_min_s=args.kill_min,
            kill_max_s=args.kill_max,
            max_iterations=args.max_iterations,
        )
    summary["command"] = "python loadtest/write_trials.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    summary["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"writes-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    headline = {k: v for k, v in summary.items() if k != "per_trial"}
    print(json.dumps(headline, indent=2))
    print(f"written to {path}")
    ok = summary["lost"] == 0 and summary["partial"] == 0 and summary["client_errors"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
