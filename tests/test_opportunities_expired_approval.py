"""A posting whose application deadline passed while it waited in the approval queue: shown as
expired, approved only with a new future deadline (service, page and API), never by someone
who may not decide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.opportunities import services
from tandem.opportunities.models import Opportunity
from tandem.opportunities.selectors import pending_approvals_for
from tests.factories import opportunity_cast, opportunity_fields

pytestmark = pytest.mark.django_db

API = "/api/v1/opportunities"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return opportunity_cast()


def _awaiting(cast, *, expired: bool) -> Opportunity:
    opp = services.opportunity_create(
        actor=cast.recruiter, host=cast.host, **opportunity_fields(title="Expired internship")
    )
    services.opportunity_submit(actor=cast.recruiter, opportunity=opp, institutions=[cast.inst])
    if expired:
        Opportunity.objects.filter(pk=opp.pk).update(
            application_deadline=timezone.now() - dt.timedelta(days=2)
        )
        opp.refresh_from_db()
    return opp


def _future(days: int = 10) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)


# --- service -----------------------------------------------------------------------------------


def test_expired_posting_is_not_approved_without_a_new_deadline(cast):
    opp = _awaiting(cast, expired=True)
    with pytest.raises(DomainError) as exc:
        services.opportunity_decide(
            actor=cast.coordinator, opportunity=opp, institution=cast.inst, approve=True
        )
    assert exc.value.code == "deadline_passed"
    assert "application_deadline" in exc.value.fields
    opp.refresh_from_db()
    assert opp.status == "awaiting_approval"
    assert opp.approvals.get().status == "pending"
    # Nothing else happened either: the partner was not vetted on the way.
    assert not AuditEvent.objects.filter(action="partner_vetting.decide").exists()


def test_expired_posting_is_approved_with_a_new_future_deadline(cast):
    opp = _awaiting(cast, expired=True)
    new = _future()
    approval = services.opportunity_decide(
        actor=cast.coordinator,
        opportunity=opp,
        institution=cast.inst,
        approve=True,
        application_deadline=new,
    )
    assert approval.status == "approved"
    opp.refresh_from_db()
    assert opp.status == "published" and opp.application_deadline == new
    event = AuditEvent.objects.get(action="opportunity.approve")
    assert event.changes["application_deadline"][1] == str(new)
    assert not pending_approvals_for(cast.coordinator).exists()


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (lambda: timezone.now() - dt.timedelta(hours=1), "must be in the future"),
        (lambda: timezone.now() + dt.timedelta(days=400), "before the start date"),
    ],
)
def test_new_deadline_must_be_future_and_before_the_start(cast, deadline, message):
    opp = _awaiting(cast, expired=True)
    with pytest.raises(DomainError) as exc:
        services.opportunity_decide(
            actor=cast.coordinator,
            opportunity=opp,
            institution=cast.inst,
            approve=True,
            application_deadline=deadline(),
        )
    assert message in " ".join(exc.value.fields["application_deadline"])
    opp.refresh_from_db()
    assert opp.status == "awaiting_approval"


def test_new_deadline_is_refused_for_a_live_posting_and_ignored_on_reject(cast):
    live = _awaiting(cast, expired=False)
    before = live.application_deadline
    with pytest.raises(DomainError) as exc:
        services.opportunity_decide(
            actor=cast.coordinator,
            opportunity=live,
            institution=cast.inst,
            approve=True,
            application_deadline=_future(5),
        )
    assert "application_deadline" in exc.value.fields
    expired = _awaiting(cast, expired=True)
    services.opportunity_decide(
        actor=cast.coordinator,
        opportunity=expired,
        institution=cast.inst,
        approve=False,
        application_deadline=_future(5),
    )
    expired.refresh_from_db()
    live.refresh_from_db()
    assert expired.status == "draft" and expired.application_deadline < timezone.now()
    assert live.application_deadline == before


@pytest.mark.parametrize("who", ["other_coordinator", "educator", "recruiter", "student"])
def test_wrong_user_cannot_approve_even_with_a_new_deadline(cast, who):
    opp = _awaiting(cast, expired=True)
    old = opp.application_deadline
    with pytest.raises(PermissionDeniedError):
        services.opportunity_decide(
            actor=getattr(cast, who),
            opportunity=opp,
            institution=cast.inst,
            approve=True,
            application_deadline=_future(),
        )
    opp.refresh_from_db()
    assert opp.status == "awaiting_approval" and opp.application_deadline == old


# --- page --------------------------------------------------------------------------------------


def test_queue_marks_expired_postings_and_asks_for_a_new_deadline(client, cast):
    expired = _awaiting(cast, expired=True)
    live = services.opportunity_create(
        actor=cast.recruiter, host=cast.host, **opportunity_fields(title="Live internship")
    )
    services.opportunity_submit(actor=cast.recruiter, opportunity=live, institutions=[cast.inst])
    rows = {a.opportunity_id: a.deadline_passed for a in pending_approvals_for(cast.coordinator)}
    assert rows == {expired.pk: True, live.pk: False}

    client.force_login(cast.coordinator)
    html = client.get(reverse("opportunities:approvals")).content.decode()
    assert html.count("Deadline passed") == 1
    assert html.count('name="application_deadline"') == 1
    expired_row = html[html.index("Expired internship") : html.index("Live internship")]
    assert "Deadline passed" in expired_row
    assert 'type="datetime-local" name="application_deadline"' in expired_row
    assert "New application deadline" in expired_row


def test_page_refuses_then_approves_with_a_new_deadline(client, cast):
    opp = _awaiting(cast, expired=True)
    url = reverse("opportunities:decide", args=[opp.public_id])
    form = {"institution": cast.inst.public_id, "decision": "approve", "next": "approvals"}
    client.force_login(cast.coordinator)

    response = client.post(url, form, follow=True)
    assert "give a new deadline" in response.content.decode()
    opp.refresh_from_db()
    assert opp.status == "awaiting_approval"

    new = timezone.localtime(_future())
    response = client.post(
        url, {**form, "application_deadline": new.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("opportunities:approvals")
    opp.refresh_from_db()
    assert opp.status == "published" and opp.application_deadline == new
    # Students of the institution now see it.
    client.force_login(cast.student)
    assert client.get(reverse("opportunities:detail", args=[opp.public_id])).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("other_coordinator", 404), ("recruiter", 403)])
def test_page_refuses_the_wrong_user(client, cast, who, status):
    opp = _awaiting(cast, expired=True)
    client.force_login(getattr(cast, who))
    response = client.post(
        reverse("opportunities:decide", args=[opp.public_id]),
        {
            "institution": cast.inst.public_id,
            "decision": "approve",
            "application_deadline": _future().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == status
    opp.refresh_from_db()
    assert opp.status == "awaiting_approval"


# --- API ---------------------------------------------------------------------------------------


def test_api_answers_400_with_a_field_message_then_approves(client, cast):
    opp = _awaiting(cast, expired=True)
    client.force_login(cast.coordinator)
    url = f"{API}/{opp.public_id}/decide"
    body = {"institution_id": str(cast.inst.public_id), "approve": True}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "application_deadline" in response.json()["errors"]
    response = client.post(
        url,
        {**body, "application_deadline": "2000-01-01T10:00:00Z"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "future" in str(response.json()["errors"]["application_deadline"])
    new = _future()
    response = client.post(
        url, {**body, "application_deadline": new.isoformat()}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    opp.refresh_from_db()
    assert opp.status == "published" and opp.application_deadline == new


@pytest.mark.parametrize(("who", "status"), [("other_coordinator", 404), ("educator", 403)])
def test_api_refuses_the_wrong_user(client, cast, who, status):
    opp = _awaiting(cast, expired=True)
    client.force_login(getattr(cast, who))
    response = client.post(
        f"{API}/{opp.public_id}/decide",
        {
            "institution_id": str(cast.inst.public_id),
            "approve": True,
            "application_deadline": _future().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == status
    opp.refresh_from_db()
    assert opp.status == "awaiting_approval"
