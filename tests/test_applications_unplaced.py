"""The coordinator's "students without a placement": active students of the coordinator's
institutions holding no seat there, each once, whatever the number of their memberships."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.applications.selectors import unplaced_students_for, unplaced_students_summary
from tandem.organizations.models import Membership
from tests.factories import (
    ApplicationFactory,
    InstitutionFactory,
    MembershipFactory,
    PartnerFactory,
    member,
    published_opportunity,
)

pytestmark = pytest.mark.django_db


def test_who_counts_as_unplaced():
    college, school, elsewhere = InstitutionFactory(), InstitutionFactory(), InstitutionFactory()
    coordinator = member(college, "coordinator")
    MembershipFactory(user=coordinator, organization=school, role="coordinator")
    partner = PartnerFactory()
    posting = published_opportunity(partner, [college, school, elsewhere])

    waiting = member(college, "student", program="Computing")
    ApplicationFactory(opportunity=posting, student=waiting, institution=college, stage="submitted")
    both = member(college, "student")  # a student of both institutions: one row
    MembershipFactory(user=both, organization=school, role="student")
    seated = member(school, "student")
    ApplicationFactory(opportunity=posting, student=seated, institution=school, stage="accepted")
    # A seat at an institution the coordinator does not serve is not theirs to count.
    seated_elsewhere = member(college, "student")
    MembershipFactory(user=seated_elsewhere, organization=elsewhere, role="student")
    ApplicationFactory(
        opportunity=posting, student=seated_elsewhere, institution=elsewhere, stage="accepted"
    )
    gone = member(college, "student")
    Membership.objects.filter(user=gone).update(is_active=False)
    closed = member(college, "student")
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    member(elsewhere, "student")  # not the coordinator's
    member(college, "educator")  # not a student

    rows = unplaced_students_for(coordinator)
    expected = sorted([waiting, both, seated_elsewhere], key=lambda u: (u.full_name, u.pk))
    assert list(rows) == expected
    assert rows.count() == 3
    # Someone who coordinates nowhere sees nobody.
    assert unplaced_students_for(waiting).count() == 0


def _summary(viewer):
    with CaptureQueriesContext(connection) as ctx:
        count, people = unplaced_students_summary(viewer, 5)
    counted = any(
        "COUNT(" in q["sql"] and "applications_application" in q["sql"]
        for q in ctx.captured_queries
    )
    return count, [p.full_name for p in people], counted


def test_the_home_summary_is_cached_and_follows_every_change(client):
    cache.clear()
    college = InstitutionFactory()
    coordinator = member(college, "coordinator")
    partner = PartnerFactory()
    posting = published_opportunity(partner, [college])
    ada = member(college, "student", user__full_name="Ada Okafor")
    ben = member(college, "student", user__full_name="Ben Lindqvist")
    application = ApplicationFactory(
        opportunity=posting, student=ada, institution=college, stage="submitted"
    )

    assert _summary(coordinator) == (2, ["Ada Okafor", "Ben Lindqvist"], True)
    # The second read comes from the cache.
    assert _summary(coordinator) == (2, ["Ada Okafor", "Ben Lindqvist"], False)
    # A seat: Ada is placed.
    application.stage = "accepted"
    application.save()
    assert _summary(coordinator)[:2] == (1, ["Ben Lindqvist"])
    # A new student.
    cleo = member(college, "student", user__full_name="Cleo Adams")
    assert _summary(coordinator)[:2] == (2, ["Ben Lindqvist", "Cleo Adams"])
    # A rename (the order is by name).
    cleo.full_name = "Zoe Adams"
    cleo.save(update_fields=["full_name"])
    assert _summary(coordinator)[:2] == (2, ["Ben Lindqvist", "Zoe Adams"])
    # A sign-in is no change: still cached.
    ben.last_login = timezone.now()
    ben.save(update_fields=["last_login"])
    assert _summary(coordinator)[2] is False
    # A student leaves the institution; another's account is closed.
    Membership.objects.get(user=cleo).delete()
    assert _summary(coordinator)[:2] == (1, ["Ben Lindqvist"])
    ben.is_active = False
    ben.save(update_fields=["is_active"])
    assert _summary(coordinator)[:2] == (0, [])

    # The home shows the count.
    client.force_login(coordinator)
    dan = member(college, "student", user__full_name="Dan Osei")
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["board"].data["unplaced_students"] == [dan]
