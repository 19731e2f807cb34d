"""The build: counts, refusals that name file and line or requirement, and atomicity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from imvokg.build import build
from imvokg.errors import UnreadableInput, ValidationFailed
from imvokg.formats import RELEASE_FORMATS
from imvokg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]


def test_build_reports_counts(built) -> None:
    _, report = built
    assert report.triples > 10_000
    assert report.inferred_triples > 0
    assert report.counts["IrbcAgreement"] == 12
    assert report.counts["MultiStakeholderAgreement"] >= 1
    # one graph per source file, graph/inferred, graph/meta and the build's own event graph
    assert report.graphs == report.files + 3


def test_each_file_has_its_own_named_graph(store_path: Path) -> None:
    store = EmbeddedStore(store_path, read_only=True)
    names = store.graph_names()
    assert "https://w3id.org/imvokg/graph/agreements-nl-garment-textile" in names
    assert "https://w3id.org/imvokg/graph/ontology-imvo" in names
    assert "https://w3id.org/imvokg/graph/inferred" in names
    store.close()


@pytest.fixture()
def scratch_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of ontology/, shapes/, queries/ and data/ the test may break."""
    for folder in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    import imvokg.resources as resources

    monkeypatch.setattr(resources, "resource_root", lambda: tmp_path)
    monkeypatch.setattr("imvokg.ingest.resource_root", lambda: tmp_path)
    return tmp_path


def _version(store: Path) -> str:
    s = EmbeddedStore(store, read_only=True)
    try:
        return s.version()
    finally:
        s.close()


@pytest.mark.slow  # builds
def test_broken_turtle_names_file_and_line_and_keeps_old_store(scratch_tree: Path, tmp_path: Path) -> None:
    store = tmp_path / "var" / "store"
    build(store, reason=False)
    before = _version(store)
    bad = scratch_tree / "data" / "agreements" / "nl-gold.ttl"
    lines = bad.read_text().splitlines()
    lines.insert(20, "this is not turtle .")
    bad.write_text("\n".join(lines))
    with pytest.raises(UnreadableInput) as caught:
        build(store, reason=False)
    assert "data/agreements/nl-gold.ttl" in caught.value.detail
    assert "line 21" in caught.value.detail
    assert _version(store) == before


@pytest.mark.slow  # a build
def test_shacl_violation_fails_build_naming_the_requirement(scratch_tree: Path, tmp_path: Path) -> None:
    store = tmp_path / "var" / "store"
    extra = scratch_tree / "data" / "agreements" / "zz-broken.ttl"
    extra.write_text(
        "@prefix imvo: <https://w3id.org/imvokg/ont#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/imvokg/id/agreement/zz-broken> a imvo:IrbcAgreement ;\n"
        '    rdfs:label "Broken"@en .\n'
    )
    with pytest.raises(ValidationFailed) as caught:
        build(store, reason=False)
    message = caught.value.detail
    assert "zz-broken" in message
    assert "DQ-01" in message or "dq-01" in message.lower()
    assert not store.exists()


@pytest.mark.slow  # two builds
def test_a_rebuild_keeps_what_approvals_published(scratch_tree: Path, tmp_path: Path) -> None:
    store = tmp_path / "var" / "store"
    build(store, reason=False)
    published = "https://w3id.org/imvokg/graph/decision-nl-2027-example"
    harvested = "https://w3id.org/imvokg/graph/peer/deu/decision-recognition-0123"
    live = EmbeddedStore(store.resolve())
    live.replace_graphs(
        {
            published: b"<https://w3id.org/imvokg/id/decision/x> "
            b'<http://purl.org/dc/terms/issued> "2027-01-01" .\n',
            harvested: b"<https://w3id.org/imvokg/id/decision/y> "
            b'<http://purl.org/dc/terms/issued> "2027-02-01" .\n',
        }
    )
    live.close()
    build(store, reason=False)
    rebuilt = EmbeddedStore(store, read_only=True)
    try:
        assert {published, harvested} <= set(rebuilt.graph_names())
        assert rebuilt.ask("ASK WHERE { <https://w3id.org/imvokg/id/decision/x> ?p ?o }")
    finally:
        rebuilt.close()


def test_only_the_newest_releases_keep_their_dumps(tmp_path: Path) -> None:
    import os

    from imvokg.services.dumps import prune

    for index, version in enumerate(["0.1.0+a", "0.1.0+b", "0.1.0+c"]):
        for suffix in ("ttl", "nt.gz", "jsonld"):
            path = tmp_path / f"imvokg-{version}.{suffix}"
            path.write_text(version)
            os.utime(path, (1000 + index, 1000 + index))
    removed = prune(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == [
        "imvokg-0.1.0+a.jsonld", "imvokg-0.1.0+a.nt.gz", "imvokg-0.1.0+a.ttl",
    ]  # fmt: skip
    assert len(list(tmp_path.glob("imvokg-*"))) == 6


def test_releases_written_between_builds_are_pruned_like_the_builds_own(tmp_path: Path) -> None:
    """The server writes a release for each new version (approvals); the same writer keeps five."""
    from imvokg.services.dumps import KEEP_RELEASES, list_dumps, write_release
    from imvokg.store.embedded import EmbeddedStore

    store = EmbeddedStore()
    try:
        for index in range(KEEP_RELEASES + 2):
            store.replace_graphs({"https://w3id.org/imvokg/graph/x": f"<urn:a> <urn:b> {index} .\n".encode()})
            store.set_version(f"0.1.0+v{index}")
            written = write_release(store, tmp_path)
            assert {f.version for f in written} == {f"0.1.0+v{index}"}
            assert len(written) == len(RELEASE_FORMATS)
    finally:
        store.close()
    kept = {f.version for f in list_dumps(tmp_path)}
    assert kept == {f"0.1.0+v{i}" for i in range(2, KEEP_RELEASES + 2)}
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_data_checks_find_what_they_look_for() -> None:
    """Each check query returns the faulty resource of a small graph built to fail it."""
    from imvokg.queries import check_queries
    from imvokg.store.embedded import EmbeddedStore

    ont = "https://w3id.org/imvokg/ont#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    store = EmbeddedStore()
    store.bulk_load(
        (
            f'<https://w3id.org/imvokg/id/x> <{ont}notDeclared> "1" .\n'
            f"<https://w3id.org/imvokg/id/x> <{rdf_type}> <{ont}NoClass> .\n"
            f"<https://w3id.org/imvokg/id/x> <{rdf_type}> <{ont}Sector> .\n"
            f"<{ont}Sector> <{rdf_type}> <http://www.w3.org/2002/07/owl#Class> .\n"
        ).encode(),
        graph="https://w3id.org/imvokg/graph/data-x",
    )
    found = {
        check.name: {term.value for row in store.select(check.text) for term in row.values()}
        for check in check_queries()
    }
    assert {f"{ont}NoClass", f"{ont}notDeclared"} <= found["undeclared-imvo-terms"]
    assert f"{ont}Sector" not in found["undeclared-imvo-terms"]
    assert "https://w3id.org/imvokg/id/x" in found["resources-without-source"]
    assert "https://w3id.org/imvokg/id/x" in found["resources-without-nl-or-en-label"]
