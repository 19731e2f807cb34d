"""Import target for multi-worker uvicorn (`imvokg.api.factory:app`): settings from the environment."""

from imvokg.api.app import create_app

app = create_app()
