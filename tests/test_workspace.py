"""The workspace over real HTTP: sign-in sessions, CSRF, the queue, decisions, the trail.

Each module server works on its own copy of the built store with keys of its own. The
browser's side (live checks, two contexts, accessibility) is tests/browser/test_workspace_in_browser.py.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markupsafe import escape
from tests.conftest import LiveServer, settings_for_tests, start_server
from tests.test_workflow import INVALID, agreement_ttl, copy_store

from imvokg.services.credentials import Credentials
from imvokg.services.sessions import SessionStore

pytestmark = pytest.mark.slow  # writable servers of their own; submissions and approvals

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Registry:
    """A writable server and the keys of its people."""

    def __init__(self, live: LiveServer, root: Path, keys: dict[str, tuple[str, str]]) -> None:
        self.url = live.url
        self.live = live
        self.root = root
        self.keys = keys  # user -> (key, key_id)

    def browser(self) -> httpx.Client:
        """A client that keeps cookies like a browser, and follows no redirect by itself."""
        return httpx.Client(base_url=self.url, timeout=60)

    def api(self, who: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, timeout=60, headers={"Authorization": f"Bearer {self.keys[who][0]}"}
        )

    def submitted(self, who: str, slug: str) -> str:
        """The id of a new pending submission of the conforming agreement as ``slug`` (by the API)."""
        with self.api(who) as api:
            made = api.post(
                "/api/v1/submissions?member_state=NL",
                content=agreement_ttl(slug),
                headers={"Content-Type": "text/turtle"},
            )
        assert made.status_code == 201, made.text
        return str(made.json()["id"])


def start_registry(store_path: Path, root: Path, **settings: object) -> Registry:
    store = copy_store(store_path, root)
    credentials = Credentials(root / "keys.json")
    keys = {}
    for user, role, state, organisation in [
        ("alice", "submitter", None, "example-secretariat"),
        ("erin", "submitter", None, None),
        ("bob", "supervisor", "NL", None),
        ("carol", "supervisor", "NL", None),
        ("sam", "supervisor", "NL", "example-secretariat"),
    ]:
        key, stored = credentials.create(user, role, member_state=state, organisation=organisation)
        keys[user] = (key, stored.key_id)
    # no /sparql worker processes: these tests never ask /sparql, and a worker opening the fresh copy
    # read-only while the server's first write compacts it is a race these tests are not about
    live = start_server(
        settings_for_tests(store_path=store, api_keys_file=root / "keys.json", sparql_workers=0, **settings)
    )
    return Registry(live, root, keys)


@pytest.fixture(scope="module")
def registry(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    env = start_registry(store_path, tmp_path_factory.mktemp("workspace"))
    yield env
    env.live.stop()


@pytest.fixture(scope="module")
def four_eyes(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    env = start_registry(store_path, tmp_path_factory.mktemp("four-eyes"), four_eyes=True)
    yield env
    env.live.stop()


@contextlib.contextmanager
def signed_in(env: Registry, who: str) -> Iterator[httpx.Client]:
    """A browser-like client with a session of ``who``."""
    with env.browser() as http:
        sign_in(env, who, http)
        yield http


def sign_in(env: Registry, who: str, http: httpx.Client, next_path: str = "/workspace") -> httpx.Client:
    page = http.get("/workspace/sign-in", params={"next": next_path})
    assert page.status_code == 200
    answer = http.post(
        "/workspace/sign-in",
        data={"key": env.keys[who][0], "csrf": CSRF.search(page.text).group(1), "next": next_path},
    )
    assert answer.status_code == 303, answer.text
    return http


def csrf_of(http: httpx.Client, path: str) -> str:
    page = http.get(path)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


def form_submit(http: httpx.Client, slug: str, key: str, text: bytes | None = None) -> httpx.Response:
    return http.post(
        "/workspace/new",
        data={
            "csrf": csrf_of(http, "/workspace/new"),
            "text": (text or agreement_ttl(slug)).decode(),
            "media_type": "text/turtle",
            "member_state": "NL",
            "idempotency_key": key,
            "action": "submit",
        },
    )


# -- sign-in and sessions --------------------------------------------------------------


def test_sign_in_gives_a_strict_httponly_session_and_goes_where_asked(registry: Registry) -> None:
    with registry.browser() as http:
        page = http.get("/workspace/sign-in", params={"next": "/workspace/new"})
        token = CSRF.search(page.text).group(1)
        wrong = http.post(
            "/workspace/sign-in", data={"key": "imvokg_nope", "csrf": token, "next": "/workspace"}
        )
        assert wrong.status_code == 401 and "the API key is not valid" in wrong.text
        assert "imvokg_session" not in wrong.headers.get("set-cookie", "")
        answer = http.post(
            "/workspace/sign-in",
            data={"key": registry.keys["alice"][0], "csrf": token, "next": "/workspace/new"},
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/workspace/new"
        cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("imvokg_session="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert "Secure" not in cookie  # served over plain http here; over https it is Secure
        assert registry.keys["alice"][0] not in cookie
        home = http.get("/workspace")
        assert (
            home.status_code == 200 and "alice" in home.text and home.headers["cache-control"] == "no-store"
        )


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/workspace/../sparql", "/sparql"]
)
def test_sign_in_never_redirects_away_from_the_workspace(registry: Registry, target: str) -> None:
    with registry.browser() as http:
        page = http.get("/workspace/sign-in", params={"next": target})
        assert 'value="/workspace"' in page.text
        answer = http.post(
            "/workspace/sign-in",
            data={"key": registry.keys["erin"][0], "csrf": CSRF.search(page.text).group(1), "next": target},
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/workspace"


def test_sign_in_without_its_csrf_token_is_refused(registry: Registry) -> None:
    with registry.browser() as http:
        http.get("/workspace/sign-in")
        answer = http.post("/workspace/sign-in", data={"key": registry.keys["erin"][0], "csrf": "forged"})
        assert answer.status_code == 403 and "imvokg_session" not in answer.headers.get("set-cookie", "")


def test_a_new_sign_in_rotates_the_session_and_sign_out_ends_it(registry: Registry) -> None:
    with signed_in(registry, "erin") as http:
        first = http.cookies["imvokg_session"]
        sign_in(registry, "erin", http)
        second = http.cookies["imvokg_session"]
        assert first != second
        with registry.browser() as other:
            other.cookies.set("imvokg_session", first)
            assert other.get("/workspace").status_code == 303  # the old token is gone
        refused = http.post("/workspace/sign-out", data={"csrf": "wrong"})
        assert refused.status_code == 403
        assert http.post("/workspace/sign-out", data={"csrf": csrf_of(http, "/workspace")}).status_code == 303
        http.cookies.set("imvokg_session", second)
        gone = http.get("/workspace")
        assert gone.status_code == 303 and gone.headers["location"].startswith("/workspace/sign-in")


def test_revoking_the_key_ends_its_sessions(registry: Registry) -> None:
    credentials = Credentials(registry.root / "keys.json")
    key, stored = credentials.create("temp", "submitter")
    registry.keys["temp"] = (key, stored.key_id)
    with signed_in(registry, "temp") as http:
        assert http.get("/workspace").status_code == 200
        credentials.revoke(stored.key_id)
        assert http.get("/workspace").status_code == 303
    with registry.api("temp") as api:
        assert api.get("/api/v1/submissions").status_code == 401


def test_sessions_end_when_idle_and_after_their_lifetime(tmp_path: Path) -> None:
    store = SessionStore(tmp_path, idle_s=60, max_s=300)
    token, _ = store.open("k1", "alice", now=1000.0)
    alive = lambda key_id: True  # noqa: E731
    assert store.find(token, alive, now=1050.0) is not None
    assert store.find(token, alive, now=1100.0) is not None  # used at 1050: not idle yet
    assert store.find(token, alive, now=1161.0) is None  # 61 s idle
    token, _ = store.open("k1", "alice", now=2000.0)
    for moment in range(2050, 2300, 50):
        assert store.find(token, alive, now=float(moment)) is not None
    assert store.find(token, alive, now=2301.0) is None  # busy, but past its lifetime
    token, _ = store.open("k2", "bob", now=3000.0)
    assert store.find(token, lambda key_id: key_id != "k2", now=3001.0) is None  # its key is gone
    assert not list(tmp_path.glob("*.json"))  # ended sessions leave nothing behind


def test_the_json_api_never_takes_the_session_cookie_for_writes(registry: Registry) -> None:
    with signed_in(registry, "alice") as http:
        answer = http.post(
            "/api/v1/submissions?member_state=NL",
            content=agreement_ttl("cookie-only"),
            headers={"Content-Type": "text/turtle"},
        )
        assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
        assert http.get("/api/v1/submissions").status_code == 401


def test_a_form_without_csrf_token_is_refused_and_stores_nothing(registry: Registry) -> None:
    with signed_in(registry, "alice") as http:
        answer = http.post(
            "/workspace/new",
            data={"text": agreement_ttl("no-csrf").decode(), "media_type": "text/turtle", "action": "submit"},
        )
        assert answer.status_code == 403
    with registry.api("alice") as api:
        assert not [s for s in api.get("/api/v1/submissions").json() if s["agreement"].endswith("/no-csrf")]


# -- writing, checking, submitting ----------------------------------------------------------


def test_check_names_each_requirement_and_stores_nothing(registry: Registry) -> None:
    with signed_in(registry, "alice") as http:
        csrf = csrf_of(http, "/workspace/new")
        answer = http.post(
            "/workspace/check",
            data={"csrf": csrf, "text": INVALID.read_text(), "media_type": "text/turtle"},
            headers={"Accept-Language": "nl"},
        )
        assert answer.status_code == 200
        found = answer.json()
        statuses = {r["id"]: r["status"] for r in found["requirements"]}
        assert statuses["MR-03"] == "not_met" and statuses["MR-01"] == "met"
        assert len(statuses) == 14 and "<https://w3id.org/imvokg/id/agreement/" in found["ntriples"]
        broken = http.post(
            "/workspace/check", data={"csrf": csrf, "text": "@prefix x <", "media_type": "text/turtle"}
        )
        assert broken.status_code == 200 and broken.json()["problem"] and not broken.json()["requirements"]


def test_a_form_sent_twice_makes_one_submission_and_a_draft_resumes(registry: Registry) -> None:
    with signed_in(registry, "erin") as http:
        csrf = csrf_of(http, "/workspace/new")
        saved = http.post(
            "/workspace/new",
            data={"csrf": csrf, "text": "draft text", "media_type": "text/turtle", "action": "save"},
        )
        assert saved.status_code == 200
        draft = re.search(r'name="draft_id" value="([0-9a-f]{12})"', saved.text).group(1)
        resumed = http.get("/workspace/new", params={"draft": draft})
        assert "draft text" in resumed.text
        first = form_submit(http, "twice", "same-key-123456")
        second = form_submit(http, "twice", "same-key-123456")
        assert first.status_code == second.status_code == 303
        assert first.headers["location"] == second.headers["location"]
    with registry.api("erin") as api:
        mine = [s for s in api.get("/api/v1/submissions").json() if s["agreement"].endswith("/twice")]
        assert len(mine) == 1


def test_submit_review_approve_and_the_public_trail(registry: Registry) -> None:
    with signed_in(registry, "erin") as submitter:
        refused = form_submit(submitter, "bad", "key-bad-0000001", INVALID.read_bytes())
        assert refused.status_code == 422 and 'data-status="not_met"' in refused.text
        moved = form_submit(submitter, "reviewed", "key-reviewed-001")
        assert moved.status_code == 303
        path = moved.headers["location"].split("?")[0]
    with signed_in(registry, "bob") as supervisor:
        queue = supervisor.get("/workspace")
        assert path in queue.text
        page = supervisor.get(path)
        assert 'data-requirement="MR-01" data-status="met"' in page.text
        assert "Example Widgets Agreement" in page.text and "/approve" in page.text
        approved = supervisor.post(
            path + "/approve",
            data={
                "csrf": CSRF.search(page.text).group(1),
                "valid_from": "2031-01-01",
                "supervision_regime": "regular",
                "reason": "meets every requirement <b>now</b>",
            },
        )
        assert approved.status_code == 303 and approved.headers["location"].endswith("done=approved")
        again = supervisor.post(path + "/approve", data={"csrf": CSRF.search(page.text).group(1)})
        assert again.status_code == 409
    with registry.browser() as public:
        trail = public.get("/workspace/agreements/reviewed")
        assert trail.status_code == 200
        assert "meets every requirement &lt;b&gt;now&lt;/b&gt;" in trail.text and "2031-01-01" in trail.text
        assert "/workspace/submissions/" not in trail.text  # public readers see decisions, not submissions
        assert "/workspace/agreements/twice" not in trail.text
        pending = public.get("/workspace/agreements/never-submitted")
        assert pending.status_code == 404


def test_a_script_in_a_party_name_is_shown_as_text(registry: Registry) -> None:
    hostile = '<script>alert("x")</script>" onmouseover="alert(1)'
    text = agreement_ttl("hostile").decode().replace("Example Union", hostile.replace('"', '\\"'))
    with signed_in(registry, "erin") as http:
        moved = form_submit(http, "hostile", "key-hostile-0001", text.encode())
        assert moved.status_code == 303, moved.text
        page = http.get(moved.headers["location"])
    assert "<script>alert" not in page.text and '" onmouseover="' not in page.text
    assert str(escape(hostile)) in page.text  # the name, as text, in the readable agreement
    directives = dict(d.strip().split(" ", 1) for d in page.headers["content-security-policy"].split(";"))
    assert "'unsafe-inline'" not in directives.get("script-src", directives["default-src"])


def test_nobody_decides_on_their_own_organisations_submission(registry: Registry) -> None:
    sid = registry.submitted("alice", "own-org")
    with registry.api("sam") as api:
        assert api.post(f"/api/v1/submissions/{sid}/approve").status_code == 403
    with signed_in(registry, "sam") as http:
        page = http.get(f"/workspace/submissions/{sid}")
        assert "/approve" not in page.text and "your own organisation" in page.text


# -- four eyes ------------------------------------------------------------------------


def test_four_eyes_needs_a_second_supervisor(four_eyes: Registry) -> None:
    sid = four_eyes.submitted("erin", "four-eyes")
    with four_eyes.api("bob") as api:
        first = api.post(f"/api/v1/submissions/{sid}/approve", json={"reason": "looks right"})
        assert first.status_code == 202 and first.json()["decision"] is None
        assert first.json()["approvals_needed"] == 1
        assert api.post(f"/api/v1/submissions/{sid}/approve").status_code == 409
        assert api.get(f"/api/v1/submissions/{sid}").json()["status"] == "pending"
    with four_eyes.browser() as public:
        assert public.get("/api/v1/agreements/four-eyes").status_code == 404
    with signed_in(four_eyes, "carol") as http:
        page = http.get(f"/workspace/submissions/{sid}")
        assert "four-eyes rule is on" in page.text and "first approval by bob" in page.text
        second = http.post(
            f"/workspace/submissions/{sid}/approve", data={"csrf": CSRF.search(page.text).group(1)}
        )
        assert second.status_code == 303 and second.headers["location"].endswith("done=approved")
    with four_eyes.api("carol") as api:
        assert api.get(f"/api/v1/submissions/{sid}").json()["status"] == "approved"
        assert api.get("/api/v1/agreements/four-eyes").status_code == 200
