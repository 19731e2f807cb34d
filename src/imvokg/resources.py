"""Where the packaged files (ontology, shapes, queries, data, translations) live.

In a checkout they are the top-level folders; in an installed wheel they are
copied into ``imvokg/_resources``. Nothing is ever fetched from the network.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "_resources"
_CHECKOUT = Path(__file__).resolve().parents[2]

FOLDERS = ("ontology", "shapes", "queries", "data", "translations")


def resource_root() -> Path:
    """The folder holding ontology/, shapes/, queries/ and data/."""
    if (_PACKAGED / "ontology").is_dir():
        return _PACKAGED
    return _CHECKOUT


def resource_dir(name: str) -> Path:
    """One of the packaged folders, e.g. ``resource_dir("shapes")``."""
    if name not in FOLDERS:
        raise ValueError(f"unknown resource folder {name!r}")
    return resource_root() / name
