"""Command-line commands of a member state's registry: its set-up, its keys, verification.

``init-registry`` makes a registry's settings file and its authority's first
signing key; ``keys`` lists, rotates and revokes the keys; ``verify`` checks
the proofs in a dump file or of a decision in the store.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from imvokg.config import Settings
from imvokg.errors import InputError
from imvokg.messages import N_, say

SETTINGS_FILE = "registry.env"
KEY_STATES = {"revoked": N_("revoked"), "expired": N_("expired"), "signs": N_("signs")}
"""A signing key's state as `imvokg keys` lists it."""


def add_parsers(sub: Any, lang: str = "en") -> None:
    """The registry's subcommands, their help in `lang`."""
    init = sub.add_parser(
        "init-registry",
        help=say(lang, "set up one member state's registry: settings file and the authority's signing key"),
    )
    init.add_argument("--member-state", required=True, help=say(lang, "the EU member state, e.g. NL, DE, FR"))
    init.add_argument("--authority-iri", required=True, help=say(lang, "IRI of the supervisory authority"))
    init.add_argument("--authority-name", required=True, help=say(lang, "name of the supervisory authority"))
    init.add_argument(
        "--base-url",
        help=say(
            lang,
            "the public base URL other registries reach this one at (its /authority, /ldes); "
            "the data's IRIs stay under https://w3id.org/imvokg/",
        ),
    )
    init.add_argument(
        "--dir", type=Path, required=True, help=say(lang, "folder for the settings, keys and store")
    )
    init.add_argument("--port", type=int, default=8000, help=say(lang, "port (default 8000)"))

    keys = sub.add_parser(
        "keys",
        help=say(lang, "list, rotate or revoke the authority's signing keys"),
    )
    keys.add_argument("action", choices=["list", "rotate", "revoke"])
    keys.add_argument("key", nargs="?", help=say(lang, "with revoke: the key id (e.g. key-1)"))

    verify = sub.add_parser(
        "verify",
        help=say(lang, "check the signatures in a dump (TriG, N-Quads) or of a decision in the store"),
    )
    verify.add_argument("target", help=say(lang, "a .trig/.nq file, a decision IRI, or a decision id"))
    verify.add_argument(
        "--authority",
        type=Path,
        action="append",
        default=[],
        help=say(lang, "a peer's authority document (JSON)"),
    )
    verify.add_argument("--json", action="store_true", help=say(lang, "print JSON"))
    verify.add_argument("--store", type=Path, help=say(lang, "store directory"))

    harvest = sub.add_parser(
        "harvest",
        help=say(lang, "follow the other registries' event streams (the peers file) into this store"),
    )
    harvest.add_argument("--follow", action="store_true", help=say(lang, "keep harvesting"))
    harvest.add_argument("--interval", type=float, default=10.0, help=say(lang, "seconds between rounds"))
    harvest.add_argument("--store", type=Path, help=say(lang, "store directory"))


def cmd_init_registry(args: argparse.Namespace, settings: Settings, progress: Any) -> int:
    from imvokg.services.authority import AuthorityKeys
    from imvokg.services.identifiers import iso3

    iso3(args.member_state.strip())
    folder: Path = args.dir.absolute()
    target = folder / SETTINGS_FILE
    if target.exists() or (folder / "authority-keys.json").exists():
        raise InputError(
            N_("%(folder)s already holds a registry; its keys are never overwritten"), folder=folder
        )
    if args.base_url and not (
        args.base_url.startswith(("https://", "http://")) and args.base_url.endswith("/")
    ):
        raise InputError(N_("--base-url is an http(s) URL ending in '/', e.g. https://registry.example.de/"))
    folder.mkdir(parents=True, exist_ok=True)
    lines = {
        "IMVOKG_MEMBER_STATE": args.member_state.upper(),
        "IMVOKG_AUTHORITY_IRI": args.authority_iri,
        "IMVOKG_AUTHORITY_NAME": args.authority_name,
        "IMVOKG_STORE_PATH": str(folder / "store"),
        "IMVOKG_AUTHORITY_KEYS_FILE": str(folder / "authority-keys.json"),
        "IMVOKG_API_KEYS_FILE": str(folder / "api-keys.json"),
        "IMVOKG_PORT": str(args.port),
    }
    if args.base_url:
        lines["IMVOKG_REGISTRY_BASE"] = args.base_url
    target.write_text("".join(f"{k}={json.dumps(v)}\n" for k, v in lines.items()), encoding="utf-8")
    key, _ = AuthorityKeys(folder / "authority-keys.json").current()
    lang = args.lang
    print(
        say(
            lang, "registry of %(state)s set up in %(folder)s", state=args.member_state.upper(), folder=folder
        )
    )
    print(f"  {say(lang, 'settings'):12} {target}")
    print(
        f"  {say(lang, 'signing key'):12} {key.id} ({key.public_key_multibase}) "
        f"in {folder / 'authority-keys.json'}"
    )
    command = f"imvokg --settings {target} build && imvokg --settings {target} serve"
    print(say(lang, "next: %(command)s", command=command))
    return 0


def cmd_keys(args: argparse.Namespace, settings: Settings, progress: Any) -> int:
    from imvokg.services.authority import AuthorityKeys, controller_iri, keys_file_for

    keys = AuthorityKeys(keys_file_for(settings))
    if args.action == "rotate":
        fresh = keys.rotate()
        print(
            say(
                args.lang,
                "%(key)s signs from now on; earlier keys stay published and verify what they signed",
                key=fresh.id,
            )
        )
    elif args.action == "revoke":
        if not args.key:
            raise InputError(N_("keys revoke needs the key id, e.g. `imvokg keys revoke key-1`"))
        revoked = keys.revoke(args.key)
        print(
            say(
                args.lang,
                "%(key)s is revoked: nothing it signed verifies any more; run `imvokg keys rotate`",
                key=revoked.id,
            )
        )
    for key in keys.public_keys():
        state = say(
            args.lang, KEY_STATES["revoked" if key.revoked else "expired" if key.expires else "signs"]
        )
        method = f"{controller_iri(settings)}#{key.id}"
        created = say(args.lang, "created %(when)s", when=key.created)
        print(f"{method}  {state:10} {created}  {key.public_key_multibase}")
    return 0


def cmd_verify(args: argparse.Namespace, settings: Settings, progress: Any) -> int:
    from imvokg.services.authority import AuthorityKeys, controller_iri, keys_file_for, keys_from_document
    from imvokg.services.verification import local_resolver, verify_dataset

    own = local_resolver(AuthorityKeys(keys_file_for(settings)), controller_iri(settings))
    peers: dict[str, Any] = {}
    for path in args.authority:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(
                N_("%(file)s is not a readable authority document: %(problem)s"), file=path, problem=exc
            ) from None
        peers.update(keys_from_document(document, str(document.get("id", ""))))

    def resolve(method: str) -> Any:
        return peers.get(method) or own(method)

    target = args.target
    if Path(target).is_file():
        checks = verify_dataset(Path(target).read_bytes(), Path(target).suffix, resolve)
        rows = [check.to_dict() for check in checks]
    else:
        from imvokg.queries import default_registry
        from imvokg.services.verification import VerificationService
        from imvokg.store import open_store

        decision = target.rstrip("/").rsplit("/decision/", 1)[-1]
        store = open_store(settings)
        try:
            rows = VerificationService(store, default_registry(), resolve).decision(decision)["graphs"]
        finally:
            store.close()
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['state']:12} {row['graph']}\n             {row['reason']}")
    return 0 if rows and all(row["state"] == "valid" for row in rows) else 1


def cmd_harvest(args: argparse.Namespace, settings: Settings, progress: Any) -> int:
    import time

    from imvokg.services.harvest import Harvester, load_peers
    from imvokg.store import open_store

    peers = load_peers(settings)
    if not peers:
        raise InputError(N_("no peers are configured; set IMVOKG_PEERS_FILE to a JSON list of registries"))
    store = open_store(settings, read_only=False)
    harvester = Harvester(settings, store)
    backoff = {peer.base: 0.0 for peer in peers}
    try:
        while True:
            for peer in peers:
                report = harvester.harvest(peer)
                counts = say(
                    args.lang,
                    "pages: %(pages)s, stored: %(stored)s, refused: %(refused)s",
                    pages=report.pages,
                    stored=report.stored,
                    refused=len(report.refused),
                )
                stopped = say(args.lang, "; stopped: %(error)s", error=report.error) if report.error else ""
                print(f"{peer.member_state} {peer.base}: {counts}{stopped}", flush=True)
                for member, why in report.refused:
                    print(
                        "  " + say(args.lang, "refused %(member)s: %(why)s", member=member, why=why),
                        flush=True,
                    )
                backoff[peer.base] = (
                    min(300.0, max(args.interval, backoff[peer.base] * 2)) if report.error else 0.0
                )
            if not args.follow:
                return 0
            time.sleep(max([args.interval, *backoff.values()]))
    except KeyboardInterrupt:
        return 0
    finally:
        harvester.close()
        store.close()


COMMANDS = {
    "init-registry": cmd_init_registry,
    "keys": cmd_keys,
    "verify": cmd_verify,
    "harvest": cmd_harvest,
}
