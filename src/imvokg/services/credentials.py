"""API keys: who may submit agreements and who may decide on them.

Keys are 32 random bytes (URL-safe base64), shown once when created. The file
keeps only their SHA-256: a slow password hash buys nothing for a secret with
256 bits of entropy, and a leaked file then grants nothing. A presented key is
hashed and compared with every stored hash with ``hmac.compare_digest``, so
neither the comparison nor an early exit tells an attacker how close a guess
was.

The file is JSON, written atomically (temporary file, fsync, rename) with mode
0600, and read again whenever it changes, so ``imvokg apikey create`` takes
effect on a running server without a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from imvokg.errors import AuthError, ConfigError, Forbidden, InputError, NotFound
from imvokg.messages import N_
from imvokg.services.identifiers import iso3

ROLES = ("submitter", "supervisor")
KEY_PREFIX = "imvokg_"
_USER = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Principal:
    """The person a request acts for, as the key file describes them."""

    user: str
    role: str
    member_state: str | None = None
    """ISO 3166-1 alpha-3 code; set for supervisors only."""
    authority: str | None = None
    """IRI of the supervisor's authority (an imvo:GovernmentBody); minted when absent."""
    organisation: str | None = None
    """The organisation the person works for; nobody decides on their own organisation's submission."""
    key_id: str | None = None
    """The stored key this principal was found by (a browser session ends when it is revoked)."""

    def require_role(self, role: str) -> None:
        if self.role != role:
            raise Forbidden(
                N_("this needs the %(role)s role; the key of '%(user)s' has the %(role2)s role"),
                role=role,
                user=self.user,
                role2=self.role,
            )

    def require_supervisor_of(self, member_state: str) -> None:
        """403 unless a supervisor of exactly this member state (ISO3)."""
        self.require_role("supervisor")
        if self.member_state != member_state:
            raise Forbidden(
                N_("'%(user)s' supervises for %(member_state)s; this concerns %(member_state2)s"),
                user=self.user,
                member_state=self.member_state,
                member_state2=member_state,
            )


@dataclass(frozen=True)
class StoredKey:
    """One line of the key file: never the key itself, only its hash."""

    key_id: str
    user: str
    role: str
    member_state: str | None
    authority: str | None
    sha256: str
    created: str
    organisation: str | None = None

    def principal(self) -> Principal:
        return Principal(
            self.user, self.role, self.member_state, self.authority, self.organisation, self.key_id
        )


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class Credentials:
    """The key file of one server: create keys, and find the principal of a presented key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._loaded_stamp: tuple[int, int] | None = None
        self._keys: tuple[StoredKey, ...] = ()

    # -- reading -----------------------------------------------------------
    def stored_keys(self) -> tuple[StoredKey, ...]:
        """The stored keys, re-read when the file changed."""
        with self._lock:
            try:
                stat = self.path.stat()
            except FileNotFoundError:
                self._keys, self._loaded_stamp = (), None
                return ()
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp != self._loaded_stamp:
                self._keys = self._read()
                self._loaded_stamp = stamp
            return self._keys

    def _read(self) -> tuple[StoredKey, ...]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            return tuple(StoredKey(**entry) for entry in document.get("keys", []))
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError(
                N_("the API key file %(path)s cannot be read; recreate it"), path=self.path
            ) from exc

    def by_id(self, key_id: str) -> StoredKey | None:
        """The stored key with this id, or None once it was revoked (a session checks it every request)."""
        return next((k for k in self.stored_keys() if k.key_id == key_id), None)

    def authenticate(self, presented: str | None) -> Principal:
        """The principal of a key, or 401. Every stored hash is compared, in constant time each."""
        if not presented:
            raise AuthError(N_("this needs an API key: send 'Authorization: Bearer <key>' (or X-API-Key)"))
        digest = _digest(presented.strip())
        found: StoredKey | None = None
        for stored in self.stored_keys():
            if hmac.compare_digest(stored.sha256, digest) and found is None:
                found = stored
        if found is None:
            raise AuthError(N_("the API key is not valid"))
        return found.principal()

    # -- writing -----------------------------------------------------------
    def create(
        self,
        user: str,
        role: str,
        *,
        member_state: str | None = None,
        authority: str | None = None,
        organisation: str | None = None,
    ) -> tuple[str, StoredKey]:
        """Add a key and return it (the only time it exists in clear) with its stored form."""
        if not _USER.match(user):
            raise InputError(N_("a user name is 1-64 lowercase letters, digits, '.', '_' or '-'"))
        if role not in ROLES:
            raise InputError(N_("the role must be one of %(roles)s"), roles=", ".join(ROLES))
        state = None
        if role == "supervisor":
            if not member_state:
                raise InputError(N_("a supervisor key needs --member-state (ISO 3166-1, e.g. NL)"))
            state = iso3(member_state)
        elif member_state:
            raise InputError(N_("only supervisor keys have a member state"))
        if authority is not None and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", authority):
            raise InputError(N_("the authority must be an absolute http(s) IRI"))
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        stored = StoredKey(
            key_id=secrets.token_hex(4),
            user=user,
            role=role,
            member_state=state,
            authority=authority,
            sha256=_digest(key),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            organisation=organisation.strip() if organisation and organisation.strip() else None,
        )
        with self._lock:
            existing = self._read() if self.path.exists() else ()
            self._write((*existing, stored))
            self._loaded_stamp = None
        return key, stored

    def revoke(self, key_id: str) -> StoredKey:
        """Remove a key: requests with it get 401 and the browser sessions it opened end."""
        with self._lock:
            existing = self._read() if self.path.exists() else ()
            found = next((k for k in existing if k.key_id == key_id), None)
            if found is None:
                raise NotFound(N_("there is no API key '%(key_id)s'"), key_id=key_id[:40])
            self._write(tuple(k for k in existing if k.key_id != key_id))
            self._loaded_stamp = None
        return found

    def _write(self, keys: tuple[StoredKey, ...]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"keys": [asdict(k) for k in keys]}, indent=2).encode()
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
