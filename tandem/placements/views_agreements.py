"""Pages for learning agreements: the coordinator's templates, one agreement (read, edit a
draft, send, sign, decline, amend, download the signed PDF), the "to sign" list, and the
summary on the placement page.

Views parse input, call one selector or service, and render. Agreements the viewer is not a
party to answer 404, so their existence does not leak.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.applications.models import Application
from tandem.core.view_errors import attempt, submit
from tandem.organizations.models import Organization
from tandem.organizations.permissions import coordinator_institution_ids

from . import selectors, services
from .forms_agreements import OBJECTIVE_ROWS, AgreementForm, DeclineForm, SignForm, TemplateForm
from .models import AgreementStatus, AgreementTemplate, LearningAgreement, SignerRole
from .pdf import section_lines
from .permissions import (
    can_edit_agreement,
    can_prepare_agreement,
    can_sign_agreement,
    can_view_agreement,
    can_view_placement,
)
from .services.agreements import outcome_choices, skill_choices


def placement_agreement_context(user: Any, application: Application) -> dict[str, Any]:
    """What the placement page shows of its agreement (the include
    ``placements/_agreement_summary.html``)."""
    agreement = selectors.current_agreement(application)
    return {
        "agreement": agreement if agreement and can_view_agreement(user, agreement) else None,
        "may_prepare_agreement": agreement is None and can_prepare_agreement(user, application),
        "agreement_template": selectors.template_for(application) if agreement is None else None,
    }


# --- Templates --------------------------------------------------------------------------------
def _coordinated_institution(request: HttpRequest) -> Organization:
    ids = sorted(coordinator_institution_ids(request.user))
    if not ids:
        raise PermissionDenied
    return Organization.objects.get(pk=ids[0])


def _save_template(request: HttpRequest, form: TemplateForm, template: AgreementTemplate | None):
    def call(d: dict[str, Any]) -> AgreementTemplate:
        common = {
            "actor": request.user,
            "name": d["name"],
            "sections": d["sections"],
            "signing_order": form.signing_order(),
            "opportunity_type": d["opportunity_type"],
            "insurance_text": d["insurance_text"],
            "stipend_text": d["stipend_text"],
            "minors_text": d["minors_text"],
            "clauses": d["clauses"],
            "required_before_start": d["required_before_start"],
        }
        if template is None:
            return services.agreement_template_create(
                institution=_coordinated_institution(request), **common
            )
        return services.agreement_template_update(
            template=template, is_active=d["is_active"], **common
        )

    return submit(form, call)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_templates(request: HttpRequest) -> HttpResponse:
    """Coordinators: their institution's learning agreement templates; add one."""
    _coordinated_institution(request)
    form = TemplateForm(request.POST or None, initial=TemplateForm.initial_for(None))
    status = 200
    if request.method == "POST":
        outcome = _save_template(request, form, None)
        if outcome.ok:
            messages.success(request, _("Template added."))
            return redirect("placements:agreement_templates")
        status = 422
    return render(
        request,
        "placements/agreement_templates.html",
        {"form": form, "templates": selectors.agreement_templates_for(request.user)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_template(request: HttpRequest, template_id: uuid.UUID) -> HttpResponse:
    """Coordinators: change one template (sections, texts, signing order, the start gate)."""
    template = selectors.agreement_templates_for(request.user).filter(public_id=template_id).first()
    if template is None:
        raise Http404
    form = TemplateForm(request.POST or None, initial=TemplateForm.initial_for(template))
    status = 200
    if request.method == "POST":
        outcome = _save_template(request, form, template)
        if outcome.ok:
            messages.success(request, _("Template saved."))
            return redirect("placements:agreement_templates")
        status = 422
    return render(
        request,
        "placements/agreement_template.html",
        {"form": form, "template": template},
        status=status,
    )


# --- One agreement ----------------------------------------------------------------------------
def _agreement(request: HttpRequest, public_id: uuid.UUID) -> LearningAgreement:
    agreement = selectors.agreement_for(request.user, public_id)
    if agreement is None:
        raise Http404
    return agreement


def _agreement_form(agreement: LearningAgreement, data: Any = None) -> AgreementForm:
    outcomes = outcome_choices(agreement.application)
    skills = skill_choices(agreement.application, outcomes)
    return AgreementForm(
        data,
        initial=AgreementForm.initial_for(agreement.content),
        outcomes=[(str(o.public_id), f"{o.course.title}: {o.text[:120]}") for o in outcomes],
        skills=[(c.uri, c.preferred_label) for c in skills],
    )


def _render_agreement(
    request: HttpRequest, agreement: LearningAgreement, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    signatures = selectors.signatures_of(agreement)
    may_edit = can_edit_agreement(user, agreement)
    is_draft = agreement.status == AgreementStatus.DRAFT
    context = {
        "agreement": agreement,
        "application": agreement.application,
        "content": agreement.content,
        "sections": section_lines(agreement.content),
        "shows_objectives": "objectives" in (agreement.content.get("sections") or []),
        "signatures": signatures,
        "steps": [
            {
                "number": i + 1,
                "role": SignerRole(r).label if r in SignerRole.values else r,
                "signature": next((s for s in signatures if s.step == i), None),
                "current": agreement.status == AgreementStatus.SIGNING and agreement.next_step == i,
            }
            for i, r in enumerate(agreement.signing_order)
        ],
        "versions": selectors.agreement_versions(agreement.application),
        "may_edit": may_edit and is_draft,
        "may_send": may_edit and is_draft,
        "may_amend": may_edit and agreement.status == AgreementStatus.SIGNED,
        "may_sign": can_sign_agreement(user, agreement),
        "may_view_placement": can_view_placement(user, agreement.application),
        "edit_form": extra.pop("edit_form", None)
        or (_agreement_form(agreement) if may_edit and is_draft else None),
        "sign_form": SignForm(
            initial={"step": agreement.next_step, "content_hash": agreement.content_hash}
        ),
        "decline_form": extra.pop("decline_form", None) or DeclineForm(),
        **extra,
    }
    return render(request, "placements/agreement.html", context, status=status)


@login_required
@require_GET
def agreement(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _render_agreement(request, _agreement(request, public_id))


@login_required
@require_POST
def agreement_create(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A coordinator or educator prepares the placement's agreement from the template."""
    application = selectors.placement_for(request.user, public_id)
    if application is None:
        # Educators see no placement page, but prepare agreements of their institution.
        application = (
            Application.objects.select_related("opportunity", "student", "institution")
            .filter(public_id=public_id)
            .first()
        )
        if application is None or not can_prepare_agreement(request.user, application):
            raise Http404
    if not can_prepare_agreement(request.user, application):
        raise PermissionDenied
    outcome = attempt(
        lambda: services.agreement_create(actor=request.user, application=application)
    )
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
        return redirect("placements:placement", public_id=application.public_id)
    assert outcome.value is not None
    messages.success(request, _("Agreement prepared from the template; review it and send it."))
    return redirect("placements:agreement", public_id=outcome.value.public_id)


def _objectives(data: dict[str, Any]) -> list[services.ObjectiveInput]:
    out = []
    for i in range(1, OBJECTIVE_ROWS + 1):
        text = (data.get(f"objective_{i}") or "").strip()
        if not text:
            continue
        outcome = data.get(f"objective_{i}_outcome") or None
        out.append(
            services.ObjectiveInput(
                text=text,
                outcome=uuid.UUID(outcome) if outcome else None,
                skills=tuple(data.get(f"objective_{i}_skills") or ()),
            )
        )
    return out


@login_required
@require_POST
def agreement_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    agreement = _agreement(request, public_id)
    if not can_edit_agreement(request.user, agreement):
        raise PermissionDenied
    form = _agreement_form(agreement, request.POST)
    outcome = submit(
        form,
        lambda d: services.agreement_edit(
            actor=request.user,
            agreement=agreement,
            changes={k: d[k] for k in AgreementForm.base_fields},
            objectives=_objectives(d),
        ),
    )
    if outcome.ok:
        messages.success(request, _("Agreement saved."))
        return redirect("placements:agreement", public_id=agreement.public_id)
    status = int(getattr(outcome.error, "status", 422)) if outcome.error else 422
    return _render_agreement(request, agreement, status=status, edit_form=form)


def _act(request: HttpRequest, agreement: LearningAgreement, call: Any, done: str) -> HttpResponse:
    outcome = attempt(call)
    if outcome.error is not None:
        return _render_agreement(
            request, agreement, status=outcome.error.status, error=outcome.error
        )
    messages.success(request, done)
    value = outcome.value
    target = value.public_id if isinstance(value, LearningAgreement) else agreement.public_id
    return redirect("placements:agreement", public_id=target)


@login_required
@require_POST
def agreement_send(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    agreement = _agreement(request, public_id)
    if not can_edit_agreement(request.user, agreement):
        raise PermissionDenied
    return _act(
        request,
        agreement,
        lambda: services.agreement_send(actor=request.user, agreement=agreement),
        _("Agreement sent for signature; the first signer has been e-mailed."),
    )


@login_required
@require_POST
def agreement_sign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    agreement = _agreement(request, public_id)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _render_agreement(
            request, agreement, status=400, error=_("Reload the agreement and sign again.")
        )
    return _act(
        request,
        agreement,
        lambda: services.agreement_sign(
            actor=request.user,
            agreement=agreement,
            step=form.cleaned_data["step"],
            signed_hash=form.cleaned_data["content_hash"] or None,
        ),
        _("You signed the agreement."),
    )


@login_required
@require_POST
def agreement_decline(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    agreement = _agreement(request, public_id)
    form = DeclineForm(request.POST)
    outcome = submit(
        form,
        lambda d: services.agreement_decline(
            actor=request.user, agreement=agreement, reason=d["reason"]
        ),
    )
    if outcome.ok:
        messages.success(request, _("You declined the agreement; it went back to its editors."))
        return redirect("placements:agreement", public_id=agreement.public_id)
    status = int(getattr(outcome.error, "status", 422)) if outcome.error else 422
    return _render_agreement(
        request, agreement, status=status, decline_form=form, error=outcome.error
    )


@login_required
@require_POST
def agreement_amend(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    agreement = _agreement(request, public_id)
    if not can_edit_agreement(request.user, agreement):
        raise PermissionDenied
    return _act(
        request,
        agreement,
        lambda: services.agreement_amend(actor=request.user, agreement=agreement),
        _("A new version is ready to edit; it must be signed again in full."),
    )


@login_required
@require_GET
def agreement_pdf(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The signed PDF, for the parties only."""
    agreement = _agreement(request, public_id)
    if not agreement.pdf:
        raise Http404
    response = FileResponse(
        agreement.pdf.open("rb"),
        as_attachment=True,
        filename=f"learning-agreement-v{agreement.version}-{agreement.public_id}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def agreements_to_sign(request: HttpRequest) -> HttpResponse:
    """The agreements waiting for the viewer's signature."""
    return render(
        request,
        "placements/agreements_to_sign.html",
        {"agreements": list(selectors.agreements_awaiting_signature(request.user)[:200])},
    )
