"""The full-text index finds what the plain named query finds and more (accents, alternative and near
names), and keeps up with writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
from tests.conftest import LiveServer

from imvokg.label_index import LabelIndex
from imvokg.queries import default_registry
from imvokg.store.base import SelectResult, Term
from imvokg.store.embedded import EmbeddedStore

BASE = "https://w3id.org/imvokg/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
META = BASE + "graph/meta"
NEEDLES = ("kinder", "child", "arb", "gold", "living wage", "LOHN", "travail", "tex", "zzz")


def as_rows(result: SelectResult) -> list[tuple[object, ...]]:
    """Everything the page shows, in order: resource, rank, and the name with its language."""
    return [
        (row["resource"].value, row["best"].value, row["label"].value, row["label"].lang) for row in result
    ]


@pytest.fixture(scope="module")
def curated(store_path: Path) -> EmbeddedStore:
    return EmbeddedStore(store_path, read_only=True)


@pytest.fixture(scope="module")
def read(curated: EmbeddedStore) -> LabelIndex:
    """An index read from the curated store (not the build's saved one), once for the module.

    Reading every name takes about half a second; the store is read-only, so each test
    searching a fresh index of its own would search the same one.
    """
    return LabelIndex(curated)


@pytest.mark.parametrize(
    "lang", ["en", *(pytest.param(lang, marks=pytest.mark.slow) for lang in ("nl", "de", "fr", "es"))]
)  # each language reads every name of the store through SPARQL: seconds; English in the fast tier
def test_index_finds_what_the_named_query_finds(curated: EmbeddedStore, read: LabelIndex, lang: str) -> None:
    query = default_registry().get("label-search").text
    index = read
    compared = 0
    for needle in NEEDLES:
        bindings = {"text": Term.literal(needle), "lang": Term.literal(lang)}
        expected = {
            row["resource"].value: int(row["best"].value) for row in curated.select(query, bindings=bindings)
        }
        got = {row["resource"].value: int(row["best"].value) for row in index.search_bindings(bindings)}
        if len(expected) < 50:  # both stop at 50: a full answer may differ in which 50
            assert set(expected) <= set(got), needle
            assert all(got[r] <= expected[r] for r in expected), needle
        shown = {row["resource"].value: row["label"] for row in index.search_bindings(bindings)}
        for row in curated.select(query, bindings=bindings):
            if row["resource"].value in shown:  # the same name in the asked language
                assert shown[row["resource"].value] == row["label"], needle
        compared += len(expected)
    assert compared > 200  # the needles do find things: the comparison is not between empty lists


def test_index_without_lang_shows_english(read: LabelIndex) -> None:
    rows = read.search_bindings({"text": Term.literal("kinder")}).rows
    assert rows and all(row["label"].lang in ("en", None) for row in rows)


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        ("securite", "fr", "santé et sécurité au travail"),  # accents do not matter
        ("SÉCURITÉ", "fr", "santé et sécurité au travail"),
        ("kinderarbeit", "nl", "kinderarbeid"),  # a compound in one language finds it in another
        ("kinderarbeit", "de", "Kinderarbeit"),
        ("child labor", "en", "child labour"),  # an alternative name
        ("zwangsarbeiten", "de", "Zwangsarbeit"),  # a near form
    ],
)
def test_search_for_people(read: LabelIndex, text: str, lang: str, name: str) -> None:
    rows = read.search(text, lang).rows
    assert name in [row["label"].value for row in rows[:5]], [row["label"].value for row in rows[:5]]


def test_each_hit_says_which_name_in_which_language_matched(read: LabelIndex) -> None:
    rows = read.search("kinderarbeid", "en").rows
    top = rows[0]
    assert top["label"] == Term.literal("child labour", lang="en")
    assert top["matched"] == Term.literal("kinderarbeid", lang="nl") and top["best"].value == "0"
    assert [int(r["best"].value) for r in rows] == sorted(int(r["best"].value) for r in rows)


def nt(*triples: tuple[str, str, str]) -> bytes:
    lines = []
    for subject, predicate, obj in triples:
        lines.append(f"<{subject}> <{predicate}> {obj} .")
    return ("\n".join(lines) + "\n").encode()


class CountingStore(EmbeddedStore):
    """An in-memory store that counts the label reads, to see what the index reads again."""

    label_reads = 0

    def select(self, query: str, *, bindings: dict[str, Term] | None = None) -> SelectResult:  # type: ignore[override]
        if "?resource ?label" in query:
            self.label_reads += 1
        return super().select(query, bindings=bindings)


def small_store(stamp: str | None) -> CountingStore:
    store = CountingStore()
    store.bulk_load(
        nt(
            (BASE + "id/party/acme", LABEL, '"Acme Textiel"@nl'),
            (BASE + "id/party/acme", LABEL, '"Acme Textiles"@en'),
            (BASE + "scheme/risk-topic/child-labour", PREF, '"child labour"@en'),
            ("https://example.org/elsewhere", LABEL, '"Acme elsewhere"@en'),
        ),
        graph=BASE + "graph/data-parties",
    )
    if stamp:
        store.bulk_load(nt((META, "http://purl.org/dc/terms/modified", f'"{stamp}"')), graph=META)
    store.set_version("v1")
    return store


def found(index: LabelIndex, text: str, lang: str = "en") -> list[str]:
    return [row["resource"].value.rsplit("/", 1)[-1] for row in index.search(text, lang)]


def test_published_graphs_are_read_again_the_built_ones_only_after_a_build() -> None:
    store = small_store("2026-11-26T00:00:00Z")
    index = LabelIndex(store)
    assert found(index, "acme") == ["acme"]  # only resources under the base IRI
    assert store.label_reads == 1  # no published graphs yet: one read
    assert found(index, "acme", "nl") == ["acme"]
    assert store.label_reads == 1  # same version: nothing read

    store.replace_graphs(
        {BASE + "graph/submission-s1": nt((BASE + "id/agreement/acme-pact", LABEL, '"Acme Convenant"@nl'))}
    )
    assert found(index, "acme") == ["acme", "acme-pact"]
    assert index.search("convenant", "en").rows[0]["label"] == Term.literal("Acme Convenant", lang="nl")
    assert store.label_reads == 2  # the published graph only

    store.replace_graphs({BASE + "graph/submission-s1": b""})  # withdrawn
    assert found(index, "acme") == ["acme"]
    assert store.label_reads == 2  # no published graph left: nothing to read

    store.bulk_load(nt((META, "http://purl.org/dc/terms/modified", '"2026-11-27T00:00:00Z"')), graph=META)
    store.bulk_load(nt((BASE + "id/party/beta", LABEL, '"Beta Acme"@en')), graph=BASE + "graph/data-more")
    store.set_version("v2")
    assert found(index, "acme") == ["acme", "beta"]
    assert store.label_reads == 3  # a new build stamp: the built graphs again


def test_a_resource_named_in_a_published_graph_too_gets_its_best_name() -> None:
    store = small_store("stamp")
    index = LabelIndex(store)
    store.replace_graphs(
        {BASE + "graph/submission-s2": nt((BASE + "id/party/acme", LABEL, '"Acme Textil"@de'))}
    )
    rows = index.search("acme", "de").rows
    assert [(r["label"].value, r["label"].lang) for r in rows] == [("Acme Textil", "de")]


def test_without_a_build_stamp_everything_is_read_after_any_write() -> None:
    store = small_store(None)
    index = LabelIndex(store)
    assert found(index, "child") == ["child-labour"]
    store.replace_graphs({BASE + "graph/data-extra": nt((BASE + "id/party/kid", LABEL, '"Childcare Co"@en'))})
    assert sorted(found(index, "child")) == ["child-labour", "kid"]
    assert store.label_reads == 2


def test_text_with_nul_or_empty_finds_nothing() -> None:
    index = LabelIndex(small_store("stamp"))
    assert index.search("", "en").rows == ()
    assert index.search("ac\x00me", "en").rows == ()


@pytest.mark.slow  # the index against SPARQL in every result format
def test_named_query_route_answers_from_the_index_in_every_format(
    server: LiveServer, read: LabelIndex
) -> None:
    bindings = {"text": Term.literal("kinder"), "lang": Term.literal("nl")}
    expected = read.search_bindings(bindings)
    assert len(expected) > 3
    with httpx.Client(base_url=server.url, timeout=30) as http:
        params = {"text": "kinder", "lang": "nl"}
        answer = http.get("/queries/label-search", params=params)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/sparql-results+json")
        body = answer.json()
        assert body["head"]["vars"] == ["resource", "matched", "best", "label"]
        got = [(b["resource"]["value"], b["label"]["value"]) for b in body["results"]["bindings"]]
        assert got == [(r["resource"].value, r["label"].value) for r in expected]
        table = http.get("/queries/label-search", params={**params, "format": "csv"})
        assert table.status_code == 200
        rows = list(csv.DictReader(io.StringIO(table.text)))
        assert [r["resource"] for r in rows] == [r["resource"].value for r in expected]
        xml = http.get(
            "/queries/label-search", params=params, headers={"Accept": "application/sparql-results+xml"}
        )
        assert xml.status_code == 200 and b"<sparql" in xml.content
        page = http.get("/", params={"q": "kinder"}, headers={"Accept-Language": "nl"})
        assert page.status_code == 200
        assert expected.rows[0]["label"].value in page.text


def test_a_saved_index_is_loaded_instead_of_read_when_its_stamp_matches(tmp_path: Path) -> None:
    store = small_store("stamp-1")
    saved = tmp_path / "labels.sqlite"
    assert LabelIndex(store).save(saved) == 3
    reads = store.label_reads

    loaded = LabelIndex(store, saved=saved)
    assert found(loaded, "acme") == ["acme"]
    assert store.label_reads == reads  # nothing read from the store

    other = small_store("stamp-0")  # another build's index is not used
    assert found(LabelIndex(other, saved=saved), "acme") == ["acme"]
    assert other.label_reads == 1
    assert store.label_reads == reads

    saved.write_bytes(b"not a database" * 100)  # damaged: read instead, no error
    assert found(LabelIndex(store, saved=saved), "acme") == ["acme"]
    assert store.label_reads == reads + 1


def test_the_build_saves_the_index_and_the_server_uses_it(
    store_path: Path, curated: EmbeddedStore, read: LabelIndex
) -> None:
    from imvokg.label_index import SAVED_FILE

    saved = store_path.resolve() / SAVED_FILE
    assert saved.is_file()
    index = LabelIndex(curated, saved=saved)
    index.refresh()
    assert len(index) > 2000
    assert as_rows(index.search("kinder", "nl")) == as_rows(read.search("kinder", "nl"))
