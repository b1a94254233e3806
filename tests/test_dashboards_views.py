"""Each role's dashboard shows its own world, within a bounded number of queries."""

from __future__ import annotations

import pytest

from tandem.accounts.models import User
from tandem.demo.world import DEMO_DOMAIN, build_demo_world


@pytest.fixture
def demo_world(db):
    build_demo_world(seed=2026)


def _login(client, local_part: str) -> User:
    user = User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}")
    client.force_login(user)
    return user


ROLE_EXPECTATIONS = [
    (
        "student",
        ["Opportunities open to you", "Your applications"],
        ["Postings waiting for your approval", "Your postings"],
    ),
    (
        "coordinator",
        ["Postings waiting for your approval", "KPIs at risk", "Partnership reviews due"],
        ["Your applications", "Your postings"],
    ),
    (
        "recruiter",
        ["Your postings", "Recent applicants"],
        ["KPIs at risk", "Opportunities open to you"],
    ),
    ("mentor", ["Your partnerships"], ["Partnership reviews due", "Your postings"]),
]


def test_dashboard_per_role(client, demo_world, django_assert_max_num_queries):
    # One demo world for every role: building it is the slow part.
    for login, expected, absent in ROLE_EXPECTATIONS:
        _login(client, login)
        # A first view per role fills its cache entries (stage counts, the recruiter's newest
        # applicants, the student's home postings): several statements each with the database
        # cache the tests use, none with Redis.
        with django_assert_max_num_queries(40):
            response = client.get("/")
        assert response.status_code == 200, login
        html = response.content.decode()
        for text in expected:
            assert text in html, (login, text)
        for text in absent:
            assert text not in html, (login, text)

    student = _login(client, "student")
    html = client.get("/").content.decode()
    own_titles = set(student.applications.values_list("opportunity__title", flat=True))
    assert own_titles
    assert any(title in html for title in own_titles)
    others = User.objects.filter(applications__isnull=False).exclude(pk=student.pk)
    assert not any(o.full_name in html for o in others[:50])


def test_user_without_membership_is_told_so(client, db):
    user = User.objects.create_user("nobody@example.org", "pw-123456789", full_name="No Body")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "no role in any organization" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
