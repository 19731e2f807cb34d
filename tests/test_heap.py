"""Long-lived objects leave the garbage collector's full passes (imvokg/heap.py).

Full collections walked the whole answer cache while holding the GIL: at 200k
triples `/healthz` waited 0.3-1.7 s behind each one during the warm-up
(docs/RELIABILITY.md). These tests check the mechanism, not a latency: what is
frozen is no longer among the objects a collection walks (``gc.get_objects()``
lists the young and old generations, not the permanent one).
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.conftest import settings_for_tests, start_server

from imvokg.heap import freeze_long_lived
from imvokg.queries import default_registry
from imvokg.services.completion import CompletionService
from imvokg.services.knowledge import KnowledgeService
from imvokg.services.runner import QueryRunner
from imvokg.services.warmup import start_warmup
from imvokg.store.embedded import EmbeddedStore


def walked(obj: object) -> bool:
    """Whether a full collection would walk ``obj`` (it is not frozen)."""
    return any(o is obj for o in gc.get_objects())


@pytest.fixture
def thawed() -> Iterator[None]:
    """Nothing frozen before or after a test: no test leaves objects out of the collector's reach."""
    gc.unfreeze()
    yield
    gc.unfreeze()


class Node:
    """An object in a reference cycle, which only the collector can free."""

    def __init__(self) -> None:
        self.me = self


def test_a_freeze_collects_cyclic_garbage_first_so_none_is_frozen(thawed: None) -> None:
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage
    kept = Node()
    freeze_long_lived()
    assert gone() is None  # a frozen cycle would never be freed: the leak of a freeze without a collection
    assert not walked(kept)


def test_cyclic_garbage_made_after_a_freeze_is_still_collected(thawed: None) -> None:
    freeze_long_lived()
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage
    gc.collect()
    assert gone() is None


def test_a_serving_app_freezes_its_start_up_state_before_it_answers(store_path: Path, thawed: None) -> None:
    live = start_server(settings_for_tests(store_path=store_path, read_only=True, freeze_heap=True))
    try:
        assert httpx.get(f"{live.url}/healthz", timeout=30).status_code == 200
        services = live.server.config.app.state.services
        assert not walked(services) and not walked(services.registry)
    finally:
        live.stop()


def test_an_app_that_is_not_serving_freezes_nothing(store_path: Path, thawed: None) -> None:
    live = start_server(settings_for_tests(store_path=store_path, read_only=True))
    try:
        assert httpx.get(f"{live.url}/healthz", timeout=30).status_code == 200
        assert walked(live.server.config.app.state.services)
    finally:
        live.stop()


def test_the_warm_up_freezes_what_it_built(store_path: Path, thawed: None) -> None:
    store = EmbeddedStore(store_path.resolve(), read_only=True)
    try:
        runner = QueryRunner(store, default_registry())
        completion = CompletionService(runner)
        start_warmup(KnowledgeService(runner), budget_s=0, completion=completion, freeze=True).join(
            timeout=120
        )
        terms = completion.terms("en")  # read by the warm-up, now from the cache
        assert terms and not walked(terms)
    finally:
        store.close()
