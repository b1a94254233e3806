"""The audit trail page, for coordinators (their institutions) and platform admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.core.htmx import is_htmx

from .forms import AuditFilterForm
from .permissions import can_view_audit_trail
from .selectors import audit_events_for, audit_filter_choices

PAGE_SIZE = 50


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not can_view_audit_trail(request.user):
        raise PermissionDenied
    target_types, actions = audit_filter_choices(request.user)
    form = AuditFilterForm(request.GET or None, target_types=target_types, actions=actions)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_events_for(
        request.user,
        target_type=filters.get("target_type") or None,
        action=filters.get("action") or None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "events": page_obj.object_list,
        "querystring_without_page": (query.urlencode() + "&") if query else "",
    }
    template = "audit/list.html#results" if is_htmx(request) else "audit/list.html"
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, context, status=status)
