"""The embedded store's remembered data version under a write from another thread.

Every request asks for the version (the answer caches and the /sparql workers key on it), so it
is remembered until the next write. A version read that overlapped a write must not be
remembered: the old version would stay for every later request, the /sparql workers would keep
their old snapshot and an approved decision would not show.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from imvokg.store.embedded import EmbeddedStore

GRAPH = "https://w3id.org/imvokg/graph/test-version"
TRIPLE = b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"


class WriteDuringRead:
    """The pyoxigraph store, where another thread's write lands while a version read is under way.

    The read's quads are taken first (the old version), then the write runs to its end, then the
    read goes on: the interleaving two request threads can have, made to happen every time.
    """

    def __init__(self, inner: ox.Store, write: Any) -> None:
        self._inner = inner
        self._write = write
        self.armed = False

    def quads_for_pattern(self, *pattern: Any) -> Iterator[ox.Quad]:
        quads = list(self._inner.quads_for_pattern(*pattern))
        if self.armed:
            self.armed = False
            writer = threading.Thread(target=self._write)
            writer.start()
            writer.join()
        return iter(quads)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_a_version_read_during_a_write_is_not_remembered(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.replace_graphs({GRAPH: TRIPLE})
    before = store.version()
    proxy = WriteDuringRead(store._store, lambda: store.replace_graphs({GRAPH: TRIPLE}))
    store._store = proxy  # type: ignore[assignment]
    store._version = None  # as after the last write: the next request reads the version
    proxy.armed = True
    assert store.version() == before  # read before the write ended: the old version, this once
    after = store.version()
    assert after != before, "the version read during the write was remembered: stale for every request"
    assert store.known_version() == after
