"""Selectors of match rounds: the engine input built from the database, capacities, query
counts of the list and round pages, and mentor choices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.matching import selectors, services
from tandem.organizations.models import Role
from tests.factories import (
    ApplicationFactory,
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    match_round_cast,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return match_round_cast()


def _open_round(cast, opps=None):
    now = timezone.now()
    match_round = services.round_create(
        actor=cast.coordinator,
        institution=cast.institution,
        title="Round",
        opportunities=opps or [cast.a, cast.b, cast.c],
        student_deadline=now + dt.timedelta(days=1),
        partner_deadline=now + dt.timedelta(days=2),
    )
    services.round_open(actor=cast.coordinator, match_round=match_round)
    return match_round


def test_build_market_lists_rankings_and_capacities(cast):
    match_round = _open_round(cast)
    s = cast.students
    services.student_ranking_set(
        actor=s[0], match_round=match_round, opportunities=[cast.b, cast.a]
    )
    services.student_ranking_set(actor=s[1], match_round=match_round, opportunities=[cast.a])
    services.partner_ranking_set(
        actor=cast.recruiter1, match_round=match_round, opportunity=cast.a, students=[s[1], s[0]]
    )
    ApplicationFactory(opportunity=cast.b, institution=cast.institution, stage="completed")
    cast.c.status = "closed"
    cast.c.save()
    market, users, opps = selectors.build_market(match_round)
    sid = {u.pk: str(u.public_id) for u in s}
    oid = {o.pk: str(o.public_id) for o in (cast.a, cast.b, cast.c)}
    assert {st.id: st.ranking for st in market.students} == {
        sid[s[0].pk]: (oid[cast.b.pk], oid[cast.a.pk]),
        sid[s[1].pk]: (oid[cast.a.pk],),
    }
    assert {p.id: (p.capacity, p.ranking) for p in market.placements} == {
        oid[cast.a.pk]: (1, (sid[s[1].pk], sid[s[0].pk])),
        oid[cast.b.pk]: (2, ()),
        oid[cast.c.pk]: (0, ()),  # closed: no seats
    }
    assert set(users) == {sid[s[0].pk], sid[s[1].pk]}
    assert set(opps) == set(oid.values())


def test_student_leaving_the_institution_drops_out(cast):
    match_round = _open_round(cast)
    s = cast.students
    services.student_ranking_set(actor=s[0], match_round=match_round, opportunities=[cast.a])
    s[0].memberships.update(is_active=False)
    market, _users, _opps = selectors.build_market(match_round)
    assert market.students == ()


def test_withdrawing_clears_host_rankings(cast):
    match_round = _open_round(cast)
    s1 = cast.students[0]
    services.student_ranking_set(actor=s1, match_round=match_round, opportunities=[cast.a, cast.c])
    services.partner_ranking_set(
        actor=cast.recruiter2, match_round=match_round, opportunity=cast.c, students=[s1]
    )
    services.student_ranking_set(actor=s1, match_round=match_round, opportunities=[cast.a])
    assert not match_round.partner_rankings.exists()


def test_pages_do_not_grow_queries_with_students(client, cast, django_assert_max_num_queries):
    match_round = _open_round(cast)
    for st in cast.students:
        services.student_ranking_set(
            actor=st, match_round=match_round, opportunities=[cast.a, cast.b]
        )
    for _extra in range(10):
        st = member(cast.institution, Role.STUDENT)
        services.student_ranking_set(actor=st, match_round=match_round, opportunities=[cast.a])
    client.force_login(cast.recruiter1)
    with django_assert_max_num_queries(30):
        assert (
            client.get(reverse("matching:round_detail", args=[match_round.public_id])).status_code
            == 200
        )
    with django_assert_max_num_queries(20):
        assert (
            client.get(f"/api/v1/match-rounds/{match_round.public_id}/partner-rankings").status_code
            == 200
        )
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(15):
        assert client.get("/api/v1/match-rounds/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("matching:index")).status_code == 200


def test_mentor_choices_put_mentoring_partners_first():
    inst = InstitutionFactory()
    coordinator = member(inst, Role.COORDINATOR)
    near = PartnerFactory(name="Zeta Mentoring Co")
    far = PartnerFactory(name="Alpha Unrelated")
    PartnershipFactory(institutions=[inst], partners=[near], types=["mentoring"])
    m_far = member(far, Role.MENTOR)
    m_near = member(near, Role.MENTOR)
    program = services.program_create(actor=coordinator, institution=inst, title="P")
    users = [m.user_id for m in selectors.eligible_mentor_memberships(program)]
    assert users == [m_near.pk, m_far.pk]
