from __future__ import annotations

import pytest

from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory


@pytest.mark.django_db
def test_login_by_email_reaches_dashboard(client):
    inst = InstitutionFactory()
    user = UserFactory(email="ada@example.org")
    MembershipFactory(user=user, organization=inst, role="student")
    response = client.post(
        "/accounts/login/", {"username": "ada@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    assert user.full_name in response.content.decode()


@pytest.mark.django_db
def test_anonymous_dashboard_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
