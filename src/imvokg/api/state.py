"""What the routes share: built once per application in its lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field

from imvokg.cache import VersionedCache
from imvokg.config import Settings
from imvokg.queries import QueryRegistry
from imvokg.services.knowledge import KnowledgeService
from imvokg.services.runner import QueryRunner
from imvokg.store import Store


@dataclass
class Services:
    settings: Settings
    store: Store
    registry: QueryRegistry
    runner: QueryRunner
    knowledge: KnowledgeService
    sparql_answers: VersionedCache = field(default_factory=lambda: VersionedCache(size=256))
    """Small /sparql answers by (version, query, media type, dataset): at most 256 x the size limit.

    The same class as the answer cache, a separate instance: user queries are
    unbounded in number and size, so they get their own, smaller budget and
    cannot push the domain answers out."""
