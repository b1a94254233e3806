"""Invitations in a real browser: a coordinator invites an address without an account; the
person opens the e-mailed link, creates their account and joins; the coordinator then sees
them as a member. Every form control on the new pages has a label."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tandem.organizations.models import Invitation, Membership
from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("allow_orm_beside_playwright"),
]

UNLABELED = """() => [...document.querySelectorAll('input:not([type=hidden]),select,textarea')]
    .filter(el => el.offsetParent !== null)
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map(el => el.name)"""


def _sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_invite_create_account_and_join(live_server, page, browser, settings):
    settings.SITE_URL = live_server.url
    college = InstitutionFactory(name="Riverside Community College")
    coordinator = UserFactory(email="coord@example.org", full_name="Cora Coordinator")
    MembershipFactory(user=coordinator, organization=college, role="coordinator")
    base = live_server.url

    _sign_in(page, base, "coord@example.org")
    page.goto(f"{base}/organizations/{college.public_id}/")
    page.get_by_label("E-mail address").fill("new.student@example.org")
    page.get_by_label("Role").select_option("student")
    page.get_by_label("Program of study").fill("Nursing")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_selector("text=Invitation sent to new.student@example.org.")
    assert "new.student@example.org" in page.inner_text("main")
    assert page.evaluate(UNLABELED) == []
    assert not Membership.objects.filter(user__email="new.student@example.org").exists()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/organizations/invitations/join/\w+/", mail.outbox[0].body)
    assert link

    invitee = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = invitee.new_page()
    try:
        phone.goto(link.group(0))
        assert "Create your Tandem account" in phone.inner_text("main")
        assert phone.evaluate(UNLABELED) == []
        phone.fill("#id_full_name", "Nia Newcomer")
        phone.fill("#id_password1", "Long-pass-phrase-9")
        phone.fill("#id_password2", "Long-pass-phrase-9")
        phone.get_by_role("button", name="Create account and accept").click()
        phone.wait_for_url(f"{base}/accounts/")
        assert "You joined Riverside Community College" in phone.inner_text("main")
    finally:
        invitee.close()

    membership = Membership.objects.get(user__email="new.student@example.org")
    assert (membership.organization, membership.program) == (college, "Nursing")
    assert Invitation.objects.get().accepted_at is not None
    page.goto(f"{base}/organizations/{college.public_id}/")
    assert "Nia Newcomer" in page.inner_text("main")
    assert "No pending invitations." in page.inner_text("main")
