"""Events: a published event of an institution, a cast with a partner speaker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tandem.events import services as events
from tandem.events.models import Event
from tandem.organizations.models import Membership, Organization
from tests.factories.opportunities import PartnershipFactory
from tests.factories.organizations import InstitutionFactory, PartnerFactory, member


def event_fields(**overrides: Any) -> dict[str, Any]:
    start = timezone.now() + dt.timedelta(days=3)
    fields: dict[str, Any] = {
        "kind": "guest_lecture",
        "mode": "in_person",
        "title": "Cloud careers: a guest lecture",
        "description": "An engineer talks about her work.",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=1),
        "time_zone": "Europe/London",
        "location": "Lecture theatre 2",
        "capacity": 2,
    }
    fields.update(overrides)
    return fields


def published_event(institution: Organization, *, actor: Any = None, **overrides: Any) -> Event:
    """A published event organised by ``institution`` (made by a new coordinator)."""
    actor = actor or member(institution, "coordinator")
    event = events.event_create(actor=actor, institution=institution, **event_fields(**overrides))
    return events.event_publish(actor=actor, event=event)


@dataclass
class EventCast:
    inst: Organization
    partner: Organization
    coordinator: Any
    educator: Any
    speaker: Any
    speaker_membership: Membership
    students: list[Any]
    partnership: Any
    event: Event


def event_cast(*, capacity: int = 2, students: int = 3, **overrides: Any) -> EventCast:
    inst, partner = InstitutionFactory(), PartnerFactory()
    partnership = PartnershipFactory(
        institutions=[inst], partners=[partner], types=["guest_lectures"]
    )
    coordinator = member(inst, "coordinator")
    educator = member(inst, "educator")
    speaker = member(partner, "mentor", title="Cloud engineer")
    speaker_membership = Membership.objects.get(user=speaker, organization=partner)
    people = [member(inst, "student", program="Computing") for _ in range(students)]
    event = published_event(
        inst, actor=coordinator, capacity=capacity, partnership=partnership, **overrides
    )
    events.event_speaker_add(
        actor=coordinator, event=event, membership=speaker_membership, topic="Cloud careers"
    )
    event.refresh_from_db()
    return EventCast(
        inst,
        partner,
        coordinator,
        educator,
        speaker,
        speaker_membership,
        people,
        partnership,
        event,
    )
