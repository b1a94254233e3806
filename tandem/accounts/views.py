"""Sign-in, password reset, and the account page with API tokens and personal data."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from allauth.account import views as allauth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core.view_errors import submit

from . import services
from .forms import EraseAccountForm, TokenForm
from .models import ApiToken, signed_in_user


class LoginView(allauth_views.LoginView):
    """allauth's sign-in (e-mail verification, MFA, passkeys) at /accounts/login/."""

    template_name = "account/login.html"


class LogoutView(allauth_views.LogoutView):
    """Sign-out by POST only (a GET answers 405: a link or an image cannot sign you out)."""

    http_method_names = ["post", "options"]


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST":
        outcome = submit(
            form,
            lambda d: services.api_token_create(
                actor=signed_in_user(request),
                name=d["name"],
                expires_in_days=d["expires_in_days"],
            ),
        )
        if outcome.value is not None:
            _token, new_token = outcome.value
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=signed_in_user(request))
    status = 422 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    user = signed_in_user(request)
    token = get_object_or_404(ApiToken, public_id=token_id, user=user)
    services.api_token_revoke(actor=user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:account")


@login_required
def personal_data_export(request: HttpRequest) -> HttpResponse:
    """Everything Tandem holds about the signed-in person, as JSON (right of access)."""
    from .personal_data import export_personal_data

    data = export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, default=str), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="tandem-personal-data.json"'
    return response


@login_required
def account_erase(request: HttpRequest) -> HttpResponse:
    """Erase my account and personal data (right to erasure), after password confirmation."""
    data = request.POST if request.method == "POST" else None
    form = EraseAccountForm(data, user=request.user)
    user = signed_in_user(request)
    erased = request.method == "POST" and submit(
        form, lambda _d: services.user_erase(actor=user, user=user)
    )
    if erased and erased.ok:
        logout(request)
        messages.success(request, _("Your account and personal data have been erased."))
        return redirect("accounts:login")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/erase.html", {"form": form}, status=status)
