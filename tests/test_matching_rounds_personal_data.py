"""Personal data of match rounds and mentor programs: exported and erased on request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.accounts import personal_data
from tandem.matching import services
from tandem.matching.models import MatchResult, MenteeProfile, PartnerRanking, StudentRanking
from tandem.organizations.models import Membership, Role
from tests.factories import UserFactory, match_round_cast, member

pytestmark = pytest.mark.django_db


def test_export_and_erase(django_capture_on_commit_callbacks):
    cast = match_round_cast()
    now = timezone.now()
    match_round = services.round_create(
        actor=cast.coordinator,
        institution=cast.institution,
        title="Spring",
        opportunities=[cast.a, cast.b],
        student_deadline=now + dt.timedelta(days=1),
        partner_deadline=now + dt.timedelta(days=2),
    )
    services.round_open(actor=cast.coordinator, match_round=match_round)
    s1 = cast.students[0]
    services.student_ranking_set(actor=s1, match_round=match_round, opportunities=[cast.a, cast.b])
    services.partner_ranking_set(
        actor=cast.recruiter1, match_round=match_round, opportunity=cast.a, students=[s1]
    )
    services.round_close_ranking(actor=cast.coordinator, match_round=match_round)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_run(actor=cast.coordinator, match_round=match_round)
    program = services.program_create(
        actor=cast.coordinator, institution=cast.institution, title="M"
    )
    services.mentee_add(actor=cast.coordinator, program=program, student=s1, interests=["chess"])
    mentor = member(cast.h1, Role.MENTOR, user=UserFactory())
    services.mentor_add(
        actor=cast.coordinator,
        program=program,
        membership=Membership.objects.get(user=mentor, role=Role.MENTOR),
        interests=["chess"],
    )

    data = personal_data.export_personal_data(s1)["matching"]
    assert data["rank_lists"] == {"Spring": ["A ward rotation", "B clinic rotation"]}
    assert data["results"][0]["placement"] == "A ward rotation"
    assert data["results"][0]["rank"] == 1
    assert data["profiles"][0]["interests"] == ["chess"]

    personal_data.erasers()["matching"](s1)
    assert not StudentRanking.objects.filter(student=s1).exists()
    assert not PartnerRanking.objects.filter(student=s1).exists()
    result = MatchResult.objects.get(student=s1)
    assert result.explanation == {} and result.rank == 1
    assert MenteeProfile.objects.get(student=s1).interests == []
