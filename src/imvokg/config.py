"""Settings: one typed object, read once from the environment (prefix IMVOKG_).

Nothing else in the project reads os.environ; the object is passed to whatever
needs it, so tests can build their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


@dataclass(frozen=True)
class VarLayout:
    """What lives beside the store directory (``var/`` by default), derived here and nowhere else.

    The store directory is swapped whole by each build, so everything that must
    outlive a build (releases, pending submissions, keys, the build stamp) sits
    next to it, never inside it.
    """

    store: Path

    @property
    def root(self) -> Path:
        return self.store.parent

    @property
    def dumps(self) -> Path:
        """Release files (``imvokg-{version}.ttl|.nt.gz|.jsonld``)."""
        return self.root / "dumps"

    @property
    def submissions(self) -> Path:
        """The journal of pending submissions."""
        return self.root / "submissions"

    @property
    def api_keys(self) -> Path:
        """Hashed API keys, unless ``Settings.api_keys_file`` names another file."""
        return self.root / "api-keys.json"

    @property
    def sessions(self) -> Path:
        """Browser sessions of the workspace (one file per session, holding only the token's hash)."""
        return self.root / "sessions"

    @property
    def drafts(self) -> Path:
        """Drafts of agreements being written in the workspace, per user."""
        return self.root / "drafts"

    @property
    def authority_keys(self) -> Path:
        """The authority's signing keys (mode 0600), unless ``Settings.authority_keys_file`` names one."""
        return self.root / "authority-keys.json"

    @property
    def harvest(self) -> Path:
        """Where harvesting each peer registry stands (one JSON file per member state)."""
        return self.root / "harvest"

    @property
    def history(self) -> Path:
        """Snapshots of the registry after every write (``as_of`` answers and ``/sparql?release=``)."""
        return self.root / "history"

    @property
    def build_stamp(self) -> Path:
        """What the last build did (``BuildReport``), for ``imvokg build --if-changed``."""
        return self.root / "build.json"


def var_layout(store_path: Path) -> VarLayout:
    """The layout around an embedded store directory (absolute, so a change of directory cannot move it)."""
    return VarLayout(store_path.absolute())


class Settings(BaseSettings):
    """Every knob of the service, with the default a new user wants."""

    model_config = SettingsConfigDict(env_prefix="IMVOKG_", extra="ignore")

    store_path: Path = Path("var/store")
    """Directory of the embedded on-disk store made by `imvokg build`."""

    endpoint: str | None = None
    """SPARQL query endpoint of a remote store; when set, the embedded store is not used."""

    update_endpoint: str | None = None
    gsp_endpoint: str | None = None

    remote_version_ttl_s: float = 1.0
    """How long an API process on a remote store trusts the store version it read (one round
    trip saved per answer); another process's write is in its answers after at most this long.
    0 reads the version on every request: every write is in every process's next answer."""

    query_timeout_s: float = 10.0
    result_limit: int = 10_000
    max_body_bytes: int = 5 * 1024 * 1024
    max_query_chars: int = 100_000

    sparql_workers: int = 2
    """Worker processes for user SPARQL on /sparql (embedded store only); 0 runs it in-process (unsafe)."""

    worker_memory_mb: int = 2048
    """Address-space cap (RLIMIT_AS) of each SPARQL worker; a query over it fails alone."""

    result_max_bytes: int = 32 * 1024 * 1024
    """Largest /sparql answer; bigger ones are refused whole (400), never cut short."""

    sparql_rate_per_s: float = 20.0
    """Sustained /sparql requests per second per client address (token bucket); 0 turns it off."""

    sparql_burst: int = 40
    """Requests a client may send at once before the rate applies."""

    sparql_queue: int = 4
    """User SPARQL requests that may wait for a busy worker; beyond them the answer is 503 with
    Retry-After at once (admission control: a queue that grows only makes every answer late)."""

    key_rate_per_s: float = 5.0
    """Sustained requests per second per API key, from any address (token bucket); 0 turns it off."""

    key_burst: int = 20

    label_index: bool = True
    """Answer label search from an in-memory substring index (milliseconds at any size) instead of
    a scan of every name in the store; it costs memory in each API process (about 40 MiB at 1M triples)."""

    sparql_cache_max_bytes: int = 256 * 1024
    """Largest /sparql answer kept for the next identical query on the same store version (0: none)."""

    warm_cache: bool = False
    """Ask the common questions once at start-up in the background (`imvokg serve` turns it on)."""

    warm_budget_s: float = 300.0
    """Seconds the start-up warm-up may spend on answers (after the label index is read)."""

    freeze_heap: bool = False
    """Keep long-lived objects out of the garbage collector's full passes (`imvokg serve` turns it on):
    what lives after start-up and what the warm-up builds is frozen (imvokg/heap.py), so a full
    collection no longer stalls every request for as long as it takes to walk the answer cache."""

    read_only: bool = False
    """Open the embedded store read-only (no submissions or approvals; several processes may share it)."""

    host: str = "127.0.0.1"
    port: int = 8000

    header_timeout_s: float = 10.0
    """Seconds from a request's first byte until its headers are complete; then 408 and close."""

    body_timeout_s: float = 60.0
    """Seconds from the end of the headers until the whole body is in; then 408 and close."""

    keep_alive_s: float = 5.0
    """Seconds an idle kept-alive connection stays open between requests."""

    max_header_bytes: int = 32 * 1024
    max_headers: int = 100

    max_connections_per_client: int = 64
    """Open connections one client address may hold; more are answered 429 and closed."""

    forwarded_allow_ips: str | None = None
    """Addresses of the reverse proxy whose X-Forwarded-For/-Proto are believed (e.g. ``127.0.0.1``);
    unset: forwarded headers are ignored and the client is the peer address."""

    api_keys_file: Path | None = None
    """JSON file of hashed API keys (see `imvokg apikey create`)."""

    session_idle_s: int = 30 * 60
    """A workspace session unused this long ends (the person signs in again with their key)."""

    session_max_s: int = 8 * 3600
    """A workspace session ends this long after sign-in, however busy."""

    four_eyes: bool = False
    """An approval needs a second supervisor of the same member state before it is published."""

    member_state: str | None = None
    """The EU member state whose registry this is (ISO 3166-1, e.g. NL); `imvokg init-registry` sets it."""

    authority_iri: str | None = None
    """IRI of the member state's supervisory authority (CSDDD Art. 24) that signs the decisions."""

    authority_name: str | None = None

    ldes_page_size: int = 100
    """Decisions per page of the event stream (/ldes); full pages never change."""

    peers_file: Path | None = None
    """JSON list of the registries this one harvests: [{"member_state": "NL", "base": "https://.../"}]."""

    harvest_timeout_s: float = 10.0
    """Seconds a peer may take to answer one request of a harvest."""

    harvest_interval_s: float = 5.0
    """Seconds between harvest rounds while `imvokg serve` runs with a peers file."""

    harvest_allow_private: bool = False
    """Let peers live on private or loopback addresses (tests; a closed network of registries)."""

    requirement_profile: str = "eu-minimum"
    """The requirement profile this registry checks submissions against and names in its decisions:
    ``token`` (the version in force today) or ``token/version``; the EU minimum by default."""

    profiles_dir: Path | None = None
    """Folder of the member state's own requirement profiles, one folder per version (Turtle data
    and ``*.shapes.ttl``, see ``src/imvokg/profiles.py``), on top of the EU minimum requirements."""

    authority_keys_file: Path | None = None
    """JSON file of the authority's signing keys (mode 0600); default: authority-keys.json by the store."""

    registry_base: str | None = None
    """This registry's own public base URL, where other registries reach its /authority and /ldes
    (e.g. https://registry.example.de/); its authority's keys are named under it. The IRIs of the
    data stay under https://w3id.org/imvokg/ whatever this says."""

    @property
    def var(self) -> VarLayout:
        """Where the store's companions live (see :class:`VarLayout`)."""
        return var_layout(self.store_path)

    @property
    def keys_file(self) -> Path:
        """``api_keys_file``, or ``api-keys.json`` next to the store."""
        return self.api_keys_file if self.api_keys_file is not None else self.var.api_keys

    def to_environ(self) -> dict[str, str]:
        """These settings as the environment that rebuilds them (``IMVOKG_...``).

        ``imvokg serve --workers N`` hands the settings to worker processes this
        way: each builds ``Settings()`` from the environment, so every override
        (endpoints, warm-up, limits) reaches every worker, not only the store path.
        """
        environ = {}
        for name, value in self.model_dump(mode="json").items():
            if value is not None:
                environ[f"IMVOKG_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
        return environ
