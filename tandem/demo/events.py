"""The demo world's events: at Riverside Community College a full guest lecture by
Brightwave's engineering manager (the demo student, Sam Rivera, is on its waiting list and has
a calendar feed), last month's guest lecture by Cloudharbor with attendance, a workshop next
week, speaker profiles and a pending request for a speaker.

Everything is written through tandem.events' services. Demo only: the past lecture is created
in the future (registration, check-in) and then moved back in time with a queryset update, as
no service writes history.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from tandem.accounts.models import User
from tandem.events import services as events
from tandem.events.models import Event
from tandem.organizations.models import Membership, Organization, Role
from tandem.partnerships.models import Partnership
from tandem.skills.models import SkillConcept

from .world.specs import DEMO_DOMAIN

ZONE = "Europe/London"


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _skills(*labels: str) -> list[SkillConcept]:
    return list(SkillConcept.objects.filter(preferred_label__in=labels, is_current=True))


def build_events(seed: int) -> None:
    rng = random.Random(f"events:{seed}")
    riverside = Organization.objects.get(slug="riverside-cc")
    coordinator, educator = _user("coordinator"), _user("educator")
    student = _user("student")
    supervisor = _user("supervisor")  # Marek Nowak, Brightwave
    brightwave = Partnership.objects.get(title="Software apprenticeships for P-TECH graduates")
    cloud = Partnership.objects.get(title="Cloud operations curriculum")
    marek = Membership.objects.get(user=supervisor, role=Role.SUPERVISOR)
    cloud_recruiter = Membership.objects.get(
        user__email=f"recruiter.cloudharbor@{DEMO_DOMAIN}", role=Role.RECRUITER
    )
    others = list(
        User.objects.filter(
            memberships__organization=riverside,
            memberships__role=Role.STUDENT,
            email__startswith="riverside-cc.student",
        ).order_by("email")[:40]
    )
    rng.shuffle(others)

    # A full guest lecture in ten days: four places taken, Sam waits (second in line).
    full = events.event_create(
        actor=coordinator,
        institution=riverside,
        partnership=brightwave,
        kind="guest_lecture",
        mode="hybrid",
        title="Inside a software team: a day at Brightwave",
        description=(
            "Marek Nowak, engineering manager at Brightwave, on how a product team plans, "
            "builds and ships — and what he looks for in an apprentice."
        ),
        starts_at=_at(10, 14),
        ends_at=_at(10, 15),
        time_zone=ZONE,
        location="Riverside campus, lecture theatre 2",
        join_url="https://meet.example.org/riverside-brightwave",
        capacity=4,
    )
    events.event_speaker_add(
        actor=coordinator, event=full, membership=marek, topic="Software teams in practice"
    )
    events.event_publish(actor=coordinator, event=full)
    for person in others[:5]:
        events.registration_create(actor=person, event=full)
    events.registration_create(actor=student, event=full)
    events.calendar_feed_get_or_create(actor=student)

    # A CV workshop next week with places left; Sam has one.
    workshop = events.event_create(
        actor=educator,
        institution=riverside,
        kind="workshop",
        mode="virtual",
        title="CV and cover letter clinic",
        description="Bring your CV; we go through it together in small groups.",
        starts_at=_at(6, 17),
        ends_at=_at(6, 18),
        time_zone=ZONE,
        join_url="https://meet.example.org/riverside-cv-clinic",
        capacity=30,
    )
    events.event_publish(actor=educator, event=workshop)
    events.registration_create(actor=student, event=workshop)
    for person in others[5:15]:
        events.registration_create(actor=person, event=workshop)

    # Last month's guest lecture by Cloudharbor, with attendance (feeds the partnership KPI).
    past = events.event_create(
        actor=coordinator,
        institution=riverside,
        partnership=cloud,
        kind="guest_lecture",
        mode="in_person",
        title="Running the cloud: on call at Cloudharbor",
        description="What a site-reliability engineer does all week.",
        starts_at=_at(2, 10),
        ends_at=_at(2, 11),
        time_zone=ZONE,
        location="Riverside campus, room B12",
        capacity=25,
    )
    events.event_speaker_add(
        actor=coordinator, event=past, membership=cloud_recruiter, topic="Cloud operations"
    )
    events.event_publish(actor=coordinator, event=past)
    attendees = others[15:35]
    for person in attendees:
        registration = events.registration_create(actor=person, event=past)
        if rng.random() < 0.8:
            events.registration_check_in(
                actor=coordinator, event=past, token=events.checkin_token(registration)
            )
    held = _at(-30, 10)
    Event.objects.filter(pk=past.pk).update(  # demo only: history
        starts_at=held, ends_at=held + timedelta(hours=1), followup_sent_at=held
    )

    # Speaker profiles, and a request waiting for Cloudharbor's answer.
    events.speaker_profile_set(
        actor=supervisor,
        membership=marek,
        skills=_skills("Python (computer programming)", "agile project management"),
        topics="software teams, agile delivery, apprenticeships",
    )
    events.speaker_profile_set(
        actor=cloud_recruiter.user,
        membership=cloud_recruiter,
        skills=_skills("cloud technologies", "Linux"),
        topics="cloud operations, on-call, site reliability",
    )
    events.speaker_request_create(
        actor=educator,
        institution=riverside,
        speaker=cloud_recruiter,
        topic="Cloud operations for second-year students",
        class_name="Cybersecurity year 2 — Networks",
        preferred_date=timezone.localdate() + timedelta(days=21),
        reasons=["Speaks about: cloud, operations", "Has spoken at 1 event"],
    )
