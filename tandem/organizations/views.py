"""Browse organizations, see one, and (coordinators) vet industry partners."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.models import User, signed_in_user
from tandem.core.csv_import import line_message
from tandem.core.htmx import is_htmx
from tandem.core.view_errors import Outcome, attempt, form_page, submit

from . import completions, invitations, partner_signup, selectors, services
from .forms import (
    CompletionForm,
    CompletionImportForm,
    InvitationSignupForm,
    MemberAddForm,
    OrganizationFilterForm,
    VettingDecisionForm,
    VettingFilterForm,
)
from .models import (
    INSTITUTION_ROLES,
    PARTNER_ROLES,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    VettingStatus,
)
from .permissions import (
    can_manage_organization,
    can_record_program_completion,
    can_set_mfa_policy,
    can_view_members,
    is_invitee,
)

PER_PAGE = 25


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = PER_PAGE) -> dict[str, Any]:
    """A page of ``qs`` plus the query string (minus ``page``) for pagination links."""
    page: Page[Any] = Paginator(qs, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {"page_obj": page, "querystring_without_page": f"{encoded}&" if encoded else ""}


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    form = OrganizationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.organizations_list(
        request.user,
        q=filters.get("q", ""),
        kind=filters.get("kind", ""),
        type=filters.get("type", ""),
        sector=filters.get("sector", ""),
    )
    context = {"form": form, **paginate(request, qs)}
    template = "organizations/list.html"
    if is_htmx(request):
        template += "#results"
    return render(request, template, context)


@login_required
def organization_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    org = selectors.organization_get(request.user, public_id)
    if org is None:
        raise Http404
    context = {
        "organization": org,
        "sites": selectors.organization_sites(org),
        "can_view_members": can_view_members(request.user, org),
        "members": selectors.organization_members(request.user, org),
        "invitations": selectors.organization_invitations(request.user, org),
        "can_manage": can_manage_organization(request.user, org),
        "can_set_mfa_policy": can_set_mfa_policy(request.user, org),
        "coordinates": [],
        "member_form": _member_form(org) if can_manage_organization(request.user, org) else None,
        "import_form": CompletionImportForm()
        if can_record_program_completion(request.user, org)
        else None,
    }
    if org.kind == OrganizationKind.PARTNER:
        institutions = list(selectors.vetting_institutions_for(request.user))
        context["coordinates"] = [
            (inst, selectors.vetting_status_of(inst, org)) for inst in institutions
        ]
    return render(request, "organizations/detail.html", context)


def _member_form(org: Organization, data: Any = None) -> MemberAddForm:
    allowed = INSTITUTION_ROLES if org.is_institution else PARTNER_ROLES
    roles = [(r.value, r.label) for r in Role if r in allowed]
    return MemberAddForm(data, roles=roles)


def _managed_or_403(request: HttpRequest, public_id: str) -> Organization:
    org = selectors.organization_get(request.user, public_id)
    if org is None:
        raise Http404
    if not can_manage_organization(request.user, org):
        raise PermissionDenied(_("Only this organization's managers change its members."))
    return org


@login_required
@require_POST
def member_add(request: HttpRequest, public_id: str) -> HttpResponse:
    """Coordinators invite people to their institution; recruiters to their partner. The
    person joins only when they accept; the answer is the same whether or not the address
    has an account."""
    org = _managed_or_403(request, public_id)
    form = _member_form(org, request.POST)
    outcome = submit(
        form,
        lambda d: invitations.invitation_create(
            actor=request.user,
            organization=org,
            email=d["email"],
            role=d["role"],
            title=d["title"],
            program=d["program"],
            year_of_study=d["year_of_study"],
        ),
    )
    if (invitation := outcome.value) is not None:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("organizations:detail", public_id=org.public_id)
    context = {
        "organization": org,
        "sites": selectors.organization_sites(org),
        "can_view_members": True,
        "members": selectors.organization_members(request.user, org),
        "invitations": selectors.organization_invitations(request.user, org),
        "can_manage": True,
        "coordinates": [],
        "member_form": form,
    }
    return render(request, "organizations/detail.html", context, status=422)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, public_id: str, invitation_id: str) -> HttpResponse:
    """The organization's managers withdraw an open invitation."""
    org = _managed_or_403(request, public_id)
    invitation = selectors.organization_invitations(request.user, org).filter(
        public_id=invitation_id
    )
    found = invitation.first()
    if found is None:
        raise Http404
    outcome = attempt(lambda: invitations.invitation_revoke(actor=request.user, invitation=found))
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
    else:
        messages.success(request, _("Invitation revoked."))
    if request.POST.get("back") == "invitations":
        return redirect("organizations:invitation_list", public_id=org.public_id)
    return redirect("organizations:detail", public_id=org.public_id)


def _invitation_answer(request: HttpRequest, invitation: Any, action: str) -> bool:
    """Accept or decline for the signed-in invitee; a message either way. True on success."""
    actor = signed_in_user(request)
    outcome: Outcome[object]
    if action == "accept":
        outcome = attempt(lambda: invitations.invitation_accept(actor=actor, invitation=invitation))
        done = _("You joined %(org)s.") % {"org": invitation.organization.name}
    elif action == "decline":
        outcome = attempt(
            lambda: invitations.invitation_decline(actor=actor, invitation=invitation)
        )
        done = _("Invitation declined.")
    else:
        messages.error(request, _("Choose accept or decline."))
        return False
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
        return False
    messages.success(request, done)
    return True


@login_required
@require_POST
def invitation_respond(request: HttpRequest, invitation_id: str) -> HttpResponse:
    """Accept or decline one of my invitations (from my account page)."""
    invitation = selectors.invitation_for_invitee(request.user, invitation_id)
    if invitation is None:
        raise Http404
    _invitation_answer(request, invitation, request.POST.get("action", ""))
    return redirect("accounts:account")


def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link. The invitee answers here once signed in with the invited address;
    someone without an account creates it here (the link proves they read that mailbox).
    Any other signed-in person is refused and nothing changes."""
    invitation = invitations.invitation_from_token(token)
    if invitation is None or not invitation.is_pending:
        return render(request, "organizations/invitation_invalid.html", status=404)
    context: dict[str, Any] = {"invitation": invitation, "organization": invitation.organization}
    user = request.user
    if user.is_authenticated:
        if not is_invitee(user, invitation):
            return render(request, "organizations/invitation_wrong_user.html", context, status=403)
        if request.method == "POST":
            if _invitation_answer(request, invitation, request.POST.get("action", "")):
                return redirect("accounts:account")
            return redirect(request.path)
        return render(request, "organizations/invitation.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        context["login_url"] = f"{reverse('accounts:login')}?next={request.path}"
        return render(request, "organizations/invitation.html", context)
    form = InvitationSignupForm(request.POST if request.method == "POST" else None)

    def joined(result: tuple[User, Membership]) -> HttpResponse:
        login(request, result[0], backend="allauth.account.auth_backends.AuthenticationBackend")
        messages.success(
            request, _("Welcome! You joined %(org)s.") % {"org": invitation.organization.name}
        )
        return redirect("accounts:account")

    return form_page(
        request,
        form,
        lambda d: invitations.invitation_accept_with_signup(
            invitation=invitation, full_name=d["full_name"], password=d["password1"]
        ),
        template="organizations/invitation.html",
        context=context,
        form_key="signup_form",
        success=joined,
    )


def _completion_recorder_or_403(request: HttpRequest, public_id: str) -> Organization:
    org = selectors.organization_get(request.user, public_id)
    if org is None or not org.is_institution:
        raise Http404
    if not can_record_program_completion(request.user, org):
        raise PermissionDenied(_("Only the institution's coordinators record completions."))
    return org


@login_required
def member_completion(request: HttpRequest, public_id: str, membership_id: str) -> HttpResponse:
    """A student's program completion date: shown and set by the institution's coordinators."""
    org = _completion_recorder_or_403(request, public_id)
    membership = (
        Membership.objects.select_related("user")
        .filter(public_id=membership_id, organization=org, role=Role.STUDENT, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    form = CompletionForm(
        request.POST if request.method == "POST" else None,
        initial={"completed_on": membership.completed_on},
    )

    def saved(_result: object) -> HttpResponse:
        messages.success(request, _("Program completion saved."))
        return redirect("organizations:detail", public_id=org.public_id)

    return form_page(
        request,
        form,
        lambda d: completions.membership_completion_set(
            actor=request.user, membership=membership, completed_on=d["completed_on"]
        ),
        template="organizations/member_completion.html",
        context={"organization": org, "membership": membership},
        success=saved,
    )


@login_required
@require_POST
def completions_import(request: HttpRequest, public_id: str) -> HttpResponse:
    """Program completion dates from a CSV file (``email``, ``completed_on``)."""
    org = _completion_recorder_or_403(request, public_id)
    form = CompletionImportForm(request.POST, request.FILES)
    result = submit(
        form,
        lambda d: completions.membership_completions_import(
            actor=request.user, institution=org, content=d["file"].read()
        ),
    ).value
    if result is not None:
        messages.success(
            request,
            _("%(u)d completion date(s) recorded, %(s)d unchanged.")
            % {"u": result.updated, "s": result.skipped},
        )
        if not result.errors:
            return redirect("organizations:detail", public_id=org.public_id)
    context = {
        "organization": org,
        "form": form,
        "errors": [line_message(n, m) for n, m in result.errors] if result else [],
    }
    status = 422 if result is None else 200
    return render(request, "organizations/completions_import.html", context, status=status)


@login_required
@require_POST
def member_remove(request: HttpRequest, public_id: str, membership_id: str) -> HttpResponse:
    org = _managed_or_403(request, public_id)
    membership = Membership.objects.filter(
        public_id=membership_id, organization=org, is_active=True
    ).first()
    if membership is None:
        raise Http404
    outcome = attempt(lambda: services.membership_remove(actor=request.user, membership=membership))
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
    else:
        messages.success(request, _("Membership removed."))
    return redirect("organizations:detail", public_id=org.public_id)


@login_required
@require_POST
def mfa_policy(request: HttpRequest, public_id: str) -> HttpResponse:
    """Require (or not) two-factor authentication of the institution's staff."""
    org = selectors.organization_get(request.user, public_id)
    if org is None:
        raise Http404
    if not can_set_mfa_policy(request.user, org):
        raise PermissionDenied(_("Only this institution's coordinators set its security policy."))
    required = request.POST.get("require_mfa_for_staff") == "on"
    services.organization_mfa_policy_set(
        actor=signed_in_user(request), organization=org, required=required
    )
    if required:
        messages.success(request, _("Coordinators and educators must now use two-factor sign-in."))
    else:
        messages.success(request, _("Two-factor sign-in is no longer required of staff."))
    return redirect("organizations:detail", public_id=org.public_id)


def _chosen_institution(request: HttpRequest) -> tuple[list[Organization], Organization]:
    institutions = list(selectors.vetting_institutions_for(request.user))
    if not institutions:
        raise PermissionDenied(_("Only career-office coordinators vet partners."))
    wanted = request.POST.get("institution") or request.GET.get("institution")
    for inst in institutions:
        if wanted and str(inst.public_id) == wanted:
            return institutions, inst
    if wanted:
        raise Http404
    return institutions, institutions[0]


@login_required
def vetting(request: HttpRequest) -> HttpResponse:
    """Coordinators: review the industry partners that may reach their students."""
    institutions, institution = _chosen_institution(request)
    decision_form = VettingDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if decision_form.is_valid():
            partner = Organization.objects.filter(
                public_id=decision_form.cleaned_data["partner"], kind=OrganizationKind.PARTNER
            ).first()
            if partner is None:
                raise Http404
            outcome = attempt(
                lambda: services.partner_vetting_decide(
                    actor=request.user,
                    institution=institution,
                    partner=partner,
                    status=decision_form.cleaned_data["status"],
                    note=decision_form.cleaned_data["note"],
                )
            )
            if outcome.error is not None:
                messages.error(request, outcome.error.message)
            else:
                label = VettingStatus(decision_form.cleaned_data["status"]).label
                messages.success(
                    request,
                    _("%(partner)s: %(status)s.") % {"partner": partner.name, "status": label},
                )
                url = reverse("organizations:vetting")
                return redirect(f"{url}?institution={institution.public_id}")
        else:
            messages.error(request, _("Choose a decision for the partner."))
    filter_form = VettingFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    qs = selectors.partners_with_vetting(
        request.user, institution, status=filters.get("status", ""), q=filters.get("q", "")
    )
    context = {
        "institutions": institutions,
        "institution": institution,
        "filter_form": filter_form,
        "decision_form": decision_form,
        "status_choices": VettingStatus.choices,
        **paginate(request, qs),
    }
    for row in context["page_obj"].object_list:
        row.flag_labels = partner_signup.flag_labels(row.signup_flags)
    status = 422 if request.method == "POST" else 200
    return render(request, "organizations/vetting.html", context, status=status)
