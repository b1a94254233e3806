"""Batch skill extraction jobs: start one, follow its progress (HTMX polling), cancel it,
list them.

Jobs are for an institution's educators and coordinators: others get 403 on the list and
start pages and 404 on a job they may not see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.core.errors import ConflictError
from tandem.core.htmx import is_htmx_partial
from tandem.core.view_errors import attempt, describe_domain_error, submit
from tandem.skills.services import job_mode

from . import selectors, services_jobs
from .forms import ExtractionJobForm
from .permissions import can_cancel_extraction_job, creatable_institutions

PER_PAGE = 20


def _institutions(request: HttpRequest) -> Any:
    institutions = creatable_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied(_("Only educators and coordinators run extraction jobs."))
    return institutions


def _list(request: HttpRequest, form: ExtractionJobForm, status: int = 200) -> HttpResponse:
    page = Paginator(selectors.extraction_job_list(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "curricula/extraction_jobs.html",
        {"form": form, "page_obj": page, "batch_mode": job_mode()},
        status=status,
    )


@login_required
@require_GET
def extraction_job_list(request: HttpRequest) -> HttpResponse:
    return _list(request, ExtractionJobForm(institutions=_institutions(request)))


@login_required
@require_POST
def extraction_job_start(request: HttpRequest) -> HttpResponse:
    form = ExtractionJobForm(request.POST, institutions=_institutions(request))
    if not form.is_valid():
        return _list(request, form, status=400)
    data = form.cleaned_data
    program = (
        selectors.program_get_or_404(request.user, data["program"]) if data["program"] else None
    )
    batch = (
        selectors.import_get_or_404(request.user, data["posting_import"])
        if data["posting_import"]
        else None
    )
    outcome = submit(
        form,
        lambda d: services_jobs.extraction_job_start(
            actor=request.user,
            scope=d["scope"],
            institution=d["institution"],
            program=program,
            posting_import=batch,
        ),
    )
    if outcome.error is not None or outcome.value is None:
        for hidden in ("program", "posting_import"):  # shown above the form instead
            for message in form.errors.pop(hidden, []):
                form.add_error(None, message)
        status = describe_domain_error(outcome.error).status if outcome.error else 400
        return _list(request, form, status=status)
    messages.success(request, _("Extraction job queued; this page shows its progress."))
    return redirect("curricula:extraction_job", public_id=outcome.value.public_id)


@login_required
@require_POST
def extraction_job_cancel(request: HttpRequest, public_id: Any) -> HttpResponse:
    job = selectors.extraction_job_get_or_404(request.user, public_id)
    outcome = attempt(lambda: services_jobs.extraction_job_cancel(actor=request.user, job=job))
    if (exc := outcome.error) is not None:
        if not isinstance(exc, ConflictError):
            raise exc  # answered by the middleware (400 page with the message)
        return _detail(request, job, error=exc.message, status=describe_domain_error(exc).status)
    messages.success(
        request, _("Job cancelled; the items it had already extracted keep their skills.")
    )
    return redirect("curricula:extraction_job", public_id=job.public_id)


@login_required
@require_GET
def extraction_job_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _detail(request, selectors.extraction_job_get_or_404(request.user, public_id))


def _detail(request: HttpRequest, job: Any, error: str = "", status: int = 200) -> HttpResponse:
    template = "curricula/extraction_job.html"
    if is_htmx_partial(request):
        template += "#progress"
    return render(
        request,
        template,
        {
            "job": job,
            "batch_mode": job_mode(),
            # Said on the page rather than "running, 0 of N" forever.
            "worker_lost": job.worker_lost,
            "can_cancel": job.is_active and can_cancel_extraction_job(request.user, job),
            "cancel_error": error,
        },
        status=status,
    )
