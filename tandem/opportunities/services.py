"""Every write to opportunities: drafting, submission to institutions, their decisions, and
the lifecycle after publication.

Lifecycle (anything else raises ``DomainError`` with ``code="illegal_transition"``)::

    draft ──submit──▶ awaiting_approval ──first approval──▶ published ──close──▶ closed
      ▲                     │  every target rejected             │  ▲            │
      └─────────────────────┘                          mark_filled│  └──reopen────┘
                                                                  ▼  ▲
                                                                 filled ──reopen──▶ published

- Approving a posting from a partner whose vetting at that institution is still pending
  approves the partner too (audited as ``partner_vetting.decide``). A partner the institution
  has *rejected* cannot be approved: the coordinator must change the vetting first.
- ``actor=None`` stands for the system (the applications service filling the last seat, a
  scheduled task); it is accepted only by close, reopen and mark_filled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations.models import Organization, PartnerVetting, Site, VettingStatus
from tandem.skills.services import opportunities_changed

from .currencies import ISO_4217
from .models import (
    ApprovalStatus,
    Opportunity,
    OpportunityApproval,
    OpportunityStatus,
    OpportunityType,
    PayPeriod,
    WorkMode,
)
from .permissions import can_create_opportunity_for, can_decide_opportunity, can_edit_opportunity

S = OpportunityStatus

EDITABLE_FIELDS = (
    "partnership",
    "site",
    "title",
    "type",
    "description",
    "skills_wanted",
    "location",
    "work_mode",
    "start_date",
    "end_date",
    "hours_per_week",
    "pay_amount",
    "pay_currency",
    "pay_period",
    "seats",
    "eligible_programs",
    "min_year_of_study",
    "max_year_of_study",
    "application_deadline",
)
MAX_SEATS = 10_000
BLANK_OK = frozenset({"skills_wanted", "location", "pay_period"})
MAX_HOURS_PER_WEEK = Decimal("80")
MAX_YEAR = 10


# --- helpers ---------------------------------------------------------------------------------
def _illegal(opportunity: Opportunity, action: str) -> DomainError:
    return DomainError(
        _("A posting that is “%(status)s” cannot be %(action)s.")
        % {"status": opportunity.get_status_display(), "action": action},
        code="illegal_transition",
    )


def _organizations(opportunity: Opportunity) -> set[int]:
    """Host plus every target institution: whose coordinators may read the audit event."""
    return {opportunity.host_id, *opportunity.approvals.values_list("institution_id", flat=True)}


def _audit(actor: Any, action: str, opportunity: Opportunity, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=opportunity,
        organizations=_organizations(opportunity),
        changes=changes,
    )
    # Every audited change of an opportunity (text, status, approval) refreshes its stored
    # skills and the recommendation lists derived from them, after commit, in the background.
    opportunities_changed(opportunity_ids=[opportunity.pk])


def _lock(opportunity: Opportunity) -> Opportunity:
    """Lock the posting row only (not its host), so transitions on one posting queue and
    postings of the same host do not."""
    return (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("host")
        .get(pk=opportunity.pk)
    )


def _sync(target: Opportunity, source: Opportunity) -> None:
    """Keep the caller's instance in step with the saved row."""
    if target is not source:
        for field in (*EDITABLE_FIELDS, "status", "updated_at"):
            setattr(target, field, getattr(source, field))


def _coerce(opp: Opportunity, name: str, value: Any, errors: dict[str, list[str]]) -> Any:
    """Turn API/CLI input of the wrong type into a field error, not a 500."""
    field: Any = Opportunity._meta.get_field(name)
    if value is None or value == "":
        if field.null:
            return None
        return "" if name in BLANK_OK else value  # _validate flags what is missing
    try:
        return field.to_python(value)  # type: ignore[union-attr]
    except (ValidationError, TypeError, ValueError, InvalidOperation):
        errors.setdefault(name, []).append(_("Enter a valid value."))
        return getattr(opp, name)


def _clean_programs(value: Any, errors: dict[str, list[str]]) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [line for chunk in value.splitlines() for line in chunk.split(";")]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.setdefault("eligible_programs", []).append(_("Give a list of program names."))
        return []
    seen: dict[str, str] = {}
    for raw in value:
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > 200:
            errors.setdefault("eligible_programs", []).append(
                _("Program names are at most 200 characters.")
            )
            continue
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _validate(opp: Opportunity, changed: set[str], errors: dict[str, list[str]]) -> None:
    """Every rule a posting must satisfy, as field errors."""
    opp.title = (opp.title or "").strip()
    opp.description = (opp.description or "").strip()
    if not opp.title:
        errors.setdefault("title", []).append(_("This field is required."))
    elif len(opp.title) > 200:
        errors.setdefault("title", []).append(_("At most 200 characters."))
    if not opp.description:
        errors.setdefault("description", []).append(_("This field is required."))
    if opp.type not in OpportunityType.values:
        errors.setdefault("type", []).append(_("Choose a valid opportunity type."))
    if opp.work_mode not in WorkMode.values:
        errors.setdefault("work_mode", []).append(_("Choose on-site, hybrid or remote."))
    if len(opp.location or "") > 200:
        errors.setdefault("location", []).append(_("At most 200 characters."))

    if not isinstance(opp.seats, int) or opp.seats < 1:
        errors.setdefault("seats", []).append(_("Offer at least one seat."))
    elif opp.seats > MAX_SEATS:
        errors.setdefault("seats", []).append(_("At most %(n)d seats.") % {"n": MAX_SEATS})

    if opp.start_date and opp.end_date and opp.end_date < opp.start_date:
        errors.setdefault("end_date", []).append(_("The end date is before the start date."))

    hours = opp.hours_per_week
    if hours is not None and not (Decimal(0) < hours <= MAX_HOURS_PER_WEEK):
        errors.setdefault("hours_per_week", []).append(
            _("Hours per week must be more than 0 and at most 80.")
        )

    currency = (opp.pay_currency or "").strip().upper()
    opp.pay_currency = currency
    if currency not in ISO_4217:
        errors.setdefault("pay_currency", []).append(
            _("Use an ISO 4217 currency code, such as GBP, EUR or USD.")
        )
    if opp.pay_amount is not None:
        if opp.pay_amount < 0:
            errors.setdefault("pay_amount", []).append(_("Pay cannot be negative."))
        elif opp.pay_amount >= Decimal("100000000"):
            errors.setdefault("pay_amount", []).append(_("This amount is too large."))
        if opp.pay_period not in PayPeriod.values:
            errors.setdefault("pay_period", []).append(
                _("Say what the pay is per: hour, day, week, month, year or in total.")
            )
    elif opp.pay_period:
        if opp.pay_period not in PayPeriod.values:
            errors.setdefault("pay_period", []).append(_("Choose a valid pay period."))
        else:
            opp.pay_period = ""  # no amount, no period

    for name in ("min_year_of_study", "max_year_of_study"):
        year = getattr(opp, name)
        if year is not None and not 1 <= year <= MAX_YEAR:
            errors.setdefault(name, []).append(
                _("Year of study must be between 1 and %(n)d.") % {"n": MAX_YEAR}
            )
    lo, hi = opp.min_year_of_study, opp.max_year_of_study
    if lo is not None and hi is not None and lo > hi:
        errors.setdefault("max_year_of_study", []).append(
            _("The highest year is below the lowest year.")
        )

    deadline = opp.application_deadline
    if deadline is not None:
        if timezone.is_naive(deadline):
            deadline = timezone.make_aware(deadline)
            opp.application_deadline = deadline
        if "application_deadline" in changed and deadline <= timezone.now():
            errors.setdefault("application_deadline", []).append(
                _("The application deadline must be in the future.")
            )
        if opp.start_date and timezone.localtime(deadline).date() >= opp.start_date:
            errors.setdefault("application_deadline", []).append(
                _("The application deadline must be before the start date.")
            )

    if opp.site_id is not None:
        site = opp.site
        if site is None or site.organization_id != opp.host_id:
            errors.setdefault("site", []).append(_("Choose one of the host's own sites."))
    if opp.partnership_id is not None:
        p = opp.partnership
        if p is None or not (
            p.partners.filter(pk=opp.host_id).exists()
            or p.institutions.filter(pk=opp.host_id).exists()
        ):
            errors.setdefault("partnership", []).append(
                _("Choose a partnership the host takes part in.")
            )


def _apply_fields(opp: Opportunity, fields: dict[str, Any], errors: dict[str, list[str]]) -> None:
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    for name in unknown:
        errors.setdefault(name, []).append(_("This field cannot be set."))
    for name, value in fields.items():
        if name in unknown:
            continue
        if name == "eligible_programs":
            opp.eligible_programs = _clean_programs(value, errors)
        elif name == "site":
            if value is not None and not isinstance(value, Site):
                errors.setdefault("site", []).append(_("Choose one of the host's own sites."))
            else:
                opp.site = value
        elif name == "partnership":
            from tandem.partnerships.models import Partnership

            if value is not None and not isinstance(value, Partnership):
                errors.setdefault("partnership", []).append(_("Choose a partnership."))
            else:
                opp.partnership = value
        else:
            setattr(opp, name, _coerce(opp, name, value, errors))


def _snapshot(opp: Opportunity) -> dict[str, Any]:
    return {
        name: (
            str(getattr(opp, f"{name}_id", None))
            if name in {"site", "partnership"}
            else getattr(opp, name)
        )
        for name in EDITABLE_FIELDS
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date | dt.datetime):
        return str(value)
    return value


# --- writes ----------------------------------------------------------------------------------
@transaction.atomic
def opportunity_create(*, actor: Any, host: Organization, **fields: Any) -> Opportunity:
    """Draft a posting for ``host``. Recruiters of a partner host; coordinators and educators
    for projects an institution hosts; platform admins. Starts as a draft."""
    if actor is None or not can_create_opportunity_for(actor, host):
        raise PermissionDeniedError()
    opp = Opportunity(host=host, created_by=actor, status=S.DRAFT)
    errors: dict[str, list[str]] = {}
    for required in ("title", "type", "description"):
        if required not in fields:
            errors.setdefault(required, []).append(_("This field is required."))
    _apply_fields(opp, fields, errors)
    _validate(opp, set(fields), errors)
    if errors:
        raise DomainError(_("Please correct the highlighted fields."), fields=errors)
    opp.save()
    _audit(actor, "opportunity.create", opp, {"status": [None, S.DRAFT], "title": opp.title})
    return opp


@transaction.atomic
def opportunity_update(*, actor: Any, opportunity: Opportunity, **fields: Any) -> Opportunity:
    """Change a posting's details (anything but its host and status). Same people as
    :func:`opportunity_create`. Filled postings are read-only. Changes to postings already
    seen by institutions are audited with before/after values."""
    if actor is None or not can_edit_opportunity(actor, opportunity):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status == S.FILLED:
        raise _illegal(opp, _("edited"))
    before = _snapshot(opp)
    errors: dict[str, list[str]] = {}
    _apply_fields(opp, fields, errors)
    changed = {k for k in fields if k in before and before[k] != _snapshot(opp)[k]}
    _validate(opp, changed, errors)
    if errors:
        raise DomainError(_("Please correct the highlighted fields."), fields=errors)
    opp.save()
    after = _snapshot(opp)
    diff = {k: [_jsonable(before[k]), _jsonable(after[k])] for k in after if before[k] != after[k]}
    if diff:
        _audit(actor, "opportunity.update", opp, diff)
    _sync(opportunity, opp)
    return opp


@transaction.atomic
def opportunity_submit(
    *, actor: Any, opportunity: Opportunity, institutions: Iterable[Organization]
) -> Opportunity:
    """Send a draft to institutions for approval: draft → awaiting_approval, with a pending
    approval per institution (earlier decisions by the same institutions are reset)."""
    if actor is None or not can_edit_opportunity(actor, opportunity):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status != S.DRAFT:
        raise _illegal(opp, _("submitted for approval"))
    targets = {inst.pk: inst for inst in institutions}
    if not targets:
        raise DomainError(
            _("Choose at least one institution."),
            fields={"institutions": [_("Choose at least one institution.")]},
        )
    if any(not inst.is_institution for inst in targets.values()):
        raise DomainError(
            _("Postings can only be sent to education institutions."),
            fields={"institutions": [_("Choose education institutions only.")]},
        )
    if opp.application_deadline is not None and opp.application_deadline <= timezone.now():
        raise DomainError(
            _("The application deadline has passed: move it before submitting."),
            fields={"application_deadline": [_("The deadline has passed.")]},
        )
    for inst_id in targets:
        OpportunityApproval.objects.update_or_create(
            opportunity=opp,
            institution_id=inst_id,
            defaults={
                "status": ApprovalStatus.PENDING,
                "note": "",
                "decided_by": None,
                "decided_at": None,
            },
        )
    opp.status = S.AWAITING_APPROVAL
    opp.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        "opportunity.submit",
        opp,
        {
            "status": [S.DRAFT, S.AWAITING_APPROVAL],
            "institutions": sorted(str(i.public_id) for i in targets.values()),
        },
    )
    _sync(opportunity, opp)
    return opp


@transaction.atomic
def opportunity_decide(
    *,
    actor: Any,
    opportunity: Opportunity,
    institution: Organization,
    approve: bool,
    note: str = "",
    application_deadline: dt.datetime | None = None,
) -> OpportunityApproval:
    """A coordinator of ``institution`` approves or rejects a posting sent to it.

    The first approval publishes the posting. When every target institution has rejected
    it, it goes back to draft so the host can revise and resubmit. Approving a posting from
    a partner the institution has not vetted yet approves the partner as well; a partner the
    institution rejected must be re-vetted first.

    A posting whose application deadline has passed is approved only with a new, future
    ``application_deadline`` (before the start date), which replaces the old one: published
    with a past deadline, no student could see or apply to it. A new deadline is refused for
    a posting whose deadline still lies ahead (the host changes that), and ignored on reject.
    """
    if actor is None or not can_decide_opportunity(actor, opportunity, institution):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status not in (S.AWAITING_APPROVAL, S.PUBLISHED):
        raise _illegal(opp, _("approved or rejected"))
    approval = OpportunityApproval.objects.select_for_update().get(
        opportunity=opp, institution=institution
    )
    if approval.status != ApprovalStatus.PENDING:
        raise ConflictError(
            _("%(institution)s has already decided on this posting.")
            % {"institution": institution.name},
            code="already_decided",
        )
    note = (note or "").strip()
    if len(note) > 2000:
        raise DomainError(_("The note is too long."), fields={"note": [_("At most 2000.")]})
    now = timezone.now()
    new_deadline = _approval_deadline(opp, application_deadline, now) if approve else None

    if approve and opp.host.is_partner:
        vetting, created = PartnerVetting.objects.select_for_update().get_or_create(
            institution=institution, partner=opp.host
        )
        if vetting.status == VettingStatus.REJECTED:
            raise DomainError(
                _(
                    "%(institution)s has rejected %(partner)s as a partner. Review the partner "
                    "on the vetting page before approving its postings."
                )
                % {"institution": institution.name, "partner": opp.host.name},
                code="partner_rejected",
            )
        if vetting.status != VettingStatus.APPROVED:
            before = None if created else vetting.status
            vetting.status = VettingStatus.APPROVED
            vetting.note = vetting.note or _("Approved together with “%(title)s”.") % {
                "title": opp.title
            }
            vetting.decided_by, vetting.decided_at = actor, now
            vetting.save()
            audit_record(
                actor=actor,
                action="partner_vetting.decide",
                target=vetting,
                organizations=[institution, opp.host],
                changes={"status": [before, VettingStatus.APPROVED], "via": str(opp.public_id)},
            )

    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    approval.note, approval.decided_by, approval.decided_at = note, actor, now
    approval.save()

    before_status, before_deadline = opp.status, opp.application_deadline
    if approve and opp.status == S.AWAITING_APPROVAL:
        opp.status = S.PUBLISHED
    elif not approve and opp.status == S.AWAITING_APPROVAL:
        statuses = set(opp.approvals.values_list("status", flat=True))
        if statuses == {ApprovalStatus.REJECTED}:
            opp.status = S.DRAFT
    if new_deadline is not None:
        opp.application_deadline = new_deadline
    if opp.status != before_status or new_deadline is not None:
        opp.save(update_fields=["status", "application_deadline", "updated_at"])
    changes: dict[str, Any] = {
        "institution": str(institution.public_id),
        "decision": approval.status,
    }
    if opp.status != before_status:
        changes["status"] = [before_status, opp.status]
    if new_deadline is not None:
        changes["application_deadline"] = [_jsonable(before_deadline), _jsonable(new_deadline)]
    _audit(actor, "opportunity.approve" if approve else "opportunity.reject", opp, changes)
    _sync(opportunity, opp)
    return approval


def _approval_deadline(
    opp: Opportunity, deadline: dt.datetime | None, now: dt.datetime
) -> dt.datetime | None:
    """The new deadline an approval sets (None: keep the posting's), or a DomainError on the
    ``application_deadline`` field."""
    expired = opp.application_deadline is not None and opp.application_deadline <= now
    if deadline is None:
        if expired:
            raise DomainError(
                _(
                    "The application deadline of “%(title)s” has passed: give a new deadline "
                    "to approve it, or no student could apply."
                )
                % {"title": opp.title},
                fields={"application_deadline": [_("Give a new deadline in the future.")]},
                code="deadline_passed",
            )
        return None
    if not expired:
        raise DomainError(
            _("Only a posting whose deadline has passed gets a new one when approved."),
            fields={
                "application_deadline": [
                    _("The deadline has not passed; the host changes it if needed.")
                ]
            },
        )
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline <= now:
        message = _("The application deadline must be in the future.")
        raise DomainError(message, fields={"application_deadline": [message]})
    if opp.start_date and timezone.localtime(deadline).date() >= opp.start_date:
        message = _("The application deadline must be before the start date.")
        raise DomainError(message, fields={"application_deadline": [message]})
    return deadline


def _transition(
    *,
    actor: Any,
    opportunity: Opportunity,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
    verb: str,
    system_ok: bool = True,
) -> Opportunity:
    if actor is None:
        if not system_ok:
            raise PermissionDeniedError()
    elif not can_edit_opportunity(actor, opportunity):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status not in allowed_from:
        raise _illegal(opp, verb)
    before = opp.status
    opp.status = to
    opp.save(update_fields=["status", "updated_at"])
    _audit(actor, action, opp, {"status": [before, to]})
    _sync(opportunity, opp)
    return opp


@transaction.atomic
def opportunity_close(*, actor: Any, opportunity: Opportunity) -> Opportunity:
    """Stop taking applications: published or awaiting approval → closed. The host's staff,
    or the system (``actor=None``)."""
    return _transition(
        actor=actor,
        opportunity=opportunity,
        allowed_from=(S.PUBLISHED, S.AWAITING_APPROVAL),
        to=S.CLOSED,
        action="opportunity.close",
        verb=_("closed"),
    )


@transaction.atomic
def opportunity_reopen(*, actor: Any, opportunity: Opportunity) -> Opportunity:
    """Take applications again: closed or filled → published when an institution has
    approved it (otherwise back to awaiting approval). The deadline must lie ahead."""
    if actor is not None and not can_edit_opportunity(actor, opportunity):
        raise PermissionDeniedError()
    opp = _lock(opportunity)
    if opp.status not in (S.CLOSED, S.FILLED):
        raise _illegal(opp, _("reopened"))
    if opp.application_deadline is not None and opp.application_deadline <= timezone.now():
        raise DomainError(
            _("The application deadline has passed: move it before reopening."),
            fields={"application_deadline": [_("The deadline has passed.")]},
        )
    statuses = set(opp.approvals.values_list("status", flat=True))
    if ApprovalStatus.APPROVED in statuses:
        target = S.PUBLISHED
    elif ApprovalStatus.PENDING in statuses:
        target = S.AWAITING_APPROVAL
    else:
        raise DomainError(
            _("No institution has approved this posting: submit it again instead."),
            code="illegal_transition",
        )
    return _transition(
        actor=actor,
        opportunity=opportunity,
        allowed_from=(S.CLOSED, S.FILLED),
        to=target,
        action="opportunity.reopen",
        verb=_("reopened"),
    )


@transaction.atomic
def opportunity_mark_filled(*, actor: Any, opportunity: Opportunity) -> Opportunity:
    """Every seat is taken: published or closed → filled. Called by the applications service
    with ``actor=None`` when the last seat is accepted, or by the host's staff."""
    return _transition(
        actor=actor,
        opportunity=opportunity,
        allowed_from=(S.PUBLISHED, S.CLOSED),
        to=S.FILLED,
        action="opportunity.fill",
        verb=_("marked filled"),
    )
