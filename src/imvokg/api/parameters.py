"""Unknown query parameters are refused, on every operation, by one check.

A misspelt filter (``?sectr=gold``) silently ignored gives a person an answer
to a question they did not ask. Every route the application has, including
those added later, gets :func:`known_parameters` as an application-wide
dependency (``create_app``). It answers 400 naming the parameters the
operation does not take, and what it does take.

What an operation takes is read from the route itself: the query
parameters FastAPI knows from its signature and dependencies (so they are
documented in /openapi.json too), ``limit`` and ``offset`` on a list
(api/conventions.py), plus ``lang`` (every answer, errors
included, honours it), plus what a route that reads ``request.query_params``
itself declares with :func:`accepts`. A route whose parameters are data (a
named query takes what its header declares and checks that itself) says
``@accepts(ANY)``.

Pages for people are not refused: HTML routes, and a browser navigating
(it ranks ``text/html`` first) to a route that serves a page for it; links
with tracking or share parameters must still open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from imvokg.api.conventions import PAGE_PARAMETERS, is_list, read_page
from imvokg.api.negotiation import negotiate
from imvokg.errors import InputError
from imvokg.formats import HTML, JSON
from imvokg.messages import N_

ANY = "*"
"""``@accepts(ANY)``: the route checks its parameters itself."""

ALWAYS = frozenset({"lang"})
"""Taken by every operation: the language of the answer and of its errors."""

_ATTRIBUTE = "__imvokg_parameters__"
_CACHED = "_imvokg_allowed_parameters"

F = TypeVar("F", bound=Callable[..., Any])


def accepts(*names: str) -> Callable[[F], F]:
    """Declare the query parameters a route reads from ``request.query_params`` itself.

    Put it below the ``@router.get(...)`` decorator; HEAD twins of the same
    function get the same declaration.
    """

    def mark(endpoint: F) -> F:
        setattr(endpoint, _ATTRIBUTE, frozenset(names))
        return endpoint

    return mark


def _query_names(dependant: Dependant) -> Iterator[str]:
    for field in dependant.query_params:
        yield field.alias
    for sub in dependant.dependencies:
        yield from _query_names(sub)


def allowed_parameters(route: APIRoute) -> frozenset[str] | None:
    """The query parameters ``route`` takes; None when it takes any (pages, ``@accepts(ANY)``)."""
    if not hasattr(route, _CACHED):  # worked out once per route, on its first request
        declared: frozenset[str] = getattr(route.endpoint, _ATTRIBUTE, frozenset())
        allowed = None
        if ANY not in declared and route.response_class is not HTMLResponse:
            allowed = frozenset(_query_names(route.dependant)) | declared | ALWAYS
            if is_list(route):
                allowed |= PAGE_PARAMETERS
        setattr(route, _CACHED, allowed)
    cached: frozenset[str] | None = getattr(route, _CACHED)
    return cached


def _navigating(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return HTML in accept and negotiate(accept, [HTML, JSON]) == HTML


async def known_parameters(request: Request) -> None:
    """400 naming every query parameter the matched operation does not take."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    read_page(request.scope, route, request.query_params)  # a list: its page, even when none is asked for
    if not request.query_params:
        return
    allowed = allowed_parameters(route)
    if allowed is None:
        return
    unknown = sorted(set(request.query_params) - allowed)
    if unknown and not _navigating(request):
        raise InputError(
            N_("unknown query parameter(s) %(unknown)s; this operation takes: %(known)s"),
            unknown=", ".join(name[:40] for name in unknown[:10]),
            known=", ".join(sorted(allowed)),
        )
