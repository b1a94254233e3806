"""The notification centre and the preferences page (each person's own only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.models import signed_in_user
from tandem.core.pagination import CappedPaginator

from . import selectors, services
from .data import CHANNELS
from .models import Channel

PAGE_SIZE = 25


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    """The viewer's notifications, newest first (``?unread=1``: unread only)."""
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notifications_for(request.user, unread_only=unread_only)
    page_obj = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/centre.html",
        {
            "page_obj": page_obj,
            "unread_only": unread_only,
            "unread_count": selectors.unread_count(request.user),
            "querystring_without_page": "unread=1&" if unread_only else "",
        },
    )


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, fetched by htmx after the page loaded (so that no page
    pays for it): one count on the partial index of unread rows, capped."""
    count = selectors.unread_count(request.user)
    return render(
        request,
        "notifications/badge.html",
        {
            "count": count,
            "label": f"{selectors.UNREAD_CAP}+" if count > selectors.UNREAD_CAP else count,
        },
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, public_id: str) -> HttpResponse:
    """Mark one notification read, then follow its link (``?open=1``) or come back."""
    notification = selectors.notifications_for(request.user).filter(public_id=public_id).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(actor=signed_in_user(request), notification=notification)
    link = notification.link
    if (
        request.POST.get("open") == "1"
        and link
        and url_has_allowed_host_and_scheme(
            link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(link)
    return redirect("notifications:centre")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=signed_in_user(request))
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("notifications:centre")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Each kind with a channel to choose; a POST saves every kind that changed."""
    rows = selectors.preferences_for(request.user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        actor = signed_in_user(request)
        for row in rows:
            chosen = request.POST.get(f"kind-{row.key}")
            if chosen is None or chosen == row.channel:
                continue
            if chosen not in CHANNELS or (row.locked and chosen == Channel.OFF):
                errors[row.key] = _("Choose one of the channels offered.")
                continue
            services.notification_preference_set(actor=actor, kind=row.key, channel=chosen)
        if not errors:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences")
        rows = selectors.preferences_for(request.user)
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "channels": Channel.choices, "errors": errors},
        status=400 if errors else 200,
    )
