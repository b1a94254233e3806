"""An organization's managers and its people: invitations (list, CSV import with preview,
re-send) and the member accounts list (last sign-in, deactivate, reactivate)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.models import User
from tandem.core.pagination import CappedPaginator
from tandem.core.view_errors import attempt, submit

from . import bulk_invitations, invitations, lifecycle, selectors
from .forms import InvitationFilterForm, InvitationImportForm, MemberFilterForm
from .models import INSTITUTION_ROLES, PARTNER_ROLES, Organization, Role
from .permissions import can_change_account_access, can_invite_members

PER_PAGE = 25


def _page(request: HttpRequest, qs: QuerySet[Any]) -> dict[str, Any]:
    page: Page[Any] = CappedPaginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {"page_obj": page, "querystring_without_page": f"{encoded}&" if encoded else ""}


def _managed_or_403(request: HttpRequest, public_id: str) -> Organization:
    org = selectors.organization_get(request.user, public_id)
    if org is None:
        raise Http404
    if not can_invite_members(request.user, org):
        raise PermissionDenied(_("Only this organization's managers see and invite its people."))
    return org


@login_required
def invitation_list(request: HttpRequest, public_id: str) -> HttpResponse:
    """Every invitation of the organization, filterable by status, with re-send and revoke."""
    org = _managed_or_403(request, public_id)
    form = InvitationFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    qs = selectors.invitations_by_status(request.user, org, status=status)
    context = {"organization": org, "filter_form": form, **_page(request, qs)}
    return render(request, "organizations/invitation_list.html", context)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, public_id: str, invitation_id: str) -> HttpResponse:
    """Send an invitation again with a new link and expiry (a declined or revoked one becomes
    a new invitation; an accepted one cannot be re-sent)."""
    org = _managed_or_403(request, public_id)
    found = selectors.invitations_by_status(request.user, org).filter(public_id=invitation_id)
    invitation = found.first()
    if invitation is None:
        raise Http404
    outcome = attempt(
        lambda: invitations.invitation_resend(actor=request.user, invitation=invitation)
    )
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
    else:
        messages.success(
            request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
        )
    return redirect("organizations:invitation_list", public_id=org.public_id)


def _import_context(org: Organization, form: InvitationImportForm, **extra: Any) -> dict[str, Any]:
    roles = INSTITUTION_ROLES if org.is_institution else PARTNER_ROLES
    return {
        "organization": org,
        "form": form,
        "roles": [(r.value, r.label) for r in Role if r in roles],
        **extra,
    }


@login_required
def invitation_import(request: HttpRequest, public_id: str) -> HttpResponse:
    """Invite people from a CSV file: upload, see the preview (every line, and each bad
    line's error), then send — all the invitations, or none if any line is bad."""
    org = _managed_or_403(request, public_id)
    template = "organizations/invitation_import.html"
    if request.method != "POST":
        return render(request, template, _import_context(org, InvitationImportForm()))
    form = InvitationImportForm(request.POST, request.FILES)
    sending = request.POST.get("action") == "send"
    outcome = submit(
        form,
        lambda d: bulk_invitations.invitations_plan_csv(
            actor=request.user, organization=org, content=d["bytes"]
        ),
    )
    plan = outcome.value
    if plan is None:
        return render(request, template, _import_context(org, form), status=422)
    if sending and plan.ok:
        result = attempt(
            lambda: bulk_invitations.invitations_bulk_send(
                actor=request.user, organization=org, plan=plan
            )
        )
        if result.value is not None:
            messages.success(request, _("%(n)d invitation(s) sent.") % {"n": len(result.value)})
            return redirect("organizations:invitation_list", public_id=org.public_id)
        if result.error is not None:
            messages.error(request, result.error.message)
    content = form.cleaned_data["bytes"].decode("utf-8-sig")
    preview = InvitationImportForm(initial={"content": content})
    context = _import_context(org, preview, plan=plan, errors=plan.messages(), previewed=True)
    return render(request, template, context, status=200 if plan.ok else 422)


@login_required
def member_accounts(request: HttpRequest, public_id: str) -> HttpResponse:
    """The organization's members: role, last sign-in, account state; filterable."""
    org = _managed_or_403(request, public_id)
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.member_accounts(
        request.user,
        org,
        role=filters.get("role", ""),
        q=filters.get("q", ""),
        account=filters.get("account", ""),
    )
    context = _page(request, qs)
    manageable = {
        m.user_id
        for m in context["page_obj"].object_list
        if can_change_account_access(request.user, org, m.user)
    }
    context.update({"organization": org, "filter_form": form, "manageable": manageable})
    return render(request, "organizations/member_accounts.html", context)


def _account_or_404(request: HttpRequest, org: Organization, user_id: str) -> User:
    membership = (
        selectors.organization_members(request.user, org).filter(user__public_id=user_id).first()
    )
    if membership is None:
        raise Http404
    return membership.user


@login_required
@require_POST
def account_deactivate(request: HttpRequest, public_id: str, user_id: str) -> HttpResponse:
    org = _managed_or_403(request, public_id)
    account = _account_or_404(request, org, user_id)
    outcome = attempt(
        lambda: lifecycle.account_deactivate(actor=request.user, organization=org, account=account)
    )
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
    else:
        messages.success(
            request, _("%(name)s can no longer sign in.") % {"name": account.full_name}
        )
    return redirect("organizations:member_accounts", public_id=org.public_id)


@login_required
@require_POST
def account_reactivate(request: HttpRequest, public_id: str, user_id: str) -> HttpResponse:
    org = _managed_or_403(request, public_id)
    account = _account_or_404(request, org, user_id)
    outcome = attempt(
        lambda: lifecycle.account_reactivate(actor=request.user, organization=org, account=account)
    )
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
    else:
        messages.success(request, _("%(name)s can sign in again.") % {"name": account.full_name})
    return redirect("organizations:member_accounts", public_id=org.public_id)
