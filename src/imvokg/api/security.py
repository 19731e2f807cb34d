"""The edge of the public service: bad paths, CORS, security headers, and a rate limit on /sparql.

All of it is plain ASGI middleware (no per-request Python objects beyond what
is needed), because it runs on every request and the SPARQL path is measured
against a raw Oxigraph server.

- Paths: uvicorn and Starlette pass ``..``, encoded slashes and NUL into path
  parameters; a path holding any of them is answered 404 before routing, so
  no route ever has to think about them.
- CORS: public reads are open to any origin, never with credentials, and only
  the plain request headers are allowed, so a page on another site cannot
  send an API key.
- Headers: every answer says ``nosniff``; HTML answers carry a Content
  Security Policy without remote sources and may not be framed.
- Rate: a token bucket per client address on ``/sparql``, and one per API
  key on every request that carries a key (429 with ``Retry-After``). Behind
  a reverse proxy the address is the proxy's unless uvicorn is told to trust
  its forwarded headers (``forwarded_allow_ips``).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from imvokg.api.problem import PROBLEM_JSON, problem_bytes
from imvokg.config import Settings

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HTML_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
NOSNIFF = (b"x-content-type-options", b"nosniff")

_BAD_IN_RAW_PATH = (b"%2f", b"%5c", b"%00", b"\\", b"\x00")
_DOT_SEGMENTS = frozenset({"..", "."})


def _json_answer(status: int, code: str, detail: str, headers: list[tuple[bytes, bytes]] = []) -> tuple:  # noqa: B006
    body = problem_bytes(status, code, detail)
    head = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        NOSNIFF,
        *headers,
    ]
    return (
        {"type": "http.response.start", "status": status, "headers": head},
        {"type": "http.response.body", "body": body},
    )


def bad_path(scope: Scope) -> bool:
    """True when the path holds ``..``/``.`` segments, encoded slashes or backslashes, or NUL."""
    raw: bytes = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    lowered = raw.lower()
    if any(token in lowered for token in _BAD_IN_RAW_PATH):
        return True
    path: str = scope["path"]
    if "\x00" in path or "\\" in path:
        return True
    return any(segment in _DOT_SEGMENTS for segment in path.split("/"))


class PathGuard:
    """404 (problem+json) for any path a route should never have to see."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and bad_path(scope):
            start, body = _json_answer(404, "not_found", "there is nothing at this path")
            await send(start)
            await send(body)
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """``nosniff`` on every answer; CSP, no framing and a referrer policy on HTML."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = CSP.encode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append(NOSNIFF)
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                if content_type.lower().startswith(b"text/html"):
                    if b"content-security-policy" not in names:
                        headers.append((b"content-security-policy", csp))
                    headers.extend(h for h in HTML_HEADERS if h[0] not in names)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class PublicCors:
    """Any origin may read, never with credentials; preflights are answered here.

    ``Access-Control-Allow-Origin: *`` is the same for every origin, so answers
    need no ``Vary: Origin`` and stay cacheable. Only the plain request headers
    are allowed, so a script on another site cannot send an API key.
    """

    ALLOW_METHODS = b"GET, HEAD, POST"
    ALLOW_HEADERS = b"Accept, Accept-Language, Content-Type"
    EXPOSE_HEADERS = b"Retry-After, Content-Language, Link"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        if b"origin" not in headers:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        (b"access-control-allow-origin", b"*"),
                        (b"access-control-allow-methods", self.ALLOW_METHODS),
                        (b"access-control-allow-headers", self.ALLOW_HEADERS),
                        (b"access-control-max-age", b"86400"),
                        NOSNIFF,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if not name.lower().startswith(b"access-control-")
                ]
                kept.append((b"access-control-allow-origin", b"*"))
                kept.append((b"access-control-expose-headers", self.EXPOSE_HEADERS))
                message = {**message, "headers": kept}
            await send(message)

        await self.app(scope, receive, with_cors)


class TokenBuckets:
    """One token bucket per key, the least recently seen forgotten first (memory stays bounded)."""

    def __init__(self, rate_per_s: float, burst: int, max_keys: int = 10_000) -> None:
        self.rate = rate_per_s
        self.burst = float(max(burst, 1))
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, now: float | None = None) -> float:
        """Take one token; 0.0 when allowed, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def _too_many(wait: float, detail: str) -> tuple:
    retry = str(max(1, math.ceil(wait)))
    return _json_answer(
        429, "too_many_requests", f"{detail}; retry after {retry} s", [(b"retry-after", retry.encode())]
    )


class SparqlRateLimit:
    """429 with ``Retry-After`` when one client address sends /sparql requests faster than allowed."""

    def __init__(self, app: ASGIApp, *, rate_per_s: float, burst: int, paths: tuple[str, ...] = ("/sparql",)):
        self.app = app
        self.paths = frozenset(paths)
        self.buckets = TokenBuckets(rate_per_s, burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths and scope["method"] != "OPTIONS":
            client = scope.get("client")
            wait = self.buckets.take(client[0] if client else "unknown")
            if wait > 0:
                start, body = _too_many(wait, "too many SPARQL requests from your address")
                await send(start)
                await send(body)
                return
        await self.app(scope, receive, send)


class KeyRateLimit:
    """429 with ``Retry-After`` when one API key sends requests faster than allowed, from any address.

    Keyed on a hash of the bearer token (the token itself is not kept); a
    request without a key is not counted here. A wrong key is counted too,
    so guessing keys is as slow as using one.
    """

    def __init__(self, app: ASGIApp, *, rate_per_s: float, burst: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate_per_s, burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] != "OPTIONS":
            token = next((v for n, v in scope.get("headers", []) if n == b"authorization"), None)
            if token:
                wait = self.buckets.take(hashlib.sha256(token).hexdigest()[:32])
                if wait > 0:
                    start, body = _too_many(wait, "too many requests with your API key")
                    await send(start)
                    await send(body)
                    return
        await self.app(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the edge middleware; call after the body size limit so the path guard is outermost."""
    if settings.key_rate_per_s > 0:
        app.add_middleware(KeyRateLimit, rate_per_s=settings.key_rate_per_s, burst=settings.key_burst)
    if settings.sparql_rate_per_s > 0:
        app.add_middleware(
            SparqlRateLimit, rate_per_s=settings.sparql_rate_per_s, burst=settings.sparql_burst
        )
    app.add_middleware(PublicCors)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(PathGuard)
