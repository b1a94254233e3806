"""Every write to organizations, sites, memberships and partner vetting goes through here.

``actor=None`` means the system itself (the demo seed, the CLI run by an operator); views and
API handlers always pass the signed-in person, whose rights are checked here again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tandem.accounts.types import signed_in
from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.core.validation import conflict_on_integrity

# Recording program completions on memberships (one by one, or a CSV import) lives in its own
# module; other apps reach it here, through the app's public services.
from .completions import membership_completion_set as membership_completion_set
from .completions import membership_completions_import as membership_completions_import
from .models import (
    INSTITUTION_ROLES,
    INSTITUTION_TYPES,
    PARTNER_ROLES,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationType,
    PartnerVetting,
    Role,
    Sector,
    Site,
    StudentMessaging,
    VettingStatus,
)
from .permissions import (
    can_manage_organization,
    can_set_mfa_policy,
    can_vet_partner,
    forget_memberships,
    is_platform_admin,
)
from .roster_sync import MembershipSync as MembershipSync
from .roster_sync import memberships_sync as memberships_sync

ORGANIZATION_FIELDS = (
    "name",
    "slug",
    "type",
    "sector",
    "description",
    "website",
    "city",
    "region",
    "country",
)
SITE_FIELDS = (
    "name",
    "address",
    "city",
    "region",
    "postcode",
    "country",
    "latitude",
    "longitude",
)

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.accounts.types import Actor


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDeniedError()


def _reject_unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise DomainError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)},
            fields={name: [_("This field cannot be set.")] for name in unknown},
        )


def _clean_country(value: Any, errors: dict[str, list[str]]) -> str:
    country = str(value or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        errors.setdefault("country", []).append(
            _("Use a two-letter ISO 3166 country code, such as GB or FR.")
        )
    return country


def _validate_organization(org: Organization, errors: dict[str, list[str]]) -> None:
    org.name = (org.name or "").strip()
    if not org.name:
        errors.setdefault("name", []).append(_("This field is required."))
    if org.kind not in OrganizationKind.values:
        errors.setdefault("kind", []).append(_("Choose institution or partner."))
    if org.type not in OrganizationType.values:
        errors.setdefault("type", []).append(_("Choose a valid organization type."))
    elif org.kind == OrganizationKind.INSTITUTION and org.type not in INSTITUTION_TYPES:
        errors.setdefault("type", []).append(_("This type is not an education institution."))
    elif org.kind == OrganizationKind.PARTNER and org.type in INSTITUTION_TYPES:
        errors.setdefault("type", []).append(_("An industry partner cannot have this type."))
    if org.sector not in Sector.values:
        errors.setdefault("sector", []).append(_("Choose a valid sector."))
    org.country = _clean_country(org.country, errors)
    org.website = (org.website or "").strip()
    if org.website:
        try:
            URLValidator(schemes=["http", "https"])(org.website)
        except ValidationError:
            errors.setdefault("website", []).append(_("Enter a web address starting https://."))
    if org.slug:
        org.slug = slugify(org.slug)[:80]


def _save(org: Organization) -> None:
    """Save; the unique index on the slug decides (a taken short name is a 409)."""
    with conflict_on_integrity(_("This short name is already taken."), field="slug"):
        org.save()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organization"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organization_create(
    *,
    actor: Actor | None,
    name: str,
    kind: str,
    type: str,
    sector: str,
    **fields: Any,
) -> Organization:
    """Register an institution or a partner. Platform admins (or the system) only."""
    _require(actor is None or is_platform_admin(actor))
    _reject_unknown(fields, ORGANIZATION_FIELDS)
    org = Organization(name=name, kind=kind, type=type, sector=sector, **fields)
    errors: dict[str, list[str]] = {}
    _validate_organization(org, errors)
    if errors:
        raise DomainError(_("Please correct the organization details."), fields=errors)
    if not org.slug:
        org.slug = _unique_slug(org.name)
    _save(org)
    audit_record(
        actor=actor,
        action="organization.create",
        target=org,
        organizations=[org],
        changes={"kind": org.kind, "type": org.type, "sector": org.sector},
    )
    return org


@transaction.atomic
def organization_update(
    *, actor: Actor | None, organization: Organization, **fields: Any
) -> Organization:
    """Change an organization's public details. Its coordinators (institution) or recruiters
    (partner), and platform admins. The kind cannot change."""
    _require(actor is None or can_manage_organization(actor, organization))
    _reject_unknown(fields, ORGANIZATION_FIELDS)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    before = {k: getattr(org, k) for k in fields}
    for key, value in fields.items():
        setattr(org, key, value)
    errors: dict[str, list[str]] = {}
    _validate_organization(org, errors)
    if errors:
        raise DomainError(_("Please correct the organization details."), fields=errors)
    _save(org)
    changed = {k: [before[k], getattr(org, k)] for k in fields if before[k] != getattr(org, k)}
    if changed:
        audit_record(
            actor=actor,
            action="organization.update",
            target=org,
            organizations=[org],
            changes={k: [str(a), str(b)] for k, (a, b) in changed.items()},
        )
    organization.__dict__.update({k: getattr(org, k) for k in fields})
    return org


@transaction.atomic
def organization_mfa_policy_set(
    *, actor: Actor, organization: Organization, required: bool
) -> Organization:
    """Require (or stop requiring) two-factor authentication of an institution's coordinators
    and educators. Its coordinators and platform admins. Applies from each staff member's
    next sign-in, and at once to their API tokens (docs/accounts.md)."""
    _require(can_set_mfa_policy(actor, organization))
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.require_mfa_for_staff != required:
        org.require_mfa_for_staff = required
        org.save(update_fields=["require_mfa_for_staff", "updated_at"])
        audit_record(
            actor=actor,
            action="organization.mfa_policy",
            target=org,
            organizations=[org],
            changes={"require_mfa_for_staff": [not required, required]},
        )
    organization.require_mfa_for_staff = required
    return org


@transaction.atomic
def organization_student_messaging_set(
    *, actor: Actor, organization: Organization, policy: str
) -> Organization:
    """Choose who may start a conversation with the institution's students
    (:class:`StudentMessaging`). Its coordinators and platform admins; audited."""
    _require(can_set_mfa_policy(actor, organization))
    if policy not in StudentMessaging.values:
        msg = _("Choose one of the options.")
        raise DomainError(msg, fields={"student_messaging": msg})
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.student_messaging != policy:
        before = org.student_messaging
        org.student_messaging = policy
        org.save(update_fields=["student_messaging", "updated_at"])
        audit_record(
            actor=actor,
            action="organization.student_messaging",
            target=org,
            organizations=[org],
            changes={"student_messaging": [before, policy]},
        )
    organization.student_messaging = policy
    return org


def _validate_site(site: Site, errors: dict[str, list[str]]) -> None:
    site.name = (site.name or "").strip()
    site.city = (site.city or "").strip()
    if not site.name:
        errors.setdefault("name", []).append(_("This field is required."))
    if not site.city:
        errors.setdefault("city", []).append(_("This field is required."))
    site.country = _clean_country(site.country, errors)
    lat, lon = site.latitude, site.longitude
    if (lat is None) != (lon is None):
        errors.setdefault("latitude", []).append(_("Give both latitude and longitude, or neither."))
    try:
        if lat is not None and not -90 <= float(lat) <= 90:
            errors.setdefault("latitude", []).append(_("Latitude must be between -90 and 90."))
        if lon is not None and not -180 <= float(lon) <= 180:
            errors.setdefault("longitude", []).append(_("Longitude must be between -180 and 180."))
    except (TypeError, ValueError):
        errors.setdefault("latitude", []).append(_("Enter numbers."))


def _save_site(site: Site) -> None:
    errors: dict[str, list[str]] = {}
    _validate_site(site, errors)
    if errors:
        raise DomainError(_("Please correct the site details."), fields=errors)
    site.save()


@transaction.atomic
def site_create(
    *, actor: Actor | None, organization: Organization, name: str, city: str, **fields: Any
) -> Site:
    """Add a site (campus, plant, ward) to an organization its managers run."""
    _require(actor is None or can_manage_organization(actor, organization))
    _reject_unknown(fields, SITE_FIELDS)
    site = Site(organization=organization, name=name, city=city, **fields)
    _save_site(site)
    audit_record(
        actor=actor,
        action="site.create",
        target=site,
        organizations=[organization],
        changes={"name": site.name, "city": site.city},
    )
    return site


@transaction.atomic
def site_update(*, actor: Actor | None, site: Site, **fields: Any) -> Site:
    """Change a site's details. Same people as :func:`site_create`."""
    _require(actor is None or can_manage_organization(actor, site.organization))
    _reject_unknown(fields, SITE_FIELDS)
    for key, value in fields.items():
        setattr(site, key, value)
    _save_site(site)
    audit_record(
        actor=actor,
        action="site.update",
        target=site,
        organizations=[site.organization_id],
        changes={k: str(v) for k, v in fields.items()},
    )
    return site


def _check_role_fits(organization: Organization, role: str) -> None:
    allowed = INSTITUTION_ROLES if organization.is_institution else PARTNER_ROLES
    if role not in Role.values or role not in allowed:
        raise DomainError(
            _("This role does not exist in this kind of organization."),
            fields={
                "role": [
                    _("Choose one of: %(roles)s.")
                    % {"roles": ", ".join(sorted(str(r) for r in allowed))}
                ]
            },
        )


def _check_member_details(role: str, program: str, year_of_study: int | None) -> None:
    if year_of_study is not None and not 1 <= int(year_of_study) <= 10:
        raise DomainError(
            _("Year of study must be between 1 and 10."),
            fields={"year_of_study": [_("Must be between 1 and 10.")]},
        )
    if role != Role.STUDENT and (program or year_of_study):
        raise DomainError(
            _("Only students have a program and year of study."),
            fields={"program": [_("Only for students.")]},
        )


def _membership_grant(
    *,
    actor: Actor | None,
    organization: Organization,
    user: User,
    role: str,
    title: str = "",
    program: str = "",
    year_of_study: int | None = None,
) -> Membership:
    """Create (or reactivate) a membership, audited. Callers check the rights: a platform
    admin or the system (:func:`membership_add`), or the invitee accepting an invitation."""
    _check_role_fits(organization, role)
    _check_member_details(role, program, year_of_study)
    existing = (
        Membership.objects.select_for_update()
        .filter(user=user, organization=organization, role=role)
        .first()
    )
    if existing is not None and existing.is_active:
        raise ConflictError(
            _("This person already holds this role here."),
            fields={"role": [_("Already a member with this role.")]},
        )
    if existing is not None:
        membership = existing
        membership.is_active = True
        membership.title, membership.program = title, program
        membership.year_of_study = year_of_study
        membership.save()
    else:
        # a concurrent add of the same role meets the unique index
        with conflict_on_integrity(_("This person already holds this role here.")):
            membership = Membership.objects.create(
                user=user,
                organization=organization,
                role=role,
                title=title,
                program=program,
                year_of_study=year_of_study,
            )
    forget_memberships(user)
    audit_record(
        actor=actor,
        action="membership.add",
        target=membership,
        organizations=[organization],
        changes={"role": role},
    )
    return membership


@transaction.atomic
def membership_add(
    *,
    actor: Actor | None,
    organization: Organization,
    user: User,
    role: str,
    title: str = "",
    program: str = "",
    year_of_study: int | None = None,
) -> Membership:
    """Give ``user`` a role in ``organization`` directly, without their consent: platform
    admins and the system (demo seed, CLI) only. Coordinators and recruiters invite people
    instead (:func:`tandem.organizations.invitations.invitation_create`), so that an
    organization sees nothing of a person until that person accepts. Re-adding a removed
    member reactivates the membership."""
    _require(actor is None or is_platform_admin(actor))
    return _membership_grant(
        actor=actor,
        organization=organization,
        user=user,
        role=role,
        title=title,
        program=program,
        year_of_study=year_of_study,
    )


@transaction.atomic
def membership_remove(*, actor: Actor | None, membership: Membership) -> Membership:
    """Deactivate a membership (history stays). The last manager cannot be removed, so that
    an organization is never left without anyone to run it."""
    organization = membership.organization
    _require(actor is None or can_manage_organization(actor, organization))
    manager_role = Role.COORDINATOR if organization.is_institution else Role.RECRUITER
    # Lock every active manager membership first, so two managers removing each other at
    # once cannot both succeed and leave nobody in charge.
    managers = set(
        Membership.objects.select_for_update()
        .filter(organization=organization, role=manager_role, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ConflictError(_("This membership has already been removed."))
    if membership.role == manager_role and not managers - {membership.pk}:
        raise ConflictError(
            _("You cannot remove the last %(role)s of this organization.")
            % {"role": membership.get_role_display()}
        )
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    forget_memberships(membership.user)
    audit_record(
        actor=actor,
        action="membership.remove",
        target=membership,
        organizations=[organization],
        changes={"role": membership.role},
    )
    return membership


@transaction.atomic
def partner_vetting_decide(
    *,
    actor: Actor | None,
    institution: Organization,
    partner: Organization,
    status: str,
    note: str = "",
) -> PartnerVetting:
    """Record an institution's decision on a partner (approved, rejected, or back to
    pending). A coordinator of that institution only; audited for both organizations."""
    if not institution.is_institution:
        raise DomainError(_("Only an education institution vets partners."))
    if not partner.is_partner:
        raise DomainError(
            _("Only industry partners are vetted."),
            fields={"partner": [_("Choose an industry partner.")]},
        )
    _require(actor is None or can_vet_partner(actor, institution))
    if status not in VettingStatus.values:
        raise DomainError(
            _("Choose approved, rejected or pending."),
            fields={"status": [_("Choose approved, rejected or pending.")]},
        )
    vetting, created = PartnerVetting.objects.select_for_update().get_or_create(
        institution=institution, partner=partner
    )
    before = None if created else vetting.status
    vetting.status = status
    vetting.note = (note or "").strip()
    vetting.decided_by = signed_in(actor)
    vetting.decided_at = timezone.now()
    vetting.save()
    audit_record(
        actor=actor,
        action="partner_vetting.decide",
        target=vetting,
        organizations=[institution, partner],
        changes={"status": [before, status]},
    )
    return vetting


def memberships_personal_data_erase(user: Any) -> None:
    """Erasure on request: the person's memberships stay (the organizations' record of who
    belonged) but lose their personal fields and end."""
    Membership.objects.filter(user=user).update(
        title="", program="", year_of_study=None, is_active=False
    )
    forget_memberships(user)
