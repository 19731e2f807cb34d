"""What a supervisor asks across member states: where an initiative is recognised, and what
another state recognised that this one has not decided on.

Answers cover this registry's own decisions and those harvested from peers
(``services/harvest.py``); each row says whose decision it is and whether its
proof holds now (own keys, or the peer's keys pinned by the harvester).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from imvokg.config import Settings
from imvokg.errors import InputError
from imvokg.messages import N_
from imvokg.namespaces import GRAPH
from imvokg.queries import QueryRegistry
from imvokg.services.authority import AuthorityKey, AuthorityKeys, controller_iri, keys_file_for
from imvokg.services.identifiers import agreement_iri, country_iri
from imvokg.services.runner import QueryRunner
from imvokg.services.signing import KeyResolver, verify_graph_in_store
from imvokg.services.verification import STATEMENTS, local_resolver
from imvokg.store.base import Term

PEER_PREFIX = str(GRAPH["peer/"])


def peer_resolver(settings: Settings) -> KeyResolver:
    """The peers' keys as the harvester pinned them (harvest/{state}.json next to the store)."""
    folder = settings.var.harvest

    def resolve(method: str) -> AuthorityKey | None:
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                keys = json.loads(Path(path).read_text(encoding="utf-8")).get("keys", {})
            except (OSError, ValueError):
                continue
            if method in keys:
                return AuthorityKey(**keys[method])
        return None

    return resolve


class NetworkService:
    def __init__(self, settings: Settings, runner: QueryRunner, registry: QueryRegistry) -> None:
        self.runner = runner
        self.statements = registry.get(STATEMENTS).text
        own = local_resolver(AuthorityKeys(keys_file_for(settings)), controller_iri(settings))
        peers = peer_resolver(settings)
        self.resolve: KeyResolver = lambda method: own(method) or peers(method)

    def initiative_recognitions(self, slug: str) -> list[dict[str, Any]]:
        """Every decision on one initiative, own and harvested, each with its verification now."""
        rows = self.runner.select("initiative-recognitions", {"agreement": agreement_iri(slug)})
        out = []
        for row in rows:
            graph = row["graph"].value
            check = verify_graph_in_store(self.runner.store, self.statements, graph, self.resolve)
            value = {name: term.value for name, term in row.items()}.get

            out.append(
                {
                    "decision": row["decision"].value,
                    "member_state": row["state"].value.rsplit("/", 1)[-1],
                    "outcome": (value("outcome") or "").rsplit("/", 1)[-1] or None,
                    "issued": value("issued"),
                    "valid_from": value("valid_from"),
                    "valid_until": value("valid_until"),
                    "authority": value("authority"),
                    "profile": value("profile"),
                    "adopts": value("adopts"),
                    "declines": value("declines"),
                    "registry": "peer" if graph.startswith(PEER_PREFIX) else "own",
                    "verification": check.state,
                    "verification_reason": check.reason,
                }
            )
        return out

    def peer_decision(self, decision: str) -> dict[str, Any] | None:
        """A harvested decision with its graph, initiative, state, outcome, proof and check now."""
        try:
            bindings = {"decision": Term.iri(decision)}
        except ValueError:
            raise InputError(N_("decision is the IRI of another member state's decision")) from None
        rows = self.runner.select("peer-decision", bindings).rows
        if not rows:
            return None
        row = {name: term.value for name, term in rows[0].items()}
        check = verify_graph_in_store(self.runner.store, self.statements, row["graph"], self.resolve)
        return {**row, "verification": check.state, "verification_reason": check.reason}

    def recognised_elsewhere(self, member_state: str) -> list[dict[str, str]]:
        """Initiatives another state recognised on which this registry has no decision."""
        rows = self.runner.select("recognised-elsewhere-not-here", {"elsewhere": country_iri(member_state)})
        return [
            {
                "agreement": row["agreement"].value,
                "decision": row["decision"].value,
                "outcome": row["outcome"].value.rsplit("/", 1)[-1],
            }
            for row in rows
        ]
