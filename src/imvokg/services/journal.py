"""The submissions journal: pending agreements kept outside the public store.

A submission is three files in one directory next to the store
(``<id>.nt`` the data, ``<id>.report.ttl`` its validation report, ``<id>.json``
the record with its status). They are written to a temporary name, fsynced
and renamed, record last, so a submission either exists whole or not at all.
Nothing here is ever visible through /sparql: the public store holds an
agreement only after its approval.

``lock()`` serialises decisions: a thread lock for this process and an
exclusive ``flock`` on the directory for any other process on the same store.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from imvokg.errors import NotFound
from imvokg.messages import N_

STATUSES = ("pending", "approved", "rejected")
_ID = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class Submission:
    """What the journal knows of one submission, and what the API answers about it (api/models.py).

    One definition for both: the journal's file and the JSON answer cannot drift apart.
    """

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}
    """As for every answer model: a field the answer holds but this class does not name fails validation."""

    id: str
    status: str
    agreement: str
    agreement_label: str | None
    member_state: str
    submitted_by: str
    submitted_at: str
    conforms: bool
    violations: int
    warnings: int
    decided_by: str | None = None
    decided_at: str | None = None
    decision: str | None = None
    reason: str | None = None
    submitted_by_organisation: str | None = None
    first_approval: dict[str, Any] | None = None
    """Under the four-eyes rule: the first supervisor's approval (by, at, reason) awaiting a second."""
    idempotency_key: str | None = None
    """The client's key for this submission: the same key again answers with this one, stores nothing."""
    profile: str | None = None
    """The requirement profile version the submission was validated under."""
    replaces: str | None = None
    """The version IRI an amendment replaces (None: a new agreement)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    """One directory of submissions; safe for threads and processes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._thread_lock = threading.RLock()
        self._held = threading.local()

    # -- reading -----------------------------------------------------------
    def get(self, submission_id: str) -> Submission:
        path = self._path(submission_id, ".json")
        try:
            return Submission(**json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise NotFound(
                N_("there is no submission '%(submission_id)s'"), submission_id=submission_id
            ) from None

    def data(self, submission_id: str) -> bytes:
        """The submitted agreement as N-Triples."""
        return self._path(submission_id, ".nt").read_bytes()

    def report(self, submission_id: str) -> str:
        """The stored sh:ValidationReport as Turtle."""
        return self._path(submission_id, ".report.ttl").read_text(encoding="utf-8")

    def all(self) -> list[Submission]:
        if not self.root.exists():
            return []
        found = []
        for path in sorted(self.root.glob("*.json")):
            if _ID.match(path.stem):
                found.append(Submission(**json.loads(path.read_text(encoding="utf-8"))))
        return sorted(found, key=lambda s: (s.submitted_at, s.id))

    # -- writing -----------------------------------------------------------
    def add(self, record: Submission, data: bytes, report_turtle: str) -> None:
        """Write data and report first, the record last: a half-written submission does not exist."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._write(self._path(record.id, ".nt"), data)
        self._write(self._path(record.id, ".report.ttl"), report_turtle.encode("utf-8"))
        self._write_record(record)

    def update(self, record: Submission, **changes: Any) -> Submission:
        new = replace(record, **changes)
        self._write_record(new)
        return new

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One decision at a time, across threads and processes."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._thread_lock:
            depth = getattr(self._held, "depth", 0)
            if depth:  # re-entered by the thread that holds it: flock on a new fd would deadlock
                self._held.depth = depth + 1
                try:
                    yield
                finally:
                    self._held.depth = depth
                return
            fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                self._held.depth = 1
                yield
            finally:
                self._held.depth = 0
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    # -- internals ---------------------------------------------------------
    def stamp(self) -> datetime:
        """A publication time later than every earlier one of this registry (call inside lock()).

        The event stream orders decisions by this time; strictly increasing times (microseconds,
        one later than the last when the clock has not moved on or went back) mean a new decision
        is always the newest, never one inside a page a follower has already read.
        """
        path = self.root / ".last-stamp"
        moment = datetime.now(UTC)
        try:
            last = datetime.fromisoformat(path.read_text(encoding="utf-8").strip())
        except (FileNotFoundError, ValueError):
            last = None
        if last is not None and moment <= last:
            moment = last + timedelta(microseconds=1)
        self._write(path, moment.isoformat().encode())
        return moment

    def _path(self, submission_id: str, suffix: str) -> Path:
        if not _ID.match(submission_id):
            raise NotFound(N_("there is no submission '%(submission_id)s'"), submission_id=submission_id[:40])
        return self.root / f"{submission_id}{suffix}"

    def _write_record(self, record: Submission) -> None:
        body = json.dumps(record.to_dict(), indent=2, ensure_ascii=False).encode("utf-8")
        self._write(self._path(record.id, ".json"), body)

    def _write(self, path: Path, body: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
