"""Invitations in bulk: a CSV file of people to invite, checked whole before anything is sent.

Columns: ``email`` and ``role`` (required), ``program``, ``year_of_study`` and ``title``
(optional; program and year of study are for students only). The header is line 1.

All or nothing: if any line is bad, nothing is sent and every bad line is reported as
``(line, message)``; fix the file and upload it again. A good file sends one invitation per
line through :func:`tandem.organizations.invitations.invitation_create`, so each line behaves
exactly like inviting one person (an open invitation of the same address and role is re-sent
with a new link), and each is audited; one ``invitation.bulk`` event records the upload.

No answer depends on whether an address has a Tandem account. Only "already holds this role
here" concerns an account, and the organization's managers see their own members anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.csv_import import CsvUpload, LineErrors, line_message
from tandem.core.errors import DomainError, PermissionDeniedError

from .invitations import invitation_create, normalize_email
from .models import INSTITUTION_ROLES, PARTNER_ROLES, Invitation, Membership, Organization, Role
from .permissions import can_invite_members

MAX_ROWS = 1000
COLUMNS = ("email", "role")
OPTIONAL_COLUMNS = ("program", "year_of_study", "title")


@dataclass(frozen=True)
class InviteLine:
    """One good line of the file: who is invited, to what."""

    line: int
    email: str
    role: str
    title: str = ""
    program: str = ""
    year_of_study: int | None = None


@dataclass
class InvitePlan:
    """What a file would send (``lines``) and what is wrong with it (``errors``)."""

    lines: list[InviteLine] = field(default_factory=list)
    errors: LineErrors = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)

    def messages(self) -> list[str]:
        return [line_message(n, m) for n, m in self.errors]


def _allowed_roles(organization: Organization) -> frozenset[str]:
    return INSTITUTION_ROLES if organization.is_institution else PARTNER_ROLES


def _check_line(
    organization: Organization, line: int, row: dict[str, str]
) -> tuple[InviteLine | None, str]:
    """The line as an invitation, or ``None`` and what is wrong with it."""
    email = normalize_email(row.get("email", ""))
    try:
        validate_email(email)
    except ValidationError:
        return None, _("%(value)r is not a valid e-mail address.") % {"value": email}
    role = (row.get("role") or "").strip().lower()
    allowed = _allowed_roles(organization)
    if role not in Role.values or role not in allowed:
        return None, _("role %(role)r is not one of: %(roles)s.") % {
            "role": role,
            "roles": ", ".join(sorted(str(r) for r in allowed)),
        }
    program = (row.get("program") or "").strip()
    title = (row.get("title") or "").strip()
    year_text = (row.get("year_of_study") or "").strip()
    year: int | None = None
    if year_text:
        if not year_text.isdigit() or not 1 <= int(year_text) <= 10:
            return None, _("year_of_study must be a whole number from 1 to 10.")
        year = int(year_text)
    if role != Role.STUDENT and (program or year is not None):
        return None, _("Only students have a program and year of study.")
    if len(program) > 200:
        return None, _("program is longer than 200 characters.")
    if len(title) > 120:
        return None, _("title is longer than 120 characters.")
    return InviteLine(line, email, role, title, program, year), ""


def invitations_plan(
    *, actor: Any, organization: Organization, rows: Iterable[tuple[int, dict[str, str]]]
) -> InvitePlan:
    """Check numbered rows (reads only): the invitations they would send and the bad lines."""
    if actor is not None and not can_invite_members(actor, organization):
        raise PermissionDeniedError(_("Only this organization's managers invite people."))
    plan = InvitePlan()
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        found, problem = _check_line(organization, line, row)
        if found is None:
            plan.errors.append((line, problem))
            continue
        first = seen.setdefault((found.email, found.role), line)
        if first != line:
            plan.errors.append(
                (line, _("The same address and role are already on line %(n)d.") % {"n": first})
            )
            continue
        plan.lines.append(found)
    members = set(
        Membership.objects.filter(
            organization=organization,
            is_active=True,
            user__email__in=sorted({p.email for p in plan.lines}),
        ).values_list("user__email", "role")
    )
    for invite in list(plan.lines):
        if (invite.email, invite.role) in {(e.lower(), r) for e, r in members}:
            plan.errors.append((invite.line, _("This person already holds this role here.")))
            plan.lines.remove(invite)
    plan.errors.sort()
    return plan


def invitations_plan_csv(*, actor: Any, organization: Organization, content: bytes) -> InvitePlan:
    """Check a CSV file (reads only). A file that cannot be read at all (not UTF-8, missing
    columns, too large) raises a DomainError on ``file``; bad lines are in the plan."""
    errors: LineErrors = []
    upload = CsvUpload(content, columns=COLUMNS, max_rows=MAX_ROWS, errors=errors)
    rows = list(upload)
    plan = invitations_plan(actor=actor, organization=organization, rows=rows)
    plan.errors = sorted(plan.errors + errors)
    if not plan.lines and not plan.errors:
        plan.errors.append((1, _("The file has no invitations.")))
    return plan


@transaction.atomic
def invitations_bulk_send(
    *, actor: Any, organization: Organization, plan: InvitePlan, source: str = "csv"
) -> list[Invitation]:
    """Send every invitation of a checked plan, or none: a plan with errors (or a line that
    fails now, e.g. a concurrent invitation) raises a DomainError listing the bad lines, and
    the transaction sends and records nothing."""
    if actor is not None and not can_invite_members(actor, organization):
        raise PermissionDeniedError(_("Only this organization's managers invite people."))
    if not plan.ok:
        raise bad_file(plan.errors or [(1, _("The file has no invitations."))])
    sent = []
    for invite in plan.lines:
        try:
            sent.append(
                invitation_create(
                    actor=actor,
                    organization=organization,
                    email=invite.email,
                    role=invite.role,
                    title=invite.title,
                    program=invite.program,
                    year_of_study=invite.year_of_study,
                )
            )
        except DomainError as exc:  # checked above; a race can still change the answer
            raise bad_file([(invite.line, exc.message)]) from exc
    audit_record(
        actor=actor,
        action="invitation.bulk",
        target=organization,
        organizations=[organization],
        changes={"count": len(sent), "source": source},
    )
    return sent


def invitations_import_csv(
    *, actor: Any, organization: Organization, content: bytes, dry_run: bool = False
) -> tuple[InvitePlan, list[Invitation]]:
    """Check a CSV file and (unless ``dry_run``) send its invitations, all or none."""
    plan = invitations_plan_csv(actor=actor, organization=organization, content=content)
    if dry_run:
        return plan, []
    return plan, invitations_bulk_send(actor=actor, organization=organization, plan=plan)


def bad_file(errors: LineErrors) -> DomainError:
    """Nothing was sent: the first 100 bad lines, on the ``file`` field."""
    return DomainError(
        _("Nothing was sent: %(n)d line(s) of the file need fixing.") % {"n": len(errors)},
        fields={"file": [line_message(n, m) for n, m in errors[:100]]},
        code="bad_lines",
    )
