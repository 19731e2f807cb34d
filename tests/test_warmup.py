"""Start-up warm-up fills the answer cache, so first visitors get cached answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from imvokg.queries import default_registry
from imvokg.services.completion import CompletionService
from imvokg.services.knowledge import KnowledgeService
from imvokg.services.runner import QueryRunner
from imvokg.services.warmup import start_warmup, warm
from imvokg.store.embedded import EmbeddedStore


@pytest.mark.slow  # computes every common answer
def test_warm_fills_the_cache_for_agreements_and_sectors(store_path: Path) -> None:
    store = EmbeddedStore(store_path.resolve(), read_only=True)
    try:
        knowledge = KnowledgeService(QueryRunner(store, default_registry()))
        computed = warm(knowledge, languages=("en",))
        assert computed >= 26 + 2 * 12  # every agreement, coverage and gaps of every agreement sector
        misses = knowledge.runner.cache.misses
        knowledge.get_agreement("nl-gold", lang="en")
        knowledge.coverage("garment-textile", lang="en")
        assert knowledge.runner.cache.misses == misses  # both answered from the cache
        for question in (  # the entries the JSON API reads, JSON included: served on the event loop
            knowledge.get_agreement_question("nl-gold", lang="en"),
            knowledge.coverage_question("garment-textile", lang="en"),
            knowledge.list_agreements_question(lang="en"),
        ):
            answer = knowledge.runner.peek_answer(question)
            assert answer is not None and answer.encoded
    finally:
        store.close()


def test_the_warm_up_thread_reads_the_editor_vocabulary_before_anyone_types(store_path: Path) -> None:
    store = EmbeddedStore(store_path.resolve(), read_only=True)
    try:
        runner = QueryRunner(store, default_registry())
        completion = CompletionService(runner)
        start_warmup(KnowledgeService(runner), budget_s=0, completion=completion).join(timeout=120)
        misses = runner.cache.misses
        assert any(t.iri.endswith("#IrbcAgreement") for t in completion.terms("en"))
        assert runner.cache.misses == misses  # the list was already there
    finally:
        store.close()


def test_warm_stops_when_its_budget_is_spent(store_path: Path) -> None:
    store = EmbeddedStore(store_path.resolve(), read_only=True)
    try:
        knowledge = KnowledgeService(QueryRunner(store, default_registry()))
        assert warm(knowledge, languages=("en",), budget_s=0) == 0
    finally:
        store.close()


def test_the_embedded_version_follows_writes() -> None:
    store = EmbeddedStore(None)
    first = store.version()
    store.replace_graphs({"https://w3id.org/imvokg/graph/x": b"<http://a/s> <http://a/p> <http://a/o> .\n"})
    second = store.version()
    assert second != first
    assert store.version() == second
    store.set_version("fixed")
    assert store.version() == "fixed"
