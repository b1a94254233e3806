"""Hours approval from a link without an account (docs/placements.md "Approving hours from a
link"): the page the e-mailed link opens, and the form that sends a link."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.core.view_errors import submit

from . import selectors, services
from .forms import HoursDecisionForm
from .models import HoursStatus
from .permissions import can_send_hours_link


class HoursLinkForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Supervisor's e-mail"), max_length=254)


def _problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "placements/hours_link.html",
        {"problem_page": True, "message": message},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def hours_link(request: HttpRequest, public_id: uuid.UUID, token: str) -> HttpResponse:
    """The link is the only credential: it opens one placement's hours, nothing else."""
    try:
        link = services.hours_link_resolve(placement_id=public_id, token=token)
    except DomainError as exc:
        return _problem(request, exc.message, 410 if exc.code in {"expired", "revoked"} else 404)
    application = link.application
    entries = list(selectors.hours_of(application))
    waiting = [e for e in entries if e.status == HoursStatus.LOGGED]
    form = HoursDecisionForm(request.POST or None, entry_ids=[str(e.public_id) for e in waiting])
    status, done = 200, None
    if request.method == "POST":
        try:
            outcome = submit(
                form,
                lambda d: services.hours_decide_by_link(
                    placement_id=public_id,
                    token=token,
                    entry_ids=d["entries"],
                    approve=d["decision"] == "approve",
                    reason=d["reason"],
                ),
            )
        except PermissionDeniedError as exc:
            return _problem(request, exc.message, 403)
        if outcome.ok:
            done = outcome.value or 0
            entries = list(selectors.hours_of(application))
            waiting = [e for e in entries if e.status == HoursStatus.LOGGED]
            form = HoursDecisionForm(entry_ids=[str(e.public_id) for e in waiting])
        else:
            status = 422
    decided = [e for e in entries if e.status != HoursStatus.LOGGED]
    return render(
        request,
        "placements/hours_link.html",
        {
            "application": application,
            "waiting": waiting,
            "decided": decided,
            "form": form,
            "done": done,
        },
        status=status,
    )


@login_required
@require_POST
def hours_link_send(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Coordinators and host staff e-mail a supervisor the approval link of a placement."""
    application = selectors.placement_for(request.user, public_id)
    if application is None:
        raise Http404
    if not can_send_hours_link(request.user, application):
        raise PermissionDenied
    form = HoursLinkForm(request.POST)
    outcome = submit(
        form,
        lambda d: services.hours_link_issue(
            actor=request.user, application=application, email=d["email"]
        ),
    )
    if outcome.ok:
        messages.success(request, _("The approval link was e-mailed."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("placements:placement", public_id=application.public_id)
