"""HTTP mechanics of publishing documents: validators and links (negotiation: ``negotiation``).

Every published document (resource pages, ontology, shapes, catalogue, VoID)
depends only on the store version, the document key and the representation,
so its ETag is a hash of the three and a rendering is cached (in the one answer cache) per version.
``Last-Modified`` is the build time read from the version, or the moment this
process first saw a version (approvals do not carry a time in the version).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response

from imvokg.api.answers import queries_header
from imvokg.api.lang import LanguageChoice
from imvokg.cache import VersionedCache
from imvokg.formats import HTML, PUBLISHED_RDF, with_charset

RDF_OFFERED: tuple[str, ...] = PUBLISHED_RDF
WITH_HTML: tuple[str, ...] = (*PUBLISHED_RDF, HTML)
_BUILD_STAMP = re.compile(r"\+(\d{8}T\d{6})")
_first_seen: dict[str, datetime] = {}
_seen_lock = threading.Lock()


def last_modified(version: str) -> datetime:
    """When this version of the data came to be (to the second)."""
    match = _BUILD_STAMP.search(version)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    with _seen_lock:
        return _first_seen.setdefault(version, datetime.now(UTC).replace(microsecond=0))


def etag_for(version: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join((version, *parts)).encode()).hexdigest()[:32]
    return f'"{digest}"'


def not_modified(request: Request, etag: str, modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return modified <= when
    return False


def validator_headers(etag: str, modified: datetime, *, vary: bool = True) -> dict[str, str]:
    headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
    if vary:
        headers["Vary"] = "Accept"
    return headers


def add_vary(response: Response, *names: str) -> Response:
    """Add request headers to the answer's ``Vary``, keeping those already named (once each)."""
    present = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
    lowered = {v.lower() for v in present}
    response.headers["Vary"] = ", ".join([*present, *(n for n in names if n.lower() not in lowered)])
    return response


def context_url(request: Request) -> str:
    """Where this server publishes the JSON-LD @context its JSON-LD documents name."""
    return str(request.url_for("jsonld_context_document"))


def local_link(base_iri: str) -> Callable[[str], str]:
    """Map our canonical IRIs to the page that serves them on this host; other IRIs stay as they are."""

    def link(iri: str) -> str:
        if not iri.startswith(base_iri):
            return iri
        rest = iri[len(base_iri) :]
        path, _, fragment = rest.partition("#")
        anchor = f"#{fragment}" if fragment else ""
        if path.startswith(("id/", "scheme/", "graph/")):
            return "/" + path + anchor
        if path == "ont" or path.startswith("ont/"):
            return "/ontology" + anchor
        if path == "shapes" or path.startswith("shapes/"):
            return "/shapes" + anchor
        if path.startswith("query/"):
            return f"/queries/{path[len('query/') :]}.rq"
        return "/" + rest

    return link


def respond(
    request: Request,
    *,
    version: str,
    key: str,
    media_type: str,
    make: Callable[[], bytes],
    cache: VersionedCache,
    lang: LanguageChoice | None = None,
    queries: tuple[str, ...] = (),
) -> Response:
    """Answer 304 when the client's copy is current, else the (cached) document with validators.

    ``lang`` is given for documents whose HTML is in the reader's language; the
    other representations are the same in every language. ``queries`` are the
    named queries the document is made from, linked as the JSON answers link theirs.
    """
    variant = lang.lang if lang is not None and media_type == "text/html" else ""
    etag = etag_for(version, key, media_type, variant)
    modified = last_modified(version)
    headers = {**validator_headers(etag, modified), **queries_header(queries)}
    if lang is not None:
        headers.update(lang.headers(vary=("Accept",)))
        if not variant:
            del headers["Content-Language"]
    if not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    body = cache.get_or_compute((version, "document", key, media_type, variant), make)
    return Response(body, media_type=with_charset(media_type), headers=headers)
