"""The benchmark's 10k smoke run: it runs end to end and every engine answers every question."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the whole benchmark smoke run (minutes)

ROOT = Path(__file__).resolve().parent.parent
ENGINES = {
    "http-floor", "imvokg (embedded)", "imvokg (Oxigraph server)", "oxigraph server",
    "imvokg /sparql", "imvokg /sparql, every query new", "rdflib-endpoint", "rdflib in memory",
}  # fmt: skip


@pytest.mark.timeout(1500)
def test_the_benchmark_smoke_run_writes_results_for_every_engine(tmp_path: Path) -> None:
    out = tmp_path / "results"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "10k", "--quick", "--no-reason",
         "--work", str(tmp_path / "work"), "--out", str(out)],
        check=True, timeout=1500,
    )  # fmt: skip
    [result_file] = out.glob("*.json")
    assert (out / (result_file.stem + ".md")).exists()
    report = json.loads(result_file.read_text())
    assert report["machine"]["nproc"] >= 1
    [result] = report["results"]
    assert set(result["engines"]) == ENGINES
    for name, per_question in result["engines"].items():
        if name == "http-floor":
            continue
        for key in ("q1", "q2", "q3", "q4", "q5", "q6"):
            summary = per_question[key]
            assert summary["error"] is None, (name, key, summary["error"])
            assert summary["median_ms"] > 0
    validation = report["validation"]
    assert {row["fixture"] for row in validation} == {
        p.stem for p in (ROOT / "tests" / "shapes").glob("*/*.ttl")
    }
    assert all(row["imvokg"]["agrees"] and row["imvokg"]["ms"] > 0 for row in validation)
    writes = result["writes"]
    assert set(writes["warm_ms"]) == {f"q{n}" for n in range(1, 10)}  # bench/writes.py PATHS
    assert [w["write"] for w in writes["writes"]] == ["approval", "withdrawal"]
    as_of = result["as_of"]
    assert set(as_of["ratio_first"]) == set(as_of["ratio_warm"]) == set(writes["warm_ms"])
    assert all(ms > 0 for ms in as_of["as_of_warm_ms"].values())


@pytest.mark.timeout(900)
def test_the_search_benchmark_compares_the_index_with_sparql(tmp_path: Path) -> None:
    out = tmp_path / "results"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "search.py"), "--sizes", "10k", "--quick", "--no-reason",
         "--work", str(tmp_path / "work"), "--out", str(out)],
        check=True, timeout=900,
    )  # fmt: skip
    [result_file] = out.glob("search-*.json")
    [result] = json.loads(result_file.read_text())["results"]
    for way in ("index", "http", "sparql"):
        assert result[way]["n"] > 0 and result[way]["p95_ms"] > 0, way
    assert result["ratio_sparql_to_index"]["p95"] > 0
    found = result["found"]
    assert found["securite"]["index"] > 0 and found["securite"]["sparql"] == 0  # accents: only the index
    assert found["child labor"]["index"] > found["child labor"]["sparql"]  # near forms: only the index
