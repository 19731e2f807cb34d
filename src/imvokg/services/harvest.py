"""Following other member states' registries: their event streams, verified, kept apart.

Each configured peer is another registry (its base URL and member state, in
the peers file). A harvest round, per peer:

1. reads the peer's authority document (``{base}authority``); keys are pinned
   on first use, later documents may add keys, expire or revoke them, but a
   pinned key that comes back with other key material is refused (the whole
   document, until a person looks);
2. reads the peer's event stream (``{base}ldes``) from where the last round
   stopped, page by page, in its TriG form; every member's decision graph is
   checked against its proof with the pinned keys, and must be a decision of
   the peer's own member state;
3. stores each accepted member's graph and proof graph under
   ``graph/peer/{member-state}/...``, never mixed with this registry's own
   decisions; refused members are logged with the reason and counted;
4. remembers its position (the page and the members done on it) after each
   page is stored, so a restart, even after SIGKILL mid-page, goes on exactly
   there: a member stored before the crash is seen and not stored twice.

This is the only outbound connection imvokg makes, and only to configured
peers: a time-out per request, a size cap per answer, no redirects, nothing
outside the peer's base URL, no private, loopback or link-local address
unless the settings allow it (tests run peers on loopback).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from imvokg.config import Settings
from imvokg.errors import ConfigError, InputError
from imvokg.integrity import serialize
from imvokg.messages import N_
from imvokg.namespaces import GRAPH
from imvokg.services.authority import AuthorityKey, keys_from_document
from imvokg.services.identifiers import COUNTRY_BASE, iso3
from imvokg.services.signing import proof_graph_iri, read_proof, verify_statement
from imvokg.store.base import Store

log = logging.getLogger("imvokg.harvest")

TREE = "https://w3id.org/tree#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DECISION = "https://w3id.org/imvokg/ont#RecognitionDecision"
MEMBER_STATE = "https://w3id.org/imvokg/ont#memberState"
MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES_PER_ROUND = 1_000


@dataclass(frozen=True)
class Peer:
    member_state: str
    """ISO 3166-1 alpha-3."""
    base: str

    @property
    def authority(self) -> str:
        return self.base + "authority"

    @property
    def stream_start(self) -> str:
        return self.base + "ldes/0"

    def graph_for(self, peer_graph: str) -> str:
        """Where a peer's graph is kept here: under graph/peer/{member-state}/."""
        slug = peer_graph.rstrip("/").rsplit("/", 1)[-1]
        return str(GRAPH[f"peer/{self.member_state.lower()}/{slug}"])


def load_peers(settings: Settings) -> list[Peer]:
    """The configured peers: ``[{"member_state": "NL", "base": "https://..."}]``."""
    if settings.peers_file is None:
        return []
    try:
        raw = json.loads(settings.peers_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            N_("the peers file %(file)s is not readable JSON: %(problem)s"),
            file=settings.peers_file,
            problem=exc,
        ) from None
    peers = []
    for entry in raw if isinstance(raw, list) else []:
        base = str(entry.get("base", ""))
        if not base.startswith(("https://", "http://")) or not base.endswith("/"):
            raise ConfigError(N_("peer base %(base)s must be an http(s) URL ending in '/'"), base=repr(base))
        peers.append(Peer(iso3(str(entry.get("member_state", "")).strip()), base))
    return peers


@dataclass
class PeerState:
    """Where harvesting a peer stands; kept as JSON next to the store."""

    next_page: str | None = None
    done_on_page: list[str] = field(default_factory=list)
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)
    stored: int = 0
    refused: int = 0


@dataclass
class RoundReport:
    member_state: str
    pages: int = 0
    stored: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Harvester:
    """One harvest round over every configured peer, into this registry's store."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        client: httpx.Client | None = None,
        write: Callable[[Mapping[str, bytes]], None] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.write = write or store.replace_graphs
        """How harvested graphs are written: the server's runner keeps the answers they do not touch."""
        self.state_dir = settings.var.harvest
        self.client = client or httpx.Client(
            timeout=settings.harvest_timeout_s, follow_redirects=False, trust_env=False
        )

    def close(self) -> None:
        self.client.close()

    # -- state --
    def _state_path(self, peer: Peer) -> Path:
        return self.state_dir / f"{peer.member_state.lower()}.json"

    def state(self, peer: Peer) -> PeerState:
        try:
            return PeerState(**json.loads(self._state_path(peer).read_text(encoding="utf-8")))
        except FileNotFoundError:
            return PeerState()

    def _save(self, peer: Peer, state: PeerState) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        path = self._state_path(peer)
        scratch = path.with_name(path.name + ".tmp")
        with open(scratch, "w", encoding="utf-8") as handle:
            json.dump(asdict(state), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(scratch, path)

    # -- outbound --
    def _get(self, peer: Peer, url: str, accept: str) -> bytes:
        if not url.startswith(peer.base):
            raise InputError(f"{url} is outside the peer's registry {peer.base}")
        self._check_address(url)
        with self.client.stream("GET", url, headers={"Accept": accept}) as response:
            if response.status_code != 200:
                raise InputError(f"{url} answered {response.status_code}")
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise InputError(f"{url} sent more than {MAX_BYTES} bytes")
            return body

    def _check_address(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
        except OSError as exc:
            raise InputError(f"cannot resolve {host}: {exc}") from None
        for address in addresses:
            ip = ipaddress.ip_address(str(address).split("%", 1)[0])
            if (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved) and not (
                self.settings.harvest_allow_private
            ):
                raise InputError(f"{host} resolves to {ip}, a private or local address; peers must be public")

    # -- keys --
    def _keys(self, peer: Peer, state: PeerState) -> dict[str, AuthorityKey]:
        document = json.loads(self._get(peer, peer.authority, "application/ld+json"))
        offered = keys_from_document(document, peer.authority)
        for method, key in offered.items():
            pinned = state.keys.get(method)
            if pinned and pinned["public_key_multibase"] != key.public_key_multibase:
                raise InputError(
                    f"{peer.authority} now gives other key material for {method}; its pinned key is "
                    "kept and nothing is harvested until a person checks the peer"
                )
        for method, key in offered.items():
            state.keys[method] = asdict(key)
        return {method: AuthorityKey(**value) for method, value in state.keys.items()}

    # -- a round --
    def harvest(self, peer: Peer) -> RoundReport:
        report = RoundReport(peer.member_state)
        state = self.state(peer)
        try:
            keys = self._keys(peer, state)
            self._save(peer, state)  # the pinned keys reach the disk before any member they verify
            page_url = state.next_page or peer.stream_start
            for _ in range(MAX_PAGES_PER_ROUND):
                following = self._page(peer, page_url, state, keys, report)
                report.pages += 1
                if following is None:
                    break
                state.next_page, state.done_on_page = following, []
                self._save(peer, state)
                page_url = following
        except (InputError, httpx.HTTPError, ValueError, SyntaxError) as exc:
            report.error = str(exc)
            log.warning("harvest of %s stopped: %s", peer.base, exc)
        self._save(peer, state)
        return report

    def _page(
        self, peer: Peer, page_url: str, state: PeerState, keys: dict[str, AuthorityKey], report: RoundReport
    ) -> str | None:
        body = self._get(peer, page_url, "application/trig")
        quads = list(ox.parse(body, format=ox.RdfFormat.TRIG, base_iri=page_url))
        graphs: dict[str, list[ox.Triple]] = {}
        members: list[str] = []
        following = None
        for quad in quads:
            if isinstance(quad.graph_name, ox.NamedNode):
                graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
            elif quad.predicate.value == TREE + "member":
                members.append(quad.object.value)
            elif quad.predicate.value == TREE + "node":
                following = quad.object.value
        state.next_page = page_url
        written: dict[str, bytes] = {}
        refreshed = False
        for member in members:
            if member in state.done_on_page:
                continue
            outcome = self._member(peer, member, graphs, keys)
            if isinstance(outcome, str) and outcome.startswith("unknown_key") and not refreshed:
                # the peer may have made its key after this round read its keys: read them again once
                refreshed = True
                keys.update(self._keys(peer, state))
                self._save(peer, state)  # pinned before any member they verify is stored
                outcome = self._member(peer, member, graphs, keys)
            if isinstance(outcome, str):
                report.refused.append((member, outcome))
                state.refused += 1
                log.warning("refused %s from %s: %s", member, peer.base, outcome)
            else:
                written.update(outcome)
                report.stored += 1
                state.stored += 1
            state.done_on_page.append(member)
        if written:
            self.write(written)  # first the members, then the position
        self._save(peer, state)
        return following

    def _member(
        self, peer: Peer, member: str, graphs: dict[str, list[ox.Triple]], keys: dict[str, AuthorityKey]
    ) -> dict[str, bytes] | str:
        """The graphs to store for one member, or why it is refused."""
        typed = ox.Triple(ox.NamedNode(member), ox.NamedNode(RDF_TYPE), ox.NamedNode(DECISION))
        holding = [name for name, triples in graphs.items() if typed in triples]
        if len(holding) != 1:
            return "the page carries no single graph holding this decision"
        graph = holding[0]
        triples = graphs[graph]
        subject, said = ox.NamedNode(member), ox.NamedNode(MEMBER_STATE)
        states = {str(t.object.value) for t in triples if t.subject == subject and t.predicate == said}  # type: ignore[union-attr]
        if states != {COUNTRY_BASE + peer.member_state}:
            return f"a registry of {peer.member_state} may publish only its own member state's decisions"
        statement = serialize(triples)
        proof_nt = serialize(graphs.get(proof_graph_iri(graph), []))
        checked = verify_statement(graph, statement, read_proof(graph, proof_nt), keys.get)
        if checked.state != "valid":
            return f"{checked.state}: {checked.reason}"
        return {peer.graph_for(graph): statement, proof_graph_iri(peer.graph_for(graph)): proof_nt}


def start_background_harvest(
    settings: Settings, store: Store, *, write: Callable[[Mapping[str, bytes]], None] | None = None
) -> Callable[[], None]:
    """Harvest every configured peer every ``harvest_interval_s`` in a thread of the server.

    A peer that fails is retried later with a doubling pause (up to five minutes); the others go
    on. Returns the function that stops the thread (the server calls it when it shuts down).
    """
    peers = load_peers(settings)
    stop = threading.Event()
    if not peers or settings.read_only:
        return stop.set

    def loop() -> None:
        harvester = Harvester(settings, store, write=write)
        pause = {peer.base: 0.0 for peer in peers}
        due = {peer.base: 0.0 for peer in peers}
        try:
            while not stop.is_set():
                for peer in peers:
                    if stop.is_set() or due[peer.base] > time.monotonic():
                        continue
                    try:
                        report = harvester.harvest(peer)
                    except Exception:  # a harvest must never take the server down
                        log.exception("harvest of %s failed", peer.base)
                        report = RoundReport(peer.member_state, error="failed")
                    pause[peer.base] = (
                        min(300.0, max(settings.harvest_interval_s, 2 * pause[peer.base]))
                        if report.error
                        else 0.0
                    )
                    due[peer.base] = time.monotonic() + max(settings.harvest_interval_s, pause[peer.base])
                stop.wait(settings.harvest_interval_s)
        finally:
            harvester.close()

    thread = threading.Thread(target=loop, name="imvokg-harvest", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=settings.harvest_timeout_s + 5)  # a round ends at its next request

    return halt
