"""HTTP conventions every GET follows, whichever route answers it: HEAD, caching, validators, paging.

One ASGI middleware (:class:`Conventions`), so routes added later get all of it
without doing anything:

- **HEAD** is answered for every GET: the GET runs and its body is dropped
  (FastAPI routes answer only the methods they name).
- **Cache-Control**, when the route did not set one (:func:`cache_control`):
  ``public, max-age=60`` for the current state of the data (it changes when a
  decision is published); a day for the site's assets; ``private, no-cache``
  for anything asked with a credential; ``no-store`` for errors. Routes that
  know better say so themselves: release files and full event-stream pages
  are ``immutable`` for a year.
- **ETag**, when the route did not set one: a hash of the body, so each
  representation has its own; ``If-None-Match`` with it gives 304 with the
  same headers and no body.
- **Paging** of every list: an operation whose answer is a JSON array (its
  response model is a ``list``) takes ``limit`` (1..``MAX_LIMIT``, default
  ``MAX_LIMIT``) and ``offset``; the middleware slices the array and adds
  ``Link: <...>; rel="next"`` (and ``prev``, ``first``) where there is more.
  The parameters are checked and documented with the others (api/parameters.py,
  api/docs.py).
"""

from __future__ import annotations

import hashlib
import json
import typing
from typing import Any
from urllib.parse import urlencode

from fastapi.routing import APIRoute
from starlette.datastructures import URL, MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from imvokg.errors import InputError
from imvokg.messages import N_

CURRENT = "public, max-age=60"
"""The data as it is now: it changes when a decision is published, so caches keep it a minute."""
ASSETS = "public, max-age=86400"
IMMUTABLE = "public, max-age=31536000, immutable"
"""A release or a version: its name changes when its content does."""
PRIVATE = "private, no-cache"
ERROR = "no-store"

ASSET_PREFIXES = ("/static/",)
MAX_LIMIT = 1000
"""The longest page of a list (and the page a list comes in when no ``limit`` is given)."""
MAX_OFFSET = 10**9
"""The largest ``offset`` taken (/openapi.json states it as the parameter's maximum)."""
PAGE_PARAMETERS = frozenset({"limit", "offset"})
_PAGE_STATE = "imvokg_page"
_MAX_BUFFER = 8 * 1024 * 1024
"""Bodies larger than this are passed on as they come, without a computed ETag."""


def is_list(route: APIRoute) -> bool:
    """An operation whose answer is a JSON array: it is paged with ``limit``/``offset``."""
    return typing.get_origin(route.response_model) is list


def read_page(scope: Scope, route: APIRoute, params: typing.Mapping[str, str]) -> None:
    """Check ``limit``/``offset`` of a list operation and note them for :class:`Conventions`."""
    if not is_list(route):
        return
    limit = _integer(params, "limit", MAX_LIMIT, least=1, most=MAX_LIMIT)
    offset = _integer(params, "offset", 0, least=0, most=MAX_OFFSET)
    scope.setdefault("state", {})[_PAGE_STATE] = (limit, offset)


def _integer(params: typing.Mapping[str, str], name: str, default: int, *, least: int, most: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not least <= int(raw) <= most:
        raise InputError(
            N_("%(name)s must be a whole number from %(least)s to %(most)s"),
            name=name,
            least=least,
            most=most,
        )
    return int(raw)


def cache_control(scope: Scope, status: int) -> str:
    """The Cache-Control of a GET answer whose route did not choose one."""
    if status >= 400:
        return ERROR
    headers = dict(scope.get("headers", []))
    if b"authorization" in headers or b"x-api-key" in headers:
        return PRIVATE
    if scope["path"].startswith(ASSET_PREFIXES):
        return ASSETS
    return CURRENT


def body_etag(body: bytes, content_type: str) -> str:
    return '"' + hashlib.sha256(content_type.encode() + b"\x00" + body).hexdigest()[:32] + '"'


def matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison, as If-None-Match uses."""
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag.removeprefix("W/") in tags


def page_links(scope: Scope, limit: int, offset: int, total: int) -> list[str]:
    url = URL(scope=scope)
    others = [(k, v) for k, v in QueryParams(url.query).multi_items() if k not in PAGE_PARAMETERS]

    def at(start: int) -> str:
        return str(url.replace(query=urlencode([*others, ("limit", str(limit)), ("offset", str(start))])))

    links = []
    if offset + limit < total:
        links.append(f'<{at(offset + limit)}>; rel="next"')
    if offset > 0:
        links.append(f'<{at(max(0, offset - limit))}>; rel="prev"')
        links.append(f'<{at(0)}>; rel="first"')
    return links


class Conventions:
    """HEAD, Cache-Control, ETag and 304, and list paging on every GET (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        state = scope.setdefault("state", {})  # the route's request.state: where a list notes its page
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False

        async def hold(message: Message) -> None:
            nonlocal start, size, passing
            if message["type"] == "http.response.start":
                start = message
                has_etag = any(name.lower() == b"etag" for name, _ in message.get("headers", []))
                if has_etag and _PAGE_STATE not in state:  # the route validates itself (files, documents)
                    passing = True
                    await send(self._finish_headers(scope, message, None))
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            if passing:
                await send({**message, "body": b""} if head else message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if message.get("more_body", False):
                if size > _MAX_BUFFER:  # a large stream: headers now, the body as it comes
                    passing = True
                    await send(self._finish_headers(scope, start, None))
                    body = b"".join(chunks)
                    chunks.clear()
                    await send(
                        {"type": "http.response.body", "body": b"" if head else body, "more_body": True}
                    )
                return
            await self._complete(scope, start, b"".join(chunks), head, send)

        await self.app(scope, receive, hold)

    def _finish_headers(self, scope: Scope, start: Message, body: bytes | None) -> Message:
        headers = MutableHeaders(raw=list(start.get("headers", [])))
        status = int(start["status"])
        if "cache-control" not in headers:
            headers["Cache-Control"] = cache_control(scope, status)
        if body is not None and status == 200 and "etag" not in headers:
            headers["ETag"] = body_etag(body, headers.get("content-type", ""))
        return {**start, "headers": headers.raw}

    async def _complete(self, scope: Scope, start: Message, body: bytes, head: bool, send: Send) -> None:
        status = int(start["status"])
        page = scope.get("state", {}).get(_PAGE_STATE)
        links: list[str] = []
        if page is not None and status == 200:
            body, links = self._paged(scope, body, *page)
        start = self._finish_headers(scope, start, body)
        headers = MutableHeaders(raw=start["headers"])
        if links:
            present = headers.get("link")
            headers["Link"] = ", ".join([present, *links] if present else links)
        if status == 200 and "content-length" in headers:
            headers["Content-Length"] = str(len(body))
        if_none_match = dict(scope.get("headers", [])).get(b"if-none-match")
        if (
            status == 200
            and if_none_match is not None
            and matches(if_none_match.decode("latin-1"), headers["etag"])
        ):
            for name in ("content-length", "content-type"):
                if name in headers:
                    del headers[name]
            await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": b"" if head else body})

    @staticmethod
    def _paged(scope: Scope, body: bytes, limit: int, offset: int) -> tuple[bytes, list[str]]:
        try:
            items: Any = json.loads(body)
        except ValueError:
            return body, []
        if not isinstance(items, list):
            return body, []
        links = page_links(scope, limit, offset, len(items))
        if offset == 0 and len(items) <= limit:
            return body, links  # one page: the body as the route made it
        sliced = json.dumps(items[offset : offset + limit], ensure_ascii=False, separators=(",", ":"))
        return sliced.encode(), links
