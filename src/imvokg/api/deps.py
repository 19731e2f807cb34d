"""Dependencies the routes ask for: the services built at start, the workflow and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from imvokg.api.state import Services
from imvokg.services.credentials import Principal
from imvokg.services.workflow import WorkflowService


def services_of(request: Request) -> Services:
    return request.app.state.services


async def get_services(request: Request) -> Services:
    # async: a plain function dependency would cost a worker-thread hop on every request
    return services_of(request)


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_workflow(services: ServicesDep) -> WorkflowService:
    return services.workflow


def presented_key(request: Request) -> str | None:
    """``Authorization: Bearer <key>``, or ``X-API-Key: <key>``."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("x-api-key") or None


def get_principal(request: Request, services: ServicesDep) -> Principal:
    # a plain function (a worker thread): the key file may be read again when it changed
    return services.credentials.authenticate(presented_key(request))


PrincipalDep = Annotated[Principal, Depends(get_principal)]
WorkflowDep = Annotated[WorkflowService, Depends(get_workflow)]
