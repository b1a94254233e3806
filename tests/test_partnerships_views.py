"""Partnership pages: an authorization matrix for every view, bad input, HTMX partials."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.partnerships import services
from tandem.partnerships.models import (
    KPI,
    ActionItem,
    CommunicationEntry,
    KPIMeasurement,
    Objective,
    Partnership,
    PartnershipTransition,
)
from tests.factories import PartnershipFactory
from tests.test_partnerships_support import (
    EDITORS,
    NON_VIEWERS,
    READERS,
    VIEWERS,
    build_cast,
    minimal_pdf,
    objective_with_kpi,
    state,
    upload,
)

pytestmark = pytest.mark.django_db

EVERYONE = ["anonymous", *NON_VIEWERS, *READERS, *EDITORS]


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Static files are not under test here; WhiteNoise would re-scan them for every client.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "whitenoise" not in m]


@pytest.fixture
def cast():
    c = build_cast(status="active")
    c.objective, c.kpi = objective_with_kpi(c)
    c.commitment = services.commitment_create(
        actor=c.admin,
        partnership=c.partnership,
        organization=c.partner,
        kind="places",
        description="Summer places",
        quantity=5,
    )
    c.contact = services.partnership_contact_create(
        actor=c.admin,
        partnership=c.partnership,
        organization=c.partner,
        name="Grace Hopper",
        email="grace@acme.example",
    )
    c.item = services.action_item_create(
        actor=c.admin, partnership=c.partnership, description="Book rooms"
    )
    return c


def _url(name, cast, *extra):
    return reverse(f"partnerships:{name}", args=[cast.partnership.public_id, *extra])


@dataclass(frozen=True)
class Action:
    name: str
    url: Callable[[Any], str]
    data: Callable[[Any], dict[str, Any]]
    done: Callable[[Any], bool]


TODAY = timezone.localdate()

ACTIONS = [
    Action(
        "edit",
        lambda c: _url("edit", c),
        lambda c: {
            "title": "Renamed",
            "types": ["mentoring"],
            "institutions": [c.inst.public_id],
            "partners": [c.partner.public_id],
        },
        lambda c: Partnership.objects.get(pk=c.partnership.pk).title == "Renamed",
    ),
    Action(
        "objective_create",
        lambda c: _url("objective_create", c),
        lambda c: {"objective-title": "Curriculum refresh"},
        lambda c: Objective.objects.filter(title="Curriculum refresh").exists(),
    ),
    Action(
        "kpi_create",
        lambda c: _url("kpi_create", c, c.objective.public_id),
        lambda c: {
            f"newkpi-{c.objective.public_id.hex[:12]}-{k}": v
            for k, v in {
                "name": "Modules updated",
                "baseline": "0",
                "target": "4",
                "due_date": str(TODAY + dt.timedelta(days=90)),
                "metric": "manual",
            }.items()
        },
        lambda c: KPI.objects.filter(name="Modules updated").exists(),
    ),
    Action(
        "measurement_create",
        lambda c: _url("measurement_create", c, c.kpi.public_id),
        lambda c: {f"kpi-{c.kpi.public_id.hex[:12]}-value": "9"},
        lambda c: KPIMeasurement.objects.filter(kpi=c.kpi).exists(),
    ),
    Action(
        "commitment_create",
        lambda c: _url("commitment_create", c),
        lambda c: {
            "commitment-organization": c.partner.public_id,
            "commitment-kind": "funding",
            "commitment-description": "Bursaries",
            "commitment-amount": "5000",
            "commitment-currency": "EUR",
        },
        lambda c: c.partnership.commitments.filter(kind="funding").exists(),
    ),
    Action(
        "delivery_create",
        lambda c: _url("delivery_create", c, c.commitment.public_id),
        lambda c: {f"del-{c.commitment.public_id.hex[:12]}-quantity": "2"},
        lambda c: c.commitment.deliveries.exists(),
    ),
    Action(
        "contact_create",
        lambda c: _url("contact_create", c),
        lambda c: {
            "contact-organization": c.inst.public_id,
            "contact-user": c.coordinator.public_id,
            "contact-is_primary": "on",
        },
        lambda c: c.partnership.contacts.filter(user=c.coordinator).exists(),
    ),
    Action(
        "contact_delete",
        lambda c: _url("contact_delete", c, c.contact.public_id),
        lambda c: {},
        lambda c: not c.partnership.contacts.filter(pk=c.contact.pk).exists(),
    ),
    Action(
        "communication_create",
        lambda c: _url("communication_create", c),
        lambda c: {"communication-kind": "decision", "communication-title": "Go ahead"},
        lambda c: CommunicationEntry.objects.filter(title="Go ahead").exists(),
    ),
    Action(
        "action_item_create",
        lambda c: _url("action_item_create", c),
        lambda c: {"action-description": "Draft MOU", "action-owner": c.recruiter.public_id},
        lambda c: ActionItem.objects.filter(description="Draft MOU").exists(),
    ),
    Action(
        "action_item_toggle",
        lambda c: _url("action_item_toggle", c, c.item.public_id),
        lambda c: {},
        lambda c: ActionItem.objects.get(pk=c.item.pk).done_at is not None,
    ),
    Action(
        "document_upload",
        lambda c: _url("document_upload", c),
        lambda c: {
            "document-kind": "mou",
            "document-title": "MOU",
            "document-file": upload("mou.pdf", minimal_pdf()),
        },
        lambda c: c.partnership.documents.exists(),
    ),
]


def _as(client, cast, who):
    """``client`` signed in as ``who`` (or anonymous). One client is reused: each new
    Client would build a new handler and re-scan the static files."""
    client.logout()
    user = cast.role(who)
    if user is not None:
        client.force_login(user)
    return client


@contextmanager
def _rolled_back():
    """Run a successful request and undo its writes, so the next role starts clean."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_post_action_matrix(client, cast, action):
    """Every role against every write on the detail page. Denied: nothing changes."""
    before = state()
    for who in EVERYONE:
        if who in EDITORS:
            continue
        response = _as(client, cast, who).post(action.url(cast), action.data(cast))
        if who == "anonymous":
            assert response.status_code == 302, who
            assert response["Location"].startswith(reverse("accounts:login"))
        elif who in READERS:
            assert response.status_code == 403, who
        else:
            assert response.status_code == 404, who
        assert state() == before, who
        assert not action.done(cast), who
    for who in EDITORS:
        with _rolled_back():
            response = _as(client, cast, who).post(action.url(cast), action.data(cast))
            assert response.status_code == 302, (who, response.content.decode()[:2000])
            assert action.done(cast), who
        assert state() == before


def test_transition_matrix(client, cast):
    before = state()
    expected = {"anonymous": 302, "recruiter": 403, **{r: 403 for r in READERS}}
    for who in EVERYONE:
        _as(client, cast, who)
        data = {"transition-to_status": "under_review", "transition-note": "Q3"}
        if who in ("coordinator", "admin"):
            with _rolled_back():
                assert client.post(_url("transition", cast), data).status_code == 302
                assert Partnership.objects.get(pk=cast.partnership.pk).status == "under_review"
                t = PartnershipTransition.objects.get()
                assert (t.from_status, t.to_status, t.note) == ("active", "under_review", "Q3")
            continue
        response = client.post(_url("transition", cast), data)
        assert response.status_code == expected.get(who, 404), who
        assert state() == before, who


def test_recruiter_may_open_negotiation(client, cast):
    Partnership.objects.filter(pk=cast.partnership.pk).update(status="proposed")
    client.force_login(cast.recruiter)
    page = client.get(_url("detail", cast)).content.decode()
    assert "Move to “Negotiating”" in page
    assert "Move to “Concluded”" not in page
    response = client.post(_url("transition", cast), {"transition-to_status": "negotiating"})
    assert response.status_code == 302
    assert Partnership.objects.get(pk=cast.partnership.pk).status == "negotiating"


def test_illegal_transition_is_409_with_message(client, cast):
    client.force_login(cast.coordinator)
    before = state()
    response = client.post(_url("transition", cast), {"transition-to_status": "proposed"})
    assert response.status_code == 409
    assert "cannot move from “Active” to “Proposed”" in response.content.decode()
    assert state() == before


def test_bad_transition_input_is_422(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(_url("transition", cast), {"transition-to_status": "paused"})
    assert response.status_code == 422


# --- GET pages --------------------------------------------------------------------------------
def test_detail_matrix(client, cast):
    for who in EVERYONE:
        response = _as(client, cast, who).get(_url("detail", cast))
        if who == "anonymous":
            assert response.status_code == 302
        elif who in VIEWERS:
            assert response.status_code == 200, who
            body = response.content.decode()
            assert "Robotics internships" in body
            assert ("Add an objective" in body) == (who in EDITORS), who
            assert ("Move to “Under review”" in body) == (who in ("coordinator", "admin")), who
        else:
            assert response.status_code == 404, who


def test_list_matrix(client, cast):
    for who in EVERYONE:
        response = _as(client, cast, who).get(reverse("partnerships:list"))
        if who == "anonymous":
            assert response.status_code == 302
            continue
        assert response.status_code == 200, who
        assert ("Robotics internships" in response.content.decode()) == (who in VIEWERS), who


def test_edit_page_matrix(client, cast):
    for who in EVERYONE:
        response = _as(client, cast, who).get(_url("edit", cast))
        expected = 200 if who in EDITORS else 302 if who == "anonymous" else 403
        if who in NON_VIEWERS:
            expected = 404
        assert response.status_code == expected, who


def test_create_matrix(client, cast):
    before = state()
    url = reverse("partnerships:create")
    data = {
        "title": "New deal",
        "types": ["research"],
        "institutions": [cast.inst.public_id],
        "partners": [cast.partner.public_id],
    }
    for who in EVERYONE:
        _as(client, cast, who)
        if who in EDITORS:
            with _rolled_back():
                assert client.get(url).status_code == 200
                assert client.post(url, data).status_code == 302
                assert Partnership.objects.filter(title="New deal").exists()
            continue
        get, response = client.get(url), client.post(url, data)
        if who == "anonymous":
            assert (get.status_code, response.status_code) == (302, 302)
        elif who in ("other_coordinator", "other_recruiter"):
            # May create partnerships, but not for organizations they do not belong to.
            assert (get.status_code, response.status_code) == (200, 422), who
            assert "only for an institution you coordinate" in response.content.decode()
        else:
            assert (get.status_code, response.status_code) == (403, 403), who
        assert state() == before, who


def test_list_search_filter_and_pagination(client, cast, django_assert_max_num_queries):
    for i in range(25):
        PartnershipFactory(
            title=f"Bulk {i:02}",
            institutions=[cast.inst],
            partners=[cast.partner],
            types=["research"],
            status="proposed",
        )
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(12):
        page1 = client.get(reverse("partnerships:list"), {"type": "research"})
    body = page1.content.decode()
    assert "Bulk 00" in body and "Bulk 19" in body and "Bulk 20" not in body
    assert "Robotics internships" not in body
    assert "Page 1 of 2" in body
    page2 = client.get(reverse("partnerships:list"), {"type": "research", "page": 2})
    assert "Bulk 24" in page2.content.decode()
    assert "type=research&amp;page=1" in page2.content.decode()
    found = client.get(reverse("partnerships:list"), {"q": "robot", "status": "active"})
    assert "Robotics internships" in found.content.decode()
    assert "Bulk" not in found.content.decode()
    bad = client.get(reverse("partnerships:list"), {"status": "nope", "page": "x"})
    assert bad.status_code == 200


# --- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("action_name", "data", "message"),
    [
        ("objective_create", {"objective-title": ""}, "This field is required."),
        (
            "commitment_create",
            lambda c: {
                "commitment-organization": c.partner.public_id,
                "commitment-kind": "funding",
                "commitment-description": "Money",
                "commitment-amount": "10",
            },
            "three-letter ISO 4217",
        ),
        (
            "commitment_create",
            lambda c: {
                "commitment-organization": c.other_partner.public_id,
                "commitment-kind": "places",
                "commitment-description": "x",
                "commitment-quantity": "1",
            },
            "Select a valid choice",
        ),
        (
            "contact_create",
            lambda c: {"contact-organization": c.partner.public_id},
            "Enter a name, or choose a Tandem user.",
        ),
        ("communication_create", {"communication-kind": "tweet"}, "Select a valid choice"),
    ],
)
def test_bad_input_gives_422_with_field_messages(client, cast, action_name, data, message):
    client.force_login(cast.coordinator)
    before = state()
    payload = data(cast) if callable(data) else data
    response = client.post(_url(action_name, cast), payload)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert state() == before


def test_kpi_rule_errors_show_on_the_field(client, cast):
    client.force_login(cast.coordinator)
    prefix = f"newkpi-{cast.objective.public_id.hex[:12]}"
    response = client.post(
        _url("kpi_create", cast, cast.objective.public_id),
        {
            f"{prefix}-name": "Same",
            f"{prefix}-baseline": "3",
            f"{prefix}-target": "3",
            f"{prefix}-due_date": str(TODAY + dt.timedelta(days=5)),
            f"{prefix}-metric": "manual",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="id_{prefix}-target_error">The target must differ from the baseline.' in body


def test_measurement_rejects_text_and_huge_numbers(client, cast):
    client.force_login(cast.coordinator)
    field = f"kpi-{cast.kpi.public_id.hex[:12]}-value"
    for value in ["lots", "1e40", "NaN"]:
        response = client.post(_url("measurement_create", cast, cast.kpi.public_id), {field: value})
        assert response.status_code == 422, value
    assert not KPIMeasurement.objects.exists()


def test_edit_with_bad_dates_is_422(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(
        _url("edit", cast),
        {
            "title": "X",
            "types": ["mentoring"],
            "institutions": [cast.inst.public_id],
            "partners": [cast.partner.public_id],
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert response.status_code == 422
    assert "The end date cannot be before the start date." in response.content.decode()


def test_unknown_child_objects_are_404(client, cast):
    client.force_login(cast.coordinator)
    other = PartnershipFactory(institutions=[cast.inst], partners=[cast.partner])
    _, foreign_kpi = objective_with_kpi(type("C", (), {"partnership": other})())
    url = _url("measurement_create", cast, foreign_kpi.public_id)
    assert client.post(url, {"x": 1}).status_code == 404
    assert (
        client.get(
            reverse("partnerships:detail", args=["0" * 8 + "-0000-0000-0000-" + "0" * 12])
        ).status_code
        == 404
    )


# --- HTMX -----------------------------------------------------------------------------------------
def test_htmx_measurement_returns_kpi_partial(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(
        _url("measurement_create", cast, cast.kpi.public_id),
        {f"kpi-{cast.kpi.public_id.hex[:12]}-value": "10"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert f'id="kpi-{cast.kpi.public_id}"' in body
    assert "status-on_track" in body and "On track" in body
    assert "<td>10</td>" in body


def test_htmx_invalid_measurement_shows_errors_in_partial(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(
        _url("measurement_create", cast, cast.kpi.public_id),
        {f"kpi-{cast.kpi.public_id.hex[:12]}-value": "abc"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Enter a number." in response.content.decode()
    assert not KPIMeasurement.objects.exists()


def test_htmx_communication_and_action_items(client, cast):
    client.force_login(cast.recruiter)
    response = client.post(
        _url("communication_create", cast),
        {"communication-kind": "meeting", "communication-title": "Steering group"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="communication"' in body and "Steering group" in body
    response = client.post(
        _url("action_item_create", cast),
        {"action-description": "Circulate minutes"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'id="action-items"' in body and "Circulate minutes" in body and "<html" not in body
    response = client.post(
        _url("action_item_toggle", cast, cast.item.public_id), headers={"HX-Request": "true"}
    )
    assert "<s>Book rooms</s>" in response.content.decode()


def test_detail_shows_everything(client, cast, django_assert_max_num_queries):
    services.kpi_measurement_record(actor=cast.coordinator, kpi=cast.kpi, value=2)
    services.commitment_delivery_record(
        actor=cast.recruiter, commitment=cast.commitment, quantity=2
    )
    services.communication_entry_create(
        actor=cast.recruiter, partnership=cast.partnership, kind="call", title="Budget call"
    )
    services.partnership_document_upload(
        actor=cast.recruiter,
        partnership=cast.partnership,
        kind="agreement",
        title="Agreement",
        file=upload("a.pdf", minimal_pdf()),
    )
    services.partnership_transition(
        actor=cast.coordinator,
        partnership=cast.partnership,
        to_status="under_review",
        note="Annual",
    )
    client.force_login(cast.educator)
    with django_assert_max_num_queries(30):
        body = client.get(_url("detail", cast)).content.decode()
    for text in [
        "More placements",
        "Students placed",
        "Off track",
        "Summer places",
        "40 %",
        "Grace Hopper",
        "Budget call",
        "Book rooms",
        "Agreement",
        "Annual",
        "Under review",
    ]:
        assert text in body, text
    assert "Add an objective" not in body


def test_owner_choices_are_staff_by_public_id(client, cast):
    client.force_login(cast.coordinator)
    body = client.get(_url("detail", cast)).content.decode()
    assert f'value="{cast.recruiter.public_id}"' in body
    assert f'value="{cast.student.public_id}"' not in body
    assert f'value="{cast.other_coordinator.public_id}"' not in body


def test_edit_page_prefills_current_values(client, cast):
    client.force_login(cast.recruiter)
    body = client.get(_url("edit", cast)).content.decode()
    assert 'value="Robotics internships"' in body
    assert f'<option value="{cast.inst.public_id}" selected>' in body
    assert f'<option value="{cast.partner.public_id}" selected>' in body
    assert 'value="mentoring"' in body and "checked" in body


def test_admin_pages_render(client, cast):
    services.kpi_measurement_record(actor=cast.coordinator, kpi=cast.kpi, value=1)
    client.force_login(cast.admin)
    objects = [cast.partnership, cast.kpi, cast.objective, cast.commitment, cast.contact, cast.item]
    for obj in objects:
        meta = obj._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200, change
    for name in ["communicationentry", "partnershipdocument"]:
        assert client.get(reverse(f"admin:partnerships_{name}_changelist")).status_code == 200
