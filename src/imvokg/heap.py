"""Keep the garbage collector's pauses short in a serving process.

A full collection (generation 2) walks every tracked object and holds the GIL
while it does: no request is answered meanwhile, the event loop included.
In a server most of those objects live as long as the process (the store's
wrappers, the query registry, the validation engines, the label index, the
cached answers), so walking them finds nothing and only stalls the requests.
Measured at 200k triples on 2 cores during the start-up warm-up: full
collections of 300-1 700 ms, growing with the answer cache, each one a
`/healthz` answer that late (docs/RELIABILITY.md). Moved to the permanent
generation (``gc.freeze``) they are not walked again, and a full collection
costs what was allocated since the last one (20-100 ms in the same run).

What this costs: a frozen object that later becomes cyclic garbage is never
collected (acyclic ones are still freed by reference counting, as always).
Only what lives at a freeze is frozen: everything at start-up after a
collection, and, while the warm-up runs, what survives each full collection
(all of it reachable at that moment: the answers computed so far, plus
whatever the warm-up or a request had in hand).
"""

from __future__ import annotations

import gc
import threading
from types import TracebackType
from typing import Any


def freeze_long_lived() -> None:
    """Collect once, then freeze every survivor; only where no request waits (before serving)."""
    gc.collect()
    gc.freeze()


class FreezeSurvivors:
    """While open, every full collection ends by freezing what survived it; the exit freezes once more.

    For a stretch that builds long-lived state (the warm-up filling the answer
    cache): without it each full collection walks all the answers computed so
    far, and the pauses grow with the cache. Thread-safe to open from any thread;
    the collector calls back on whichever thread triggered the collection.
    """

    _lock = threading.Lock()
    _open = 0

    def __enter__(self) -> FreezeSurvivors:
        with FreezeSurvivors._lock:
            if FreezeSurvivors._open == 0:
                gc.callbacks.append(_freeze_after_full_collection)
            FreezeSurvivors._open += 1
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        with FreezeSurvivors._lock:
            FreezeSurvivors._open -= 1
            if FreezeSurvivors._open == 0:
                gc.callbacks.remove(_freeze_after_full_collection)
        gc.freeze()  # what the stretch built is long-lived by design


def _freeze_after_full_collection(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()  # right after a full collection every tracked object is reachable
