"""Cached answers are served without I/O only while the store's version is known to be current."""

from __future__ import annotations

from imvokg.queries import default_registry
from imvokg.services.runner import QueryRunner
from imvokg.store.embedded import EmbeddedStore

GRAPH = "https://w3id.org/imvokg/graph/data-x"


def test_peek_hits_until_a_write_then_the_new_version_is_read() -> None:
    store = EmbeddedStore()
    store.set_version("v1")
    runner = QueryRunner(store, default_registry())
    assert runner.peek(("answer",)) is None  # nothing cached yet
    assert runner.cached(("answer",), lambda: "first") == "first"
    assert store.known_version() == "v1"
    assert runner.peek(("answer",)) == "first"

    store.replace_graphs({GRAPH: b"<https://w3id.org/imvokg/id/x> <http://example.org/p> 1 .\n"})
    assert store.known_version() is None  # the write forgot it: no answer may be served from memory
    assert runner.peek(("answer",)) is None
    assert runner.cached(("answer",), lambda: "second") == "second"  # the new version is read
    assert store.known_version() not in {None, "v1"}
    assert runner.peek(("answer",)) == "second"
