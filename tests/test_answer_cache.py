"""Cached answers are served without I/O only while the store's version is known to be current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imvokg.errors import InputError, NotFound
from imvokg.queries import default_registry
from imvokg.services.knowledge import KnowledgeService
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


def test_one_answer_is_one_entry_read_by_the_json_api_and_the_pages_alike(store_path: Path) -> None:
    store = EmbeddedStore(store_path.resolve(), read_only=True)
    try:
        knowledge = KnowledgeService(QueryRunner(store, default_registry()))
        question = knowledge.coverage_question("garment-textile", lang="nl")
        assert knowledge.runner.peek_answer(question) is None
        value = knowledge.coverage("garment-textile", lang="nl")  # what a page asks
        entries = len(knowledge.runner.cache)
        answer = knowledge.runner.peek_answer(question)  # what the JSON API looks up
        assert answer is not None and answer.value is value and not answer.encoded
        assert json.loads(answer.body) == value and answer.encoded
        assert knowledge.coverage("garment-textile", min_salience=None, lang="nl") is value
        assert len(knowledge.runner.cache) == entries  # no second entry for the same answer
        other = knowledge.coverage_question("garment-textile", lang="en")
        assert knowledge.runner.peek_answer(other) is None  # another language, another answer
    finally:
        store.close()


def test_errors_are_raised_and_never_cached(store_path: Path) -> None:
    store = EmbeddedStore(store_path.resolve(), read_only=True)
    try:
        knowledge = KnowledgeService(QueryRunner(store, default_registry()))
        question = knowledge.coverage_question("no-such-sector", lang="en")  # a well-formed slug
        for _ in range(2):
            with pytest.raises(NotFound):
                knowledge.runner.answer(question)
        assert knowledge.runner.peek_answer(question) is None
        with pytest.raises(InputError):
            knowledge.coverage_question("Not A Slug", lang="en")  # refused before any lookup
    finally:
        store.close()


def _tracked(value: str, *tags: str) -> tuple[str, frozenset[str]]:
    return value, frozenset(tags)


def test_a_write_drops_only_the_tracked_answers_it_touches() -> None:
    from imvokg.cache import TrackedCache

    cache = TrackedCache()
    assert cache.get_or_compute("v1", ("a",), lambda: _tracked("a1", "about:x")) == "a1"
    assert cache.get_or_compute("v1", ("b",), lambda: _tracked("b1", "about:y")) == "b1"
    cache.begin_write()

    # a reader that already sees the write's version while it is applied: answered, nothing kept or
    # lost, and an answer built from another (a nested question) is computed alike
    def nested() -> tuple[str, frozenset[str]]:
        inner = cache.get_or_compute("v2", ("d",), lambda: _tracked("d-during", "about:w"))
        return _tracked(f"c-during with {inner}", "about:z")

    assert cache.get_or_compute("v2", ("c",), nested) == "c-during with d-during"
    assert cache.peek("v1", ("a",)) == "a1"
    assert cache.invalidate(frozenset({"about:x", "any"}), "v1", "v2") == []  # no question to ask again
    assert cache.peek("v2", ("a",)) is None  # touched
    assert cache.peek("v2", ("b",)) == "b1"  # carried over to the new version
    assert cache.peek("v2", ("c",)) is None
    # a version nobody announced (another process, a build): nothing carries over
    assert cache.get_or_compute("v3", ("a",), lambda: _tracked("a3", "about:x")) == "a3"
    assert cache.peek("v3", ("b",)) is None


def test_touched_tags_come_from_what_a_write_changes() -> None:
    from imvokg.cache import touched_by

    a = "<https://w3id.org/imvokg/id/agreement/a>"
    before = (
        f'{a} <http://www.w3.org/2000/01/rdf-schema#label> "A"@en .\n{a} <http://x/covers> <http://x/s1> .\n'
    )
    after = (
        f'{a} <http://www.w3.org/2000/01/rdf-schema#label> "A"@en .\n{a} <http://x/covers> <http://x/s2> .\n'
    )
    tags = touched_by([(before.encode(), after.encode())])
    assert tags == {
        "any",
        "about:https://w3id.org/imvokg/id/agreement/a",
        "linked:http://x/s1",
        "linked:http://x/s2",
    }
    typed = touched_by(
        [(b"", f"{a} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://x/C> .\n".encode())]
    )
    assert "typed" in typed and "linked:http://x/C" not in typed
