"""Hours approval from a signed link without an account: a host supervisor approves or
returns one placement's waiting entries from an e-mailed link, through the same decision as
the signed-in path. Forged, expired, revoked links and links for another placement are
refused with a clear page; decided entries stay locked; the page links nowhere else.

The page is excluded from the authorization matrix (the link is the credential, like
surveys:answer_link); its refusals are tested here."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tandem.audit.models import AuditEvent
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.placements import services
from tandem.placements.models import HoursApprovalLink, HoursEntry
from tests.factories import application_at, application_cast
from tests.placements_support import placed_with_dates

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
EXTERNAL = "mentor@workshop.example"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast():
    return application_cast(type="apprenticeship")


def _log(student, app, days_ago=1, hours="7.5"):
    return services.hours_log(
        actor=student,
        application=app,
        date=TODAY() - dt.timedelta(days=days_ago),
        hours=hours,
        activity="Wiring the test rig",
    )


def _url(app, token):
    return reverse("placements:hours_link", kwargs={"public_id": app.public_id, "token": token})


def _issue(cast, app, email=EXTERNAL):
    return services.hours_link_issue(actor=cast.coordinator, application=app, email=email)


def test_link_is_emailed_and_approves_without_an_account(
    client, cast, django_capture_on_commit_callbacks
):
    app = placed_with_dates(cast)
    first, second = _log(cast.student, app, 1), _log(cast.student, app, 2)
    with django_capture_on_commit_callbacks(execute=True):
        link, token = _issue(cast, app, email="Mentor@Workshop.example ")
    assert link.email == EXTERNAL and link.token_hash != token and token not in link.token_hash
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EXTERNAL]
    assert re.search(re.escape(_url(app, token)), mail.outbox[0].body)

    page = client.get(_url(app, token))
    assert page.status_code == 200
    html = page.content.decode()
    assert str(first.public_id) in html and "csrfmiddlewaretoken" in html
    response = client.post(
        _url(app, token), {"entries": [str(first.public_id)], "decision": "approve"}
    )
    assert response.status_code == 200
    assert HoursEntry.objects.get(pk=first.pk).status == "approved"
    assert HoursEntry.objects.get(pk=first.pk).decided_by is None
    assert HoursEntry.objects.get(pk=second.pk).status == "logged"
    event = AuditEvent.objects.get(action="placements.hours_approved")
    assert event.actor is None and event.changes["by_link"] == EXTERNAL
    # Returning needs a reason, as on the signed-in path.
    refused = client.post(
        _url(app, token), {"entries": [str(second.public_id)], "decision": "return"}
    )
    assert refused.status_code == 422 and HoursEntry.objects.get(pk=second.pk).status == "logged"
    client.post(
        _url(app, token),
        {"entries": [str(second.public_id)], "decision": "return", "reason": "Split by task"},
    )
    assert HoursEntry.objects.get(pk=second.pk).status == "returned"


def test_a_supervisor_with_an_account_is_recorded_as_the_actor(cast):
    app = placed_with_dates(cast)
    entry = _log(cast.student, app)
    _, token = _issue(cast, app, email=cast.supervisor.email)
    assert (
        services.hours_decide_by_link(
            placement_id=app.public_id, token=token, entry_ids=[entry.public_id], approve=True
        )
        == 1
    )
    assert HoursEntry.objects.get(pk=entry.pk).decided_by == cast.supervisor
    assert AuditEvent.objects.get(action="placements.hours_approved").actor == cast.supervisor


def test_forged_expired_revoked_and_other_placement_links_are_refused(client, cast):
    app = placed_with_dates(cast)
    other = application_at(cast, "placed", student=cast.classmate)
    entry = _log(cast.student, app)
    link, token = _issue(cast, app)
    # Forged.
    page = client.get(_url(app, token[:-2] + "xx"))
    assert page.status_code == 404 and "cannot be used" in page.content.decode()
    # Reused for another placement: the token is bound to its placement.
    assert client.get(_url(other, token)).status_code == 404
    assert (
        client.post(
            _url(other, token), {"entries": [str(entry.public_id)], "decision": "approve"}
        ).status_code
        == 404
    )
    other_entry = HoursEntry.objects.create(
        application=other, date=TODAY(), hours=2, activity="Someone else's"
    )
    with pytest.raises(PermissionDeniedError):
        services.hours_decide_by_link(
            placement_id=app.public_id, token=token, entry_ids=[other_entry.public_id], approve=True
        )
    # The page's form offers only this placement's entries.
    assert (
        client.post(
            _url(app, token), {"entries": [str(other_entry.public_id)], "decision": "approve"}
        ).status_code
        == 422
    )
    assert HoursEntry.objects.get(pk=other_entry.pk).status == "logged"
    # Expired.
    HoursApprovalLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client.get(_url(app, token)).status_code == 410
    assert (
        client.post(
            _url(app, token), {"entries": [str(entry.public_id)], "decision": "approve"}
        ).status_code
        == 410
    )
    # Revoked (a new link for the same address revokes the old one, too).
    new, new_token = _issue(cast, app)
    services.hours_link_revoke(actor=cast.coordinator, link=new)
    assert client.get(_url(app, new_token)).status_code == 410
    with pytest.raises(DomainError) as err:
        services.hours_link_resolve(placement_id=app.public_id, token=new_token)
    assert err.value.code == "revoked"
    assert HoursEntry.objects.get(pk=entry.pk).status == "logged"


def test_decided_entries_stay_locked_and_count_once(client, cast):
    app = placed_with_dates(cast)
    entry = _log(cast.student, app)
    _, token = _issue(cast, app)
    assert (
        services.hours_decide(actor=cast.supervisor, entry_ids=[entry.public_id], approve=True) == 1
    )
    # Already approved by the signed-in supervisor: the link decides nothing more.
    assert (
        services.hours_decide_by_link(
            placement_id=app.public_id,
            token=token,
            entry_ids=[entry.public_id],
            approve=False,
            reason="Too late",
        )
        == 0
    )
    assert HoursEntry.objects.get(pk=entry.pk).status == "approved"
    html = client.get(_url(app, token)).content.decode()
    assert f'value="{entry.public_id}"' not in html and "Already decided" in html
    assert (
        AuditEvent.objects.filter(action__startswith="placements.hours_")
        .exclude(action__in=["placements.hours_logged", "placements.hours_link_sent"])
        .count()
        == 1
    )


def test_the_link_page_has_no_navigation_to_the_rest_of_the_app(client, cast):
    app = placed_with_dates(cast)
    _log(cast.student, app)
    _, token = _issue(cast, app)
    for response in (client.get(_url(app, token)), client.get(_url(app, "forged"))):
        html = response.content.decode()
        hrefs = re.findall(r'<a [^>]*href="([^"]*)"', html)
        assert hrefs == ["#main"], hrefs
        assert "<nav" not in html
        assert 'name="referrer" content="no-referrer"' in html
    # A signed-in visitor sees the same bare page (the link grants nothing else).
    client.force_login(cast.recruiter)
    hrefs = re.findall(r'<a [^>]*href="([^"]*)"', client.get(_url(app, token)).content.decode())
    assert hrefs == ["#main"]


def test_who_may_send_a_link(client, cast):
    app = placed_with_dates(cast)
    for who in (cast.student, cast.classmate, cast.other_recruiter):
        with pytest.raises(PermissionDeniedError):
            services.hours_link_issue(actor=who, application=app, email=EXTERNAL)
    with pytest.raises(DomainError) as err:
        services.hours_link_issue(actor=cast.coordinator, application=app, email="not-an-email")
    assert "email" in err.value.fields
    services.hours_link_issue(actor=cast.recruiter, application=app, email=EXTERNAL)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("placements:hours_link_send", kwargs={"public_id": app.public_id}),
        {"email": EXTERNAL},
    )
    assert response.status_code == 302
    assert HoursApprovalLink.objects.filter(application=app, revoked_at__isnull=True).count() == 1
    client.force_login(cast.student)
    assert client.post(
        reverse("placements:hours_link_send", kwargs={"public_id": app.public_id}),
        {"email": EXTERNAL},
    ).status_code in (403, 404)
