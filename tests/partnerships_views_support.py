"""The set-up of the partnership page tests (tests/test_partnerships_views*.py): fast password
hashing, a cast around an active partnership with an objective, a KPI, a commitment, a
contact and an action item, every write of the detail page as an ``Action``, and helpers to
sign in as a role and to undo a request's writes.
"""

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
)
from tests.test_partnerships_support import (
    EDITORS,
    NON_VIEWERS,
    READERS,
    build_cast,
    minimal_pdf,
    objective_with_kpi,
    upload,
)

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
