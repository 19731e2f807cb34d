"""Content negotiation, the one place: ``?format=`` first, then Accept (RFC 9110 q-values).

Every route that offers more than one representation asks :func:`choose`;
the media types themselves and their aliases are in ``imvokg.formats``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fastapi import Request

from imvokg.errors import NotAcceptable
from imvokg.formats import (
    ACCEPT_ALIASES,
    CLIENT_FORMAT_NAMES,
    FORMAT_PARAM,
    HTML,
    QUERY_GRAPH_MEDIA_TYPES,
    RESULT_MEDIA_TYPES,
)
from imvokg.messages import N_

FORMAT_PARAMETERS = ("format", "output", "results")
"""Names SPARQL clients give the answer format in the query string (SPARQLWrapper sends all three)."""


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, best first (stable for equal q)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for index, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((index, media, q))
    ranges.sort(key=lambda r: (-r[2], r[0]))
    return [(media, q) for _, media, q in ranges]


def negotiate(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered type the client prefers most; the first offered for */*; None if nothing fits."""
    for media, q in parse_accept(header):
        if q <= 0:
            continue
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            major = media[:-1]
            for candidate in offered:
                if candidate.startswith(major):
                    return candidate
            continue
        if media in offered:
            return media
        for alias in ACCEPT_ALIASES.get(media, ()):
            if alias in offered:
                return alias
    return None


def choose(request: Request, offered: Sequence[str], *, format_param: str | None = None) -> str:
    """``?format=`` (or ``format_param``) wins, then Accept; 406 when nothing offered fits."""
    wanted = format_param if format_param is not None else request.query_params.get("format")
    if wanted:
        media = FORMAT_PARAM.get(wanted.lower(), wanted.lower())
        if media in offered:
            return media
        raise NotAcceptable(
            N_("format '%(wanted)s' is not available here; use one of %(offered)s"),
            wanted=wanted[:40],
            offered=", ".join(offered),
        )
    chosen = negotiate(request.headers.get("accept"), offered)
    if chosen is None:
        raise NotAcceptable(
            "none of the media types in Accept can be produced; offered: " + ", ".join(offered)
        )
    return chosen


def wants_page(request: Request, others: Sequence[str]) -> bool:
    """A browser navigating here: it names text/html and ranks it above the ``others`` offered."""
    accept = request.headers.get("accept", "")
    if "format" in request.query_params or HTML not in accept:
        return False
    return negotiate(accept, [HTML, *others]) == HTML


def query_format(request: Request, *, graph: bool, format_values: Sequence[str] = ()) -> str:
    """The answer format of a SPARQL query: a graph for CONSTRUCT and DESCRIBE, results otherwise.

    ``format_values`` are what the client sent as ``format``, ``output`` or
    ``results`` (SPARQLWrapper sends all three, with a word or a media type):
    the first that names a format of this kind of answer wins. When none does,
    Accept decides if the client sent one; a client that said nothing but an
    unknown format is told what there is (406).
    """
    offered = QUERY_GRAPH_MEDIA_TYPES if graph else RESULT_MEDIA_TYPES
    names = CLIENT_FORMAT_NAMES["graph" if graph else "result"]
    for value in format_values:
        wanted = value.strip().lower()
        media = names.get(wanted, wanted)
        if media in offered:
            return media
    accept = request.headers.get("accept")
    if format_values and (not accept or accept.strip() == "*/*"):
        raise NotAcceptable(
            N_("format '%(wanted)s' is not available here; use one of %(offered)s"),
            wanted=format_values[0][:40],
            offered=", ".join(offered),
        )
    return choose(request, offered, format_param="")


def format_values(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The values of the format parameters SPARQL clients send, in the order they came."""
    return [value for name, value in pairs if name in FORMAT_PARAMETERS and value]
