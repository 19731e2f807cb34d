"""SHACL engines on our shapes and fixtures: time per agreement, and whether they agree with pySHACL.

    python bench/validation.py [--iterations 5]      (part of make bench)

Engines: pySHACL the plain way (fresh shapes and ontology graphs, ``ont_graph``
mixed in: the reference), imvokg's prepared pySHACL (what serves), and, when
installed, pyshacl-turbo (the same call with its pySHACL-compatible
``validate``) and pyrudof (its native engine, shapes and data as Turtle, with
the ontology and concept schemes added to the data). "agrees" compares the
explained issues for the pySHACL-compatible engines and the verdict plus the
number of violations for pyrudof, whose report has another shape.
Prints a Markdown table and returns the figures as JSON-ready rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "shapes"


def _fixtures() -> list[tuple[str, Graph, str]]:
    out = []
    for path in sorted(FIXTURES.glob("*/*.ttl")):
        profile = "curated" if path.stem.startswith(("decision", "RecognitionDecision")) else "agreement"
        out.append((path.stem, Graph().parse(path, format="turtle"), profile))
    return out


def _timed(run: Callable[[], Any], iterations: int) -> tuple[float, Any]:
    run()  # the first call pays for imports and prepared graphs; served validations do not
    times, result = [], None
    for _ in range(iterations):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def _rudof(profile: str) -> Callable[[Graph], tuple[bool, int]] | None:
    try:
        import pyrudof
    except ImportError:
        return None
    from imvokg.resources import resource_dir
    from imvokg.validation import _PROFILE_FILES, _scheme_files

    shapes = "\n".join((resource_dir("shapes") / name).read_text() for name in _PROFILE_FILES[profile])
    support = Graph()
    support.parse(resource_dir("ontology") / "imvo.ttl")
    for path in _scheme_files():
        support.parse(path)
    support_nt = support.serialize(format="nt")

    def run(data: Graph) -> tuple[bool, int]:
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(support_nt + data.serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(shapes)
        report = rudof.validate_shacl()
        return bool(report.conforms), len(report.violations) if hasattr(report, "violations") else len(report)

    return run


def measure(iterations: int = 5) -> list[dict[str, Any]]:
    return [_row(name, data, profile, iterations) for name, data, profile in _fixtures()]


def _row(name: str, data: Graph, profile: str, iterations: int) -> dict[str, Any]:
    import pyshacl

    from imvokg.validation import reference_validation, validate_graph

    def reference_run() -> Any:
        return reference_validation(data, profile=profile)

    reference_ms, reference = _timed(reference_run, iterations)
    row: dict[str, Any] = {"fixture": name, "profile": profile, "triples": len(data)}
    row["pyshacl"] = {"ms": round(reference_ms, 1), "agrees": True}
    fast_ms, fast = _timed(lambda: validate_graph(data, profile=profile), iterations)
    row["imvokg"] = {"ms": round(fast_ms, 1), "agrees": fast.issues == reference.issues}
    try:
        import pyshacl_turbo
    except ImportError:
        pyshacl_turbo = None
    if pyshacl_turbo is not None:
        with mock.patch.object(pyshacl, "validate", pyshacl_turbo.validate):
            turbo_ms, turbo = _timed(reference_run, iterations)
        row["pyshacl-turbo"] = {"ms": round(turbo_ms, 1), "agrees": turbo.issues == reference.issues}
    rudof = _rudof(profile)
    if rudof is not None:
        try:
            rudof_ms, (conforms, violations) = _timed(lambda: rudof(data), iterations)
            agrees = conforms == reference.conforms and violations == len(reference.violations)
            row["pyrudof"] = {"ms": round(rudof_ms, 1), "agrees": agrees}
        except Exception as exc:  # an engine that cannot read our shapes is a finding, not a crash
            row["pyrudof"] = {"ms": None, "agrees": False, "error": str(exc)[:200]}
    return row


ENGINES = ("pyshacl", "imvokg", "pyshacl-turbo", "pyrudof")


def markdown(rows: list[dict[str, Any]]) -> str:
    engines = [e for e in ENGINES if any(e in r for r in rows)]
    lines = [
        "| engine | median ms per fixture (median of fixtures) | max ms | agrees with pySHACL |",
        "| --- | --- | --- | --- |",
    ]
    for engine in engines:
        figures = [r[engine] for r in rows if engine in r]
        times = [f["ms"] for f in figures if f["ms"] is not None]
        agree = sum(1 for f in figures if f["agrees"])
        typical = f"{statistics.median(times):.1f}" if times else "-"
        worst = f"{max(times):.1f}" if times else "-"
        lines.append(f"| {engine} | {typical} | {worst} | {agree} of {len(figures)} fixtures |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    rows = measure(args.iterations)
    print(markdown(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
