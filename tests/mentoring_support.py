"""A published mentor program for the mentoring tests: an institution with a coordinator,
a partner with mentors, and pairs (mentee, mentor) built directly (the matching app's own
tests cover how pairs are computed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tandem.matching.models import MenteeProfile, MentorPair, MentorProfile, MentorProgram
from tandem.organizations.models import Membership, Organization, Role
from tests.factories import InstitutionFactory, PartnerFactory, UserFactory, member


@dataclass
class MentoringCast:
    institution: Organization
    partner: Organization
    coordinator: Any
    program: MentorProgram
    pairs: list[MentorPair] = field(default_factory=list)
    other_coordinator: Any = None
    stranger: Any = None

    @property
    def pair(self) -> MentorPair:
        return self.pairs[0]

    def mentor(self, i: int = 0) -> Any:
        return self.pairs[i].mentor.membership.user

    def mentee(self, i: int = 0) -> Any:
        return self.pairs[i].mentee.student


def mentoring_cast(
    pairs: int = 2, *, published_days_ago: int = 1, name: str = "Northfield"
) -> MentoringCast:
    inst = InstitutionFactory(name=f"{name} College")
    partner = PartnerFactory(name=f"{name} Health")
    coordinator = member(inst, Role.COORDINATOR, user=UserFactory(full_name="Cora Coordinator"))
    program = MentorProgram.objects.create(
        institution=inst,
        title=f"{name} mentoring circle",
        status="published",
        published_at=timezone.now() - dt.timedelta(days=published_days_ago),
    )
    cast = MentoringCast(inst, partner, coordinator, program)
    for i in range(pairs):
        mentor = member(partner, Role.MENTOR, user=UserFactory(full_name=f"Mentor {name} {i}"))
        mentee = member(
            inst, Role.STUDENT, user=UserFactory(full_name=f"Mentee {name} {i}"), program="Nursing"
        )
        membership = Membership.objects.get(user=mentor, organization=partner)
        cast.pairs.append(
            MentorPair.objects.create(
                program=program,
                mentor=MentorProfile.objects.create(program=program, membership=membership),
                mentee=MenteeProfile.objects.create(program=program, student=mentee),
                score=0.5,
            )
        )
    other = InstitutionFactory(name=f"{name} Other College")
    cast.other_coordinator = member(other, Role.COORDINATOR)
    cast.stranger = UserFactory(full_name="Sam Stranger")
    return cast
