"""Who may do what with programs, courses, outcomes and their skill mappings.

* Educators and coordinators of the owning institution edit everything, including mappings.
* Students of the owning institution read.
* Platform admins read and edit.
* Partner staff (recruiters, supervisors) of a partner in a live partnership of type
  "curriculum" with the owning institution read, comment on outcomes, propose skills and
  endorse courses; the educators decide.
Everyone else sees nothing (views answer 404, so that a program's existence does not leak).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tandem.organizations.models import Organization, Role
from tandem.organizations.permissions import (
    is_platform_admin,
    org_ids,
    partner_staff_org_ids,
    staff_institution_ids,
)
from tandem.partnerships.models import Partnership, PartnershipStatus, PartnershipType

from .models import ExtractionJob, PostingImport, Program

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


READER_ROLES = (Role.STUDENT, Role.EDUCATOR, Role.COORDINATOR)


def reader_institution_ids(user: User | AnonymousUser) -> set[int]:
    """Institutions whose curriculum ``user`` may read through membership."""
    return org_ids(user, READER_ROLES)


LIVE_STATUSES = (
    PartnershipStatus.NEGOTIATING,
    PartnershipStatus.ACTIVE,
    PartnershipStatus.UNDER_REVIEW,
    PartnershipStatus.RENEWED,
)


def curriculum_partners(user: User | AnonymousUser) -> dict[int, set[int]]:
    """Institution id → the user's partner organizations that co-develop its curriculum
    (through a live partnership of type "curriculum"). Cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = user.__dict__.get("_curriculum_partners")
    if cached is not None:
        return dict(cached)
    mine = partner_staff_org_ids(user)
    result: dict[int, set[int]] = {}
    if mine:
        partnerships = Partnership.objects.filter(
            status__in=LIVE_STATUSES, partners__in=mine
        ).prefetch_related("institutions", "partners")
        for p in partnerships.distinct():
            if PartnershipType.CURRICULUM not in (p.types or []):
                continue
            partners = {o.pk for o in p.partners.all()} & mine
            for institution in p.institutions.all():
                result.setdefault(institution.pk, set()).update(partners)
    user.__dict__["_curriculum_partners"] = result
    return dict(result)


def visible_programs(user: User | AnonymousUser) -> QuerySet[Program]:
    """Programs ``user`` may read; none for anonymous or inactive users."""
    if is_platform_admin(user):
        return Program.objects.all()
    ids = reader_institution_ids(user) | set(curriculum_partners(user))
    if not ids:
        return Program.objects.none()
    return Program.objects.filter(institution_id__in=ids)


def can_view_program(user: User | AnonymousUser, program: Program) -> bool:
    return (
        is_platform_admin(user)
        or program.institution_id in reader_institution_ids(user)
        or program.institution_id in curriculum_partners(user)
    )


def co_developer_orgs(user: User | AnonymousUser, program: Program) -> set[int]:
    """The user's partner organizations that may comment on, propose skills for and endorse
    this program's courses (empty: not a co-developer)."""
    return curriculum_partners(user).get(program.institution_id, set())


def can_codevelop_program(user: User | AnonymousUser, program: Program) -> bool:
    return bool(co_developer_orgs(user, program))


def can_comment_program(user: User | AnonymousUser, program: Program) -> bool:
    """Comment on outcomes: co-developing partners and the institution's own staff."""
    return can_codevelop_program(user, program) or can_edit_program(user, program)


def can_edit_program(user: User | AnonymousUser, program: Program) -> bool:
    """Edit the program, its courses, outcomes and skill mappings."""
    return is_platform_admin(user) or program.institution_id in staff_institution_ids(user)


def creatable_institutions(user: User | AnonymousUser) -> QuerySet[Organization]:
    """Institutions where ``user`` may create a program."""
    if is_platform_admin(user):
        return Organization.objects.filter(kind="institution")
    return Organization.objects.filter(pk__in=staff_institution_ids(user), kind="institution")


def can_create_program(user: User | AnonymousUser, institution: Organization) -> bool:
    return institution.is_institution and (
        is_platform_admin(user) or institution.pk in staff_institution_ids(user)
    )


def can_view_gap(user: User | AnonymousUser, program: Program) -> bool:
    """The gap report: the institution's staff and its curriculum partners."""
    return can_edit_program(user, program) or can_codevelop_program(user, program)


def can_import_postings(user: User | AnonymousUser, institution: Organization) -> bool:
    """Import job postings as demand data for an institution's gap analyses."""
    return can_create_program(user, institution)


def visible_imports(user: User | AnonymousUser) -> QuerySet[PostingImport]:
    if is_platform_admin(user):
        return PostingImport.objects.all()
    ids = staff_institution_ids(user)
    if not ids:
        return PostingImport.objects.none()
    return PostingImport.objects.filter(institution_id__in=ids)


def can_start_extraction_job(user: User | AnonymousUser, institution: Organization) -> bool:
    """Start a background skill extraction for an institution: its educators and
    coordinators (and platform admins)."""
    return can_create_program(user, institution)


def can_cancel_extraction_job(user: User | AnonymousUser, job: ExtractionJob) -> bool:
    """Cancel a job: whoever may start a job for its institution."""
    return can_start_extraction_job(user, job.institution)


def visible_extraction_jobs(user: User | AnonymousUser) -> QuerySet[ExtractionJob]:
    """Extraction jobs of the institutions where ``user`` is an educator or coordinator."""
    if is_platform_admin(user):
        return ExtractionJob.objects.all()
    ids = staff_institution_ids(user)
    if not ids:
        return ExtractionJob.objects.none()
    return ExtractionJob.objects.filter(institution_id__in=ids)
