"""Pages for site visits, incidents, the minors' rules and the employer due-diligence
checklist (issue 15). Views parse input, call one selector or service, and render; a
placement or incident outside the viewer's scope answers 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.models import User
from tandem.applications.models import Application
from tandem.core.view_errors import submit
from tandem.organizations.models import Organization
from tandem.organizations.permissions import coordinator_institution_ids

from . import selectors, services
from .forms_visits import (
    BirthDateForm,
    DiligenceForm,
    IncidentForm,
    IncidentStatusForm,
    MinorsRulesForm,
    VisitForm,
    VisitRecordForm,
)
from .models import DiligenceItem, SiteVisit
from .permissions import (
    can_handle_incident,
    can_report_incident,
    can_schedule_visit,
    can_view_placement,
    can_view_visits,
    is_faculty,
)


def _placement(request: HttpRequest, public_id: uuid.UUID) -> Application:
    application = selectors.operations_placement_for(request.user, public_id)
    if application is None:
        raise Http404
    return application


def visits_summary(request: HttpRequest, application: Application) -> dict[str, Any]:
    """What the placement page shows of visits, incidents, minors and due diligence."""
    user = request.user
    return {
        "may_see_visits": can_view_visits(user, application),
        "next_visits": [
            line
            for line in selectors.visits_of(user, application)
            if line.visit.status == "scheduled"
        ][:3],
        "may_report_incident": can_report_incident(user, application),
        "open_incidents": [
            i
            for i in selectors.incidents_for(user, application=application)
            if i.status != "closed"
        ],
        "is_minor": selectors.is_minor_placement(application),
        "diligence_flags": selectors.diligence_flags([application]).get(application.pk, []),
    }


def _private_file(file: FieldFile, content_type: str, name: str) -> FileResponse:
    extension = (file.name or "").rsplit(".", 1)[-1]
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=f"{name}.{extension}",
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Site visits -------------------------------------------------------------------------------
@login_required
@require_GET
def visits_home(request: HttpRequest) -> HttpResponse:
    """Everyone: upcoming visits; faculty also the placements they may schedule visits on."""
    return render(
        request,
        "placements/visits_home.html",
        {
            "upcoming": list(selectors.upcoming_visits(request.user)[:100]),
            "placements": list(selectors.faculty_placements(request.user)[:200]),
        },
    )


def _visits_page(
    request: HttpRequest, application: Application, form: VisitForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "placements/visits.html",
        {
            "application": application,
            "timeline": selectors.placement_timeline(request.user, application),
            "lines": selectors.visits_of(request.user, application),
            "may_schedule": can_schedule_visit(request.user, application),
            "is_faculty": is_faculty(request.user, application),
            "may_see_placement": can_view_placement(request.user, application),
            "form": form
            or VisitForm(
                initial={"mode": "in_person", "time_zone": timezone.get_current_timezone_name()}
            ),
            "record_form": VisitRecordForm(),
        },
        status=status,
    )


@login_required
@require_GET
def visits(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A placement's visits and timeline (faculty, the student, the host's supervisors)."""
    application = _placement(request, public_id)
    if not can_view_visits(request.user, application):
        raise PermissionDenied
    return _visits_page(request, application)


@login_required
@require_POST
def visit_schedule(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Faculty schedule a visit."""
    application = _placement(request, public_id)
    if not can_schedule_visit(request.user, application):
        raise PermissionDenied
    form = VisitForm(request.POST)

    def schedule(d: dict[str, Any]) -> SiteVisit:
        when = d["scheduled_at"]
        return services.visit_schedule(
            actor=request.user,
            application=application,
            mode=d["mode"],
            scheduled_at=timezone.make_naive(when) if timezone.is_aware(when) else when,
            time_zone=d["time_zone"],
            location=d["location"],
            link=d["link"],
        )

    outcome = submit(form, schedule)
    if outcome.ok:
        messages.success(request, _("Visit scheduled."))
        return redirect("placements:visits", public_id=application.public_id)
    return _visits_page(request, application, form, status=422)


@login_required
@require_POST
def visit_record(request: HttpRequest, visit_id: uuid.UUID) -> HttpResponse:
    visit = (
        SiteVisit.objects.select_related("application__opportunity")
        .filter(public_id=visit_id)
        .first()
    )
    if (
        visit is None
        or selectors.operations_placement_for(request.user, visit.application.public_id) is None
    ):
        raise Http404
    if not is_faculty(request.user, visit.application):
        raise PermissionDenied
    form = VisitRecordForm(request.POST)
    outcome = submit(
        form,
        lambda d: services.visit_record(
            actor=request.user,
            visit=visit,
            status=d["status"],
            notes=d["notes"],
            notes_shared=d["notes_shared"],
            outcome=d["outcome"],
        ),
    )
    if outcome.ok:
        messages.success(request, _("Visit recorded."))
    else:
        errors = outcome.error.fields if outcome.error else form.errors
        for msgs in errors.values():
            for message in msgs:
                messages.error(request, str(message))
    return redirect("placements:visits", public_id=visit.application.public_id)


# --- Incidents ---------------------------------------------------------------------------------
@login_required
@require_GET
def incidents(request: HttpRequest) -> HttpResponse:
    """The incidents the viewer reported or handles."""
    return render(
        request, "placements/incidents.html", {"incidents": selectors.incidents_for(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_report(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = _placement(request, public_id)
    if not can_report_incident(request.user, application):
        raise PermissionDenied
    form = IncidentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        outcome = submit(
            form,
            lambda d: services.incident_report(
                actor=request.user,
                application=application,
                kind=d["kind"],
                severity=d["severity"],
                occurred_at=d["occurred_at"],
                description=d["description"],
                about_supervisor=d["about_supervisor"],
                file=d["evidence"],
            ),
        )
        if outcome.ok and outcome.value is not None:
            messages.success(request, _("Incident reported; the people who handle it are told."))
            return redirect("placements:incident", public_id=outcome.value.public_id)
        status = 422
    return render(
        request,
        "placements/incident_report.html",
        {"application": application, "form": form},
        status=status,
    )


def _incident(request: HttpRequest, public_id: uuid.UUID) -> Any:
    incident = selectors.incident_for(request.user, public_id)
    if incident is None:
        raise Http404
    return incident


@login_required
@require_GET
def incident(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One incident (each reading is audited)."""
    found = _incident(request, public_id)
    services.incident_read_record(actor=request.user, incident=found)
    return render(
        request,
        "placements/incident.html",
        {
            "incident": found,
            "may_handle": can_handle_incident(request.user, found) and found.status != "closed",
            "form": IncidentStatusForm(),
        },
    )


@login_required
@require_POST
def incident_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _incident(request, public_id)
    if not can_handle_incident(request.user, found):
        raise PermissionDenied
    form = IncidentStatusForm(request.POST)
    outcome = submit(
        form,
        lambda d: services.incident_transition(
            actor=request.user, incident=found, to_status=d["status"], resolution=d["resolution"]
        ),
    )
    if outcome.ok:
        messages.success(request, _("Incident updated."))
        return redirect("placements:incident", public_id=found.public_id)
    return render(
        request,
        "placements/incident.html",
        {"incident": found, "may_handle": True, "form": form},
        status=outcome.error.status if outcome.error else 422,  # type: ignore[attr-defined]
    )


@login_required
@require_GET
def incident_evidence(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    found = _incident(request, public_id)
    if not found.evidence:
        raise Http404
    return _private_file(found.evidence, found.evidence_content_type, f"incident-{found.public_id}")


# --- Minors ------------------------------------------------------------------------------------
def _coordinated(request: HttpRequest) -> Organization:
    institutions = sorted(coordinator_institution_ids(request.user))
    if not institutions:
        raise PermissionDenied
    return Organization.objects.get(pk=institutions[0])


@login_required
@require_http_methods(["GET", "POST"])
def minors(request: HttpRequest) -> HttpResponse:
    """Coordinators: the minors' hour limits and students' dates of birth."""
    institution = _coordinated(request)
    rules = selectors.minors_rules_of(institution.pk)
    rules_form = MinorsRulesForm(
        request.POST if request.POST.get("form") == "rules" else None,
        initial={
            "max_hours_per_day": rules.max_hours_per_day if rules else None,
            "max_hours_per_week": rules.max_hours_per_week if rules else None,
        },
    )
    birth_form = BirthDateForm(request.POST if request.POST.get("form") == "birth" else None)
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "rules":
            outcome = submit(
                rules_form,
                lambda d: services.minors_rules_set(
                    actor=request.user,
                    institution=institution,
                    max_hours_per_day=d["max_hours_per_day"],
                    max_hours_per_week=d["max_hours_per_week"],
                ),
            )
        else:

            def record(d: dict[str, Any]) -> Any:
                student = User.objects.filter(email__iexact=d["email"]).first()
                if student is None:
                    from tandem.core.errors import DomainError

                    raise DomainError(
                        _("No student has this e-mail address."),
                        fields={"email": [_("No student has this e-mail address.")]},
                    )
                return services.birth_date_record(
                    actor=request.user,
                    institution=institution,
                    student=student,
                    date_of_birth=d["date_of_birth"],
                )

            outcome = submit(birth_form, record)
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect("placements:minors")
        status = 422
    return render(
        request,
        "placements/minors.html",
        {
            "institution": institution,
            "rules_form": rules_form,
            "birth_form": birth_form,
            "births": selectors.birth_dates_for(request.user, institution.pk)[:500],
        },
        status=status,
    )


# --- Employer due diligence --------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def diligence(
    request: HttpRequest, institution_id: uuid.UUID, partner_id: uuid.UUID
) -> HttpResponse:
    """Coordinators: the institution's due-diligence checklist for one partner (part of its
    vetting)."""
    institution = Organization.objects.filter(
        public_id=institution_id, pk__in=coordinator_institution_ids(request.user)
    ).first()
    if institution is None:
        raise PermissionDenied
    partner = Organization.objects.filter(public_id=partner_id).first()
    if partner is None or not partner.is_partner:
        raise Http404
    form = DiligenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        outcome = submit(
            form,
            lambda d: services.diligence_item_record(
                actor=request.user,
                institution=institution,
                partner=partner,
                kind=d["kind"],
                file=d["evidence"],
                expires_on=d["expires_on"],
            ),
        )
        if outcome.ok:
            messages.success(request, _("Checklist item filed."))
            return redirect(
                "placements:diligence",
                institution_id=institution.public_id,
                partner_id=partner.public_id,
            )
        status = 422
    return render(
        request,
        "placements/diligence.html",
        {
            "institution": institution,
            "partner": partner,
            "lines": selectors.diligence_checklist(institution.pk, partner.pk),
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def diligence_evidence(request: HttpRequest, item_id: uuid.UUID) -> FileResponse:
    item = DiligenceItem.objects.filter(
        public_id=item_id, institution_id__in=coordinator_institution_ids(request.user)
    ).first()
    if item is None:
        raise Http404
    return _private_file(item.evidence, item.evidence_content_type, f"diligence-{item.public_id}")
