"""Partnership selectors: scoping by role, filters, KPIs at risk, bounded queries; the
personal data of partnerships (export and erase)."""

from __future__ import annotations

import pytest
from django.http import Http404

from tandem.partnerships import selectors, services
from tandem.partnerships.models import KPI, KPIMeasurement, PartnershipContact
from tests.partnerships_services_support import (
    _fast_settings,  # noqa: F401 (a fixture)
    cast,  # noqa: F401 (a fixture)
)
from tests.test_partnerships_support import objective_with_kpi

pytestmark = pytest.mark.django_db


# --- selectors ----------------------------------------------------------------------------------
def test_partnerships_for_scopes_by_role(cast):  # noqa: F811
    for who in ["coordinator", "educator", "recruiter", "supervisor", "mentor", "funder", "admin"]:
        assert list(selectors.partnerships_for(getattr(cast, who))) == [cast.partnership], who
    for who in ["student", "outsider", "other_coordinator", "other_recruiter"]:
        assert list(selectors.partnerships_for(getattr(cast, who))) == [], who
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.partnerships_for(AnonymousUser())) == []
    with pytest.raises(Http404):
        selectors.partnership_detail(cast.student, cast.partnership.public_id)


def test_partnerships_for_filters(cast):  # noqa: F811
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


def test_kpis_at_risk_for_dashboard(cast, django_assert_max_num_queries):  # noqa: F811
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


def test_detail_selector_query_count(cast, django_assert_max_num_queries):  # noqa: F811
    _, kpi = objective_with_kpi(cast)
    services.kpi_measurement_record(actor=cast.coordinator, kpi=kpi, value=3)
    with django_assert_max_num_queries(20):
        p = selectors.partnership_detail(cast.coordinator, cast.partnership.public_id)
        [list(k.measurements.all()) for o in p.objectives.all() for k in o.kpis.all()]


def test_personal_data_export_and_erase(cast):  # noqa: F811
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
