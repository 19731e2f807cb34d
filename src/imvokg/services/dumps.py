"""The downloadable releases of the published graph: one file per format and version, one writer.

:func:`write_release` is the only code that writes or removes release files:
`imvokg build` calls it after a build, the server on the first request for a
version without files (a fresh store, or one changed by an approval), through
:class:`Releases`, the server's one handle on the store's release files. Both
write from the same ``Store.dump`` that ``imvokg export`` uses, so all three
agree byte for byte, and both keep only the :data:`KEEP_RELEASES` newest
releases. File names are matched against a fixed pattern and looked up in the
directory listing, so no request can name a path of its own.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from imvokg.cache import VersionedCache
from imvokg.errors import NotFound, StoreError
from imvokg.formats import RELEASE_FORMATS
from imvokg.messages import N_, Deferred
from imvokg.namespaces import META_GRAPH
from imvokg.store import Store

NAME = re.compile(
    r"^imvokg-([0-9A-Za-z][0-9A-Za-z.+_-]{0,99})\.(" + "|".join(map(re.escape, RELEASE_FORMATS)) + ")$"
)
_SAFE_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,99}$")
_lock = threading.Lock()
_digests = VersionedCache(size=256)
"""SHA-256 of release files by (path, size, mtime): the file's identity plays the version's part."""


@dataclass(frozen=True)
class DumpFile:
    """One release file with what the catalogue says about it."""

    name: str
    path: Path
    version: str
    suffix: str
    media_type: str
    size: int
    sha256: str
    modified: datetime

    @property
    def compressed(self) -> bool:
        return self.suffix.endswith(".gz")


KEEP_RELEASES = 5
"""Releases whose files are kept (every build and every approval makes one)."""


def file_version(store_version: str) -> str:
    """The store version as it appears in file names (anything odd becomes a short hash)."""
    if _SAFE_VERSION.match(store_version) and ".." not in store_version:
        return store_version
    return hashlib.sha256(store_version.encode()).hexdigest()[:16]


def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    """The file's digest, remembered while its size and modification time stay the same."""

    def compute() -> str:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    return _digests.get_or_compute((str(path), size, mtime_ns), compute)


def _describe(path: Path) -> DumpFile | None:
    match = NAME.match(path.name)
    if match is None or not path.is_file() or ".." in match.group(1):
        return None
    stat = path.stat()
    return DumpFile(
        name=path.name,
        path=path,
        version=match.group(1),
        suffix=match.group(2),
        media_type=RELEASE_FORMATS[match.group(2)],
        size=stat.st_size,
        sha256=_sha256(path, stat.st_size, stat.st_mtime_ns),
        modified=datetime.fromtimestamp(stat.st_mtime, UTC),
    )


def list_dumps(directory: Path) -> list[DumpFile]:
    """Every release file in the directory, newest first."""
    if not directory.is_dir():
        return []
    found = [d for d in (_describe(p) for p in directory.iterdir()) if d is not None]
    return sorted(found, key=lambda d: (d.modified, d.name), reverse=True)


def write_release(
    store: Store, directory: Path, *, progress: Callable[[str], None] | None = None
) -> list[DumpFile]:
    """The files of the store's current version, written if any is missing; then older ones pruned."""
    version = file_version(store.version())
    with _lock:
        wrote = False
        for suffix, media_type in RELEASE_FORMATS.items():
            path = directory / f"imvokg-{version}.{suffix}"
            if path.is_file():
                continue
            if progress is not None:
                progress(Deferred(N_("writing the %(suffix)s dump"), suffix=suffix))
            directory.mkdir(parents=True, exist_ok=True)
            body = store.dump(media_type, exclude_graphs=(META_GRAPH,))
            if suffix.endswith(".gz"):
                body = gzip.compress(body, mtime=0)
            tmp = directory / f".{path.name}.{uuid.uuid4().hex}.tmp"  # unique: several processes may write
            tmp.write_bytes(body)
            os.replace(tmp, path)
            wrote = True
        if wrote:
            prune(directory, keep=KEEP_RELEASES, current=version)
    files = [_describe(directory / f"imvokg-{version}.{suffix}") for suffix in RELEASE_FORMATS]
    return [f for f in files if f is not None]


def prune(directory: Path, *, keep: int, current: str | None = None) -> list[Path]:
    """Remove the files of all but the ``keep`` newest releases (never those of ``current``)."""
    releases: dict[str, list[Path]] = {}
    for path in directory.iterdir() if directory.is_dir() else ():
        match = NAME.match(path.name)
        if match is not None and path.is_file():
            releases.setdefault(match.group(1), []).append(path)
    newest = sorted(releases, key=lambda v: max(p.stat().st_mtime for p in releases[v]), reverse=True)
    removed = []
    for version in newest[keep:]:
        if version == current:
            continue
        for path in releases[version]:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def find_dump(directory: Path, name: str) -> DumpFile:
    """The release file called ``name``; NotFound for anything else."""
    if NAME.match(name) is None:
        raise NotFound(N_("no dump called '%(name)s'; see /dumps/ for the list"), name=name[:80])
    for dump in list_dumps(directory):
        if dump.name == name:
            return dump
    raise NotFound(N_("no dump called '%(name)s'; see /dumps/ for the list"), name=name)


class Releases:
    """The release files of one store in one directory: what the routes ask, never the store itself."""

    def __init__(self, store: Store, directory: Path) -> None:
        self.store = store
        self.directory = directory

    def current(self) -> list[DumpFile]:
        """This version's release files, written on first use (older releases pruned then)."""
        try:
            return write_release(self.store, self.directory)
        except OSError as exc:
            raise StoreError(N_("the release files could not be written next to the store")) from exc

    def listing(self) -> list[DumpFile]:
        """Every release file, newest first, this version's written first if missing."""
        self.current()
        return list_dumps(self.directory)

    def find(self, name: str) -> DumpFile:
        """The release file called ``name``; NotFound for anything else (nothing is written)."""
        return find_dump(self.directory, name)
