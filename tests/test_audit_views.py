"""The audit trail page: coordinators see their institutions' events, filtered and paged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.audit.services import audit_record
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    PartnerFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

URL = "/audit/"


@pytest.fixture
def world():
    north, south = InstitutionFactory(name="North"), InstitutionFactory(name="South")
    partner = PartnerFactory(name="Acme")
    coordinator = member(north, "coordinator")
    actor = UserFactory(full_name="Carla Coordinator")
    audit_record(
        actor=actor,
        action="opportunities.approved",
        target=partner,
        organizations=[north],
        changes={"status": ["awaiting", "published"]},
    )
    audit_record(actor=actor, action="partnerships.created", target=north, organizations=[north])
    audit_record(actor=None, action="partnerships.created", target=south, organizations=[south])
    audit_record(actor=actor, action="applications.moved", target=partner, organizations=[])
    return {"north": north, "south": south, "partner": partner, "coordinator": coordinator}


def _actions(response) -> list[str]:
    return [e.action for e in response.context["events"]]


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "who",
    [
        "no_membership",
        "student_same_school",
        "educator_same_school",
        "partner_recruiter",
        "staff_not_superuser",
    ],
)
def test_everyone_but_coordinators_and_admins_gets_403(client, world, who):
    user = {
        "no_membership": lambda: UserFactory(),
        "student_same_school": lambda: member(world["north"], "student"),
        "educator_same_school": lambda: member(world["north"], "educator"),
        "partner_recruiter": lambda: member(world["partner"], "recruiter"),
        "staff_not_superuser": lambda: UserFactory(is_staff=True),
    }[who]()
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 403
    assert b"opportunities.approved" not in response.content


def test_inactive_coordinator_membership_gets_403(client, world):
    membership = MembershipFactory(organization=world["north"], role="coordinator", is_active=False)
    client.force_login(membership.user)
    assert client.get(URL).status_code == 403


def test_coordinator_sees_only_own_institutions_events(client, world):
    client.force_login(world["coordinator"])
    response = client.get(URL)
    assert response.status_code == 200
    assert _actions(response) == ["partnerships.created", "opportunities.approved"]
    html = response.content.decode()
    assert "Carla Coordinator" in html
    assert "South" not in html


def test_coordinator_of_other_institution_sees_theirs_not_ours(client, world):
    client.force_login(member(world["south"], "coordinator"))
    response = client.get(URL)
    assert _actions(response) == ["partnerships.created"]
    assert response.context["events"][0].target_label == "South"


def test_platform_admin_sees_everything(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["events"]) == 4


def test_nav_links_to_the_audit_trail_for_coordinators_only(client, world):
    client.force_login(world["coordinator"])
    assert 'href="/audit/"' in client.get("/accounts/").content.decode()
    client.force_login(member(world["north"], "student"))
    assert 'href="/audit/"' not in client.get("/accounts/").content.decode()


def test_filter_by_target_type_and_action(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(
        URL, {"target_type": "organizations.organization", "action": "partnerships.created"}
    )
    assert response.status_code == 200
    assert _actions(response) == ["partnerships.created", "partnerships.created"]
    response = client.get(URL, {"action": "opportunities.approved"})
    assert _actions(response) == ["opportunities.approved"]


def test_filter_choices_only_offer_what_the_viewer_may_see(client, world):
    client.force_login(world["coordinator"])
    form = client.get(URL).context["form"]
    actions = [value for value, _label in form.fields["action"].choices]
    assert actions == ["", "opportunities.approved", "partnerships.created"]


def test_filter_by_date(client, world):
    old = AuditEvent.objects.get(action="opportunities.approved")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    client.force_login(world["coordinator"])
    today = timezone.localdate()
    response = client.get(URL, {"date_from": str(today - timedelta(days=1))})
    assert _actions(response) == ["partnerships.created"]
    response = client.get(URL, {"date_to": str(today - timedelta(days=5))})
    assert _actions(response) == ["opportunities.approved"]
    response = client.get(URL, {"date_from": str(today), "date_to": str(today)})
    assert _actions(response) == ["partnerships.created"]


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "not-a-date"},
        {"action": "no.such.action"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
    ],
)
def test_bad_filters_are_a_400_with_messages_not_a_500(client, world, params):
    client.force_login(world["coordinator"])
    response = client.get(URL, params)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_pagination_and_query_count(client, world, django_assert_max_num_queries):
    north = world["north"]
    actor = UserFactory()
    for i in range(60):
        audit_record(
            actor=actor,
            action="kpis.measured",
            target=north,
            organizations=[north],
            changes={"value": i},
        )
    client.force_login(world["coordinator"])
    with django_assert_max_num_queries(10):
        first = client.get(URL)
    assert len(first.context["events"]) == 50
    assert first.context["page_obj"].paginator.count == 62
    assert 'rel="next"' in first.content.decode()
    second = client.get(URL, {"page": 2, "action": "kpis.measured"})
    assert len(second.context["events"]) == 10
    assert "action=kpis.measured&amp;page=" in second.content.decode()
    assert client.get(URL, {"page": "999"}).status_code == 200
    assert client.get(URL, {"page": "abc"}).status_code == 200


def test_htmx_request_gets_the_results_partial(client, world):
    client.force_login(world["coordinator"])
    response = client.get(URL, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="audit-results"')
    assert "<html" not in html


def test_platform_admin_reads_the_trail_in_django_admin_but_cannot_change_it(client, db):
    from tandem.accounts.models import User
    from tandem.audit.models import AuditEvent

    admin_user = User.objects.create_superuser("root@example.org", "pw-123456789", full_name="R")
    event = AuditEvent.objects.create(action="opportunity.approved", target_type="x", target_id="1")
    client.force_login(admin_user)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    response = client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
