"""The set-up of the invitation tests (tests/test_organizations_invitations*.py): an
institution and a partner with their staff, and helpers to sign in, invite and read the
e-mailed link.
"""

from __future__ import annotations

import re

import pytest

from tandem.organizations import invitations
from tandem.organizations.models import Role
from tests.factories import InstitutionFactory, PartnerFactory, UserFactory, member

API = "/api/v1/organizations"


@pytest.fixture
def w():
    inst = InstitutionFactory(name="Riverside College")
    other_inst = InstitutionFactory(name="Northgate High", type="high_school")
    partner = PartnerFactory(name="Acme Robotics")
    return {
        "inst": inst,
        "other_inst": other_inst,
        "partner": partner,
        "coordinator": member(inst, Role.COORDINATOR),
        "educator": member(inst, Role.EDUCATOR),
        "recruiter": member(partner, Role.RECRUITER),
        "other_coordinator": member(other_inst, Role.COORDINATOR),
        "invitee": UserFactory(email="invitee@example.org", full_name="Ivy Invitee"),
        "outsider": UserFactory(email="outsider@example.org"),
    }


def _login(client, w, who):
    if who != "anonymous":
        client.force_login(w[who])
    return client


def _invite(w, email="invitee@example.org", role=Role.STUDENT, **kw):
    return invitations.invitation_create(
        actor=w["coordinator"], organization=w["inst"], email=email, role=role, **kw
    )


def _link(mail) -> str:
    found = re.search(r"https?://\S+/organizations/invitations/join/(\w+)/", mail.body)
    assert found, mail.body
    return found.group(0)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
