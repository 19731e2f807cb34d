"""The workspace end to end in Debian's Chromium: a submitter and a supervisor in two browsers.

The submitter signs in, writes an agreement that misses two requirements, sees them not met
as they type, fixes them and submits (twice, quickly: one submission); the supervisor, in a
second browser context, finds it in the queue and approves it; the public pages, the feed and
the event stream show the decision. Every workspace page is checked with axe-core (vendored in
tests/browser/vendor/axe-core, injected by the test, never by the pages) and at 400 px width.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import PageProblems
from tests.test_workflow import agreement_ttl
from tests.test_workspace import Registry, start_registry

pytestmark = pytest.mark.slow  # a real Chromium and a writable server

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
HOSTILE = '<script>alert("party")</script><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def registry(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    env = start_registry(store_path, tmp_path_factory.mktemp("browser-workspace"))
    yield env
    env.live.stop()


class Browsers:
    """Fresh browser contexts (each its own cookies) on the registry's server."""

    def __init__(self, browser: Any, url: str) -> None:
        self.browser = browser
        self.url = url
        self.contexts: list[Any] = []

    def page(self, width: int = 1280) -> Any:
        context = self.browser.new_context(
            base_url=self.url, locale="en-GB", viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(30_000)
        self.contexts.append(context)
        tab = context.new_page()
        tab.problems = PageProblems()
        tab.problems.attach(tab)
        tab.dialogs = []
        tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
        return tab

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture()
def browsers(browser: Any, registry: Registry) -> Iterator[Browsers]:
    made = Browsers(browser, registry.url)
    yield made
    made.close()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the driver: the page's CSP stays on
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }"""
    )
    return list(found)


def too_wide(page: Any, width: int) -> list[str]:
    """What sticks out sideways at this width (a page usable there needs no horizontal scrolling)."""
    return page.evaluate(
        f"""() => document.documentElement.scrollWidth <= {width} ? [] :
            Array.from(document.querySelectorAll('body *'))
              .filter(el => el.getBoundingClientRect().right > {width})
              .map(el => el.tagName + (el.id ? "#" + el.id : "") + " "
                         + Math.round(el.getBoundingClientRect().right) + " "
                         + (el.textContent || "").slice(0, 40))
              .slice(0, 8)"""
    )


def sign_in(page: Any, registry: Registry, who: str, then: str = "/workspace") -> None:
    page.goto(then)
    assert "/workspace/sign-in" in page.url  # not signed in yet: to the sign-in page, and back after
    assert serious_violations(page) == []
    page.fill("#key", registry.keys[who][0])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{then}")


def broken_twice(slug: str) -> str:
    """The conforming agreement with two requirements broken: no union signs, no OECD Guidelines."""
    text = agreement_ttl(slug).decode()
    text = text.replace(
        "org:member party:example-union ; org:role role:signatory",
        "org:member party:example-union ; org:role role:supporter",
    )
    return text.replace("imvo:refersTo inst:oecd-mne-guidelines-2023 ,\n        ", "imvo:refersTo ")


def fixes_in(page: Any, requirement: str) -> str:
    """What a requirement's "go to the field" link points at: a field's label or a part's legend."""
    link = f'#check-table tr[data-requirement="{requirement}"] a[data-field]'
    page.wait_for_selector(link, state="attached")  # the page's script checks the text as loaded
    return page.eval_on_selector(
        link,
        """a => { const el = document.querySelector(a.getAttribute('href'));
                  const name = el.querySelector(':scope > legend') || el.querySelector('label');
                  return name.textContent.trim(); }""",
    )


def not_met(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        '#check-table tr[data-status="not_met"]', "rows => rows.map(r => r.dataset.requirement)"
    )


def test_submit_fix_approve_and_everyone_sees_the_decision(browsers: Browsers, registry: Registry) -> None:
    slug = "browser-widgets"
    submitter = browsers.page()
    sign_in(submitter, registry, "erin", "/workspace/new")
    assert serious_violations(submitter) == []

    # typing: two requirements are not met, each with its message and a link to the text
    submitter.fill("#text", broken_twice(slug))
    submitter.wait_for_function(
        "() => document.querySelectorAll('#check-table tr[data-status]').length === 14"
    )
    assert sorted(not_met(submitter)) == ["MR-01", "MR-03"]
    row = submitter.locator('#check-table tr[data-requirement="MR-03"]')
    assert row.locator("a[href='#text']").count() == 1 and row.locator("td p").count() >= 1
    # and to the part of the form the requirement's shapes start from: the memberships
    assert fixes_in(submitter, "MR-03") == "Membership"
    assert fixes_in(submitter, "MR-01").startswith("refers to")
    assert serious_violations(submitter) == []

    # the form the shapes make: a field written into the text, which is checked again at once
    submitter.get_by_label("label (English) *").fill("Browser Widgets Agreement")
    submitter.get_by_role("button", name="Write these fields into the text").click()
    submitter.wait_for_function(
        "() => document.querySelectorAll('#check-table tr[data-status]').length === 14"
    )
    assert '"Browser Widgets Agreement"@en' in submitter.input_value("#text")
    assert submitter.get_by_label("label (English) *").input_value() == "Browser Widgets Agreement"
    assert sorted(not_met(submitter)) == ["MR-01", "MR-03"]

    # fixed (with a hostile party name): every violation gone; "view as RDF" shows what is sent
    fixed = agreement_ttl(slug).decode().replace('"Example Union"', '"' + HOSTILE.replace('"', '\\"') + '"')
    submitter.fill("#text", fixed)
    submitter.wait_for_function(
        "() => document.querySelectorAll('#check-table tr[data-status]').length === 14 && "
        "!document.querySelector('#check-table tr[data-status=\"not_met\"]')"
    )
    submitter.fill("#member_state", "NL")

    # a party of the register found by typing part of its name, with its role, written into the text
    member = submitter.get_by_label("member *")
    member.fill("FNV")
    fnv = submitter.locator(f"#{member.get_attribute('list')} option[label='FNV']")
    fnv.wait_for(state="attached")
    member.fill(fnv.get_attribute("value"))
    submitter.get_by_label("role *").select_option(label="observer")
    submitter.get_by_role("button", name="Write these fields into the text").click()
    submitter.wait_for_function(
        "() => document.querySelectorAll('#check-table tr[data-status]').length === 14 && "
        "!document.querySelector('#check-table tr[data-status=\"not_met\"]')"
    )
    submitter.locator("#rdf-view summary").click()
    sent = submitter.inner_text("#rdf-text")
    assert f"<https://w3id.org/imvokg/id/agreement/{slug}>" in sent
    assert (
        f"<https://w3id.org/imvokg/id/membership/{slug}--fnv> <http://www.w3.org/ns/org#member> "
        "<https://w3id.org/imvokg/id/party/fnv> ." in sent
    )
    submitter.locator("#submit-button").dblclick()  # a double click makes one submission
    submitter.wait_for_url("**/workspace/submissions/*?done=submitted")
    submission_path = submitter.url.split("?")[0].replace(registry.url, "")
    assert serious_violations(submitter) == []
    with registry.api("erin") as api:
        assert len([s for s in api.get("/api/v1/submissions").json() if s["agreement"].endswith(slug)]) == 1

    # the supervisor, in a browser of their own: the queue, the submission, the approval
    supervisor = browsers.page()
    sign_in(supervisor, registry, "bob")
    assert serious_violations(supervisor) == []
    supervisor.locator(f'a[href="{submission_path}"]').click()
    supervisor.wait_for_url(f"**{submission_path}")
    assert supervisor.get_by_text(HOSTILE, exact=False).count() >= 1  # the name, shown as text
    assert supervisor.locator('#requirements tr[data-status="not_met"]').count() == 0
    assert "<https://w3id.org/imvokg/id/party/fnv>" in supervisor.locator("pre.rdf").text_content()
    assert serious_violations(supervisor) == []
    supervisor.fill("#valid_from", "2031-03-01")
    supervisor.fill("#approve-reason", "all fourteen requirements checked")
    supervisor.get_by_role("button", name="Approve").click()
    supervisor.wait_for_url("**?done=approved")
    assert "approved" in supervisor.inner_text("#status")

    # everyone: the trail, the agreement's page, the feed and the event stream show the decision
    public = browsers.page()
    public.goto(f"/workspace/agreements/{slug}")
    trail = public.inner_text("ol.trail")
    assert "all fourteen requirements checked" in trail and "2031-03-01" in trail
    assert public.locator('a[href^="/workspace/submissions/"]').count() == 0
    assert serious_violations(public) == []
    assert public.goto(f"/id/agreement/{slug}").status == 200
    assert f"recognition-{submission_path.rsplit('/', 1)[-1]}" in public.request.get("/feed").text()
    assert f"recognition-{submission_path.rsplit('/', 1)[-1]}" in public.request.get("/ldes/0").text()
    for page in (submitter, supervisor, public):
        assert page.dialogs == [] and page.problems.errors == []


def test_the_workspace_pages_are_usable_at_400_px(
    browsers: Browsers, registry: Registry, tmp_path: Path
) -> None:
    sid = registry.submitted("erin", "narrow-widgets")
    narrow = browsers.page(width=400)
    sign_in(narrow, registry, "bob")
    for path in ("/workspace", f"/workspace/submissions/{sid}"):
        narrow.goto(path)
        assert too_wide(narrow, 400) == [], path
        assert serious_violations(narrow) == [], path
        narrow.get_by_role("button", name="Sign out").scroll_into_view_if_needed()
        assert narrow.get_by_role("button", name="Sign out").is_visible()
    writer = browsers.page(width=400)
    sign_in(writer, registry, "erin", "/workspace/new")
    wide = too_wide(writer, 400)
    assert wide == [], " | ".join(wide)
    upload = tmp_path / "narrow-check.ttl"  # an uploaded file is shown in the text box and checked
    upload.write_bytes(agreement_ttl("narrow-check"))
    writer.set_input_files("#upload", str(upload))
    writer.wait_for_function("() => document.getElementById('text').value.includes('narrow-check')")
    writer.wait_for_function("() => document.querySelectorAll('#check-table tr[data-status]').length === 14")
    assert too_wide(writer, 400) == [] and serious_violations(writer) == []
    assert writer.problems.errors == [] and narrow.problems.errors == []


def part(page: Any, legend: str) -> Any:
    """The fieldset of one part of the form (its own legend, not a nested part's)."""
    return page.locator(f"fieldset.form-part:has(> legend:text-is('{legend}'))")


def pick(page: Any, field: Any, typed: str, label: str) -> None:
    """Type part of a name in a pick field and take the register's option with that label."""
    field.fill(typed)
    option = page.locator(f"#{field.get_attribute('list')} option[label='{label}']")
    option.wait_for(state="attached")
    field.fill(option.get_attribute("value"))


def write_fields(page: Any) -> None:
    page.get_by_role("button", name="Write these fields into the text").click()
    page.wait_for_function("() => document.querySelectorAll('#check-table tr[data-status]').length === 14")


def test_a_complete_agreement_from_the_form_alone_is_submitted_and_reviewed(
    browsers: Browsers, registry: Registry
) -> None:
    """Names, sector, term, instruments picked by name, three signatories picked by name, the risk
    analysis with a salient risk and its severity components, a commitment on that risk and the
    three mechanisms: filled in the form, never in the text; the requirements are met as it goes,
    the submission conforms and the supervisor's page shows every part."""
    writer = browsers.page()
    sign_in(writer, registry, "erin", "/workspace/new")
    own = writer.locator("#shape-form > div.field")  # the agreement's own fields, not its parts'
    own.get_by_label("label (English) *").fill("Browser Form Widgets")
    own.get_by_label("label (Nederlands) *").fill("Browserformulier onderdelen")
    own.get_by_label("covers sector *").select_option(label="gold")
    own.get_by_label("start date", exact=True).fill("2031-01-01")
    own.get_by_label("end date", exact=True).fill("2035-12-31")
    own.get_by_label("source *").fill("https://w3id.org/imvokg/id/source/ser-2023-position-paper")
    refers = own.get_by_label("refers to", exact=True)
    pick(
        writer,
        refers,
        "OECD Guidelines",
        "OECD Guidelines for Multinational Enterprises on Responsible Business Conduct (2023 edition)",
    )
    write_fields(writer)
    assert "MR-02" in not_met(writer)  # no UNGPs yet
    assert fixes_in(writer, "MR-06") == "Sector Risk Assessment" and fixes_in(writer, "MR-09") == "Mechanism"
    assert "MR-01" not in not_met(writer)  # the OECD Guidelines picked by name: met at once
    pick(
        writer,
        own.get_by_label("refers to", exact=True),
        "Guiding Principles",
        "UN Guiding Principles on Business and Human Rights",
    )
    write_fields(writer)
    assert "MR-02" not in not_met(writer)
    membership = part(writer, "Membership")
    for typed, name in (("FNV", "FNV"), ("Clean Clothes", "Clean Clothes Campaign"), ("VGT", "VGT")):
        pick(writer, membership.get_by_label("member *"), typed, name)
        membership.get_by_label("role *").select_option(label="signatory")
        write_fields(writer)
    assert not {"MR-03", "MR-04", "MR-05"} & set(not_met(writer))

    analysis, risk = part(writer, "Sector Risk Assessment"), part(writer, "Assessed Risk")
    analysis.get_by_label("label (English)", exact=True).fill("Browser widgets risk analysis")
    risk.get_by_label("risk topic *").select_option(label="child labour")
    risk.get_by_label("is salient").select_option(label="yes")
    risk.get_by_label("severity: scale").select_option(label="very high")
    risk.get_by_label("severity: scope").select_option(label="high")
    risk.get_by_label("severity: irremediable character").select_option(label="high")
    write_fields(writer)
    assert "MR-06" not in not_met(writer) and "MR-07" in not_met(
        writer
    )  # the salient risk has no commitment yet

    commitment = part(writer, "Commitment")
    commitment.get_by_label("label (English)", exact=True).fill("End child labour in the mines")
    commitment.get_by_label("addresses risk topic *").select_option(label="child labour")
    write_fields(writer)
    assert "MR-07" not in not_met(writer)

    mechanism = part(writer, "Mechanism")
    for kind, name in (
        ("Monitoring Mechanism", "Monitoring panel"),
        ("Grievance Mechanism", "Complaints desk"),
        ("SME Support Measure", "SME helpdesk"),
    ):
        mechanism.get_by_label("Kind").select_option(label=kind)
        mechanism.get_by_label("label (English)", exact=True).fill(name)
        write_fields(writer)
    assert not_met(writer) == []
    assert serious_violations(writer) == []
    assert "imvo:hasAssessedRisk" in writer.input_value("#text")  # what the fields wrote is in the text
    writer.fill("#member_state", "NL")
    writer.locator("#submit-button").click()
    writer.wait_for_url("**/workspace/submissions/*?done=submitted")
    submission_path = writer.url.split("?")[0].replace(registry.url, "")

    supervisor = browsers.page()
    sign_in(supervisor, registry, "bob", submission_path)
    assert supervisor.locator('#requirements tr[data-status="not_met"]').count() == 0
    shown = supervisor.inner_text("main")
    for name in (
        "Browser widgets risk analysis",
        "End child labour in the mines",
        "Monitoring panel",
        "Complaints desk",
        "SME helpdesk",
        "very high",
        "child labour",
    ):
        assert name in shown, name
    assert serious_violations(supervisor) == []
    for page in (writer, supervisor):
        assert page.dialogs == [] and page.problems.errors == []


def test_an_amendment_shows_its_differences_in_review(browsers: Browsers, registry: Registry) -> None:
    """Published, then amended (the ministry leaves, a commitment is renamed): the supervisor's
    page groups what changed by parties and commitments, removed and added, as text."""
    slug = "browser-amended-widgets"
    first = registry.submitted("erin", slug)
    with registry.api("bob") as api:
        assert api.post(f"/api/v1/submissions/{first}/approve").status_code == 200
    amended = agreement_ttl(slug).decode()
    amended = amended.replace(
        "mem:example-widgets--example-ministry a imvo:Membership ;\n"
        "    org:organization agr:"
        + slug
        + " ; org:member party:example-ministry ; org:role role:observer .\n",
        "",
    ).replace('"Report publicly"@en', '"Report publicly every year"@en')
    assert "example-ministry ; org:role" not in amended
    with registry.api("erin") as api:
        made = api.post(
            "/api/v1/submissions",
            params={"member_state": "NL", "replaces": "1"},
            content=amended.encode(),
            headers={"Content-Type": "text/turtle"},
        )
    assert made.status_code == 201, made.text
    supervisor = browsers.page()
    sign_in(supervisor, registry, "bob", f"/workspace/submissions/{made.json()['id']}")
    changes = supervisor.locator("#changes")
    assert changes.locator("h2").inner_text() == "Differences from the published version"
    groups = changes.locator("[data-group]")
    assert groups.evaluate_all("gs => gs.map(g => g.dataset.group)") == ["parties", "commitments"]
    parties = changes.locator('[data-group="parties"]')
    assert parties.locator("h3").inner_text() == "Parties"
    assert parties.locator('li[data-change="added"]').count() == 0
    assert "example-ministry" in parties.locator('li[data-change="removed"]').first.inner_text()
    commitments = changes.locator('[data-group="commitments"]')
    assert "Report publicly every year" in commitments.locator('li[data-change="added"]').inner_text()
    assert '"Report publicly"@en' in commitments.locator('li[data-change="removed"]').inner_text()
    assert serious_violations(supervisor) == []
    narrow = browsers.page(width=400)
    sign_in(narrow, registry, "bob", f"/workspace/submissions/{made.json()['id']}")
    assert too_wide(narrow, 400) == []
    first_page = browsers.page()
    sign_in(first_page, registry, "bob", f"/workspace/submissions/{first}")
    assert first_page.locator("#changes").count() == 0  # a new agreement has nothing to compare with
    for page in (supervisor, narrow, first_page):
        assert page.problems.errors == []
