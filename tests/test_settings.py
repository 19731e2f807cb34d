"""Settings reach every process that serves: ``imvokg serve --workers N`` keeps every override."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.conftest import LiveServer, free_port

from imvokg.config import Settings


def test_settings_survive_the_trip_through_the_environment(tmp_path: Path) -> None:
    chosen = Settings(
        store_path=tmp_path / "elsewhere",
        endpoint="http://127.0.0.1:9/sparql",
        update_endpoint="http://127.0.0.1:9/update",
        warm_cache=True,
        query_timeout_s=3.5,
        sparql_workers=0,
        api_keys_file=tmp_path / "keys.json",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMVOKG_")} | chosen.to_environ()
    rebuilt = subprocess.run(
        [sys.executable, "-c", "from imvokg.config import Settings; print(Settings().model_dump_json())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(rebuilt.stdout) == json.loads(chosen.model_dump_json())


@pytest.mark.slow  # a multi-worker server process
def test_serve_with_workers_keeps_the_endpoint(server: LiveServer, tmp_path: Path) -> None:
    """Two workers over a remote store (the test server's /sparql): the answers come from it.

    Before, the workers got only the store path, opened an empty embedded store
    there and answered that no agreements exist.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMVOKG_")}
    env["IMVOKG_STORE_PATH"] = str(tmp_path / "no-store-here")
    command = [sys.executable, "-m", "imvokg", "serve", "--workers", "2", "--port", str(port)]
    command += ["--endpoint", f"{server.url}/sparql", "--no-warm"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not start")
        remote = httpx.get(url + "/api/v1/agreements", timeout=30).json()
        direct = httpx.get(server.url + "/api/v1/agreements", timeout=30).json()
        assert remote and {a["iri"] for a in remote} == {a["iri"] for a in direct}
        assert not (tmp_path / "no-store-here").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
