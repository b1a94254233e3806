"""In a real browser: a coordinator brings in a roster from a OneRoster export — uploads the
.zip, reads what the import will change, confirms, and sees what it changed; a refused export
shows its problems with their file and line and offers no import."""

from __future__ import annotations

import pytest

from tandem.organizations.models import Membership, Role
from tests.factories import PASSWORD, InstitutionFactory, member
from tests.rosters_support import DATA, zipped

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]


def _sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def _upload(page, base, institution, content: bytes) -> None:
    page.goto(f"{base}/rosters/")
    page.get_by_label("Institution").select_option(label=institution.name)
    page.get_by_label("OneRoster export (.zip)").set_input_files(
        files=[{"name": "export.zip", "mimeType": "application/zip", "buffer": content}]
    )
    page.get_by_role("button", name="Check the export").click()


def test_coordinator_imports_a_roster_after_reading_the_dry_run(live_server, page):
    base = live_server.url
    riverside = InstitutionFactory(slug="riverside", name="Riverside Community College")
    coordinator = member(riverside, Role.COORDINATOR)
    _sign_in(page, base, coordinator.email)
    _upload(page, base, riverside, zipped(DATA / "v11"))
    page.wait_for_selector("text=What the import will change")
    # The check wrote nothing: no student yet.
    assert not Membership.objects.filter(organization=riverside, role=Role.STUDENT).exists()
    page.get_by_role("button", name="Import the roster").click()
    page.wait_for_selector("h2:has-text('Imported')")
    assert "Import the roster" not in page.content()
    assert Membership.objects.filter(organization=riverside, role=Role.STUDENT).count() == 3


def test_a_refused_export_shows_file_and_line_and_offers_no_import(live_server, page):
    base = live_server.url
    riverside = InstitutionFactory(slug="riverside", name="Riverside Community College")
    coordinator = member(riverside, Role.COORDINATOR)
    _sign_in(page, base, coordinator.email)
    _upload(page, base, riverside, zipped(DATA / "bad_date"))
    problems = page.get_by_role("alert")
    problems.wait_for()
    assert "nothing was changed" in problems.inner_text()
    assert ".csv:" in page.inner_text("#roster-problems")
    assert page.get_by_role("button", name="Import the roster").count() == 0
    assert not Membership.objects.filter(organization=riverside, role=Role.STUDENT).exists()
