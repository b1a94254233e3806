"""Organization services: create/update, sites, memberships, partner vetting; audit; rights."""

from __future__ import annotations

import pytest

from tandem.audit.models import AuditEvent
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations import services
from tandem.organizations.models import Membership, Organization, PartnerVetting, Role, Site
from tandem.organizations.selectors import (
    organization_members,
    organizations_list,
    partners_with_vetting,
)
from tests.factories import InstitutionFactory, PartnerFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    inst, partner = InstitutionFactory(), PartnerFactory()
    return {
        "inst": inst,
        "partner": partner,
        "coordinator": member(inst, Role.COORDINATOR),
        "educator": member(inst, Role.EDUCATOR),
        "recruiter": member(partner, Role.RECRUITER),
        "supervisor": member(partner, Role.SUPERVISOR),
        "other_coordinator": member(InstitutionFactory(), Role.COORDINATOR),
        "admin": UserFactory(is_staff=True, is_superuser=True),
        "outsider": UserFactory(),
    }


def test_admin_creates_organization_with_unique_slug_and_audit(world):
    org = services.organization_create(
        actor=world["admin"],
        name="Northgate College",
        kind="institution",
        type="college",
        sector="education",
        city="York",
    )
    again = services.organization_create(
        actor=None,
        name="Northgate College",
        kind="institution",
        type="college",
        sector="education",
    )
    assert org.slug == "northgate-college" and again.slug == "northgate-college-2"
    assert AuditEvent.objects.filter(action="organization.create").count() == 2


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"kind": "partner", "type": "college"}, "type"),
        ({"kind": "institution", "type": "company"}, "type"),
        ({"kind": "alien"}, "kind"),
        ({"sector": "space"}, "sector"),
        ({"name": " "}, "name"),
        ({"country": "GBR"}, "country"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_organization_create_validates(world, fields, bad):
    args = {"name": "X", "kind": "partner", "type": "company", "sector": "technology", **fields}
    before = Organization.objects.count()
    with pytest.raises(DomainError) as exc:
        services.organization_create(actor=world["admin"], **args)
    assert bad in exc.value.fields
    assert Organization.objects.count() == before


def test_only_admins_create_organizations(world):
    with pytest.raises(PermissionDeniedError):
        services.organization_create(
            actor=world["coordinator"],
            name="X",
            kind="partner",
            type="company",
            sector="technology",
        )


def test_update_by_managers_only(world):
    services.organization_update(
        actor=world["recruiter"], organization=world["partner"], description="We build bridges."
    )
    world["partner"].refresh_from_db()
    assert world["partner"].description == "We build bridges."
    for who in ("supervisor", "coordinator", "outsider"):
        with pytest.raises(PermissionDeniedError):
            services.organization_update(
                actor=world[who], organization=world["partner"], description="hacked"
            )
    world["partner"].refresh_from_db()
    assert world["partner"].description == "We build bridges."
    with pytest.raises(DomainError):
        services.organization_update(
            actor=world["recruiter"], organization=world["partner"], kind="institution"
        )


def test_sites(world):
    site = services.site_create(
        actor=world["coordinator"], organization=world["inst"], name="North campus", city="Leeds"
    )
    services.site_update(actor=world["coordinator"], site=site, postcode="LS1 1AA")
    site.refresh_from_db()
    assert site.postcode == "LS1 1AA"
    with pytest.raises(DomainError) as exc:
        services.site_create(
            actor=world["coordinator"],
            organization=world["inst"],
            name="",
            city="",
            latitude=95,
            longitude=1,
        )
    assert {"name", "city", "latitude"} <= set(exc.value.fields)
    with pytest.raises(PermissionDeniedError):
        services.site_create(
            actor=world["educator"], organization=world["inst"], name="Annex", city="Leeds"
        )
    assert Site.objects.count() == 1


def test_memberships_add_remove_and_guard_last_manager(world):
    person = UserFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    # Direct membership (without the person's consent) is for platform admins and the
    # system only; coordinators invite (see test_organizations_invitations.py).
    with pytest.raises(PermissionDeniedError):
        services.membership_add(
            actor=world["coordinator"], organization=world["inst"], user=person, role="student"
        )
    m = services.membership_add(
        actor=admin,
        organization=world["inst"],
        user=person,
        role=Role.STUDENT,
        program="Nursing",
        year_of_study=1,
    )
    with pytest.raises(ConflictError):
        services.membership_add(
            actor=admin, organization=world["inst"], user=person, role=Role.STUDENT
        )
    with pytest.raises(DomainError) as exc:
        services.membership_add(
            actor=admin, organization=world["inst"], user=person, role=Role.RECRUITER
        )
    assert "role" in exc.value.fields
    with pytest.raises(PermissionDeniedError):
        services.membership_add(
            actor=world["educator"],
            organization=world["inst"],
            user=UserFactory(),
            role=Role.STUDENT,
        )
    with pytest.raises(PermissionDeniedError):
        services.membership_add(
            actor=world["coordinator"],
            organization=world["partner"],
            user=UserFactory(),
            role=Role.MENTOR,
        )
    services.membership_remove(actor=world["coordinator"], membership=m)
    m.refresh_from_db()
    assert not m.is_active
    again = services.membership_add(
        actor=None, organization=world["inst"], user=person, role="student"
    )
    assert again.pk == m.pk and again.is_active
    last = Membership.objects.get(user=world["recruiter"], organization=world["partner"])
    with pytest.raises(ConflictError):
        services.membership_remove(actor=world["recruiter"], membership=last)
    assert Membership.objects.get(pk=last.pk).is_active
    assert AuditEvent.objects.filter(action__startswith="membership.").count() == 3


def test_partner_vetting_decide(world):
    vetting = services.partner_vetting_decide(
        actor=world["coordinator"],
        institution=world["inst"],
        partner=world["partner"],
        status="approved",
        note="Visited the site",
    )
    assert vetting.status == "approved" and vetting.decided_by == world["coordinator"]
    event = AuditEvent.objects.get(action="partner_vetting.decide")
    assert set(event.organizations.values_list("pk", flat=True)) == {
        world["inst"].pk,
        world["partner"].pk,
    }
    services.partner_vetting_decide(
        actor=world["coordinator"],
        institution=world["inst"],
        partner=world["partner"],
        status="rejected",
    )
    assert PartnerVetting.objects.get().status == "rejected"
    for who in ("other_coordinator", "educator", "recruiter", "outsider"):
        with pytest.raises(PermissionDeniedError):
            services.partner_vetting_decide(
                actor=world[who],
                institution=world["inst"],
                partner=world["partner"],
                status="approved",
            )
    assert PartnerVetting.objects.get().status == "rejected"
    with pytest.raises(DomainError) as exc:
        services.partner_vetting_decide(
            actor=world["coordinator"],
            institution=world["inst"],
            partner=world["partner"],
            status="maybe",
        )
    assert "status" in exc.value.fields
    with pytest.raises(DomainError):
        services.partner_vetting_decide(
            actor=world["coordinator"],
            institution=world["inst"],
            partner=world["inst"],
            status="approved",
        )


def test_selectors_scope(world):
    assert organizations_list(world["outsider"], kind="partner").count() == 1
    assert organizations_list(world["outsider"], q=world["inst"].name).count() == 1
    assert list(organization_members(world["educator"], world["inst"])) == []
    assert organization_members(world["coordinator"], world["inst"]).count() == 2
    assert not partners_with_vetting(world["educator"], world["inst"]).exists()
    rows = list(partners_with_vetting(world["coordinator"], world["inst"], status="pending"))
    assert rows == [world["partner"]] and rows[0].vetting_status is None
