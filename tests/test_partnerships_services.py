"""Partnership services and selectors: lifecycle, validation, KPIs, commitments, scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.partnerships import selectors, services
from tandem.partnerships.models import (
    KPI,
    CommitmentDelivery,
    KPIMeasurement,
    Partnership,
    PartnershipContact,
    PartnershipTransition,
)
from tests.test_partnerships_support import build_cast, objective_with_kpi, state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files are not under test here; WhiteNoise would re-scan them for every client.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "whitenoise" not in m]


@pytest.fixture
def cast():
    return build_cast(status="proposed")


# --- creation and types ---------------------------------------------------------------------
def test_coordinator_creates_partnership_with_audit(cast):
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


def test_recruiter_creates_for_own_partner(cast):
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
def test_types_are_validated(cast, types, message):
    with pytest.raises(DomainError) as exc:
        services.partnership_create(
            actor=cast.coordinator,
            title="X",
            types=types,
            institutions=[cast.inst],
            partners=[cast.partner],
        )
    assert message in exc.value.fields["types"][0]


def test_organizations_must_have_the_right_kind(cast):
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
def test_create_needs_coordinator_or_recruiter_of_a_listed_org(cast, who):
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


def test_update_keeps_own_org_and_validates_dates(cast):
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
def test_full_lifecycle_records_transitions_and_audit(cast):
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


def test_abandoned_talks_may_conclude(cast):
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
def test_illegal_transitions_rejected_with_clear_errors(cast, start, to):
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


def test_unknown_status_is_a_field_error(cast):
    with pytest.raises(DomainError) as exc:
        services.partnership_transition(
            actor=cast.coordinator, partnership=cast.partnership, to_status="paused"
        )
    assert "to_status" in exc.value.fields


def test_partner_recruiter_may_only_open_negotiation(cast):
    p = cast.partnership
    services.partnership_transition(actor=cast.recruiter, partnership=p, to_status="negotiating")
    with pytest.raises(PermissionDeniedError):
        services.partnership_transition(actor=cast.recruiter, partnership=p, to_status="active")
    p.refresh_from_db()
    assert p.status == "negotiating"


@pytest.mark.parametrize("who", ["educator", "supervisor", "other_coordinator", "student"])
def test_others_cannot_transition(cast, who):
    before = state()
    with pytest.raises(PermissionDeniedError):
        services.partnership_transition(
            actor=getattr(cast, who), partnership=cast.partnership, to_status="negotiating"
        )
    assert state() == before


# --- KPIs ---------------------------------------------------------------------------------------
def test_measurement_refreshes_stored_status(cast):
    _, kpi = objective_with_kpi(cast)
    assert kpi.status == "no_data"
    services.kpi_measurement_record(actor=cast.coordinator, kpi=kpi, value="10")
    kpi.refresh_from_db()
    assert kpi.status == "on_track"
    assert kpi.latest_value == Decimal("10")
    services.kpi_measurement_record(actor=cast.recruiter, kpi=kpi, value=Decimal("2"))
    kpi.refresh_from_db()
    assert kpi.status == "off_track"
    m = KPIMeasurement.objects.filter(kpi=kpi).last()
    assert (m.source, m.recorded_by) == ("manual", cast.recruiter)


def test_reverse_kpi_through_service(cast):
    _, kpi = objective_with_kpi(
        cast, name="Dropout rate", unit="%", baseline=Decimal(12), target=Decimal(8)
    )
    services.kpi_measurement_record(actor=cast.coordinator, kpi=kpi, value="10.1")
    kpi.refresh_from_db()
    assert kpi.status == "on_track"
    services.kpi_measurement_record(actor=cast.coordinator, kpi=kpi, value="12")
    kpi.refresh_from_db()
    assert kpi.status == "off_track"


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"baseline": 5, "target": 5}, "target"),
        ({"due_date": "start"}, "due_date"),
        ({"metric": "tweets"}, "metric"),
        ({"target": "NaN"}, "target"),
        ({"target": "1e30"}, "target"),
        ({"name": " "}, "name"),
    ],
)
def test_kpi_validation(cast, fields, error_field):
    objective, _ = objective_with_kpi(cast)
    today = timezone.localdate()
    args = {
        "name": "Hires",
        "baseline": 0,
        "target": 10,
        "start_date": today,
        "due_date": today + dt.timedelta(days=30),
    }
    args.update(fields)
    if args["due_date"] == "start":
        args["due_date"] = today
    with pytest.raises(DomainError) as exc:
        services.kpi_create(actor=cast.coordinator, objective=objective, **args)
    assert error_field in exc.value.fields


@pytest.mark.parametrize("who", ["other_coordinator", "student", "outsider"])
def test_kpi_owner_must_be_staff_of_the_partnership(cast, who):
    objective, _ = objective_with_kpi(cast)
    with pytest.raises(DomainError) as exc:
        services.kpi_create(
            actor=cast.coordinator,
            objective=objective,
            name="x",
            baseline=0,
            target=1,
            due_date=timezone.localdate() + dt.timedelta(days=9),
            owner=getattr(cast, who),
        )
    assert "owner" in exc.value.fields
    kpi = services.kpi_create(
        actor=cast.coordinator,
        objective=objective,
        name="x",
        baseline=0,
        target=1,
        due_date=timezone.localdate() + dt.timedelta(days=9),
        owner=cast.mentor,
    )
    assert kpi.owner == cast.mentor


def test_kpi_record_metric_updates_bound_kpis_only(cast):
    _, bound = objective_with_kpi(cast, metric="placements")
    _, second = objective_with_kpi(cast, metric="placements", target=Decimal(40))
    _, manual = objective_with_kpi(cast)
    other = build_other_partnership(cast)
    _, elsewhere = objective_with_kpi(other, metric="placements")

    updated = services.kpi_record_metric(
        partnership=cast.partnership, metric="placements", value=10
    )
    assert updated == 2
    for kpi in (bound, second, manual, elsewhere):
        kpi.refresh_from_db()
    assert (bound.status, bound.latest_value) == ("on_track", Decimal(10))
    assert second.status == "at_risk"  # 25 % of 40, ~50 % expected → 25 points short
    assert manual.status == "no_data"
    assert elsewhere.status == "no_data"
    m = KPIMeasurement.objects.get(kpi=bound)
    assert (m.source, m.recorded_by, m.value) == ("automatic", None, Decimal(10))
    assert (
        services.kpi_record_metric(partnership=cast.partnership, metric="opportunities", value=3)
        == 0
    )
    with pytest.raises(DomainError):
        services.kpi_record_metric(partnership=cast.partnership, metric="bogus", value=1)


def build_other_partnership(cast):
    from tests.factories import PartnershipFactory

    class Other:
        partnership = PartnershipFactory(
            institutions=[cast.other_inst], partners=[cast.other_partner]
        )

    return Other


# --- commitments, contacts, communication -----------------------------------------------------
def test_commitments_and_delivery_share(cast):
    funding = services.commitment_create(
        actor=cast.recruiter,
        partnership=cast.partnership,
        organization=cast.partner,
        kind="funding",
        description="Bursaries",
        amount="10000",
        currency="gbp",
    )
    assert (funding.amount, funding.currency, funding.quantity) == (
        Decimal("10000.00"),
        "GBP",
        None,
    )
    services.commitment_delivery_record(actor=cast.recruiter, commitment=funding, amount="2500")
    services.commitment_delivery_record(actor=cast.coordinator, commitment=funding, amount=1500)
    share = selectors.commitment_delivery_share(funding)
    assert (share.delivered, share.percent) == (Decimal("4000.00"), 40)

    hours = services.commitment_create(
        actor=cast.coordinator,
        partnership=cast.partnership,
        organization=cast.inst,
        kind="staff_hours",
        description="Teaching time",
        quantity=40,
    )
    services.commitment_delivery_record(actor=cast.coordinator, commitment=hours, quantity=50)
    listed = {c.pk: c for c in selectors.commitments_for(cast.coordinator, cast.partnership)}
    assert selectors.commitment_delivery_share(listed[hours.pk]).percent == 125
    assert selectors.commitment_delivery_share(listed[funding.pk]).percent == 40


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": "funding", "amount": None, "currency": "GBP"}, "amount"),
        ({"kind": "funding", "amount": 10, "currency": "pounds"}, "currency"),
        ({"kind": "funding", "amount": -5, "currency": "GBP"}, "amount"),
        ({"kind": "places", "quantity": None}, "quantity"),
        ({"kind": "places", "quantity": 0}, "quantity"),
        ({"kind": "snacks", "quantity": 1}, "kind"),
        ({"kind": "places", "quantity": 2, "organization": "other"}, "organization"),
    ],
)
def test_commitment_validation(cast, fields, error_field):
    org = cast.other_partner if fields.pop("organization", None) else cast.partner
    with pytest.raises(DomainError) as exc:
        services.commitment_create(
            actor=cast.recruiter,
            partnership=cast.partnership,
            organization=org,
            description="x",
            **fields,
        )
    assert error_field in exc.value.fields


def test_delivery_needs_the_right_measure(cast):
    c = services.commitment_create(
        actor=cast.recruiter,
        partnership=cast.partnership,
        organization=cast.partner,
        kind="places",
        description="x",
        quantity=3,
    )
    with pytest.raises(DomainError) as exc:
        services.commitment_delivery_record(actor=cast.recruiter, commitment=c, amount=3)
    assert "quantity" in exc.value.fields
    with pytest.raises(DomainError):
        services.commitment_delivery_record(
            actor=cast.recruiter,
            commitment=c,
            quantity=1,
            delivered_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert CommitmentDelivery.objects.count() == 0


def test_contacts_one_primary_per_side(cast):
    a = services.partnership_contact_create(
        actor=cast.coordinator,
        partnership=cast.partnership,
        organization=cast.partner,
        name="Ada Lovelace",
        email="ada@acme.example",
        role_title="HR lead",
        is_primary=True,
    )
    b = services.partnership_contact_create(
        actor=cast.coordinator,
        partnership=cast.partnership,
        organization=cast.partner,
        user=cast.recruiter,
        is_primary=True,
    )
    a.refresh_from_db()
    assert (a.is_primary, b.is_primary) == (False, True)
    assert b.display_email == cast.recruiter.email
    with pytest.raises(DomainError) as exc:
        services.partnership_contact_create(
            actor=cast.coordinator,
            partnership=cast.partnership,
            organization=cast.partner,
            name="No mail",
        )
    assert "email" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        services.partnership_contact_create(
            actor=cast.coordinator,
            partnership=cast.partnership,
            organization=cast.inst,
            user=cast.recruiter,
        )
    assert "user" in exc.value.fields
    services.partnership_contact_delete(actor=cast.recruiter, contact=a)
    assert PartnershipContact.objects.count() == 1


def test_communication_and_action_items(cast):
    entry = services.communication_entry_create(
        actor=cast.coordinator,
        partnership=cast.partnership,
        kind="meeting",
        title="Kick-off",
        body="Agreed on 5 places.",
    )
    item = services.action_item_create(
        actor=cast.recruiter,
        partnership=cast.partnership,
        description="Send MOU draft",
        owner=cast.recruiter,
        due_date=timezone.localdate(),
        entry=entry,
    )
    assert item.entry == entry
    services.action_item_set_done(actor=cast.coordinator, item=item)
    item.refresh_from_db()
    assert item.is_done
    with pytest.raises(DomainError) as exc:
        services.communication_entry_create(
            actor=cast.coordinator, partnership=cast.partnership, kind="tweet", title="x"
        )
    assert "kind" in exc.value.fields
    with pytest.raises(PermissionDeniedError):
        services.action_item_set_done(actor=cast.educator, item=item, done=False)


# --- selectors ----------------------------------------------------------------------------------
def test_partnerships_for_scopes_by_role(cast):
    for who in ["coordinator", "educator", "recruiter", "supervisor", "mentor", "funder", "admin"]:
        assert list(selectors.partnerships_for(getattr(cast, who))) == [cast.partnership], who
    for who in ["student", "outsider", "other_coordinator", "other_recruiter"]:
        assert list(selectors.partnerships_for(getattr(cast, who))) == [], who
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.partnerships_for(AnonymousUser())) == []
    with pytest.raises(Http404):
        selectors.partnership_detail(cast.student, cast.partnership.public_id)


def test_partnerships_for_filters(cast):
    from tests.factories import PartnershipFactory

    other = PartnershipFactory(
        title="Curriculum lab",
        institutions=[cast.inst],
        partners=[cast.partner],
        types=["curriculum"],
        status="active",
    )
    viewer = cast.coordinator
    assert list(selectors.partnerships_for(viewer, q="robot")) == [cast.partnership]
    assert list(selectors.partnerships_for(viewer, type="curriculum")) == [other]
    assert list(selectors.partnerships_for(viewer, type="mentoring")) == [cast.partnership]
    assert list(selectors.partnerships_for(viewer, status="active")) == [other]
    assert list(selectors.partnerships_for(viewer, status="nonsense")) == []


def test_kpis_at_risk_for_dashboard(cast, django_assert_max_num_queries):
    _, risky = objective_with_kpi(cast)
    _, fine = objective_with_kpi(cast)
    services.kpi_measurement_record(actor=cast.coordinator, kpi=risky, value=1)
    services.kpi_measurement_record(actor=cast.coordinator, kpi=fine, value=10)
    with django_assert_max_num_queries(3):
        rows = list(selectors.kpis_at_risk_for(cast.coordinator))
        assert [k.objective.partnership.title for k in rows] == ["Robotics internships"]
    assert rows == [KPI.objects.get(pk=risky.pk)]
    assert list(selectors.kpis_at_risk_for(cast.other_coordinator)) == []
    assert list(selectors.kpis_at_risk_for(cast.student)) == []


def test_detail_selector_query_count(cast, django_assert_max_num_queries):
    _, kpi = objective_with_kpi(cast)
    services.kpi_measurement_record(actor=cast.coordinator, kpi=kpi, value=3)
    with django_assert_max_num_queries(20):
        p = selectors.partnership_detail(cast.coordinator, cast.partnership.public_id)
        [list(k.measurements.all()) for o in p.objectives.all() for k in o.kpis.all()]


def test_personal_data_export_and_erase(cast):
    from tandem.accounts.personal_data import export_personal_data
    from tandem.accounts.services import user_erase

    objective, kpi = objective_with_kpi(cast)
    objective.owner = cast.recruiter
    objective.save()
    services.partnership_contact_create(
        actor=cast.recruiter,
        partnership=cast.partnership,
        organization=cast.partner,
        user=cast.recruiter,
        role_title="Talent lead",
    )
    services.communication_entry_create(
        actor=cast.recruiter, partnership=cast.partnership, kind="note", title="Call notes"
    )
    services.kpi_measurement_record(actor=cast.recruiter, kpi=kpi, value=3)
    data = export_personal_data(cast.recruiter)["partnerships"]
    assert data["contacts"][0]["role_title"] == "Talent lead"
    assert data["communication_entries"][0]["title"] == "Call notes"
    assert data["owned_objectives"] == ["More placements"]

    user_erase(actor=cast.recruiter, user=cast.recruiter)
    assert not PartnershipContact.objects.exists()
    objective.refresh_from_db()
    assert objective.owner is None
    assert KPIMeasurement.objects.get(kpi=kpi).recorded_by is None
    entry = cast.partnership.communications.get()
    assert (entry.title, entry.author) == ("Call notes", None)
