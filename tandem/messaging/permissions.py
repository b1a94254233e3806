"""Who may read and write conversations.

* A conversation is read and written by its participants only (not even a platform admin
  reads others' messages through the pages or the API).
* A conversation about an object is started by someone who belongs to it (the owning app's
  rule, through :mod:`tandem.messaging.data`), with people who belong to it.
* With a student, the student's institution decides (``Organization.student_messaging``):
  its coordinators and educators always; recruiters and supervisors of the partner involved
  only if the institution allows it. Students may always start their own.
* Abuse reports: any participant, on another person's message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tandem.organizations.models import Organization, Role, StudentMessaging
from tandem.organizations.permissions import can_set_mfa_policy, org_ids

from .data import SubjectType
from .models import Conversation, Message, Participant

if TYPE_CHECKING:
    from tandem.accounts.types import Actor

STAFF_ROLES = (Role.COORDINATOR, Role.EDUCATOR)
PARTNER_ROLES = (Role.RECRUITER, Role.SUPERVISOR)


def _signed_in(user: Actor | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def restrict_conversations(user: Actor | None, qs: QuerySet[Conversation]) -> QuerySet[Any]:
    if not _signed_in(user):
        return qs.none()
    return qs.filter(participants__user_id=user.pk)  # type: ignore[union-attr,misc]


def can_view_conversation(user: Actor | None, conversation: Conversation) -> bool:
    if not _signed_in(user):
        return False
    return Participant.objects.filter(conversation=conversation, user_id=user.pk).exists()  # type: ignore[union-attr,misc]


def can_start_conversation(user: Actor | None, spec: SubjectType, obj: Any) -> bool:
    """Whether ``user`` belongs to ``obj`` (they may then start a conversation about it)."""
    return _signed_in(user) and getattr(user, "pk", None) in spec.members(obj)


def may_message_students(user: Actor, spec: SubjectType, obj: Any) -> bool:
    """Whether ``user`` may start a conversation that includes ``obj``'s students."""
    if getattr(user, "pk", None) in spec.students(obj):
        return True
    institutions = spec.institutions(obj)
    if org_ids(user, STAFF_ROLES) & institutions:
        return True
    if not org_ids(user, PARTNER_ROLES) & spec.partners(obj):
        return False
    policies = set(
        Organization.objects.filter(pk__in=institutions).values_list("student_messaging", flat=True)
    )
    return bool(policies) and policies <= {StudentMessaging.STAFF_AND_RECRUITERS}


def can_report_message(user: Actor | None, message: Message) -> bool:
    return (
        _signed_in(user)
        and message.sender_id != getattr(user, "pk", None)
        and can_view_conversation(user, message.conversation)
    )


def can_set_student_messaging(user: Actor | None, organization: Organization) -> bool:
    """An institution's coordinators (and platform admins), as for its other policies."""
    return _signed_in(user) and can_set_mfa_policy(user, organization)  # type: ignore[arg-type]
