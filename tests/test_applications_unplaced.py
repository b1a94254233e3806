"""The coordinator's "students without a placement": active students of the coordinator's
institutions holding no seat there, each once, whatever the number of their memberships."""

from __future__ import annotations

import pytest

from tandem.applications.selectors import unplaced_students_for
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
