"""Session fixtures for the store contract: one Oxigraph server and one Virtuoso per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from servers import ServerProcess, oxigraph_binary, start_oxigraph, start_virtuoso, virtuoso_binary


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    if oxigraph_binary() is None:
        pytest.skip("the `oxigraph` server binary is not installed (pip install oxigraph)")
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "data")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    if virtuoso_binary() is None:
        pytest.skip("`virtuoso-t` is not installed (apt-get install virtuoso-opensource; CI installs it)")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()
