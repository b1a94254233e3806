"""Pages: a coordinator uploads a .zip export, sees the checked result, confirms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core.htmx import is_htmx_partial
from tandem.core.view_errors import attempt, submit

from . import selectors, services
from .forms import RosterUploadForm
from .models import RosterImport

KINDS = ("orgs", "users", "classes", "enrollments")


def _institutions(request: HttpRequest) -> Any:
    institutions = selectors.roster_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied
    return institutions


def _list_page(request: HttpRequest, form: RosterUploadForm, status: int = 200) -> HttpResponse:
    imports = selectors.roster_imports(request.user)[:20]
    return render(request, "rosters/list.html", {"form": form, "imports": imports}, status=status)


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(institutions=_institutions(request))
    return _list_page(request, form)


@login_required
@require_POST
def roster_upload(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST, request.FILES, institutions=_institutions(request))
    upload = submit(
        form,
        lambda d: services.roster_upload_create(
            actor=request.user,
            institution=d["institution"],
            filename=d["file"].name,
            content=d["file"].read(),
        ),
    ).value
    if upload is None:
        return _list_page(request, form, status=422)
    return redirect("rosters:detail", public_id=upload.public_id)


def _rows(result: dict[str, Any]) -> list[tuple[str, dict[str, int]]]:
    labels = {
        "orgs": _("Organizations"),
        "users": _("People"),
        "classes": _("Classes"),
        "enrollments": _("Enrollments"),
    }
    return [(labels[k], result[k]) for k in KINDS if k in result]


def _get(request: HttpRequest, public_id: Any) -> RosterImport:
    upload = selectors.roster_import_get(request.user, public_id)
    if upload is None:
        raise Http404
    return upload


@login_required
def roster_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    upload = _get(request, public_id)
    context = {
        "upload": upload,
        "preview": _rows(upload.result),
        "applied": _rows(upload.applied_result),
        "warnings": upload.applied_result.get("warnings") or upload.result.get("warnings", []),
    }
    template = "rosters/detail.html#status" if is_htmx_partial(request) else "rosters/detail.html"
    return render(request, template, context)


@login_required
@require_POST
def roster_confirm(request: HttpRequest, public_id: Any) -> HttpResponse:
    upload = _get(request, public_id)
    outcome = attempt(lambda: services.roster_upload_confirm(actor=request.user, upload=upload))
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
    else:
        messages.success(request, _("The roster is being imported."))
    return redirect("rosters:detail", public_id=upload.public_id)
