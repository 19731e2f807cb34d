"""The HTTP server: uvicorn, with the limits it lacks and JSON for the errors it writes itself.

uvicorn bounds only the idle time between requests on a kept-alive
connection. A client that opens a connection and sends its headers one byte
at a time, or sends megabytes of headers, or opens hundreds of connections,
or starts a body and never finishes it, holds the server as long as it
likes; and malformed HTTP gets a plain-text 400 no client of ours can read.
``GuardedHttpTools`` is uvicorn's own httptools protocol with:

- a deadline for the request line and headers (``header_timeout_s``, counted
  from the first byte of a request, so trickling bytes does not extend it): 408;
- a cap on header bytes and header count (431) and on the request target (414);
- a deadline for the whole body once the headers are in (``body_timeout_s``): 408;
- a cap on open connections per client address (429 with ``Retry-After``);
- every answer it writes in the API's error shape (``application/problem+json``, api/problem.py),
  ``Connection: close``.

Every place that starts a server (``imvokg serve``, the tests) takes its
options from :func:`server_options`, so the limits hold wherever it runs.
Behind nginx (deploy/nginx/) the same limits hold at the front as well.
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from imvokg.api.problem import PROBLEM_JSON, problem_bytes
from imvokg.config import Settings

REASONS = {
    400: b"Bad Request",
    408: b"Request Timeout",
    414: b"URI Too Long",
    429: b"Too Many Requests",
    431: b"Request Header Fields Too Large",
}


@dataclass(frozen=True)
class ConnectionLimits:
    """What one connection may cost before the server hangs up (see :class:`GuardedHttpTools`)."""

    header_timeout_s: float = 10.0
    body_timeout_s: float = 60.0
    max_header_bytes: int = 32 * 1024
    max_headers: int = 100
    max_target_bytes: int = 16 * 1024
    max_connections_per_client: int = 64
    proxies: frozenset[str] = frozenset()
    """Addresses not capped: the reverse proxy, which caps per client itself (``forwarded_allow_ips``)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            header_timeout_s=settings.header_timeout_s,
            body_timeout_s=settings.body_timeout_s,
            max_header_bytes=settings.max_header_bytes,
            max_headers=settings.max_headers,
            # a GET /sparql carries the whole query: up to max_query_chars, each up to 9 bytes encoded
            max_target_bytes=9 * settings.max_query_chars + 4096,
            max_connections_per_client=settings.max_connections_per_client,
            proxies=frozenset(
                a.strip() for a in (settings.forwarded_allow_ips or "").split(",") if a.strip()
            ),
        )


class _Refused(Exception):
    """Raised from a parser callback: answer ``status`` with ``detail`` and close."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


def error_bytes(status: int, code: str, detail: str, extra: tuple[tuple[bytes, bytes], ...] = ()) -> bytes:
    """A complete HTTP/1.1 answer in the API's error shape (problem+json), closing the connection."""
    body = problem_bytes(status, code, detail)
    head = [
        b"HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, b"Error")),
        b"content-type: " + PROBLEM_JSON.encode() + b"\r\n",
        b"content-length: %d\r\n" % len(body),
        b"x-content-type-options: nosniff\r\n",
        b"connection: close\r\n",
        *(name + b": " + value + b"\r\n" for name, value in extra),
        b"\r\n",
    ]
    return b"".join(head) + body


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with per-connection deadlines and size caps (module docstring)."""

    def __init__(self, *args: Any, limits: ConnectionLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._header_count = 0
        self._target_bytes = 0
        self._address: str | None = None
        self._over_cap = False

    # -- per-client connection cap ---------------------------------------------

    def _clients(self) -> Counter[str]:
        clients = getattr(self.server_state, "imvokg_clients", None)
        if clients is None:
            clients = Counter()
            self.server_state.imvokg_clients = clients  # type: ignore[attr-defined]
        return clients

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        address = self.client[0] if self.client else "unknown"
        clients = self._clients()
        proxied = address in self.limits.proxies or "*" in self.limits.proxies
        self._over_cap = not proxied and clients[address] >= self.limits.max_connections_per_client
        if not self._over_cap:  # over it: answered 429 once its first bytes are read (a close now resets)
            clients[address] += 1
            self._address = address
        self._arm(self.limits.header_timeout_s, "the request line and headers did not arrive in time")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self._address is not None:
            clients = self._clients()
            clients[self._address] -= 1
            if clients[self._address] <= 0:
                del clients[self._address]
            self._address = None
        super().connection_lost(exc)

    # -- deadlines ---------------------------------------------------------------

    def _arm(self, seconds: float, detail: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired, detail)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self, detail: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and self.cycle.response_started and not self.cycle.response_complete:
            self.transport.close()  # an answer is on its way: no second one, just hang up
            return
        self._refuse(408, "request_timeout", detail)

    def _refuse(
        self, status: int, code: str, detail: str, extra: tuple[tuple[bytes, bytes], ...] = ()
    ) -> None:
        self.transport.write(error_bytes(status, code, detail, extra))
        self.transport.close()

    # -- parser ------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        if self._over_cap:
            self._refuse(
                429,
                "too_many_requests",
                f"more than {self.limits.max_connections_per_client} open connections from your address",
                ((b"retry-after", b"1"),),
            )
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            cause = exc.__cause__ or exc.__context__
            refused = cause if isinstance(cause, _Refused) else None
            if refused is None:
                self.send_400_response("the request is not valid HTTP/1.1")
            else:
                self._refuse(refused.status, refused.code, refused.detail)
        except httptools.HttpParserError:
            self.send_400_response("the request is not valid HTTP/1.1")
        except httptools.HttpParserUpgrade:  # as uvicorn: no upgrade is offered, the request goes on
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()

    def send_400_response(self, msg: str) -> None:
        self.logger.info("invalid HTTP request from %s", self.client[0] if self.client else "unknown")
        self._refuse(400, "bad_request", "the request is not valid HTTP/1.1")

    def on_message_begin(self) -> None:
        self._header_bytes = self._header_count = self._target_bytes = 0
        if self._deadline is None:
            self._arm(self.limits.header_timeout_s, "the request line and headers did not arrive in time")
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._target_bytes += len(url)
        if self._target_bytes > self.limits.max_target_bytes:
            raise _Refused(
                414, "uri_too_long", f"the request target is longer than {self.limits.max_target_bytes} bytes"
            )
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._header_bytes += len(name) + len(value) + 4
        if self._header_count > self.limits.max_headers or self._header_bytes > self.limits.max_header_bytes:
            raise _Refused(
                431,
                "headers_too_large",
                f"send at most {self.limits.max_headers} headers, "
                f"{self.limits.max_header_bytes} bytes in all",
            )
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._arm(self.limits.body_timeout_s, "the request body did not arrive in time")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()


def server_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.Config``/``uvicorn.run``: the one server configuration."""
    options: dict[str, Any] = {
        "http": functools.partial(GuardedHttpTools, limits=ConnectionLimits.from_settings(settings)),
        "ws": "none",
        "timeout_keep_alive": settings.keep_alive_s,
        "server_header": False,
        "log_level": "warning",
    }
    if settings.forwarded_allow_ips:
        options["proxy_headers"] = True
        options["forwarded_allow_ips"] = settings.forwarded_allow_ips
    else:
        options["proxy_headers"] = False  # never believe X-Forwarded-For from a client
    return options
