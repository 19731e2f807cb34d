"""What the routes share: every service, built once per application in its lifespan (:func:`wire`).

One way in: a route asks for :data:`~imvokg.api.deps.ServicesDep` and uses the
service it needs; nothing is built per request or on first use, and every
service works over the one store and query runner, so a write bumps the
version every cached answer keys on. The key files are read by the services
when asked (they notice a changed file), so building them early changes nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from imvokg.config import Settings
from imvokg.queries import QueryRegistry
from imvokg.services.authority import AuthorityKeys, controller_iri, keys_file_for
from imvokg.services.catalog import CatalogService
from imvokg.services.compare import CompareService
from imvokg.services.completion import CompletionService
from imvokg.services.credentials import Credentials
from imvokg.services.dumps import Releases
from imvokg.services.event_stream import EventStream
from imvokg.services.feed import FeedService
from imvokg.services.history import Snapshot, Snapshots
from imvokg.services.journal import Journal
from imvokg.services.knowledge import KnowledgeService
from imvokg.services.linked_data import LinkedDataService
from imvokg.services.network import NetworkService
from imvokg.services.profiles import ProfileService
from imvokg.services.runner import QueryRunner
from imvokg.services.sessions import SessionStore
from imvokg.services.signing import Signer
from imvokg.services.sparql import QueryPool, SparqlEndpoint
from imvokg.services.taxonomies import TaxonomyService
from imvokg.services.verification import VerificationService, local_resolver
from imvokg.services.vocabulary_docs import VocabularyService
from imvokg.services.workflow import WorkflowService
from imvokg.services.workspace import DraftStore
from imvokg.store import Store


@dataclass
class Services:
    settings: Settings
    store: Store
    registry: QueryRegistry
    runner: QueryRunner
    knowledge: KnowledgeService
    taxonomies: TaxonomyService
    compare: CompareService
    linked_data: LinkedDataService
    vocabulary: VocabularyService
    catalog: CatalogService
    completion: CompletionService
    feed: FeedService
    event_stream: EventStream
    authority_keys: AuthorityKeys
    """This registry's signing keys (``GET /authority`` publishes the public ones)."""
    verification: VerificationService
    network: NetworkService
    credentials: Credentials
    """The API keys of the write side."""
    profiles: ProfileService
    """The requirement profiles (the EU minimum and the member state's own) and the one in force."""
    workflow: WorkflowService
    sessions: SessionStore
    """The workspace's browser sessions (an API key exchanged once for a session)."""
    drafts: DraftStore
    """Agreements being written in the workspace, per user."""
    snapshots: Snapshots
    """The registry's state after every write: ``as_of`` answers and ``/sparql?release=`` read them."""
    sparql: SparqlEndpoint
    """User SPARQL (``/sparql``): checks, its own answer cache, the worker processes."""
    releases: Releases
    """The release files (``/dumps/``, and the distributions of ``/catalog`` and VoID)."""
    past: dict[str, Services] = field(default_factory=dict)
    """The services over a few snapshots of the registry, by snapshot (``as_of`` answers)."""
    _past_lock: threading.Lock = field(default_factory=threading.Lock)

    def as_of(self, snapshot: Snapshot) -> Services:
        """The same services over the registry as a snapshot holds it (built once per snapshot)."""
        key = str(snapshot.path)
        with self._past_lock:
            found = self.past.get(key)
            if found is None:
                store = self.snapshots.open(snapshot)
                found = wire(self.settings, QueryRunner(store, self.registry))
                if len(self.past) >= 4:
                    self.past.pop(next(iter(self.past)))
                self.past[key] = found
            return found


def wire(settings: Settings, runner: QueryRunner, *, sparql_pool: QueryPool | None = None) -> Services:
    """Every service of one application, over the runner's store and registry.

    ``sparql_pool`` runs user SPARQL in worker processes; the lifespan starts and closes it.
    """
    store, registry = runner.store, runner.registry
    knowledge = KnowledgeService(runner)
    linked_data = LinkedDataService(runner)
    authority_keys = AuthorityKeys(keys_file_for(settings))
    controller = controller_iri(settings)
    profiles = ProfileService(settings)
    snapshots = Snapshots(settings.var.history)
    return Services(
        settings=settings,
        store=store,
        registry=registry,
        runner=runner,
        knowledge=knowledge,
        taxonomies=TaxonomyService(runner),
        compare=CompareService(knowledge),
        linked_data=linked_data,
        vocabulary=VocabularyService(runner),
        catalog=CatalogService(runner),
        completion=CompletionService(runner),
        feed=FeedService(runner, linked_data),
        event_stream=EventStream(runner, registry, page_size=settings.ldes_page_size),
        authority_keys=authority_keys,
        verification=VerificationService(store, registry, local_resolver(authority_keys, controller)),
        network=NetworkService(settings, runner, registry),
        credentials=Credentials(settings.keys_file),
        profiles=profiles,
        workflow=WorkflowService(
            runner,
            Journal(settings.var.submissions),
            read_only=settings.read_only,
            signer=Signer(authority_keys, controller),
            four_eyes=settings.four_eyes,
            profiles=profiles,
            snapshots=snapshots,
        ),
        sessions=SessionStore(
            settings.var.sessions, idle_s=settings.session_idle_s, max_s=settings.session_max_s
        ),
        drafts=DraftStore(settings.var.drafts),
        snapshots=snapshots,
        sparql=SparqlEndpoint(
            store,
            snapshots,
            max_query_chars=settings.max_query_chars,
            cache_max_bytes=settings.sparql_cache_max_bytes,
            pool=sparql_pool,
        ),
        releases=Releases(store, settings.var.dumps),
    )
