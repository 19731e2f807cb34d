"""The code stays ruff clean and formatted, type-checks, and the layering contracts hold."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    result = _run(BIN / "ruff", "check", "src", "tests")
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_format_is_kept() -> None:
    result = _run(BIN / "ruff", "format", "--check", "src", "tests")
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_finds_nothing() -> None:
    """The whole package type-checks; the stores and the services under strict rules (pyproject)."""
    result = _run(BIN / "mypy")
    assert result.returncode == 0, result.stdout[-3000:]


def test_import_layers_hold() -> None:
    result = _run(BIN / "lint-imports")
    assert result.returncode == 0, result.stdout[-3000:]


# A SPARQL query form followed by its group: what a query text looks like, and no sentence or SQL does.
_SPARQL = re.compile(
    r"\b(?:SELECT|CONSTRUCT|ASK|DESCRIBE)\b[^{}]{0,300}?\bWHERE\s*\{"
    r"|\b(?:CONSTRUCT|ASK)\s*\{"
    r"|\b(?:INSERT|DELETE)\s+(?:DATA\s*)?\{"
    r"|\bDELETE\s+WHERE\s*\{",
    re.IGNORECASE,
)


def sparql_texts(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal in `source` that holds a SPARQL query.

    f-strings count with their placeholders as variables, so a query put together
    from pieces is found as well as a plain one.
    """
    found: list[tuple[int, str]] = []
    tree = ast.parse(source)
    pieces = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if id(node) in pieces:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "?x" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if _SPARQL.search(text.replace("{{", "{").replace("}}", "}")):
            found.append((node.lineno, text.strip()[:80]))
    return found


def test_the_detector_finds_inline_sparql_and_nothing_else() -> None:
    inline = 'q = f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"\nstore.ask("ASK { ?s ?p ?o }")\n'
    assert [line for line, _ in sparql_texts(inline)] == [1, 2]
    harmless = (
        '"""SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword."""\n'
        'db.execute(f"SELECT name FROM names WHERE resource IN ({marks})")\n'
        'db.execute("INSERT INTO names (resource) VALUES (?)")\n'
        'lines = f"PREFIX {p}: <{ns}>"\n'
    )
    assert sparql_texts(harmless) == []


def test_no_sparql_text_lives_in_python_outside_the_stores() -> None:
    """Every query the package runs is a `.rq` file under queries/ with its header.

    Only store/ speaks SPARQL itself: the protocol's own plumbing (an empty ASK to
    probe a server, the version triple, copying graphs into a remote store).
    """
    package = ROOT / "src" / "imvokg"
    found = {
        f"{path.relative_to(package)}:{line}": text
        for path in sorted(package.rglob("*.py"))
        if "store" not in path.relative_to(package).parts[:1]
        for line, text in sparql_texts(path.read_text(encoding="utf-8"))
    }
    assert found == {}


def test_services_are_built_once_at_start_and_never_per_request() -> None:
    """Only api/state.py's wire() constructs services; routes and dependencies take them from there."""
    from imvokg.api import state

    services = {
        name
        for name, value in vars(state).items()
        if isinstance(value, type)
        and value.__module__.startswith("imvokg.services.")
        and value.__name__ != "QueryRunner"  # the runner is made in the lifespan, around the store it opens
    }
    assert {"WorkflowService", "Credentials", "LinkedDataService", "CatalogService"} <= services
    built_elsewhere = []
    for path in sorted((ROOT / "src" / "imvokg" / "api").rglob("*.py")):
        if path.name == "state.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in services:
                built_elsewhere.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.id}")
    assert built_elsewhere == []
