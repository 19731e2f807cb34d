"""The workspace over real HTTP: sign-in sessions, CSRF, the queue, decisions, the trail.

Each module server works on its own copy of the built store with keys of its own. The
browser's side (live checks, two contexts, accessibility) is tests/browser/test_workspace_in_browser.py.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markupsafe import escape
from tests.conftest import LiveServer, http_client, settings_for_tests, start_server
from tests.test_workflow import INVALID, agreement_ttl, copy_store

from imvokg.services.credentials import Credentials
from imvokg.services.sessions import SessionStore

pytestmark = pytest.mark.slow  # writable servers of their own; submissions and approvals

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SH = "http://www.w3.org/ns/shacl#"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


class Registry:
    """A writable server and the keys of its people."""

    def __init__(self, live: LiveServer, root: Path, keys: dict[str, tuple[str, str]]) -> None:
        self.url = live.url
        self.live = live
        self.root = root
        self.keys = keys  # user -> (key, key_id)

    def browser(self) -> httpx.Client:
        """A client that keeps cookies like a browser, and follows no redirect by itself."""
        return http_client(self.url, timeout=60)

    def api(self, who: str) -> httpx.Client:
        return http_client(self.url, timeout=60, headers={"Authorization": f"Bearer {self.keys[who][0]}"})

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


def prepare_registry(store_path: Path, root: Path) -> dict[str, tuple[str, str]]:
    """A copy of the built store under ``root`` and the keys of its people (user -> key, key id)."""
    copy_store(store_path, root)
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
    return keys


def serve_registry(root: Path, keys: dict[str, tuple[str, str]], **settings: object) -> Registry:
    # no /sparql worker processes: these tests never ask /sparql, and a worker opening the fresh copy
    # read-only while the server's first write compacts it is a race these tests are not about
    live = start_server(
        settings_for_tests(
            store_path=root / "store", api_keys_file=root / "keys.json", sparql_workers=0, **settings
        )
    )
    return Registry(live, root, keys)


def start_registry(store_path: Path, root: Path, **settings: object) -> Registry:
    return serve_registry(root, prepare_registry(store_path, root), **settings)


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
        trail_page = supervisor.get("/workspace/agreements/reviewed")
        withdrawn = supervisor.post(
            "/workspace/agreements/reviewed/withdraw",
            data={
                "csrf": CSRF.search(trail_page.text).group(1),
                "valid_from": "2032-01-01",
                "reason": "no report filed",
            },
        )
        assert withdrawn.status_code == 303 and withdrawn.headers["location"].endswith("done=withdrawn")
        too_early = supervisor.post(
            "/workspace/agreements/reviewed/withdraw",
            data={"csrf": CSRF.search(trail_page.text).group(1), "valid_from": "2033-01-01"},
        )
        assert too_early.status_code == 409  # nothing left to withdraw
    with registry.browser() as public:
        trail = public.get("/workspace/agreements/reviewed")
        assert "withdrawn" in trail.text and "no report filed" in trail.text and "2032-01-01" in trail.text
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


# -- the form the shapes make ---------------------------------------------------------------


def field_of(page: str, name: str) -> str:
    """The id of the form field labelled ``name``."""
    found = re.search(r'<label for="(field-\d+)">' + re.escape(name), page)
    assert found, name
    return found.group(1)


def fill(http: httpx.Client, csrf: str, fields: dict[str, str]) -> httpx.Response:
    """The form's "write these fields into the text" button, on an empty text."""
    data = {"csrf": csrf, "text": "", "media_type": "text/turtle", "action": "fill", **fields}
    return http.post("/workspace/new", data=data)


def test_the_form_has_the_fields_the_shapes_give_and_writes_them_into_the_text(registry: Registry) -> None:
    with signed_in(registry, "erin") as http:
        page = http.get("/workspace/new").text
        sector = field_of(page, "covers sector")
        start = field_of(page, "start date")
        assert re.search(rf'<label for="{sector}">covers sector \*</label>', page)  # minCount 1: required
        assert (
            f'<select id="{sector}"' in page
            and '<option value="https://w3id.org/imvokg/scheme/sector/gold">' in page
        )
        assert f'<input id="{start}" name="{start}" type="date"' in page
        english = field_of(page, "label (English)")
        fields = {english: "Form Widgets Agreement", sector: "https://w3id.org/imvokg/scheme/sector/gold"}
        answer = fill(http, CSRF.search(page).group(1), {**fields, start: "2031-05-01"})
        assert answer.status_code == 200
        text = html.unescape(
            re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', answer.text, re.S).group(1)
        )
        assert "agr:form-widgets-agreement" in text and '"Form Widgets Agreement"@en' in text
        assert '"2031-05-01"^^xsd:date' in text and "sector/gold" in text
        assert 'data-requirement="MR-03" data-status="not_met"' in answer.text  # checked at once
        bad = fill(http, CSRF.search(page).group(1), {start: "May 2031"})
        assert bad.status_code == 400 and "start date must be a date as YYYY-MM-DD" in bad.text


def test_an_uploaded_agreement_is_shown_in_the_fields(registry: Registry) -> None:
    with signed_in(registry, "erin") as http:
        page = http.get("/workspace/new").text
        saved = http.post(
            "/workspace/new",
            data={
                "csrf": CSRF.search(page).group(1),
                "text": agreement_ttl("uploaded").decode(),
                "media_type": "text/turtle",
                "action": "check",
            },
        ).text
        start = field_of(saved, "start date")
        assert f'<input id="{start}" name="{start}" type="date" value="2030-02-01"' in saved
        assert 'value="Example Widgets Agreement"' in saved
        # the parts the text has are shown with their parts of the form: the parties by name, the risks
        shown = dict(re.findall(r'data-in-text="([\w-]+)">Already in the text: ([^<]*)<', saved))
        membership = labelled(saved, "Membership", "member").rsplit("-", 1)[0]
        assert "Example Union" in html.unescape(shown[membership]) and "Example Ministry" in shown[membership]
        risks = labelled(saved, "Assessed Risk", "risk topic").rsplit("-", 1)[0]
        assert shown[risks].count(",") == 1  # two assessed risks, under the risk analysis


def test_a_new_shape_gives_the_form_a_new_field(store_path: Path, tmp_path: Path) -> None:
    """The fields come from the shapes in the store: add a property shape, and the form has its field."""
    import pyoxigraph as ox

    keys = prepare_registry(store_path, tmp_path)
    store = ox.Store(str(tmp_path / "store"))
    shapes = "https://w3id.org/imvokg/shapes#"
    extra = ox.NamedNode(shapes + "SectorAgreement-country")
    graph = ox.NamedNode("https://w3id.org/imvokg/graph/shapes-extra")
    store.add(
        ox.Quad(ox.NamedNode(shapes + "SectorAgreementShape"), ox.NamedNode(SH + "property"), extra, graph)
    )
    store.add(
        ox.Quad(extra, ox.NamedNode(SH + "path"), ox.NamedNode("https://w3id.org/imvokg/ont#country"), graph)
    )
    store.add(
        ox.Quad(
            extra, ox.NamedNode(SH + "minCount"), ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER)), graph
        )
    )
    store.flush()
    del store
    env = serve_registry(tmp_path, keys)
    try:
        with signed_in(env, "erin") as http:
            page = http.get("/workspace/new").text
        assert re.search(r'<label for="field-\d+">country \*</label>', page)
    finally:
        env.live.stop()


def part_field_of(page: str, name: str) -> str:
    """The id of the field labelled ``name`` in a part of the form (a party and its role)."""
    found = re.search(r'<label for="(part-\d+-\d+)">' + re.escape(name), page)
    assert found, name
    return found.group(1)


def test_a_party_picked_by_name_and_its_role_are_written_into_the_text(registry: Registry) -> None:
    """The membership part comes from the shapes (sh:class of the agreement): the member is found
    by name among the organisations the store knows, the role is a choice of the role scheme."""
    with signed_in(registry, "erin") as http:
        page = http.get("/workspace/new").text
        member, role = part_field_of(page, "member *"), part_field_of(page, "role *")  # sh:minCount 1
        pick = re.search(rf'<input id="{member}"[^>]*data-pick="([^"]+)"', page).group(1)
        found = http.get(html.unescape(pick) + "&q=fnv", headers={"Accept": "application/json"})
        assert found.status_code == 200
        fnv = next(o["value"] for o in found.json()["options"] if o["label"] == "FNV")
        assert '<option value="https://w3id.org/imvokg/scheme/party-role/signatory">' in page
        english = field_of(page, "label (English)")
        signatory = "https://w3id.org/imvokg/scheme/party-role/signatory"
        answer = fill(
            http, CSRF.search(page).group(1), {english: "Party Widgets", member: fnv, role: signatory}
        )
        assert answer.status_code == 200
        text = html.unescape(
            re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', answer.text, re.S).group(1)
        )
        from rdflib import Graph, URIRef

        data = Graph().parse(data=text, format="turtle")
        agreement = URIRef("https://w3id.org/imvokg/id/agreement/party-widgets")
        org = "http://www.w3.org/ns/org#"
        memberships = list(data.subjects(URIRef(org + "organization"), agreement))
        assert len(memberships) == 1
        assert data.value(memberships[0], URIRef(org + "member")) == URIRef(fnv)
        assert data.value(memberships[0], URIRef(org + "role")) == URIRef(signatory)
        # the pick repeats what the register says the party is, so the shapes of a party hold
        rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        assert (URIRef(fnv), rdf_type, URIRef("https://w3id.org/imvokg/ont#TradeUnion")) in data
        assert data.value(URIRef(fnv), URIRef("http://purl.org/dc/terms/source")) is not None
        no_role = fill(http, CSRF.search(page).group(1), {english: "Party Widgets", member: fnv})
        assert no_role.status_code == 400 and "Membership: role is required" in no_role.text
        other = http.get("/workspace/pick", params={"class": "https://example.org/Thing", "q": "fnv"})
        assert other.status_code == 400
        assert "no field of the form takes values of this class" in other.text


def labelled(page: str, legend: str, name: str) -> str:
    """The id of the field labelled ``name`` in the part of the form whose legend is ``legend``."""
    part = re.search(r"<legend>" + re.escape(legend) + r"</legend>(.*?)(?:<legend>|</fieldset>)", page, re.S)
    assert part, legend
    found = re.search(r'<label for="([\w-]+)">' + re.escape(name), part.group(1))
    assert found, f"{legend}: {name}"
    return found.group(1)


def written(answer: httpx.Response) -> str:
    """The text of the agreement after "write these fields into the text"."""
    assert answer.status_code == 200, re.findall(r"error-box[^>]*>([^<]*)", answer.text)
    return html.unescape(re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', answer.text, re.S).group(1))


COMPLETE_FORM = "https://w3id.org/imvokg/id/agreement/complete-form-widgets"
RT = "https://w3id.org/imvokg/scheme/risk-topic/"
SEV = "https://w3id.org/imvokg/scheme/severity-level/"
STEP = "https://w3id.org/imvokg/scheme/dd-step/"
ROLE = "https://w3id.org/imvokg/scheme/party-role/"
ONT = "https://w3id.org/imvokg/ont#"


def complete_form_steps(page: str) -> list[dict[str, str]]:
    """A complete agreement, written in the form's fields and parts one part at a time."""
    agreement = {
        field_of(page, "label (English)"): "Complete Form Widgets",
        field_of(page, "label (Nederlands)"): "Volledig formulier onderdelen",
        field_of(page, "covers sector"): "https://w3id.org/imvokg/scheme/sector/gold",
        field_of(page, "start date"): "2031-01-01",
        field_of(page, "end date"): "2035-12-31",
        field_of(page, "source"): "https://w3id.org/imvokg/id/source/ser-2023-position-paper",
        field_of(page, "refers to"): "https://w3id.org/imvokg/id/instrument/oecd-mne-guidelines-2023 "
        "https://w3id.org/imvokg/id/instrument/ungp-2011",
    }
    member, role = labelled(page, "Membership", "member"), labelled(page, "Membership", "role")
    memberships = [
        {member: f"https://w3id.org/imvokg/id/party/{party}", role: ROLE + "signatory"}
        for party in ("fnv", "clean-clothes-campaign", "vgt")
    ]
    analysis = {labelled(page, "Sector Risk Assessment", "label (English)"): "Widgets risk analysis"}
    risk = {
        labelled(page, "Assessed Risk", "risk topic"): RT + "child-labour",
        labelled(page, "Assessed Risk", "is salient"): "true",
        labelled(page, "Assessed Risk", "severity: scale"): SEV + "very-high",
        labelled(page, "Assessed Risk", "severity: scope"): SEV + "high",
        labelled(page, "Assessed Risk", "severity: irremediable character"): SEV + "high",
    }
    commitment = {
        labelled(page, "Commitment", "label (English)"): "End child labour",
        labelled(page, "Commitment", "addresses risk topic"): RT + "child-labour",
        labelled(page, "Commitment", "covers step"): f"{STEP}step-3\n{STEP}step-5",
    }
    kind, name = labelled(page, "Mechanism", "Kind"), labelled(page, "Mechanism", "label (English)")
    described = labelled(page, "Mechanism", "description (English)")
    mechanisms = [
        {
            kind: ONT + "MonitoringMechanism",
            name: "Monitoring panel",
            described: "Reviews every plan yearly.",
        },
        {kind: ONT + "GrievanceMechanism", name: "Complaints desk"},
        {kind: ONT + "SmeSupportMeasure", name: "SME helpdesk"},
    ]
    return [agreement, *memberships, {**analysis, **risk}, commitment, *mechanisms]


def test_a_complete_agreement_written_in_the_form_conforms(registry: Registry) -> None:
    """Every part the shapes give (memberships, the risk analysis and its salient risk with the
    three severity components, a commitment on that risk, three mechanisms, the instruments referred
    to) written from the form alone: the text meets MR-01 ... MR-11 and the parts are linked."""
    from rdflib import Graph, Literal, URIRef

    with signed_in(registry, "erin") as http:
        page = http.get("/workspace/new").text
        csrf = CSRF.search(page).group(1)
        text = ""
        for step in complete_form_steps(page):
            data = {"csrf": csrf, "text": text, "media_type": "text/turtle", "action": "fill", **step}
            answer = http.post("/workspace/new", data=data)
            text = written(answer)
        statuses = dict(re.findall(r'data-requirement="([^"]+)" data-status="(\w+)"', answer.text))
        assert len(statuses) == 14 and [r for r, status in statuses.items() if status == "not_met"] == []
        data = Graph().parse(data=text, format="turtle")
        agreement = URIRef(COMPLETE_FORM)
        (analysis,) = data.objects(agreement, URIRef(ONT + "hasRiskAssessment"))
        (risk,) = data.objects(analysis, URIRef(ONT + "hasAssessedRisk"))
        assert data.value(risk, URIRef(ONT + "isSalient")) == Literal(True)
        assert data.value(risk, URIRef(ONT + "severityScale")) == URIRef(SEV + "very-high")
        # where a part is from: the agreement's source, unless the part says otherwise
        source = URIRef("http://purl.org/dc/terms/source")
        assert data.value(risk, source) == data.value(agreement, source)
        (commitment,) = data.objects(agreement, URIRef(ONT + "hasCommitment"))
        steps = set(data.objects(commitment, URIRef(ONT + "coversStep")))
        assert steps == {URIRef(STEP + "step-3"), URIRef(STEP + "step-5")}
        kinds = {
            data.value(m, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))
            for m in data.objects(agreement, URIRef(ONT + "hasMechanism"))
        }
        assert kinds == {
            URIRef(ONT + k) for k in ("MonitoringMechanism", "GrievanceMechanism", "SmeSupportMeasure")
        }
        submitted = http.post(
            "/workspace/new",
            data={
                "csrf": csrf,
                "text": text,
                "media_type": "text/turtle",
                "action": "submit",
                "member_state": "NL",
                "idempotency_key": "complete-form-widgets",
            },
        )
        assert submitted.status_code == 303, re.findall(r"error-box[^>]*>([^<]*)", submitted.text)


def test_a_risk_without_its_analysis_and_a_wrong_value_are_refused(registry: Registry) -> None:
    with signed_in(registry, "erin") as http:
        page = http.get("/workspace/new").text
        english = field_of(page, "label (English)")
        topic = labelled(page, "Assessed Risk", "risk topic")
        alone = fill(http, CSRF.search(page).group(1), {english: "Lonely Risk", topic: RT + "child-labour"})
        assert alone.status_code == 400
        assert "Assessed Risk belongs to a Sector Risk Assessment: fill that in first" in alone.text
        salient = labelled(page, "Assessed Risk", "is salient")
        odd = fill(http, CSRF.search(page).group(1), {english: "Odd Risk", salient: "maybe"})
        assert odd.status_code == 400 and "choose one of the values offered for is salient" in odd.text
