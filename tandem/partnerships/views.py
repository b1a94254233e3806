"""Partnership pages: list, create, edit, detail, and the small forms on the detail page.

Views parse input with a form, authorize through the selectors (404 for what the viewer may
not see) and :mod:`.permissions` (403 for visible-but-not-allowed), call one service and
render. HTMX requests for measurements, communication entries and action items get the
matching partial of ``partnerships/detail.html``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import add_domain_error
from tandem.core.htmx import is_htmx
from tandem.core.view_errors import describe_domain_error, form_page, submit

from . import services
from .detail import delivery_prefix, detail_rows, measurement_prefix, new_kpi_prefix
from .forms import (
    ActionItemForm,
    CommitmentForm,
    CommunicationForm,
    ContactForm,
    DeliveryForm,
    DocumentForm,
    KPIForm,
    MeasurementForm,
    ObjectiveForm,
    PartnershipFilterForm,
    PartnershipForm,
    TransitionForm,
)
from .models import (
    KPI,
    ActionItem,
    Commitment,
    Objective,
    Partnership,
    PartnershipContact,
    PartnershipDocument,
    PartnershipStatus,
)
from .permissions import can_create_partnership, can_edit_partnership, transitions_for
from .selectors import (
    partnership_detail,
    partnership_get,
    partnerships_for,
)

PAGE_SIZE = 20


def _require_edit(request: HttpRequest, partnership: Partnership) -> None:
    if not can_edit_partnership(request.user, partnership):
        raise PermissionDenied(_("You may not change this partnership."))


def _detail_url(partnership: Partnership, anchor: str = "") -> str:
    url = reverse("partnerships:detail", args=[partnership.public_id])
    return f"{url}#{anchor}" if anchor else url


# --- list, create, edit ------------------------------------------------
@login_required
@require_GET
def partnership_list(request: HttpRequest) -> HttpResponse:
    form = PartnershipFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = partnerships_for(
        request.user,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        type=filters.get("type", ""),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return render(
        request,
        "partnerships/list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "partnerships": page.object_list,
            "querystring_without_page": f"{encoded}&" if encoded else "",
            "can_create": can_create_partnership(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create(request: HttpRequest) -> HttpResponse:
    if not can_create_partnership(request.user):
        raise PermissionDenied(_("Only coordinators and partner recruiters create partnerships."))
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The service re-checks the organizations chosen: a refusal is a form error here.
        try:
            partnership = services.partnership_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Partnership proposed."))
            return redirect(_detail_url(partnership))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "partnerships/form.html", {"form": form, "partnership": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    _require_edit(request, partnership)
    if request.method == "POST":
        form = PartnershipForm(request.POST)
    else:
        form = PartnershipForm(initial=PartnershipForm.initial_for(partnership))

    def update(data: dict[str, Any]) -> None:
        data = dict(data)
        services.partnership_update(
            actor=request.user,
            partnership=partnership,
            institutions=data.pop("institutions"),
            partners=data.pop("partners"),
            **data,
        )

    def saved(_result: None) -> HttpResponse:
        messages.success(request, _("Partnership saved."))
        return redirect(_detail_url(partnership))

    return form_page(
        request,
        form,
        update,
        template="partnerships/form.html",
        context={"partnership": partnership},
        success=saved,
    )


# --- detail ------------------------------------------------
def _detail_context(
    request: HttpRequest, partnership: Partnership, **overrides: Any
) -> dict[str, Any]:
    """Everything the detail page (and its partials) shows; ``overrides`` replace bound
    forms after an invalid POST. ``kpi_forms``/``delivery_forms`` map pk → form."""
    user = request.user
    can_edit = can_edit_partnership(user, partnership)
    rows = detail_rows(
        partnership,
        can_edit=can_edit,
        kpi_forms=overrides.pop("kpi_forms", {}),
        delivery_forms=overrides.pop("delivery_forms", {}),
        new_kpi_forms=overrides.pop("new_kpi_forms", {}),
    )
    context: dict[str, Any] = {
        "partnership": partnership,
        "institutions": list(partnership.institutions.all()),
        "partners": list(partnership.partners.all()),
        "rows": rows,
        "objectives": rows.objectives,
        "commitments": rows.commitments,
        "contacts": list(partnership.contacts.all()),
        "communications": list(partnership.communications.all()),
        "action_items": list(partnership.action_items.all()),
        "documents": list(partnership.documents.all()),
        "transitions": list(partnership.transitions.all()),
        "can_edit": can_edit,
        "next_statuses": [
            (s, PartnershipStatus(s).label) for s in transitions_for(user, partnership)
        ],
    }
    if can_edit:
        context.update(
            objective_form=ObjectiveForm(partnership=partnership, prefix="objective"),
            commitment_form=CommitmentForm(partnership=partnership, prefix="commitment"),
            contact_form=ContactForm(partnership=partnership, prefix="contact"),
            communication_form=CommunicationForm(prefix="communication"),
            action_item_form=ActionItemForm(partnership=partnership, prefix="action"),
            document_form=DocumentForm(prefix="document"),
        )
    context["transition_form"] = TransitionForm(prefix="transition")
    context.update(overrides)
    return context


def _render_detail(
    request: HttpRequest,
    partnership: Partnership,
    *,
    partial: str = "",
    status: int = 200,
    **overrides: Any,
) -> HttpResponse:
    fresh = partnership_detail(request.user, partnership.public_id)
    template = "partnerships/detail.html"
    if partial and is_htmx(request):
        template = f"{template}#{partial}"
        # htmx does not swap 4xx responses by default; the partial shows the errors.
        status = 200
    context = _detail_context(request, fresh, **overrides)
    if partial == "kpi" and "kpi" in overrides:
        context.update(context["rows"].kpi_context(overrides["kpi"]))
    return render(request, template, context, status=status)


@login_required
@require_GET
def partnership_detail_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partnership = partnership_detail(request.user, public_id)
    return render(request, "partnerships/detail.html", _detail_context(request, partnership))


@login_required
@require_POST
def partnership_transition(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    form = TransitionForm(request.POST, prefix="transition")
    if not form.is_valid():
        return _render_detail(request, partnership, status=422, transition_form=form)
    outcome = submit(
        form,
        lambda d: services.partnership_transition(
            actor=request.user, partnership=partnership, to_status=d["to_status"], note=d["note"]
        ),
    )
    if outcome.error is not None:
        status = describe_domain_error(outcome.error).status
        return _render_detail(request, partnership, status=status, transition_form=form)
    messages.success(
        request,
        _("Status changed to “%(status)s”.")
        % {"status": PartnershipStatus(form.cleaned_data["to_status"]).label},
    )
    return redirect(_detail_url(partnership, "lifecycle"))


# --- sub-resources ------------------------------------------------
def _post_form(
    request: HttpRequest,
    partnership: Partnership,
    form: Any,
    call: Any,
    *,
    form_key: str,
    anchor: str,
    success: str,
    partial: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Validate ``form``, run ``call(cleaned_data)``, answer with a redirect, the detail page
    with errors (422), or (for HTMX) the named partial."""
    extra = extra or {}
    if submit(form, call).ok:
        if partial and is_htmx(request):
            return _render_detail(request, partnership, partial=partial, **extra)
        messages.success(request, success)
        return redirect(_detail_url(partnership, anchor))
    return _render_detail(
        request, partnership, partial=partial, status=422, **{form_key: form}, **extra
    )


@login_required
@require_POST
def objective_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    _require_edit(request, partnership)
    form = ObjectiveForm(request.POST, partnership=partnership, prefix="objective")
    return _post_form(
        request,
        partnership,
        form,
        lambda d: services.objective_create(actor=request.user, partnership=partnership, **d),
        form_key="objective_form",
        anchor="objectives",
        success=_("Objective added."),
    )


@login_required
@require_POST
def kpi_create(request: HttpRequest, public_id: UUID, objective_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    objective = get_object_or_404(Objective, partnership=partnership, public_id=objective_id)
    _require_edit(request, partnership)
    form = KPIForm(request.POST, partnership=partnership, prefix=new_kpi_prefix(objective))
    if submit(form, lambda d: services.kpi_create(actor=request.user, objective=objective, **d)).ok:
        messages.success(request, _("KPI added."))
        return redirect(_detail_url(partnership, f"objective-{objective.public_id}"))
    return _render_detail(request, partnership, status=422, new_kpi_forms={objective.pk: form})


@login_required
@require_POST
def measurement_create(request: HttpRequest, public_id: UUID, kpi_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    kpi = get_object_or_404(
        KPI.objects.select_related("objective"),
        objective__partnership=partnership,
        public_id=kpi_id,
    )
    _require_edit(request, partnership)
    form = MeasurementForm(request.POST, prefix=measurement_prefix(kpi))
    if submit(form, lambda d: services.kpi_measurement_record(actor=request.user, kpi=kpi, **d)).ok:
        if is_htmx(request):
            return _render_detail(request, partnership, partial="kpi", kpi=kpi)
        messages.success(request, _("Measurement recorded."))
        return redirect(_detail_url(partnership, f"kpi-{kpi.public_id}"))
    return _render_detail(
        request, partnership, partial="kpi", status=422, kpi=kpi, kpi_forms={kpi.pk: form}
    )


@login_required
@require_POST
def commitment_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    _require_edit(request, partnership)
    form = CommitmentForm(request.POST, partnership=partnership, prefix="commitment")
    return _post_form(
        request,
        partnership,
        form,
        lambda d: services.commitment_create(actor=request.user, partnership=partnership, **d),
        form_key="commitment_form",
        anchor="commitments",
        success=_("Commitment added."),
    )


@login_required
@require_POST
def delivery_create(request: HttpRequest, public_id: UUID, commitment_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    commitment = get_object_or_404(Commitment, partnership=partnership, public_id=commitment_id)
    _require_edit(request, partnership)
    form = DeliveryForm(request.POST, prefix=delivery_prefix(commitment))
    outcome = submit(
        form,
        lambda d: services.commitment_delivery_record(
            actor=request.user, commitment=commitment, **d
        ),
    )
    if outcome.ok:
        messages.success(request, _("Delivery recorded."))
        return redirect(_detail_url(partnership, "commitments"))
    return _render_detail(request, partnership, status=422, delivery_forms={commitment.pk: form})


@login_required
@require_POST
def contact_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    _require_edit(request, partnership)
    form = ContactForm(request.POST, partnership=partnership, prefix="contact")
    return _post_form(
        request,
        partnership,
        form,
        lambda d: services.partnership_contact_create(
            actor=request.user, partnership=partnership, **d
        ),
        form_key="contact_form",
        anchor="contacts",
        success=_("Contact added."),
    )


@login_required
@require_POST
def contact_delete(request: HttpRequest, public_id: UUID, contact_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    contact = get_object_or_404(PartnershipContact, partnership=partnership, public_id=contact_id)
    _require_edit(request, partnership)
    services.partnership_contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect(_detail_url(partnership, "contacts"))


@login_required
@require_POST
def communication_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    _require_edit(request, partnership)
    form = CommunicationForm(request.POST, prefix="communication")
    return _post_form(
        request,
        partnership,
        form,
        lambda d: services.communication_entry_create(
            actor=request.user, partnership=partnership, **d
        ),
        form_key="communication_form",
        anchor="communication",
        success=_("Entry added to the communication record."),
        partial="communications",
    )


@login_required
@require_POST
def action_item_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    _require_edit(request, partnership)
    form = ActionItemForm(request.POST, partnership=partnership, prefix="action")
    return _post_form(
        request,
        partnership,
        form,
        lambda d: services.action_item_create(actor=request.user, partnership=partnership, **d),
        form_key="action_item_form",
        anchor="action-items",
        success=_("Action item added."),
        partial="action-items",
    )


@login_required
@require_POST
def action_item_toggle(request: HttpRequest, public_id: UUID, item_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    item = get_object_or_404(ActionItem, partnership=partnership, public_id=item_id)
    _require_edit(request, partnership)
    services.action_item_set_done(actor=request.user, item=item, done=item.done_at is None)
    if is_htmx(request):
        return _render_detail(request, partnership, partial="action-items")
    return redirect(_detail_url(partnership, "action-items"))


@login_required
@require_POST
def document_upload(request: HttpRequest, public_id: UUID) -> HttpResponse:
    partnership = partnership_get(request.user, public_id)
    _require_edit(request, partnership)
    form = DocumentForm(request.POST, request.FILES, prefix="document")
    return _post_form(
        request,
        partnership,
        form,
        lambda d: services.partnership_document_upload(
            actor=request.user, partnership=partnership, **d
        ),
        form_key="document_form",
        anchor="documents",
        success=_("Document uploaded."),
    )


@login_required
@require_GET
def document_download(request: HttpRequest, public_id: UUID, document_id: UUID) -> FileResponse:
    """Serve a document as an attachment, only to people who may see the partnership."""
    partnership = partnership_get(request.user, public_id)
    document = get_object_or_404(
        PartnershipDocument, partnership=partnership, public_id=document_id
    )
    extension = document.file.name.rsplit(".", 1)[-1] if "." in document.file.name else ""
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing.") from None
    safe_title = "".join(c if c.isalnum() or c in " -_" else "_" for c in document.title)[:80]
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{safe_title.strip() or 'document'}.{extension}",
        content_type=document.content_type,
    )
