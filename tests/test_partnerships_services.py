"""Partnership services: creation, types and validation, the lifecycle and its transitions.
KPIs: test_partnerships_services_kpis.py; commitments, contacts and communication:
test_partnerships_services_commitments.py; selectors: test_partnerships_selectors.py."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.partnerships import services
from tandem.partnerships.models import Partnership, PartnershipTransition
from tests.partnerships_services_support import (
    _fast_settings,  # noqa: F401 (a fixture)
    cast,  # noqa: F401 (a fixture)
)
from tests.test_partnerships_support import state

pytestmark = pytest.mark.django_db


# --- creation and types ---------------------------------------------------------------------
def test_coordinator_creates_partnership_with_audit(cast):  # noqa: F811
    p = services.partnership_create(
        actor=cast.coordinator,
        title="  Data apprenticeships ",
        types=["internships", "curriculum", "internships"],
        institutions=[cast.inst],
        partners=[cast.partner, cast.other_partner],
    )
    assert p.status == "proposed"
    assert p.title == "Data apprenticeships"
    assert p.types == ["internships", "curriculum"]
    assert p.created_by == cast.coordinator
    event = AuditEvent.objects.get(action="partnership.created", target_id=str(p.public_id))
    assert set(event.organizations.values_list("pk", flat=True)) == {
        cast.inst.pk,
        cast.partner.pk,
        cast.other_partner.pk,
    }


def test_recruiter_creates_for_own_partner(cast):  # noqa: F811
    p = services.partnership_create(
        actor=cast.recruiter,
        title="Guest lectures",
        types=["guest_lectures"],
        institutions=[cast.other_inst],
        partners=[cast.partner],
    )
    assert list(p.partners.all()) == [cast.partner]


@pytest.mark.parametrize(
    ("types", "message"),
    [
        ([], "at least one"),
        (["internships", "astrology"], "astrology"),
        ("internships", "at least"),
    ],
)
def test_types_are_validated(cast, types, message):  # noqa: F811
    with pytest.raises(DomainError) as exc:
        services.partnership_create(
            actor=cast.coordinator,
            title="X",
            types=types,
            institutions=[cast.inst],
            partners=[cast.partner],
        )
    assert message in exc.value.fields["types"][0]


def test_organizations_must_have_the_right_kind(cast):  # noqa: F811
    with pytest.raises(DomainError) as exc:
        services.partnership_create(
            actor=cast.coordinator,
            title="X",
            types=["mentoring"],
            institutions=[cast.partner],
            partners=[],
        )
    assert set(exc.value.fields) == {"institutions", "partners"}


@pytest.mark.parametrize("who", ["educator", "student", "other_coordinator", "outsider", "funder"])
def test_create_needs_coordinator_or_recruiter_of_a_listed_org(cast, who):  # noqa: F811
    before = Partnership.objects.count()
    with pytest.raises(PermissionDeniedError):
        services.partnership_create(
            actor=getattr(cast, who),
            title="X",
            types=["mentoring"],
            institutions=[cast.inst],
            partners=[cast.partner],
        )
    assert Partnership.objects.count() == before


def test_update_keeps_own_org_and_validates_dates(cast):  # noqa: F811
    p = cast.partnership
    with pytest.raises(DomainError) as exc:
        services.partnership_update(
            actor=cast.coordinator,
            partnership=p,
            start_date=dt.date(2026, 5, 1),
            end_date=dt.date(2026, 4, 1),
        )
    assert "end_date" in exc.value.fields
    with pytest.raises(PermissionDeniedError):
        services.partnership_update(
            actor=cast.coordinator, partnership=p, institutions=[cast.other_inst]
        )
    assert list(p.institutions.all()) == [cast.inst]
    services.partnership_update(actor=cast.recruiter, partnership=p, title="Renamed")
    p.refresh_from_db()
    assert p.title == "Renamed"


# --- lifecycle ----------------------------------------------------------------------------------
def test_full_lifecycle_records_transitions_and_audit(cast):  # noqa: F811
    p = cast.partnership
    for to in ["negotiating", "active", "under_review", "renewed", "under_review", "concluded"]:
        services.partnership_transition(
            actor=cast.coordinator, partnership=p, to_status=to, note=f"to {to}"
        )
    p.refresh_from_db()
    assert p.status == "concluded"
    steps = list(
        PartnershipTransition.objects.filter(partnership=p).values_list(
            "from_status", "to_status", "actor", "note"
        )
    )
    assert steps[0] == ("proposed", "negotiating", cast.coordinator.pk, "to negotiating")
    assert [s[1] for s in steps] == [
        "negotiating",
        "active",
        "under_review",
        "renewed",
        "under_review",
        "concluded",
    ]
    events = AuditEvent.objects.filter(action="partnership.transitioned")
    assert events.count() == 6
    assert set(events.first().organizations.values_list("pk", flat=True)) == {
        cast.inst.pk,
        cast.partner.pk,
    }


def test_abandoned_talks_may_conclude(cast):  # noqa: F811
    services.partnership_transition(
        actor=cast.coordinator, partnership=cast.partnership, to_status="negotiating"
    )
    services.partnership_transition(
        actor=cast.coordinator,
        partnership=cast.partnership,
        to_status="concluded",
        note="Budget cut",
    )
    assert Partnership.objects.get(pk=cast.partnership.pk).status == "concluded"


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("proposed", "active"),
        ("active", "renewed"),
        ("active", "proposed"),
        ("concluded", "active"),
        ("under_review", "negotiating"),
        ("renewed", "renewed"),
    ],
)
def test_illegal_transitions_rejected_with_clear_errors(cast, start, to):  # noqa: F811
    Partnership.objects.filter(pk=cast.partnership.pk).update(status=start)
    before = state()
    with pytest.raises(ConflictError) as exc:
        services.partnership_transition(
            actor=cast.admin, partnership=cast.partnership, to_status=to
        )
    assert exc.value.status == 409
    assert "cannot move from" in exc.value.message
    assert exc.value.fields["to_status"]
    assert state() == before


def test_unknown_status_is_a_field_error(cast):  # noqa: F811
    with pytest.raises(DomainError) as exc:
        services.partnership_transition(
            actor=cast.coordinator, partnership=cast.partnership, to_status="paused"
        )
    assert "to_status" in exc.value.fields


def test_partner_recruiter_may_only_open_negotiation(cast):  # noqa: F811
    p = cast.partnership
    services.partnership_transition(actor=cast.recruiter, partnership=p, to_status="negotiating")
    with pytest.raises(PermissionDeniedError):
        services.partnership_transition(actor=cast.recruiter, partnership=p, to_status="active")
    p.refresh_from_db()
    assert p.status == "negotiating"


@pytest.mark.parametrize("who", ["educator", "supervisor", "other_coordinator", "student"])
def test_others_cannot_transition(cast, who):  # noqa: F811
    before = state()
    with pytest.raises(PermissionDeniedError):
        services.partnership_transition(
            actor=getattr(cast, who), partnership=cast.partnership, to_status="negotiating"
        )
    assert state() == before
