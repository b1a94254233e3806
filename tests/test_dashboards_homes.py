"""A home for each of the eight demo roles: that person's work first, each home within a
bounded number of queries, and nothing of another role's work on it."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import User
from tandem.demo.world import DEMO_DOMAIN, build_demo_world

# login: (sections that must be there, sections that must not, query budget). Measured on
# the demo world (SQLite, warm caches): student 19, coordinator 15, admin 8, mentor 8,
# funder 9, recruiter 7, supervisor 7, educator 5.
HOMES = {
    "student": (
        ["Your applications", "Recommended for you", "Opportunities open to you"],
        ["Postings waiting for your approval", "Your postings", "Health of this installation"],
        28,
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
        22,
    ),
    "educator": (
        ["Your programmes: skills to confirm and partners' proposals"],
        ["Postings waiting for your approval", "Your postings"],
        15,
    ),
    "recruiter": (
        ["Your postings", "Recent applicants", "New applicants to review"],
        ["KPIs at risk", "Opportunities open to you", "My interns"],
        15,
    ),
    "supervisor": (
        ["My interns", "Hours waiting for your approval", "Hours entries to approve"],
        ["Your postings", "Recent applicants", "Postings waiting for your approval"],
        15,
    ),
    "mentor": (["Your partnerships", "Mentees"], ["Partnership reviews due", "Your postings"], 15),
    "funder": (
        ["Your partnerships", "Partnerships you follow", "KPIs on track"],
        ["Your postings", "Postings waiting for your approval"],
        15,
    ),
    "admin": (
        ["Health of this installation", "Tasks waiting", "Versions", "Django"],
        ["Your applications", "Your postings", "My interns"],
        15,
    ),
}


def test_each_role_has_its_own_home(client, db):
    # One demo world for the eight roles: building it is the slow part.
    build_demo_world(seed=2026)
    for login, (present, absent, budget) in HOMES.items():
        user = User.objects.get(email=f"{login}@{DEMO_DOMAIN}")
        client.force_login(user)
        client.get("/")  # warm the per-process caches (memberships, stage counts)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        assert response.status_code == 200, login
        assert len(queries) <= budget, (login, len(queries))
        html = response.content.decode()
        for text in present:
            assert text in html, (login, text)
        for text in absent:
            assert text not in html, (login, text)
        # Every home opens with its headline numbers.
        assert 'data-testid="home-stats"' in html, login
