"""Who may do what with surveys. Everything fails closed.

- Coordinators of the owner institution build, send and close surveys and read free text.
- Educators of the owner institution read aggregated results (no free text).
- A signed-in invitee answers their own invitation; external people answer by signed link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tandem.organizations.models import Organization, Role
from tandem.organizations.permissions import has_role, is_platform_admin, org_ids

from .models import Survey, SurveyInvitation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


def can_create_survey(user: User | AnonymousUser, institution: Organization) -> bool:
    return institution.is_institution and (
        is_platform_admin(user) or has_role(user, institution, [Role.COORDINATOR])
    )


def can_manage_survey(user: User | AnonymousUser, survey: Survey) -> bool:
    return is_platform_admin(user) or has_role(user, survey.institution_id, [Role.COORDINATOR])


def can_view_survey_results(user: User | AnonymousUser, survey: Survey) -> bool:
    return is_platform_admin(user) or has_role(
        user, survey.institution_id, [Role.COORDINATOR, Role.EDUCATOR]
    )


def can_read_free_text(user: User | AnonymousUser, survey: Survey) -> bool:
    """Free-text answers may identify people: only the owner's coordinators read them."""
    return has_role(user, survey.institution_id, [Role.COORDINATOR])


def can_answer_invitation(user: User | AnonymousUser | None, invitation: SurveyInvitation) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and invitation.user_id is not None
        and invitation.user_id == user.pk
    )


def surveys_visible_qs(user: User | AnonymousUser) -> QuerySet[Survey]:
    """Surveys whose builder or results ``user`` may open."""
    if is_platform_admin(user):
        return Survey.objects.all()
    ids = org_ids(user, [Role.COORDINATOR, Role.EDUCATOR])
    if not ids:
        return Survey.objects.none()
    return Survey.objects.filter(institution_id__in=ids)


def survey_institutions_qs(user: User | AnonymousUser) -> QuerySet[Organization]:
    """Institutions where ``user`` may create surveys."""
    ids = org_ids(user, [Role.COORDINATOR])
    if not ids:
        return Organization.objects.none()
    return Organization.objects.filter(pk__in=ids, kind="institution")


def can_read_individual_responses(user: User | AnonymousUser, survey: Survey) -> bool:
    """One person's answers, for surveys that are not anonymous: the owner's coordinators."""
    return not survey.is_anonymous and has_role(user, survey.institution_id, [Role.COORDINATOR])
