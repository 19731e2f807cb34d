"""Dependencies the routes ask for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from imvokg.api.state import Services


def services_of(request: Request) -> Services:
    return request.app.state.services


async def get_services(request: Request) -> Services:
    # async: a plain function dependency would cost a worker-thread hop on every request
    return services_of(request)


ServicesDep = Annotated[Services, Depends(get_services)]
