"""Open the store the settings ask for: embedded by default, remote with an endpoint."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import TYPE_CHECKING

from imvokg.config import Settings
from imvokg.store.base import SelectResult, Store, Term

if TYPE_CHECKING:
    from imvokg.store.sandbox import SparqlPool

__all__ = ["SelectResult", "Store", "Term", "open_snapshot", "open_store", "sparql_pool"]


def open_store(settings: Settings, *, read_only: bool = True) -> Store:
    """The configured store; heavy back ends are imported only when chosen."""
    if settings.endpoint:
        from imvokg.store.remote import RemoteStore

        return RemoteStore(
            settings.endpoint,
            update_endpoint=settings.update_endpoint,
            gsp_endpoint=settings.gsp_endpoint,
            timeout_s=settings.query_timeout_s,
            version_ttl_s=settings.remote_version_ttl_s,
        )
    from imvokg.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store_path.resolve(), read_only=read_only)


def open_snapshot(path: Path) -> Store:
    """A snapshot of the registry, read-only: a store checkpoint (a directory) or a gzipped N-Quads dump."""
    from imvokg.store.embedded import EmbeddedStore

    if path.is_dir():
        return EmbeddedStore(path, read_only=True)
    store = EmbeddedStore(None)
    store.bulk_load_dataset(gzip.decompress(path.read_bytes()))
    return store


def sparql_pool(settings: Settings, store: Store) -> SparqlPool | None:
    """Worker processes for user SPARQL over an embedded store (None for a remote one or when off)."""
    from imvokg.store.sandbox import pool_for

    return pool_for(settings, store)
