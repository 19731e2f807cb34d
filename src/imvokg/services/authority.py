"""The registry's authority: who signs this registry's decisions, and with which keys.

One imvokg instance is one member state's registry. Its supervisory authority
signs every decision it publishes (``imvokg.integrity``); readers in other
member states check those signatures against the authority's public keys,
published as a controlled identifier document (W3C CID 1.0) at a stable IRI
under the registry's base (``Settings.registry_base``): ``{base}authority``, each key a ``Multikey``
verification method ``{base}authority#key-N``.

Keys rotate: ``imvokg keys rotate`` adds a new key and retires the current one
by giving it an ``expires`` time and dropping its secret. A retired key stays
in the document, so a decision signed while it was current still verifies; a
proof dated after a key's expiry does not. A compromised key is marked
``revoked``, and nothing signed with it verifies any more.

The key file is JSON, written atomically with mode 0600 (it holds the secret
key), next to the store unless ``IMVOKG_AUTHORITY_KEYS_FILE`` says otherwise.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from imvokg.config import Settings
from imvokg.errors import ConfigError, InputError
from imvokg.integrity import now_xsd as now
from imvokg.integrity import (
    public_key_from_multibase,
    public_key_multibase,
    secret_key_from_multibase,
    secret_key_multibase,
)
from imvokg.messages import N_
from imvokg.namespaces import BASE
from imvokg.services.identifiers import iso3

CID_CONTEXT = "https://www.w3.org/ns/cid/v1"
_KEY_ID = re.compile(r"^key-\d+$")


def controller_iri(settings: Settings) -> str:
    """The IRI of this registry's authority document (where its public keys are published)."""
    return (settings.registry_base or BASE) + "authority"


def keys_file_for(settings: Settings) -> Path:
    if settings.authority_keys_file is not None:
        return settings.authority_keys_file
    return settings.var.authority_keys


@dataclass(frozen=True)
class AuthorityKey:
    """One of the authority's keys; only the current one keeps its secret."""

    id: str
    public_key_multibase: str
    created: str
    expires: str | None = None
    revoked: str | None = None
    secret_key_multibase: str | None = None

    def public_key(self) -> Ed25519PublicKey:
        return public_key_from_multibase(self.public_key_multibase)

    def valid_at(self, moment: str) -> tuple[bool, str]:
        """Whether a proof created at ``moment`` (xsd:dateTime, UTC) may use this key, and why not."""
        if self.revoked:
            return False, f"the key {self.id} was revoked on {self.revoked}"
        if moment < self.created:
            return False, f"the proof is dated {moment}, before the key {self.id} existed ({self.created})"
        # the same second counts: the secret was gone once the key expired, so a proof dated then
        # was made before the rotation
        if self.expires and moment > self.expires:
            return False, f"the proof is dated {moment}, after the key {self.id} expired ({self.expires})"
        return True, ""


class AuthorityKeys:
    """The key file of this registry's authority."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def keys(self) -> list[AuthorityKey]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return [AuthorityKey(**entry) for entry in raw["keys"]]
        except FileNotFoundError:
            return []
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                N_("the authority key file %(file)s is not readable: %(problem)s"),
                file=self.path,
                problem=exc,
            ) from None

    def public_keys(self) -> list[AuthorityKey]:
        """Every key without its secret: what the authority document publishes."""
        return [replace(key, secret_key_multibase=None) for key in self.keys()]

    def current(self) -> tuple[AuthorityKey, Ed25519PrivateKey]:
        """The key that signs now, created on first use."""
        with self._lock:
            keys = self.keys()
            if not keys:
                keys = [_new_key(1)]
                self._write(keys)
            key = keys[-1]
        if key.secret_key_multibase is None or key.expires or key.revoked:
            raise ConfigError(
                N_("the authority key file %(file)s has no current signing key; run `imvokg keys rotate`"),
                file=self.path,
            )
        return key, secret_key_from_multibase(key.secret_key_multibase)

    def rotate(self) -> AuthorityKey:
        """A new current key; the old one expires now and loses its secret."""
        with self._lock:
            keys = self.keys()
            moment = now()
            retired = [replace(key, secret_key_multibase=None, expires=key.expires or moment) for key in keys]
            fresh = _new_key(len(keys) + 1)
            self._write([*retired, fresh])
            return fresh

    def revoke(self, key_id: str) -> AuthorityKey:
        """Mark a key compromised: nothing it signed verifies any more."""
        with self._lock:
            keys = self.keys()
            if not any(key.id == key_id for key in keys):
                raise InputError(
                    N_("there is no key %(key)s; `imvokg keys list` shows them"), key=repr(key_id)
                )
            moment = now()
            keys = [
                replace(key, revoked=key.revoked or moment, secret_key_multibase=None)
                if key.id == key_id
                else key
                for key in keys
            ]
            self._write(keys)
            return next(key for key in keys if key.id == key_id)

    def _write(self, keys: list[AuthorityKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.path.with_name(self.path.name + ".tmp")
        body = json.dumps({"keys": [asdict(key) for key in keys]}, indent=2) + "\n"
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(scratch, self.path)


def _new_key(number: int) -> AuthorityKey:
    secret = Ed25519PrivateKey.generate()
    return AuthorityKey(
        id=f"key-{number}",
        public_key_multibase=public_key_multibase(secret.public_key()),
        created=now(),
        secret_key_multibase=secret_key_multibase(secret),
    )


def authority_document(settings: Settings, keys: list[AuthorityKey]) -> dict[str, Any]:
    """The controlled identifier document (CID 1.0) that publishes the authority's public keys."""
    controller = controller_iri(settings)
    methods = []
    for key in keys:
        method: dict[str, Any] = {
            "id": f"{controller}#{key.id}",
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": key.public_key_multibase,
        }
        if key.expires:
            method["expires"] = key.expires
        if key.revoked:
            method["revoked"] = key.revoked
        methods.append(method)
    document: dict[str, Any] = {"@context": CID_CONTEXT, "id": controller}
    if settings.authority_iri:
        document["alsoKnownAs"] = [settings.authority_iri]
    if settings.authority_name:
        document["name"] = settings.authority_name
    if settings.member_state:
        document["memberState"] = iso3(settings.member_state.strip())
    document["verificationMethod"] = methods
    document["assertionMethod"] = [method["id"] for method in methods]
    return document


def keys_from_document(document: Any, controller: str) -> dict[str, AuthorityKey]:
    """A peer's published keys by verification method IRI (its document as JSON)."""
    if not isinstance(document, dict) or document.get("id") != controller:
        raise InputError(N_("the authority document is not the one of %(controller)s"), controller=controller)
    found: dict[str, AuthorityKey] = {}
    assertion = set(document.get("assertionMethod") or [])
    for method in document.get("verificationMethod") or []:
        if not isinstance(method, dict) or method.get("controller") != controller:
            continue
        method_id = str(method.get("id", ""))
        if method_id not in assertion or method.get("type") != "Multikey":
            continue
        fragment = method_id.rpartition("#")[2]
        if not _KEY_ID.match(fragment):
            continue
        found[method_id] = AuthorityKey(
            id=fragment,
            public_key_multibase=str(method.get("publicKeyMultibase", "")),
            created="",
            expires=method.get("expires"),
            revoked=method.get("revoked"),
        )
    return found
