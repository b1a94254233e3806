"""An accessibility audit of every page of every role: axe-core (from npm, pinned in
tests/a11y/package.json) runs in Debian's Chromium over each page a role can open, and no
page may have a *serious* or *critical* violation of WCAG 2.0, 2.1 or 2.2 at levels A and
AA (docs/accessibility.md).

The pages are those of the authorization matrix (tests/authz_page_rules.py) on its seeded
world (tests/authz_world.py), so a new page is audited as soon as it is in the matrix. Each
role requests every GET page; the ones that answer 200 with HTML are the pages that role
has, and each is audited once per role, with the role's own data on it.

The browser does not talk to a server: each page is first requested with Django's test
client in this process, signed in as the role, on the module's world (which stays in the
module's transaction on both databases: no port, no commit), and the browser is then served
those answers, and the static files from Django's static finders. The context bypasses the
Content Security Policy only so that the axe script can be injected; the pages' own scripts
run as served.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from tests.authz_matrix_support import PAGES, _login, _refs, page_url
from tests.authz_page_rules import PAGE_QUERY, PAGE_RULES
from tests.test_authz_matrix import (  # noqa: F401 (the module's world fixtures)
    _world_media_root,
    world,
    world_media,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]

A11Y_DIR = Path(__file__).parent / "a11y"
AXE = A11Y_DIR / "node_modules" / "axe-core" / "axe.min.js"
HOST = "tandem.test"
ORIGIN = f"http://{HOST}"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = {"serious", "critical"}
ROLES = (
    "anonymous",
    "student",
    "coordinator",
    "educator",
    "recruiter",
    "supervisor",
    "mentor",
    "funder",
    "admin",
)
#: Public pages outside the matrix (it leaves them out by design) that people use every day.
PUBLIC_PAGES = ("/accounts/login/", "/accounts/password-reset/")


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's script, installed from the npm registry with ``npm ci`` the first time
    (one process at a time under xdist)."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("browser: npm is needed to install axe-core (tests/a11y)")
        with open(A11Y_DIR / ".install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not AXE.exists():
                subprocess.run(
                    [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                    cwd=A11Y_DIR,
                    check=True,
                )
    return AXE.read_text(encoding="utf-8")


Answer = tuple[int, dict[str, str], bytes]


def _answer(response) -> Answer:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
    return response.status_code, headers, body


def _pages_for(world, client: Client) -> dict[str, Answer]:  # noqa: F811
    """The GET pages this client's role can open (200, HTML): URL → the answer."""
    pages: dict[str, Answer] = {}
    for pattern in PAGES:
        if "get" not in PAGE_RULES[pattern.name].methods:
            continue
        url = page_url(world, pattern)
        query = _refs(world, PAGE_QUERY.get(pattern.name, {}))
        response = client.get(url, query)
        # Whole documents only: an HTMX fragment (a list of options) is audited in its page.
        if (
            response.status_code == 200
            and response["Content-Type"].startswith("text/html")
            and b"<html" in response.content[:500]
        ):
            if query:
                url += "?" + urlencode(query)
            pages[url] = _answer(response)
    return pages


def _serve(pages: dict[str, Answer]):
    """A Playwright route handler: the pages' recorded answers, and static files."""

    def handle(route, request) -> None:
        url = urlsplit(request.url)
        path = unquote(url.path) + (f"?{url.query}" if url.query else "")
        if url.netloc == HOST and request.method == "GET" and path in pages:
            status, headers, body = pages[path]
            route.fulfill(status=status, headers=headers, body=body)
        elif url.netloc == HOST and url.path.startswith(settings.STATIC_URL):
            found = finders.find(url.path.removeprefix(settings.STATIC_URL))
            if found:
                route.fulfill(path=found)
            else:
                route.fulfill(status=404, body="")
        else:
            route.abort()

    return handle


def _audit(page, url: str, axe: str) -> list[str]:
    page.goto(ORIGIN + url)
    page.add_script_tag(content=axe)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        WCAG_TAGS,
    )
    return [
        f"{url}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in result
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("who", ROLES)
def test_no_serious_accessibility_violation_on_any_page(
    request,
    axe_script,
    world,  # noqa: F811
    who,
):
    client = Client()
    _login(client, world, who)
    pages = _pages_for(world, client)
    if who == "anonymous":
        pages.update({url: _answer(client.get(url)) for url in PUBLIC_PAGES})
    # Every signed-in role has its home and more; the anonymous visitor has the public pages.
    assert len(pages) >= 2, list(pages)
    # The browser only now: while Playwright's loop is resumed, the ORM would open another
    # connection, which cannot see the module's uncommitted world.
    browser = request.getfixturevalue("browser")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.route("**/*", _serve(pages))
    page = context.new_page()
    problems: list[str] = []
    for url in pages:
        problems += _audit(page, url, axe_script)
    context.close()
    assert not problems, f"{who}: {len(problems)} serious or critical violations\n" + "\n".join(
        problems
    )


def test_the_audit_finds_a_violation(browser, axe_script):
    """The audit is live: a page with an unlabelled field and an image without text fails."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(
        "<!doctype html><html lang='en'><title>t</title><main>"
        "<input type='text'><img src='data:,'></main></html>"
    )
    page.add_script_tag(content=axe_script)
    found = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id))",
        WCAG_TAGS,
    )
    context.close()
    assert {"label", "image-alt"} <= set(found), json.dumps(found)
