"""Platform admins' pages for SSO connections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.view_errors import form_page

from . import services
from .forms import ConnectionForm
from .models import SsoConnection
from .permissions import can_manage_sso
from .selectors import connections_for_admin


def _admin_or_403(request: HttpRequest) -> None:
    if not can_manage_sso(request.user):
        raise PermissionDenied(_("Only platform admins configure single sign-on."))


def _connection_or_404(request: HttpRequest, public_id: str) -> SsoConnection:
    _admin_or_403(request)
    connection = connections_for_admin(request.user).filter(public_id=public_id).first()
    if connection is None:
        raise Http404
    return connection


@login_required
def connection_list(request: HttpRequest) -> HttpResponse:
    _admin_or_403(request)
    return render(
        request, "sso/connection_list.html", {"connections": connections_for_admin(request.user)}
    )


@login_required
def connection_create(request: HttpRequest) -> HttpResponse:
    _admin_or_403(request)
    form = ConnectionForm(request.POST or None, request.FILES or None)

    def saved(connection: SsoConnection) -> HttpResponse:
        messages.success(request, _("Connection %(name)s saved.") % {"name": connection.name})
        return redirect("sso:connection_list")

    return form_page(
        request,
        form,
        lambda d: services.sso_connection_create(
            actor=request.user, organization=d["organization"], **form.service_fields()
        ),
        template="sso/connection_form.html",
        context={"connection": None},
        success=saved,
    )


@login_required
def connection_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    connection = _connection_or_404(request, public_id)
    if request.method == "POST":
        form = ConnectionForm(request.POST, request.FILES)
    else:
        form = ConnectionForm(initial=ConnectionForm.initial_for(connection))

    def saved(updated: SsoConnection) -> HttpResponse:
        messages.success(request, _("Connection %(name)s saved.") % {"name": updated.name})
        return redirect("sso:connection_list")

    def update(d: dict[str, object]) -> SsoConnection:
        fields = form.service_fields()
        if d["organization"] != connection.organization:
            form.add_error("organization", _("A connection cannot move to another organization."))
            raise DomainError(_("The connection is not valid."))
        return services.sso_connection_update(actor=request.user, connection=connection, **fields)

    return form_page(
        request,
        form,
        update,
        template="sso/connection_form.html",
        context={"connection": connection},
        success=saved,
    )


@login_required
@require_POST
def connection_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    connection = _connection_or_404(request, public_id)
    services.sso_connection_delete(actor=request.user, connection=connection)
    messages.success(request, _("Connection deleted."))
    return redirect("sso:connection_list")
