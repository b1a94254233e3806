"""A home for each of the eight demo roles: that person's work first, each home within a
bounded number of queries, and nothing of another role's work on it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import User
from tandem.demo.world import DEMO_DOMAIN, build_demo_world

# login: (sections that must be there, sections that must not, query budget)
HOMES = {
    "student": (
        ["Your applications", "Recommended for you", "Opportunities open to you"],
        ["Postings waiting for your approval", "Your postings", "Health of this installation"],
        30,
    ),
    "coordinator": (
        [
            "Postings waiting for your approval",
            "Students without a placement",
            "Your students&#x27; applications by stage",
            "KPIs at risk",
            "Partnership reviews due",
        ],
        ["Your applications", "Your postings", "My interns"],
        30,
    ),
    "educator": (
        ["Your programmes: skills to confirm and partners' proposals"],
        ["Postings waiting for your approval", "Your postings"],
        20,
    ),
    "recruiter": (
        ["Your postings", "Recent applicants", "New applicants to review"],
        ["KPIs at risk", "Opportunities open to you", "My interns"],
        25,
    ),
    "supervisor": (
        ["My interns", "Hours waiting for your approval", "Hours entries to approve"],
        ["Your postings", "Recent applicants", "Postings waiting for your approval"],
        25,
    ),
    "mentor": (["Your partnerships", "Mentees"], ["Partnership reviews due", "Your postings"], 25),
    "funder": (
        ["Your partnerships", "Partnerships you follow", "KPIs on track"],
        ["Your postings", "Postings waiting for your approval"],
        20,
    ),
    "admin": (
        ["Health of this installation", "Tasks waiting", "Versions", "Django"],
        ["Your applications", "Your postings", "My interns"],
        20,
    ),
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_demo_world(seed=2026)
    yield
    with django_db_blocker.unblock():
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize("login", sorted(HOMES))
def test_each_role_has_its_own_home(client, world, login):
    present, absent, budget = HOMES[login]
    user = User.objects.get(email=f"{login}@{DEMO_DOMAIN}")
    client.force_login(user)
    client.get("/")  # warm the per-process caches (memberships, stage counts)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert len(queries) <= budget, (login, len(queries))
    html = response.content.decode()
    for text in present:
        assert text in html, (login, text)
    for text in absent:
        assert text not in html, (login, text)
    # Every home opens with its headline numbers.
    assert 'data-testid="home-stats"' in html, login
