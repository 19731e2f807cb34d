"""Browser sessions of the workspace: an API key exchanged once for a server-side session.

The key itself never travels again after sign-in and is never kept: the
browser holds a random session token (in an HttpOnly cookie) and this store
holds only the token's SHA-256, with the id of the key it was opened with,
a CSRF token, and the times that end it (idle and absolute expiry). One file
per session, written atomically with mode 0600 beside the store, so every API
process of one registry sees the same sessions and a restart keeps them.

A session lives only as long as its key: ``find`` is given the key lookup and
ends the session when the key was revoked, and ``close_for_key`` ends them at
once when ``imvokg apikey revoke`` runs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

_NAME = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Session:
    """One signed-in browser: whose key, its CSRF token, and when it ends."""

    key_id: str
    user: str
    csrf: str
    created: float
    last_seen: float

    def expired(self, now: float, *, idle_s: float, max_s: float) -> bool:
        return now - self.last_seen > idle_s or now - self.created > max_s


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore:
    """The sessions of one registry, in one directory."""

    def __init__(self, root: Path, *, idle_s: float, max_s: float) -> None:
        self.root = root
        self.idle_s = idle_s
        self.max_s = max_s
        self._lock = threading.Lock()

    def open(self, key_id: str, user: str, *, now: float | None = None) -> tuple[str, Session]:
        """A new session (a new token each sign-in, so a planted cookie is never promoted)."""
        moment = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        session = Session(key_id, user, secrets.token_urlsafe(32), moment, moment)
        self._write(_digest(token), session)
        return token, session

    def find(
        self, token: str | None, key_alive: Callable[[str], bool], *, now: float | None = None
    ) -> Session | None:
        """The live session of ``token``; an expired one, or one whose key is gone, is removed."""
        if not token or len(token) > 200:
            return None
        name = _digest(token)
        session = self._read(name)
        if session is None:
            return None
        moment = time.time() if now is None else now
        if session.expired(moment, idle_s=self.idle_s, max_s=self.max_s) or not key_alive(session.key_id):
            self._remove(name)
            return None
        if moment - session.last_seen >= 1:
            session = replace(session, last_seen=moment)
            self._write(name, session)
        return session

    def close(self, token: str | None) -> None:
        """Sign-out: the session is gone, whatever the browser keeps."""
        if token and len(token) <= 200:
            self._remove(_digest(token))

    def close_for_key(self, key_id: str) -> int:
        """End every session opened with a key (its revocation); the number ended."""
        ended = 0
        for path in self._files():
            session = self._read(path.stem)
            if session is not None and session.key_id == key_id:
                self._remove(path.stem)
                ended += 1
        return ended

    @staticmethod
    def csrf_ok(session: Session, presented: str | None) -> bool:
        """The form's CSRF token is the session's (compared in constant time)."""
        return bool(presented) and hmac.compare_digest(session.csrf.encode(), (presented or "").encode())

    # -- files ---------------------------------------------------------------
    def _files(self) -> list[Path]:
        if not self.root.exists():
            return []
        return [p for p in self.root.glob("*.json") if _NAME.match(p.stem)]

    def _read(self, name: str) -> Session | None:
        try:
            return Session(**json.loads((self.root / f"{name}.json").read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    def _remove(self, name: str) -> None:
        (self.root / f"{name}.json").unlink(missing_ok=True)

    def _write(self, name: str, session: Session) -> None:
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = self.root / f"{name}.json"
            tmp = path.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps(asdict(session)).encode())
            os.replace(tmp, path)
