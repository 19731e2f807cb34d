"""The HTTP edge: parse requests, call services, shape responses."""

from imvokg.api.app import create_app

__all__ = ["create_app"]
