"""The production front: deploy/nginx/imvokg.conf, run by Debian's nginx in front of a real server.

The test makes a certificate (openssl), writes the repository's nginx files
with the ``# site:`` values replaced by loopback ports and temporary
directories, starts nginx and an imvokg server trusting forwarded headers
from 127.0.0.1 only, and sends the red-team classes through TLS: hostile
RDF, malformed HTTP, oversized and slow headers, floods from one address and
one API key. It checks TLS, the redirect, X-Forwarded-* handling, static files
and dumps from disk with caching headers, and the JSON error shape of what
nginx answers itself. `.ci/run` installs nginx.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from tests.conftest import LiveServer, free_port, start_server
from tests.test_connections import status_and_json
from tests.test_fuzz import FUZZ, assert_clean, documents
from tests.test_workflow import copy_store, make_keys

from imvokg.config import Settings
from imvokg.web.site import STATIC_DIR

DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = [
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (.ci/run installs it)"),
    pytest.mark.slow,  # nginx and API worker processes per module, slow clients
]


@dataclass
class Front:
    url: str
    http_url: str
    port: int
    api: LiveServer
    cert: Path
    keys: dict[str, str]

    def client(self, **kwargs: object) -> httpx.Client:
        verify = ssl.create_default_context(cafile=str(self.cert))
        return httpx.Client(base_url=self.url, verify=verify, timeout=30, **kwargs)  # type: ignore[arg-type]

    def tls_exchange(self, data: bytes, wait_s: float = 30) -> bytes:
        """Raw bytes over TLS; read until nginx closes (b'<open>' appended if it never does)."""
        context = ssl.create_default_context(cafile=str(self.cert))
        with (
            socket.create_connection(("127.0.0.1", self.port)) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
        ):
            sock.settimeout(wait_s)
            sock.sendall(data)
            out = b""
            try:
                while chunk := sock.recv(65536):
                    out += chunk
            except TimeoutError:
                out += b"<open>"
            except (ConnectionResetError, ssl.SSLError):
                out += b"<reset>"
            return out


def site_config(text: str, values: dict[str, str]) -> str:
    """The repository's file with each production value replaced; a value no longer there fails the test."""
    for production, test in values.items():
        assert production in text, f"deploy/nginx no longer says {production!r}: update this test"
        text = text.replace(production, test)
    return text


def make_certificate(folder: Path) -> Path:
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return folder / "cert.pem"


def wait_for_port(port: int, process: subprocess.Popen[bytes], within_s: float = 30) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("nginx exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start")


@dataclass
class Nginx:
    process: subprocess.Popen[bytes]
    https_port: int
    http_port: int
    cert: Path

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def start_nginx(root: Path, api_port: int, var: Path) -> Nginx:
    """deploy/nginx with the `# site:` values for this machine, in front of 127.0.0.1:``api_port``."""
    cert = make_certificate(root)
    https_port, http_port = free_port(), free_port()
    values = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{api_port};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "/etc/ssl/imvokg/fullchain.pem": str(cert),
        "/etc/ssl/imvokg/privkey.pem": str(root / "key.pem"),
        "/srv/imvokg/static/": f"{STATIC_DIR}/",
        "root /srv/imvokg/var;": f"root {var};",
        "/etc/nginx/imvokg-proxy.conf": str(DEPLOY / "imvokg-proxy.conf"),
    }
    (root / "imvokg.conf").write_text(site_config((DEPLOY / "imvokg.conf").read_text(), values))
    temp = {name: root / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir()
    (root / "nginx.conf").write_text(
        f"""
user root;
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {root}/imvokg.conf;
}}
"""
    )
    process = subprocess.Popen([NGINX, "-c", str(root / "nginx.conf"), "-p", str(root)])
    nginx = Nginx(process, https_port, http_port, cert)
    try:
        wait_for_port(https_port, process)
    except RuntimeError:
        nginx.stop()
        raise
    return nginx


@pytest.fixture(scope="module")
def front(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    root = tmp_path_factory.mktemp("nginx")
    store = copy_store(store_path, root)  # writable: the API writes the release files on first use
    keys = make_keys(root / "keys.json")
    api = start_server(
        Settings(
            store_path=store,
            api_keys_file=root / "keys.json",
            forwarded_allow_ips="127.0.0.1",
            sparql_rate_per_s=0.01,  # the API's own limit: a burst of 3, then 429 (per client address)
            sparql_burst=3,
        )
    )
    try:
        nginx = start_nginx(root, api.port, store.parent)
    except RuntimeError:
        api.stop()
        raise
    try:
        yield Front(
            f"https://127.0.0.1:{nginx.https_port}",
            f"http://127.0.0.1:{nginx.http_port}",
            nginx.https_port,
            api,
            nginx.cert,
            keys,
        )
    finally:
        nginx.stop()
        api.stop()


def test_an_api_that_is_down_is_503_json_with_retry_after(tmp_path: Path) -> None:
    nginx = start_nginx(tmp_path, free_port(), tmp_path)  # nothing listens on the upstream port
    try:
        tls = ssl.create_default_context(cafile=str(nginx.cert))
        response = httpx.get(f"https://127.0.0.1:{nginx.https_port}/healthz", verify=tls, timeout=30)
    finally:
        nginx.stop()
    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"
    assert response.headers["retry-after"] == "5"


def test_tls_and_the_redirect(front: Front) -> None:
    with front.client() as https:
        assert https.get("/healthz").status_code == 200
    plain = httpx.get(front.http_url + "/healthz?x=1")
    assert plain.status_code == 308
    assert plain.headers["location"] == "https://127.0.0.1/healthz?x=1"  # to the public TLS port (443)
    with pytest.raises(httpx.ConnectError):  # an unknown certificate is refused: TLS is real
        httpx.get(front.url + "/healthz", verify=True)


def test_forwarded_headers_come_from_nginx_only(front: Front) -> None:
    """The API sees the scheme nginx saw and the address nginx saw, never what a client claims."""
    with front.client() as https:
        description = https.get("/sparql", headers={"Accept": "text/turtle"}).text
        assert "<https://127.0.0.1/sparql>" in description  # X-Forwarded-Proto https and Host reached the API
        # (that was 1 of the burst of 3) each request claims another address; nginx replaces the
        # claim, so the API's one bucket for 127.0.0.1 empties
        answers = [
            https.get(
                "/sparql",
                params={"query": f"ASK {{ ?s ?p {n} }}"},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            )
            for n in range(4)
        ]
    statuses = [a.status_code for a in answers]
    assert statuses == [200, 200, 429, 429], statuses
    limited = next(a for a in answers if a.status_code == 429)
    assert "SPARQL requests from your address" in limited.json()["detail"]  # the API's limit, not nginx's
    assert int(limited.headers["retry-after"]) >= 1
    # from an address that is not the proxy the API ignores X-Forwarded-For: same bucket every time
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=front.api.url, transport=transport, timeout=30) as direct:
        spoofed = [
            direct.get(
                "/sparql",
                params={"query": f"ASK {{ ?s ?p {n} }}"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
            for n in range(5)
        ]
    assert 429 in [a.status_code for a in spoofed]


def test_static_files_and_dumps_from_disk_with_caching(front: Front) -> None:
    with front.client() as https:
        css = https.get("/static/css/site.css")
        assert css.status_code == 200 and css.headers["cache-control"] == "public, max-age=86400"
        assert css.content == (STATIC_DIR / "css" / "site.css").read_bytes()
        files = https.get(
            "/dumps/", headers={"Accept": "application/json"}
        ).json()  # the listing: from the API
        assert files
        for entry in files:
            dump = https.get(entry["url"])
            assert dump.status_code == 200, entry
            assert dump.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert len(dump.content) == entry["byte_size"]
            assert "etag" in dump.headers
        missing = https.get("/dumps/imvokg-0.0.0-none.ttl")  # not on disk: the API answers
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"


@given(document=documents())
@FUZZ
def test_hostile_rdf_through_nginx_never_5xx(front: Front, document: tuple[str, bytes]) -> None:
    media, body = document
    with front.client() as https:
        anonymous = https.post("/api/v1/validate", content=body, headers={"Content-Type": media})
        assert_clean(anonymous, "validate via nginx")


MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/1.1\r\nHo st: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
]


@pytest.mark.parametrize("request_bytes", MALFORMED)
def test_malformed_http_through_nginx_is_json(front: Front, request_bytes: bytes) -> None:
    status, document, _ = status_and_json(front.tls_exchange(request_bytes))
    assert status == 400 and document["error"] == "bad_request"


def test_406_and_413_through_nginx(front: Front) -> None:
    with front.client() as https:
        refused = https.get("/id/agreement/nl-gold", headers={"Accept": "image/png"})
        assert refused.status_code == 406 and "accept" in refused.headers["vary"].lower()
        large = https.post(
            "/api/v1/validate", content=b"#" * 6_000_000, headers={"Content-Type": "text/turtle"}
        )
        assert large.status_code == 413 and large.json()["error"] == "payload_too_large"


def test_a_slow_header_client_is_closed(front: Front) -> None:
    started = time.monotonic()
    answer = front.tls_exchange(b"GET /healthz HTTP/1.1\r\nHo", wait_s=40)
    assert not answer.endswith(b"<open>")
    assert time.monotonic() - started < 30  # client_header_timeout 10 s; the bound only ends a hung run


def test_floods_per_address_and_per_key_get_429_json(front: Front) -> None:
    with front.client() as https:
        flood = [https.get("/healthz") for _ in range(150)]
    limited = [r for r in flood if r.status_code == 429]
    assert limited, "150 requests at once from one address were all let through"
    assert limited[0].json()["error"] == "too_many_requests" and limited[0].headers["retry-after"] == "1"
    assert {r.status_code for r in flood} <= {200, 429}
    with front.client(headers={"Authorization": f"Bearer {front.keys['alice']}"}) as keyed:
        answers = [keyed.get("/api/v1/submissions") for _ in range(30)]
    assert 429 in {r.status_code for r in answers}, "30 requests at once with one key were all let through"


def test_the_load_mix_through_nginx_has_no_errors(front: Front) -> None:
    """The mix of `make loadtest` at 20 requests/s for 5 s, direct and through nginx: no errors.

    The latencies are printed for docs/RELIABILITY.md, never asserted.
    """
    from loadtest.run import MIX, open_loop
    from tests.test_hardening import run_coroutine  # a browser test may leave a loop running here

    direct = run_coroutine(open_loop(front.api.url, 20, 5, MIX))
    proxied = run_coroutine(open_loop(front.url, 20, 5, MIX, verify=str(front.cert)))
    for sample in (direct, proxied):
        assert sample.errors_5xx == 0 and sample.errors_other == 0 and sample.latencies
    print("direct", direct.summary(5), "via nginx", proxied.summary(5))
