"""What signing and verifying one decision costs: canonicalization, hashing, Ed25519.

    python bench/integrity.py [--iterations 200]

The decision is a real one: the conforming fixture agreement is validated, and
its recognition decision (with the validation report it carries, blank nodes
included) is built as an approval builds it. Prints the median time of
canonicalizing, signing and verifying it, and of the same for the agreement's
own graph, on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rdflib import Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from imvokg.integrity import canonical_nquads, parse_statement, sign, verify  # noqa: E402
from imvokg.namespaces import ID  # noqa: E402
from imvokg.services.credentials import Principal  # noqa: E402
from imvokg.services.publication import DecisionDraft, decision_graph  # noqa: E402
from imvokg.validation import validate_graph  # noqa: E402

FIXTURE = ROOT / "tests" / "shapes" / "valid" / "agreement-complete.ttl"


def median_ms(run, iterations: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    agreement = Graph().parse(FIXTURE)
    report = validate_graph(agreement, profile="agreement")
    decision = decision_graph(
        decision=ID["decision/recognition-bench"],
        agreement=URIRef("https://w3id.org/imvokg/id/agreement/example-widgets"),
        agreement_label="Example widgets agreement",
        outcome="recognised",
        draft=DecisionDraft(date(2026, 1, 1), date(2026, 1, 1)),
        principal=Principal("bench", "supervisor", member_state="NLD"),
        activity_name="approval-bench",
        submission_id="bench",
        report_turtle=report.to_turtle(),
    )
    key = Ed25519PrivateKey.generate()
    method = "https://registry.example/authority#key-1"
    for name, graph in (("decision", decision), ("agreement", agreement)):
        statement = parse_statement(graph.serialize(format="nt", encoding="utf-8"))
        blanks = len(
            {t.value for q in statement for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
        )
        proof = sign(statement, key, method)
        assert verify(statement, proof, key.public_key()).valid
        canonical = median_ms(lambda s=statement: canonical_nquads(s), args.iterations)
        signing = median_ms(lambda s=statement: sign(s, key, method), args.iterations)
        checking = median_ms(lambda s=statement, p=proof: verify(s, p, key.public_key()), args.iterations)
        print(
            f"{name}: {len(statement)} triples, {blanks} blank nodes; median of {args.iterations}: "
            f"canonicalize {canonical:.2f} ms, sign {signing:.2f} ms, verify {checking:.2f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
