"""What the routes share: built once per application in its lifespan."""

from __future__ import annotations

from dataclasses import dataclass

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
