"""The Django admin is a window: partnership and organization pages list, search and show,
and never write (their writes carry rules and an audit record, so they go through the
services). People are the exception: adding and access changes go through accounts services.
"""

from __future__ import annotations

import pytest

from tandem.audit.models import AuditEvent
from tandem.organizations.models import Membership, Organization
from tandem.partnerships.models import Partnership
from tests.factories import UserFactory
from tests.test_partnerships_support import build_cast

pytestmark = pytest.mark.django_db

READ_ONLY = [
    ("partnerships", "partnership"),
    ("partnerships", "kpi"),
    ("partnerships", "objective"),
    ("partnerships", "commitment"),
    ("partnerships", "partnershipcontact"),
    ("partnerships", "communicationentry"),
    ("partnerships", "actionitem"),
    ("partnerships", "partnershipdocument"),
    ("organizations", "organization"),
    ("organizations", "membership"),
    ("organizations", "partnervetting"),
    ("audit", "auditevent"),
]


@pytest.fixture
def cast():
    return build_cast()


@pytest.fixture
def admin_client(client, cast):
    client.force_login(cast.admin)
    return client


@pytest.mark.parametrize(("app", "model"), READ_ONLY)
def test_admin_lists_and_searches_but_cannot_add(admin_client, app, model):
    assert admin_client.get(f"/admin/{app}/{model}/").status_code == 200
    assert admin_client.get(f"/admin/{app}/{model}/", {"q": "robot"}).status_code == 200
    assert admin_client.get(f"/admin/{app}/{model}/add/").status_code == 403


def test_partnership_change_page_is_view_only_and_a_post_changes_nothing(admin_client, cast):
    p = cast.partnership
    page = admin_client.get(f"/admin/partnerships/partnership/{p.pk}/change/")
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # no editable input
    before = AuditEvent.objects.count()
    response = admin_client.post(
        f"/admin/partnerships/partnership/{p.pk}/change/",
        {"title": "Hijacked", "status": "concluded", "types": '["research"]'},
    )
    assert response.status_code == 403
    delete = admin_client.post(f"/admin/partnerships/partnership/{p.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    p.refresh_from_db()
    assert (p.title, p.status) == ("Robotics internships", "active")
    assert Partnership.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_organization_and_membership_pages_do_not_write(admin_client, cast):
    org = cast.partner
    response = admin_client.post(
        f"/admin/organizations/organization/{org.pk}/change/", {"name": "Renamed"}
    )
    assert response.status_code == 403
    membership = Membership.objects.filter(organization=org).first()
    assert membership is not None
    response = admin_client.post(
        f"/admin/organizations/membership/{membership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.name == "Acme Robotics"
    assert Organization.objects.filter(pk=org.pk).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_staff_change_access_through_the_audited_service(admin_client, cast):
    person = UserFactory(full_name="Grace Hopper")
    url = f"/admin/accounts/user/{person.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    response = admin_client.post(
        url,
        {
            "is_active": "on",
            "is_staff": "on",
            "full_name": "Someone Else",  # read-only here: ignored
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.is_staff and person.is_active and not person.is_superuser
    assert person.full_name == "Grace Hopper"
    event = AuditEvent.objects.get(action="accounts.user.access", target_id=str(person.public_id))
    assert event.actor == cast.admin
    assert event.changes == {"is_staff": [False, True]}


def test_staff_add_people_through_user_create(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from tandem.accounts.models import User

    person = User.objects.get(email="new.person@example.org")
    assert person.check_password("a-long-enough-passphrase-42")


def test_people_are_erased_not_deleted(admin_client):
    person = UserFactory()
    response = admin_client.post(f"/admin/accounts/user/{person.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert type(person).objects.filter(pk=person.pk).exists()
